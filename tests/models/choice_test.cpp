// decisions (models/choice): sampled allocations are whole acts drawn from the logit, unbiased
// for the expected shares; expected decisions are the shares themselves; the option is validated,
// and values fixed on the command line leave the uncertain inputs
#include "engine/step.hpp"
#include "models/choice.hpp"

#include "../test_support.hpp"

#include <algorithm>
#include <cmath>

using namespace sixparty;
using namespace sixparty::test;

namespace {

// the weights of a row: keep 1, partners B 2 and C 1 (A cannot give to itself)
void fill(Eigen::MatrixXd& plan, int n) {
  plan = Eigen::MatrixXd::Zero(n, n);
  plan(0, 1) = 2.0;
  plan(0, 2) = 1.0;
}

constexpr double kKeep = 1.0, kTotal = 4.0, kBudget = 8.0;

RunState at_step(const Scenario& sc, std::uint32_t run, int step) {
  RunState s(sc);
  s.reset(sc, run);
  s.step = step;
  return s;
}

}  // namespace

TEST_CASE("choice: expected decisions are the logit shares of the budget") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world("run: {decisions: expected}\n"));
  REQUIRE(sc.decisions == Decisions::expected);
  const RunState s = at_step(sc, 0, 0);
  Eigen::MatrixXd plan;
  fill(plan, sc.n());
  allocate_budget(sc, s, Rng(1), plan, 0, kKeep, kTotal, kBudget, 0);
  CHECK(plan(0, 0) == 0.0);
  CHECK(plan(0, 1) == kBudget * 2.0 / kTotal);
  CHECK(plan(0, 2) == kBudget * 1.0 / kTotal);
  CHECK(choose_sanction(sc, s, Rng(1), 0, 1, 0.37) == 0.37);
}

TEST_CASE("choice: sampled decisions are whole acts, reproducible, varying by run and step, and unbiased") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());  // the default
  REQUIRE(sc.decisions == Decisions::sampled);
  // 4 steps a year: round(12 / 4) = 3 acts a step
  REQUIRE(decision_acts(sc, at_step(sc, 0, 0)) == 3);
  const Scenario many = compile_text(dir, tiny_world("parameters: {decision: {acts_per_year: 400}}\n"));
  const int acts = decision_acts(many, at_step(many, 0, 0));
  REQUIRE(acts == 100);
  const Scenario one = compile_text(dir, tiny_world("parameters: {decision: {acts_per_year: 1}}\n"));
  CHECK(decision_acts(one, at_step(one, 0, 0)) == 1);  // at least one act a step

  const Rng rng(7);
  Eigen::MatrixXd plan;
  double sum_b = 0, sum_c = 0, sum_b2 = 0;
  int differ_run = 0, differ_step = 0;
  const int n = 2000;
  for (int r = 0; r < n; ++r) {
    const RunState s = at_step(many, static_cast<std::uint32_t>(r), 5);
    fill(plan, many.n());
    allocate_budget(many, s, rng, plan, 0, kKeep, kTotal, kBudget, 0);
    const double b = plan(0, 1), c = plan(0, 2);
    // every amount is a whole number of acts, and what is given never exceeds the budget
    CHECK(std::abs(b * acts / kBudget - std::round(b * acts / kBudget)) < 1e-9);
    CHECK(std::abs(c * acts / kBudget - std::round(c * acts / kBudget)) < 1e-9);
    CHECK(plan(0, 0) == 0.0);
    CHECK(b + c <= kBudget + 1e-12);
    sum_b += b;
    sum_c += c;
    sum_b2 += b * b;
    // the same coordinates give the same draw
    Eigen::MatrixXd again;
    fill(again, many.n());
    allocate_budget(many, s, rng, again, 0, kKeep, kTotal, kBudget, 0);
    CHECK(again == plan);
    // another run, another step or another channel draws anew
    Eigen::MatrixXd other;
    fill(other, many.n());
    allocate_budget(many, at_step(many, static_cast<std::uint32_t>(r + n), 5), rng, other, 0, kKeep, kTotal, kBudget, 0);
    differ_run += other != plan;
    fill(other, many.n());
    allocate_budget(many, at_step(many, static_cast<std::uint32_t>(r), 6), rng, other, 0, kKeep, kTotal, kBudget, 0);
    differ_step += other != plan;
  }
  CHECK(differ_run > n / 2);
  CHECK(differ_step > n / 2);
  // E[b] = 8 * 2/4 = 4, sd of one draw = 8 sqrt(0.5 * 0.5 / 100) = 0.4: the mean of 2000 has sd 0.009
  const double mean_b = sum_b / n, mean_c = sum_c / n;
  CHECK(mean_b == Approx(4.0).margin(0.04));
  CHECK(mean_c == Approx(2.0).margin(0.04));
  CHECK(std::sqrt(sum_b2 / n - mean_b * mean_b) == Approx(0.4).epsilon(0.1));
}

