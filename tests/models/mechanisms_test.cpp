// every mechanism's switch removes it: one direction test per switch on the shipped scenarios,
// plus the catalogue and the reading of `mechanisms:` (located errors)
#include "scenario/load.hpp"
#include "scenario/mechanisms.hpp"

#include "../test_support.hpp"

#include <set>

using namespace sixparty;
using namespace sixparty::test;

namespace {

std::string scenario_file(const std::string& name) { return source_dir() + "/scenarios/" + name + ".yaml"; }

Scenario load(const std::string& name, const std::vector<std::string>& sets = {}) {
  Diagnostics diags;
  auto sc = load_scenario(scenario_file(name), sets, diags);
  INFO(diags.format());
  REQUIRE(sc.has_value());
  return *sc;
}

Scenario without(const std::string& name, const char* mechanism) {
  return load(name, {std::string("mechanisms.") + mechanism + "=off"});
}

// a run of the historical scenario from its start to `year` (exclusive)
RunState run_until(const Scenario& sc, double year, std::uint32_t run = 0) {
  RunState s(sc);
  const Rng rng(sc.seed);
  StepOptions opt;
  opt.check_invariants = true;
  s.reset(sc, run);
  while (s.step < sc.steps && sc.year(s.step) < year - 1e-9) step(sc, s, rng, opt);
  return s;
}

constexpr int RUS = 0, DPRK = 1, PRC = 2, USA = 3, ROK = 4, JPN = 5;

}  // namespace

TEST_CASE("mechanisms: the catalogue lists each mechanism once, in enum order, with its removal stated") {
  std::set<std::string> names;
  for (std::size_t k = 0; k < kMechanismCount; ++k) {
    const auto& m = mechanism_catalogue()[k];
    CHECK(static_cast<std::size_t>(m.id) == k);
    CHECK(names.insert(m.name).second);
    CHECK(std::string(m.removed).size() > 5);
    CHECK(find_mechanism(m.name) == &m);
  }
  CHECK(find_mechanism("gesture") == nullptr);
  const Scenario sc = load("historical_1980_2005");
  CHECK(sc.mechanisms.all_on());
}

TEST_CASE("mechanisms: a scenario turns one off, a bad value or an unknown name is a located error") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world("mechanisms: {gestures: off, war: true}\n"));
  CHECK_FALSE(sc.on(Mechanism::gestures));
  CHECK(sc.on(Mechanism::war));
  CHECK(sc.on(Mechanism::leverage));

  Diagnostics d1;
  CHECK_FALSE(load_scenario(dir.write("a.yaml", tiny_world("mechanisms: {gestures: maybe}\n")), {}, d1));
  CHECK_THAT(d1.format(), Catch::Contains("a.yaml:28:24") && Catch::Contains("mechanisms.gestures") &&
                              Catch::Contains("expected on or off"));
  Diagnostics d2;
  CHECK_FALSE(load_scenario(dir.write("b.yaml", tiny_world("mechanisms: {gesture: off}\n")), {}, d2));
  CHECK_THAT(d2.format(), Catch::Contains("mechanisms.gesture") && Catch::Contains("did you mean 'gestures'"));
  Diagnostics d3;
  CHECK_FALSE(load_scenario(dir.write("c.yaml", tiny_world("mechanisms: [war]\n")), {}, d3));
  CHECK_THAT(d3.format(), Catch::Contains("expected a map from mechanism to on or off"));
}

TEST_CASE("mechanisms: gestures off: nobody gestures, so no visibility and no perceived influence beyond the actual") {
  const RunState on = run_to_end(load("historical_1980_2005"));
  const RunState off = run_to_end(without("historical_1980_2005", "gestures"));
  CHECK(on.gesture_sum.sum() > 0);
  CHECK(off.gesture_sum.sum() == 0);
  CHECK(off.world.visibility.maxCoeff() == 0);
  CHECK(off.perceived(RUS, DPRK) == Approx(off.influence(RUS, DPRK)));
}

TEST_CASE("mechanisms: balancing off: the DPRK stops courting Moscow as a counterweight to China and Japan, 1980-83 (P6)") {
  // after 1992 soft balancing is a substitute motive for the same courting (the P6 test removes both)
  const RunState on = run_until(load("historical_1980_2005"), 1984);
  const RunState off = run_until(without("historical_1980_2005", "balancing"), 1984);
  CHECK(on.gesture_sum(DPRK, RUS) > 0);
  CHECK(off.gesture_sum(DPRK, RUS) < 0.5 * on.gesture_sum(DPRK, RUS));
}

TEST_CASE("mechanisms: soft_balancing off: Moscow no longer courts Pyongyang once they share an adversary and no alliance (P4b)") {
  // expected decisions: a single run's few sampled acts would make the comparison a lottery
  const RunState on = run_to_end(load("historical_1980_2005", {"run.decisions=expected"}));
  const RunState off = run_to_end(load("historical_1980_2005", {"run.decisions=expected", "mechanisms.soft_balancing=off"}));
  CAPTURE(on.gesture_sum(RUS, DPRK), off.gesture_sum(RUS, DPRK), on.gesture_sum(DPRK, RUS), off.gesture_sum(DPRK, RUS));
  CHECK(off.gesture_sum(RUS, DPRK) < 0.5 * on.gesture_sum(RUS, DPRK));
  CHECK(off.gesture_sum(DPRK, RUS) < on.gesture_sum(DPRK, RUS));
}

