#include "analysis/compare.hpp"

#include "core/rng.hpp"
#include "core/text.hpp"
#include "stats/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace sixparty {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      s += x;
      ++n;
    }
  return n ? s / static_cast<double>(n) : kNaN;
}

double sd_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  std::size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      s += (x - m) * (x - m);
      ++n;
    }
  return n > 1 ? std::sqrt(s / static_cast<double>(n - 1)) : kNaN;
}


}  // namespace

std::string comparable(const OutcomeTable& a, const OutcomeTable& b) {
  if (a.actors != b.actors)
    return "the scenarios do not share a world: actors " + join(a.actors) + " against " + join(b.actors);
  std::vector<std::string> da = a.dimensions, db = b.dimensions;
  std::sort(da.begin(), da.end());
  std::sort(db.begin(), db.end());
  if (da != db) return "the scenarios do not share a world: interests " + join(da) + " against " + join(db);
  if (a.runs == 0 || b.runs == 0) return "an ensemble has no finished runs";
  // a column on one side only would silently drop its rows
  for (const auto* t : {&a, &b}) {
    const auto* other = t == &a ? &b : &a;
    for (const auto& [name, v] : t->columns)
      if (!other->columns.count(name))
        return "the outcome column '" + name + "' is in " + t->file + ":" + t->group + " but not in " + other->file + ":" +
               other->group;
  }
  return {};
}

