#include "stats/sensitivity.hpp"

#include "stats/resample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace sixparty {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rng coordinates of a bootstrap draw: run = resample, step = member of the resample, actor =
// target = 0, purpose = kBootstrapPurpose, index = which analysis (so the two never share draws).
constexpr std::uint32_t kSobolBootstrapDraw = 0;
constexpr std::uint32_t kMorrisBootstrapDraw = 1;

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

void check_common(const char* fn, const UnitDesign& d, const std::vector<double>& y, int resamples, double confidence) {
  const std::string f(fn);
  if (d.k < 1) bad(f + ": the design has no factors");
  if (d.u.size() != d.points * d.k) bad(f + ": the design's values do not match points x k");
  if (d.role.size() != d.points || d.group.size() != d.points) bad(f + ": the design's role/group do not match its points");
  if (y.size() != d.points)
    bad(f + ": expected one output per design row (" + std::to_string(d.points) + "), got " + std::to_string(y.size()));
  for (std::size_t p = 0; p < y.size(); ++p)
    if (!std::isfinite(y[p])) bad(f + ": output of design row " + std::to_string(p) + " is not finite");
  // finite outputs whose squares overflow would give a variance of infinity and indices of 0
  double ss = 0;
  for (double v : y) ss += v * v;
  if (!std::isfinite(ss)) bad(f + ": the outputs are too large for their variance to be finite (sums of squares overflow)");
  if (resamples < 0) bad(f + ": resamples must be >= 0, got " + std::to_string(resamples));
  if (!(confidence > 0 && confidence < 1)) bad(f + ": confidence must be in (0, 1), got " + std::to_string(confidence));
}

// percentile interval of the finite values in `reps` (sorted in place)
void percentile_interval(std::vector<double>& reps, double confidence, double& low, double& high) {
  reps.erase(std::remove_if(reps.begin(), reps.end(), [](double v) { return !std::isfinite(v); }), reps.end());
  std::sort(reps.begin(), reps.end());
  low = quantile_sorted(reps, (1 - confidence) / 2);
  high = quantile_sorted(reps, (1 + confidence) / 2);
}


// ---- Sobol' ---------------------------------------------------------------------------------

// outputs of a saltelli() design, split by role
struct SaltelliOutputs {
  std::size_t k = 0, n = 0;
  std::vector<double> a, b;  // n each
  std::vector<double> ab;    // k x n: ab[i * n + j] = f(A_B^(i)_j)
};

struct SobolPoint {
  std::vector<double> s1, st;
  double variance = 0;
};

// indices from the base rows rows[0..m) (repeats allowed: a bootstrap resample)
void sobol_estimate(const SaltelliOutputs& o, const std::vector<std::size_t>& rows, SobolEstimator est, SobolPoint& out) {
  const std::size_t k = o.k;
  const double m = static_cast<double>(rows.size());
  double sum = 0;
  for (std::size_t j : rows) sum += o.a[j] + o.b[j];
  const double centre = sum / (2 * m);
  double ss = 0;
  for (std::size_t j : rows) {
    const double da = o.a[j] - centre, db = o.b[j] - centre;
    ss += da * da + db * db;
  }
  const double v = ss / (2 * m);
  out.variance = v;
  out.s1.assign(k, kNaN);
  out.st.assign(k, kNaN);
  if (!(v > 0)) return;
  for (std::size_t i = 0; i < k; ++i) {
    const double* ab = &o.ab[i * o.n];
    double first = 0, total = 0;
    for (std::size_t j : rows) {
      const double fa = o.a[j], fb = o.b[j], fab = ab[j];
      if (est == SobolEstimator::saltelli2010) {
        first += (fb - centre) * (fab - fa);
      } else {
        first += (fb - fab) * (fb - fab);
      }
      total += (fa - fab) * (fa - fab);
    }
    out.s1[i] = est == SobolEstimator::saltelli2010 ? first / m / v : (v - first / m / 2) / v;
    out.st[i] = total / m / 2 / v;
  }
}

