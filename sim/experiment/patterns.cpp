#include "experiment/patterns.hpp"

#include "stats/resample.hpp"

#include "core/rng.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sixparty {

namespace {

constexpr int kBootstrap = 1000;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int index_of(const std::vector<std::string>& v, const std::string& x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

double eval(const PatternExpr& e, const double* leaf) {
  switch (e.kind) {
    case PatternExprSpec::Kind::ratio: {
      const double b = eval(e.args[1], leaf);
      return b != 0 ? eval(e.args[0], leaf) / b : kNaN;
    }
    case PatternExprSpec::Kind::difference: return eval(e.args[0], leaf) - eval(e.args[1], leaf);
    case PatternExprSpec::Kind::sum: {
      double t = 0;
      for (const auto& a : e.args) t += eval(a, leaf);
      return t;
    }
    case PatternExprSpec::Kind::paired_difference: return kNaN;  // evaluated by the caller
    default: return leaf[e.leaf];
  }
}

std::size_t draw(const Rng& rng, int replicate, std::size_t k, std::size_t n) {
  const double u = rng.uniform(static_cast<std::uint32_t>(replicate), static_cast<std::uint32_t>(k), 0, 0,
                               Purpose::bootstrap);
  return resample_index(u, n);
}

}  // namespace

PatternLeaves::PatternLeaves(const Scenario& sc) : sc_(sc), layout_(sc, step_variables()) {}

PatternExpr PatternLeaves::compile(const PatternExprSpec& e, Diagnostics& diags) {
  PatternExpr out;
  out.kind = e.kind;
  using K = PatternExprSpec::Kind;
  if (e.kind == K::ratio || e.kind == K::difference || e.kind == K::sum) {
    for (const auto& a : e.args) {
      if (a.kind == K::paired_difference)
        diags.error(a.where, a.path, "a paired_difference must be the whole value of a pattern, not part of it");
      out.args.push_back(compile(a, diags));
    }
    return out;
  }
  if (e.kind == K::paired_difference) {
    out.baseline = e.baseline.value;
    if (!e.args.empty()) {
      if (e.args[0].kind == K::paired_difference)
        diags.error(e.args[0].where, e.args[0].path, "a paired_difference cannot contain another");
      out.args.push_back(compile(e.args[0], diags));
    }
    return out;
  }
  PatternLeaf leaf;
  if (e.kind == K::constant) {
    leaf.input = true;
    leaf.constant = e.value.value;
  } else if (e.kind == K::input) {
    leaf.input = true;
    const int i = sc_.actor_index(e.actor.value);
    const int d = index_of(sc_.dimensions, e.interest.value);
    if (e.interest.given && d < 0)
      diags.error(e.interest.where, e.interest.path, "unknown interest dimension '" + e.interest.value + "'" +
                                                         did_you_mean(e.interest.value, sc_.dimensions) +
                                                         "; expected one of: " + join(sc_.dimensions));
    // the normalised weight (a scenario's interest weights are rescaled to sum 1 per actor)
    leaf.constant = (i >= 0 && d >= 0) ? sc_.interests(i, d) : kNaN;
  } else {
    // mean / at: a recorded step variable
    const auto& vars = step_variables();
    std::vector<std::string> names;
    for (const auto& v : vars) names.push_back(v.name);
    const int v = index_of(names, e.variable.value);
    const int i = sc_.actor_index(e.actor.value);
    if (e.variable.given && v < 0) {
      diags.error(e.variable.where, e.variable.path, "unknown variable '" + e.variable.value + "'" +
                                                         did_you_mean(e.variable.value, names) +
                                                         "; expected a recorded step variable: " + join(names));
    }
    int k = 0, second = 1;
    if (v >= 0) {
      const Shape shape = vars[v].shape;
      auto need = [&](const Field<std::string>& f, const std::string& what, const std::vector<std::string>& options) {
        if (!f.given) {
          const std::string base = e.variable.path.substr(0, e.variable.path.rfind('.'));
          diags.error(e.where, base + "." + what, "variable '" + e.variable.value + "' needs a " + what +
                                                     "; expected one of: " + join(options));
          return -1;
        }
        const int x = index_of(options, f.value);
        if (x < 0)
          diags.error(f.where, f.path, "unknown " + what + " '" + f.value + "'" + did_you_mean(f.value, options) +
                                           "; expected one of: " + join(options));
        return x;
      };
      auto refuse = [&](const Field<std::string>& f, const std::string& what) {
        if (f.given)
          diags.error(f.where, f.path, "variable '" + e.variable.value + "' has no " + what + " dimension");
      };
      switch (shape) {
        case Shape::actor:
          refuse(e.partner, "partner");
          refuse(e.resource, "resource");
          refuse(e.interest, "interest");
          break;
        case Shape::dyad:
          k = need(e.partner, "partner", sc_.actor_ids);
          second = sc_.n();
          refuse(e.resource, "resource");
          refuse(e.interest, "interest");
          break;
        case Shape::actor_resource:
          k = need(e.resource, "resource", sc_.resource_names);
          second = sc_.n_resources();
          refuse(e.partner, "partner");
          refuse(e.interest, "interest");
          break;
        case Shape::actor_dimension:
          k = need(e.interest, "interest", sc_.dimensions);
          second = sc_.n_dimensions();
          refuse(e.partner, "partner");
          refuse(e.resource, "resource");
          break;
      }
      if (i >= 0 && k >= 0) leaf.cell = layout_.offset[static_cast<std::size_t>(v)] + static_cast<std::size_t>(i * second + k);
    }
    const double spy = sc_.steps_per_year;
    if (e.kind == K::mean && e.from.given && e.to.given) {
      const double a = (e.from.value - sc_.start_year) * spy, b = (e.to.value - sc_.start_year) * spy;
      leaf.first_step = std::clamp(static_cast<int>(std::floor(a + 1e-9)), 0, sc_.steps);
      leaf.last_step = std::clamp(static_cast<int>(std::floor(b + 1e-9)), 0, sc_.steps);
      if (leaf.last_step <= leaf.first_step)
        diags.error(e.to.where, e.path, "the window (" + format_number(e.from.value) + ", " + format_number(e.to.value) +
                                            "] holds no step; expected a window at least one step long");
    }
    if (e.kind == K::at && e.year.given) {
      const double x = (e.year.value - sc_.start_year) * spy;
      const int kk = static_cast<int>(std::llround(x));
      if (std::abs(x - kk) > 1e-6 || kk < 1 || kk > sc_.steps)
        diags.error(e.year.where, e.year.path, "no step ends at " + format_number(e.year.value) +
                                                   "; expected the end of a step (start + k / steps_per_year, k >= 1)");
      leaf.first_step = std::clamp(kk - 1, 0, sc_.steps);
      leaf.last_step = std::clamp(kk, 0, sc_.steps);
    }
  }
  out.leaf = static_cast<int>(leaves_.size());
  leaves_.push_back(leaf);
  return out;
}

void PatternLeaves::add_block(std::int64_t first, std::int64_t count, const double* steps) {
  const std::size_t L = leaves_.size();
  if (L == 0) return;
  const std::size_t per_run = static_cast<std::size_t>(sc_.steps) * layout_.per_step;
  values_.resize(static_cast<std::size_t>(first + count) * L);
  for (std::int64_t r = 0; r < count; ++r) {
    const double* rec = steps + static_cast<std::size_t>(r) * per_run;
    double* out = values_.data() + static_cast<std::size_t>(first + r) * L;
    for (std::size_t l = 0; l < L; ++l) {
      const PatternLeaf& leaf = leaves_[l];
      if (leaf.input) {
        out[l] = leaf.constant;
        continue;
      }
      double sum = 0;
      for (int k = leaf.first_step; k < leaf.last_step; ++k) sum += rec[static_cast<std::size_t>(k) * layout_.per_step + leaf.cell];
      out[l] = sum / std::max(1, leaf.last_step - leaf.first_step);
    }
  }
  runs_ = std::max(runs_, first + count);
}

bool PatternEvaluator::add(const Scenario& sc, Diagnostics& diags) {
  const std::size_t before = diags.size();
  Entry e;
  e.sc = &sc;
  e.leaves = std::make_unique<PatternLeaves>(sc);
  if (sc.patterns)
    for (const auto& p : *sc.patterns) e.patterns.push_back({&p, e.leaves->compile(p.value, diags)});
  entries_.push_back(std::move(e));
  return diags.size() == before;
}

void PatternEvaluator::link() {
  for (auto& e : entries_) {
    for (auto& c : e.patterns) {
      if (c.expr.kind != PatternExprSpec::Kind::paired_difference || c.expr.args.empty()) continue;
      for (std::size_t b = 0; b < entries_.size(); ++b) {
        if (entries_[b].sc->name != c.expr.baseline || entries_[b].sc == e.sc) continue;
        Diagnostics ignored;  // the expression compiled for this scenario; the baseline shares its world
        c.expr.baseline_index = static_cast<int>(b);
        c.expr.baseline_expr = std::make_unique<PatternExpr>(entries_[b].leaves->compile(c.spec->value.args[0], ignored));
        if (ignored.has_errors()) {
          c.expr.baseline_index = -2;  // run, but not of the same world
          c.expr.baseline_expr.reset();
        }
        break;
      }
    }
  }
}

bool PatternEvaluator::needs_steps(std::size_t scenario) const { return entries_[scenario].leaves->size() > 0; }

std::vector<PatternResult> PatternEvaluator::evaluate(std::size_t scenario, std::uint64_t seed) const {
  const Entry& e = entries_[scenario];
  const Rng rng(seed ^ 0x9e3779b97f4a7c15ull);
  std::vector<PatternResult> out;
  const std::size_t L = e.leaves->size();
  const std::size_t n = static_cast<std::size_t>(e.leaves->runs());
  for (const auto& c : e.patterns) {
    PatternResult r;
    const PatternSpec& p = *c.spec;
    r.id = p.id.value;
    r.description = p.description.value;
    r.source = p.source.value;
    r.tolerance = p.tolerance.value;
    r.cls = pattern_class_name(p.cls);
    r.known_failure = p.known_failure.value;
    for (const auto& m : p.fails_without) r.fails_without.push_back(m.value);
    for (const auto& ev : p.scheduled_by) r.scheduled_by.push_back(ev.value);
    r.min = p.min.given ? p.min.value : -std::numeric_limits<double>::infinity();
    r.max = p.max.given ? p.max.value : std::numeric_limits<double>::infinity();
    r.confidence_required = p.confidence.given;
    r.confidence = p.confidence.given ? p.confidence.value : 0.95;
    std::vector<double> reps;
    reps.reserve(kBootstrap);
    if (c.expr.kind == PatternExprSpec::Kind::paired_difference) {
      if (c.expr.baseline_index < 0) {
        r.note = c.expr.baseline_index == -2
                     ? "baseline '" + c.expr.baseline + "' does not have what the expression needs (another world?)"
                     : "baseline '" + c.expr.baseline + "' was not run in this invocation";
        out.push_back(r);
        continue;
      }
      const Entry& b = entries_[static_cast<std::size_t>(c.expr.baseline_index)];
      if (b.seed != e.seed) {
        r.note = "baseline '" + c.expr.baseline + "' ran with another seed: its runs are not paired";
        out.push_back(r);
        continue;
      }
      const std::size_t m = std::min(n, static_cast<std::size_t>(b.leaves->runs()));
      const std::size_t Lb = b.leaves->size();
      std::vector<double> d(m);
      for (std::size_t k = 0; k < m; ++k)
        d[k] = eval(c.expr.args[0], e.leaves->values().data() + k * L) -
               eval(*c.expr.baseline_expr, b.leaves->values().data() + k * Lb);
      if (m == 0) {
        r.note = "no runs";
        out.push_back(r);
        continue;
      }
      double mean = 0;
      for (double x : d) mean += x;
      r.observed = mean / static_cast<double>(m);
      for (int rep = 0; rep < kBootstrap; ++rep) {
        double s = 0;
        for (std::size_t k = 0; k < m; ++k) s += d[draw(rng, rep, k, m)];
        reps.push_back(s / static_cast<double>(m));
      }
    } else {
      if (n == 0) {
        r.note = "no runs";
        out.push_back(r);
        continue;
      }
      std::vector<double> means(L, 0.0);
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t l = 0; l < L; ++l) means[l] += e.leaves->values()[k * L + l];
      for (double& m : means) m /= static_cast<double>(n);
      r.observed = eval(c.expr, means.data());
      std::vector<double> boot(L);
      for (int rep = 0; rep < kBootstrap; ++rep) {
        std::fill(boot.begin(), boot.end(), 0.0);
        for (std::size_t k = 0; k < n; ++k) {
          const double* v = e.leaves->values().data() + draw(rng, rep, k, n) * L;
          for (std::size_t l = 0; l < L; ++l) boot[l] += v[l];
        }
        for (double& m : boot) m /= static_cast<double>(n);
        reps.push_back(eval(c.expr, boot.data()));
      }
    }
    reps.erase(std::remove_if(reps.begin(), reps.end(), [](double x) { return !std::isfinite(x); }), reps.end());
    std::sort(reps.begin(), reps.end());
    const double tail = (1.0 - r.confidence) / 2;
    r.low = quantile_sorted(reps, tail);
    r.high = quantile_sorted(reps, 1.0 - tail);
    r.evaluated = std::isfinite(r.observed);
    if (!r.evaluated) r.note = "the value is not finite (a ratio with a zero denominator?)";
    r.passed = r.evaluated && (r.confidence_required ? (r.low >= r.min && r.high <= r.max)
                                                     : (r.observed >= r.min && r.observed <= r.max));
    out.push_back(r);
  }
  return out;
}

