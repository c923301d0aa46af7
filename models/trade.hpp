// trade: gravity-style bilateral volumes; subsidies as aid in disguise. ODD section "Trade".
//
//   V_ij = G sqrt(Y_i Y_j) exp(b_a (a_ij + a_ji) / 2) (1 + b_s (s_ij + s_ji)) (1 - max(x_ij, x_ji))
//          (1 - L [i or j collapsed])                      (potential, symmetric)
//   realised V_ij = potential * exp(e - sd^2/2), e ~ N(0, sd^2) per pair and step
//   each side's economy gains g V_ij; i's economy pays j's the subsidy s_ij V_ij per year.
// Gains and subsidies enter economic adequacy (domestic.hpp), not the foreign-policy budgets.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

// potential volumes from the current state (perceive stage)
void trade_potential(const Scenario& sc, RunState& s);
// realise volumes with noise, pay gains and subsidies (interact stage)
void settle_trade(const Scenario& sc, RunState& s, const Rng& rng);

}  // namespace sixparty
