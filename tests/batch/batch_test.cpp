#include "analysis/sensitivity_report.hpp"
#include "batch/batch.hpp"

#include "core/parallel.hpp"
#include "engine/step.hpp"
#include "scenario/load.hpp"
#include "io/batch_file.hpp"
#include "io/h5.hpp"
#include "experiment/record.hpp"
#include "state/run_state.hpp"

#include "../test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <fstream>
#include <map>

using namespace sixparty;
using namespace sixparty::test;

namespace {

std::string status_quo() { return source_dir() + "/scenarios/status_quo.yaml"; }

// a small experiment over two parameters; shorter runs keep the tests fast
std::string small_experiment(const std::string& design = "{kind: factorial}", const std::string& extra = "") {
  std::string factors = design.find("factorial") != std::string::npos
                            ? "  - {name: leverage, path: parameters.leverage.value, levels: [5, 10, 20]}\n"
                              "  - {name: learning, path: parameters.aid.learning_rate, levels: [0.1, 0.5]}\n"
                            : "  - {name: leverage, path: parameters.leverage.value, range: [5, 20]}\n"
                              "  - {name: learning, path: parameters.aid.learning_rate, range: [0.1, 1], distribution: log_uniform}\n";
  return "name: small\nscenarios: " + status_quo() + "\nseed: 9\nruns_per_point: 5\ndesign: " + design + "\nfactors:\n" + factors +
         "outcomes: [mean_utility.RUS]\n" + extra;
}

Experiment load(TempDir& dir, const std::string& text, const std::string& name = "e.yaml") {
  const std::string path = dir.write(name, text);
  Diagnostics d;
  auto ex = load_experiment(path, d);
  INFO(d.format());
  REQUIRE(ex);
  return std::move(*ex);
}

std::string errors_of(TempDir& dir, const std::string& text) {
  const std::string path = dir.write("bad.yaml", text);
  Diagnostics d;
  auto ex = load_experiment(path, d);
  CHECK_FALSE(ex);
  return d.format();
}

RunMetadata meta() { return RunMetadata{"test", utc_now(), 1}; }

// every number of the file's runs and per-point summaries, in a fixed order
std::vector<double> data_of(const std::string& path) {
  h5::Handle f = h5::open_file_read(path);
  std::vector<double> all;
  h5::Handle runs = h5::open_group(f.id(), "runs");
  for (const char* name : {"run", "point", "replicate", "status"})
    for (auto v : h5::read_ints(runs.id(), name)) all.push_back(static_cast<double>(v));
  h5::Handle mean = h5::open_group(f.id(), "points/mean");
  h5::Handle sd = h5::open_group(f.id(), "points/sd");
  Diagnostics d;
  auto sc = load_scenario(status_quo(), {}, d);
  for (const auto& c : outcome_columns(*sc)) {
    for (hid_t g : {runs.id(), mean.id(), sd.id()}) {
      auto v = h5::read_doubles(g, c.name);
      all.insert(all.end(), v.begin(), v.end());
    }
  }
  // the runs' draws of the status quo's uncertain inputs
  REQUIRE(h5::exists(f.id(), "draws"));
  h5::Handle draws = h5::open_group(f.id(), "draws");
  for (auto v : h5::read_ints(draws.id(), "run")) all.push_back(static_cast<double>(v));
  const auto v = h5::read_doubles(draws.id(), "value");
  REQUIRE(!v.empty());
  all.insert(all.end(), v.begin(), v.end());
  return all;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

BatchStatus run(const Experiment& ex, const std::string& out, int threads, BatchOptions opt = {},
                const std::atomic<bool>* stop = nullptr, std::function<void(const BatchStatus&)> progress = nullptr) {
  ThreadScope scope(threads);
  BatchStatus st;
  scope.run([&] { st = run_batch(ex, out, opt, meta(), progress, stop); });
  return st;
}

// the experiment run as `shards` shard files s0.h5, s1.h5, ... (one thread each)
std::vector<std::string> shard_files(const Experiment& ex, TempDir& dir, std::size_t shards) {
  std::vector<std::string> parts;
  for (std::size_t s = 0; s < shards; ++s) {
    BatchOptions o;
    o.shard = s;
    o.shards = shards;
    parts.push_back(dir.path("s" + std::to_string(s) + ".h5"));
    run(ex, parts.back(), 1, o);
  }
  return parts;
}

}  // namespace

TEST_CASE("experiment files expand into design points", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment());
  CHECK(ex.name == "small");
  CHECK(ex.points() == 6);
  CHECK(ex.runs() == 30);
  CHECK(ex.factors[0].levels == std::vector<double>{5, 10, 20});
  // the last factor varies fastest
  CHECK(ex.factor_value(0, 0) == 5);
  CHECK(ex.factor_value(1, 1) == 0.5);
  CHECK(ex.factor_value(5, 0) == 20);
  CHECK(ex.overrides(1) == std::vector<std::string>{"parameters.leverage.value=5", "parameters.aid.learning_rate=0.5"});
  Diagnostics d;
  auto sc = ex.compile_point(5, d);
  REQUIRE(sc);
  CHECK(sc->params.leverage.value == 20);
  CHECK(ex.point_seed(3) == 9);  // common seeds by default

