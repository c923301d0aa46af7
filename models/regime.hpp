// regime: what happens when a regime falls, war on the peninsula, and reform. ODD "Regime dynamics".
//
// Collapse of j (by the hazard in domestic.hpp or a scheduled `collapse:` event), at once:
//   refugees: R = share * population_j leave; destination k receives R border_jk (million people)
//   successor: a power k is drawn with probability (I_kj + 0.01) / sum, I the actual influence
//              over j before the fall; the successor's alignment becomes alignment_k
//   trade with j loses collapse_trade_loss of its volume (trade.hpp); j's stability stays 0
// War: each step, for every pair i < j with rivalry > 0, hazard
//   h_ij = base rivalry_ij (1 + escalation max(s_ij, s_ji)) (1 + collapse_factor [i or j collapsed])
//   a war starts with probability 1 - exp(-sum h dt); the pair is drawn in proportion to h_ij;
//   both sides and every actor with a commitment >= 0.5 to either side join (an actor already at
//   war brings its war: the other side joins it, opposite); each loses stability_shock of stability.
// While a war lasts (war_costs): a member on side A loses 2 output_cost M_B/(M_A+M_B) of its output
//   per year (output_cost against an equal opponent), attrition of its military stock per year, and
//   its trade with the other side (trade.hpp). It ends (war_termination) with hazard
//   end_hazard (1 + cost_weight L + stalemate_weight parity years), L the largest sum of the steps'
//   shares of output a member has lost (about the share lost while it is small), parity = min(M_A, M_B)/max(M_A, M_B); then every pair of former enemies gains
//   scar of rivalry and loses scar of affinity (baseline and current).
// Reform: reform_i += drive_i (1 - reform_i) stability_i dt; it adds growth_bonus reform_i to
//   growth, legitimacy_gain reform_i to legitimacy and openness reform_i to relative trade.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

// the regime of actor j falls now (consequences included); no effect if already fallen
void collapse_regime(const Scenario& sc, RunState& s, const Rng& rng, int j);
// i and j fight on opposite sides of one war now
inline bool enemies(const World& w, int i, int j) {
  return w.war_id[i] > 0 && w.war_id[i] == w.war_id[j] && w.war_side[i] != w.war_side[j];
}
// the costs, ends and starts of wars for this step
void update_war(const Scenario& sc, RunState& s, const Rng& rng);
// reform progress for this step
void update_reform(const Scenario& sc, RunState& s);

}  // namespace sixparty
