// choice: how an actor's logit shares become what it does. ODD section "Decisions".
//
// Every budget decision of the model (aid per resource, gestures) ends in shares of a budget b
// over {keep} U {eligible partners j}, with logit weights w_0 (keep) and w_j, W their sum. The
// logit is a random-utility choice model (McFadden 1974): the shares are the probabilities with
// which each unit of the budget goes to each option.
//   expected: amount_j = b w_j / W (the mean-field limit; fixed shares, as before issue 11).
//   sampled:  the budget is split into N = max(1, round(decision.acts_per_year * dt)) equal acts;
//             act u goes to option k with probability w_k / W (inverse CDF of one uniform keyed
//             by (run, step, actor, channel, u)); amount_j = b n_j / N. E[amount_j] is the
//             expected amount; two runs with equal inputs can act differently.
// Sanctions are a level, not a split: the logistic x_ij is the probability that a review of the
// sanction on j ends in favour of full pressure; sampled: N reviews a step, x_ij := k / N with
// k ~ Binomial(N, x_ij) (one uniform per review, keyed by (run, step, i, j, u)); expected: x_ij.
// The draws depend only on their coordinates, so results do not depend on threads.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

#include <Eigen/Core>

namespace sixparty {

// acts per step of a sampled decision (>= 1)
int decision_acts(const Scenario& sc, const RunState& s);

// row i of plan holds the logit weight of each partner (0 for ineligible ones); keep is the weight
// of keeping and total the sum of all weights. Replaces the weights by the amounts of budget.
void allocate_budget(const Scenario& sc, const RunState& s, const Rng& rng, Eigen::MatrixXd& plan, int i, double keep,
                     double total, double budget, std::uint32_t channel);

// the chosen sanction level in [0, 1] for i on j from the logistic probability x
double choose_sanction(const Scenario& sc, const RunState& s, const Rng& rng, int i, int j, double x);

}  // namespace sixparty
