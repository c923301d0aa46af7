// invariants: the checks a state must pass after a step (budgets, shares, finiteness)
#include "engine/step.hpp"

#include <cmath>
#include <string>

namespace sixparty {

void check_invariants(const Scenario& sc, const RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  auto fail = [&](const std::string& what, int i, double v) {
    throw InvariantViolation("invariant violated at step " + std::to_string(s.step) + " (year " +
                             std::to_string(sc.year(s.step)) + "), actor " + sc.actor_ids[i] + ": " + what +
                             " = " + std::to_string(v));
  };
  for (int i = 0; i < n; ++i) {
    for (int r = 0; r < sc.n_resources(); ++r)
      if (!(w.stock(i, r) >= 0) || !std::isfinite(w.stock(i, r)))
        fail("stock of " + sc.resource_names[r], i, w.stock(i, r));
    if (!(w.stability[i] >= 0 && w.stability[i] <= 1)) fail("stability", i, w.stability[i]);
    if (!std::isfinite(w.output[i]) || !(w.output[i] > 0)) fail("output", i, w.output[i]);
    if (!std::isfinite(s.utility[i])) fail("utility", i, s.utility[i]);
    for (const auto* share : {&w.reform, &w.nuclear, &w.collapsed, &w.war, &w.war_ever})
      if (!((*share)[i] >= 0 && (*share)[i] <= 1)) fail("a share or flag outside [0, 1]", i, (*share)[i]);
    if (!(w.prestige[i] >= 0) || !std::isfinite(w.prestige[i])) fail("prestige", i, w.prestige[i]);
    for (int j = 0; j < n; ++j) {
      if (!(w.visibility(i, j) >= 0) || !std::isfinite(w.visibility(i, j))) fail("visibility", i, w.visibility(i, j));
      for (const auto* share : {&w.sanction, &w.subsidy, &w.rivalry, &w.commitment})
        if (!((*share)(i, j) >= 0 && (*share)(i, j) <= 1)) fail("a dyad share outside [0, 1]", i, (*share)(i, j));
      if (!(s.perceived(i, j) >= 0 && s.perceived(i, j) <= 1)) fail("perceived influence", i, s.perceived(i, j));
      for (const auto& flow : s.aid)
        if (!std::isfinite(flow(i, j)) || flow(i, j) < 0) fail("aid", i, flow(i, j));
      if (!(w.expected_return(i, j) >= 0 && w.expected_return(i, j) <= 1)) fail("expected return", i, w.expected_return(i, j));
      if (!(w.affinity(i, j) >= -1 && w.affinity(i, j) <= 1)) fail("affinity", i, w.affinity(i, j));
      if (!std::isfinite(s.trade(i, j)) || s.trade(i, j) < 0) fail("trade", i, s.trade(i, j));
    }
  }
}

}  // namespace sixparty
