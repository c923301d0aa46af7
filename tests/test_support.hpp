// helpers shared by the unit tests: temporary scenario files and a tiny world
#pragma once

#include "core/diagnostics.hpp"
#include "engine/step.hpp"
#include "scenario/scenario.hpp"

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
  s.reset(sc, run);
  const Rng rng(seed);
  StepOptions opt;
  opt.check_invariants = true;
  for (int t = 0; t < sc.steps; ++t) step(sc, s, rng, opt);
  return s;
}

}  // namespace sixparty::test
