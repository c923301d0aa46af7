#include "experiment/ensemble.hpp"

#include "core/parallel.hpp"
#include "engine/step.hpp"

#include "../test_support.hpp"

#include <cstring>

using namespace sixparty;
using namespace sixparty::test;

namespace {

// n actors in a ring of patrons and clients, for nested parallelism
std::string ring_world(int n) {
  std::string s = "name: ring\ntime: {start: 0, end: 2, steps_per_year: 4}\n"
                  "dimensions: [economy, influence, regional_stability, regime_survival, security]\n"
                  "resources: {economic: {kind: economic}, military: {kind: military}}\nactors:\n";
  for (int i = 0; i < n; ++i) {
    s += "  X" + std::to_string(i) + ": {output: " + std::to_string(10 + (i * 37) % 500) +
         ", interests: {economy: 0.3, influence: 0.4, regime_survival: 0.3}, resources: {economic: {stock: 5, income: 2, spendable: 0.5}}, stability: {initial: 0.5}}\n";
  }
  s += "relations:\n";
  for (int i = 0; i < n; ++i) s += "  X" + std::to_string(i) + "<->X" + std::to_string((i + 1) % n) + ": {affinity: 0.4, rivalry: 0.1}\n";
  return s;
}

}  // namespace

TEST_CASE("results are bit-identical for 1, 2, 4 and 8 threads") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  for (RecordLevel level : {RecordLevel::outcomes, RecordLevel::summary, RecordLevel::traces}) {
    const std::uint64_t h1 = ensemble_hash(sc, 1, level, 150);  // not a multiple of the block size
    CHECK(ensemble_hash(sc, 2, level, 150) == h1);
    CHECK(ensemble_hash(sc, 4, level, 150) == h1);
    CHECK(ensemble_hash(sc, 8, level, 150) == h1);
  }
  // and the seed matters
  EnsembleOptions opt;
  opt.runs = 10;
  opt.seed = 1;
  HashSink a(sc), b(sc);
  run_ensemble(sc, opt, a, nullptr, nullptr);
  opt.seed = 2;
  run_ensemble(sc, opt, b, nullptr, nullptr);
  CHECK(a.hash != b.hash);
}

TEST_CASE("nested parallelism over actors keeps results identical") {
  TempDir dir;
  const Scenario sc = compile_text(dir, ring_world(70));
  REQUIRE(sc.n() >= StepOptions().parallel_actors_from);
  const std::uint64_t h1 = ensemble_hash(sc, 1, RecordLevel::outcomes, 6);
  CHECK(ensemble_hash(sc, 2, RecordLevel::outcomes, 6) == h1);
  CHECK(ensemble_hash(sc, 4, RecordLevel::outcomes, 6) == h1);
}

TEST_CASE("a stop request ends the ensemble between blocks with finished runs intact") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  EnsembleOptions opt;
  opt.runs = 1000;
  std::atomic<bool> stop{false};
  HashSink sink(sc);
  std::int64_t calls = 0;
  const auto res = run_ensemble(sc, opt, sink, [&](std::int64_t, std::int64_t) {
    if (++calls == 2) stop = true;
  }, &stop);
  const auto B = static_cast<std::int64_t>(block_runs(sc, opt));
  CHECK(res.interrupted);
  CHECK(sink.interrupted);
  CHECK(res.runs_completed == 2 * B);
  CHECK(sink.completed == 2 * B);
  // the finished runs equal those of an uninterrupted ensemble of that size
  opt.runs = 2 * B;
  HashSink whole(sc);
  run_ensemble(sc, opt, whole, nullptr, nullptr);
  CHECK(whole.hash == sink.hash);
}

TEST_CASE("block size depends on the world, not on threads, and is bounded") {
  TempDir dir;
  EnsembleOptions opt;
  CHECK(block_runs(compile_text(dir, tiny_world()), opt) == 64);
  opt.state_budget_bytes = 1;
  CHECK(block_runs(compile_text(dir, tiny_world()), opt) == 1);
}