  const Experiment lhs = load(dir, small_experiment("{kind: latin_hypercube, points: 7}", "seeds: independent\n"));
  CHECK(lhs.points() == 7);
  CHECK(lhs.point_seed(0) != lhs.point_seed(1));
  for (std::size_t p = 0; p < 7; ++p) CHECK(lhs.point_seed(p) < (std::uint64_t{1} << 63));  // stored as int64
  std::string big_seed = small_experiment();
  big_seed.replace(big_seed.find("seed: 9"), 7, "seed: 9223372036854775808");
  CHECK(errors_of(dir, big_seed).find("seed: '9223372036854775808' is too large; expected a seed below 2^63") != std::string::npos);
  for (std::size_t p = 0; p < 7; ++p) {
    CHECK(lhs.factor_value(p, 0) >= 5);
    CHECK(lhs.factor_value(p, 0) <= 20);
    CHECK(lhs.factor_value(p, 1) >= 0.1);
    CHECK(lhs.factor_value(p, 1) <= 1);
  }
  const Experiment sob = load(dir, small_experiment("{kind: sobol, base_rows: 8}"));
  CHECK(sob.points() == 8 * 4);
  const Experiment mor = load(dir, small_experiment("{kind: morris, trajectories: 5, levels: 4}"));
  CHECK(mor.points() == 5 * 3);
}

TEST_CASE("an integer factor gives every integer of its range the same share (issue 16)", "[batch]") {
  Factor f;
  f.lower = 1.6;  // the integers 2, 3, 4, 5
  f.upper = 5.2;
  f.integer = true;
  std::map<double, int> count;
  const int n = 4000;
  for (int i = 0; i < n; ++i) ++count[f.value((i + 0.5) / n)];
  CHECK(count.size() == 4);
  for (const auto& [v, c] : count) {
    CHECK(v == std::round(v));
    CHECK(c == n / 4);  // a stratified grid of u: exactly equal shares
  }
  CHECK(f.value(0.0) == 2);
  CHECK(f.value(1.0) == 5);
}

TEST_CASE("bad experiment files get located errors", "[batch]") {
  TempDir dir;
  const std::string head = "scenarios: " + status_quo() + "\nruns_per_point: 2\n";
  auto e1 = errors_of(dir, head + "design: {kind: sobol, base_rows: 4}\nfactors:\n  - {path: parameters.leverage.valu, range: [1, 2]}\n");
  CHECK(e1.find("bad.yaml:5:12: error: factors.0: at 1 the scenario") != std::string::npos);
  CHECK(e1.find("leverage.valu") != std::string::npos);
  auto e2 = errors_of(dir, head + "design: {kind: sobl}\nfactors: []\n");
  CHECK(e2.find("design.kind: unknown design 'sobl' (did you mean 'sobol'?)") != std::string::npos);
  CHECK(e2.find("factors: found a sequence; expected a non-empty list of factors") != std::string::npos);
  auto e3 = errors_of(dir, head + "design: {kind: factorial}\nfactors:\n  - {path: parameters.leverage.value, range: [1, 2]}\n");
  CHECK(e3.find("a factorial design needs levels") != std::string::npos);
  auto e4 = errors_of(dir, head + "design: {kind: latin_hypercube, points: 5}\nfactors:\n  - {path: parameters.leverage.value, range: [2, 1]}\n");
  CHECK(e4.find("expected finite lower < upper") != std::string::npos);
  auto e5 = errors_of(dir, head + "design: {kind: sobol, base_rows: 1000000}\nfactors:\n" +
                               "  - {path: parameters.leverage.value, range: [1, 2]}\n  - {path: parameters.aid.learning_rate, range: [0.1, 1]}\n"
                               "  - {path: parameters.aid.temperature, range: [0.1, 1]}\n");
  CHECK(e5.find("design.base_rows: the design would have 5e+06 points of 3 factors") != std::string::npos);
  auto e6 = errors_of(dir, head + "design: {kind: morris, trajectories: 4, levels: 3}\nfactors:\n  - {path: parameters.leverage.value, range: [1, 2]}\n"
                               "outcomes: [mean_utilty.RUS, mean_utility.XXX]\n");
  CHECK(e6.find("expected an even number of grid levels") != std::string::npos);
  auto e7 = errors_of(dir, "scenarios: nowhere.yaml\ndesign: {kind: factorial}\nfactors:\n  - {path: parameters.leverage.value, levels: [1, 2]}\n");
  CHECK(e7.find("nowhere.yaml") != std::string::npos);
  auto e8 = errors_of(dir, head + "design: {kind: factorial}\nfactors:\n  - {path: parameters.leverage.value, levels: [1, 2]}\n"
                               "outcomes: [mean_utilty.RUS, mean_utility.XXX]\n");
  CHECK(e8.find("unknown outcome 'mean_utilty' (did you mean 'mean_utility'?)") != std::string::npos);
  CHECK(e8.find("unknown actor 'XXX'") != std::string::npos);
  // issue 19: factors that change nothing, a range on a whole-number setting, an outcome's name
  auto e9 = errors_of(dir, head + "design: {kind: latin_hypercube, points: 4}\nfactors:\n"
                               "  - {path: run.runs, range: [1, 10]}\n  - {path: time.steps_per_year, range: [2, 12]}\n"
                               "  - {name: collapsed, path: parameters.leverage.value, range: [1, 2]}\n");
  CHECK_THAT(e9, Catch::Contains("factors.0.path: 'run.runs' changes nothing a run of the point reads"));
  CHECK_THAT(e9, Catch::Contains("factors.1.path: 'time.steps_per_year' is a whole-number setting; expected levels"));
  CHECK_THAT(e9, Catch::Contains("factors.2.name: 'collapsed' is also an outcome column of the runs table"));
  auto e10 = errors_of(dir, head + "design: {kind: factorial}\nfactors:\n  - {path: name, levels: [1, 2]}\n");
  CHECK_THAT(e10, Catch::Contains("'name' changes nothing a run of the point reads"));
}

