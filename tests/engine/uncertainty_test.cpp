// uncertain inputs (`uncertainty:`): located errors, draws that follow their distributions, keyed
// by (seed, run, name) so that they do not depend on threads or on the order of declarations,
// and nothing changes when nothing is uncertain
#include "engine/step.hpp"
#include "scenario/load.hpp"

#include "../test_support.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace sixparty;
using namespace sixparty::test;

namespace {

// the shipped status quo without its own uncertainty block, so each test declares exactly what it draws
std::string status_quo() {
  static const TempDir dir;
  static const std::string path = [] {
    std::ifstream in(source_dir() + "/scenarios/status_quo.yaml");
    std::stringstream text;
    text << in.rdbuf();
    const std::string bare = without_uncertainty_block(text.str());
    REQUIRE(!bare.empty());
    REQUIRE(bare.find("uncertainty") == std::string::npos);
    return dir.write("status_quo_bare.yaml", bare);
  }();
  return path;
}

std::string with_uncertainty(const std::string& block) {
  return "extends: " + status_quo() + "\nname: unc\n" + block;
}

const std::string kBlock = R"(uncertainty:
  interests: {concentration: 50, actors: {DPRK: 200}, source: "a test"}
  values:
    parameters.aid.temperature: {log_uniform: [0.1, 0.5], source: "a test"}
    actors.DPRK.stability.repression: {normal: [0.9, 0.2], source: "a test"}
    relations.RUS<->PRC.rivalry: {triangular: [0.0, 0.1, 0.3], source: "a test"}
    actors.RUS.resources.economic.income: {uniform: [1, 3], source: "a test"}
  events: {size: 0.3, date_steps: 2, source: "a test"}
)";

// the same block with the values declared in another order
const std::string kBlockReordered = R"(uncertainty:
  events: {date_steps: 2, size: 0.3, source: "a test"}
  values:
    actors.RUS.resources.economic.income: {uniform: [1, 3], source: "a test"}
    relations.RUS<->PRC.rivalry: {triangular: [0.0, 0.1, 0.3], source: "a test"}
    actors.DPRK.stability.repression: {normal: [0.9, 0.2], source: "a test"}
    parameters.aid.temperature: {log_uniform: [0.1, 0.5], source: "a test"}
  interests: {actors: {DPRK: 200}, concentration: 50, source: "a test"}
)";

std::string errors_of(const TempDir& dir, const std::string& block) {
  Diagnostics d;
  auto sc = load_scenario(dir.write("u.yaml", with_uncertainty(block)), {}, d);
  CHECK_FALSE(sc.has_value());
  return d.format();
}

RunState started(const Scenario& sc, std::uint32_t run) {
  RunState s(sc);
  s.reset(sc, run);
  if (sc.uncertainty.any()) draw_inputs(sc, s, Rng(sc.seed));
  return s;
}

double draw_of(const Scenario& sc, const RunState& s, const std::string& name) {
  const auto names = uncertainty_names(sc);
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return s.draws[static_cast<std::size_t>(it - names.begin())];
}

}  // namespace

TEST_CASE("uncertainty: an empty block, or none, changes nothing (bit-identical ensembles)") {
  TempDir dir;
  const Scenario plain = compile_text(dir, "extends: " + status_quo() + "\n");
  const Scenario empty = compile_text(dir, with_uncertainty("uncertainty:\n"));
  const Scenario zero = compile_text(dir, with_uncertainty("uncertainty: {events: {size: 0, source: none}}\n"));
  CHECK_FALSE(empty.uncertainty.any());
  CHECK_FALSE(zero.uncertainty.any());
  const auto h = ensemble_hash(plain, 2, RecordLevel::summary, 64);
  CHECK(ensemble_hash(empty, 2, RecordLevel::summary, 64) == h);
  CHECK(ensemble_hash(zero, 2, RecordLevel::summary, 64) == h);
}

TEST_CASE("uncertainty: draws do not depend on threads or on the order of declarations, and they vary by run") {
  TempDir dir;
  const Scenario a = compile_text(dir, with_uncertainty(kBlock));
  const Scenario b = compile_text(dir, with_uncertainty(kBlockReordered));
  REQUIRE(a.uncertainty.any());
  const auto h1 = ensemble_hash(a, 1, RecordLevel::summary, 96);
  CHECK(ensemble_hash(a, 2, RecordLevel::summary, 96) == h1);
  CHECK(ensemble_hash(a, 4, RecordLevel::summary, 96) == h1);
  CHECK(ensemble_hash(b, 2, RecordLevel::summary, 96) == h1);
  CHECK(uncertainty_names(a) == uncertainty_names(b));
  const RunState r0 = started(a, 0), r1 = started(a, 1);
  CHECK(r0.draws != r1.draws);
  CHECK(r0.draws == started(b, 0).draws);
}

