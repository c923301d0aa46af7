#include "models/brokerage.hpp"

#include "models/gestures.hpp"

#include <algorithm>

namespace sixparty {

void trade_mediation(const Scenario& sc, RunState& s) {
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  s.brokerage.setZero();
  if (sc.diplomatic < 0 || !sc.on(Mechanism::brokerage)) return;
  const bool relations = sc.on(Mechanism::relation_dynamics);
  const int d = sc.diplomatic;
  // scratch(i, k) = sum_j perceived(i, j) demand(k, j); j = i adds nothing (perceived(i, i) = 0),
  // nor j = k (demand(k, k) = 0)
  s.scratch.noalias() = s.perceived.lazyProduct(s.demand.transpose());
  for (int k = 0; k < n; ++k) {  // buyer
    if (w.collapsed[k] > 0) continue;
    double wanted = 0;
    for (int i = 0; i < n; ++i) {
      if (i == k || w.collapsed[i] > 0) continue;
      const double offer = s.params.brokerage.rate * s.scratch(i, k) * s.willing(i, k) * dt;
      s.brokerage(i, k) = offer;  // amount for now, rate below
      wanted += offer;
    }
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
