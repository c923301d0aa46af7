// events: the scheduled exogenous changes of a step (the first stage of step())
#include "engine/step.hpp"

#include "models/regime.hpp"
#include "scenario/target_range.hpp"

#include <algorithm>
#include <cmath>

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
    case TargetVar::war_abroad: return w.war_abroad[i];
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

}  // namespace

void apply_event_change(World& w, const EventChange& c, int i, int j) {
  if (c.target.var == TargetVar::stability && w.collapsed[i] > 0) return;  // a fallen regime stays fallen
  double& x = target_ref(w, c.target, i, j);
  const double before = x;
  switch (c.op) {
    case EventOp::set: x = c.value; break;
    case EventOp::scale: x *= c.value; break;
    case EventOp::add: x += c.value; break;
    case EventOp::trigger: break;  // a collapse, applied by apply_events, not a value change
  }
  const auto [lo, hi] = target_range(c.target.var);
  x = std::clamp(x, lo, hi);
  // an event on affinity moves the baseline, and the current value by as much (goodwill and
  // resentment on top of the baseline are kept); one on a sanction moves the floor and lifts
  // the current level to it
  if (c.target.var == TargetVar::affinity) w.affinity(i, j) = std::clamp(w.affinity(i, j) + (x - before), -1.0, 1.0);
  if (c.target.var == TargetVar::sanction) w.sanction(i, j) = std::max(w.sanction(i, j), x);
}

void apply_events(const Scenario& sc, RunState& s, const Rng& rng) {
  // events are sorted by step; the scan is short (a scenario has tens of events)
  // this run's steps and sizes (engine/uncertainty.cpp; the scenario's when nothing is uncertain)
  for (std::size_t k = 0; k < sc.events.size(); ++k) {
    const Event& e = sc.events[k];
    if (s.event_step[k] != s.step) continue;
    const double f = s.event_factor[k];
    for (EventChange c : e.changes) {
      // a jittered size: set and add values times f; a scale factor x to the power f (a scale is
      // multiplicative, so its size is log x: 0.05 becomes 0.037-0.067 for f in [0.9, 1.1],
      // never negative)
      if (f != 1.0) c.value = c.op == EventOp::scale ? std::pow(c.value, f) : c.value * f;
      if (c.op == EventOp::trigger) {
        // a scheduled collapse: consequences use the influence of the step before
        collapse_regime(sc, s, rng, c.target.i);
        continue;
      }
      apply_event_change(s.world, c, c.target.i, c.target.j);
      if (c.target.both) apply_event_change(s.world, c, c.target.j, c.target.i);
    }
  }
}

}  // namespace sixparty
