#include "experiment/ensemble.hpp"

#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "engine/run.hpp"
#include "engine/step.hpp"
#include "state/run_state.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>

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

namespace {

// the buffers of one block of runs, and how to fill them: the same code here and on a farm's
// workers, so a block's numbers do not depend on where it ran
struct Block {
  const Scenario& sc;
  const EnsembleOptions& opt;
  const RecordLayout slayout, olayout;
  const bool record_steps;
  const std::size_t per_run, n_draws;
  std::vector<std::unique_ptr<RunState>> states;
  std::vector<double> steps, outcomes, draws;

  Block(const Scenario& s, const EnsembleOptions& o, std::size_t B)
      : sc(s), opt(o), slayout(s, step_variables()), olayout(s, outcome_variables()),
        record_steps(o.level != RecordLevel::outcomes || o.need_steps),
        per_run(record_steps ? static_cast<std::size_t>(s.steps) * slayout.per_step : 0),
        n_draws(s.uncertainty.any() ? uncertainty_names(s).size() : 0) {
    for (std::size_t k = 0; k < B; ++k) states.push_back(std::make_unique<RunState>(s));
    steps.resize(B * per_run);
    outcomes.resize(B * olayout.per_step);
    draws.resize(B * n_draws);
  }

  // runs first .. first + count - 1 of the ensemble, in parallel
  void run(std::int64_t first, std::size_t count) {
    const Rng rng(opt.seed);
    StepOptions sopt;
#ifndef NDEBUG
    sopt.check_invariants = true;
#else
    sopt.check_invariants = opt.check_invariants;
#endif
    const auto& svars = step_variables();
    const auto& ovars = outcome_variables();
    parallel_for(count, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t k = b; k < e; ++k) {
        RunState& s = *states[k];
        double* rec = record_steps ? steps.data() + k * per_run : nullptr;
        run_one(sc, s, static_cast<std::uint32_t>(opt.first_run + first + static_cast<std::int64_t>(k)), rng, sopt, NoRunHook{},
                [&](int t, const RunState& st) {
                  if (rec) collect(sc, st, svars, slayout, rec + static_cast<std::size_t>(t) * slayout.per_step);
                });
        collect(sc, s, ovars, olayout, outcomes.data() + k * olayout.per_step);
        if (n_draws) std::copy_n(s.draws.data(), n_draws, draws.data() + k * n_draws);
      }
    });
  }
};

// a block task: which scenario, the options that change its numbers, which runs
void write_task(Bytes& out, const EnsembleOptions& opt, std::int64_t first, std::size_t count) {
  ByteWriter w(out);
  w.put<std::uint64_t>(opt.scenario_index);
  w.put<std::uint64_t>(opt.seed);
  w.put<std::int32_t>(static_cast<std::int32_t>(opt.level));
  w.put<std::uint8_t>(opt.check_invariants);
  w.put<std::uint8_t>(opt.need_steps);
  w.put<std::int64_t>(opt.first_run);
  w.put<std::uint64_t>(opt.state_budget_bytes);
  w.put<std::int64_t>(first);
  w.put<std::uint64_t>(count);
}

// a block result: status (0 ok, else the message of what the block threw), then the buffers
enum : std::uint8_t { kBlockOk = 0, kBlockInvariant = 1, kBlockError = 2 };

}  // namespace

