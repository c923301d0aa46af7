// domestic: budgets, output growth, regime stability and the collapse hazard. ODD "Domestic dynamics".
//
//   stock_ir <- stock_ir (1 - delta dt) + income_ir dt
//   Y_i      <- Y_i (1 + (growth_i + growth_bonus reform_i) dt)
//   adequacy_i = (Y_i + trade gains + economic aid received, direct and as subsidies) / need_i
// (aid and subsidies given are paid from the foreign-policy stock, which income refills; they
// are not charged to the giver's adequacy again)
//   target   = logistic(k_e (adequacy - 1) + k_r repression_eff + k_l legitimacy_eff + b)
//   legitimacy_eff = min(1, legitimacy + legitimacy_gain reform)
//   repression_eff = repression * sqrt(min(2, military stock / initial military stock))
//   stab     <- clamp(stab + kappa dt (target - stab) + sd sqrt(dt) z, 0, 1)
//   hazard   = h_max max(0, 1 - stab / threshold)^2 per year; falls with prob 1 - exp(-hazard dt)
// A collapsed regime stays collapsed with stability 0; its consequences are in regime.hpp.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

void update_domestic(const Scenario& sc, RunState& s, const Rng& rng);

}  // namespace sixparty
