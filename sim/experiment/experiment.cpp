// experiment: the plan of a batch (factors, design, points, seeds); reading an experiment file
// is in experiment_reader.cpp
#include "experiment/experiment.hpp"

#include "core/text.hpp"
#include "experiment/record.hpp"
#include "scenario/load.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>

namespace sixparty {

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::levels: return "levels";
    case Distribution::uniform: return "uniform";
    case Distribution::log_uniform: return "log_uniform";
  }
  return "?";
}

double Factor::value(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  switch (distribution) {
    case Distribution::levels: {
      if (levels.size() <= 1) return levels.empty() ? 0.0 : levels.front();
      const auto k = static_cast<std::size_t>(std::lround(u * static_cast<double>(levels.size() - 1)));
      return levels[std::min(k, levels.size() - 1)];
    }
    case Distribution::uniform: {
      if (integer) {  // every integer of the range equally likely: floor over [lo, hi + 1)
        const double lo = std::ceil(lower), hi = std::floor(upper);
        return std::min(hi, lo + std::floor(u * (hi - lo + 1)));
      }
      return lower + u * (upper - lower);
    }
    case Distribution::log_uniform: return std::exp(std::log(lower) + u * (std::log(upper) - std::log(lower)));
  }
  return lower;
}

std::uint64_t fnv1a(const std::string& data, std::uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t point) {
  // splitmix64 finaliser over (seed, point): distinct points get unrelated Philox keys
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (point + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) >> 1;  // 63 bits: stored as a non-negative int64 in results files
}

std::uint64_t Experiment::point_seed(std::size_t point) const {
  return common_seeds ? seed : derived_seed(seed, uncertainty_point(point));
}

std::string factor_assignment(const Factor& f, double v) {
  if (f.categorical()) {
    const auto k = static_cast<std::size_t>(std::clamp(std::round(v), 0.0, static_cast<double>(f.categories.size() - 1)));
    return f.path + "=" + f.categories[k];
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return f.path + "=" + buf;
}

double Experiment::snapped(std::size_t factor, std::size_t scenario, double v) const {
  if (factors[factor].integer) return std::round(v);
  if (!factors[factor].date || scenario >= grids.size()) return v;
  const TimeGrid& g = grids[scenario];
  return g.start + std::round((v - g.start) * g.steps_per_year) / g.steps_per_year;
}

std::vector<std::string> Experiment::overrides(std::size_t point) const {
  std::vector<std::string> out;
  if (scenario_of(point) < entry_sets.size()) out = entry_sets[scenario_of(point)];
  for (std::size_t f = 0; f < factors.size(); ++f) out.push_back(factor_assignment(factors[f], factor_value(point, f)));
  return out;
}

std::optional<Scenario> Experiment::compile_point(std::size_t point, Diagnostics& diags) const {
  auto sc = compile_document(documents[scenario_of(point)], overrides(point), diags, false);
  if (sc && (sc->actor_ids != actor_ids || sc->dimensions != dimensions || sc->resource_names != resource_names)) {
    diags.error(factors.empty() ? SourceLocation{file, 0, 0} : factors.front().where, "factors",
                "the factor values of point " + std::to_string(point) + " change the world's actors, interests or resources");
    return std::nullopt;
  }
  return sc;
}

std::pair<std::size_t, std::size_t> shard_points(std::size_t points, std::size_t shard, std::size_t shards) {
  const auto at = [&](std::size_t s) {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(points) * s) / shards);
  };
  return {at(shard), at(shard + 1)};
}

}  // namespace sixparty
