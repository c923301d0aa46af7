// brokerage: an actor seen to have influence over a client sells its mediation to a third party
// that worries about the client, for concessions and status. ODD "Brokerage" (facts P5).
//
// For broker i, client j and buyer k (all different):
//   offer_ikj = rate P_ij demand_kj willing_ik            diplomatic units per year
//   demand_kj = w_k[nonproliferation] nuclear_j + w_k[security] rivalry_kj
//   willing_ik = (1 - rivalry_ik) (1 + a_ki) / 2
// k pays the offers out of its spendable diplomatic budget (scaled down pro rata if short) to i's
// diplomatic stock (conserved); i gains as much prestige; k's affinity to i rises a little.
// P_ij is i's perceived influence over j (indicators.hpp): actual influence plus i's share of j's courtship.
#pragma once

#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

void trade_mediation(const Scenario& sc, RunState& s);

}  // namespace sixparty
