// resample: the small statistical kernels shared by summaries, patterns, comparisons,
// sensitivity indices and batch files, each written once.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace sixparty {

// quantile q in [0, 1] of sorted values, linear interpolation between order statistics
// (Hyndman and Fan 1996, type 7: R's default and numpy's "linear"); NaN when empty
inline double quantile_sorted(const std::vector<double>& s, double q) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= s.size()) return s.back();
  return s[lo] + (h - static_cast<double>(lo)) * (s[lo + 1] - s[lo]);
}

// the index a uniform draw u in [0, 1) picks among n items in a bootstrap resample (n >= 1)
inline std::size_t resample_index(double u, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
}

// running mean and variance (Welford 1962), deterministic for a fixed order of values
struct RunningMoments {
  double n = 0, mean = 0, m2 = 0;
  void add(double x) {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  // NaN without values
  double mean_or_nan() const { return n > 0 ? mean : std::numeric_limits<double>::quiet_NaN(); }
  // sample sd; NaN below 2 values
  double sd() const { return n > 1 ? std::sqrt(m2 / (n - 1)) : std::numeric_limits<double>::quiet_NaN(); }
};

}  // namespace sixparty
