// patterns: named predicates over a scenario's recorded outputs, evaluated over the ensemble.
//
// A pattern's value is an expression whose leaves are per-run statistics of recorded step
// variables (`mean` over a window of steps, the value `at` a year) or inputs (an interest weight,
// a constant). The observed value is the expression applied to the ensemble means of its leaves
// (a ratio of means, not a mean of ratios); its interval is a percentile bootstrap over runs
// (1,000 resamples, seeded). A `paired_difference` is the mean over run indices of the
// difference between this scenario and a baseline run in the same invocation with the same
// seed: the runs share their random numbers (common random numbers), so the interval measures
// the effect, not the noise. A pattern passes when the observed value lies in [min, max], and,
// if it asks for a confidence level, when the whole interval does.
#pragma once

#include "core/diagnostics.hpp"
#include "experiment/record.hpp"
#include "scenario/spec.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sixparty {

struct PatternLeaf {
  bool input = false;      // a constant across runs (input or constant expression)
  double constant = 0;
  std::size_t cell = 0;    // offset within one step's record
  int first_step = 0;      // steps [first_step, last_step) are averaged
  int last_step = 0;
};

struct PatternExpr {
  PatternExprSpec::Kind kind = PatternExprSpec::Kind::constant;
  int leaf = -1;                 // mean, at, input, constant
  std::vector<PatternExpr> args; // ratio, difference, sum; paired_difference: args[0] here
  std::string baseline;          // paired_difference
  int baseline_index = -1;       // into the PatternEvaluator's scenarios, set by link()
  std::unique_ptr<PatternExpr> baseline_expr;  // the same expression compiled for the baseline
};

// the leaves one scenario must compute for every run
class PatternLeaves {
 public:
  explicit PatternLeaves(const Scenario& sc);
  // compile an expression against this scenario; errors go to diags
  PatternExpr compile(const PatternExprSpec& e, Diagnostics& diags);
  std::size_t size() const { return leaves_.size(); }
  const std::vector<PatternLeaf>& leaves() const { return leaves_; }
  // per-run values: runs x leaves, run-major; filled block by block
  void add_block(std::int64_t first, std::int64_t count, const double* steps);
  const std::vector<double>& values() const { return values_; }
  std::int64_t runs() const { return runs_; }

 private:
  const Scenario& sc_;
  RecordLayout layout_;
  std::vector<PatternLeaf> leaves_;
  std::vector<double> values_;
  std::int64_t runs_ = 0;
};

struct PatternResult {
  std::string id, description, source, tolerance;
  std::string cls;                        // target, input, scheduled, identity or test
  std::vector<std::string> fails_without; // test: mechanisms
  std::vector<std::string> scheduled_by;  // scheduled: event names
  std::string known_failure;              // declared: the model does not meet it (why)
  double observed = std::nan(""), low = std::nan(""), high = std::nan("");  // estimate and bootstrap interval
  double min = 0, max = 0, confidence = 0.95;
  bool confidence_required = false;
  bool evaluated = false;
  bool passed = false;
  std::string note;  // why it was not evaluated
};

// all scenarios of one invocation, so that paired patterns can reach their baselines
class PatternEvaluator {
 public:
  // compile every scenario's patterns; false (with located errors) if any is invalid
  bool add(const Scenario& sc, Diagnostics& diags);
  // link paired patterns to their baselines (registers the baseline's leaves); call after add()
  void link();
  bool needs_steps(std::size_t scenario) const;
  // the seed an ensemble ran with: a paired difference needs the baseline's to be the same
  void set_seed(std::size_t scenario, std::uint64_t seed) { entries_[scenario].seed = seed; }
  PatternLeaves& leaves(std::size_t scenario) { return *entries_[scenario].leaves; }
  std::vector<PatternResult> evaluate(std::size_t scenario, std::uint64_t seed) const;

 private:
  struct Compiled {
    const PatternSpec* spec;
    PatternExpr expr;
  };
  struct Entry {
    const Scenario* sc;
    std::unique_ptr<PatternLeaves> leaves;
    std::vector<Compiled> patterns;
    std::uint64_t seed = 0;
  };
  std::vector<Entry> entries_;
};

// the pattern came out as declared: met, or (a declared known failure) not met
inline bool as_declared(const PatternResult& r) { return r.known_failure.empty() ? r.passed : !r.passed; }

// the printed table
std::string format_patterns(const std::string& scenario, std::int64_t runs, const std::vector<PatternResult>& results);

}  // namespace sixparty
