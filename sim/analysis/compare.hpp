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
  std::string family;  // utility, indicator, event, refugees, trade_share, influence, aid, gesture, exchange
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

// What a reader asks to see of a comparison (the stored table always keeps every row, in file
// order). sort: "effect" (|d_av| largest first; rows with no defined effect size last, by |diff|),
// "diff" (|diff| largest first) or "file" (the table's order, grouped by family); top: at most
// this many rows (0: all); actors, families: keep only these (empty: all); threshold: the
// smallest |diff| that matters in practice -- the table hides smaller differences and stars only
// rows whose interval excludes zero and whose |diff| reaches it.
struct ComparisonView {
  std::string sort = "effect";
  std::size_t top = 0;
  std::vector<std::string> actors, families;
  double threshold = 0;
};
// the families of the rows, in table order
const std::vector<std::string>& comparison_families();
// empty when the view can be applied to c, else why not (an unknown actor, family or sort)
std::string check_view(const Comparison& c, const ComparisonView& view);
// the rows the view shows, in its order: indices into c.rows
std::vector<std::size_t> view_rows(const Comparison& c, const ComparisonView& view, bool table);

std::string format_comparison_table(const Comparison& c, const ComparisonView& view = {});
std::string format_comparison_csv(const Comparison& c, const ComparisonView& view = {"file"});
std::string format_comparison_json(const Comparison& c, const ComparisonView& view = {"file"});

// the comparison as the table comparisons/<a>_vs_<b> of a results file (io/tables.hpp)
Table comparison_table(const Comparison& c);

}  // namespace sixparty
