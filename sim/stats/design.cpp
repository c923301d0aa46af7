#include "stats/design.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace sixparty {

namespace {

// Rng coordinates of the design draws: run = row (or trajectory), step = column (or factor),
// actor = target = 0, purpose = kDesignPurpose, and the `index` field says which draw it is.
constexpr std::uint32_t kLhsPermutationDraw = 0;  // Fisher-Yates swap partner of a stratum
constexpr std::uint32_t kLhsJitterDraw = 1;       // position inside the stratum
constexpr std::uint32_t kSobolShiftDraw = 2;      // digital shift of one Sobol' dimension
constexpr std::uint32_t kMorrisStartDraw = 3;     // starting level of one factor
constexpr std::uint32_t kMorrisOrderDraw = 4;     // order in which a trajectory moves the factors

constexpr std::uint64_t kMaxRows = std::uint64_t{1} << 32;  // rows are addressed by a 32-bit field

// Initial direction numbers for Sobol' dimensions 2..40, from S. Joe and F. Y. Kuo,
// "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput.
// 30, 2635-2654 (2008), table new-joe-kuo-6.21201 (the rows d = 2..40 of that file). s is the
// degree of the primitive polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, `a` packs its inner
// coefficients a_1..a_(s-1) (a_1 the most significant bit), and m_1..m_s are the odd initial
// direction integers (m_i < 2^i).
struct JoeKuoRow {
  int s;
  std::uint32_t a;
  std::uint32_t m[8];
};

constexpr JoeKuoRow kJoeKuo[SobolSequence::kMaxDims - 1] = {
    {1, 0, {1}},                                // d = 2
    {2, 1, {1, 3}},                             // d = 3
    {3, 1, {1, 3, 1}},                          // d = 4
    {3, 2, {1, 1, 1}},                          // d = 5
    {4, 1, {1, 1, 3, 3}},                       // d = 6
    {4, 4, {1, 3, 5, 13}},                      // d = 7
    {5, 2, {1, 1, 5, 5, 17}},                   // d = 8
    {5, 4, {1, 1, 5, 5, 5}},                    // d = 9
    {5, 7, {1, 1, 7, 11, 19}},                  // d = 10
    {5, 11, {1, 1, 5, 1, 1}},                   // d = 11
    {5, 13, {1, 1, 1, 3, 11}},                  // d = 12
    {5, 14, {1, 3, 5, 5, 31}},                  // d = 13
    {6, 1, {1, 3, 3, 9, 7, 49}},                // d = 14
    {6, 13, {1, 1, 1, 15, 21, 21}},             // d = 15
    {6, 16, {1, 3, 1, 13, 27, 49}},             // d = 16
    {6, 19, {1, 1, 1, 15, 7, 5}},               // d = 17
    {6, 22, {1, 3, 1, 15, 13, 25}},             // d = 18
    {6, 25, {1, 1, 5, 5, 19, 61}},              // d = 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},         // d = 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},          // d = 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},           // d = 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},            // d = 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},         // d = 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},          // d = 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},         // d = 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},           // d = 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},           // d = 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},          // d = 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},          // d = 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},          // d = 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},          // d = 32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},           // d = 33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},          // d = 34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},          // d = 35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},          // d = 36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},           // d = 37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},    // d = 38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},     // d = 39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},    // d = 40
};

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

// (s + w) / n for w in (0, 1), nudged so that floor(x n) == s despite rounding
double in_stratum(std::size_t s, std::size_t n, double w) {
  const double dn = static_cast<double>(n);
  double x = (static_cast<double>(s) + w) / dn;
  while (x > 0 && static_cast<std::size_t>(x * dn) > s) x = std::nextafter(x, 0.0);
  while (x < 1 && static_cast<std::size_t>(x * dn) < s) x = std::nextafter(x, 1.0);
  return x;
}

// index in [0, m) from a uniform draw w in (0, 1)
std::size_t pick(double w, std::size_t m) {
  const auto j = static_cast<std::size_t>(w * static_cast<double>(m));
  return std::min(j, m - 1);
}

void check_factors(const char* fn, std::size_t k) {
  if (k < 1) bad(std::string(fn) + ": need at least one factor (k >= 1)");
  if (k > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    bad(std::string(fn) + ": too many factors (" + std::to_string(k) + ")");
}

}  // namespace

const char* design_kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::factorial: return "factorial";
    case DesignKind::latin_hypercube: return "latin_hypercube";
    case DesignKind::sobol: return "sobol";
    case DesignKind::morris: return "morris";
    case DesignKind::imported: return "imported";
  }
  return "unknown";
}

namespace {

// n rows of k zeros, each row its own group, no roles (factorial, Latin hypercube, imported)
UnitDesign plain_rows(DesignKind kind, std::size_t k, std::size_t n) {
  UnitDesign d;
  d.kind = kind;
  d.k = k;
  d.points = n;
  d.u.resize(n * k);
  d.role.assign(n, -1);
  d.group.resize(n);
  for (std::size_t p = 0; p < n; ++p) d.group[p] = p;
  return d;
}

}  // namespace

