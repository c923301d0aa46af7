// direction-of-effect tests for the interaction models on the tiny three-actor world
#include "engine/step.hpp"
#include "models/aid.hpp"
#include "models/trade.hpp"

#include "../test_support.hpp"

using namespace sixparty;
using namespace sixparty::test;

namespace {

double trade_ab(const Scenario& sc) {
  RunState s(sc);
  s.reset(sc, 0);
  perceive(sc, s);
  return s.trade_potential(0, 1);
}

}  // namespace

TEST_CASE("trade: subsidies prop up the volume, ending them lowers it (P1)") {
  TempDir dir;
  // A's aid to B goes 80 % as price subsidies on their trade
  const Scenario with = compile_text(dir, tiny_world("  A->B: {subsidy: 0.8}\n"));
  const Scenario direct = compile_text(dir, tiny_world());
  const Scenario ended = compile_text(dir, tiny_world("  A->B: {subsidy: 0.8}\n"),
                                      {"actors.A.resources.economic.spendable=0"});
  const RunState s = run_to_end(with), d = run_to_end(direct), e = run_to_end(ended);
  CHECK(s.subsidy_flow(0, 1) > 0);
  CHECK(d.subsidy_flow(0, 1) == 0);
  CHECK(e.subsidy_flow(0, 1) == 0);
  // the same aid given as subsidies carries more trade than given directly
  CHECK(s.trade(0, 1) > 1.3 * d.trade(0, 1));
  // when the giver's budget ends, the subsidised volume itself falls, not only the aid
  CHECK(e.trade(0, 1) < 0.8 * s.trade(0, 1));
  CHECK(s.adequacy[1] > e.adequacy[1]);
}

TEST_CASE("trade: sanctions and hostility cut the volume") {
  TempDir dir;
  const double base = trade_ab(compile_text(dir, tiny_world()));
  CHECK(trade_ab(compile_text(dir, tiny_world("  A->B: {sanction: 0.8}\n"))) == Approx(0.2 * base));
  CHECK(trade_ab(compile_text(dir, tiny_world("  B<->A: {affinity: -0.5}\n"))) < base);
}

TEST_CASE("trade: a faster-growing partner's share of a third actor's trade rises over time (issue 13)") {
  TempDir dir;
  // C grows 8 % a year, B not at all: C's share of A's trade rises; with C as static as B it does not
  const Scenario fast = compile_text(dir, tiny_world(), {"actors.C.growth=0.08", "parameters.trade.noise_sd=0"});
  const Scenario slow = compile_text(dir, tiny_world(), {"actors.C.growth=0", "parameters.trade.noise_sd=0"});
  auto share_c = [](const RunState& s) { return s.trade(0, 2) / (s.trade(0, 1) + s.trade(0, 2)); };
  RunState f(fast);
  f.reset(fast, 0);
  const Rng rng(1);
  StepOptions opt;
  step(fast, f, rng, opt);
  const double first = share_c(f);
  while (f.step < fast.steps) step(fast, f, rng, opt);
  const RunState s = run_to_end(slow);
  CHECK(share_c(f) > first + 0.02);
  CHECK(share_c(f) > share_c(s) + 0.02);
}

TEST_CASE("aid: transfers are conserved and never overdraw a budget") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  RunState s(sc);
  s.reset(sc, 0);
  const Rng rng(3);
  for (int t = 0; t < 8; ++t) {
    const double before = s.world.stock(0, 0);
    apply_events(sc, s, rng);
    perceive(sc, s);
    decide(sc, s, Rng(1), {});
    const double planned = s.aid_plan[0].row(0).sum();
    CHECK(planned <= sc.initial.spendable(0, 0) * before * sc.dt + 1e-12);
    interact(sc, s, rng);
    // what left A's budget is exactly what its partners received, directly or as subsidies
    CHECK(before - s.world.stock(0, 0) ==
          Approx((s.aid[0].row(0).sum() + s.subsidy_flow.row(0).sum()) * sc.dt).epsilon(1e-12));
    domestic(sc, s, rng);
    score(sc, s);
    ++s.step;
    CHECK(s.world.stock(0, 0) >= 0);
  }
}

TEST_CASE("aid: the client gets most of the patron's aid and gains stability") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  const RunState s = run_to_end(sc);
  CHECK(s.aid[0](0, 1) > 5 * s.aid[0](0, 2));
  const Scenario no_aid = compile_text(dir, tiny_world(), {"actors.A.resources.economic.spendable=0"});
  const RunState s0 = run_to_end(no_aid);
  CHECK(s.world.stability[1] > s0.world.stability[1]);
  CHECK(s.adequacy[1] > s0.adequacy[1]);
  // and the client's affinity to its donor rises above its baseline
  CHECK(s.world.affinity(1, 0) > s0.world.affinity(1, 0));
}

