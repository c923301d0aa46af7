#include "models/trade.hpp"

#include "models/regime.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

void trade_potential(const Scenario& sc, RunState& s) {
  const auto& p = s.params.trade;
  const auto& st = s.params.stability;
  const World& w = s.world;
  const int n = sc.n();
  const bool consequences = sc.on(Mechanism::collapse_consequences);
  const double openness = sc.on(Mechanism::reform) ? s.params.reform.openness : 0.0;
  const bool war_costs = sc.on(Mechanism::war_costs);
  for (int i = 0; i < n; ++i) {
    s.trade_potential(i, i) = 0;
    for (int j = i + 1; j < n; ++j) {
      // commerce follows the standing relationship, not the transient goodwill of gestures and aid
      const double mean_affinity = 0.5 * (w.affinity_base(i, j) + w.affinity_base(j, i));
      const double sanction = std::max(w.sanction(i, j), w.sanction(j, i));
      const double broken = (consequences && (w.collapsed[i] > 0 || w.collapsed[j] > 0)) ? st.collapse_trade_loss : 0.0;
      if (war_costs && enemies(w, i, j)) {  // no trade across a front
        s.trade_potential(i, j) = s.trade_potential(j, i) = 0;
        continue;
      }
      const double v = p.gravity_scale * std::sqrt(w.output[i] * w.output[j]) *
                       std::pow(w.distance(i, j), -p.distance_elasticity) *
                       std::exp(p.affinity_elasticity * mean_affinity) * (1.0 - sanction) *
                       (1.0 + openness * (w.reform[i] + w.reform[j])) * (1.0 - broken);
      s.trade_potential(i, j) = s.trade_potential(j, i) = v;
    }
  }
}

void settle_trade(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.trade;
  const int n = sc.n();
  const double sd = p.noise_sd;
  const bool subsidies = sc.on(Mechanism::trade_subsidies);
  s.trade_gain.setZero();
  for (int i = 0; i < n; ++i) {
    s.trade(i, i) = 0;
    for (int j = i + 1; j < n; ++j) {
      const double z = sd > 0 ? rng.normal(s.run, s.step, i, j, Purpose::trade_noise) : 0.0;
      const double v0 = s.trade_potential(i, j) * std::exp(sd * z - 0.5 * sd * sd);
      const double x = subsidies ? s.subsidy_flow(i, j) + s.subsidy_flow(j, i) : 0.0;
      const double v = 0.5 * (v0 + std::sqrt(v0 * v0 + 4.0 * p.subsidy_elasticity * v0 * x));
      s.trade(i, j) = s.trade(j, i) = v;
      s.trade_gain[i] += p.gains_rate * v;
      s.trade_gain[j] += p.gains_rate * v;
    }
  }
}

}  // namespace sixparty
