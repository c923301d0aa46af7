#include "engine/step.hpp"

#include "core/parallel.hpp"
#include "models/aid.hpp"
#include "models/brokerage.hpp"
#include "models/domestic.hpp"
#include "models/gestures.hpp"
#include "models/indicators.hpp"
#include "models/leverage.hpp"
#include "models/pressure.hpp"
#include "models/regime.hpp"
#include "models/trade.hpp"
#include "scenario/target_range.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sixparty {

namespace {

double& target_ref(World& w, const EventTarget& t, int i, int j) {
  switch (t.var) {
    case TargetVar::output: return w.output[i];
    case TargetVar::growth: return w.growth[i];
    case TargetVar::need: return w.need[i];
    case TargetVar::autonomy: return w.autonomy[i];
    case TargetVar::alignment: return w.alignment[i];
    case TargetVar::stability: return w.stability[i];
    case TargetVar::repression: return w.repression[i];
    case TargetVar::legitimacy: return w.legitimacy[i];
    case TargetVar::nuclear: return w.nuclear[i];
    case TargetVar::population: return w.population[i];
    case TargetVar::frontier: return w.frontier[i];
    case TargetVar::reform_drive: return w.reform_drive[i];
    case TargetVar::border: return w.border(i, j);
    case TargetVar::collapse: return w.collapsed[i];
    case TargetVar::stock: return w.stock(i, t.r);
    case TargetVar::income: return w.income(i, t.r);
    case TargetVar::spendable: return w.spendable(i, t.r);
    case TargetVar::affinity: return w.affinity_base(i, j);
    case TargetVar::rivalry: return w.rivalry(i, j);
    case TargetVar::commitment: return w.commitment(i, j);
    case TargetVar::subsidy: return w.subsidy(i, j);
    case TargetVar::sanction: return w.sanction_floor(i, j);
    case TargetVar::aid_return: return w.expected_return(i, j);
  }
  return w.output[i];  // unreachable
}

void apply_change(World& w, const EventChange& c, int i, int j) {
  if (c.target.var == TargetVar::stability && w.collapsed[i] > 0) return;  // a fallen regime stays fallen
  double& x = target_ref(w, c.target, i, j);
  const double before = x;
  switch (c.op) {
    case EventOp::set: x = c.value; break;
    case EventOp::scale: x *= c.value; break;
    case EventOp::add: x += c.value; break;
  }
  const auto [lo, hi] = target_range(c.target.var);
  x = std::clamp(x, lo, hi);
  // an event on affinity moves the baseline, and the current value by as much (goodwill and
  // resentment on top of the baseline are kept); one on a sanction moves the floor and lifts
  // the current level to it
  if (c.target.var == TargetVar::affinity) w.affinity(i, j) = std::clamp(w.affinity(i, j) + (x - before), -1.0, 1.0);
  if (c.target.var == TargetVar::sanction) w.sanction(i, j) = std::max(w.sanction(i, j), x);
}

}  // namespace

void apply_events(const Scenario& sc, RunState& s, const Rng& rng) {
  // events are sorted by step; the scan is short (a scenario has tens of events)
  for (const Event& e : sc.events) {
    if (e.step != s.step) continue;
    for (const EventChange& c : e.changes) {
      if (c.op == EventOp::trigger) {
        // a scheduled collapse: consequences use the influence of the step before
        collapse_regime(sc, s, rng, c.target.i);
        continue;
      }
      apply_change(s.world, c, c.target.i, c.target.j);
      if (c.target.both) apply_change(s.world, c, c.target.j, c.target.i);
    }
  }
}

void perceive(const Scenario& sc, RunState& s) {
  trade_potential(sc, s);
  perceive_influence(sc, s);
  compute_leverage(sc, s);
  compute_mediation_market(sc, s);
}

namespace {
void decide_actor(const Scenario& sc, RunState& s, int i) {
  plan_aid(sc, s, i);
  plan_gestures(sc, s, i);
  plan_pressure(sc, s, i);
}
}  // namespace