TEST_CASE("the batch tests run with uncertain inputs and sampled decisions", "[batch]") {
  // thread counts, resume, shards and replay below are tested on the status quo, which declares
  // uncertainty and samples its decisions (issue 11: they must hold with uncertainty on)
  Diagnostics d;
  const auto sc = load_scenario(status_quo(), {}, d);
  REQUIRE(sc.has_value());
  CHECK(sc->uncertainty.any());
  CHECK(sc->decisions == Decisions::sampled);
}

TEST_CASE("a batch's data do not depend on the thread count", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: sobol, base_rows: 4}"));
  BatchOptions opt;
  opt.chunk_runs = 7;  // chunks do not align with points
  std::vector<std::size_t> points_seen;
  const auto st1 = run(ex, dir.path("t1.h5"), 1, opt, nullptr, [&](const BatchStatus& s) {
    if (!s.writing) points_seen.push_back(s.points_done);
  });
  CHECK(st1.runs_done == ex.runs());
  CHECK(st1.points_done == ex.points());
  REQUIRE(points_seen.size() > 2);
  CHECK(points_seen.front() == 1);  // 7 runs: the first point's 5 and 2 of the next
  CHECK(std::is_sorted(points_seen.begin(), points_seen.end()));
  CHECK(points_seen.back() == ex.points());
  CHECK(st1.runs_failed == 0);
  CHECK_FALSE(std::filesystem::exists(st1.journal));
  opt.chunk_runs = 64;
  run(ex, dir.path("t2.h5"), 2, opt);
  CHECK(same_bits(data_of(dir.path("t1.h5")), data_of(dir.path("t2.h5"))));
}

TEST_CASE("an interrupted batch resumes to the data of an uninterrupted one", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: sobol, base_rows: 4}"));
  run(ex, dir.path("whole.h5"), 2);
  const auto expected = data_of(dir.path("whole.h5"));

  BatchOptions opt;
  opt.chunk_runs = 10;
  std::atomic<bool> stop{false};
  const std::string out = dir.path("part.h5");
  const auto st = run(ex, out, 2, opt, &stop, [&](const BatchStatus& s) { if (s.runs_done >= 30) stop = true; });
  CHECK(st.interrupted);
  CHECK(st.runs_done == 30);
  CHECK_FALSE(std::filesystem::exists(out));
  REQUIRE(std::filesystem::exists(st.journal));
  // a torn last write (a crash in the middle of a record) is cut off on resume
  const auto size = std::filesystem::file_size(st.journal);
  std::filesystem::resize_file(st.journal, size - 100);
  {
    std::ofstream f(st.journal, std::ios::app | std::ios::binary);
    f << "garbage after a torn record";
  }
  stop = false;
  const auto st2 = run(ex, out, 1, opt, &stop);
  CHECK_FALSE(st2.interrupted);
  CHECK(st2.runs_resumed == 29);
  CHECK(st2.runs_done == ex.runs());
  CHECK_FALSE(std::filesystem::exists(st.journal));
  CHECK(same_bits(data_of(out), expected));

  // rerunning a finished batch does nothing; another experiment may not overwrite it
  const auto st3 = run(ex, out, 1, opt);
  CHECK(st3.already_complete);
  const Experiment other = load(dir, small_experiment("{kind: sobol, base_rows: 4}", "description: other\n"), "other.yaml");
  CHECK_THROWS_AS(run(other, out, 1, opt), BatchError);
  // a journal of another experiment is refused, not mixed in
  opt.chunk_runs = 10;
  stop = false;
  run(ex, dir.path("p2.h5"), 1, opt, &stop, [&](const BatchStatus&) { stop = true; });
  CHECK_THROWS_WITH(run(other, dir.path("p2.h5"), 1, opt), Catch::Contains("belongs to another experiment"));
}

TEST_CASE("failed runs are recorded and the batch goes on", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment());
  BatchOptions opt;
  opt.on_run_start = [](std::size_t point, std::uint32_t replicate, RunState& s) {
    if (point == 4 && replicate == 2) s.world.stability[1] = std::nan("");
  };
  const std::string out = dir.path("f.h5");
  const auto st = run(ex, out, 2, opt);
  CHECK(st.runs_failed == 1);
  h5::Handle f = h5::open_file_read(out);
  std::int64_t failed = 0;
  CHECK(h5::read_attr_int(f.id(), "failed_runs", failed));
  CHECK(failed == 1);
  h5::Handle g = h5::open_group(f.id(), "failures");
  CHECK(h5::read_ints(g.id(), "point") == std::vector<std::int64_t>{4});
  CHECK(h5::read_ints(g.id(), "replicate") == std::vector<std::int64_t>{2});
  CHECK(h5::read_ints(g.id(), "seed") == std::vector<std::int64_t>{9});
  const auto msg = h5::read_strings(g.id(), "message");
  REQUIRE(msg.size() == 1);
  CHECK(msg[0].find("invariant violated") != std::string::npos);
  h5::Handle runs = h5::open_group(f.id(), "runs");
  const auto status = h5::read_ints(runs.id(), "status");
  CHECK(status[4 * 5 + 2] == 1);
  CHECK(std::count(status.begin(), status.end(), 0) == 29);
  const auto util = h5::read_doubles(runs.id(), "mean_utility");
  CHECK(std::isnan(util[(4 * 5 + 2) * 6]));
  CHECK(std::isfinite(util[(4 * 5 + 3) * 6]));
  const auto ok = h5::read_ints(f.id(), "points/runs_ok");
  CHECK(ok == std::vector<std::int64_t>{5, 5, 5, 5, 4, 5});
}

