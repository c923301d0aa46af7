// sensitivity: variance-based (Sobol') indices and Morris elementary effects from a design's outputs.
//
// Design. The estimators take a design from stats/design.hpp and one model output per design
// row, in the design's row order; the design's `role` and `group` say how the rows belong
// together, so nothing else is needed. All indices are on the unit-cube scale of the design.
//
// Sobol' indices (saltelli() designs). For base row j the design holds f(A_j), f(B_j) and
// f(A_B^(i)_j), where A_B^(i) is A with column i taken from B. With V the (population) variance of
// all 2n A and B values:
//   S1_i  saltelli2010  mean_j f(B_j) (f(A_B^(i)_j) - f(A_j)) / V      (Saltelli et al. 2010)
//         jansen        (V - mean_j (f(B_j) - f(A_B^(i)_j))^2 / 2) / V  (Jansen 1999)
//   ST_i  always Jansen mean_j (f(A_j) - f(A_B^(i)_j))^2 / 2 / V
// Before estimating, y is centred on the mean of the A and B values. The Jansen forms and V do
// not change; the saltelli2010 form loses a term c * mean_j (f(A_B^(i)_j) - f(A_j)) / V that
// an offset c in y would add (zero in expectation, pure noise in a sample), so every index is
// invariant to adding a constant to y. S1 estimates can fall slightly below 0 or S1 above ST
// by sampling error; they are not clipped.
//
// Morris (morris() designs). The elementary effect of factor i at a trajectory step that moves
// factor i is (y_t - y_(t-1)) / (u_t,i - u_(t-1),i). Per factor: mu = mean EE, mu_star =
// mean |EE| (Campolongo et al. 2007), sigma = sample standard deviation (n - 1) of the EEs.
//
// Intervals. Percentile bootstrap: the base rows j (each with all its k + 2 rows), or the
// trajectories, are resampled with replacement `resamples` times; the interval at `confidence`
// runs from the (1 - confidence)/2 to the (1 + confidence)/2 quantile of the resampled
// estimates (linear interpolation between order statistics, R type 7). Resample b draws its
// members from Rng(seed).uniform(b, member, 0, 0, kBootstrapPurpose, ...), so results are a
// pure function of (design, y, resamples, confidence, seed). resamples = 0 skips the bootstrap
// and leaves the interval bounds NaN.
//
// Degenerate outputs do not throw: when V = 0 (constant y) all Sobol' indices are NaN, and a
// bootstrap resample whose V is 0 is left out of the interval; sigma is NaN with one trajectory.
// Bad arguments throw std::invalid_argument: a design of the wrong kind or with inconsistent
// layout, y of the wrong length, a non-finite y (the message names the row), resamples < 0,
// confidence outside (0, 1).
//
//   UnitDesign d = saltelli(k, 4096, 7);
//   ... y[p] = model(d, p) for every row p ...
//   SobolIndices si = sobol_indices(d, y, SobolEstimator::jansen, 1000, 0.95, 11);
//   // si.s1[i] in [si.s1_low[i], si.s1_high[i]], si.st[i] in [si.st_low[i], si.st_high[i]]
#pragma once

#include "core/rng.hpp"
#include "stats/design.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sixparty {

// Rng purpose for the sensitivity bootstraps. Purpose 11 is not yet in core/rng.hpp's enum; once
// it is (as `sensitivity_bootstrap = 11`), this becomes Purpose::sensitivity_bootstrap.
inline constexpr Purpose kBootstrapPurpose = Purpose::sensitivity_bootstrap;

enum class SobolEstimator { saltelli2010, jansen };  // first-order estimator; total order is always Jansen (1999)
const char* sobol_estimator_name(SobolEstimator est);

struct SobolIndices {
  std::vector<double> s1, s1_low, s1_high;   // per factor, first order, with a bootstrap percentile interval
  std::vector<double> st, st_low, st_high;   // total order
  double variance = 0;                        // Var(Y) from the A and B rows
  std::size_t base_rows = 0;                  // n
};

// y: one value per design row, in the design's row order (saltelli() layout). Bootstrap resamples
// the base rows j (each with all its k+2 rows) `resamples` times; interval at `confidence`
// (e.g. 0.95), percentile method.
SobolIndices sobol_indices(const UnitDesign& d, const std::vector<double>& y, SobolEstimator est,
                           int resamples, double confidence, std::uint64_t seed);

struct MorrisEffects {
  std::vector<double> mu, mu_star, sigma;          // per factor, elementary effects in unit-cube scale
  std::vector<double> mu_star_low, mu_star_high;   // bootstrap percentile interval over trajectories
  std::size_t trajectories = 0;
};

// y: one value per design row (morris() layout); each trajectory must move every factor exactly
// once. The bootstrap resamples whole trajectories.
MorrisEffects morris_effects(const UnitDesign& d, const std::vector<double>& y, int resamples,
                             double confidence, std::uint64_t seed);

}  // namespace sixparty
