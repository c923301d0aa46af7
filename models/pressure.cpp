#include "models/pressure.hpp"

#include "models/choice.hpp"
#include "models/interests.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

void plan_pressure(const Scenario& sc, RunState& s, const Rng& rng, int i) {
  const auto& p = s.params.pressure;
  const World& w = s.world;
  const double w_np = interest(sc, s, i, Indicator::nonproliferation);
  const double w_sec = interest(sc, s, i, Indicator::security);
  const double w_econ = interest(sc, s, i, Indicator::economy);
  const bool chosen = sc.on(Mechanism::pressure);
  const bool null_model = !sc.on(Mechanism::motives);
  for (int j = 0; j < sc.n(); ++j) {
    if (j == i || w.collapsed[i] > 0 || !chosen) {
      s.pressure_target(i, j) = w.sanction_floor(i, j);
      s.pressure(i, j) = 0;
      continue;
    }
    // the null model: the decision without a motive (the background level of the logistic)
    const double motive = null_model ? 0.0 : w_np * w.nuclear[j] + w_sec * w.rivalry(i, j) * 0.5 * (1.0 - w.affinity(i, j)) -
                          w_econ * s.trade_potential(i, j) / w.output[i];
    const double x = choose_sanction(sc, s, rng, i, j, 1.0 / (1.0 + std::exp(-(motive - p.threshold) / p.temperature)));
    s.pressure(i, j) = x;
    s.pressure_target(i, j) = w.sanction_floor(i, j) + (1.0 - w.sanction_floor(i, j)) * x;
  }
}

void apply_pressure(const Scenario& sc, RunState& s) {
  const auto& p = s.params.pressure;
  World& w = s.world;
  const int n = sc.n();
  const double rate = std::min(1.0, p.adjustment_rate * sc.dt);
  const bool relations = sc.on(Mechanism::relation_dynamics);
  // the sanctions in force breed rivalry, which persists (relation_memory, issue 12; events may
  // still lower it); then the sanctions move
  const double rivalry_gain = relations && sc.on(Mechanism::relation_memory) ? s.params.affinity.rivalry_gain * sc.dt : 0.0;
  for (int i = 0; rivalry_gain > 0 && i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double sanctions = 0.5 * (w.sanction(i, j) + w.sanction(j, i));
      if (!(sanctions > 0)) continue;
      w.rivalry(i, j) = w.rivalry(j, i) = std::min(1.0, w.rivalry(i, j) + rivalry_gain * sanctions * (1.0 - w.rivalry(i, j)));
    }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const double v = w.sanction(i, j) + rate * (s.pressure_target(i, j) - w.sanction(i, j));
      w.sanction(i, j) = std::clamp(v, w.sanction_floor(i, j), 1.0);
      if (relations) w.affinity(j, i) = std::max(-1.0, w.affinity(j, i) - p.affinity_cost * w.sanction(i, j) * sc.dt);
    }
  }
}

}  // namespace sixparty
