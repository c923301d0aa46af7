// run_state: the mutable scratch pad of one run (as MuJoCo's mjData), allocated once.
//
// reset() copies the scenario's initial World into it without allocating (same sizes), so one
// RunState serves run after run; a step writes into these arrays and allocates nothing.
#pragma once

#include "scenario/scenario.hpp"

#include <cstdint>
#include <vector>

namespace sixparty {

struct RunState {
  World world;             // state variables (see world.hpp)
  std::uint32_t run = 0;   // run index within the ensemble
  int step = 0;            // steps done so far

  // the run's inputs: the scenario's, with this run's draws of its uncertain inputs
  // (engine/uncertainty.cpp); the models read these, never sc.params or sc.interests
  Parameters params;
  Eigen::MatrixXd interests;          // n x D, rows sum to 1
  std::vector<int> event_step;        // per event of sc.events: the step it applies at in this run
  std::vector<double> event_factor;   // per event: the size of its changes in this run (its `size`, times a drawn jitter)
  std::vector<double> draws;          // the drawn values, in the order of uncertainty_names(sc)

  // flows of the current step, as yearly rates
  Eigen::MatrixXd trade_potential;   // n x n symmetric gravity volume before noise, US$ bn/yr
  Eigen::MatrixXd trade;             // n x n symmetric realised volume, US$ bn/yr
  Eigen::MatrixXd subsidy_flow;      // n x n i -> j price subsidy, US$ bn/yr
  std::vector<Eigen::MatrixXd> aid;  // per resource, n x n i -> j transfers, resource units/yr
  std::vector<Eigen::MatrixXd> aid_plan;  // per resource, n x n amounts planned this step, resource units
  Eigen::MatrixXd budget;            // n x R spendable budget of the step, resource units (decide stage)
  Eigen::MatrixXd exchange;          // n x n i -> j resources returned in exchange for aid, resource units/yr
  Eigen::MatrixXd sold;              // n x n i -> j resources i sold to j for j's need (procurement), resource units/yr
  Eigen::MatrixXd paid;              // n x n i -> j economic resources i paid j for what it bought, units/yr
  Eigen::MatrixXd gesture;           // n x n i -> j symbolic gestures, diplomatic units/yr
  Eigen::MatrixXd gesture_plan;      // n x n gestures planned this step, diplomatic units
  Eigen::MatrixXd brokerage;         // n x n concessions broker i earned from buyer k, diplomatic units/yr
  Eigen::MatrixXd pressure_target;   // n x n sanction level i decided toward j this step, [0,1]
  Eigen::MatrixXd pressure;          // n x n pressure i chose toward j above its exogenous floor, [0,1]

  // the snapshot actors decide from (perceive stage)
  Eigen::MatrixXd dependence;  // n x n: share of j's economy that comes through i
  Eigen::MatrixXd influence;   // n x n: i's actual influence over j, [0,1]
  Eigen::VectorXd inflow;      // n: trade + aid + subsidies received, US$ bn/yr
  Eigen::VectorXd courted;     // n: 1 + the visibility of every courtship of j (perceived influence is a share of it)
  Eigen::MatrixXd leverage;    // n x n: client j's leverage over patron i, stored at (i, j), [0,1]
  Eigen::MatrixXd perceived;   // n x n: i's influence over j as third parties see it, [0,1]
  // per-step products shared by the decisions (computed once in perceive; n x n each)
  Eigen::MatrixXd demand;        // (k, j): buyer k's demand for mediation over client j
  Eigen::MatrixXd willing;       // (i, k): buyer k's willingness to deal with broker i
  Eigen::MatrixXd market;        // (i, j): sum_k willing(i,k) demand(k,j), what perceived influence over j is worth to i
  Eigen::MatrixXd counterweight; // (i, j): sum_q rivalry(q,j) dependence(q,i), a client's gain from courting j
  Eigen::MatrixXd hostility;     // (i, k): max(0, rivalry(i,k) - max(0, affinity_base(i,k))), i's net hostility toward k
  Eigen::MatrixXd shared_rivals; // (i, j): (1 - rivalry(i,j)) sum_k hostility(i,k) hostility(j,k), adversaries i and j share
  Eigen::MatrixXd scratch;       // n x n workspace

  // per actor results of the step
  Eigen::VectorXd trade_gain;    // US$ bn/yr gained from trade
  Eigen::VectorXd adequacy;      // economic adequacy: available / needed output
  Eigen::MatrixXd indicators;    // n x D interest indicators, [0,1]
  Eigen::VectorXd utility;       // n: interest-weighted indicators, [0,1]

  // per run accumulators for outcomes
  Eigen::VectorXd utility_sum;    // sum of utility over steps
  Eigen::MatrixXd indicator_sum;  // n x D sum of indicators over steps
  Eigen::MatrixXd aid_sum;        // n x n sum of economic aid and subsidies given, i -> j, over steps
  Eigen::MatrixXd gesture_sum;    // n x n sum of gestures given, i -> j, over steps
  Eigen::MatrixXd exchange_sum;   // n x n sum of resources returned for aid, i -> j, over steps
  Eigen::MatrixXd sold_sum;       // n x n sum of resources sold for a need, i -> j, over steps
  Eigen::VectorXd min_stability;  // lowest stability seen

  explicit RunState(const Scenario& sc);
  void reset(const Scenario& sc, std::uint32_t run_index);
};

}  // namespace sixparty