std::string format_patterns(const std::string& scenario, std::int64_t runs, const std::vector<PatternResult>& results) {
  if (results.empty()) return {};
  std::string out = "patterns of '" + scenario + "' (" + std::to_string(runs) + " runs):\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-5s %-9s %-6s %11s  %-24s %-24s %s\n", "id", "class", "result", "observed",
                "expected", "interval", "description");
  out += line;
  int failed = 0, unexpected = 0;
  std::string known_ids;
  for (const auto& r : results) {
    auto bound = [](double x) { return std::isfinite(x) ? format_number(std::round(x * 1e4) / 1e4) : std::string(x < 0 ? "-inf" : "inf"); };
    std::string expected = "[";  // appended, not `"[" + ...`: a GCC 12 -Wrestrict false positive
    expected += bound(r.min);
    expected += ", ";
    expected += bound(r.max);
    expected += ']';
    char interval[64];
    std::snprintf(interval, sizeof interval, "%s%.0f%% [%.4g, %.4g]", r.confidence_required ? "*" : "",
                  r.confidence * 100, r.low, r.high);
    const bool known = !r.known_failure.empty();
    const char* verdict = !r.evaluated ? "n/a" : r.passed ? (known ? "PASS!" : "pass") : (known ? "known" : "FAIL");
    if (!r.passed) ++failed;
    if (known) known_ids += (known_ids.empty() ? "" : ", ") + r.id;
    if (!as_declared(r)) ++unexpected;
    const std::string note = r.note.empty() ? std::string() : "  (" + r.note + ")";
    std::snprintf(line, sizeof line, "  %-5s %-9s %-6s %11.4g  %-24s %-24s %s%s\n", r.id.c_str(), r.cls.c_str(), verdict, r.observed,
                  expected.c_str(), r.evaluated ? interval : "-", r.description.c_str(), note.c_str());
    out += line;
  }
  out += "  " + std::to_string(results.size() - failed) + " of " + std::to_string(results.size()) + " patterns met";
  if (!known_ids.empty()) out += "; declared known failures: " + known_ids;
  out += unexpected ? "; " + std::to_string(unexpected) + " not as declared\n" : "\n";
  return out;
}

}  // namespace sixparty
