// uncertainty: a run's draws of the scenario's uncertain inputs (`uncertainty:`), made once at
// the start of the run, before its first step.
//
// Every quantity has a name (uncertainty_names()) and its random numbers are keyed by
// (seed, run, hash of the name): the draw of a quantity does not depend on threads, blocks,
// shards, the order of declarations or what else is uncertain, and run r of two scenarios that
// share a quantity draws the same value for it (common random numbers).
#include "engine/step.hpp"

#include "scenario/parameters.hpp"
#include "scenario/target_range.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace sixparty {

namespace {

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// the stream of one quantity in one run
class Stream {
 public:
  Stream(const Rng& rng, std::uint32_t run, const std::string& name) : rng_(rng), run_(run) {
    const std::uint64_t h = fnv1a(name);
    lo_ = static_cast<std::uint32_t>(h);
    hi_ = static_cast<std::uint32_t>(h >> 32);
  }
  double uniform() { return rng_.uniform(run_, lo_, hi_ >> 16, hi_ & 0xffffu, Purpose::uncertainty, index_++); }
  double normal() { return rng_.normal(run_, lo_, hi_ >> 16, hi_ & 0xffffu, Purpose::uncertainty, index_++); }
  // Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by Gamma(shape + 1) U^(1/shape)
  double gamma(double shape) {
    if (shape < 1) {
      const double g = gamma(shape + 1);
      return g * std::pow(uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (int tries = 0; tries < 1000; ++tries) {
      const double z = normal();
      const double v = std::pow(1.0 + c * z, 3);
      if (v <= 0) continue;
      const double u = uniform();
      if (std::log(u) < 0.5 * z * z + d - d * v + d * std::log(v)) return d * v;
    }
    return d;  // the mode, after a thousand rejections (probability below 1e-300)
  }

 private:
  const Rng& rng_;
  std::uint32_t run_;
  std::uint32_t lo_ = 0, hi_ = 0;
  std::uint32_t index_ = 0;
};

double draw_value(Stream& z, const UncertainValue& v) {
  switch (v.kind) {
    case InputDistribution::uniform: return v.a + (v.b - v.a) * z.uniform();
    case InputDistribution::log_uniform: return std::exp(std::log(v.a) + (std::log(v.b) - std::log(v.a)) * z.uniform());
    case InputDistribution::triangular: {
      const double u = z.uniform(), a = v.a, m = v.b, b = v.c;
      const double f = (m - a) / (b - a);
      return u < f ? a + std::sqrt(u * (b - a) * (m - a)) : b - std::sqrt((1 - u) * (b - a) * (b - m));
    }
    case InputDistribution::normal:
      // truncated to the value's range by rejection (the mean lies inside it)
      for (int tries = 0; tries < 1000; ++tries) {
        const double x = v.a + v.b * z.normal();
        if (x >= v.lo && x <= v.hi) return x;
      }
      return v.a;
  }
  return v.a;
}

// the events' keys: their name (or "event") and original step, numbered within equal keys
std::vector<std::string> event_keys(const Scenario& sc) {
  std::vector<std::string> keys;
  std::map<std::string, int> seen;
  for (const Event& e : sc.events) {
    // built by appending: `"#" + std::to_string(k)` trips a GCC 12 -Wrestrict false positive
    std::string base = "events.";
    base += e.name.empty() ? std::string("event") : e.name;
    base += '@';
    base += std::to_string(e.step);
    const int k = seen[base]++;
    if (k) {
      base += '#';
      base += std::to_string(k);
    }
    keys.push_back(base);
  }
  return keys;
}

void set_world_value(World& w, const EventTarget& t, double x) {
  EventChange c{EventOp::set, t, x};
  apply_event_change(w, c, t.i, t.j);
  if (t.both) apply_event_change(w, c, t.j, t.i);
  if (t.var == TargetVar::stock) w.stock0(t.i, t.r) = w.stock(t.i, t.r);  // the reference level follows
}

}  // namespace

namespace {
// the unit of a world value, as the scenario schema gives it (scenarios/README.md, "Variable ranges")
std::string target_unit(const Scenario& sc, const EventTarget& t) {
  const auto resource = [&] { return t.r >= 0 && t.r < static_cast<int>(sc.resource_units.size()) ? sc.resource_units[t.r] : std::string("1"); };
  switch (t.var) {
    case TargetVar::output:
    case TargetVar::need: return "US$ bn/yr";
    case TargetVar::growth:
    case TargetVar::reform_drive: return "1/yr";
    case TargetVar::population:
    case TargetVar::frontier: return "million people";
    case TargetVar::stock: return resource();
    case TargetVar::income: return resource() + "/yr";
    default: return "1";
  }
}

// the uncertain quantities in the order they are drawn: names, or units
std::vector<std::string> quantities(const Scenario& sc, bool units) {
  std::vector<std::string> out;
  const Uncertainty& u = sc.uncertainty;
  for (int i = 0; i < sc.n() && i < static_cast<int>(u.concentration.size()); ++i)
    if (u.concentration[i] > 0)
      for (int d = 0; d < sc.n_dimensions(); ++d)
        if (sc.interests(i, d) > 0) out.push_back(units ? "1" : "interests." + sc.actor_ids[i] + "." + sc.dimensions[d]);
  for (const auto& v : u.values)
    out.push_back(!units ? v.name : v.parameter >= 0 ? parameter_catalogue()[static_cast<std::size_t>(v.parameter)].unit : target_unit(sc, v.target));
  const auto keys = event_keys(sc);
  if (u.event_size > 0)
    for (const auto& k : keys) out.push_back(units ? "1" : k + ".size");
  if (u.event_date_steps > 0)
    for (const auto& k : keys) out.push_back(units ? "step" : k + ".step");
  return out;
}
}  // namespace

std::vector<std::string> uncertainty_names(const Scenario& sc) { return quantities(sc, false); }

std::vector<std::string> uncertainty_units(const Scenario& sc) { return quantities(sc, true); }

void draw_inputs(const Scenario& sc, RunState& s, const Rng& rng) {
  const Uncertainty& u = sc.uncertainty;
  s.draws.clear();
  // interest weights: Dirichlet(concentration x weights) over the dimensions the actor weighs
  for (int i = 0; i < sc.n() && i < static_cast<int>(u.concentration.size()); ++i) {
    if (!(u.concentration[i] > 0)) continue;
    double total = 0;
    for (int d = 0; d < sc.n_dimensions(); ++d) {
      if (!(sc.interests(i, d) > 0)) continue;
      Stream z(rng, s.run, "interests." + sc.actor_ids[i] + "." + sc.dimensions[d]);
      const double g = std::max(1e-300, z.gamma(u.concentration[i] * sc.interests(i, d)));
      s.interests(i, d) = g;
      total += g;
    }
    for (int d = 0; d < sc.n_dimensions(); ++d)
      if (sc.interests(i, d) > 0) {
        s.interests(i, d) /= total;
        s.draws.push_back(s.interests(i, d));
      }
  }
  // values: parameters into the run's parameters, world values into its initial state
  for (const auto& v : u.values) {
    Stream z(rng, s.run, v.name);
    const double x = std::clamp(draw_value(z, v), v.lo, v.hi);
    if (v.parameter >= 0) parameter_catalogue()[static_cast<std::size_t>(v.parameter)].ref(s.params) = x;
    else set_world_value(s.world, v.target, x);
    s.draws.push_back(x);
  }
  // events: the size of each, and the date of each (ordering kept)
  if (u.event_size > 0 || u.event_date_steps > 0) {
    const auto keys = event_keys(sc);
    if (u.event_size > 0)
      for (std::size_t k = 0; k < sc.events.size(); ++k) {
        Stream z(rng, s.run, keys[k] + ".size");
        const double jitter = 1.0 + u.event_size * (2.0 * z.uniform() - 1.0);
        s.event_factor[k] = sc.events[k].size * jitter;
        s.draws.push_back(jitter);
      }
    if (u.event_date_steps > 0) {
      // every event moves by its own whole number of steps in [-k, k], within the run; then the
      // order of the scenario is restored (an event never moves before one scheduled earlier)
      const int k = u.event_date_steps;
      int latest = 0;
      for (std::size_t e = 0; e < sc.events.size(); ++e) {
        Stream z(rng, s.run, keys[e] + ".step");
        const int shift = std::min(k, static_cast<int>(std::floor(z.uniform() * (2 * k + 1))) - k);
        const int step = std::clamp(sc.events[e].step + shift, 0, sc.steps - 1);
        s.event_step[e] = std::max(step, latest);
        latest = s.event_step[e];
      }
      for (std::size_t e = 0; e < sc.events.size(); ++e) s.draws.push_back(s.event_step[e]);
    }
  }
}

}  // namespace sixparty
