// brokerage: an actor seen to have influence over a client sells its mediation to a third party
// that worries about the client, for concessions and status. ODD "Brokerage" (facts P5).
//
// For broker i, client j and buyer k (all different), with e_ikj = P_ij willing_ik what i can
// deliver to k over j:
//   spend_kj  = rate demand_kj (1 - prod_i (1 - e_ikj))   diplomatic units per year: k pays for the
//               chance that some broker delivers (brokers are substitutes; broker_competition)
//   offer_ikj = spend_kj e_ikj / sum_b e_bkj               the demand splits by what each can deliver
//   (broker_competition off: offer_ikj = rate e_ikj demand_kj, each broker as if alone)
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
