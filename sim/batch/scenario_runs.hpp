// scenario_runs: the ensembles of `sixparty run` and `compare` into one results file, shared by
// the program (cli/run.cpp) and the Python module (python/module.cpp), so both write the same
// data for the same scenarios, runs and seed.
//
//   PatternEvaluator patterns;   // every scenario added, then link()
//   ResultsFile file(out, meta);
//   ThreadScope threads(0);
//   ScenarioRunsObserver quiet;
//   auto done = run_scenarios(file, scenarios, patterns, opt, threads, quiet, &stop);
//   file.commit(done.interrupted ? "interrupted" : "complete");
#pragma once

#include "experiment/ensemble.hpp"
#include "experiment/patterns.hpp"
#include "io/results_file.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

class ThreadScope;

struct ScenarioRunsOptions {
  std::int64_t runs = 0;               // runs per scenario; 0: each scenario's run.runs
  std::optional<std::uint64_t> seed;   // the ensembles' seed; none: each scenario's run.seed
  RecordLevel level = RecordLevel::summary;
  bool check_invariants = false;       // check every step
  Farm* farm = nullptr;                // the blocks run on a farm's workers (MPI ranks) if set
};

// what the caller sees of the work; every hook is called from the thread that called
// run_scenarios (progress after each block of runs)
class ScenarioRunsObserver {
 public:
  virtual ~ScenarioRunsObserver() = default;
  // the sink scenario k's blocks go through before the file's (the program tallies what it
  // prints); the returned sink must forward to `file_sink` and live until end(k)
  virtual EnsembleSink& wrap(std::size_t k, EnsembleSink& file_sink) { (void)k; return file_sink; }
  virtual void begin(std::size_t k, const EnsembleOptions& opt) { (void)k, (void)opt; }
  virtual void progress(std::int64_t done, std::int64_t total) { (void)done, (void)total; }
  virtual void end(std::size_t k, const EnsembleOptions& opt, const EnsembleResult& res) { (void)k, (void)opt, (void)res; }
  // scenario k's declared patterns, evaluated once every scenario ran
  virtual void patterns(std::size_t k, std::int64_t runs, const std::vector<PatternResult>& results) {
    (void)k, (void)runs, (void)results;
  }
};

struct ScenarioRunsResult {
  bool interrupted = false;            // `stop` was set: the file holds every finished run
  std::size_t scenarios_run = 0;       // the first scenarios_run scenarios ran (the last one maybe in part)
  int unmet = 0;                       // patterns not as declared
  std::vector<EnsembleResult> ensembles;
};

// the memory guard of the commands that record per-step summaries: a message naming the way
// out if the scenario's summaries would pass kSummaryLimitBytes, else ""
std::string summary_guard(const Scenario& sc, RecordLevel level);

// runs each scenario's ensemble into `file` (one group each, in order) inside `threads`, then
// evaluates and writes the declared patterns. `patterns` holds every scenario (add, link). The
// file is not committed. Throws InvariantViolation, h5::Error.
ScenarioRunsResult run_scenarios(ResultsFile& file, const std::vector<Scenario>& scenarios, PatternEvaluator& patterns,
                                 const ScenarioRunsOptions& opt, ThreadScope& threads, ScenarioRunsObserver& observer,
                                 const std::atomic<bool>* stop);

}  // namespace sixparty
