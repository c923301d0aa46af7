#include "experiment/tdigest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sixparty {

namespace {

constexpr double kPi = 3.14159265358979323846;

// k1(q) = delta / (2 pi) asin(2q - 1) and its inverse
double k_of(double q, double delta) { return delta / (2 * kPi) * std::asin(2 * q - 1); }
double q_of(double k, double delta) {
  const double x = std::sin(k * 2 * kPi / delta);
  return (x + 1) / 2;
}

}  // namespace

void TDigest::add_batch(std::vector<double>& values) {
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
  // merge the sorted batch with the sorted centroids
  std::vector<double> m, w;
  m.reserve(mean_.size() + values.size());
  w.reserve(mean_.size() + values.size());
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
  // compress: greedily merge neighbours while the merged centroid spans at most one unit of k
  mean_.clear();
  weight_.clear();
  double done = 0;  // weight emitted before the current centroid
  double cm = m[0], cw = w[0];
  double limit = total_ * q_of(k_of(0.0, delta_) + 1.0, delta_);
  for (std::size_t k = 1; k < m.size(); ++k) {
    if (done + cw + w[k] <= limit) {
      cw += w[k];
      cm += (m[k] - cm) * w[k] / cw;
    } else {
      mean_.push_back(cm);
      weight_.push_back(cw);
      done += cw;
      limit = total_ * q_of(std::min(k_of(done / total_, delta_) + 1.0, delta_ / 4.0), delta_);
      cm = m[k];
      cw = w[k];
    }
  }
  mean_.push_back(cm);
  weight_.push_back(cw);
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
