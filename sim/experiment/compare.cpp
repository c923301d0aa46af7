#include "experiment/compare.hpp"

#include "core/rng.hpp"
#include "core/text.hpp"
#include "experiment/h5.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace sixparty {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> read_strings(hid_t g, const std::string& name) {
  std::vector<std::string> out;
  h5::Handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) throw h5::Error("no '" + name + "' coordinate");
  h5::Handle space(H5Dget_space(d.id()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || n > 100000) throw h5::Error("'" + name + "' has an unreadable size");
  h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0 && H5Dread(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw h5::Error("cannot read '" + name + "'");
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    if (p) H5free_memory(p);
  }
  return out;
}

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

OutcomeTable read_outcomes(const std::string& file, const std::string& group) {
  h5::quiet();
  OutcomeTable t;
  t.file = file;
  t.group = group;
  if (H5Fis_hdf5(file.c_str()) <= 0) throw h5::Error("'" + file + "' is not an HDF5 results file");
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw h5::Error("cannot open '" + file + "'");
  if (!h5::exists(f.id(), group)) {
    throw h5::Error("'" + file + "' has no group '" + group + "'; `sixparty info " + file + "` lists its groups");
  }
  h5::Handle g = h5::open_group(f.id(), group);
  if (!h5::exists(g.id(), "outcomes")) throw h5::Error("'" + file + ":" + group + "' has no outcomes");
  t.scenario = h5::read_attr_string(g.id(), "scenario_name");
  std::int64_t seed = 0, done = 0;
  h5::read_attr_int(g.id(), "seed", seed);
  h5::read_attr_int(g.id(), "runs_completed", done);
  if (done < 0 || done > 100000000) throw h5::Error("'" + file + ":" + group + "' has an impossible runs_completed (" + std::to_string(done) + ")");
  t.seed = static_cast<std::uint64_t>(seed);
  t.runs = done;
  double end = 0;
  if (H5Aexists(g.id(), "end_year") > 0) {
    h5::Handle a(H5Aopen(g.id(), "end_year", H5P_DEFAULT), H5Aclose);
    H5Aread(a.id(), H5T_NATIVE_DOUBLE, &end);
  }
  t.end_year = end;
  h5::Handle o = h5::open_group(g.id(), "outcomes");
  t.actors = read_strings(o.id(), "actor");
  const std::size_t n = t.actors.size();
  H5G_info_t info{};
  H5Gget_info(o.id(), &info);
  // creation order (the scenario's order of interests and partners) where the file keeps it
  const H5_index_t order =
      H5Lget_name_by_idx(o.id(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) >= 0 ? H5_INDEX_CRT_ORDER
                                                                                                    : H5_INDEX_NAME;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    char name[256];
    if (H5Lget_name_by_idx(o.id(), ".", order, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT) < 0) continue;
    h5::Handle d(H5Dopen2(o.id(), name, H5P_DEFAULT), H5Dclose);
    if (!d.valid()) continue;
    h5::Handle type(H5Dget_type(d.id()), H5Tclose);
    h5::Handle space(H5Dget_space(d.id()), H5Sclose);
    if (H5Tget_class(type.id()) != H5T_FLOAT || H5Sget_simple_extent_ndims(space.id()) != 2) continue;
    hsize_t dims[2];
    H5Sget_simple_extent_dims(space.id(), dims, nullptr);
    if (dims[1] != n || static_cast<std::int64_t>(dims[0]) < done) continue;
    std::vector<double> v(static_cast<std::size_t>(dims[0] * dims[1]));
    if (H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) continue;
    v.resize(static_cast<std::size_t>(done) * n);
    const std::string key = name;
    if (key.rfind("final_indicator_", 0) == 0) t.dimensions.push_back(key.substr(16));
    t.units[key] = h5::read_attr_string(d.id(), "units");
    t.columns[key] = std::move(v);
  }
  if (t.columns.empty()) throw h5::Error("'" + file + ":" + group + "' has no readable outcomes");
  return t;
}

