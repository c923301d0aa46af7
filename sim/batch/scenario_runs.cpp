#include "batch/scenario_runs.hpp"

#include "core/parallel.hpp"

namespace sixparty {

namespace {

// forwards blocks to the next sink and gives the declared patterns the step traces they read
class PatternFeed : public EnsembleSink {
 public:
  PatternFeed(EnsembleSink& next, PatternLeaves& leaves) : next_(next), leaves_(leaves) {}
  void block(std::int64_t first, std::int64_t count, const double* outcomes, const double* steps) override {
    if (steps) leaves_.add_block(first, count, steps);
    next_.block(first, count, outcomes, steps);
  }
  void draws(std::int64_t first, std::int64_t count, const double* values) override { next_.draws(first, count, values); }
  void finish(const Summary* s, std::int64_t done, bool interrupted) override { next_.finish(s, done, interrupted); }

 private:
  EnsembleSink& next_;
  PatternLeaves& leaves_;
};

}  // namespace

std::string summary_guard(const Scenario& sc, RecordLevel level) {
  if (level == RecordLevel::outcomes || summary_bytes(sc) <= kSummaryLimitBytes) return "";
  return "per-step summaries of '" + sc.name + "' (" + std::to_string(sc.n()) + " actors, " + std::to_string(sc.steps) +
         " steps) would need about " + std::to_string(summary_bytes(sc) / (1u << 20)) + " MiB, over the limit of " +
         std::to_string(kSummaryLimitBytes >> 20) + " MiB; expected --record outcomes for a world this large (or fewer steps)";
}

ScenarioRunsResult run_scenarios(ResultsFile& file, const std::vector<Scenario>& scenarios, PatternEvaluator& patterns,
                                 const ScenarioRunsOptions& o, ThreadScope& threads, ScenarioRunsObserver& observer,
                                 const std::atomic<bool>* stop) {
  ScenarioRunsResult out;
  std::vector<std::uint64_t> seeds;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const Scenario& sc = scenarios[k];
    EnsembleOptions opt;
    opt.runs = o.runs > 0 ? o.runs : sc.runs;
    opt.seed = o.seed ? *o.seed : sc.seed;
    opt.level = o.level;
    opt.check_invariants = o.check_invariants;
    opt.need_steps = patterns.needs_steps(k);
    opt.farm = o.farm;
    opt.scenario_index = k;
    seeds.push_back(opt.seed);
    patterns.set_seed(k, opt.seed);
    observer.begin(k, opt);
    EnsembleResult res;
    {
      auto sink = file.add_scenario(sc, opt);
      PatternFeed feed(observer.wrap(k, *sink), patterns.leaves(k));
      threads.run([&] {
        res = run_ensemble(sc, opt, feed, [&](std::int64_t d, std::int64_t t) { observer.progress(d, t); }, stop);
      });
    }
    observer.end(k, opt, res);
    out.ensembles.push_back(res);
    ++out.scenarios_run;
    if (res.interrupted) {
      out.interrupted = true;
      break;
    }
  }
  // patterns, once every scenario has run (paired ones need their baselines)
  for (std::size_t k = 0; k < out.scenarios_run; ++k) {
    const auto results = patterns.evaluate(k, seeds[k]);
    if (results.empty()) continue;
    for (const auto& r : results) out.unmet += as_declared(r) ? 0 : 1;
    observer.patterns(k, patterns.leaves(k).runs(), results);
    file.write_patterns(k, results);
  }
  return out;
}

}  // namespace sixparty