EnsembleResult run_ensemble(const Scenario& sc, const EnsembleOptions& opt, EnsembleSink& sink,
                            const std::function<void(std::int64_t, std::int64_t)>& progress,
                            const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t B = block_runs(sc, opt);
  const std::size_t steps = static_cast<std::size_t>(sc.steps);
  const bool record_steps = opt.level != RecordLevel::outcomes || opt.need_steps;
  const std::size_t per_run = record_steps ? steps * RecordLayout(sc, step_variables()).per_step : 0;

  std::unique_ptr<Summary> summary;
  if (opt.level != RecordLevel::outcomes) summary = std::make_unique<Summary>(per_run, opt.compression);

  EnsembleResult result;
  // a finished block, in run order: summaries, sink, progress
  const auto consume = [&](std::int64_t first, std::size_t count, const double* outcomes, const double* draws, const double* step_buf) {
    if (draws) sink.draws(first, static_cast<std::int64_t>(count), draws);
    if (summary) summary->add_block(step_buf, count);
    sink.block(first, static_cast<std::int64_t>(count), outcomes, record_steps ? step_buf : nullptr);
    result.runs_completed = first + static_cast<std::int64_t>(count);
    if (progress) progress(result.runs_completed, opt.runs);
  };

  if (!opt.farm) {
    Block block(sc, opt, B);  // everything is allocated here, once
    for (std::int64_t first = 0; first < opt.runs; first += static_cast<std::int64_t>(B)) {
      if (stop && stop->load()) {
        result.interrupted = true;
        break;
      }
      const std::size_t count = static_cast<std::size_t>(std::min<std::int64_t>(B, opt.runs - first));
      block.run(first, count);
      consume(first, count, block.outcomes.data(), block.n_draws ? block.draws.data() : nullptr, block.steps.data());
    }
  } else {
    // blocks go to the workers, two in flight each (one computing, one queued), in run order;
    // results come back in any order and are consumed in run order, so the sink and the
    // summaries see what they would here. At most a window of blocks waits for an earlier one.
    Farm& farm = *opt.farm;
    const std::size_t W = farm.workers();
    const std::size_t olayout = RecordLayout(sc, outcome_variables()).per_step;
    const std::size_t n_draws = sc.uncertainty.any() ? uncertainty_names(sc).size() : 0;
    const std::int64_t window = static_cast<std::int64_t>(4 * W * B);
    std::vector<std::size_t> in_flight(W, 0);
    std::size_t pending = 0;
    std::int64_t next = 0;
    struct Done {
      std::size_t count;
      std::vector<double> outcomes, draws, steps;
    };
    std::map<std::int64_t, Done> ready;
    std::string failure;
    bool invariant = false;
    Bytes msg;
    const auto top_up = [&] {
      for (std::size_t w = 0; w < W; ++w)
        while (in_flight[w] < 2 && next < opt.runs && next < result.runs_completed + window && failure.empty() &&
               !(stop && stop->load())) {
          const std::size_t count = static_cast<std::size_t>(std::min<std::int64_t>(B, opt.runs - next));
          write_task(msg, opt, next, count);
          farm.send(w, msg);
          ++in_flight[w];
          ++pending;
          next += static_cast<std::int64_t>(count);
        }
    };
    top_up();
    while (pending > 0) {
      const std::size_t w = farm.receive(msg);
      --in_flight[w];
      --pending;
      ByteReader r(msg);
      const auto first = r.get<std::int64_t>();
      const auto status = r.get<std::uint8_t>();
      if (status != kBlockOk) {
        // the first failure is reported once every block in flight is back
        if (failure.empty()) failure = r.get_string(), invariant = status == kBlockInvariant;
        continue;
      }
      Done d;
      d.count = static_cast<std::size_t>(r.get<std::uint64_t>());
      d.outcomes = r.get_vector<double>();
      d.draws = r.get_vector<double>();
      d.steps = r.get_vector<double>();
      if (d.outcomes.size() != d.count * olayout || d.draws.size() != d.count * n_draws || d.steps.size() != d.count * per_run)
        throw std::runtime_error("a farm worker returned a block of another shape (are all ranks running the same program and inputs?)");
      ready.emplace(first, std::move(d));
      // after a failure nothing more is consumed: the blocks in flight are only collected
      if (failure.empty())
        for (auto it = ready.find(result.runs_completed); it != ready.end(); it = ready.find(result.runs_completed)) {
          consume(it->first, it->second.count, it->second.outcomes.data(), n_draws ? it->second.draws.data() : nullptr,
                  it->second.steps.data());
          ready.erase(it);
        }
      top_up();
    }
    if (!failure.empty()) {
      if (invariant) throw InvariantViolation(failure);
      throw std::runtime_error(failure);
    }
    result.interrupted = result.runs_completed < opt.runs;
  }
  sink.finish(summary.get(), result.runs_completed, result.interrupted);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

void serve_ensembles(const std::vector<Scenario>& scenarios, FarmWorker& worker) {
  Bytes task, result;
  // the block buffers of the last scenario and options served (allocated once per ensemble)
  std::unique_ptr<Block> block;
  EnsembleOptions opt;
  while (worker.receive(task)) {
    ByteReader r(task);
    EnsembleOptions o;
    o.scenario_index = static_cast<std::size_t>(r.get<std::uint64_t>());
    o.seed = r.get<std::uint64_t>();
    o.level = static_cast<RecordLevel>(r.get<std::int32_t>());
    o.check_invariants = r.get<std::uint8_t>() != 0;
    o.need_steps = r.get<std::uint8_t>() != 0;
    o.first_run = r.get<std::int64_t>();
    o.state_budget_bytes = static_cast<std::size_t>(r.get<std::uint64_t>());
    const auto first = r.get<std::int64_t>();
    const auto count = static_cast<std::size_t>(r.get<std::uint64_t>());
    ByteWriter w(result);
    w.put<std::int64_t>(first);
    try {
      if (o.scenario_index >= scenarios.size()) throw std::runtime_error("a farm task names a scenario this worker does not have");
      const Scenario& sc = scenarios[o.scenario_index];
      if (!block || &block->sc != &sc || opt.seed != o.seed || opt.level != o.level || opt.check_invariants != o.check_invariants ||
          opt.need_steps != o.need_steps || opt.first_run != o.first_run || opt.state_budget_bytes != o.state_budget_bytes) {
        block.reset();
        opt = o;
        block = std::make_unique<Block>(sc, opt, block_runs(sc, opt));
      }
      if (count > block->states.size()) throw std::runtime_error("a farm task asks for a block larger than the scenario's");
      block->run(first, count);
      w.put<std::uint8_t>(kBlockOk);
      w.put<std::uint64_t>(count);
      w.put_array(block->outcomes.data(), count * block->olayout.per_step);
      w.put_array(block->draws.data(), count * block->n_draws);
      w.put_array(block->steps.data(), count * block->per_run);
    } catch (const InvariantViolation& e) {
      ByteWriter f(result);
      f.put<std::int64_t>(first);
      f.put<std::uint8_t>(kBlockInvariant);
      f.put_string(e.what());
    } catch (const std::exception& e) {
      ByteWriter f(result);
      f.put<std::int64_t>(first);
      f.put<std::uint8_t>(kBlockError);
      f.put_string(e.what());
    }
    worker.send(result);
  }
}

}  // namespace sixparty