TEST_CASE("choice: a partner with no weight is never chosen, and all-keep gives nothing") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world("parameters: {decision: {acts_per_year: 400}}\n"));
  const Rng rng(3);
  double to_c = 0;
  for (std::uint32_t r = 0; r < 200; ++r) {
    Eigen::MatrixXd plan = Eigen::MatrixXd::Zero(sc.n(), sc.n());
    plan(0, 2) = 1e-300;  // a tiny weight still only goes where it is positive
    allocate_budget(sc, at_step(sc, r, 0), rng, plan, 0, 1.0, 1.0 + 1e-300, kBudget, 1);
    CHECK(plan(0, 1) == 0.0);
    // keep and C weigh 1 each, A itself and B 0: half the acts go to C, none to A or B
    Eigen::MatrixXd half = Eigen::MatrixXd::Zero(sc.n(), sc.n());
    half(0, 2) = 1.0;
    allocate_budget(sc, at_step(sc, r, 0), rng, half, 0, 1.0, 2.0, kBudget, 1);
    CHECK(half(0, 0) == 0.0);
    CHECK(half(0, 1) == 0.0);
    to_c += half(0, 2);
    Eigen::MatrixXd none = Eigen::MatrixXd::Zero(sc.n(), sc.n());
    allocate_budget(sc, at_step(sc, r, 0), rng, none, 0, 1.0, 1.0, kBudget, 1);
    CHECK(none.isZero());
  }
  // 200 draws of 100 acts at p = 1/2: the mean share has sd 0.0035
  CHECK(to_c / 200 == Approx(kBudget / 2).epsilon(0.03));
}

TEST_CASE("choice: a sampled sanction is a share of reviews whose mean is the logistic probability") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world("parameters: {decision: {acts_per_year: 40}}\n"));
  const int acts = decision_acts(sc, at_step(sc, 0, 0));
  REQUIRE(acts == 10);
  const Rng rng(11);
  double sum = 0;
  const int n = 4000;
  for (int r = 0; r < n; ++r) {
    const double x = choose_sanction(sc, at_step(sc, static_cast<std::uint32_t>(r), 2), rng, 0, 1, 0.3);
    CHECK(x >= 0.0);
    CHECK(x <= 1.0);
    CHECK(std::abs(x * acts - std::round(x * acts)) < 1e-9);
    sum += x;
  }
  // sd of one draw sqrt(0.3 * 0.7 / 10) = 0.145; of the mean of 4000, 0.0023
  CHECK(sum / n == Approx(0.3).margin(0.01));
  CHECK(choose_sanction(sc, at_step(sc, 0, 2), rng, 0, 1, 0.0) == 0.0);
  CHECK(choose_sanction(sc, at_step(sc, 0, 2), rng, 0, 1, 1.0) == 1.0);
}