TEST_CASE("uncertainty: a quantity two scenarios share is drawn the same in run r of both (common random numbers)") {
  TempDir dir;
  const Scenario both = compile_text(dir, with_uncertainty(kBlock));
  const Scenario one = compile_text(dir, with_uncertainty(R"(uncertainty:
  values:
    parameters.aid.temperature: {log_uniform: [0.1, 0.5], source: "a test"}
)"));
  for (std::uint32_t r : {0u, 7u, 99u}) {
    const RunState x = started(both, r), y = started(one, r);
    CHECK(draw_of(both, x, "parameters.aid.temperature") == draw_of(one, y, "parameters.aid.temperature"));
    CHECK(x.params.aid.temperature == y.params.aid.temperature);
  }
}

TEST_CASE("uncertainty: each draw follows its distribution and lands where the model reads it") {
  TempDir dir;
  const Scenario sc = compile_text(dir, with_uncertainty(kBlock));
  const int RUS = sc.actor_index("RUS"), DPRK = sc.actor_index("DPRK"), PRC = sc.actor_index("PRC");
  const int e = sc.economic;
  double mean_w = 0, mean_temp_log = 0;
  const int n = 400;
  int d0 = -1;
  for (int d = 0; d < sc.n_dimensions(); ++d)
    if (sc.interests(DPRK, d) > 0) d0 = d;
  REQUIRE(d0 >= 0);
  for (int r = 0; r < n; ++r) {
    const RunState s = started(sc, static_cast<std::uint32_t>(r));
    // interests: a Dirichlet draw, rows still summing to 1, zero weights kept at zero
    for (int i = 0; i < sc.n(); ++i) {
      CHECK(s.interests.row(i).sum() == Approx(1.0));
      for (int d = 0; d < sc.n_dimensions(); ++d)
        if (sc.interests(i, d) == 0) CHECK(s.interests(i, d) == 0);
    }
    mean_w += s.interests(DPRK, d0);
    const double t = s.params.aid.temperature;
    CHECK(t >= 0.1);
    CHECK(t <= 0.5);
    mean_temp_log += std::log(t);
    CHECK(s.world.repression[DPRK] >= 0.0);
    CHECK(s.world.repression[DPRK] <= 1.0);  // the normal is truncated to the value's range
    CHECK(s.world.rivalry(RUS, PRC) == s.world.rivalry(PRC, RUS));  // <->: both directions
    CHECK(s.world.rivalry(RUS, PRC) <= 0.3);
    CHECK(s.world.income(RUS, e) >= 1.0);
    CHECK(s.world.income(RUS, e) <= 3.0);
    for (std::size_t k = 0; k < sc.events.size(); ++k) {
      CHECK(std::abs(s.event_step[k] - sc.events[k].step) <= 2);
      CHECK(s.event_factor[k] >= 0.7);
      CHECK(s.event_factor[k] <= 1.3);
      if (k > 0) CHECK(s.event_step[k] >= s.event_step[k - 1]);  // the order is kept
    }
  }
  // the Dirichlet's mean is the declared weight; the log-uniform's mean log is the middle
  CHECK(mean_w / n == Approx(sc.interests(DPRK, d0)).margin(0.02));
  CHECK(mean_temp_log / n == Approx(0.5 * (std::log(0.1) + std::log(0.5))).margin(0.05));
}

TEST_CASE("uncertainty: bad blocks are located errors") {
  TempDir dir;
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {parameters.aid.temprature: {uniform: [0.1, 0.2], source: x}}}\n"),
             Catch::Contains("uncertainty.values.parameters.aid.temprature") && Catch::Contains("not a parameter"));
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {actors.XX.output: {uniform: [1, 2], source: x}}}\n"),
             Catch::Contains("unknown actor 'XX'"));
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {parameters.aid.temperature: {uniform: [0.1, 200], source: x}}}\n"),
             Catch::Contains("u.yaml:3:") && Catch::Contains("expected a range inside the value's range [1e-06, 100]"));
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {actors.RUS.nuclear: {normal: [0.5, 0], source: x}}}\n"),
             Catch::Contains("expected sd > 0"));
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {actors.RUS.nuclear: {uniform: [0.1, 0.2]}}}\n"),
             Catch::Contains("uncertainty.values.actors.RUS.nuclear.source: missing"));
  CHECK_THAT(errors_of(dir, "uncertainty: {values: {actors.RUS.nuclear: {uniform: [0.1, 0.2], normal: [0.1, 0.1], source: x}}}\n"),
             Catch::Contains("a second distribution"));
  CHECK_THAT(errors_of(dir, "uncertainty: {interests: {concentration: 0, source: x}}\n"),
             Catch::Contains("uncertainty.interests.concentration: found 0; expected a Dirichlet concentration"));
  CHECK_THAT(errors_of(dir, "uncertainty: {interests: {concentration: 5, actors: {RUSS: 3}, source: x}}\n"),
             Catch::Contains("unknown actor 'RUSS' (did you mean 'RUS'?)"));
  // status_quo's first event is in 2006, four steps after the start
  CHECK_THAT(errors_of(dir, "uncertainty: {events: {date_steps: 8, source: x}}\n"),
             Catch::Contains("uncertainty.events.date_steps: found 8; it could move events[0]") &&
                 Catch::Contains("outside the scenario's time span"));
  CHECK_THAT(errors_of(dir, "uncertainty: {events: {size: 1.5, source: x}}\n"), Catch::Contains("uncertainty.events.size"));
}