TEST_CASE("aid: a donor whose aid buys nothing learns it and gives less (P3)") {
  TempDir dir;
  // B's autonomy 1: dependence never becomes compliance; the donor starts optimistic
  const Scenario sc = compile_text(dir, tiny_world("  A->B: {aid_return: 0.9}\n"), {"actors.B.autonomy=1.0"});
  RunState s(sc);
  s.reset(sc, 0);
  const Rng rng(5);
  std::vector<double> share, expected;
  for (int t = 0; t < sc.steps; ++t) {
    step(sc, s, rng);
    share.push_back(s.aid[0](0, 1) / std::max(1e-12, s.aid[0].row(0).sum() + 1e-12));
    expected.push_back(s.world.expected_return(0, 1));
  }
  CHECK(expected.back() < 0.3);
  CHECK(expected.back() < expected.front());
  // less aid to B at the end than at the start, relative to the budget
  CHECK(s.aid[0](0, 1) < 0.5 * sc.initial.spendable(0, 0) * sc.initial.stock(0, 0));
  const Scenario loyal = compile_text(dir, tiny_world("  A->B: {aid_return: 0.9}\n"), {"actors.B.autonomy=0.0"});
  RunState l(loyal);
  l.reset(loyal, 0);
  for (int t = 0; t < loyal.steps; ++t) step(loyal, l, rng);
  CHECK(l.world.expected_return(0, 1) > 0.7);
  CHECK(l.aid[0](0, 1) > s.aid[0](0, 1));
}

TEST_CASE("aid: rivalry deters aid to a rival") {
  TempDir dir;
  const Scenario friendly = compile_text(dir, tiny_world());
  const Scenario rival = compile_text(dir, tiny_world("  B<->A: {rivalry: 0.9, affinity: -0.5}\n"));
  CHECK(run_to_end(rival).aid[0](0, 1) < 0.5 * run_to_end(friendly).aid[0](0, 1));
}

TEST_CASE("domestic: a shortfall lowers stability and can bring collapse") {
  TempDir dir;
  const Scenario poor = compile_text(dir, tiny_world(), {"actors.B.need=60", "actors.A.resources.economic.spendable=0",
                                                         "actors.B.stability.repression=0"});
  int collapsed = 0;
  for (std::uint32_t r = 0; r < 50; ++r) {
    const RunState s = run_to_end(poor, 11, r);
    CHECK(s.world.stability[1] < 0.5);
    if (s.world.collapsed[1] > 0) {
      ++collapsed;
      CHECK(s.world.collapse_year[1] >= 2000);
      CHECK(s.world.collapse_year[1] <= 2010);
      CHECK(s.world.stability[1] == 0);
    }
  }
  CHECK(collapsed > 0);
  const Scenario rich = compile_text(dir, tiny_world(), {"actors.B.need=10"});
  CHECK(run_to_end(rich).world.stability[1] > 0.8);
}

TEST_CASE("events change the state at their step") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world() + R"(events:
  - {at: 2001, set: {actors.A.resources.economic.income: 0}, shock: {B: -0.3}}
  - {at: 2002, add: {relations.A<->B.rivalry: 0.5}}
mechanisms: {relation_memory: off}  # rivalry by this event only
)");
  RunState s(sc);
  s.reset(sc, 0);
  const Rng rng(1);
  for (int t = 0; t < 4; ++t) step(sc, s, rng);
  const double before = s.world.stability[1];
  apply_events(sc, s, rng);
  CHECK(s.world.income(0, 0) == 0);
  CHECK(s.world.stability[1] == Approx(std::max(0.0, before - 0.3)));
  for (int t = 4; t < 8; ++t) step(sc, s, rng);
  apply_events(sc, s, rng);
  CHECK(s.world.rivalry(0, 1) == 0.5);
  CHECK(s.world.rivalry(1, 0) == 0.5);
}

TEST_CASE("an event's size scales its changes: add and shock values times size, a scale to the power size (issue 16)") {
  TempDir dir;
  const auto world = [&](const std::string& size) {
    return compile_text(dir, tiny_world() + "events:\n  - {at: 2001" + size +
                                 ", add: {relations.A<->B.rivalry: 0.2}, shock: {B: -0.1}, "
                                 "scale: {actors.A.resources.economic.income: 0.5}}\nmechanisms: {relation_memory: off}\n");
  };
  const auto after_event = [](const Scenario& sc) {
    RunState s(sc);
    s.reset(sc, 0);
    const Rng rng(1);
    for (int t = 0; t < 4; ++t) step(sc, s, rng);
    const double before = s.world.stability[1], income = s.world.income(0, 0);
    apply_events(sc, s, rng);
    return std::array<double, 3>{s.world.rivalry(0, 1), before - s.world.stability[1], s.world.income(0, 0) / income};
  };
  const auto one = after_event(world("")), two = after_event(world(", size: 2")), none = after_event(world(", size: 0"));
  CHECK(one[0] == Approx(0.2));
  CHECK(two[0] == Approx(0.4));
  CHECK(two[1] == Approx(2 * one[1]));
  CHECK(one[2] == Approx(0.5));
  CHECK(two[2] == Approx(0.25));  // 0.5 squared: a scale's size is its logarithm
  CHECK(none[0] == 0);
  CHECK(none[1] == 0);
  CHECK(none[2] == Approx(1));
}
