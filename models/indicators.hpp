// indicators: dependence and influence (perceive stage) and the interest indicators and
// utility (score stage). ODD "Indicators and utility". Every indicator lies in [0, 1].
//
//   dependence D_ij = (V_ij + aid_ij + subsidy_ij) / (Y_j + F_j), F_j = all j receives
//   influence  I_ij = (1 - autonomy_j) D_ij
//   perceived  P_ij = I_ij + (1 - I_ij) vis_ij / (1 + sum_k vis_kj)   (what third parties see: i's share of j's courtship; gestures.hpp)
//   security           (1 - mean_j rivalry_ij m_j / (M_i + m_j + eps)) (1/2 at war)
//                      m: military stock; M_i = m_i + sum_k commitment_ki m_k (allies' pledged forces)
//   economy            adequacy / (1 + adequacy)
//   status             positional_status: recognition (diplomatic scale + prestige) against the others',
//                      rivals weighing more (models/interests.hpp); without it the share of diplomatic
//                      stock plus prestige (1/n without a diplomatic resource)
//   regional_stability mean stability of the others, times (1 - min(1, burden_weight refugees_i /
//                      frontier_i)), halved while any actor is at war
//   nonproliferation   1 - max_j nuclear_j (1 - max(0, a_ij))  (a friend's bomb worries less)
//   regime_survival    own stability
//   influence          mean over partners of I_ij
//   utility_i = sum_d interests_id indicator_id (interests normalised to sum 1)
#pragma once

#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

void perceive_influence(const Scenario& sc, RunState& s);
void score_indicators(const Scenario& sc, RunState& s);

}  // namespace sixparty