SaltelliOutputs split_saltelli(const UnitDesign& d, const std::vector<double>& y) {
  const std::size_t k = d.k;
  const std::size_t block = k + 2;
  if (d.points % block != 0 || d.points / block < 2)
    bad("sobol_indices: a saltelli design has n (k + 2) rows with n >= 2, got " + std::to_string(d.points) +
        " rows for k = " + std::to_string(k));
  SaltelliOutputs o;
  o.k = k;
  o.n = d.points / block;
  o.a.resize(o.n);
  o.b.resize(o.n);
  o.ab.resize(k * o.n);
  for (std::size_t j = 0; j < o.n; ++j) {
    for (std::size_t r = 0; r < block; ++r) {
      const std::size_t p = j * block + r;
      const int want = r == 0 ? -1 : (r == k + 1 ? static_cast<int>(k) : static_cast<int>(r - 1));
      if (d.role[p] != want || d.group[p] != j)
        bad("sobol_indices: design row " + std::to_string(p) + " is not in saltelli() order (role " +
            std::to_string(d.role[p]) + ", expected " + std::to_string(want) + ")");
      if (r == 0) {
        o.a[j] = y[p];
      } else if (r == k + 1) {
        o.b[j] = y[p];
      } else {
        o.ab[(r - 1) * o.n + j] = y[p];
      }
    }
  }
  return o;
}

// ---- Morris ---------------------------------------------------------------------------------

struct MorrisPoint {
  std::vector<double> mu, mu_star, sigma;
};

// statistics of the elementary effects ee (r x k) over trajectories rows[0..m)
void morris_estimate(const std::vector<double>& ee, std::size_t k, const std::vector<std::size_t>& rows, MorrisPoint& out) {
  const double m = static_cast<double>(rows.size());
  out.mu.assign(k, 0);
  out.mu_star.assign(k, 0);
  out.sigma.assign(k, kNaN);
  for (std::size_t i = 0; i < k; ++i) {
    double s = 0, sa = 0;
    for (std::size_t t : rows) {
      s += ee[t * k + i];
      sa += std::fabs(ee[t * k + i]);
    }
    const double mean = s / m;
    out.mu[i] = mean;
    out.mu_star[i] = sa / m;
    if (rows.size() > 1) {
      double ss = 0;
      for (std::size_t t : rows) ss += (ee[t * k + i] - mean) * (ee[t * k + i] - mean);
      out.sigma[i] = std::sqrt(ss / (m - 1));
    }
  }
}

}  // namespace

const char* sobol_estimator_name(SobolEstimator est) {
  switch (est) {
    case SobolEstimator::saltelli2010: return "saltelli2010";
    case SobolEstimator::jansen: return "jansen";
  }
  return "unknown";
}

SobolIndices sobol_indices(const UnitDesign& d, const std::vector<double>& y, SobolEstimator est, int resamples,
                           double confidence, std::uint64_t seed) {
  if (d.kind != DesignKind::sobol)
    bad(std::string("sobol_indices: needs a saltelli() design, got a ") + design_kind_name(d.kind) + " design");
  if (est != SobolEstimator::saltelli2010 && est != SobolEstimator::jansen) bad("sobol_indices: unknown estimator");
  check_common("sobol_indices", d, y, resamples, confidence);
  const SaltelliOutputs o = split_saltelli(d, y);
  const std::size_t k = o.k, n = o.n;

  std::vector<std::size_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = j;
  SobolPoint full;
  sobol_estimate(o, rows, est, full);

  SobolIndices res;
  res.s1 = full.s1;
  res.st = full.st;
  res.variance = full.variance;
  res.base_rows = n;
  res.s1_low.assign(k, kNaN);
  res.s1_high.assign(k, kNaN);
  res.st_low.assign(k, kNaN);
  res.st_high.assign(k, kNaN);
  if (resamples == 0 || !(full.variance > 0)) return res;

  const Rng rng(seed);
  const auto reps = static_cast<std::size_t>(resamples);
  std::vector<double> rep_s1(k * reps), rep_st(k * reps);  // factor-major
  SobolPoint bp;
  for (std::size_t b = 0; b < reps; ++b) {
    for (std::size_t j = 0; j < n; ++j)
      rows[j] = resample_index(rng.uniform(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(j), 0, 0, kBootstrapPurpose,
                                 kSobolBootstrapDraw), n);
    sobol_estimate(o, rows, est, bp);
    for (std::size_t i = 0; i < k; ++i) {
      rep_s1[i * reps + b] = bp.s1[i];
      rep_st[i * reps + b] = bp.st[i];
    }
  }
  std::vector<double> tmp;
  for (std::size_t i = 0; i < k; ++i) {
    tmp.assign(rep_s1.begin() + static_cast<std::ptrdiff_t>(i * reps), rep_s1.begin() + static_cast<std::ptrdiff_t>((i + 1) * reps));
    percentile_interval(tmp, confidence, res.s1_low[i], res.s1_high[i]);
    tmp.assign(rep_st.begin() + static_cast<std::ptrdiff_t>(i * reps), rep_st.begin() + static_cast<std::ptrdiff_t>((i + 1) * reps));
    percentile_interval(tmp, confidence, res.st_low[i], res.st_high[i]);
  }
  return res;
}