TEST_CASE("a point whose scenario does not compile fails its runs, not the batch", "[batch]") {
  TempDir dir;
  // each factor is valid alone, but a start after the end is not
  const std::string world = dir.write("tiny.yaml", tiny_world());
  const Experiment ex = load(dir, "scenarios: " + world + "\nruns_per_point: 2\ndesign: {kind: factorial}\nfactors:\n"
                                  "  - {path: time.start, levels: [2000, 2008]}\n  - {path: time.end, levels: [2005, 2010]}\n");
  const auto st = run(ex, dir.path("c.h5"), 2);
  CHECK(st.runs_failed == 2);
  h5::Handle f = h5::open_file_read(dir.path("c.h5"));
  CHECK(h5::read_ints(f.id(), "failures/point") == std::vector<std::int64_t>{2, 2});
  CHECK(h5::read_strings(f.id(), "failures/message")[0].find("does not compile") != std::string::npos);
}

TEST_CASE("replay reruns one run of a batch exactly", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: latin_hypercube, points: 3}", "seeds: independent\n"));
  const std::string out = dir.path("b.h5");
  run(ex, out, 2);
  const ReplayPlan plan = plan_replay(ReplayRequest{out, 2, 3});
  CHECK(plan.seed == ex.point_seed(2));
  CHECK(plan.scenario.params.leverage.value == ex.factor_value(2, 0));
  // the status quo declares uncertain inputs and samples its decisions: the replay reproduces the
  // run's draws and acts, or the outcomes below would differ
  REQUIRE(plan.scenario.uncertainty.any());
  REQUIRE(plan.scenario.decisions == Decisions::sampled);
  struct Keep : EnsembleSink {
    std::vector<double> o;
    void block(std::int64_t, std::int64_t count, const double* out, const double*) override {
      o.assign(out, out + count * 1);
      o.assign(out, out + static_cast<std::ptrdiff_t>(RecordLayout(*sc, outcome_variables()).per_step));
    }
    void finish(const Summary*, std::int64_t, bool) override {}
    const Scenario* sc = nullptr;
  } keep;
  keep.sc = &plan.scenario;
  EnsembleOptions opt;
  opt.runs = 1;
  opt.first_run = plan.replicate;
  opt.seed = plan.seed;
  opt.level = RecordLevel::outcomes;
  run_ensemble(plan.scenario, opt, keep, nullptr, nullptr);
  // the batch's row for (point 2, replicate 3)
  h5::Handle f = h5::open_file_read(out);
  const auto util = h5::read_doubles(f.id(), "runs/mean_utility");
  const std::size_t row = 2 * 5 + 3;
  const auto& ovars = outcome_variables();
  const RecordLayout layout(plan.scenario, ovars);
  std::size_t v = 0;
  while (ovars[v].name != "mean_utility") ++v;
  for (int i = 0; i < 6; ++i) CHECK(keep.o[layout.offset[v] + static_cast<std::size_t>(i)] == util[row * 6 + static_cast<std::size_t>(i)]);
  CHECK_THROWS_AS(plan_replay(ReplayRequest{out, 3, 0}), BatchError);
  CHECK_THROWS_AS(plan_replay(ReplayRequest{out, 0, 5}), BatchError);
}

TEST_CASE("a batch stores each run's draws, a factor on a declared input leaves its column empty", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, "name: d\nscenarios: " + status_quo() +
                                      "\nseed: 6\nruns_per_point: 3\ndesign: {kind: factorial}\nfactors:\n"
                                      "  - {name: temp, path: parameters.aid.temperature, levels: [0.2, 0.3]}\n");
  const std::string out = dir.path("d.h5");
  run(ex, out, 2);
  h5::Handle f = h5::open_file_read(out);
  h5::Handle g = h5::open_group(f.id(), "draws");
  const auto names = h5::read_strings(g.id(), "quantity");
  const auto units = h5::read_strings(g.id(), "units");
  Diagnostics d;
  const auto sq = load_scenario(status_quo(), {}, d);
  REQUIRE(sq.has_value());
  CHECK(names == uncertainty_names(*sq));  // every input the status quo declares, in its order
  CHECK(units == uncertainty_units(*sq));
  const auto values = h5::read_doubles(g.id(), "value");
  const std::size_t q = names.size(), temp = static_cast<std::size_t>(std::find(names.begin(), names.end(), "parameters.aid.temperature") - names.begin());
  REQUIRE(temp < q);
  REQUIRE(values.size() == 6 * q);
  for (std::size_t row = 0; row < 6; ++row) {
    const std::size_t point = row / 3;
    const auto replicate = static_cast<std::uint32_t>(row % 3);
    // the factor fixes the temperature: not drawn; every other input is, as the run drew it
    CHECK(std::isnan(values[row * q + temp]));
    const ReplayPlan plan = plan_replay(ReplayRequest{out, point, replicate});
    RunState s(plan.scenario);
    s.reset(plan.scenario, replicate);
    draw_inputs(plan.scenario, s, Rng(plan.seed));
    const auto own = uncertainty_names(plan.scenario);
    REQUIRE(own.size() + 1 == q);
    for (std::size_t m = 0; m < own.size(); ++m) {
      const std::size_t col = static_cast<std::size_t>(std::find(names.begin(), names.end(), own[m]) - names.begin());
      CHECK(values[row * q + col] == s.draws[m]);
    }
  }
}

