// indicators: dependence and influence (perceive stage) and the interest indicators and
// utility (score stage). ODD "Indicators and utility". Every indicator lies in [0, 1].
//
//   dependence D_ij = (V_ij + aid_ij + subsidy_ij) / (Y_j + F_j), F_j = all j receives
//   influence  I_ij = (1 - autonomy_j) D_ij
//   security           1 - mean_j rivalry_ij m_j / (m_i + m_j + eps)      (m: military stock)
//   economy            adequacy / (1 + adequacy)
//   status             diplomatic stock share (1/n without a diplomatic resource)
//   regional_stability mean stability of the others
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
