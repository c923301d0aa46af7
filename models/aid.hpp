// aid: transfers of a resource from a donor's budget, chosen by a logit over benefit/cost,
// and the donor's learning of what its aid returns. ODD section "Aid".
//
// Budget per step for resource r: b_ir = spendable_ir * stock_ir * dt.
// Benefit per unit given to j (resource scale S_jr: output for the economic resource, initial
// stock plus a year's income otherwise):
//   B_ij = (1 + a_ij)/2 [v_inf w_i[influence] e_ij / (S_jr + F_j) + v_stab w_i[regional_stability] (1 - stab_j) / S_jr]
//          - w_i[security] rivalry_ij / S_jr
// (friends are worth more than strangers; strengthening a rival costs security)
// Cost per unit: C_i = (w_i[economy or security] + c0) / S_ir, with c0 = 0.05 so a donor that
// does not value its economy still pays something.
// Shares: softmax over {keep: 0} U {j: B_ij / C_i - 1} with temperature T; amount = b_ir * share.
// Learning: after giving to j, i observes r = (1 - autonomy_j) + noise and moves e_ij toward it
// at rate lambda per year.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

// plan donor i's aid for this step into s.aid_plan[r](i, .) (decide stage; reads the snapshot only)
void plan_aid(const Scenario& sc, RunState& s, int donor);
// move the planned amounts between budgets, update affinity and learn returns (interact stage)
void transfer_aid(const Scenario& sc, RunState& s, const Rng& rng);

}  // namespace sixparty