Comparison compare_outcomes(const OutcomeTable& A, const OutcomeTable& B, std::uint64_t seed) {
  Comparison c;
  c.a = A.scenario;
  c.b = B.scenario;
  c.seed = seed;
  c.paired = A.seed == B.seed;
  const std::size_t n = A.actors.size();
  const std::size_t ra = static_cast<std::size_t>(A.runs), rb = static_cast<std::size_t>(B.runs);
  const std::size_t runs = c.paired ? std::min(ra, rb) : 0;
  c.runs = c.paired ? static_cast<std::int64_t>(runs) : static_cast<std::int64_t>(std::min(ra, rb));

  // the rows: (family, column, detail); every row is one actor's column
  struct Spec {
    std::string family, column, detail;
  };
  std::vector<Spec> specs;
  const std::string horizon = "at " + format_number(A.end_year);
  specs.push_back({"utility", "final_utility", horizon});
  specs.push_back({"utility", "mean_utility", "mean over time"});
  for (const auto& d : A.dimensions) {
    specs.push_back({"indicator", "final_indicator_" + d, d + ", " + horizon});
    specs.push_back({"indicator", "mean_indicator_" + d, d + ", mean over time"});
  }
  specs.push_back({"event", "collapsed", "probability of collapse"});
  specs.push_back({"event", "war_ever", "probability of war during the run"});
  specs.push_back({"event", "war_years", "years at war"});
  specs.push_back({"refugees", "refugees", "million people received"});
  for (const auto& p : A.actors) specs.push_back({"trade_share", "final_trade_share_" + p, "share of trade with " + p + ", " + horizon});
  for (const auto& p : A.actors) specs.push_back({"influence", "final_influence_" + p, "actual influence over " + p});
  for (const auto& p : A.actors) specs.push_back({"influence", "final_perceived_influence_" + p, "perceived influence over " + p});
  for (const auto& p : A.actors) specs.push_back({"aid", "mean_aid_" + p, "aid to " + p + ", mean over time"});
  for (const auto& p : A.actors) specs.push_back({"gesture", "mean_gesture_" + p, "gestures to " + p + ", mean over time"});
  for (const auto& p : A.actors)
    specs.push_back({"exchange", "mean_exchange_" + p, "resources returned to " + p + " for its aid, mean over time"});

  struct Row {
    ComparisonRow out;
    std::vector<double> a, b;  // per run
  };
  std::vector<Row> rows;
  for (const auto& s : specs) {
    auto ia = A.columns.find(s.column), ib = B.columns.find(s.column);
    if (ia == A.columns.end() || ib == B.columns.end()) continue;
    for (std::size_t i = 0; i < n; ++i) {
      if (s.family == "trade_share" || s.family == "influence" || s.family == "aid" || s.family == "gesture" ||
          s.family == "exchange") {
        const std::string partner = s.column.substr(s.column.rfind('_') + 1);
        if (partner == A.actors[i]) continue;
      }
      Row r;
      r.out.family = s.family;
      r.out.metric = s.column;
      r.out.actor = A.actors[i];
      r.out.detail = s.detail;
      r.out.units = A.units.count(s.column) ? A.units.at(s.column) : "1";
      for (std::size_t k = 0; k < ra; ++k) r.a.push_back(ia->second[k * n + i]);
      for (std::size_t k = 0; k < rb; ++k) r.b.push_back(ib->second[k * n + i]);
      if (r.out.family == "event" || r.out.family == "refugees")
        for (auto* v : {&r.a, &r.b})
          for (double& x : *v)
            if (!std::isfinite(x)) x = 0;
      rows.push_back(std::move(r));
    }
  }

  const Rng rng(seed ^ 0x5bd1e995ull);
  const int R = c.resamples;
  std::vector<std::vector<double>> reps(rows.size());
  std::vector<std::size_t> ia(std::max(ra, rb)), ib(std::max(ra, rb));
  for (int rep = 0; rep < R; ++rep) {
    const std::size_t na = c.paired ? runs : ra, nb = c.paired ? runs : rb;
    for (std::size_t k = 0; k < na; ++k)
      ia[k] = resample_index(rng.uniform(static_cast<std::uint32_t>(rep), static_cast<std::uint32_t>(k), 0, 0, Purpose::bootstrap), na);
    for (std::size_t k = 0; k < nb; ++k)
      ib[k] = c.paired ? ia[k]
                       : resample_index(rng.uniform(static_cast<std::uint32_t>(rep), static_cast<std::uint32_t>(k), 1, 0, Purpose::bootstrap), nb);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      double sa = 0, sb = 0;
      std::size_t ca = 0, cb = 0;
      for (std::size_t k = 0; k < na; ++k) {
        const double x = rows[r].a[ia[k]];
        if (std::isfinite(x)) { sa += x; ++ca; }
      }
      for (std::size_t k = 0; k < nb; ++k) {
        const double x = rows[r].b[ib[k]];
        if (std::isfinite(x)) { sb += x; ++cb; }
      }
      if (ca && cb) reps[r].push_back(sb / static_cast<double>(cb) - sa / static_cast<double>(ca));
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    Row& row = rows[r];
    const std::vector<double> a(row.a.begin(), row.a.begin() + static_cast<long>(c.paired ? runs : ra));
    const std::vector<double> b(row.b.begin(), row.b.begin() + static_cast<long>(c.paired ? runs : rb));
    row.out.mean_a = mean_of(a);
    row.out.mean_b = mean_of(b);
    row.out.diff = row.out.mean_b - row.out.mean_a;
    row.out.runs_q05 = row.out.runs_q95 = kNaN;
    // exact comparison, not sd > 0: a mean of equal values need not equal them in floating point
    auto constant = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
    };
    bool varies = !constant(a) || !constant(b);
    if (c.paired) {
      std::vector<double> d(a.size());
      for (std::size_t k = 0; k < a.size(); ++k) d[k] = b[k] - a[k];
      row.out.diff = mean_of(d);
      varies = !constant(d);
      std::vector<double> sorted;
      for (double x : d)
        if (std::isfinite(x)) sorted.push_back(x);
      std::sort(sorted.begin(), sorted.end());
      row.out.runs_q05 = quantile_sorted(sorted, 0.05);
      row.out.runs_q95 = quantile_sorted(sorted, 0.95);
    }
    row.out.deterministic = !varies;
    // d_av: the difference in units of the outcome's own spread (Cumming 2012), comparable
    // between paired and unpaired designs; NaN when neither ensemble varies
    const double sa = sd_of(a), sb = sd_of(b);
    const double spread = 0.5 * (sa + sb);
    row.out.effect = spread > 1e-3 * std::max(std::abs(row.out.mean_a), std::abs(row.out.mean_b)) + 1e-12
                         ? row.out.diff / spread
                         : kNaN;
    auto& v = reps[r];
    std::sort(v.begin(), v.end());
    row.out.low = quantile_sorted(v, 0.025);
    row.out.high = quantile_sorted(v, 0.975);
    c.rows.push_back(row.out);
  }
  return c;
}

