#include "models/gestures.hpp"

#include "models/choice.hpp"
#include "models/interests.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

namespace {
constexpr double kCostFloor = 0.05;  // as for aid: a unit of diplomatic capital always costs something
}

void compute_mediation_market(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  for (int k = 0; k < n; ++k) {
    const double w_np = interest(sc, s, k, Indicator::nonproliferation);
    const double w_sec = interest(sc, s, k, Indicator::security);
    for (int j = 0; j < n; ++j) s.demand(k, j) = k == j ? 0.0 : w_np * w.nuclear[j] + w_sec * w.rivalry(k, j);
  }
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) s.willing(i, k) = i == k ? 0.0 : (1.0 - w.rivalry(i, k)) * 0.5 * (1.0 + w.affinity(k, i));
  // products without temporaries: lazyProduct never allocates
  s.market.noalias() = s.willing.lazyProduct(s.demand);
  s.counterweight.noalias() = s.dependence.transpose().lazyProduct(w.rivalry);
  // adversaries i and j share: k counts for each by its net hostility toward k, its rivalry with k
  // beyond its standing friendship (an actor that seeks k's friendship does not balance against
  // it); none between rivals. hostility(i, i) = 0 (no rivalry with oneself), so the k = i and
  // k = j terms of (H H^T)(i, j) vanish and the product is the sum over third actors. Only
  // soft balancing reads it: without it the n^3 product is skipped
  if (!sc.on(Mechanism::soft_balancing) || !(s.params.gesture.balancing_value > 0)) {
    s.shared_rivals.setZero();
    return;
  }
  s.hostility = (w.rivalry - w.affinity_base.cwiseMax(0.0)).cwiseMax(0.0);
  s.shared_rivals.noalias() = s.hostility.lazyProduct(s.hostility.transpose());
  s.shared_rivals.array() *= 1.0 - w.rivalry.array();
  s.shared_rivals.diagonal().setZero();
}

