#include "models/regime.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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

namespace {

// the military stock of each side of war v (sides +1, -1), or 1 each where there is no military resource
std::pair<double, double> side_strength(const Scenario& sc, const World& w, double v) {
  double plus = 0, minus = 0;
  for (int k = 0; k < sc.n(); ++k) {
    if (w.war_id[k] != v) continue;
    const double m = sc.military >= 0 ? w.stock(k, sc.military) : 1.0;
    (w.war_side[k] > 0 ? plus : minus) += m;
  }
  return {plus, minus};
}

// the costs of every war this step (war_costs), and its end (war_termination)
void wage_wars(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.war;
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  const bool costs = sc.on(Mechanism::war_costs);
  const bool ending = sc.on(Mechanism::war_termination);
  const double now = sc.year(s.step + 1);
  for (int f = 0; f < n; ++f) {
    const double v = f + 1.0;  // a war's id: 1 + its founder's index; the founder stays in it while it lasts
    if (w.war_id[f] != v) continue;
    const auto [plus, minus] = side_strength(sc, w, v);
    double worst = 0;
    for (int k = 0; k < n; ++k) {
      if (w.war_id[k] != v) continue;
      w.war_time[k] += dt;
      if (costs) {
        const double mine = w.war_side[k] > 0 ? plus : minus, theirs = w.war_side[k] > 0 ? minus : plus;
        const double share = mine + theirs > 0 ? theirs / (mine + theirs) : 0.5;
        const double lost = std::min(0.9, 2.0 * p.output_cost * share * dt);
        w.output[k] *= 1.0 - lost;
        w.war_loss[k] += lost;
        if (sc.military >= 0) w.stock(k, sc.military) *= std::max(0.0, 1.0 - p.attrition * dt);
      }
      worst = std::max(worst, w.war_loss[k]);
    }
    if (!ending) continue;
    const double parity = std::max(plus, minus) > 0 ? std::min(plus, minus) / std::max(plus, minus) : 1.0;
    const double years = now - w.war_since[f];
    const double hazard = p.end_hazard * (1.0 + p.cost_weight * worst + p.stalemate_weight * parity * years);
    const double u = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), static_cast<std::uint32_t>(f + 1), 0, Purpose::war);
    if (!(u < 1.0 - std::exp(-hazard * dt))) continue;
    // the war ends: former enemies keep a scar
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        if (i == j || w.war_id[i] != v || !enemies(w, i, j)) continue;  // this war's enemies only
        w.rivalry(i, j) = std::min(1.0, w.rivalry(i, j) + p.scar);  // (j, i) gets its own pass: rivalry stays symmetric
        w.affinity_base(i, j) = std::max(-1.0, w.affinity_base(i, j) - p.scar);
        w.affinity(i, j) = std::max(-1.0, w.affinity(i, j) - p.scar);
      }
    for (int k = 0; k < n; ++k) {
      if (w.war_id[k] != v) continue;
      w.war[k] = 0;
      w.war_id[k] = 0;
      w.war_side[k] = 0;
      w.war_since[k] = std::numeric_limits<double>::quiet_NaN();
      w.war_loss[k] = 0;
      w.war_end_year[k] = now;
    }
  }
}

}  // namespace

void update_war(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.war;
  World& w = s.world;
  const int n = sc.n();
  if (w.war.maxCoeff() > 0) wage_wars(sc, s, rng);
  // a war outside the region (an event's, no opponent modelled) consumes materiel too
  if (sc.on(Mechanism::war_costs) && sc.military >= 0)
    for (int k = 0; k < n; ++k)
      if (w.war_abroad[k] > 0 && w.war[k] == 0) w.stock(k, sc.military) *= std::max(0.0, 1.0 - p.attrition * sc.dt);
  if (p.base_hazard <= 0 || !sc.on(Mechanism::war)) return;
  const double collapse_factor = sc.on(Mechanism::collapse_consequences) ? p.collapse_factor : 0.0;
  const bool commitments = sc.on(Mechanism::commitments);
  // a pair can go to war unless both are already at war (an actor at war brings its war to the new one)
  const double year = sc.year(s.step + 1);
  const auto hazard = [&](int i, int j) {
    if (w.rivalry(i, j) <= 0 || (w.war[i] > 0 && w.war[j] > 0)) return 0.0;
    if (w.war_end_year[i] == year || w.war_end_year[j] == year) return 0.0;  // an armistice holds for its step
    const double broken = (w.collapsed[i] > 0 || w.collapsed[j] > 0) ? collapse_factor : 0.0;
    return p.base_hazard * w.rivalry(i, j) * (1.0 + p.escalation * std::max(w.sanction(i, j), w.sanction(j, i))) *
           (1.0 + broken);
  };
  double total = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) total += hazard(i, j);
  if (!(total > 0)) return;
  const double u = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), 0, 0, Purpose::war);
  if (u >= 1.0 - std::exp(-total * sc.dt)) return;
  // which pair: in proportion to its hazard
  double pick = rng.uniform(s.run, static_cast<std::uint32_t>(s.step), 0, 1, Purpose::war) * total;
  int a = -1, b = -1;
  for (int i = 0; i < n && a < 0; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double h = hazard(i, j);
      if (!(h > 0)) continue;
      pick -= h;
      if (pick <= 0) {
        a = i;
        b = j;
        break;
      }
    }
  if (a < 0) return;  // rounding left nothing to pick
  // the war: the one a or b already fights, else a new one founded by a
  if (w.war[b] > 0) std::swap(a, b);
  const double id = w.war[a] > 0 ? w.war_id[a] : a + 1.0;
  const double side_a = w.war[a] > 0 ? w.war_side[a] : 1.0;
  const double since = w.war[a] > 0 ? w.war_since[a] : year;
  auto join = [&](int k, double side) {
    if (w.war[k] > 0) return;
    w.war[k] = 1;
    w.war_ever[k] = 1;
    w.war_count[k] += 1;
    w.war_id[k] = id;
    w.war_side[k] = side;
    w.war_since[k] = since;
    w.war_loss[k] = 0;
    if (std::isnan(w.war_year[k])) w.war_year[k] = year;
    if (w.collapsed[k] == 0) w.stability[k] = std::max(0.0, w.stability[k] - p.stability_shock);
  };
  join(a, side_a);
  join(b, -side_a);
  for (int k = 0; commitments && k < n; ++k) {
    if (w.war_end_year[k] == year) continue;  // its armistice holds for the step
    if (w.commitment(k, a) >= 0.5) join(k, side_a);
    else if (w.commitment(k, b) >= 0.5) join(k, -side_a);
  }
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