UnitDesign imported_rows(std::size_t k, std::size_t n) {
  UnitDesign d = plain_rows(DesignKind::imported, k, n);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t i = 0; i < k; ++i) d.u[p * k + i] = n > 1 ? static_cast<double>(p) / static_cast<double>(n - 1) : 0.0;
  return d;
}

// ---- Sobol' sequence ------------------------------------------------------------------------

SobolSequence::SobolSequence(std::size_t dims) : dims_(dims) {
  if (dims < 1 || dims > kMaxDims)
    bad("SobolSequence: dimensions must be 1.." + std::to_string(kMaxDims) + ", got " + std::to_string(dims));
  v_.assign(dims * kBits, 0);
  // dimension 1: van der Corput, v_i = 2^(32 - i) (i = 1..32 stored at b = i - 1)
  for (int b = 0; b < kBits; ++b) v_[static_cast<std::size_t>(b)] = std::uint32_t{1} << (kBits - 1 - b);
  for (std::size_t d = 1; d < dims; ++d) {
    const JoeKuoRow& row = kJoeKuo[d - 1];
    std::uint32_t* v = &v_[d * kBits];
    const int s = row.s;
    for (int i = 1; i <= std::min(s, kBits); ++i) v[i - 1] = row.m[i - 1] << (kBits - i);
    // v_i = v_(i-s) ^ (v_(i-s) >> s) ^ sum_(q=1..s-1) a_q v_(i-q)
    for (int i = s + 1; i <= kBits; ++i) {
      std::uint32_t x = v[i - s - 1] ^ (v[i - s - 1] >> s);
      for (int q = 1; q < s; ++q)
        if ((row.a >> (s - 1 - q)) & 1u) x ^= v[i - q - 1];
      v[i - 1] = x;
    }
  }
}

void SobolSequence::point_bits(std::uint64_t index, std::uint32_t* out, const std::uint32_t* shift) const {
  if (index >= (std::uint64_t{1} << kBits))
    bad("SobolSequence: point index " + std::to_string(index) + " is past 2^32 - 1");
  const std::uint64_t gray = index ^ (index >> 1);
  for (std::size_t d = 0; d < dims_; ++d) {
    const std::uint32_t* v = &v_[d * kBits];
    std::uint32_t x = shift ? shift[d] : 0u;
    for (std::uint64_t g = gray; g != 0; g &= g - 1) x ^= v[std::countr_zero(g)];
    out[d] = x;
  }
}

void SobolSequence::point(std::uint64_t index, double* out) const {
  std::vector<std::uint32_t> bits(dims_);
  point_bits(index, bits.data());
  for (std::size_t d = 0; d < dims_; ++d) out[d] = static_cast<double>(bits[d]) * 0x1.0p-32;
}

// ---- designs --------------------------------------------------------------------------------

UnitDesign factorial(const std::vector<int>& levels) {
  const std::size_t k = levels.size();
  check_factors("factorial", k);
  std::uint64_t rows = 1;
  for (std::size_t i = 0; i < k; ++i) {
    if (levels[i] < 2)
      bad("factorial: factor " + std::to_string(i) + " needs at least 2 levels, got " + std::to_string(levels[i]));
    rows *= static_cast<std::uint64_t>(levels[i]);
    if (rows > kMaxRows) bad("factorial: more than 2^32 rows");
  }
  UnitDesign d = plain_rows(DesignKind::factorial, k, static_cast<std::size_t>(rows));
  for (std::size_t p = 0; p < d.points; ++p) {
    std::size_t rest = p;
    for (std::size_t i = k; i-- > 0;) {
      const auto l = static_cast<std::size_t>(levels[i]);
      d.u[p * k + i] = static_cast<double>(rest % l) / static_cast<double>(l - 1);
      rest /= l;
    }
  }
  return d;
}

UnitDesign latin_hypercube(std::size_t k, std::size_t n, std::uint64_t seed) {
  check_factors("latin_hypercube", k);
  if (n < 1 || n > kMaxRows) bad("latin_hypercube: rows must be 1..2^32, got " + std::to_string(n));
  const Rng rng(seed);
  UnitDesign d = plain_rows(DesignKind::latin_hypercube, k, n);
  std::vector<std::size_t> perm(n);
  for (std::size_t c = 0; c < k; ++c) {
    const auto col = static_cast<std::uint32_t>(c);
    for (std::size_t p = 0; p < n; ++p) perm[p] = p;
    for (std::size_t p = n; p-- > 1;) {  // Fisher-Yates: swap p with a uniform partner in [0, p]
      const double w = rng.uniform(static_cast<std::uint32_t>(p), col, 0, 0, kDesignPurpose, kLhsPermutationDraw);
      std::swap(perm[p], perm[pick(w, p + 1)]);
    }
    for (std::size_t p = 0; p < n; ++p) {
      const double w = rng.uniform(static_cast<std::uint32_t>(p), col, 0, 0, kDesignPurpose, kLhsJitterDraw);
      d.u[p * k + c] = in_stratum(perm[p], n, w);
    }
  }
  return d;
}

