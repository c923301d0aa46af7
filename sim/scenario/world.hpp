// world: the state variables of actors and dyads, as dense arrays indexed by actor id.
//
// A Scenario holds the initial World; each RunState holds its own copy, which the engine and
// scheduled events change. Dyad matrices are indexed (i, j) = from i to j.
#pragma once

#include <Eigen/Core>

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
  Eigen::MatrixXd subsidy;          // [0,1] share of the trade value i gives j as price subsidy
  Eigen::MatrixXd sanction;         // [0,1] share of trade i cuts toward j
  Eigen::MatrixXd expected_return;  // [0,1] i's learned return on aid to j

  void resize(int n, int resources);
};

inline void World::resize(int n, int r) {
  for (auto* v : {&output, &growth, &need, &autonomy, &alignment, &stability, &repression, &legitimacy,
                  &collapsed, &collapse_year})
    v->setZero(n);
  for (auto* m : {&stock, &income, &spendable, &stock0}) m->setZero(n, r);
  for (auto* m : {&affinity, &affinity_base, &rivalry, &commitment, &subsidy, &sanction, &expected_return})
    m->setZero(n, n);
}

}  // namespace sixparty