const std::vector<std::string>& comparison_families() {
  static const std::vector<std::string> f = {"utility", "indicator", "event", "refugees", "trade_share", "influence", "aid", "gesture", "exchange"};
  return f;
}

std::string check_view(const Comparison& c, const ComparisonView& view) {
  if (view.sort != "effect" && view.sort != "diff" && view.sort != "file")
    return "--sort " + view.sort + ": expected effect, diff or file";
  const auto& fams = comparison_families();
  for (const auto& f : view.families)
    if (std::find(fams.begin(), fams.end(), f) == fams.end())
      return "--family " + f + ": no such family" + did_you_mean(f, fams) + "; expected one of: " + join(fams, ", ");
  std::vector<std::string> actors;
  for (const auto& r : c.rows)
    if (std::find(actors.begin(), actors.end(), r.actor) == actors.end()) actors.push_back(r.actor);
  for (const auto& a : view.actors)
    if (std::find(actors.begin(), actors.end(), a) == actors.end())
      return "--actor " + a + ": no such actor" + did_you_mean(a, actors) + "; expected one of: " + join(actors, ", ");
  if (!(view.threshold >= 0) || !std::isfinite(view.threshold)) return "--threshold: expected a number >= 0";
  return {};
}

namespace {

// rows that are zero in both ensembles say nothing (in the table)
bool empty_row(const ComparisonRow& r) {
  return (r.family == "event" || r.family == "refugees" || r.family == "trade_share" || r.family == "influence" ||
          r.family == "aid" || r.family == "gesture" || r.family == "exchange") &&
         std::abs(r.mean_a) < 1e-3 && std::abs(r.mean_b) < 1e-3;
}

}  // namespace

std::vector<std::size_t> view_rows(const Comparison& c, const ComparisonView& view, bool table) {
  std::vector<std::size_t> keep;
  auto listed = [](const std::vector<std::string>& v, const std::string& x) { return v.empty() || std::find(v.begin(), v.end(), x) != v.end(); };
  for (std::size_t k = 0; k < c.rows.size(); ++k) {
    const auto& r = c.rows[k];
    if (!listed(view.actors, r.actor) || !listed(view.families, r.family)) continue;
    if (table && (empty_row(r) || std::abs(r.diff) < view.threshold)) continue;
    keep.push_back(k);
  }
  if (view.sort != "file") {
    auto key = [&](std::size_t k) {
      const auto& r = c.rows[k];
      if (view.sort == "diff") return std::pair{0, std::abs(r.diff)};
      return std::isfinite(r.effect) ? std::pair{1, std::abs(r.effect)} : std::pair{0, std::abs(r.diff)};
    };
    std::stable_sort(keep.begin(), keep.end(), [&](std::size_t x, std::size_t y) {
      const auto kx = key(x), ky = key(y);
      return kx.first != ky.first ? kx.first > ky.first : kx.second > ky.second;
    });
  }
  if (view.top > 0 && keep.size() > view.top) keep.resize(view.top);
  return keep;
}

namespace {

std::string table_line(const ComparisonRow& r, const std::string& what, double threshold) {
  char interval[64], spread[64], effect[16], line[512];
  if (r.deterministic) std::snprintf(interval, sizeof interval, "%s", "deterministic");
  else std::snprintf(interval, sizeof interval, "[%.4f, %.4f]", r.low, r.high);
  if (r.deterministic || !std::isfinite(r.runs_q05)) std::snprintf(spread, sizeof spread, "%s", "-");
  else std::snprintf(spread, sizeof spread, "[%.4f, %.4f]", r.runs_q05, r.runs_q95);
  const bool clear = !r.deterministic && (r.low > 0 || r.high < 0) && std::abs(r.diff) >= threshold;
  if (!std::isfinite(r.effect)) std::snprintf(effect, sizeof effect, "%7s", "-");
  else if (std::abs(r.effect) > 99) std::snprintf(effect, sizeof effect, "%7s", r.effect > 0 ? ">99" : "<-99");
  else std::snprintf(effect, sizeof effect, "%7.2f", r.effect);
  std::snprintf(line, sizeof line, "  %-6s %-44s %10.4f %10.4f %+10.4f  %-23s %-23s %s%s\n", r.actor.c_str(), what.substr(0, 44).c_str(),
                r.mean_a, r.mean_b, r.diff, interval, spread, effect, clear ? " *" : "");
  return line;
}

std::string table_header(const Comparison& c, const std::string& what) {
  char line[512];
  std::snprintf(line, sizeof line, "\n  %-6s %-44s %10s %10s %10s  %-23s %-23s %7s\n", "actor", what.c_str(), c.a.substr(0, 10).c_str(),
                c.b.substr(0, 10).c_str(), "diff", "95 % interval of diff", "5-95 % of runs", "effect");
  return line;
}

}  // namespace

