#include "stats/tdigest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sixparty {

void TDigest::add_batch(std::vector<double>& values, Scratch& scratch) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
               values.end());
  if (values.empty()) return;
  std::sort(values.begin(), values.end());
  if (total_ == 0) {
    min_ = values.front();
    max_ = values.back();
  } else {
    min_ = std::min(min_, values.front());
    max_ = std::max(max_, values.back());
  }
  // merge the sorted batch with the sorted centroids into the scratch buffers
  std::vector<double>& m = scratch.mean;
  std::vector<double>& w = scratch.weight;
  m.clear();
  w.clear();
  std::size_t a = 0, b = 0;
  while (a < mean_.size() || b < values.size()) {
    if (b >= values.size() || (a < mean_.size() && mean_[a] <= values[b])) {
      m.push_back(mean_[a]);
      w.push_back(weight_[a]);
      ++a;
    } else {
      m.push_back(values[b]);
      w.push_back(1.0);
      ++b;
    }
  }
  total_ += static_cast<double>(values.size());
  // compress in place: merge a neighbour while the merged centroid, centred at quantile q,
  // holds at most max(1, W (2 pi / delta) sqrt(q (1 - q))): one unit of the k1 scale function
  // k1(q) = delta / (2 pi) asin(2q - 1), so there are at most about delta / 2 centroids
  const double scale = 6.283185307179586 * total_ / delta_;
  std::size_t out = 0;
  double done = 0;  // weight before the current centroid
  for (std::size_t k = 1; k < m.size(); ++k) {
    const double cw = w[out] + w[k];
    const double q = (done + cw / 2) / total_;
    if (cw <= std::max(1.0, scale * std::sqrt(q * (1 - q)))) {
      m[out] += (m[k] - m[out]) * w[k] / cw;
      w[out] = cw;
    } else {
      done += w[out];
      ++out;
      m[out] = m[k];
      w[out] = w[k];
    }
  }
  m.resize(out + 1);
  w.resize(out + 1);
  // the result becomes the digest; the old centroid buffers become the next scratch
  std::swap(mean_, m);
  std::swap(weight_, w);
}

double TDigest::quantile(double q) const {
  if (mean_.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (mean_.size() == 1) return mean_[0];
  q = std::clamp(q, 0.0, 1.0);
  const double pos = q * total_;  // target position on the cumulative weight axis
  // centroid k is centred at cum_k + w_k / 2; interpolate between neighbouring centres
  double cum = 0;
  double prev_centre = 0, prev_mean = min_;
  for (std::size_t k = 0; k < mean_.size(); ++k) {
    const double centre = cum + weight_[k] / 2;
    if (pos <= centre) {
      if (k == 0) {
        // below the first centre: between the minimum (at 0.5 for a singleton) and the centre
        if (weight_[0] == 1) return mean_[0];
        const double lo = 0.5;
        if (pos <= lo) return min_;
        return min_ + (mean_[0] - min_) * (pos - lo) / (centre - lo);
      }
      return prev_mean + (mean_[k] - prev_mean) * (pos - prev_centre) / (centre - prev_centre);
    }
    prev_centre = centre;
    prev_mean = mean_[k];
    cum += weight_[k];
  }
  // above the last centre
  const double last_w = weight_.back();
  if (last_w == 1) return mean_.back();
  const double hi = total_ - 0.5;
  if (pos >= hi) return max_;
  return prev_mean + (max_ - prev_mean) * (pos - prev_centre) / (hi - prev_centre);
}

}  // namespace sixparty