TEST_CASE("shards written apart merge into the file of one batch", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: sobol, base_rows: 4}"));
  run(ex, dir.path("whole.h5"), 2);
  std::vector<std::string> parts;
  for (std::size_t s = 0; s < 3; ++s) {
    BatchOptions opt;
    opt.shard = s;
    opt.shards = 3;
    parts.push_back(dir.path("s" + std::to_string(s) + ".h5"));
    const auto st = run(ex, parts.back(), 1, opt);
    const auto [a, b] = shard_points(ex.points(), s, 3);
    CHECK(st.runs_done == static_cast<std::int64_t>((b - a) * 5));
  }
  CHECK_THROWS_WITH(merge_shards({parts[0], parts[2]}, dir.path("m.h5"), meta()), Catch::Contains("shard 2/3 is missing"));
  CHECK_THROWS_WITH(merge_shards({parts[0], parts[0], parts[2]}, dir.path("m.h5"), meta()), Catch::Contains("given twice"));
  merge_shards({parts[2], parts[0], parts[1]}, dir.path("m.h5"), meta());
  CHECK(same_bits(data_of(dir.path("m.h5")), data_of(dir.path("whole.h5"))));
  // sensitivity needs the whole design
  SensitivityRequest req;
  req.file = parts[0];
  CHECK_THROWS_WITH(analyse_sensitivity(req), Catch::Contains("join the shards with sixparty merge"));
  req.file = dir.path("m.h5");
  req.resamples = 50;
  const auto rep = analyse_sensitivity(req);
  REQUIRE(rep.results.size() == 1);
  CHECK(rep.results[0].outcome == "mean_utility.RUS");
  CHECK(rep.results[0].sobol.s1.size() == 2);
}

TEST_CASE("one batch per output: a second process is refused", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment());
  const std::string out = dir.path("locked.h5");
  const int fd = ::open((out + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  CHECK_THROWS_WITH(run(ex, out, 1), Catch::Contains("another sixparty batch is writing this output"));
  ::close(fd);
  CHECK(run(ex, out, 1).runs_done == ex.runs());
  CHECK_FALSE(std::filesystem::exists(out + ".lock"));
}

TEST_CASE("a resume must keep the invariant checks of the start", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment());
  BatchOptions opt;
  opt.chunk_runs = 5;
  std::atomic<bool> stop{false};
  const std::string out = dir.path("c.h5");
  run(ex, out, 1, opt, &stop, [&](const BatchStatus&) { stop = true; });
  REQUIRE(std::filesystem::exists(out + ".journal"));
  opt.check_invariants = !opt.check_invariants;
#ifdef NDEBUG
  CHECK_THROWS_WITH(run(ex, out, 1, opt), Catch::Contains("expected the same --shard and --check"));
#endif
}

TEST_CASE("per-point summaries span blocks when a point has more runs than a block", "[batch]") {
  TempDir dir;
  const std::string world = dir.write("tiny.yaml", tiny_world());
  const Experiment ex = load(dir, "scenarios: " + world + "\nruns_per_point: 5000\nseeds: independent\ndesign: {kind: factorial}\nfactors:\n"
                                  "  - {path: parameters.stability.noise_sd, levels: [0.05, 0.2]}\n");
  const std::string out = dir.path("big.h5");
  run(ex, out, 2);
  h5::Handle f = h5::open_file_read(out);
  const auto rows = h5::read_doubles(f.id(), "runs/min_stability");
  const auto mean = h5::read_doubles(f.id(), "points/mean/min_stability");
  const auto sd = h5::read_doubles(f.id(), "points/sd/min_stability");
  const std::size_t n = h5::read_strings(f.id(), "runs/actor").size();
  REQUIRE(rows.size() == 10000 * n);
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0, s2 = 0;
      for (std::size_t r = 0; r < 5000; ++r) s += rows[(p * 5000 + r) * n + i];
      const double m = s / 5000;
      for (std::size_t r = 0; r < 5000; ++r) s2 += (rows[(p * 5000 + r) * n + i] - m) * (rows[(p * 5000 + r) * n + i] - m);
      CHECK(mean[p * n + i] == Approx(m).epsilon(1e-12));
      CHECK(sd[p * n + i] == Approx(std::sqrt(s2 / 4999)).epsilon(1e-9));
    }
}

TEST_CASE("factor names may not shadow the design table", "[batch]") {
  TempDir dir;
  const auto e = errors_of(dir, "scenarios: " + status_quo() + "\ndesign: {kind: factorial}\nfactors:\n  - {name: seed, path: parameters.leverage.value, levels: [1, 2]}\n");
  CHECK(e.find("factors.0.name: 'seed' names a column of the design table") != std::string::npos);
}

