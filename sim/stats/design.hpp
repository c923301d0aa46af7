// design: sampling plans on the unit hypercube for parameter studies and sensitivity analysis.
//
// Design. Every design here is a table of points in [0, 1]^k (row-major, one row per model
// evaluation); mapping a column to a factor's range or distribution is the caller's job (a
// uniform factor on [lo, hi] is lo + (hi - lo) u, another distribution takes its quantile at u).
// Besides the values, each row carries a `role` and a `group` that tell the estimators in
// stats/sensitivity.hpp how the rows belong together (which rows form a Saltelli block or a
// Morris trajectory), so the estimators need nothing but the design and one output per row.
//
// Randomness comes from the counter-based Rng (core/rng.hpp), keyed by the design seed, with the
// row in the `run` field and the column in the `step` field: a design is a pure function of its
// arguments, bit-identical on any machine and thread count. The Sobol' sequence is computed per
// point from its index (no generator state), so any point or block of points can be made alone.
//
//   UnitDesign d = saltelli(3, 4096, 7);            // 4096 * (3 + 2) rows
//   std::vector<double> y(d.points);
//   for (std::size_t p = 0; p < d.points; ++p) y[p] = model(lo + (hi - lo) * d.at(p, 0), ...);
//   SobolIndices s = sobol_indices(d, y, SobolEstimator::jansen, 1000, 0.95, 11);
//
// The designs:
//   factorial        every combination of `levels[i]` equally spaced values {0, ..., 1} per factor
//   latin_hypercube  n rows; each column is a random permutation of the n strata [s/n, (s+1)/n)
//                    with a uniform position inside each stratum (McKay, Beckman, Conover 1979)
//   saltelli         Sobol' indices by the Saltelli (2010) scheme without second-order terms, in
//                    SALib's row order: for each base row j, A_j, A_B^(1)_j, ..., A_B^(k)_j, B_j.
//                    A and B are the first and second k columns of a 2k-dimensional Sobol'
//                    sequence that skips the origin, optionally randomised by a digital shift
//   morris           r one-at-a-time trajectories of k + 1 rows on a p-level grid (Morris 1991)
#pragma once

#include "core/rng.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sixparty {

// Rng purpose for design sampling. Purpose 10 is not yet in core/rng.hpp's enum; once it is
// (as `design = 10`), this becomes Purpose::design.
inline constexpr Purpose kDesignPurpose = Purpose::design;

enum class DesignKind { factorial, latin_hypercube, sobol, morris, imported };
const char* design_kind_name(DesignKind kind);

struct UnitDesign {
  DesignKind kind = DesignKind::factorial;
  std::size_t k = 0;              // factors
  std::size_t points = 0;         // rows
  std::vector<double> u;          // points x k, row-major, each value in [0, 1]
  // sobol: role of each row: -1 = A, k = B, i in [0,k) = A_B^(i) (A with column i from B)
  // morris: index of the factor changed from the previous row, -1 for a trajectory's first row
  // factorial / latin_hypercube: -1
  std::vector<int> role;
  // sobol: the base row j of each point; morris: the trajectory; others: the row itself
  std::vector<std::size_t> group;
  double at(std::size_t p, std::size_t i) const { return u[p * k + i]; }
};

// Full factorial: one row per combination of levels; factor i takes levels[i] >= 2 equally
// spaced values {0, 1/(levels[i]-1), ..., 1}. The last factor varies fastest. At most 2^32 rows.
UnitDesign factorial(const std::vector<int>& levels);

// An imported design of n rows (its values come from a file, each factor's n values as its
// levels in row order): row p is u = p / (n - 1) in every column (0 when n = 1), which a
// factor's levels map back to its p-th value exactly.
UnitDesign imported_rows(std::size_t k, std::size_t n);

// Latin hypercube: n rows; each column is a random permutation of the n strata with a uniform
// position inside each stratum, so floor(n u) takes each value 0..n-1 exactly once per column.
// k >= 1, 1 <= n <= 2^32. Values are in (0, 1).
UnitDesign latin_hypercube(std::size_t k, std::size_t n, std::uint64_t seed);

// Largest k for saltelli(): the direction-number table covers 2 * 20 = 40 dimensions.
inline constexpr std::size_t kMaxSobolFactors = 20;

// Saltelli (2010) scheme with calc_second_order = false, in SALib's row order: for each base row
// j = 0..n-1: A_j, A_B^(1)_j, ..., A_B^(k)_j, B_j -> n (k + 2) rows. A and B are columns 0..k-1
// and k..2k-1 of point j + 1 of the 2k-dimensional Sobol' sequence (the origin, point 0, is
// skipped). seed != 0 applies a random digital shift (XOR of a random 32-bit word per dimension,
// which keeps the net structure); seed 0 gives the plain Sobol' points. n >= 2 and n < 2^32;
// the estimators converge best when n is a power of two (then A and B together are a (t, m, 2k)-net
// apart from the skipped origin). 1 <= k <= kMaxSobolFactors.
UnitDesign saltelli(std::size_t k, std::size_t n, std::uint64_t seed);

// Morris (1991) trajectories on the grid {0, 1/(p-1), ..., 1} (p = levels, even, >= 2) with step
// Delta = p / (2 (p - 1)). Each of the r trajectories has k + 1 rows: it starts at a uniformly
// random grid point (every coordinate from which exactly one of +Delta, -Delta stays in [0, 1],
// which for even p is every level) and changes the factors one at a time, in a random order,
// each by that +-Delta. -> r (k + 1) rows. k >= 1, r >= 1, r (k + 1) <= 2^32.
UnitDesign morris(std::size_t k, std::size_t r, int levels, std::uint64_t seed);

// The Sobol' sequence in up to 40 dimensions: dimension 1 is van der Corput in base 2, dimensions
// 2..40 use the direction numbers of Joe and Kuo (2008), table new-joe-kuo-6.21201. Points are in
// the standard (Gray-code) order used by Joe and Kuo's generator, SALib and SciPy, but each point
// is computed directly from its index: point n is the XOR of the direction numbers v_b over the
// set bits b of gray(n) = n ^ (n >> 1). So point(n) needs no state and no predecessors.
// The first 2^m points of any dimension put one point in every interval [s/2^m, (s+1)/2^m).
class SobolSequence {
 public:
  static constexpr std::size_t kMaxDims = 2 * kMaxSobolFactors;
  static constexpr int kBits = 32;

  // 1 <= dims <= kMaxDims
  explicit SobolSequence(std::size_t dims);
  std::size_t dims() const { return dims_; }

  // point `index` (0 = origin), index < 2^32, written to out[0..dims); values j / 2^32 in [0, 1)
  void point(std::uint64_t index, double* out) const;
  // the same as 32-bit integers (value * 2^32), optionally XORed with shift[0..dims) (may be null)
  void point_bits(std::uint64_t index, std::uint32_t* out, const std::uint32_t* shift = nullptr) const;

 private:
  std::size_t dims_;
  std::vector<std::uint32_t> v_;  // dims x kBits direction numbers, v_[d * kBits + b]
};

}  // namespace sixparty