std::string format_comparison_table(const Comparison& c, const ComparisonView& view) {
  std::ostringstream os;
  os << "comparison: " << c.b << " against " << c.a << " (" << c.runs << (c.paired ? " paired runs" : " runs, unpaired")
     << "; difference = " << c.b << " - " << c.a << ", 95 % bootstrap interval, effect size d_av)\n";
  ComparisonView all = view;
  all.top = 0;
  const std::size_t shown_max = view_rows(c, all, true).size();
  const auto rows = view_rows(c, view, true);
  if (view.sort == "file") {
    std::string family;
    for (std::size_t k : rows) {
      const auto& r = c.rows[k];
      if (r.family != family) os << table_header(c, family = r.family);
      os << table_line(r, r.detail, view.threshold);
    }
  } else {
    os << (view.sort == "effect" ? "sorted by the size of the effect (|effect|; rows without one last, by |diff|)"
                                 : "sorted by the size of the difference (|diff|)");
    os << table_header(c, "outcome");
    for (std::size_t k : rows) {
      const auto& r = c.rows[k];
      os << table_line(r, r.family + ": " + r.detail, view.threshold);
    }
  }
  if (rows.size() < shown_max)
    os << "  ... " << rows.size() << " of " << shown_max << " rows (--top 0 shows them all; --format csv or json gives every number)\n";
  os << "\n  diff: the mean difference " << c.b << " - " << c.a << "; its 95 % interval is the Monte Carlo error of that mean (a\n"
     << "    percentile bootstrap over runs): more runs narrow it; it is not the spread of possible futures, which is:\n"
     << "  5-95 % of runs: the spread of the per-run paired differences (how much the effect varies between runs)\n"
     << "  effect: diff over the mean of the two ensembles' standard deviations (d_av); '-' where they do not vary\n"
     << "  deterministic: no run differs from another, so there is no interval and no star\n";
  if (view.threshold > 0)
    os << "  * the interval excludes zero and |diff| >= " << format_number(view.threshold)
       << " (the threshold; smaller differences are not shown)\n";
  else
    os << "  * the interval excludes zero (--threshold X also asks |diff| >= X)\n";
  return os.str();
}

std::string format_comparison_csv(const Comparison& c, const ComparisonView& view) {
  std::ostringstream os;
  os << "family,metric,actor,detail,units,mean_" << csv_field(c.a) << ",mean_" << csv_field(c.b)
     << ",diff,ci_low,ci_high,runs_q05,runs_q95,deterministic,effect_size\n";
  for (std::size_t k : view_rows(c, view, false)) {
    const auto& r = c.rows[k];
    os << r.family << "," << r.metric << "," << r.actor << "," << csv_field(r.detail) << "," << csv_field(r.units) << ","
       << format_number(r.mean_a) << ","
       << format_number(r.mean_b) << "," << format_number(r.diff) << "," << format_number(r.low) << ","
       << format_number(r.high) << "," << format_number(r.runs_q05) << "," << format_number(r.runs_q95) << ","
       << (r.deterministic ? 1 : 0) << "," << format_number(r.effect) << "\n";
  }
  return os.str();
}