TEST_CASE("each scenario of a Sobol' experiment is analysed on its own, stale temporaries are removed", "[batch]") {
  TempDir dir;
  const std::string text = "scenarios: [" + status_quo() + ", " + source_dir() + "/scenarios/collapse.yaml]\nseed: 3\nruns_per_point: 2\n"
                           "design: {kind: sobol, base_rows: 4}\nfactors:\n"
                           "  - {name: leverage, path: parameters.leverage.value, range: [5, 20]}\n"
                           "  - {name: bias, path: parameters.stability.bias, range: [-1.5, -0.5]}\n";
  const Experiment ex = load(dir, text);
  CHECK(ex.points() == 2 * 16);
  const std::string out = dir.path("two.h5");
  const std::string stale = dir.write("two.h5.tmp-999999", "left by a killed batch");
  run(ex, out, 2);
  CHECK_FALSE(std::filesystem::exists(stale));
  SensitivityRequest req;
  req.file = out;
  req.outcomes = {"mean_utility.RUS"};  // varies over the design in both futures
  req.resamples = 50;
  const auto rep = analyse_sensitivity(req);
  REQUIRE(rep.results.size() == 2);
  CHECK(rep.results[0].scenario == "status_quo");
  CHECK(rep.results[1].scenario == "collapse");
  for (const auto& r : rep.results)
    for (double v : r.sobol.st) CHECK(std::isfinite(v));  // (NaN would make the comparison below vacuous)
  CHECK(rep.results[0].sobol.s1 != rep.results[1].sobol.s1);
  store_sensitivity(out, rep);
  h5::Handle f = h5::open_file_read(out);
  CHECK(h5::exists(f.id(), "sensitivity/status_quo/mean_utility.RUS"));
  CHECK(h5::exists(f.id(), "sensitivity/collapse/mean_utility.RUS"));
}

TEST_CASE("levers cross every policy with the whole design under the same draws (issue 16)", "[batch]") {
  TempDir dir;
  const std::string levers = "seeds: independent\nlevers:\n"
                             "  - {name: temp, path: parameters.aid.temperature, levels: [0.1, 0.5]}\n"
                             "  - {name: exchange, path: mechanisms.exchange, levels: [on, off]}\n";
  const Experiment ex = load(dir, small_experiment("{kind: latin_hypercube, points: 3}", levers));
  REQUIRE(ex.policies.size() == 4);
  CHECK(ex.policies[1].name == "temp=0.1,exchange=off");  // the last lever varies fastest
  CHECK(ex.policies[1].sets == std::vector<std::string>{"parameters.aid.temperature=0.1", "mechanisms.exchange=off"});
  CHECK(ex.points() == 4 * 3);
  CHECK(ex.scenario_names[2] == "status_quo+temp=0.5,exchange=on");
  // a point: its policy's overrides, then its factor values
  const auto o = ex.overrides(5);
  REQUIRE(o.size() == 4);
  CHECK(o[0] == "parameters.aid.temperature=0.1");
  CHECK(o[1] == "mechanisms.exchange=off");
  Diagnostics d;
  const auto sc = ex.compile_point(5, d);
  REQUIRE(sc);
  CHECK(sc->params.aid.temperature == 0.1);
  CHECK_FALSE(sc->on(Mechanism::exchange));
  // every policy meets the same design rows, and (independent seeds) the same seeds
  for (std::size_t row = 0; row < 3; ++row)
    for (std::size_t q = 1; q < 4; ++q) {
      CHECK(ex.factor_value(q * 3 + row, 0) == ex.factor_value(row, 0));
      CHECK(ex.point_seed(q * 3 + row) == ex.point_seed(row));
    }
  CHECK(ex.point_seed(0) != ex.point_seed(1));

  // named policies; a policy without `set` runs the scenario as it is
  const Experiment named = load(dir, small_experiment("{kind: factorial}",
                                                      "policies:\n  - {name: base}\n  - {name: engage, set: {parameters.aid.temperature: 0.2}}\n"),
                                "named.yaml");
  CHECK(named.points() == 2 * 6);
  CHECK(named.scenario_policies == std::vector<std::string>{"base", "engage"});
  CHECK(named.overrides(0).size() == 2);
  CHECK(named.overrides(6).front() == "parameters.aid.temperature=0.2");
}

TEST_CASE("bad policies and levers get located errors", "[batch]") {
  TempDir dir;
  const auto head = small_experiment("{kind: factorial}");
  auto e1 = errors_of(dir, head + "policies:\n  - {name: a, set: {parameters.aid.temperature: [1]}}\n  - {name: a}\n  - {name: x/y}\n"
                                   "  - {name: b, set: {parameters.leverage.value: 3, run.runs: 2}}\n");
  CHECK_THAT(e1, Catch::Contains("bad.yaml:11:49: error: policies.0.set.parameters.aid.temperature: found a sequence; expected a value"));
  CHECK_THAT(e1, Catch::Contains("bad.yaml:12:12: error: policies.1.name: 'a' is already taken"));
  CHECK_THAT(e1, Catch::Contains("policies.2.name: 'x/y'; expected a non-empty name without '/' or '+'"));
  CHECK_THAT(e1, Catch::Contains("bad.yaml:14:21: error: policies.3.set.parameters.leverage.value: 'parameters.leverage.value' is also a factor"));
  CHECK_THAT(e1, Catch::Contains("policies.3.set.run.runs: 'run.runs' changes nothing a run of the point reads"));
  auto e2 = errors_of(dir, head + "policies:\n  - {name: a, set: {parameters.aid.temprature: 0.2}}\n");
  CHECK_THAT(e2, Catch::Contains("bad.yaml:11:5: error: policies.0: the policy 'a' makes the scenario"));
  CHECK_THAT(e2, Catch::Contains("unknown key 'temprature' (did you mean 'temperature'?)"));
  auto e3 = errors_of(dir, head + "policies: [{name: a}]\nlevers: [{path: parameters.aid.temperature, levels: [1, 2]}]\n");
  CHECK_THAT(e3, Catch::Contains("levers: an experiment has policies or levers, not both"));
  auto e4 = errors_of(dir, head + "levers:\n  - {path: parameters.aid.temperature, levels: [1]}\n  - {path: mechanisms.exchnge, levels: [on, off]}\n");
  CHECK_THAT(e4, Catch::Contains("bad.yaml:11:48: error: levers.0.levels: found a sequence; expected a list of 2 to 100 values"));
  auto e5 = errors_of(dir, head + "levers:\n  - {path: mechanisms.exchnge, levels: [on, off]}\n");
  CHECK_THAT(e5, Catch::Contains("the policy 'mechanisms.exchnge=on' makes the scenario"));
  CHECK(e5.find("mechanisms.exchnge=off") == std::string::npos);  // one mistake, said once
}

