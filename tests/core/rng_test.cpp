#include "core/rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace sixparty;

TEST_CASE("draws are a pure function of their coordinates") {
  const Rng a(42), b(42), c(43);
  CHECK(a.uniform(1, 2, 3, 4, Purpose::trade_noise) == b.uniform(1, 2, 3, 4, Purpose::trade_noise));
  CHECK(a.uniform(1, 2, 3, 4, Purpose::trade_noise) != c.uniform(1, 2, 3, 4, Purpose::trade_noise));
  // every coordinate matters
  const double base = a.uniform(1, 2, 3, 4, Purpose::trade_noise, 0);
  CHECK(a.uniform(2, 2, 3, 4, Purpose::trade_noise, 0) != base);
  CHECK(a.uniform(1, 3, 3, 4, Purpose::trade_noise, 0) != base);
  CHECK(a.uniform(1, 2, 4, 4, Purpose::trade_noise, 0) != base);
  CHECK(a.uniform(1, 2, 3, 5, Purpose::trade_noise, 0) != base);
  CHECK(a.uniform(1, 2, 3, 4, Purpose::aid_return, 0) != base);
  CHECK(a.uniform(1, 2, 3, 4, Purpose::trade_noise, 1) != base);
}

TEST_CASE("uniform and normal draws have the right moments") {
  const Rng rng(7);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;
  double lo = 1, hi = 0;
  for (int k = 0; k < n; ++k) {
    const double u = rng.uniform(static_cast<std::uint32_t>(k), 0, 0, 0, Purpose::stability_noise);
    const double z = rng.normal(static_cast<std::uint32_t>(k), 1, 0, 0, Purpose::stability_noise);
    su += u;
    su2 += u * u;
    sn += z;
    sn2 += z * z;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  CHECK(lo > 0.0);
  CHECK(hi < 1.0);
  CHECK(su / n == Approx(0.5).margin(0.005));
  CHECK(su2 / n - (su / n) * (su / n) == Approx(1.0 / 12).margin(0.002));
  CHECK(sn / n == Approx(0.0).margin(0.01));
  CHECK(sn2 / n == Approx(1.0).margin(0.01));
}
