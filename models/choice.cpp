#include "models/choice.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

int decision_acts(const Scenario& sc, const RunState& s) {
  const double acts = std::round(s.params.decision.acts_per_year * sc.dt);
  return static_cast<int>(std::clamp(acts, 1.0, 65535.0));  // the act index is 16 bits of the counter
}

void allocate_budget(const Scenario& sc, const RunState& s, const Rng& rng, Eigen::MatrixXd& plan, int i, double keep,
                     double total, double budget, std::uint32_t channel) {
  const int n = sc.n();
  if (sc.decisions == Decisions::expected) {
    for (int j = 0; j < n; ++j) plan(i, j) = budget * plan(i, j) / total;
    return;
  }
  const int acts = decision_acts(sc, s);
  // counts go into a second pass over the row: keep the weights until every act is placed
  int last = -1;  // the last option with a positive weight, for a uniform that rounding pushes past the end
  for (int j = 0; j < n; ++j)
    if (plan(i, j) > 0) last = j;
  thread_local std::vector<int> count;
  count.assign(static_cast<std::size_t>(n), 0);
  for (int u = 0; u < acts; ++u) {
    double x = rng.uniform(static_cast<std::uint32_t>(s.run), static_cast<std::uint32_t>(s.step), static_cast<std::uint32_t>(i),
                           channel, Purpose::decision, static_cast<std::uint32_t>(u)) *
               total;
    x -= keep;
    if (x < 0 || last < 0) continue;  // kept
    int chosen = last;
    for (int j = 0; j < n; ++j) {
      x -= plan(i, j);
      if (x < 0 && plan(i, j) > 0) {
        chosen = j;
        break;
      }
    }
    ++count[static_cast<std::size_t>(chosen)];
  }
  for (int j = 0; j < n; ++j) plan(i, j) = budget * count[static_cast<std::size_t>(j)] / acts;
}

double choose_sanction(const Scenario& sc, const RunState& s, const Rng& rng, int i, int j, double x) {
  if (sc.decisions == Decisions::expected) return x;
  const int acts = decision_acts(sc, s);
  int k = 0;
  for (int u = 0; u < acts; ++u)
    k += rng.uniform(static_cast<std::uint32_t>(s.run), static_cast<std::uint32_t>(s.step), static_cast<std::uint32_t>(i),
                     static_cast<std::uint32_t>(j), Purpose::sanction_decision, static_cast<std::uint32_t>(u)) < x;
  return static_cast<double>(k) / acts;
}

}  // namespace sixparty
