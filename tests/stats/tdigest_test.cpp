#include "stats/tdigest.hpp"
#include "stats/resample.hpp"

#include "core/rng.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace sixparty;

namespace {

// Hazen (R type 5) quantile of sorted values
double hazen(const std::vector<double>& sorted, double q) {
  const double h = q * sorted.size() - 0.5;
  if (h <= 0) return sorted.front();
  if (h >= sorted.size() - 1) return sorted.back();
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

}  // namespace

TEST_CASE("t-digest is exact for small samples (Hazen interpolation)") {
  const Rng rng(1);
  for (std::size_t n : {1u, 2u, 5u, 20u, 42u}) {
    std::vector<double> all;
    TDigest td(200);
    for (std::size_t block = 0; block < 3; ++block) {
      std::vector<double> batch;
      for (std::size_t k = 0; k < n; ++k) batch.push_back(rng.normal(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(block), 0, 0, Purpose::trade_noise));
      all.insert(all.end(), batch.begin(), batch.end());
      td.add_batch(batch);
    }
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() < 127);  // up to 2 delta / pi values every centroid is a single value
    for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) CHECK(td.quantile(q) == Approx(hazen(all, q)).epsilon(1e-12));
  }
}

TEST_CASE("t-digest rank error stays small for large samples, memory stays bounded") {
  const Rng rng(2);
  TDigest td(200);
  std::vector<double> all;
  for (std::uint32_t block = 0; block < 1000; ++block) {
    std::vector<double> batch;
    for (std::uint32_t k = 0; k < 64; ++k) {
      // skewed: log-normal
      batch.push_back(std::exp(rng.normal(k, block, 0, 0, Purpose::trade_noise)));
    }
    all.insert(all.end(), batch.begin(), batch.end());
    td.add_batch(batch);
  }
  std::sort(all.begin(), all.end());
  CHECK(td.count() == 64000);
  CHECK(td.centroids() < 200);  // bounded by about delta / 2 plus the singleton tails
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double est = td.quantile(q);
    const double rank = static_cast<double>(std::lower_bound(all.begin(), all.end(), est) - all.begin()) / all.size();
    INFO("q=" << q << " estimate " << est << " rank " << rank);
    CHECK(std::abs(rank - q) < 0.005);
  }
}

TEST_CASE("t-digest ignores non-finite values and is deterministic") {
  std::vector<double> a = {3, NAN, 1, INFINITY, 2};
  std::vector<double> b = a;
  TDigest x, y;
  x.add_batch(a);
  y.add_batch(b);
  CHECK(x.count() == 3);
  CHECK(x.quantile(0.5) == 2);
  CHECK(x.quantile(0.5) == y.quantile(0.5));
  TDigest empty;
  CHECK(std::isnan(empty.quantile(0.5)));
}

TEST_CASE("running moments match the two-pass formulas") {
  RunningMoments m;
  const std::vector<double> v = {1, 2, 4, 8, 16};
  for (double x : v) m.add(x);
  CHECK(m.mean == Approx(6.2));
  CHECK(m.sd() == Approx(std::sqrt(((1 - 6.2) * (1 - 6.2) + (2 - 6.2) * (2 - 6.2) + (4 - 6.2) * (4 - 6.2) +
                                    (8 - 6.2) * (8 - 6.2) + (16 - 6.2) * (16 - 6.2)) / 4)));
}