TEST_CASE("a batch with levers resumes, replays and merges like any other", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: sobol, base_rows: 4}",
                                                   "levers: [{name: temp, path: parameters.aid.temperature, levels: [0.1, 0.5]}]\n"));
  REQUIRE(ex.points() == 2 * 4 * 4);
  run(ex, dir.path("whole.h5"), 2);
  const auto expected = data_of(dir.path("whole.h5"));
  // the policies' points run the same draws (common seeds): only the lever differs
  {
    h5::Handle f = h5::open_file_read(dir.path("whole.h5"));
    const auto v = h5::read_doubles(h5::open_group(f.id(), "draws").id(), "value");
    const std::size_t per_point = v.size() / ex.points();
    const auto half = static_cast<std::ptrdiff_t>(per_point * 16);
    REQUIRE(v.size() == static_cast<std::size_t>(2 * half));
    CHECK(std::equal(v.begin(), v.begin() + half, v.begin() + half));
    CHECK(h5::read_attr_strings(h5::open_group(f.id(), "experiment").id(), "policies") == std::vector<std::string>{"temp=0.1", "temp=0.5"});
  }
  BatchOptions opt;
  opt.chunk_runs = 16;
  std::atomic<bool> stop{false};
  const std::string out = dir.path("part.h5");
  const auto st = run(ex, out, 2, opt, &stop, [&](const BatchStatus& s) { if (s.runs_done >= 48) stop = true; });
  REQUIRE(st.interrupted);
  stop = false;
  run(ex, out, 1, opt, &stop);
  CHECK(same_bits(data_of(out), expected));
  // a replay of a point of the second policy has its lever
  const ReplayPlan plan = plan_replay(ReplayRequest{out, 20, 1});
  CHECK(plan.scenario.params.aid.temperature == 0.5);
  CHECK(plan.scenario.params.leverage.value == ex.factor_value(20, 0));
  // shards merge, and the sensitivity indices are per scenario and policy
  merge_shards(shard_files(ex, dir, 2), dir.path("m.h5"), meta());
  CHECK(same_bits(data_of(dir.path("m.h5")), expected));
  SensitivityRequest req;
  req.file = dir.path("m.h5");
  req.resamples = 50;
  const auto rep = analyse_sensitivity(req);
  REQUIRE(rep.results.size() == 2);
  CHECK(rep.results[1].scenario == "status_quo+temp=0.5");
}

TEST_CASE("categorical factors take words, set as written, in any design (issue 16)", "[batch]") {
  TempDir dir;
  const std::string head = "scenarios: " + status_quo() + "\nseed: 4\nruns_per_point: 3\n";
  // words among a factorial's levels make a categorical factor
  const Experiment fac = load(dir, head + "design: {kind: factorial}\nfactors:\n"
                                         "  - {name: exchange, path: mechanisms.exchange, levels: [on, off]}\n"
                                         "  - {name: decisions, path: run.decisions, levels: [sampled, expected]}\n");
  REQUIRE(fac.factors[0].categorical());
  CHECK(fac.factors[0].categories == std::vector<std::string>{"on", "off"});
  CHECK(fac.points() == 4);
  CHECK(fac.factor_value(1, 1) == 1);  // the index of 'expected'
  CHECK(fac.overrides(1) == std::vector<std::string>{"mechanisms.exchange=on", "run.decisions=expected"});
  Diagnostics d;
  const auto sc = fac.compile_point(3, d);
  REQUIRE(sc);
  CHECK_FALSE(sc->on(Mechanism::exchange));
  CHECK(sc->decisions == Decisions::expected);
  // `categories:` in a sampled design: each category equally likely
  const Experiment lhs = load(dir, head + "design: {kind: latin_hypercube, points: 300}\nfactors:\n"
                                         "  - {name: wars, path: mechanisms.war, categories: [on, off]}\n"
                                         "  - {path: parameters.leverage.value, range: [5, 20]}\n", "lhs.yaml");
  int off = 0;
  for (std::size_t p = 0; p < lhs.points(); ++p) {
    const double v = lhs.factor_value(p, 0);
    CHECK((v == 0 || v == 1));
    off += v == 1;
  }
  CHECK(off == 150);  // a Latin hypercube's strata split evenly
  // every category is checked, not only the ends
  auto e = errors_of(dir, head + "design: {kind: sobol, base_rows: 4}\nfactors:\n"
                                 "  - {name: wars, path: mechanisms.war, categories: [on, maybe, off]}\n");
  CHECK_THAT(e, Catch::Contains("bad.yaml:6:24: error: factors.0: at 'maybe' the scenario"));
  CHECK_THAT(e, Catch::Contains("mechanisms.war: found 'maybe'; expected on or off"));
  auto e2 = errors_of(dir, head + "design: {kind: sobol, base_rows: 4}\nfactors:\n"
                                  "  - {name: wars, path: mechanisms.war, categories: [on, on], distribution: log_uniform}\n");
  CHECK_THAT(e2, Catch::Contains("factors.0.categories.1: 'on' is already a category"));
  CHECK_THAT(e2, Catch::Contains("factors.0.distribution: categories have no distribution"));

  // the file keeps the categories; a replay sets the category of its point
  const std::string out = dir.path("c.h5");
  run(fac, out, 1);
  {
    h5::Handle f = h5::open_file_read(out);
    h5::Handle col = h5::open_dataset(h5::open_group(f.id(), "design").id(), "decisions");
    CHECK(h5::read_attr_strings(col.id(), "categories") == std::vector<std::string>{"sampled", "expected"});
  }
  const ReplayPlan plan = plan_replay(ReplayRequest{out, 3, 1});
  CHECK_FALSE(plan.scenario.on(Mechanism::exchange));
  CHECK(plan.scenario.decisions == Decisions::expected);
}