TEST_CASE("choice: sampled runs with equal inputs act differently, expected runs do not") {
  TempDir dir;
  const Scenario sampled = compile_text(dir, tiny_world());
  const Scenario expected = compile_text(dir, tiny_world(), {"run.decisions=expected"});
  REQUIRE(expected.decisions == Decisions::expected);
  const RunState s0 = run_to_end(sampled, 0), s1 = run_to_end(sampled, 1);
  const RunState e0 = run_to_end(expected, 0), e1 = run_to_end(expected, 1);
  // B's affinity toward A moves only by A's aid and gestures (the tiny world's noise is on trade)
  const int A = sampled.actor_index("A"), B = sampled.actor_index("B");
  CHECK(s0.world.affinity(B, A) != s1.world.affinity(B, A));
  CHECK(e0.world.affinity(B, A) == e1.world.affinity(B, A));
}

TEST_CASE("choice: run.decisions is validated with its location") {
  TempDir dir;
  Diagnostics d;
  CHECK_FALSE(load_scenario(dir.write("d.yaml", tiny_world("run: {decisions: expectd}\n")), {}, d).has_value());
  CHECK_THAT(d.format(), Catch::Contains("d.yaml:") && Catch::Contains("run.decisions") &&
                             Catch::Contains("did you mean 'expected'") && Catch::Contains("expected one of: sampled, expected"));
  Diagnostics e;
  CHECK_FALSE(load_scenario(dir.write("e.yaml", tiny_world()), {"run.decisions=maybe"}, e).has_value());
  CHECK_THAT(e.format(), Catch::Contains("run.decisions"));
}

TEST_CASE("choice: a value set on the command line is no longer drawn") {
  TempDir dir;
  Diagnostics d;
  const auto declared = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {}, d);
  REQUIRE(declared.has_value());
  const auto names = uncertainty_names(*declared);
  auto has = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  REQUIRE(has(names, "parameters.aid.temperature"));
  const auto fixed = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {"parameters.aid.temperature=0.3"}, d);
  REQUIRE(fixed.has_value());
  const auto left = uncertainty_names(*fixed);
  CHECK_FALSE(has(left, "parameters.aid.temperature"));
  CHECK(left.size() + 1 == names.size());
  // every run now uses the set value
  RunState s(*fixed);
  s.reset(*fixed, 3);
  draw_inputs(*fixed, s, Rng(fixed->seed));
  CHECK(s.params.aid.temperature == 0.3);
  // a pair declared as RUS<->USA is fixed when set as USA<->RUS
  const auto rel = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {"relations.USA<->RUS.rivalry=0.5"}, d);
  REQUIRE(rel.has_value());
  CHECK(uncertainty_names(*rel).size() + 1 == names.size());
  INFO(d.format());
}

TEST_CASE("choice: a file that extends another may redeclare an uncertain value with another distribution") {
  TempDir dir;
  const std::string base = dir.write("base.yaml", tiny_world(R"(uncertainty:
  values:
    parameters.aid.temperature: {uniform: [0.1, 0.2], source: "base"}
)"));
  const Scenario sc = compile_text(dir, "extends: " + base + R"(
uncertainty:
  values:
    parameters.aid.temperature: {log_uniform: [0.3, 0.5], source: "overlay"}
)");
  for (std::uint32_t r = 0; r < 50; ++r) {
    RunState s(sc);
    s.reset(sc, r);
    draw_inputs(sc, s, Rng(sc.seed));
    CHECK(s.params.aid.temperature >= 0.3);
    CHECK(s.params.aid.temperature <= 0.5);
  }
}

TEST_CASE("choice: a jittered scale event stays a scale (x to the power of the size factor, never negative)") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world(R"(events:
  - {at: 2002, name: "cut", scale: {actors.A.resources.economic.income: 0.05}}
uncertainty:
  events: {size: 0.99, source: "a test"}
)"));
  const int A = sc.actor_index("A"), e = sc.economic;
  double lowest = 1e9;
  for (std::uint32_t r = 0; r < 100; ++r) {
    const RunState s = run_to_end(sc, r);
    const double income = s.world.income(A, e);
    CHECK(income > 0.0);
    CHECK(income == Approx(5.0 * std::pow(0.05, s.event_factor[0])).epsilon(1e-12));
    lowest = std::min(lowest, income);
  }
  CHECK(lowest < 5.0 * 0.05);  // some runs cut harder than written
}
