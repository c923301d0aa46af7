#include "state/run_state.hpp"

namespace sixparty {

RunState::RunState(const Scenario& sc) {
  const int n = sc.n(), R = sc.n_resources(), D = sc.n_dimensions();
  world = sc.initial;
  params = sc.params;
  interests = sc.interests;
  event_step.resize(sc.events.size());
  event_factor.resize(sc.events.size());
  trade_potential.setZero(n, n);
  exchange.setZero(n, n);
  sold.setZero(n, n);
  paid.setZero(n, n);
  gesture.setZero(n, n);
  gesture_plan.setZero(n, n);
  leverage.setZero(n, n);
  perceived.setZero(n, n);
  brokerage.setZero(n, n);
  pressure_target.setZero(n, n);
  pressure.setZero(n, n);
  demand.setZero(n, n);
  willing.setZero(n, n);
  market.setZero(n, n);
  counterweight.setZero(n, n);
  hostility.setZero(n, n);
  shared_rivals.setZero(n, n);
  scratch.setZero(n, n);
  trade.setZero(n, n);
  subsidy_flow.setZero(n, n);
  aid.assign(R, Eigen::MatrixXd::Zero(n, n));
  aid_plan.assign(R, Eigen::MatrixXd::Zero(n, n));
  budget.setZero(n, R);
  dependence.setZero(n, n);
  influence.setZero(n, n);
  inflow.setZero(n);
  courted.setOnes(n);
  trade_gain.setZero(n);
  adequacy.setOnes(n);
  indicators.setZero(n, D);
  utility.setZero(n);
  utility_sum.setZero(n);
  indicator_sum.setZero(n, D);
  aid_sum.setZero(n, n);
  gesture_sum.setZero(n, n);
  exchange_sum.setZero(n, n);
  sold_sum.setZero(n, n);
  min_stability.setOnes(n);
}

void RunState::reset(const Scenario& sc, std::uint32_t run_index) {
  // same sizes: Eigen assigns in place, nothing is allocated
  world.assign(sc.initial);
  params = sc.params;
  interests = sc.interests;
  // a RunState may serve the scenarios of a batch in turn: they share actors, not events
  event_step.resize(sc.events.size());
  event_factor.resize(sc.events.size());
  for (std::size_t k = 0; k < sc.events.size(); ++k) {
    event_step[k] = sc.events[k].step;
    event_factor[k] = sc.events[k].size;
  }
  draws.clear();
  run = run_index;
  step = 0;
  trade_potential.setZero();
  exchange.setZero();
  sold.setZero();
  paid.setZero();
  gesture.setZero();
  gesture_plan.setZero();
  leverage.setZero();
  perceived.setZero();
  brokerage.setZero();
  pressure_target.setZero();
  pressure.setZero();
  trade.setZero();
  subsidy_flow.setZero();
  for (auto& m : aid) m.setZero();
  for (auto& m : aid_plan) m.setZero();
  budget.setZero();
  dependence.setZero();
  influence.setZero();
  inflow.setZero();
  courted.setOnes();
  trade_gain.setZero();
  adequacy.setOnes();
  indicators.setZero();
  utility.setZero();
  utility_sum.setZero();
  indicator_sum.setZero();
  aid_sum.setZero();
  gesture_sum.setZero();
  exchange_sum.setZero();
  sold_sum.setZero();
  min_stability = world.stability;
}

}  // namespace sixparty