MorrisEffects morris_effects(const UnitDesign& d, const std::vector<double>& y, int resamples, double confidence,
                             std::uint64_t seed) {
  if (d.kind != DesignKind::morris)
    bad(std::string("morris_effects: needs a morris() design, got a ") + design_kind_name(d.kind) + " design");
  check_common("morris_effects", d, y, resamples, confidence);
  const std::size_t k = d.k;
  const std::size_t len = k + 1;
  if (d.points % len != 0 || d.points == 0)
    bad("morris_effects: a morris design has r (k + 1) rows with r >= 1, got " + std::to_string(d.points) +
        " rows for k = " + std::to_string(k));
  const std::size_t r = d.points / len;

  // elementary effects, r x k; each trajectory must move every factor exactly once
  std::vector<double> ee(r * k);
  std::vector<char> seen(k);
  for (std::size_t t = 0; t < r; ++t) {
    const std::size_t base = t * len;
    if (d.role[base] != -1 || d.group[base] != t)
      bad("morris_effects: design row " + std::to_string(base) + " should start trajectory " + std::to_string(t));
    std::fill(seen.begin(), seen.end(), 0);
    for (std::size_t s = 1; s < len; ++s) {
      const std::size_t p = base + s;
      const int f = d.role[p];
      if (f < 0 || static_cast<std::size_t>(f) >= k || d.group[p] != t)
        bad("morris_effects: design row " + std::to_string(p) + " has no valid factor/trajectory");
      const auto fi = static_cast<std::size_t>(f);
      if (seen[fi]) bad("morris_effects: trajectory " + std::to_string(t) + " moves factor " + std::to_string(f) + " twice");
      seen[fi] = 1;
      for (std::size_t i = 0; i < k; ++i)
        if (i != fi && d.at(p, i) != d.at(p - 1, i))
          bad("morris_effects: design row " + std::to_string(p) + " changes more than factor " + std::to_string(f));
      const double du = d.at(p, fi) - d.at(p - 1, fi);
      if (du == 0) bad("morris_effects: design row " + std::to_string(p) + " does not move factor " + std::to_string(f));
      ee[t * k + fi] = (y[p] - y[p - 1]) / du;
    }
  }

  std::vector<std::size_t> rows(r);
  for (std::size_t t = 0; t < r; ++t) rows[t] = t;
  MorrisPoint full;
  morris_estimate(ee, k, rows, full);

  MorrisEffects res;
  res.mu = full.mu;
  res.mu_star = full.mu_star;
  res.sigma = full.sigma;
  res.trajectories = r;
  res.mu_star_low.assign(k, kNaN);
  res.mu_star_high.assign(k, kNaN);
  if (resamples == 0) return res;

  const Rng rng(seed);
  const auto reps = static_cast<std::size_t>(resamples);
  std::vector<double> rep(k * reps);
  MorrisPoint bp;
  for (std::size_t b = 0; b < reps; ++b) {
    for (std::size_t t = 0; t < r; ++t)
      rows[t] = resample_index(rng.uniform(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(t), 0, 0, kBootstrapPurpose,
                                 kMorrisBootstrapDraw), r);
    morris_estimate(ee, k, rows, bp);
    for (std::size_t i = 0; i < k; ++i) rep[i * reps + b] = bp.mu_star[i];
  }
  std::vector<double> tmp;
  for (std::size_t i = 0; i < k; ++i) {
    tmp.assign(rep.begin() + static_cast<std::ptrdiff_t>(i * reps), rep.begin() + static_cast<std::ptrdiff_t>((i + 1) * reps));
    percentile_interval(tmp, confidence, res.mu_star_low[i], res.mu_star_high[i]);
  }
  return res;
}

}  // namespace sixparty
