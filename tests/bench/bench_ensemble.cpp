// Benchmarks (not tests): time per step, ensemble runs per second on 1 and 2 threads at each
// record level, and HDF5 write throughput. Run: build/release/tests/bench/bench_ensemble
// (tools/benchmark.sh runs it with the whole-program figures for sim/README.md).
#include "core/parallel.hpp"
#include "engine/step.hpp"
#include "experiment/ensemble.hpp"
#include "io/results_file.hpp"
#include "scenario/generate.hpp"
#include "scenario/load.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace sixparty;

namespace {

const Scenario& default_scenario() {
  static const Scenario sc = [] {
    Diagnostics d;
    auto s = load_scenario(std::string(SIXPARTY_SOURCE_DIR) + "/scenarios/status_quo.yaml", {}, d);
    if (!s) {
      std::cerr << d.format();
      std::exit(2);
    }
    return *s;
  }();
  return sc;
}

class NullSink : public EnsembleSink {
 public:
  void block(std::int64_t, std::int64_t, const double* o, const double*) override { benchmark::DoNotOptimize(o); }
  void finish(const Summary*, std::int64_t, bool) override {}
};

void BM_Step(benchmark::State& state) {
  const Scenario& sc = default_scenario();
  RunState s(sc);
  const Rng rng(1);
  std::uint32_t run = 0;
  s.reset(sc, run);
  for (auto _ : state) {
    if (s.step == sc.steps) s.reset(sc, ++run);
    step(sc, s, rng);
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Step);

void BM_Ensemble(benchmark::State& state) {
  const Scenario& sc = default_scenario();
  const int threads = static_cast<int>(state.range(0));
  const auto level = static_cast<RecordLevel>(state.range(1));
  EnsembleOptions opt;
  opt.runs = 1024;
  opt.level = level;
  ThreadScope scope(threads);
  for (auto _ : state) {
    NullSink sink;
    scope.run([&] { run_ensemble(sc, opt, sink, nullptr, nullptr); });
  }
  state.counters["runs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * opt.runs), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(record_level_name(level)) + ", " + std::to_string(threads) + " thread(s)");
}
BENCHMARK(BM_Ensemble)
    ->ArgsProduct({{1, 2}, {static_cast<int>(RecordLevel::outcomes), static_cast<int>(RecordLevel::summary)}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

// the cost of a run under the three settings of issue 11, one thread, outcomes only: the status
// quo at fixed inputs with expected decisions (the model before issue 11), with its declared
// uncertainty, and with sampled decisions as well (the default); the ratio of the first and last
// runs/s is the per-run cost of uncertainty and sampling
void BM_RunCost(benchmark::State& state) {
  static const std::vector<std::vector<std::string>> settings = {
      {"uncertainty={}", "run.decisions=expected"}, {"run.decisions=expected"}, {}};
  static const char* labels[] = {"fixed inputs, expected decisions", "declared uncertainty, expected decisions",
                                 "declared uncertainty, sampled decisions"};
  const auto k = static_cast<std::size_t>(state.range(0));
  Diagnostics d;
  auto sc = load_scenario(std::string(SIXPARTY_SOURCE_DIR) + "/scenarios/status_quo.yaml", settings[k], d);
  if (!sc) {
    state.SkipWithError(d.format().c_str());
    return;
  }
  EnsembleOptions opt;
  opt.runs = 512;
  opt.level = RecordLevel::outcomes;
  ThreadScope scope(1);
  for (auto _ : state) {
    NullSink sink;
    scope.run([&] { run_ensemble(*sc, opt, sink, nullptr, nullptr); });
  }
  state.counters["runs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * opt.runs), benchmark::Counter::kIsRate);
  state.SetLabel(labels[k]);
}
BENCHMARK(BM_RunCost)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// time per step as the world grows (synthetic worlds from `sixparty generate`), one thread;
// a step's cost grows about as n^3 (brokerage: broker x client x buyer; gestures: giver x
// target x third party) with n^2 memory
void BM_StepScaling(benchmark::State& state) {
  GenerateOptions g;
  g.actors = static_cast<int>(state.range(0));
  const std::string path = (std::filesystem::temp_directory_path() / ("sixparty-gen-" + std::to_string(g.actors) + ".yaml")).string();
  std::ofstream(path) << generate_world(g);
  Diagnostics d;
  auto sc = load_scenario(path, {}, d);
  std::filesystem::remove(path);
  if (!sc) {
    state.SkipWithError(d.format().c_str());
    return;
  }
  RunState s(*sc);
  const Rng rng(1);
  std::uint32_t run = 0;
  s.reset(*sc, run);
  StepOptions opt;
  opt.parallel_actors_from = 1 << 30;  // serial: the cost of the model, not of threads
  for (auto _ : state) {
    if (s.step == sc->steps) s.reset(*sc, ++run);
    step(*sc, s, rng, opt);
  }
  state.counters["actors"] = g.actors;
}
BENCHMARK(BM_StepScaling)->Arg(6)->Arg(16)->Arg(32)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMicrosecond);

// HDF5 write throughput: full traces of 256 runs, the heaviest thing the writer does
void BM_WriteTraces(benchmark::State& state) {
  const Scenario& sc = default_scenario();
  EnsembleOptions opt;
  opt.runs = 256;
  opt.level = RecordLevel::traces;
  const RecordLayout sl(sc, step_variables()), ol(sc, outcome_variables());
  const std::size_t per_run = sl.per_step * sc.steps;
  std::vector<double> traces(64 * per_run), outcomes(64 * ol.per_step);
  for (std::size_t k = 0; k < traces.size(); ++k) traces[k] = 0.001 * static_cast<double>(k % 9973);
  const std::string path = (std::filesystem::temp_directory_path() / "sixparty-bench.h5").string();
  double bytes = 0;
  for (auto _ : state) {
    ResultsFile file(path, RunMetadata{});
    auto sink = file.add_scenario(sc, opt);
    for (std::int64_t first = 0; first < opt.runs; first += 64) sink->block(first, 64, outcomes.data(), traces.data());
    sink->finish(nullptr, opt.runs, false);
    sink.reset();
    file.commit("complete");
    bytes += static_cast<double>(opt.runs) * static_cast<double>(per_run + ol.per_step) * sizeof(double);
  }
  std::filesystem::remove(path);
  state.counters["MB/s"] = benchmark::Counter(bytes / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WriteTraces)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
