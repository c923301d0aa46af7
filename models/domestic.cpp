#include "models/domestic.hpp"

#include "models/regime.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

void update_domestic(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.stability;
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  const double keep = std::max(0.0, 1.0 - s.params.resources.depreciation * dt);
  const int e = sc.economic;
  const bool reform = sc.on(Mechanism::reform);
  const double reform_growth = reform ? s.params.reform.growth_bonus : 0.0;
  const double reform_legitimacy = reform ? s.params.reform.legitimacy_gain : 0.0;
  const bool collapse = sc.on(Mechanism::collapse_hazard);
  for (int i = 0; i < n; ++i) {
    // adequacy from this step's flows (before output grows)
    // aid and subsidies given are paid from the foreign-policy stock, not charged here again
    double received = s.subsidy_flow.col(i).sum();
    if (e >= 0) received += s.aid[e].col(i).sum();
    s.adequacy[i] = (w.output[i] + s.trade_gain[i] + received) / w.need[i];

    // a collapsed regime has no foreign ministry: no diplomatic income (issue 12, item 6)
    const bool silent = w.collapsed[i] > 0 && sc.on(Mechanism::collapse_consequences);
    for (int r = 0; r < sc.n_resources(); ++r)
      w.stock(i, r) = w.stock(i, r) * keep + (silent && r == sc.diplomatic ? 0.0 : w.income(i, r)) * dt;
    w.output[i] *= 1.0 + (w.growth[i] + reform_growth * w.reform[i]) * dt;

    if (w.collapsed[i] > 0) {
      w.stability[i] = 0;
      continue;
    }
    double repression = w.repression[i];
    if (sc.military >= 0 && w.stock0(i, sc.military) > 0)
      repression *= std::sqrt(std::min(2.0, w.stock(i, sc.military) / w.stock0(i, sc.military)));
    const double legitimacy = std::min(1.0, w.legitimacy[i] + reform_legitimacy * w.reform[i]);
    const double x = p.adequacy_weight * (s.adequacy[i] - 1.0) + p.repression_weight * repression +
                     p.legitimacy_weight * legitimacy + p.bias;
    const double target = 1.0 / (1.0 + std::exp(-x));
    const double z = p.noise_sd > 0 ? rng.normal(s.run, s.step, i, 0, Purpose::stability_noise) : 0.0;
    const double stab = w.stability[i] + std::min(1.0, p.adjustment_rate * dt) * (target - w.stability[i]) +
                        p.noise_sd * std::sqrt(dt) * z;
    w.stability[i] = std::clamp(stab, 0.0, 1.0);

    const double gap = std::max(0.0, 1.0 - w.stability[i] / std::max(1e-12, p.hazard_threshold));
    const double hazard = p.hazard_max * gap * gap;
    if (hazard > 0 && collapse) {
      const double u = rng.uniform(s.run, s.step, i, 0, Purpose::collapse_hazard);
      if (u < 1.0 - std::exp(-hazard * dt)) collapse_regime(sc, s, rng, i);
    }
  }
}

}  // namespace sixparty
