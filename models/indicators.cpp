#include "models/indicators.hpp"

#include "models/interests.hpp"

#include <algorithm>

namespace sixparty {

void perceive_influence(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  const int e = sc.economic;
  for (int j = 0; j < n; ++j) {
    double f = 0;
    for (int k = 0; k < n; ++k) f += s.trade_potential(k, j) + s.subsidy_flow(k, j) + (e >= 0 ? s.aid[e](k, j) : 0.0);
    s.inflow[j] = f;
  }
  // the courtship of each j by everyone: i's visibility toward j is a share of it (1 + total)
  for (int j = 0; j < n; ++j) {
    double courted = 1.0;
    for (int k = 0; k < n; ++k)
      if (k != j) courted += w.visibility(k, j);
    s.courted[j] = courted;
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) {
        s.dependence(i, j) = s.influence(i, j) = s.perceived(i, j) = 0;
        continue;
      }
      const double through = s.trade_potential(i, j) + s.subsidy_flow(i, j) + (e >= 0 ? s.aid[e](i, j) : 0.0);
      s.dependence(i, j) = through / (w.output[j] + s.inflow[j]);
      s.influence(i, j) = (1.0 - w.autonomy[j]) * s.dependence(i, j);
      // what third parties see: actual influence, and of the rest the giver's share of j's courtship
      s.perceived(i, j) = s.influence(i, j) + (1.0 - s.influence(i, j)) * w.visibility(i, j) / s.courted[j];
    }
  }
}

void score_indicators(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  const int D = sc.n_dimensions();
  // a collapsed regime leaves the field its status is measured in (issue 12, item 6)
  const bool gone = sc.on(Mechanism::collapse_consequences);
  const auto counts = [&](int k) { return !(gone && w.collapsed[k] > 0); };
  const bool positional = sc.on(Mechanism::positional_status);
  double status_total = 0;
  if (sc.diplomatic >= 0) {
    status_total = w.stock.col(sc.diplomatic).sum() + w.prestige.sum();
    for (int k = 0; k < n; ++k)
      if (!counts(k)) status_total -= w.stock(k, sc.diplomatic) + w.prestige[k];
  }
  const double stability_total = w.stability.sum();
  const bool any_war = w.war.maxCoeff() > 0;
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < D; ++d) {
      double v = 0;
      switch (sc.indicators[d]) {
        case Indicator::security: {
          if (sc.military < 0 || n < 2) {
            v = 1;
            break;
          }
          double threat = 0;
          double mi = w.stock(i, sc.military);
          for (int k = 0; k < n; ++k)
            if (k != i && sc.on(Mechanism::commitments)) mi += w.commitment(k, i) * w.stock(k, sc.military);
          for (int j = 0; j < n; ++j) {
            if (j == i) continue;
            const double mj = w.stock(j, sc.military);
            threat += w.rivalry(i, j) * mj / (mi + mj + 1e-12);
          }
          v = (1.0 - threat / (n - 1)) * (w.war[i] > 0 ? 0.5 : 1.0);
          break;
        }
        case Indicator::economy:
          v = s.adequacy[i] / (1.0 + s.adequacy[i]);
          break;
        case Indicator::status:
          if (!counts(i)) v = 0;
          else if (positional && sc.diplomatic >= 0) {
            const double r = recognition(sc, w, i);
            v = r / (r + status_field(sc, s, i));
          } else v = (sc.diplomatic >= 0 && status_total > 0) ? (w.stock(i, sc.diplomatic) + w.prestige[i]) / status_total : 1.0 / n;
          break;
        case Indicator::regional_stability:
          v = n > 1 ? (stability_total - w.stability[i]) / (n - 1) : w.stability[i];
          v *= 1.0 - std::min(1.0, s.params.refugees.burden_weight * w.refugees[i] / w.frontier[i]);
          if (any_war) v *= 0.5;
          break;
        case Indicator::regime_survival:
          v = w.stability[i];
          break;
        case Indicator::nonproliferation: {
          double worst = 0;
          for (int j = 0; j < n; ++j)
            if (j != i) worst = std::max(worst, w.nuclear[j] * (1.0 - std::max(0.0, w.affinity(i, j))));
          v = 1.0 - worst;
          break;
        }
        case Indicator::influence: {
          double sum = 0;
          for (int j = 0; j < n; ++j) sum += s.influence(i, j);
          v = n > 1 ? sum / (n - 1) : 0.0;
          break;
        }
      }
      s.indicators(i, d) = std::clamp(v, 0.0, 1.0);
      s.indicator_sum(i, d) += s.indicators(i, d);
    }
    s.utility[i] = s.interests.row(i).dot(s.indicators.row(i));
    s.utility_sum[i] += s.utility[i];
    s.min_stability[i] = std::min(s.min_stability[i], w.stability[i]);
  }
  // per-run flows for the outcomes (mean aid, gestures and exchange per dyad)
  if (sc.economic >= 0) s.aid_sum += s.aid[sc.economic];
  s.aid_sum += s.subsidy_flow;
  s.gesture_sum += s.gesture;
  s.exchange_sum += s.exchange;
  s.sold_sum += s.sold;
}

}  // namespace sixparty
