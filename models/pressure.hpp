// pressure: sanctions and threats at a cost to both sides. ODD "Pressure and sanctions".
//
// Motive of i against j:  M_ij = w_i[nonproliferation] nuclear_j + w_i[security] rivalry_ij (1 - a_ij)/2
//                                - w_i[economy] V_ij / Y_i                 (the trade i would lose)
// Decision: x_ij = logistic((M_ij - threshold) / temperature), the pressure i chooses (recorded);
//           sampled decisions replace it by the share of N reviews that end in pressure (choice.hpp)
//           s*_ij = floor_ij + (1 - floor_ij) x_ij, the sanction it aims at
// Sanctions follow at a rate: s_ij += rate dt (s*_ij - s_ij). They cut the pair's trade (trade.hpp),
// lower the target's affinity toward i by affinity_cost s_ij per year, and raise the war hazard
// (regime.hpp). floor_ij is the scenario's exogenous sanction.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

void plan_pressure(const Scenario& sc, RunState& s, const Rng& rng, int i);
void apply_pressure(const Scenario& sc, RunState& s);

}  // namespace sixparty
