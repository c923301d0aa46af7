// results_file: the HDF5 results file (layout: results/README.md), written atomically.
//
// Everything goes to "<out>.tmp-<pid>" next to the final path; commit() closes it and renames
// it into place, so a reader never sees a half-written file under the final name. If the
// object dies without commit() (an error, an exception), the temporary file is removed.
//
//   ResultsFile file("x.h5", meta);
//   auto sink = file.add_scenario(scenario, options);   // one group per scenario
//   run_ensemble(scenario, options, *sink, ...);
//   file.commit("complete");
#pragma once

#include "experiment/ensemble.hpp"
#include "experiment/h5.hpp"
#include "scenario/scenario.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sixparty {

struct RunMetadata {
  std::string command_line;
  std::string started;  // ISO 8601 UTC
  int threads = 1;
};

class ResultsFile {
 public:
  ResultsFile(std::string final_path, const RunMetadata& meta);
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  // creates the scenario's group and datasets; the sink fills them block by block
  std::unique_ptr<EnsembleSink> add_scenario(const Scenario& sc, const EnsembleOptions& opt);
  // the pattern table of a scenario's group (after its ensemble)
  void write_patterns(std::size_t scenario_index, const std::vector<struct PatternResult>& results);
  // status: "complete" or "interrupted"; closes and renames into place
  void commit(const std::string& status);
  const std::string& temp_path() const { return temp_; }
  const std::vector<std::string>& groups() const { return groups_; }

 private:
  void write_metadata(const RunMetadata& meta);
  std::string final_, temp_;
  h5::Handle file_;
  std::vector<std::string> groups_;
  std::vector<std::string> scenario_names_;  // same order as groups_
  bool committed_ = false;
};

// changes an existing results file atomically: `change` works on a copy (opened read-write), which
// is then flushed, closed and renamed over `path`; on any error the copy is removed and `path` is
// untouched. Throws h5::Error. (sixparty compare and sixparty sensitivity store their tables so.)
void update_results_file(const std::string& path, const std::function<void(hid_t file)>& change);

// the root attributes every results file carries: title, Conventions, version and git revision,
// command line, start time, RNG and threads
void write_file_metadata(hid_t root, const RunMetadata& meta);

// a group name for a scenario: its name with '/' and '.' replaced, unique among `taken`
std::string group_name(const std::string& scenario_name, const std::vector<std::string>& taken);

// ISO 8601 UTC timestamp of now
std::string utc_now();

}  // namespace sixparty