std::string comparable(const OutcomeTable& a, const OutcomeTable& b) {
  if (a.actors != b.actors)
    return "the scenarios do not share a world: actors " + join(a.actors) + " against " + join(b.actors);
  std::vector<std::string> da = a.dimensions, db = b.dimensions;
  std::sort(da.begin(), da.end());
  std::sort(db.begin(), db.end());
  if (da != db) return "the scenarios do not share a world: interests " + join(da) + " against " + join(db);
  if (a.runs == 0 || b.runs == 0) return "an ensemble has no finished runs";
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
  specs.push_back({"event", "war", "probability of war"});
  specs.push_back({"refugees", "refugees", "million people received"});
  for (const auto& p : A.actors) specs.push_back({"trade_share", "final_trade_share_" + p, "share of trade with " + p + ", " + horizon});
  for (const auto& p : A.actors) specs.push_back({"influence", "final_influence_" + p, "actual influence over " + p});
  for (const auto& p : A.actors) specs.push_back({"influence", "final_perceived_influence_" + p, "perceived influence over " + p});

  struct Row {
    ComparisonRow out;
    std::vector<double> a, b;  // per run
  };
  std::vector<Row> rows;
  for (const auto& s : specs) {
    auto ia = A.columns.find(s.column), ib = B.columns.find(s.column);
    if (ia == A.columns.end() || ib == B.columns.end()) continue;
    for (std::size_t i = 0; i < n; ++i) {
      if (s.family == "trade_share" || s.family == "influence") {
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
      ia[k] = std::min(na - 1, static_cast<std::size_t>(rng.uniform(static_cast<std::uint32_t>(rep), static_cast<std::uint32_t>(k), 0, 0, Purpose::bootstrap) * na));
    for (std::size_t k = 0; k < nb; ++k)
      ib[k] = c.paired ? ia[k]
                       : std::min(nb - 1, static_cast<std::size_t>(rng.uniform(static_cast<std::uint32_t>(rep), static_cast<std::uint32_t>(k), 1, 0, Purpose::bootstrap) * nb));
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
    if (c.paired) {
      std::vector<double> d(a.size());
      for (std::size_t k = 0; k < a.size(); ++k) d[k] = b[k] - a[k];
      row.out.diff = mean_of(d);
    }
    // d_av: the difference in units of the outcome's own spread (Cumming 2012), comparable
    // between paired and unpaired designs; NaN when neither ensemble varies
    const double sa = sd_of(a), sb = sd_of(b);
    const double spread = 0.5 * (sa + sb);
    row.out.effect = spread > 1e-3 * std::max(std::abs(row.out.mean_a), std::abs(row.out.mean_b)) + 1e-12
                         ? row.out.diff / spread
                         : kNaN;
    auto& v = reps[r];
    std::sort(v.begin(), v.end());
    auto pct = [&](double q) {
      if (v.empty()) return kNaN;
      const double h = q * static_cast<double>(v.size() - 1);
      const std::size_t lo = static_cast<std::size_t>(std::floor(h));
      const std::size_t hi = std::min(lo + 1, v.size() - 1);
      return v[lo] + (h - lo) * (v[hi] - v[lo]);
    };
    row.out.low = pct(0.025);
    row.out.high = pct(0.975);
    c.rows.push_back(row.out);
  }
  return c;
}

std::string format_comparison_table(const Comparison& c) {
  std::ostringstream os;
  os << "comparison: " << c.b << " against " << c.a << " (" << c.runs << (c.paired ? " paired runs" : " runs, unpaired")
     << "; difference = " << c.b << " - " << c.a << ", 95 % bootstrap interval, effect size d_av)\n";
  std::string family;
  char line[512];
  for (const auto& r : c.rows) {
    // rows that are zero in both ensembles say nothing
    if ((r.family == "event" || r.family == "refugees" || r.family == "trade_share" || r.family == "influence") &&
        std::abs(r.mean_a) < 1e-3 && std::abs(r.mean_b) < 1e-3)
      continue;
    if (r.family != family) {
      family = r.family;
      std::snprintf(line, sizeof line, "\n  %-6s %-38s %10s %10s %10s  %-23s %7s\n", "actor", family.c_str(), c.a.substr(0, 10).c_str(),
                    c.b.substr(0, 10).c_str(), "diff", "95 % interval", "effect");
      os << line;
    }
    char interval[64];
    std::snprintf(interval, sizeof interval, "[%.4f, %.4f]", r.low, r.high);
    const bool clear = r.low > 0 || r.high < 0;
    char effect[16];
    if (!std::isfinite(r.effect)) std::snprintf(effect, sizeof effect, "%7s", "-");
    else if (std::abs(r.effect) > 99) std::snprintf(effect, sizeof effect, "%7s", r.effect > 0 ? ">99" : "<-99");
    else std::snprintf(effect, sizeof effect, "%7.2f", r.effect);
    std::snprintf(line, sizeof line, "  %-6s %-38s %10.4f %10.4f %+10.4f  %-23s %s%s\n", r.actor.c_str(),
                  r.detail.substr(0, 38).c_str(), r.mean_a, r.mean_b, r.diff, interval, effect, clear ? " *" : "");
    os << line;
  }
  os << "\n  * the interval excludes zero\n";
  return os.str();
}

std::string format_comparison_csv(const Comparison& c) {
  std::ostringstream os;
  os << "family,metric,actor,detail,units,mean_" << csv_field(c.a) << ",mean_" << csv_field(c.b)
     << ",diff,ci_low,ci_high,effect_size\n";
  for (const auto& r : c.rows)
    os << r.family << "," << r.metric << "," << r.actor << "," << csv_field(r.detail) << "," << csv_field(r.units) << ","
       << format_number(r.mean_a) << ","
       << format_number(r.mean_b) << "," << format_number(r.diff) << "," << format_number(r.low) << ","
       << format_number(r.high) << "," << format_number(r.effect) << "\n";
  return os.str();
}

std::string format_comparison_json(const Comparison& c) {
  std::ostringstream os;
  os << "{\"a\": " << json_string(c.a) << ", \"b\": " << json_string(c.b) << ", \"paired\": " << (c.paired ? "true" : "false")
     << ", \"runs\": " << c.runs << ", \"bootstrap_resamples\": " << c.resamples << ", \"bootstrap_seed\": " << c.seed
     << ", \"confidence\": 0.95, \"difference\": \"b - a\", \"rows\": [";
  for (std::size_t k = 0; k < c.rows.size(); ++k) {
    const auto& r = c.rows[k];
    os << (k ? ",\n  " : "\n  ") << "{\"family\": " << json_string(r.family) << ", \"metric\": " << json_string(r.metric)
       << ", \"actor\": " << json_string(r.actor) << ", \"detail\": " << json_string(r.detail)
       << ", \"units\": " << json_string(r.units)
       << ", \"mean_a\": " << json_number(r.mean_a) << ", \"mean_b\": " << json_number(r.mean_b)
       << ", \"diff\": " << json_number(r.diff) << ", \"ci_low\": " << json_number(r.low)
       << ", \"ci_high\": " << json_number(r.high) << ", \"effect_size\": " << json_number(r.effect) << "}";
  }
  os << "\n]}\n";
  return os.str();
}

void write_comparison(long long file_id, const Comparison& c) {
  const hid_t f = static_cast<hid_t>(file_id);
  h5::Handle top = h5::exists(f, "comparisons") ? h5::open_group(f, "comparisons") : h5::create_group(f, "comparisons");
  std::string name = c.a + "_vs_" + c.b;
  for (char& ch : name)
    if (ch == '/' || ch == '.') ch = '_';
  if (h5::exists(top.id(), name)) H5Ldelete(top.id(), name.c_str(), H5P_DEFAULT);
  h5::Handle g = h5::create_group(top.id(), name);
  h5::attr_string(g.id(), "a", c.a);
  h5::attr_string(g.id(), "b", c.b);
  h5::attr_string(g.id(), "difference", "b - a");
  h5::attr_int(g.id(), "paired", c.paired ? 1 : 0);
  h5::attr_int(g.id(), "runs", c.runs);
  h5::attr_int(g.id(), "bootstrap_resamples", c.resamples);
  h5::attr_int(g.id(), "bootstrap_seed", static_cast<std::int64_t>(c.seed));
  h5::attr_double(g.id(), "confidence", 0.95);
  std::vector<std::int64_t> idx(c.rows.size());
  for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = static_cast<std::int64_t>(k);
  h5::Handle row = h5::create_int_dataset(g.id(), "row", {idx.size()});
  if (!idx.empty()) h5::write_ints(row.id(), idx.data());
  h5::make_scale(row.id(), "row");
  h5::describe(row.id(), "row of the comparison", "1");
  auto strings = [&](const char* n, auto get, const char* ln) {
    std::vector<std::string> v;
    for (const auto& r : c.rows) v.push_back(get(r));
    h5::Handle d = h5::strings(g.id(), n, v);
    h5::describe(d.id(), ln, "1");
    h5::attach(d.id(), {row.id()});
  };
  auto numbers = [&](const char* n, auto get, const char* ln) {
    std::vector<double> v;
    for (const auto& r : c.rows) v.push_back(get(r));
    h5::Handle d = h5::create_dataset(g.id(), n, {v.size()});
    if (!v.empty()) h5::write_slab(d.id(), {0}, {v.size()}, v.data());
    h5::describe(d.id(), ln, "1");
    h5::attach(d.id(), {row.id()});
  };
  strings("family", [](const ComparisonRow& r) { return r.family; }, "family of the outcome");
  strings("metric", [](const ComparisonRow& r) { return r.metric; }, "outcome column");
  strings("actor", [](const ComparisonRow& r) { return r.actor; }, "actor");
  strings("detail", [](const ComparisonRow& r) { return r.detail; }, "what the row measures");
  strings("units", [](const ComparisonRow& r) { return r.units; }, "units of the outcome and of mean_a, mean_b, diff");
  numbers("mean_a", [](const ComparisonRow& r) { return r.mean_a; }, "ensemble mean in a");
  numbers("mean_b", [](const ComparisonRow& r) { return r.mean_b; }, "ensemble mean in b");
  numbers("diff", [](const ComparisonRow& r) { return r.diff; }, "difference b - a (paired mean when paired)");
  numbers("ci_low", [](const ComparisonRow& r) { return r.low; }, "lower end of the 95 % bootstrap interval");
  numbers("ci_high", [](const ComparisonRow& r) { return r.high; }, "upper end of the 95 % bootstrap interval");
  numbers("effect_size", [](const ComparisonRow& r) { return r.effect; }, "difference over the mean of the two sds (d_av)");
}

}  // namespace sixparty
