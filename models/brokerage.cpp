#include "models/brokerage.hpp"

#include "models/gestures.hpp"

#include <algorithm>

namespace sixparty {

namespace {

// each broker sells on its own (broker_competition off; the rule before issue 12, item 2):
// amount(i, k) = rate sum_j P_ij demand_kj willing_ik dt
void independent_offers(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  // scratch(i, k) = sum_j perceived(i, j) demand(k, j); j = i adds nothing (perceived(i, i) = 0),
  // nor j = k (demand(k, k) = 0)
  s.scratch.noalias() = s.perceived.lazyProduct(s.demand.transpose());
  for (int k = 0; k < n; ++k) {
    if (w.collapsed[k] > 0) continue;
    for (int i = 0; i < n; ++i)
      if (i != k && w.collapsed[i] == 0) s.brokerage(i, k) = s.params.brokerage.rate * s.scratch(i, k) * s.willing(i, k) * sc.dt;
  }
}

// brokers compete for each buyer's demand over each client (issue 12, item 2). For buyer k and
// client j, broker i can deliver e_i = P_ij willing_ik; the mediation k can buy works with
// probability Q = 1 - prod_i (1 - e_i) (brokers are substitutes: a second one adds less than it
// would alone); k spends rate demand_kj Q dt on it, nothing when no willing broker has influence,
// and the spending splits across brokers in proportion to e_i. With one broker this is the
// independent rule.
void competing_offers(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  const double rate = s.params.brokerage.rate * sc.dt;
  for (int k = 0; k < n; ++k) {
    if (w.collapsed[k] > 0) continue;
    for (int j = 0; j < n; ++j) {
      const double worry = s.demand(k, j);
      if (j == k || worry <= 0) continue;
      double none = 1, offered = 0;  // prod (1 - e_i), sum e_i
      for (int i = 0; i < n; ++i) {
        if (i == k || i == j || w.collapsed[i] > 0) continue;
        const double e = s.perceived(i, j) * s.willing(i, k);
        none *= 1.0 - e;
        offered += e;
      }
      if (offered <= 0) continue;
      const double per_unit = rate * worry * (1.0 - none) / offered;
      for (int i = 0; i < n; ++i) {
        if (i == k || i == j || w.collapsed[i] > 0) continue;
        s.brokerage(i, k) += per_unit * s.perceived(i, j) * s.willing(i, k);
      }
    }
  }
}

}  // namespace

void trade_mediation(const Scenario& sc, RunState& s) {
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  s.brokerage.setZero();
  if (sc.diplomatic < 0 || !sc.on(Mechanism::brokerage)) return;
  const bool relations = sc.on(Mechanism::relation_dynamics);
  const int d = sc.diplomatic;
  if (sc.on(Mechanism::broker_competition))
    competing_offers(sc, s);
  else
    independent_offers(sc, s);
  // s.brokerage(i, k) holds what k would pay i this step; k pays out of its spendable budget,
  // scaled down pro rata if short
  for (int k = 0; k < n; ++k) {  // buyer
    if (w.collapsed[k] > 0) continue;
    double wanted = 0;
    for (int i = 0; i < n; ++i) wanted += s.brokerage(i, k);
    const double can_pay = w.spendable(k, d) * w.stock(k, d) * dt;
    const double scale = wanted > can_pay && wanted > 0 ? can_pay / wanted : 1.0;
    for (int i = 0; i < n; ++i) {
      const double x = s.brokerage(i, k) * scale;
      w.stock(k, d) -= x;
      w.stock(i, d) += x;
      w.prestige[i] += x;
      if (x > 0 && relations) w.affinity(k, i) = std::min(1.0, w.affinity(k, i) + 0.1 * x / std::max(1e-9, w.stock0(k, d) + w.income(k, d)));
      s.brokerage(i, k) = x / dt;
    }
  }
}

}  // namespace sixparty
