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

}  // namespace sixparty
