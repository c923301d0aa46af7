#include "models/leverage.hpp"

#include <algorithm>

namespace sixparty {

void compute_leverage(const Scenario& sc, RunState& s) {
  const World& w = s.world;
  const int n = sc.n();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double tilt = 0;
      if (i != j && w.collapsed[j] == 0) {
        for (int k = 0; k < n; ++k)
          if (k != i && k != j) tilt += w.rivalry(i, k) * std::max(0.0, w.affinity(j, k));
      }
      s.leverage(i, j) = std::min(1.0, tilt) * 0.5 * (1.0 + w.commitment(i, j));
    }
  }
}

}  // namespace sixparty
