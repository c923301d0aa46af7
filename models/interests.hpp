// interests: an actor's weight on an indicator in this run (0 when the scenario has no such
// dimension); the run's weights are the scenario's, or this run's draw of them (uncertainty).
#pragma once

#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

#include <algorithm>

namespace sixparty {

inline double interest(const Scenario& sc, const RunState& s, int i, Indicator ind) {
  double w = 0;
  for (int d = 0; d < sc.n_dimensions(); ++d)
    if (sc.indicators[d] == ind) w += s.interests(i, d);
  return w;
}

// the diplomatic scale of an actor: its initial diplomatic stock plus a year's income (>= 1e-9)
inline double diplomatic_scale(const Scenario& sc, const World& w, int i) {
  if (sc.diplomatic < 0) return 1.0;
  return std::max(1e-9, w.stock0(i, sc.diplomatic) + w.income(i, sc.diplomatic));
}

// positional status (issue 12, item 4): an actor's recognition is its diplomatic standing (its
// scale, which spending does not lower) plus the prestige it has earned by gestures given and
// received and by brokerage; its status is its recognition against the field's,
//   v_i = R_i / (R_i + S_i),  S_i = sum_{k != i} omega_ik R_k,  omega_ik = 1 - phi + phi rivalry_ik
// (phi = gesture.rival_focus: a rival's recognition counts fully against i's own, a friend's by
// 1 - phi). A collapsed regime leaves the field when collapse_consequences is on.
inline double recognition(const Scenario& sc, const World& w, int k) { return diplomatic_scale(sc, w, k) + w.prestige[k]; }

inline double status_weight(const RunState& s, int i, int k) {
  const double phi = s.params.gesture.rival_focus;
  return 1.0 - phi + phi * s.world.rivalry(i, k);
}

inline double status_field(const Scenario& sc, const RunState& s, int i) {
  const World& w = s.world;
  const bool gone = sc.on(Mechanism::collapse_consequences);
  double field = 0;
  for (int k = 0; k < sc.n(); ++k)
    if (k != i && !(gone && w.collapsed[k] > 0)) field += status_weight(s, i, k) * recognition(sc, w, k);
  return field;
}

// what one unit of gestures from i to j does to i's status R_i / (R_i + S_i): it adds g_p to both
// sides' recognition, R_j entering S_i with weight omega_ij, so
//   d status_i = g_p (S_i - R_i omega_ij) / (R_i + S_i)^2
// (negative where i's relative gain g_p / R_i is below j's weighted one omega_ij g_p / S_i).
// R and S are recognition(i) and status_field(i), computed once per giver
inline double status_margin(const RunState& s, int i, int j, double R, double S) {
  return s.params.gesture.prestige_gain * (S - R * status_weight(s, i, j)) / ((R + S) * (R + S));
}

}  // namespace sixparty
