// trade: gravity-style bilateral volumes; subsidies as aid in disguise. ODD section "Trade".
//
//   V0_ij = G sqrt(Y_i Y_j) d_ij^-e exp(b_a (a_ij + a_ji) / 2) (1 - max(x_ij, x_ji)) (1 + o (r_i + r_j))
//           d: distance in thousand km, e: distance elasticity; a: baseline affinity (commerce follows
//           the standing relationship, not the transient goodwill that gestures and aid add)
//           (1 - L [i or j collapsed])                    (potential, symmetric; x sanctions, r reform)
//   with noise: V0 <- V0 exp(e - sd^2/2), e ~ N(0, sd^2) per pair and step
// A subsidy is aid in disguise: X_ij (US$ bn/yr) is the part of i's economic aid to j given as
// a price subsidy (aid.hpp). It props up the volume: V = V0 (1 + b_s sigma) with sigma = X / V,
// the subsidised share, so V = (V0 + sqrt(V0^2 + 4 b_s V0 X)) / 2 with X = X_ij + X_ji.
// Each side's economy gains g V; X counts in the receiver's adequacy (domestic.hpp).
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
