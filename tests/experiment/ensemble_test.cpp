#include "experiment/ensemble.hpp"

#include "core/parallel.hpp"
#include "engine/step.hpp"

#include "../test_support.hpp"

#include <cstring>

using namespace sixparty;
using namespace sixparty::test;

namespace {

// hashes everything an ensemble produces (FNV-1a over the bytes)
class HashSink : public EnsembleSink {
 public:
  explicit HashSink(const Scenario& sc)
      : out_per_run_(RecordLayout(sc, outcome_variables()).per_step),
        trace_per_run_(RecordLayout(sc, step_variables()).per_step * sc.steps) {}
  void block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) override {
    CHECK(first == next_);
    next_ = first + count;
    mix(outcomes, static_cast<std::size_t>(count) * out_per_run_);
    if (traces) mix(traces, static_cast<std::size_t>(count) * trace_per_run_);
  }
  void finish(const Summary* s, std::int64_t done, bool interrupted) override {
    completed = done;
    this->interrupted = interrupted;
    if (s)
      for (std::size_t c = 0; c < s->cells(); ++c)
        for (std::size_t k = 0; k < kStatNames.size(); ++k) {
          const double v = s->stat(k, c);
          mix(&v, 1);
        }
  }
  std::uint64_t hash = 1469598103934665603ull;
  std::int64_t completed = -1;
  bool interrupted = false;

 private:
  void mix(const double* p, std::size_t n) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    for (std::size_t k = 0; k < n * sizeof(double); ++k) hash = (hash ^ b[k]) * 1099511628211ull;
  }
  std::size_t out_per_run_, trace_per_run_;
  std::int64_t next_ = 0;
};

std::uint64_t ensemble_hash(const Scenario& sc, int threads, RecordLevel level, std::int64_t runs) {
  EnsembleOptions opt;
  opt.runs = runs;
  opt.seed = 2024;
  opt.level = level;
  HashSink sink(sc);
  ThreadScope scope(threads);
  scope.run([&] { run_ensemble(sc, opt, sink, nullptr, nullptr); });
  CHECK(sink.completed == runs);
  return sink.hash;
}

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
