#include "state/run_state.hpp"

namespace sixparty {

RunState::RunState(const Scenario& sc) {
  const int n = sc.n(), R = sc.n_resources(), D = sc.n_dimensions();
  world = sc.initial;
  trade_potential.setZero(n, n);
  trade.setZero(n, n);
  subsidy_flow.setZero(n, n);
  aid.assign(R, Eigen::MatrixXd::Zero(n, n));
  aid_plan.assign(R, Eigen::MatrixXd::Zero(n, n));
  dependence.setZero(n, n);
  influence.setZero(n, n);
  inflow.setZero(n);
  trade_gain.setZero(n);
  adequacy.setOnes(n);
  indicators.setZero(n, D);
  utility.setZero(n);
  utility_sum.setZero(n);
  min_stability.setOnes(n);
}

void RunState::reset(const Scenario& sc, std::uint32_t run_index) {
  // same sizes: Eigen assigns in place, nothing is allocated
  world.output = sc.initial.output;
  world.growth = sc.initial.growth;
  world.need = sc.initial.need;
  world.autonomy = sc.initial.autonomy;
  world.alignment = sc.initial.alignment;
  world.stability = sc.initial.stability;
  world.repression = sc.initial.repression;
  world.legitimacy = sc.initial.legitimacy;
  world.collapsed = sc.initial.collapsed;
  world.collapse_year = sc.initial.collapse_year;
  world.stock = sc.initial.stock;
  world.income = sc.initial.income;
  world.spendable = sc.initial.spendable;
  world.stock0 = sc.initial.stock0;
  world.affinity = sc.initial.affinity;
  world.affinity_base = sc.initial.affinity_base;
  world.rivalry = sc.initial.rivalry;
  world.commitment = sc.initial.commitment;
  world.subsidy = sc.initial.subsidy;
  world.sanction = sc.initial.sanction;
  world.expected_return = sc.initial.expected_return;
  run = run_index;
  step = 0;
  trade_potential.setZero();
  trade.setZero();
  subsidy_flow.setZero();
  for (auto& m : aid) m.setZero();
  for (auto& m : aid_plan) m.setZero();
  dependence.setZero();
  influence.setZero();
  inflow.setZero();
  trade_gain.setZero();
  adequacy.setOnes();
  indicators.setZero();
  utility.setZero();
  utility_sum.setZero();
  min_stability = world.stability;
}

}  // namespace sixparty