TEST_CASE("mechanisms: trade_subsidies off: Soviet subsidies no longer prop up the 1980s trade volume (P1)") {
  const RunState on = run_until(load("historical_1980_2005"), 1989);
  const RunState off = run_until(without("historical_1980_2005", "trade_subsidies"), 1989);
  CHECK(on.subsidy_flow(RUS, DPRK) > 0);
  CHECK(off.subsidy_flow(RUS, DPRK) > 0);  // still paid
  CHECK(off.trade(RUS, DPRK) < 0.6 * on.trade(RUS, DPRK));
}

TEST_CASE("mechanisms: aid_learning off: Moscow's expected return stays at its prior (P3)") {
  const Scenario sc = without("historical_1980_2005", "aid_learning");
  const RunState off = run_until(sc, 2000);
  const RunState on = run_until(load("historical_1980_2005"), 2000);
  CHECK(off.world.expected_return(RUS, DPRK) == sc.initial.expected_return(RUS, DPRK));
  CHECK(on.world.expected_return(RUS, DPRK) < sc.initial.expected_return(RUS, DPRK) - 0.1);
}

TEST_CASE("mechanisms: goodwill off: Soviet aid no longer warms Pyongyang before the 1984 visit") {
  const RunState on = run_until(load("historical_1980_2005"), 1984);
  const RunState off = run_until(without("historical_1980_2005", "goodwill"), 1984);
  CHECK(on.world.affinity(DPRK, RUS) > 0.05);
  CHECK(off.world.affinity(DPRK, RUS) < 0.5 * on.world.affinity(DPRK, RUS));
}

TEST_CASE("mechanisms: relation_dynamics off: affinities change only by events") {
  const Scenario sc = without("historical_1980_2005", "relation_dynamics");
  const RunState s = run_until(sc, 1984);  // before the first event
  CHECK(s.world.affinity == sc.initial.affinity);
  const RunState on = run_until(load("historical_1980_2005"), 1984);
  CHECK(on.world.affinity != sc.initial.affinity);
}

TEST_CASE("mechanisms: exchange off: transfers are one-way") {
  const Scenario sc = load("status_quo");
  std::vector<std::string> sets = {"mechanisms.exchange=off"};
  RunState on(sc), off(sc);
  // exchange happens only where a donor runs short of something the recipient has to spare:
  // summed over a run of the status quo it is positive
  const Scenario sc_off = load("status_quo", sets);
  double with = 0, wout = 0;
  {
    const Rng rng(sc.seed);
    StepOptions opt;
    on.reset(sc, 0);
    off.reset(sc_off, 0);
    for (int k = 0; k < sc.steps; ++k) {
      step(sc, on, rng, opt);
      step(sc_off, off, rng, opt);
      with += on.exchange.sum();
      wout += off.exchange.sum();
    }
  }
  CHECK(with > 0);
  CHECK(wout == 0);
}

TEST_CASE("mechanisms: leverage off: no leverage, and Soviet aid to the DPRK falls (P2)") {
  const RunState on = run_until(load("historical_1980_2005"), 1988);
  const RunState off = run_until(without("historical_1980_2005", "leverage"), 1988);
  CHECK(on.leverage(RUS, DPRK) > 0.2);
  CHECK(off.leverage.maxCoeff() == 0);
  CHECK(off.aid_sum(RUS, DPRK) < 0.7 * on.aid_sum(RUS, DPRK));
}

TEST_CASE("mechanisms: commitments off: the Soviet treaty no longer doubles the DPRK's leverage") {
  // without the war hazard: in this run a Soviet-US war of 1983 (which the US's allies join only
  // with commitments on) would otherwise cost Moscow output and stocks differently in the two runs
  const RunState on = run_until(load("historical_1980_2005", {"mechanisms.war=off"}), 1988);
  const RunState off = run_until(load("historical_1980_2005", {"mechanisms.war=off", "mechanisms.commitments=off"}), 1988);
  CHECK(off.leverage(RUS, DPRK) < 0.75 * on.leverage(RUS, DPRK));
}

TEST_CASE("mechanisms: pressure off: nobody chooses a sanction, so sanctions follow their exogenous floors") {
  const RunState on = run_until(load("historical_1980_2005"), 2000);
  const RunState off = run_until(without("historical_1980_2005", "pressure"), 2000);
  CHECK(off.pressure.maxCoeff() == 0);
  CHECK(off.pressure_target == off.world.sanction_floor);
  // sanctions above a floor only while they adjust down to one an event lowered (the ROK's of 1998)
  CHECK((on.world.sanction - off.world.sanction).minCoeff() >= -1e-12);
  CHECK((on.world.sanction - off.world.sanction).maxCoeff() > 0.1);
}

