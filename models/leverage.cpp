#include "models/leverage.hpp"

#include <algorithm>

namespace sixparty {

void compute_leverage(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  if (!sc.on(Mechanism::leverage)) {
    s.leverage.setZero();
    return;
  }
  const bool commitments = sc.on(Mechanism::commitments);
  // scratch(i, j) = sum_k rivalry(i, k) max(0, affinity(j, k)); k = i adds nothing (rivalry(i, i)
  // = 0), nor k = j (affinity(j, j) = 0)
  s.scratch.noalias() = w.rivalry.lazyProduct(w.affinity.cwiseMax(0.0).transpose());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double tilt = (i != j && w.collapsed[j] == 0) ? s.scratch(i, j) : 0.0;
      // a client can threaten to leave only a patron it is with
      s.leverage(i, j) = std::min(1.0, tilt) * std::max(0.0, w.affinity(j, i)) * 0.5 * (1.0 + (commitments ? w.commitment(i, j) : 0.0));
    }
}

}  // namespace sixparty
