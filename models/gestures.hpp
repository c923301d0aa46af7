// gestures: summits, medals, declarations, a church. Paid from diplomatic capital only; they move
// no material resource. ODD "Symbolic gestures" (facts P4, P5, P6).
//
// Budget per step: b_i = spendable_id stock_id dt (d: the diplomatic resource).
// Benefit per diplomatic unit to j, for giver i (D_i: i's diplomatic scale):
//   B_ij = (1 + a0_ij)/2 [ w_i[status] sigma_ij                                the giver's position (below)
//          + w_i[influence] g_v sum_k demand_kj willing_ik / D_i            perceived influence, worth
//                                                                            what others would pay to mediate
//          + w_i[security] v_lev sum_{p != i, j} rivalry_pj D_pi / D_i       a client's counterweight: looking
//                                                                            closer to a patron p's rival j
//          + w_i[security] v_sb shared_ij (1 - min(1, max(c_ij, c_ji))) / D_i ]   soft balancing: courting
//                                                                            the adversary of one's rival,
//                                                                            unless an alliance does it
//   (D_pi: i's dependence on p; v_lev: leverage.value; v_sb: gesture.balancing_value; c: commitments)
//   The influence and counterweight terms are weighted by the marginal courtship share (lambda =
//   gesture.marginal_weight, 1 by default): what one more unit adds to i's share of j's courtship.
// positional_status (default): sigma_ij = g_p (S_i - R_i omega_ij) / (R_i + S_i)^2, the effect of one
//   unit on i's status R_i / (R_i + S_i) (models/interests.hpp: a gesture adds g_p to both sides'
//   recognition); cost per unit kappa / D_i, kappa = gesture.capital_cost, the same for everyone.
//   Without it (the rule before): sigma_ij = g_p / D_i, cost (w_i[status] + c0) / D_i.
// Shares: softmax over {keep} and partners of B/C - 1.
// (a0: the giver's baseline affinity, so that gestures do not feed on themselves)
// Effects of g_ij per year: a_ji += g_a g_ij / D_j dt (the receiver warms);
// visibility_ij += g_v g_ij / D_i dt (the giver's courtship of j, directed, uncapped); prestige_i, prestige_j += g_p g_ij dt.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

// the per-step products the gesture and brokerage decisions share (perceive stage):
//   demand(k, j)  = w_k[nonproliferation] nuclear_j + w_k[security] rivalry_kj   (0 for k = j)
//   willing(i, k) = (1 - rivalry_ik) (1 + a_ki) / 2                               (0 for i = k)
//   market(i, j)  = sum_k willing(i, k) demand(k, j)       (k = i and k = j contribute nothing)
//   counterweight(i, j) = sum_q rivalry(q, j) dependence(q, i)
//   hostility(i, k) = max(0, rivalry_ik - max(0, a0_ik))           i's net hostility toward k
//   shared_rivals(i, j) = (1 - rivalry_ij) sum_k hostility(i, k) hostility(j, k)   (soft_balancing only; else 0)
void compute_mediation_market(const Scenario& sc, RunState& s);

void plan_gestures(const Scenario& sc, RunState& s, const Rng& rng, int giver);
void apply_gestures(const Scenario& sc, RunState& s);

}  // namespace sixparty
