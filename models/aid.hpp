// aid: transfers of a resource from a donor's budget, chosen by a logit over benefit/cost,
// and the donor's learning of what its aid returns. ODD section "Aid".
//
// Budget per step for resource r: b_ir = spendable_ir * stock_ir * dt.
// Benefit per unit given to j (resource scale S_jr: output for the economic resource, initial
// stock plus a year's income otherwise; R_jr = S_jr + F_j for the economic resource, F_j all
// that j receives, and S_jr otherwise):
//   B_ij = (1 + a_ij)/2 [v_inf w_i[influence] e_ij / R_jr + v_stab w_i[regional_stability] (1 - stab_j) / S_jr]
//          - w_i[security] rivalry_ij / S_jr
//          + v_lev w_i[security] L_ij / S_jr                    a client's leverage (leverage.hpp)
//          + sum_q min(income_jq / income_ir, min(need_iq, spare_jq) / b_ir) (w_i[q's interest] + c0) / income_iq
//            (for the diplomatic resource under positional_status: gesture.capital_cost / D_i instead)
//                                                               what j can give back (exchange on)
// (friends are worth more than strangers; strengthening a rival costs security)
// Cost per unit: C_i = (w_i[economy or security] + c0) / income_ir: giving away a year's income of
// the resource costs its interest weight; c0 = 0.05 so a donor that does not value its economy
// still pays something. Benefit and cost are thus of one order, and the logit responds to both.
// Shares: softmax over {keep: 0} U {j: B_ij / C_i - 1} with temperature T; amount = b_ir * share
// (expected) or b_ir times the share of N discrete acts drawn from the shares (sampled; choice.hpp).
// Economic aid to j is split: a share subsidy_ij goes as a price subsidy on their trade (trade.hpp),
// the rest as a direct transfer; both leave the donor's stock and feed the receiver's economy.
// Exchange: a transfer can be one side of an exchange when each side needs what the other has.
// After i gives x of resource r to j, for every other resource q that i needs (its stock below
// its initial stock) and j has to spare (its stock above its initial stock), j returns
//   y = min(x income_jq / income_ir, need_iq, surplus_jq)
// of q: a year of income for a year of income, no more than is needed or spare (conserved).
// Learning: after giving to j, i observes r = (1 - autonomy_j) + noise and moves e_ij toward it
// at rate lambda per year, weighted by what it gave (full from 5 % of its budget).
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

// plan donor i's aid for this step into s.aid_plan[r](i, .) (decide stage; reads the snapshot
// only); the shares become amounts as run.decisions says (choice.hpp)
void plan_aid(const Scenario& sc, RunState& s, const Rng& rng, int donor);
// move the planned amounts between budgets; split economic aid into direct aid and subsidies
// the stock of resource q actor i needs: its reference stock, and for the military resource
// (1 + war.military_need) times it while i is at war in the region or abroad
double need_reference(const Scenario& sc, const RunState& s, int i, int q);
// needs-driven purchases (procurement): a buyer short of a transferable resource buys it from
// partners with stock to spare beyond what they keep, paying in its economic budget (7.2)
void procure(const Scenario& sc, RunState& s);
void transfer_aid(const Scenario& sc, RunState& s);
// goodwill from aid and learning from what it bought (after trade is settled)
void learn_from_aid(const Scenario& sc, RunState& s, const Rng& rng);

}  // namespace sixparty
