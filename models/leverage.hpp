// leverage: a client with rival patrons can threaten to tilt toward a patron's rival unless paid.
// ODD "Leverage" (facts P2, P6).
//
//   L_ij = min(1, sum_{k != i, j} rivalry_ik max(0, affinity_jk)) * max(0, affinity_ji) * v_ij
//   v_ij = (1 + commitment_ij) / 2          the client's value to the patron; a treaty raises it
// L_ij (stored at (i, j)) is client j's leverage over patron i. It grows with the rivalry between
// the patrons, with the credibility of the tilt (the client's affinity to the rival) and with the
// client's value; and a client can threaten to leave only a patron it is with (affinity_ji > 0).
// It enters the patron's benefit from aid (aid.hpp).
#pragma once

#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

void compute_leverage(const Scenario& sc, RunState& s);

}  // namespace sixparty
