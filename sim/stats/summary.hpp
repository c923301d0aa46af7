// summary: per-step statistics across runs (mean, sd, 5/25/50/75/95 % quantiles) for every
// recorded cell, in memory that does not grow with the number of runs.
//
// Runs arrive in blocks of a fixed size, in run order; each cell's values from a block are
// folded into its RunningMoments (in run order) and its TDigest (as one batch). The fold is
// parallel over cells and each cell is touched by one task, so the result is the same for any
// thread count.
#pragma once

#include "stats/resample.hpp"
#include "stats/tdigest.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sixparty {

inline const std::vector<std::string> kStatNames = {"mean", "sd", "q05", "q25", "q50", "q75", "q95"};
inline const std::vector<double> kQuantiles = {0.05, 0.25, 0.50, 0.75, 0.95};

class Summary {
 public:
  // cells: values per run (steps x values per step); compression: t-digest delta
  Summary(std::size_t cells, double compression);
  // block holds `runs` records of `cells` values each, run-major
  void add_block(const double* block, std::size_t runs);
  // statistic s (index into kStatNames) of cell c
  double stat(std::size_t s, std::size_t c) const;
  std::size_t cells() const { return moments_.size(); }
  std::size_t runs() const { return runs_; }

 private:
  std::vector<RunningMoments> moments_;
  std::vector<TDigest> digests_;
  std::size_t runs_ = 0;
};

}  // namespace sixparty
