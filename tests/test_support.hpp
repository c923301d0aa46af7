// helpers shared by the unit tests: temporary scenario files and a tiny world
#pragma once

#include "core/diagnostics.hpp"
#include "core/parallel.hpp"
#include "engine/run.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/record.hpp"
#include "scenario/load.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sixparty::test {

inline std::string source_dir() { return SIXPARTY_SOURCE_DIR; }

// a directory under the system temp dir, removed at the end of the test
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("sixparty-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// a shipped scenario's text without its top-level `uncertainty:` block (the block runs to the next
// top-level key); empty if it has none
inline std::string without_uncertainty_block(const std::string& text) {
  const auto at = text.find("\nuncertainty:");
  if (at == std::string::npos) return {};
  auto end = text.find('\n', at + 1);
  while (end != std::string::npos && end + 1 < text.size() && (text[end + 1] == ' ' || text[end + 1] == '\n'))
    end = text.find('\n', end + 1);
  return text.substr(0, at + 1) + (end == std::string::npos ? "" : text.substr(end + 1));
}

// three actors: a patron (A), a client (B) and a bystander (C)
inline std::string tiny_world(const std::string& extra = "") {
  return R"(name: tiny
time: {start: 2000, end: 2010, steps_per_year: 4}
dimensions: [security, economy, regional_stability, regime_survival, influence]
resources:
  economic: {kind: economic, unit: "US$ bn"}
  military: {kind: military, unit: index}
actors:
  A:
    output: 1000
    interests: {influence: 0.5, economy: 0.3, security: 0.2}
    resources:
      economic: {stock: 10, income: 5, spendable: 0.5}
      military: {stock: 10, income: 5, spendable: 0.0}
  B:
    output: 20
    need: 25
    autonomy: 0.2
    interests: {regime_survival: 0.7, economy: 0.3}
    resources:
      military: {stock: 5, income: 2.5, spendable: 0.0}
    stability: {initial: 0.6, repression: 0.5, legitimacy: 0.3}
  C:
    output: 500
    interests: {economy: 1.0}
relations:
  default: {affinity: 0.0}
  A<->B: {affinity: 0.5}
)" + extra;
}

inline Scenario compile_text(const TempDir& dir, const std::string& text, const std::vector<std::string>& sets = {}) {
  Diagnostics diags;
  auto sc = load_scenario(dir.write("s.yaml", text), sets, diags);
  INFO(diags.format());
  REQUIRE(sc.has_value());
  return *sc;
}

// run one run to its end, with the invariants checked every step
inline RunState run_to_end(const Scenario& sc, std::uint32_t run = 0, std::uint64_t seed = 1) {
  RunState s(sc);
  const Rng rng(seed);
  StepOptions opt;
  opt.check_invariants = true;
  run_one(sc, s, run, rng, opt);
  return s;
}

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

inline std::uint64_t ensemble_hash(const Scenario& sc, int threads, RecordLevel level, std::int64_t runs,
                                   std::uint64_t seed = 2024) {
  EnsembleOptions opt;
  opt.runs = runs;
  opt.seed = seed;
  opt.level = level;
  HashSink sink(sc);
  ThreadScope scope(threads);
  scope.run([&] { run_ensemble(sc, opt, sink, nullptr, nullptr); });
  CHECK(sink.completed == runs);
  return sink.hash;
}

}  // namespace sixparty::test