TEST_CASE("uncertainty: a value an extending file sets is fixed in it, as with --set, unless the file redeclares its distribution") {
  TempDir dir;
  const std::string base = dir.write("base.yaml", with_uncertainty(kBlock));
  const auto variant = [&](const std::string& name, const std::string& body) {
    return compile_text(dir, "extends: " + base + "\nname: " + name + "\n" + body);
  };
  const auto drawn = [](const Scenario& sc) { return uncertainty_names(sc); };
  const auto has = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  const Scenario parent = variant("same", "");
  REQUIRE(has(drawn(parent), "actors.DPRK.stability.repression"));
  // the variant's repression is what every run uses: no longer drawn; the other draws stay, and
  // run r draws them as the base does (common random numbers)
  const Scenario weak = variant("weak", "actors: {DPRK: {stability: {repression: 0.5}}}\n");
  CHECK_FALSE(has(drawn(weak), "actors.DPRK.stability.repression"));
  CHECK(drawn(weak).size() + 1 == drawn(parent).size());
  const int DPRK = weak.actor_index("DPRK"), RUS = weak.actor_index("RUS"), PRC = weak.actor_index("PRC");
  for (std::uint32_t r : {0u, 5u}) {
    const RunState w = started(weak, r), p = started(parent, r);
    CHECK(w.world.repression[DPRK] == 0.5);
    CHECK(w.params.aid.temperature == p.params.aid.temperature);
  }
  // a relation set in the other direction fixes a draw of both directions
  const Scenario rel = variant("rel", "relations: {PRC<->RUS: {rivalry: 0.2}}\n");
  CHECK_FALSE(has(drawn(rel), "relations.RUS<->PRC.rivalry"));
  CHECK(started(rel, 3).world.rivalry(RUS, PRC) == 0.2);
  // a parameter and an income
  const Scenario par = variant("par", "parameters: {aid: {temperature: 0.3}}\nactors: {RUS: {resources: {economic: {income: 2}}}}\n");
  CHECK_FALSE(has(drawn(par), "parameters.aid.temperature"));
  CHECK_FALSE(has(drawn(par), "actors.RUS.resources.economic.income"));
  // a file that sets the value and declares its own distribution keeps a draw, its own
  const Scenario redeclared = variant("re", R"(actors: {DPRK: {stability: {repression: 0.5}}}
uncertainty:
  values:
    actors.DPRK.stability.repression: {uniform: [0.4, 0.6], source: "a test"}
)");
  REQUIRE(has(drawn(redeclared), "actors.DPRK.stability.repression"));
  for (std::uint32_t r : {0u, 1u, 2u}) {
    const double x = started(redeclared, r).world.repression[DPRK];
    CHECK(x >= 0.4);
    CHECK(x <= 0.6);
  }
  // the resolved scenario stored in results files says the same (replay compiles it alone)
  Diagnostics d;
  auto stored = load_scenario(dir.write("weak.yaml", "extends: " + base + "\nname: weak\nactors: {DPRK: {stability: {repression: 0.5}}}\n"), {}, d);
  REQUIRE(stored.has_value());
  auto original = load_scenario(base, {}, d);
  REQUIRE(original.has_value());
  REQUIRE(original->resolved_yaml.find("actors.DPRK.stability.repression") != std::string::npos);
  CHECK(stored->resolved_yaml.find("actors.DPRK.stability.repression") == std::string::npos);
}