void decide(const Scenario& sc, RunState& s, const StepOptions& opt) {
  const int n = sc.n();
  if (n >= opt.parallel_actors_from) {
    // each actor writes only its own row of the plans: deterministic for any thread count
    parallel_for(static_cast<std::size_t>(n), 8, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) decide_actor(sc, s, static_cast<int>(i));
    });
  } else {
    for (int i = 0; i < n; ++i) decide_actor(sc, s, i);
  }
}

void interact(const Scenario& sc, RunState& s, const Rng& rng) {
  transfer_aid(sc, s);           // aid and subsidies leave the donors' budgets
  settle_trade(sc, s, rng);      // volumes, propped up by subsidies
  learn_from_aid(sc, s, rng);    // goodwill and learning from what aid bought
  apply_gestures(sc, s);         // symbolic gestures: affinity, visibility, prestige
  trade_mediation(sc, s);        // brokers sell mediation for concessions
  apply_pressure(sc, s);         // sanctions follow the decisions
}

void domestic(const Scenario& sc, RunState& s, const Rng& rng) {
  update_domestic(sc, s, rng);  // budgets, output, stability, collapse
  update_reform(sc, s);
  update_war(sc, s, rng);
}

void score(const Scenario& sc, RunState& s) { score_indicators(sc, s); }

void step(const Scenario& sc, RunState& s, const Rng& rng, const StepOptions& opt) {
  apply_events(sc, s, rng);
  perceive(sc, s);
  decide(sc, s, opt);
  interact(sc, s, rng);
  domestic(sc, s, rng);
  score(sc, s);
  if (opt.check_invariants) check_invariants(sc, s);
  ++s.step;
}

void check_invariants(const Scenario& sc, const RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  auto fail = [&](const std::string& what, int i, double v) {
    throw InvariantViolation("invariant violated at step " + std::to_string(s.step) + " (year " +
                             std::to_string(sc.year(s.step)) + "), actor " + sc.actor_ids[i] + ": " + what +
                             " = " + std::to_string(v));
  };
  for (int i = 0; i < n; ++i) {
    for (int r = 0; r < sc.n_resources(); ++r)
      if (!(w.stock(i, r) >= 0) || !std::isfinite(w.stock(i, r)))
        fail("stock of " + sc.resource_names[r], i, w.stock(i, r));
    if (!(w.stability[i] >= 0 && w.stability[i] <= 1)) fail("stability", i, w.stability[i]);
    if (!std::isfinite(w.output[i]) || !(w.output[i] > 0)) fail("output", i, w.output[i]);
    if (!std::isfinite(s.utility[i])) fail("utility", i, s.utility[i]);
    for (const auto* share : {&w.reform, &w.nuclear, &w.collapsed, &w.war})
      if (!((*share)[i] >= 0 && (*share)[i] <= 1)) fail("a share or flag outside [0, 1]", i, (*share)[i]);
    if (!(w.prestige[i] >= 0) || !std::isfinite(w.prestige[i])) fail("prestige", i, w.prestige[i]);
    for (int j = 0; j < n; ++j) {
      for (const auto* share : {&w.sanction, &w.subsidy, &w.visibility, &w.rivalry, &w.commitment})
        if (!((*share)(i, j) >= 0 && (*share)(i, j) <= 1)) fail("a dyad share outside [0, 1]", i, (*share)(i, j));
      if (!(s.perceived(i, j) >= 0 && s.perceived(i, j) <= 1)) fail("perceived influence", i, s.perceived(i, j));
      for (const auto& flow : s.aid)
        if (!std::isfinite(flow(i, j)) || flow(i, j) < 0) fail("aid", i, flow(i, j));
      if (!(w.expected_return(i, j) >= 0 && w.expected_return(i, j) <= 1)) fail("expected return", i, w.expected_return(i, j));
      if (!(w.affinity(i, j) >= -1 && w.affinity(i, j) <= 1)) fail("affinity", i, w.affinity(i, j));
      if (!std::isfinite(s.trade(i, j)) || s.trade(i, j) < 0) fail("trade", i, s.trade(i, j));
    }
  }
}

}  // namespace sixparty
