// tdigest: a deterministic, bounded-memory quantile sketch (Dunning and Ertl's merging t-digest
// whose centroids each span at most one unit of the scale function k1(q) = delta/(2 pi) asin(2q-1):
// a centroid centred at quantile q holds at most max(1, W (2 pi/delta) sqrt(q (1-q))) of the
// total weight W, so there are at most about delta/2 centroids whatever W is).
//
// Values arrive in batches (one batch = one block of runs, in run order); a batch is sorted and
// merged with the centroids. The result depends only on the sequence of batches, never on
// threads. While every centroid holds one value quantiles are exact: linear interpolation between order statistics at positions k + 1/2 (Hazen's
// definition, R type 5): that holds up to W = 2 delta / pi values (127 for delta = 200). Past
// that, a centroid near the median may span up to pi/delta of the rank (0.016 for delta = 200),
// less in the tails; in practice the rank error is smaller:
// tests/stats/tdigest_test.cpp asserts < 0.005 at 64,000 values, and results/README.md
// quotes measurements at a few hundred runs.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace sixparty {

class TDigest {
 public:
  explicit TDigest(double compression = 200.0) : delta_(compression) {}

  // buffers a merge works in; reuse one per thread so that merging allocates nothing
  struct Scratch {
    std::vector<double> mean, weight;
  };
  // merge a batch; `values` is sorted in place (non-finite values are ignored)
  void add_batch(std::vector<double>& values, Scratch& scratch);
  void add_batch(std::vector<double>& values) {
    Scratch s;
    add_batch(values, s);
  }
  double quantile(double q) const;  // NaN when empty
  std::size_t count() const { return static_cast<std::size_t>(total_); }
  std::size_t centroids() const { return mean_.size(); }

 private:
  double delta_;
  double total_ = 0;
  double min_ = 0, max_ = 0;
  std::vector<double> mean_, weight_;  // centroids sorted by mean
};

}  // namespace sixparty
