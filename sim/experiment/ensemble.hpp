// ensemble: run a scenario's Monte Carlo ensemble in parallel, deterministically.
//
// Runs go in blocks of a fixed size (it depends on the scenario's size, never on threads).
// Within a block, runs execute in parallel, each on its own pre-allocated RunState and into its
// own slice of the block buffers; then the block is folded into the summaries (parallel over
// cells) and handed to the sink (serially, in run order). Run r's random numbers depend only on
// (seed, r, step, actor, purpose). So any thread count gives bit-identical output.
//
//   EnsembleOptions opt;  opt.runs = 1000;  opt.seed = 42;
//   ThreadScope threads(2);
//   threads.run([&] { run_ensemble(scenario, opt, sink, nullptr, nullptr); });
#pragma once

#include "experiment/record.hpp"
#include "stats/summary.hpp"
#include "scenario/scenario.hpp"
#include "core/farm.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace sixparty {

enum class RecordLevel { outcomes, summary, traces };
const char* record_level_name(RecordLevel level);

struct EnsembleOptions {
  std::int64_t runs = 100;
  std::uint64_t seed = 1;
  RecordLevel level = RecordLevel::summary;
  bool check_invariants = false;     // check every step (always on in debug builds)
  double compression = 200.0;        // t-digest delta for the summaries (exact up to 127 runs)
  std::size_t state_budget_bytes = 64u << 20;  // bounds the block size for large worlds
  std::int64_t first_run = 0;        // run indices are first_run .. first_run + runs - 1 (replay)
  bool need_steps = false;           // record steps even at the outcomes level (patterns need them)
  // where the blocks run: here (null), or on the workers of a farm (other MPI ranks), which
  // serve them with serve_ensembles() from the same scenarios; `scenario_index` names this
  // scenario among those. The sink sees the same blocks in the same order either way.
  Farm* farm = nullptr;
  std::size_t scenario_index = 0;
};

// receives finished blocks in run order
class EnsembleSink {
 public:
  virtual ~EnsembleSink() = default;
  // outcomes: count x outcome layout; steps: count x steps x step layout, or null when steps were
  // not recorded (outcomes level without patterns)
  virtual void block(std::int64_t first_run, std::int64_t count, const double* outcomes, const double* steps) = 0;
  // the runs' draws of the scenario's uncertain inputs (count x uncertainty_names(sc).size(),
  // run-major), before block() of the same runs; only when the scenario declares uncertainty
  virtual void draws(std::int64_t first_run, std::int64_t count, const double* values) {
    (void)first_run, (void)count, (void)values;
  }
  // once, at the end; summary is null at the outcomes level
  virtual void finish(const Summary* summary, std::int64_t runs_completed, bool interrupted) = 0;
};

struct EnsembleResult {
  std::int64_t runs_completed = 0;
  bool interrupted = false;
  double seconds = 0;
};

// the number of runs per block for this scenario (independent of threads)
std::size_t block_runs(const Scenario& sc, const EnsembleOptions& opt);

// memory the per-step summaries of this scenario need (estimate; independent of runs)
std::size_t summary_bytes(const Scenario& sc);
inline constexpr std::size_t kSummaryLimitBytes = std::size_t{8} << 30;

// progress(done, total) is called from the calling thread after each block; `stop` is polled
// between blocks. Throws InvariantViolation (engine/step.hpp) when a run breaks an invariant.
EnsembleResult run_ensemble(const Scenario& sc, const EnsembleOptions& opt, EnsembleSink& sink,
                            const std::function<void(std::int64_t, std::int64_t)>& progress,
                            const std::atomic<bool>* stop);

// a farm worker's side of run_ensemble with opt.farm set: serves blocks of `scenarios` (the same
// list, compiled the same way, as the coordinator's) until the coordinator ends the work
void serve_ensembles(const std::vector<Scenario>& scenarios, FarmWorker& worker);

}  // namespace sixparty
