#include "stats/summary.hpp"

#include "core/parallel.hpp"

#include <cmath>
#include <limits>

namespace sixparty {

Summary::Summary(std::size_t cells, double compression)
    : moments_(cells), digests_(cells, TDigest(compression)) {}

void Summary::add_block(const double* block, std::size_t runs) {
  const std::size_t cells = moments_.size();
  parallel_for(cells, 512, [&](std::size_t b, std::size_t e) {
    std::vector<double> batch;
    batch.reserve(runs);
    TDigest::Scratch scratch;
    for (std::size_t c = b; c < e; ++c) {
      batch.clear();
      for (std::size_t r = 0; r < runs; ++r) {
        const double v = block[r * cells + c];
        if (std::isfinite(v)) {
          moments_[c].add(v);
          batch.push_back(v);
        }
      }
      digests_[c].add_batch(batch, scratch);
    }
  });
  runs_ += runs;
}

double Summary::stat(std::size_t s, std::size_t c) const {
  if (moments_[c].n == 0) return std::numeric_limits<double>::quiet_NaN();
  if (s == 0) return moments_[c].mean;
  if (s == 1) return moments_[c].sd();
  return digests_[c].quantile(kQuantiles[s - 2]);
}

}  // namespace sixparty