std::string format_comparison_json(const Comparison& c, const ComparisonView& view) {
  std::ostringstream os;
  os << "{\"a\": " << json_string(c.a) << ", \"b\": " << json_string(c.b) << ", \"paired\": " << (c.paired ? "true" : "false")
     << ", \"runs\": " << c.runs << ", \"bootstrap_resamples\": " << c.resamples << ", \"bootstrap_seed\": " << c.seed
     << ", \"confidence\": 0.95, \"difference\": \"b - a\", \"rows\": [";
  const auto shown = view_rows(c, view, false);
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const auto& r = c.rows[shown[k]];
    os << (k ? ",\n  " : "\n  ") << "{\"family\": " << json_string(r.family) << ", \"metric\": " << json_string(r.metric)
       << ", \"actor\": " << json_string(r.actor) << ", \"detail\": " << json_string(r.detail)
       << ", \"units\": " << json_string(r.units)
       << ", \"mean_a\": " << json_number(r.mean_a) << ", \"mean_b\": " << json_number(r.mean_b)
       << ", \"diff\": " << json_number(r.diff) << ", \"ci_low\": " << json_number(r.low)
       << ", \"ci_high\": " << json_number(r.high) << ", \"runs_q05\": " << json_number(r.runs_q05)
       << ", \"runs_q95\": " << json_number(r.runs_q95) << ", \"deterministic\": " << (r.deterministic ? "true" : "false")
       << ", \"effect_size\": " << json_number(r.effect) << "}";
  }
  os << "\n]}\n";
  return os.str();
}

Table comparison_table(const Comparison& c) {
  std::string name = c.a + "_vs_" + c.b;
  for (char& ch : name)
    if (ch == '/' || ch == '.') ch = '_';
  Table t;
  t.path = {"comparisons", name};
  t.dimension = "row";
  t.dimension_long_name = "row of the comparison";
  t.rows = c.rows.size();
  t.attributes = {{"a", c.a},
                  {"b", c.b},
                  {"difference", std::string("b - a")},
                  {"paired", std::int64_t{c.paired ? 1 : 0}},
                  {"runs", c.runs},
                  {"bootstrap_resamples", std::int64_t{c.resamples}},
                  {"bootstrap_seed", static_cast<std::int64_t>(c.seed)},
                  {"confidence", 0.95}};
  auto text = [&](const char* n, auto get, const char* ln) {
    TableColumn col{n, ln, {}, {}, true};
    for (const auto& r : c.rows) col.text.push_back(get(r));
    t.columns.push_back(std::move(col));
  };
  auto numbers = [&](const char* n, auto get, const char* ln) {
    TableColumn col{n, ln, {}, {}, false};
    for (const auto& r : c.rows) col.numbers.push_back(get(r));
    t.columns.push_back(std::move(col));
  };
  text("family", [](const ComparisonRow& r) { return r.family; }, "family of the outcome");
  text("metric", [](const ComparisonRow& r) { return r.metric; }, "outcome column");
  text("actor", [](const ComparisonRow& r) { return r.actor; }, "actor");
  text("detail", [](const ComparisonRow& r) { return r.detail; }, "what the row measures");
  text("units", [](const ComparisonRow& r) { return r.units; }, "units of the outcome and of mean_a, mean_b, diff");
  numbers("mean_a", [](const ComparisonRow& r) { return r.mean_a; }, "ensemble mean in a");
  numbers("mean_b", [](const ComparisonRow& r) { return r.mean_b; }, "ensemble mean in b");
  numbers("diff", [](const ComparisonRow& r) { return r.diff; }, "difference b - a (paired mean when paired)");
  numbers("ci_low", [](const ComparisonRow& r) { return r.low; }, "lower end of the 95 % bootstrap interval");
  numbers("ci_high", [](const ComparisonRow& r) { return r.high; }, "upper end of the 95 % bootstrap interval");
  numbers("runs_q05", [](const ComparisonRow& r) { return r.runs_q05; }, "5 % quantile of the per-run paired differences (NaN unpaired)");
  numbers("runs_q95", [](const ComparisonRow& r) { return r.runs_q95; }, "95 % quantile of the per-run paired differences (NaN unpaired)");
  numbers("deterministic", [](const ComparisonRow& r) { return r.deterministic ? 1.0 : 0.0; },
          "1: no run differs from another (no interval, no star)");
  numbers("effect_size", [](const ComparisonRow& r) { return r.effect; }, "difference over the mean of the two sds (d_av)");
  return t;
}

}  // namespace sixparty