TEST_CASE("mechanisms: brokerage off: Russia sells no mediation (P5b)") {
  const RunState on = run_until(load("historical_1980_2005"), 2004);
  const RunState off = run_until(without("historical_1980_2005", "brokerage"), 2004);
  CHECK(on.brokerage.row(RUS).sum() > 0);
  CHECK(off.brokerage.maxCoeff() == 0);
}

TEST_CASE("mechanisms: war off: no war starts, even where one started with it on") {
  const Scenario on_sc = load("collapse"), off_sc = without("collapse", "war");
  int wars_on = 0, wars_off = 0;
  for (std::uint32_t r = 0; r < 60; ++r) {
    wars_on += run_to_end(on_sc, r).world.war.maxCoeff() > 0;
    wars_off += run_to_end(off_sc, r).world.war.maxCoeff() > 0;
  }
  CHECK(wars_on > 0);
  CHECK(wars_off == 0);
}

TEST_CASE("mechanisms: war_termination off: wars last to the end of the run, war_costs off: they cost no output (issue 13)") {
  const Scenario on_sc = load("collapse"), lasting = without("collapse", "war_termination"),
                 free = without("collapse", "war_costs");
  int wars = 0, ended = 0, ended_off = 0, costlier = 0, paired = 0;
  for (std::uint32_t r = 0; r < 60; ++r) {
    const RunState on = run_to_end(on_sc, r), off = run_to_end(lasting, r), nf = run_to_end(free, r);
    if (on.world.war_ever[USA] > 0) {
      ++wars;
      ended += std::isfinite(on.world.war_end_year[USA]);
    }
    if (off.world.war_ever[USA] > 0) ended_off += std::isfinite(off.world.war_end_year[USA]) || off.world.war[USA] == 0;
    // the same war in both (same start): with its costs the US ends with less output
    if (on.world.war_ever[USA] > 0 && on.world.war_year[USA] == nf.world.war_year[USA]) {
      ++paired;
      costlier += on.world.output[USA] < nf.world.output[USA];
    }
  }
  CHECK(wars >= 5);
  CHECK(ended > 0);
  CHECK(ended_off == 0);
  CHECK(paired >= 5);
  CHECK(costlier == paired);
}

TEST_CASE("mechanisms: collapse_consequences off: a scheduled collapse sends no refugees and keeps trade") {
  const RunState on = run_to_end(load("collapse"));
  const RunState off = run_to_end(without("collapse", "collapse_consequences"));
  CHECK(on.world.collapsed[DPRK] == 1);
  CHECK(off.world.collapsed[DPRK] == 1);  // the collapse itself is an event
  CHECK(on.world.refugees.sum() > 0);
  CHECK(off.world.refugees.sum() == 0);
  CHECK(off.trade(PRC, DPRK) > 2 * on.trade(PRC, DPRK));
}

TEST_CASE("mechanisms: collapse_hazard off: a regime at zero stability does not fall") {
  TempDir dir;
  const std::string world = tiny_world() + "events:\n  - {at: 2001, shock: {B: -1.0}}\n";
  const std::vector<std::string> weak = {"parameters.stability.hazard_max=52", "parameters.stability.adjustment_rate=0"};
  const Scenario on = compile_text(dir, world, weak);
  std::vector<std::string> off_sets = weak;
  off_sets.push_back("mechanisms.collapse_hazard=off");
  const Scenario off = compile_text(dir, world, off_sets);
  CHECK(run_to_end(on).world.collapsed[1] == 1);
  CHECK(run_to_end(off).world.collapsed[1] == 0);
}

TEST_CASE("mechanisms: reform off: the reform future does not reform") {
  const RunState on = run_to_end(load("reform"));
  const RunState off = run_to_end(without("reform", "reform"));
  CHECK(on.world.reform[DPRK] > 0.1);
  CHECK(off.world.reform[DPRK] == 0);
  CHECK(off.world.output[DPRK] < on.world.output[DPRK]);
}

TEST_CASE("mechanisms: motives off (the null model): every budget is split evenly, every sanction is the background") {
  // the equal split is of the shares; sampled decisions would draw acts from them
  Scenario sc = without("historical_1980_2005", "motives");
  sc.decisions = Decisions::expected;
  const RunState s = run_until(sc, 1990);
  // the Soviet economic budget: the same amount to each of the six partners
  const int e = sc.economic;
  const double first = s.aid_plan[e](RUS, DPRK);
  CHECK(first > 0);
  for (int j : {PRC, USA, ROK, JPN}) CHECK(s.aid_plan[e](RUS, j) == Approx(first).epsilon(1e-12));
  // the same sanction decision toward everyone
  CHECK(s.pressure(USA, DPRK) == Approx(s.pressure(RUS, DPRK)).epsilon(1e-12));
  CHECK(s.pressure(USA, DPRK) < 0.1);
}