TEST_CASE("declared series are kept per run and per point, resume and merge (issue 16)", "[batch]") {
  TempDir dir;
  const Experiment ex = load(dir, small_experiment("{kind: latin_hypercube, points: 4}", "series: [stability.DPRK, utility.RUS]\n"));
  REQUIRE(ex.series.size() == 2);
  CHECK(ex.series[0].actor == 1);
  run(ex, dir.path("whole.h5"), 2);
  // every run's series, and per point the mean and quantiles across its runs at every step
  std::vector<double> runs, points, mean_utility;
  {
    h5::Handle f = h5::open_file_read(dir.path("whole.h5"));
    runs = h5::read_doubles(h5::open_group(f.id(), "series/runs").id(), "utility.RUS");
    points = h5::read_doubles(h5::open_group(f.id(), "series/points").id(), "utility.RUS");
    mean_utility = h5::read_doubles(h5::open_group(f.id(), "runs").id(), "mean_utility");
  }
  const std::size_t T = 100, R = 5, K = kSeriesStats.size();
  REQUIRE(runs.size() == 4 * R * T);
  REQUIRE(points.size() == 4 * K * T);
  for (std::size_t r = 0; r < 4 * R; ++r) {  // a run's mean utility is its series' mean over the steps
    double sum = 0;
    for (std::size_t t = 0; t < T; ++t) sum += runs[r * T + t];
    CHECK(sum / T == Approx(mean_utility[r * 6 + 0]).epsilon(1e-12));
  }
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t t : {std::size_t{0}, std::size_t{57}, T - 1}) {
      std::vector<double> xs;
      for (std::size_t r = 0; r < R; ++r) xs.push_back(runs[(p * R + r) * T + t]);
      double sum = 0;
      for (double x : xs) sum += x;
      std::sort(xs.begin(), xs.end());
      CHECK(points[(p * K + 0) * T + t] == Approx(sum / R).epsilon(1e-14));
      CHECK(points[(p * K + 3) * T + t] == xs[2]);                               // q50 of 5: the middle one
      CHECK(points[(p * K + 1) * T + t] == Approx(xs[0] + 0.2 * (xs[1] - xs[0])));  // q05, type 7
    }
  // an interrupted batch and shards give the same series, bit for bit
  const auto series_of = [](const std::string& path) {
    h5::Handle f = h5::open_file_read(path);
    std::vector<double> all;
    for (const char* g : {"series/runs", "series/points"})
      for (const char* v : {"stability.DPRK", "utility.RUS"}) {
        const auto x = h5::read_doubles(h5::open_group(f.id(), g).id(), v);
        all.insert(all.end(), x.begin(), x.end());
      }
    return all;
  };
  const auto expected = series_of(dir.path("whole.h5"));
  BatchOptions opt;
  opt.chunk_runs = 6;
  std::atomic<bool> stop{false};
  run(ex, dir.path("part.h5"), 2, opt, &stop, [&](const BatchStatus& s) { if (s.runs_done >= 6) stop = true; });
  stop = false;
  run(ex, dir.path("part.h5"), 1, opt, &stop);
  CHECK(same_bits(series_of(dir.path("part.h5")), expected));
  merge_shards(shard_files(ex, dir, 3), dir.path("m.h5"), meta());
  CHECK(same_bits(series_of(dir.path("m.h5")), expected));
  CHECK(same_bits(data_of(dir.path("m.h5")), data_of(dir.path("whole.h5"))));

  auto e = errors_of(dir, small_experiment("{kind: factorial}", "series: [stabilty.DPRK, stability.XX, stability.DPRK, stability.DPRK, influence.RUS]\n"));
  CHECK_THAT(e, Catch::Contains("series: unknown series 'stabilty' (did you mean 'stability'?)"));
  CHECK_THAT(e, Catch::Contains("'stability.XX': unknown actor 'XX'"));
  CHECK_THAT(e, Catch::Contains("'stability.DPRK' is already a series"));
  CHECK_THAT(e, Catch::Contains("unknown series 'influence'"));  // a dyad variable: not one actor's
  auto e2 = errors_of(dir, "scenarios: " + status_quo() + "\ndesign: {kind: factorial}\nfactors:\n  - {path: time.steps_per_year, levels: [2, 4]}\nseries: [stability.DPRK]\n");
  CHECK_THAT(e2, Catch::Contains("factors.0.path: 'time.steps_per_year' moves the time grid, which series keep fixed"));
}
