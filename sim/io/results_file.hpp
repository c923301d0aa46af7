// results_file: the HDF5 results file (layout: results/README.md), written atomically.
//
// Everything goes to "<out>.tmp-<pid>" next to the final path (core/files.hpp); commit() closes
// it, syncs it and renames it into place, so a reader never sees a half-written file under the
// final name. If the object dies without commit() (an error, an exception), the temporary file
// is removed. The HDF5 library stays behind this interface.
//
//   ResultsFile file("x.h5", meta);
//   auto sink = file.add_scenario(scenario, options);   // one group per scenario
//   run_ensemble(scenario, options, *sink, ...);
//   file.commit("complete");
#pragma once

#include "experiment/ensemble.hpp"
#include "io/error.hpp"
#include "io/outcomes.hpp"
#include "io/tables.hpp"
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
  // the outcomes of a finished scenario group of this file (before it is committed)
  OutcomeTable outcomes(const std::string& group);
  // analysis tables (io/tables.hpp) into this file
  void write_tables(const std::vector<Table>& tables);
  // status: "complete" or "interrupted"; closes, syncs and renames into place
  void commit(const std::string& status);
  const std::string& temp_path() const;
  const std::vector<std::string>& groups() const { return groups_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> groups_;
  std::vector<std::string> scenario_names_;  // same order as groups_
};

// a group name for a scenario: its name with '/' and '.' replaced, unique among `taken`
std::string group_name(const std::string& scenario_name, const std::vector<std::string>& taken);

// ISO 8601 UTC timestamp of now
std::string utc_now();

}  // namespace sixparty
