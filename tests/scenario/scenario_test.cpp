#include "scenario/load.hpp"

#include "../test_support.hpp"

using namespace sixparty;
using namespace sixparty::test;

namespace {

// load text and return every diagnostic formatted
std::string errors_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  TempDir dir;
  Diagnostics d;
  auto sc = load_scenario(dir.write("s.yaml", text), sets, d);
  CHECK_FALSE(sc.has_value());
  return d.format();
}

}  // namespace

TEST_CASE("the tiny world compiles with defaults and normalised interests") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  CHECK(sc.n() == 3);
  CHECK(sc.steps == 40);
  CHECK(sc.dt == 0.25);
  CHECK(sc.year(4) == 2001.0);
  CHECK(sc.economic == 0);
  CHECK(sc.military == 1);
  CHECK(sc.diplomatic == -1);
  CHECK(sc.interests.row(0).sum() == Approx(1.0));
  CHECK(sc.initial.need[0] == 1000);         // need defaults to output
  CHECK(sc.initial.autonomy[0] == 0.5);      // documented default
  CHECK(sc.initial.affinity(0, 1) == 0.5);   // A<->B
  CHECK(sc.initial.affinity(1, 0) == 0.5);
  CHECK(sc.initial.affinity(0, 2) == 0.0);
  CHECK(sc.initial.expected_return(0, 1) == sc.params.aid.prior_return);
  CHECK(sc.resolved_yaml.find("actors") != std::string::npos);
}

TEST_CASE("relations: defaults, then A<->B, then A->B, rivalry is symmetric") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world(R"(  A->B: {affinity: 0.9}
  A<->C: {rivalry: 0.4, affinity: -0.2}
)"));
  CHECK(sc.initial.affinity(0, 1) == 0.9);
  CHECK(sc.initial.affinity(1, 0) == 0.5);
  CHECK(sc.initial.rivalry(0, 2) == 0.4);
  CHECK(sc.initial.rivalry(2, 0) == 0.4);
  CHECK(sc.initial.affinity(2, 0) == -0.2);
}

TEST_CASE("events compile to steps in order with resolved targets") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world() + R"(events:
  - {at: 2005, name: late, set: {actors.A.resources.economic.income: 1}}
  - {at: 2001, name: early, scale: {relations.A->B.affinity: 0.5}, shock: {B: -0.1}}
)");
  REQUIRE(sc.events.size() == 2);
  CHECK(sc.events[0].name == "early");
  CHECK(sc.events[0].step == 4);
  CHECK(sc.events[0].changes.size() == 2);
  CHECK(sc.events[1].step == 20);
  CHECK(sc.events[1].changes[0].target.var == TargetVar::income);
  CHECK(sc.events[1].changes[0].target.r == 0);
}

TEST_CASE("overrides (--set) reach the compiled scenario") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world(), {"run.runs=17", "parameters.aid.temperature=0.5"});
  CHECK(sc.runs == 17);
  CHECK(sc.params.aid.temperature == 0.5);
}

TEST_CASE("every error is reported at once with file, line, column and key") {
  const std::string text = tiny_world(R"(  A->Q: {affinity: 0.1}
)") + "events:\n  - {at: 2050, set: {actors.A.outptu: 3}}\n";
  std::string bad = text;
  bad.replace(bad.find("interests: {influence: 0.5"), 26, "interests: {influence: -0.5");
  bad.replace(bad.find("spendable: 0.5"), 14, "spendable: 1.5");
  bad.replace(bad.find("output: 500"), 11, "output: .nan");
  const std::string out = errors_of(bad + "secruity: 1\n");
  INFO(out);
  CHECK(out.find("s.yaml:") != std::string::npos);
  CHECK(out.find("error: secruity: unknown key 'secruity'") != std::string::npos);
  CHECK(out.find("actors.A.interests.influence: found -0.5; expected a weight >= 0") != std::string::npos);
  CHECK(out.find("actors.A.resources.economic.spendable: found 1.5; expected a share, a number in [0, 1]") != std::string::npos);
  CHECK(out.find("actors.C.output: found nan; expected a finite number") != std::string::npos);
  CHECK(out.find("unknown actor 'Q'") != std::string::npos);
  CHECK(out.find("events[0].at: found 2050; expected a year in [2000, 2010)") != std::string::npos);
  CHECK(out.find("'outptu'") != std::string::npos);
  CHECK(out.find("did you mean 'output'") != std::string::npos);
  // line:column of the negative weight: the key "influence" on line 10
  CHECK(out.find("s.yaml:10:17: error: actors.A.interests.influence") != std::string::npos);
}

TEST_CASE("type errors, unknown dimensions and resources, missing keys") {
  CHECK(errors_of("name: x\n").find("time: missing") != std::string::npos);
  std::string t = tiny_world();
  t.replace(t.find("steps_per_year: 4"), 17, "steps_per_year: four");
  CHECK(errors_of(t).find("time.steps_per_year: found 'four'; expected a whole number") != std::string::npos);
  std::string u = tiny_world();
  u.replace(u.find("regime_survival, influence]"), 27, "regime_survival, influense]");
  CHECK(errors_of(u).find("unknown interest dimension 'influense' (did you mean 'influence'?)") != std::string::npos);
  std::string v = tiny_world();
  v.replace(v.find("kind: military"), 14, "kind: militray");
  CHECK(errors_of(v).find("did you mean 'military'") != std::string::npos);
  std::string w = tiny_world(R"(  A->B: {rivalry: 0.5}
)");
  CHECK(errors_of(w).find("rivalry is symmetric") != std::string::npos);
  std::string x = tiny_world();
  x.replace(x.find("end: 2010"), 9, "end: 2010.1");
  CHECK(errors_of(x).find("not a whole number of steps") != std::string::npos);
}

TEST_CASE("the shipped scenarios all compile") {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source_dir() + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    if (entry.path().string().find("experiments") != std::string::npos) continue;
    Diagnostics d;
    auto sc = load_scenario(entry.path().string(), {}, d);
    INFO(entry.path().string() << "\n" << d.format());
    CHECK(sc.has_value());
  }
}
