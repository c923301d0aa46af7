// world: the state variables of actors and dyads, as dense arrays indexed by actor id.
//
// A Scenario holds the initial World; each RunState holds its own copy, which the engine and
// scheduled events change. Dyad matrices are indexed (i, j) = from i to j.
#pragma once

#include <Eigen/Core>

#include <array>

namespace sixparty {

struct World {
  // actors (n)
  Eigen::VectorXd output;      // economic size, US$ bn per year
  Eigen::VectorXd growth;      // output growth, per year
  Eigen::VectorXd need;        // output needed for a content population, US$ bn per year
  Eigen::VectorXd autonomy;    // [0,1] share of dependence that does not turn into compliance
  Eigen::VectorXd alignment;   // [-1,1] -1 continental bloc, +1 US-led bloc
  Eigen::VectorXd stability;   // [0,1] regime stability
  Eigen::VectorXd repression;  // [0,1] repression capacity
  Eigen::VectorXd legitimacy;  // [0,1] legitimacy
  Eigen::VectorXd collapsed;   // 0 or 1: the regime has collapsed
  Eigen::VectorXd collapse_year;  // year of collapse, NaN while standing
  Eigen::VectorXd nuclear;     // [0,1] nuclear weapons capability that others worry about (exogenous)
  Eigen::VectorXd population;  // million people
  Eigen::VectorXd frontier;    // million people in the border regions that would receive refugees
  Eigen::VectorXd refugees;    // million refugees received so far
  Eigen::VectorXd prestige;    // status earned by gestures and brokerage, diplomatic units
  Eigen::VectorXd reform;      // [0,1] progress of a gradual, China-style opening
  Eigen::VectorXd reform_drive;  // per year: how fast the leadership pursues reform (exogenous)
  Eigen::VectorXd war;         // 0 or 1: at war now (regime.hpp)
  Eigen::VectorXd war_year;    // year the actor's first war began, NaN if none
  Eigen::VectorXd war_end_year;  // year the actor's last war ended, NaN if none has ended
  Eigen::VectorXd war_ever;    // 0 or 1: has been at war since the start of the run
  Eigen::VectorXd war_time;    // years spent at war since the start of the run
  Eigen::VectorXd war_count;   // wars joined since the start of the run
  Eigen::VectorXd war_id;      // 0 at peace; else 1 + the index of the actor whose war it joined first
  Eigen::VectorXd war_side;    // 0 at peace; +1 or -1: which side of its war
  Eigen::VectorXd war_since;   // year the actor's current war began (for every member), NaN at peace
  Eigen::VectorXd war_loss;    // share of output lost in the current war so far (war_costs)
  Eigen::VectorXd war_abroad;  // 0 or 1: at war outside the region (set by events; no opponent modelled)
  // actors x resources (n x R)
  Eigen::MatrixXd stock;       // resource units
  Eigen::MatrixXd income;      // resource units per year
  Eigen::MatrixXd spendable;   // share of the stock spendable abroad per year
  Eigen::MatrixXd stock0;      // initial stock (reference for capacities)
  // dyads (n x n), (i, j) = i toward j
  Eigen::MatrixXd affinity;         // [-1,1] i's image of j
  Eigen::MatrixXd affinity_base;    // [-1,1] the level affinity relaxes to
  Eigen::MatrixXd rivalry;          // [0,1] symmetric
  Eigen::MatrixXd commitment;       // [0,1] i's treaty obligation toward j
  Eigen::MatrixXd subsidy;          // [0,1] share of i's economic aid to j given as a price subsidy on their trade
  Eigen::MatrixXd sanction;         // [0,1] share of trade i cuts toward j (pressure moves it)
  Eigen::MatrixXd sanction_floor;   // [0,1] the sanction i keeps whatever it decides (exogenous)
  Eigen::MatrixXd border;           // [0,1] share of i's refugees that would go to j
  Eigen::MatrixXd visibility;       // >= 0: how visibly i courts j, from i's gestures to j (fading)
  Eigen::MatrixXd distance;         // thousand km between the economic centres (symmetric)
  Eigen::MatrixXd expected_return;  // [0,1] i's learned return on aid to j

  void resize(int n, int resources);
  // copy values from a world of the same sizes without allocating
  void assign(const World& o);
};

template <class W>
auto world_vectors(W& w) {
  return std::array{&w.output, &w.growth, &w.need, &w.autonomy, &w.alignment, &w.stability, &w.repression,
                    &w.legitimacy, &w.collapsed, &w.collapse_year, &w.nuclear, &w.population, &w.frontier,
                    &w.refugees, &w.prestige, &w.reform, &w.reform_drive, &w.war, &w.war_year,
                    &w.war_end_year, &w.war_ever, &w.war_time, &w.war_count, &w.war_id, &w.war_side, &w.war_since, &w.war_loss,
                    &w.war_abroad};
}
template <class W>
auto world_matrices(W& w) {
  return std::array{&w.stock, &w.income, &w.spendable, &w.stock0, &w.affinity, &w.affinity_base, &w.rivalry,
                    &w.commitment, &w.subsidy, &w.sanction, &w.sanction_floor, &w.border, &w.visibility,
                    &w.distance, &w.expected_return};
}

inline void World::resize(int n, int r) {
  for (auto* v : world_vectors(*this)) v->setZero(n);
  for (auto* m : world_matrices(*this)) m->setZero(n, n);
  for (auto* m : {&stock, &income, &spendable, &stock0}) m->setZero(n, r);
}

inline void World::assign(const World& o) {
  const auto dv = world_vectors(*this);
  const auto sv = world_vectors(o);
  for (std::size_t k = 0; k < dv.size(); ++k) *dv[k] = *sv[k];
  const auto dm = world_matrices(*this);
  const auto sm = world_matrices(o);
  for (std::size_t k = 0; k < dm.size(); ++k) *dm[k] = *sm[k];
}


}  // namespace sixparty