void plan_gestures(const Scenario& sc, RunState& s, const Rng& rng, int i) {
  const auto& p = s.params.gesture;
  const World& w = s.world;
  const int n = sc.n();
  for (int j = 0; j < n; ++j) s.gesture_plan(i, j) = 0;
  if (sc.diplomatic < 0 || w.collapsed[i] > 0 || !sc.on(Mechanism::gestures)) return;
  const int d = sc.diplomatic;
  const bool null_model = !sc.on(Mechanism::motives);
  const double balancing = sc.on(Mechanism::balancing) ? 1.0 : 0.0;
  const double lambda = sc.on(Mechanism::marginal_courtship) ? p.marginal_weight : 0.0;
  const double soft = sc.on(Mechanism::soft_balancing) ? p.balancing_value : 0.0;
  const bool commitments = sc.on(Mechanism::commitments);
  const double budget = w.spendable(i, d) * w.stock(i, d) * sc.dt;
  if (!(budget > 0)) return;
  const double D = diplomatic_scale(sc, w, i);
  const double w_status = interest(sc, s, i, Indicator::status);
  const double w_inf = interest(sc, s, i, Indicator::influence);
  const double w_sec = interest(sc, s, i, Indicator::security);
  // positional status: a unit of capital costs every actor the same (its value per unit of its
  // diplomatic scale), and the status motive is the marginal effect of a gesture on i's position
  // (it raises both sides' prestige, so courting a rival helps i less); otherwise the rule before
  // issue 12 item 4: the capital spent is status lost, plus a floor
  const bool positional = sc.on(Mechanism::positional_status);
  const double cost = positional ? p.capital_cost / D : (w_status + kCostFloor) / D;
  double R = 0, S = 0;
  if (positional) {
    R = recognition(sc, w, i);
    S = status_field(sc, s, i);
  }
  double best = 0;
  for (int j = 0; j < n; ++j) {
    if (j == i || w.collapsed[j] > 0) continue;
    // the k = j term of market(i, j) is zero: demand(j, j) = 0; the q = i and q = j terms of
    // counterweight(i, j) are zero: dependence(i, i) = 0 and rivalry(j, j) = 0
    const double demand = s.market(i, j);
    const double counterweight = s.counterweight(i, j);
    // what one more unit of visibility adds to i's share of j's courtship (its derivative: 1 for
    // the first suitor of an uncourted receiver, less as i's share grows), weighted by lambda =
    // gesture.marginal_weight (1 by default) against valuing every unit as the first (lambda = 0
    // or marginal_courtship off: the rule before issue 12)
    double share = 1.0, swayed = 1.0;
    if (lambda > 0) {
      const double courted = s.courted[j];
      const double d = (courted - w.visibility(i, j)) / (courted * courted);
      share = 1.0 - lambda + lambda * d;
      swayed = 1.0 - lambda + lambda * (1.0 - s.influence(i, j)) * d;  // perceived influence moves only where actual influence does not reach
    }
    // soft balancing: courting j, which shares i's adversaries, is worth what an alliance between
    // them would do for i's security; an alliance either way already does it (hard balancing).
    // Its value is the pair's alignment, not i's share of j's attention, so the courtship
    // derivative (share) does not weigh it: others courting j do not make j a worse partner
    // against a shared adversary
    const double hard = commitments ? std::max(w.commitment(i, j), w.commitment(j, i)) : 0.0;
    const double shared = soft > 0 ? soft * s.shared_rivals(i, j) * (1.0 - std::min(1.0, hard)) : 0.0;
    // the giver's standing attitude (baseline affinity), so that gestures do not feed on themselves
    const double status = positional ? status_margin(s, i, j, R, S) : p.prestige_gain / D;
    const double benefit = 0.5 * (1.0 + w.affinity_base(i, j)) *
                           (w_status * status + w_inf * p.visibility_gain * demand * swayed / D +
                            balancing * w_sec * s.params.leverage.value * counterweight * share / D +
                            w_sec * shared / D);
    const double ratio = null_model ? 0.0 : benefit / cost - 1.0;
    s.gesture_plan(i, j) = ratio;
    best = std::max(best, ratio);
  }
  const double keep = std::exp(-best / p.temperature);
  double total = keep;
  for (int j = 0; j < n; ++j) {
    if (j == i || w.collapsed[j] > 0) continue;
    s.gesture_plan(i, j) = std::exp((s.gesture_plan(i, j) - best) / p.temperature);
    total += s.gesture_plan(i, j);
  }
  // channel n_resources: no resource's aid uses it
  allocate_budget(sc, s, rng, s.gesture_plan, i, keep, total, budget, static_cast<std::uint32_t>(sc.n_resources()));
}

void apply_gestures(const Scenario& sc, RunState& s) {
  const auto& p = s.params.gesture;
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  if (sc.diplomatic < 0) return;
  const int d = sc.diplomatic;
  // fade first, then add this step's gestures
  const double keep_v = std::max(0.0, 1.0 - p.visibility_decay * dt);
  const double keep_p = std::max(0.0, 1.0 - p.prestige_decay * dt);
  w.visibility *= keep_v;
  w.prestige *= keep_p;
  const bool relations = sc.on(Mechanism::relation_dynamics);
  for (int i = 0; i < n; ++i) {
    const double Di = diplomatic_scale(sc, w, i);
    for (int j = 0; j < n; ++j) {
      const double g = std::min(s.gesture_plan(i, j), w.stock(i, d));  // paid from diplomatic capital only
      w.stock(i, d) -= g;
      s.gesture(i, j) = g / dt;
      if (!(g > 0)) continue;
      const double Dj = diplomatic_scale(sc, w, j);
      if (relations) w.affinity(j, i) = std::clamp(w.affinity(j, i) + p.affinity_gain * g / Dj, -1.0, 1.0);
      // courtship is the giver's: i's gifts make i visible as a partner of j, never j's (issue 12)
      w.visibility(i, j) += p.visibility_gain * g / Di;
      w.prestige[i] += p.prestige_gain * g;
      w.prestige[j] += p.prestige_gain * g;
    }
  }
}

}  // namespace sixparty
