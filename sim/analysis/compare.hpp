// compare: what changes, for whom, and how sure we are, between two ensembles of one world.
//
// Both ensembles are read from their results groups (per-run outcomes, io/outcomes.hpp). When they share
// seed and run indices the runs are paired (common random numbers: run r of B is run r of A up
// to the first difference), and each row reports, over runs r:
//   mean_a, mean_b         ensemble means of the outcome in A and in B
//   diff = mean_r (b_r - a_r), with a 95 % percentile bootstrap interval (2,000 resamples of run
//          indices, seeded; the same resample for every row)
//   effect = diff / ((sd_a + sd_b) / 2)  d_av (Cumming 2012): the difference in units of the
//          outcome's own spread, comparable between designs (NaN when the spread is below a
//          thousandth of the outcome's level: it then says nothing;
//          d_z, over the sd of the differences, explodes when common random numbers make the
//          differences nearly deterministic)
// Unpaired ensembles (different seeds) resample A and B independently. Event rows (collapse,
// war) are probabilities: means of 0/1 outcomes.
#pragma once

#include "io/outcomes.hpp"
#include "io/tables.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sixparty {

struct ComparisonRow {
  std::string family;  // utility, indicator, event, refugees, trade_share, influence
  std::string metric;  // the outcome column
  std::string actor;
  std::string detail;  // interest, partner, "at the horizon", "mean over time"
  std::string units;   // of the outcome
  double mean_a = 0, mean_b = 0, diff = 0, low = 0, high = 0, effect = 0;
  // what kind of number it is: low, high bound the mean difference (Monte Carlo error);
  // runs_q05, runs_q95 are the 5 and 95 % quantiles of the per-run paired differences, the spread
  // of the effect over runs (NaN unpaired); deterministic: no run differs from another in either
  // ensemble, nor in the paired difference, so there is no interval to give
  double runs_q05 = 0, runs_q95 = 0;
  bool deterministic = false;
};

struct Comparison {
  std::string a, b;  // scenario names
  bool paired = false;
  std::int64_t runs = 0;
  std::uint64_t seed = 0;
  int resamples = 2000;
  std::vector<ComparisonRow> rows;
};

// empty string when fine, else why the two cannot be compared (different worlds)
std::string comparable(const OutcomeTable& a, const OutcomeTable& b);
Comparison compare_outcomes(const OutcomeTable& a, const OutcomeTable& b, std::uint64_t seed);

std::string format_comparison_table(const Comparison& c);
std::string format_comparison_csv(const Comparison& c);
std::string format_comparison_json(const Comparison& c);

// the comparison as the table comparisons/<a>_vs_<b> of a results file (io/tables.hpp)
Table comparison_table(const Comparison& c);

}  // namespace sixparty