UnitDesign saltelli(std::size_t k, std::size_t n, std::uint64_t seed) {
  if (k < 1 || k > kMaxSobolFactors)
    bad("saltelli: factors must be 1.." + std::to_string(kMaxSobolFactors) + ", got " + std::to_string(k));
  if (n < 2) bad("saltelli: need at least 2 base rows, got " + std::to_string(n));
  if (n >= kMaxRows) bad("saltelli: base rows must be below 2^32, got " + std::to_string(n));
  const std::size_t dims = 2 * k;
  const SobolSequence seq(dims);
  std::vector<std::uint32_t> shift(dims, 0);
  if (seed != 0) {
    const Rng rng(seed);
    for (std::size_t c = 0; c < dims; ++c)
      shift[c] = rng.words(0, static_cast<std::uint32_t>(c), 0, 0, kDesignPurpose, kSobolShiftDraw)[0];
  }
  UnitDesign d;
  d.kind = DesignKind::sobol;
  d.k = k;
  d.points = n * (k + 2);
  d.u.resize(d.points * k);
  d.role.resize(d.points);
  d.group.resize(d.points);
  std::vector<std::uint32_t> bits(dims);
  std::vector<double> ab(dims);
  for (std::size_t j = 0; j < n; ++j) {
    seq.point_bits(j + 1, bits.data(), shift.data());  // point 0 is the origin: skipped
    for (std::size_t c = 0; c < dims; ++c) ab[c] = static_cast<double>(bits[c]) * 0x1.0p-32;
    const double* a = ab.data();
    const double* b = ab.data() + k;
    const std::size_t base = j * (k + 2);
    for (std::size_t r = 0; r < k + 2; ++r) {
      const std::size_t p = base + r;
      double* row = &d.u[p * k];
      if (r == k + 1) {
        std::copy(b, b + k, row);
        d.role[p] = static_cast<int>(k);
      } else {
        std::copy(a, a + k, row);
        if (r == 0) {
          d.role[p] = -1;
        } else {
          row[r - 1] = b[r - 1];
          d.role[p] = static_cast<int>(r - 1);
        }
      }
      d.group[p] = j;
    }
  }
  return d;
}

UnitDesign morris(std::size_t k, std::size_t r, int levels, std::uint64_t seed) {
  check_factors("morris", k);
  if (r < 1) bad("morris: need at least one trajectory");
  if (levels < 2 || levels % 2 != 0) bad("morris: levels must be even and >= 2, got " + std::to_string(levels));
  if (r > kMaxRows / (k + 1)) bad("morris: more than 2^32 rows");
  const Rng rng(seed);
  const int half = levels / 2;  // Delta in grid steps: Delta = half / (levels - 1)
  const double top = static_cast<double>(levels - 1);
  UnitDesign d;
  d.kind = DesignKind::morris;
  d.k = k;
  d.points = r * (k + 1);
  d.u.resize(d.points * k);
  d.role.resize(d.points);
  d.group.resize(d.points);
  std::vector<int> level(k), step(k);
  std::vector<std::size_t> order(k);
  for (std::size_t t = 0; t < r; ++t) {
    const auto traj = static_cast<std::uint32_t>(t);
    for (std::size_t i = 0; i < k; ++i) {
      const double w = rng.uniform(traj, static_cast<std::uint32_t>(i), 0, 0, kDesignPurpose, kMorrisStartDraw);
      level[i] = static_cast<int>(pick(w, static_cast<std::size_t>(levels)));
      step[i] = level[i] < half ? half : -half;  // the one direction that stays on the grid
      order[i] = i;
    }
    for (std::size_t i = k; i-- > 1;) {
      const double w = rng.uniform(traj, static_cast<std::uint32_t>(i), 0, 0, kDesignPurpose, kMorrisOrderDraw);
      std::swap(order[i], order[pick(w, i + 1)]);
    }
    const std::size_t base = t * (k + 1);
    for (std::size_t s = 0; s <= k; ++s) {
      const std::size_t p = base + s;
      if (s == 0) {
        d.role[p] = -1;
      } else {
        const std::size_t f = order[s - 1];
        level[f] += step[f];
        d.role[p] = static_cast<int>(f);
      }
      for (std::size_t i = 0; i < k; ++i) d.u[p * k + i] = static_cast<double>(level[i]) / top;
      d.group[p] = t;
    }
  }
  return d;
}

}  // namespace sixparty
