#include "models/regime.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

void collapse_regime(const Scenario& sc, RunState& s, const Rng& rng, int j) {
  World& w = s.world;
  if (w.collapsed[j] > 0) return;
  const int n = sc.n();
  w.collapsed[j] = 1;
  w.collapse_year[j] = sc.year(s.step + 1);
  w.stability[j] = 0;
  // refugees by destination
  const double leaving = sc.on(Mechanism::collapse_consequences) ? s.params.refugees.share * w.population[j] : 0.0;
  for (int k = 0; k < n; ++k)
    if (k != j) w.refugees[k] += leaving * w.border(j, k);
  // successor alignment drawn by the powers' influence
  double total = 0;
  for (int k = 0; k < n; ++k)
    if (k != j) total += s.influence(k, j) + 0.01;
  if (total > 0) {
    double u = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), static_cast<std::uint32_t>(j), 0,
                           Purpose::successor) * total;
    int chosen = -1;
    for (int k = 0; k < n; ++k) {
      if (k == j) continue;
      chosen = k;  // the last candidate takes what rounding leaves
      u -= s.influence(k, j) + 0.01;
      if (u <= 0) break;
    }
    if (chosen >= 0) w.alignment[j] = w.alignment[chosen];
  }
}

void update_war(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.war;
  World& w = s.world;
  const int n = sc.n();
  if (p.base_hazard <= 0 || !sc.on(Mechanism::war)) return;
  const double collapse_factor = sc.on(Mechanism::collapse_consequences) ? p.collapse_factor : 0.0;
  const bool commitments = sc.on(Mechanism::commitments);
  double total = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (w.rivalry(i, j) <= 0 || (w.war[i] > 0 && w.war[j] > 0)) continue;
      const double broken = (w.collapsed[i] > 0 || w.collapsed[j] > 0) ? collapse_factor : 0.0;
      total += p.base_hazard * w.rivalry(i, j) * (1.0 + p.escalation * std::max(w.sanction(i, j), w.sanction(j, i))) *
               (1.0 + broken);
    }
  if (!(total > 0)) return;
  const double u = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), 0, 0, Purpose::war);
  if (u >= 1.0 - std::exp(-total * sc.dt)) return;
  // which pair: in proportion to its hazard
  double pick = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), 0, 1, Purpose::war) * total;
  int a = -1, b = -1;
  for (int i = 0; i < n && a < 0; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (w.rivalry(i, j) <= 0 || (w.war[i] > 0 && w.war[j] > 0)) continue;
      const double broken = (w.collapsed[i] > 0 || w.collapsed[j] > 0) ? collapse_factor : 0.0;
      pick -= p.base_hazard * w.rivalry(i, j) * (1.0 + p.escalation * std::max(w.sanction(i, j), w.sanction(j, i))) *
              (1.0 + broken);
      if (pick <= 0) {
        a = i;
        b = j;
        break;
      }
    }
  if (a < 0) return;  // rounding left nothing to pick
  const double year = sc.year(s.step + 1);
  auto join = [&](int k) {
    if (w.war[k] > 0) return;
    w.war[k] = 1;
    w.war_year[k] = year;
    if (w.collapsed[k] == 0) w.stability[k] = std::max(0.0, w.stability[k] - p.stability_shock);
  };
  join(a);
  join(b);
  for (int k = 0; commitments && k < n; ++k)
    if (w.commitment(k, a) >= 0.5 || w.commitment(k, b) >= 0.5) join(k);
}

void update_reform(const Scenario& sc, RunState& s) {
  World& w = s.world;
  if (!sc.on(Mechanism::reform)) return;
  for (int i = 0; i < sc.n(); ++i) {
    if (w.collapsed[i] > 0 || w.reform_drive[i] <= 0) continue;
    w.reform[i] = std::min(1.0, w.reform[i] + w.reform_drive[i] * (1.0 - w.reform[i]) * w.stability[i] * sc.dt);
  }
}

}  // namespace sixparty
