#include "stats/resample.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <vector>

using namespace sixparty;

TEST_CASE("quantile_sorted interpolates like R's type 7 (numpy 'linear')") {
  const std::vector<double> v{1, 2, 4, 8, 16};
  // numpy.quantile([1, 2, 4, 8, 16], q): 0 -> 1, 0.1 -> 1.4, 0.5 -> 4, 0.9 -> 12.8, 1 -> 16
  CHECK(quantile_sorted(v, 0.0) == 1.0);
  CHECK(quantile_sorted(v, 0.1) == Approx(1.4).epsilon(1e-15));
  CHECK(quantile_sorted(v, 0.5) == 4.0);
  CHECK(quantile_sorted(v, 0.9) == Approx(12.8).epsilon(1e-15));
  CHECK(quantile_sorted(v, 1.0) == 16.0);
  CHECK(quantile_sorted({7.0}, 0.3) == 7.0);
  CHECK(std::isnan(quantile_sorted({}, 0.5)));
}

TEST_CASE("resample_index maps uniform draws onto every index, evenly, and never past the end") {
  CHECK(resample_index(0.0, 10) == 0);
  CHECK(resample_index(0.0999, 10) == 0);
  CHECK(resample_index(0.1, 10) == 1);
  CHECK(resample_index(0.99999999, 10) == 9);
  CHECK(resample_index(1.0, 10) == 9);  // a draw of exactly 1 (not produced by Rng) stays in range
  CHECK(resample_index(0.5, 1) == 0);
}

TEST_CASE("RunningMoments agrees with the two-pass mean and sample sd") {
  std::vector<double> x;
  for (int k = 0; k < 1000; ++k) x.push_back(std::sin(k * 0.37) * 1e3 + 5e6);  // large mean, small spread
  RunningMoments m;
  for (double v : x) m.add(v);
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  CHECK(m.mean == Approx(mean).epsilon(1e-14));
  CHECK(m.sd() == Approx(std::sqrt(ss / (x.size() - 1))).epsilon(1e-9));
  RunningMoments one;
  one.add(3);
  CHECK(one.mean_or_nan() == 3);
  CHECK(std::isnan(one.sd()));
  CHECK(std::isnan(RunningMoments{}.mean_or_nan()));
}
