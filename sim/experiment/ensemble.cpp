#include "experiment/ensemble.hpp"

#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "engine/run.hpp"
#include "state/run_state.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

namespace sixparty {

const char* record_level_name(RecordLevel level) {
  switch (level) {
    case RecordLevel::outcomes: return "outcomes";
    case RecordLevel::summary: return "summary";
    case RecordLevel::traces: return "traces";
  }
  return "?";
}

std::size_t block_runs(const Scenario& sc, const EnsembleOptions& opt) {
  const std::size_t n = sc.n();
  // a run's state plus, when steps are recorded, its record of every step
  const bool steps = opt.level != RecordLevel::outcomes || opt.need_steps;
  const std::size_t record_bytes = steps ? 8 * static_cast<std::size_t>(sc.steps) * RecordLayout(sc, step_variables()).per_step : 0;
  const std::size_t state_bytes = 8 * (n * n * (30 + 2 * sc.n_resources()) + n * 64) + record_bytes;
  const std::size_t by_memory = std::max<std::size_t>(1, opt.state_budget_bytes / std::max<std::size_t>(1, state_bytes));
  return std::clamp<std::size_t>(by_memory, 1, 64);
}

std::size_t summary_bytes(const Scenario& sc) {
  // measured: about 4 KiB per summarised cell (t-digest of up to ~delta/2 centroids, moments,
  // vector overheads) for the default scenario at delta = 200
  return static_cast<std::size_t>(sc.steps) * RecordLayout(sc, step_variables()).per_step * 4096;
}

EnsembleResult run_ensemble(const Scenario& sc, const EnsembleOptions& opt, EnsembleSink& sink,
                            const std::function<void(std::int64_t, std::int64_t)>& progress,
                            const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t B = block_runs(sc, opt);
  const auto& svars = step_variables();
  const auto& ovars = outcome_variables();
  const RecordLayout slayout(sc, svars), olayout(sc, ovars);
  const std::size_t steps = static_cast<std::size_t>(sc.steps);
  const bool record_steps = opt.level != RecordLevel::outcomes || opt.need_steps;
  const std::size_t per_run = record_steps ? steps * slayout.per_step : 0;

  // everything is allocated here, once
  std::vector<std::unique_ptr<RunState>> states;
  for (std::size_t k = 0; k < B; ++k) states.push_back(std::make_unique<RunState>(sc));
  std::vector<double> step_buf(B * per_run);
  std::vector<double> out_buf(B * olayout.per_step);
  const std::size_t n_draws = sc.uncertainty.any() ? uncertainty_names(sc).size() : 0;
  std::vector<double> draw_buf(B * n_draws);
  std::unique_ptr<Summary> summary;
  if (opt.level != RecordLevel::outcomes) summary = std::make_unique<Summary>(per_run, opt.compression);

  const Rng rng(opt.seed);
  StepOptions sopt;
#ifndef NDEBUG
  sopt.check_invariants = true;
#else
  sopt.check_invariants = opt.check_invariants;
#endif

  EnsembleResult result;
  for (std::int64_t first = 0; first < opt.runs; first += static_cast<std::int64_t>(B)) {
    if (stop && stop->load()) {
      result.interrupted = true;
      break;
    }
    const std::size_t count = static_cast<std::size_t>(std::min<std::int64_t>(B, opt.runs - first));
    parallel_for(count, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t k = b; k < e; ++k) {
        RunState& s = *states[k];
        double* rec = record_steps ? step_buf.data() + k * per_run : nullptr;
        run_one(sc, s, static_cast<std::uint32_t>(opt.first_run + first + static_cast<std::int64_t>(k)), rng, sopt, NoRunHook{},
                [&](int t, const RunState& st) {
                  if (rec) collect(sc, st, svars, slayout, rec + static_cast<std::size_t>(t) * slayout.per_step);
                });
        collect(sc, s, ovars, olayout, out_buf.data() + k * olayout.per_step);
        if (n_draws) std::copy_n(s.draws.data(), n_draws, draw_buf.data() + k * n_draws);
      }
    });
    if (n_draws) sink.draws(first, static_cast<std::int64_t>(count), draw_buf.data());
    if (summary) summary->add_block(step_buf.data(), count);
    sink.block(first, static_cast<std::int64_t>(count), out_buf.data(), record_steps ? step_buf.data() : nullptr);
    result.runs_completed = first + static_cast<std::int64_t>(count);
    if (progress) progress(result.runs_completed, opt.runs);
  }
  sink.finish(summary.get(), result.runs_completed, result.interrupted);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace sixparty
