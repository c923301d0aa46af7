#include "io/batch_file.hpp"

#include "core/files.hpp"
#include "experiment/record.hpp"
#include "io/detail.hpp"
#include "stats/resample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace sixparty {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void write_int_column(hid_t g, const std::string& name, const std::vector<std::int64_t>& v, hid_t scale,
                      const std::string& long_name) {
  auto d = h5::create_int_dataset(g, name, {static_cast<hsize_t>(v.size())});
  if (!v.empty()) h5::write_ints(d.id(), v.data());
  h5::describe(d.id(), long_name, "1");
  if (scale >= 0) h5::attach(d.id(), {scale});
}

// /experiment: enough to replay any run from this file alone
void write_experiment_group(hid_t root, const BatchFileInfo& f) {
  auto g = h5::create_group(root, "experiment");
  h5::attr_string(g.id(), "name", f.name);
  h5::attr_string(g.id(), "description", f.description);
  h5::attr_string(g.id(), "file", f.experiment_file);
  h5::attr_string(g.id(), "fingerprint", std::to_string(f.fingerprint));
  h5::attr_string(g.id(), "design", f.design_kind);
  h5::attr_int(g.id(), "seed", static_cast<std::int64_t>(f.seed));
  h5::attr_string(g.id(), "seeds", f.common_seeds ? "common" : "independent");
  h5::attr_int(g.id(), "runs_per_point", f.runs_per_point);
  h5::attr_int(g.id(), "points", static_cast<std::int64_t>(f.points));
  h5::attr_int(g.id(), "rows_per_scenario", static_cast<std::int64_t>(f.rows_per_scenario));
  h5::attr_int(g.id(), "shard", static_cast<std::int64_t>(f.shard));
  h5::attr_int(g.id(), "shards", static_cast<std::int64_t>(f.shards));
  h5::attr_int(g.id(), "first_point", static_cast<std::int64_t>(f.first_point));
  h5::attr_int(g.id(), "end_point", static_cast<std::int64_t>(f.end_point));
  h5::attr_strings(g.id(), "scenario_files", f.scenario_files);
  h5::attr_strings(g.id(), "scenario_names", f.scenario_names);
  if (!f.policies.empty()) {
    h5::attr_strings(g.id(), "policies", f.policies);
    h5::attr_strings(g.id(), "scenario_policies", f.scenario_policies);
  }
  h5::attr_strings(g.id(), "outcomes", f.outcomes);
  if (!f.series.empty()) h5::attr_strings(g.id(), "series", f.series);
  h5::attr_strings(g.id(), "actor_names", f.actor_names);
  h5::attr_strings(g.id(), "dimensions", f.dimensions);
  h5::attr_strings(g.id(), "resources", f.resources);
  h5::attr_string(g.id(), "invariant_checks", f.check_every_step ? "every step" : "end of each run");
  h5::attr_int(g.id(), h5::kTextDigest, batch_text_digest(f));
  // the long texts, as string variables out of the way of `ncdump -h`: enough to replay a run
  auto pg = h5::create_group(g.id(), "provenance");
  auto text = h5::string_scalar(pg.id(), "experiment_text", f.experiment_text);
  h5::describe(text.id(), "text of the experiment file as read", "1");
  auto scen = h5::coordinate(pg.id(), "scenario", f.scenario_names);
  h5::describe(scen.id(), "scenario of the experiment", "1");
  auto resolved = h5::strings(pg.id(), "scenario_resolved", f.scenario_resolved);
  h5::describe(resolved.id(), "the scenario after extends, as the experiment's points start from (replay runs it)", "1");
  h5::attach(resolved.id(), {scen.id()});
}

// /design: one row per point of the whole experiment
void write_design_group(hid_t root, const BatchFileInfo& f) {
  const std::size_t k = f.factor_names.size();
  auto g = h5::create_group(root, "design");
  std::vector<std::int64_t> ids(f.points);
  for (std::size_t p = 0; p < f.points; ++p) ids[p] = static_cast<std::int64_t>(p);
  auto point = h5::create_int_dataset(g.id(), "point", {static_cast<hsize_t>(f.points)});
  if (f.points) h5::write_ints(point.id(), ids.data());
  h5::make_scale(point.id(), "point");
  h5::describe(point.id(), "design point", "1");
  auto factor = h5::coordinate(g.id(), "factor", f.factor_names);
  h5::describe(factor.id(), "factor", "1");
  auto paths = h5::strings(g.id(), "factor_path", f.factor_paths);
  h5::describe(paths.id(), "scenario path the factor sets", "1");
  h5::attach(paths.id(), {factor.id()});
  auto dists = h5::strings(g.id(), "factor_distribution", f.factor_distributions);
  h5::describe(dists.id(), "distribution of the factor (levels, uniform, log_uniform)", "1");
  h5::attach(dists.id(), {factor.id()});
  for (const auto& [name, v] : {std::pair{"factor_lower", &f.factor_lower}, std::pair{"factor_upper", &f.factor_upper}}) {
    auto d = h5::create_dataset(g.id(), name, {static_cast<hsize_t>(k)});
    if (k) h5::write_slab(d.id(), {0}, {static_cast<hsize_t>(k)}, v->data());
    h5::describe(d.id(), std::string(name) == "factor_lower" ? "lowest value of the factor" : "highest value of the factor", "1");
    h5::attach(d.id(), {factor.id()});
  }
  write_int_column(g.id(), "scenario", f.scenario, point.id(), "index of the point's scenario in /experiment scenario_names");
  write_int_column(g.id(), "seed", f.seed_of, point.id(), "ensemble seed of the point's runs");
  write_int_column(g.id(), "role", f.role, point.id(), "sobol: -1 A, k B, i A_B(i); morris: factor changed from the previous point, -1 first");
  write_int_column(g.id(), "group", f.group, point.id(), "sobol: base row; morris: trajectory; otherwise the design row");
  auto unit = h5::create_dataset(g.id(), "unit", {static_cast<hsize_t>(f.points), static_cast<hsize_t>(k)});
  if (f.points && k) h5::write_slab(unit.id(), {0, 0}, {static_cast<hsize_t>(f.points), static_cast<hsize_t>(k)}, f.unit.data());
  h5::describe(unit.id(), "point's coordinates in the unit hypercube of the design", "1");
  h5::attach(unit.id(), {point.id(), factor.id()});
  std::vector<double> col(f.points);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t p = 0; p < f.points; ++p) col[p] = f.values[p * k + i];
    auto d = h5::create_dataset(g.id(), f.factor_names[i], {static_cast<hsize_t>(f.points)});
    if (f.points) h5::write_slab(d.id(), {0}, {static_cast<hsize_t>(f.points)}, col.data());
    h5::describe(d.id(), "value of factor " + f.factor_paths[i], "1");
    h5::attr_string(d.id(), "path", f.factor_paths[i]);
    if (i < f.factor_categories.size() && !f.factor_categories[i].empty())
      h5::attr_strings(d.id(), "categories", f.factor_categories[i]);  // value k is categories[k]
    h5::attach(d.id(), {point.id()});
  }
}

// the failed runs, in row order; a point's runs often share one message, kept once
struct Failures {
  std::vector<std::int64_t> point, replicate, seed;
  std::vector<std::uint32_t> message;  // index into texts
  std::vector<std::string> texts;
  void add(std::int64_t p, std::int64_t r, std::int64_t s, const std::string& text) {
    point.push_back(p);
    replicate.push_back(r);
    seed.push_back(s);
    if (texts.empty() || texts.back() != text) texts.push_back(text);
    message.push_back(static_cast<std::uint32_t>(texts.size() - 1));
  }
};

// /failures: one row per failed run
void write_failures(hid_t root, const Failures& x) {
  auto g = h5::create_group(root, "failures");
  h5::attr_int(g.id(), "count", static_cast<std::int64_t>(x.point.size()));
  const hsize_t nf = x.point.size();
  auto idx = h5::create_int_dataset(g.id(), "failure", {nf});
  std::vector<std::int64_t> ids(nf);
  for (std::size_t i = 0; i < nf; ++i) ids[i] = static_cast<std::int64_t>(i);
  if (nf) h5::write_ints(idx.id(), ids.data());
  h5::make_scale(idx.id(), "failure");
  write_int_column(g.id(), "point", x.point, idx.id(), "design point of the failed run");
  write_int_column(g.id(), "replicate", x.replicate, idx.id(), "replicate of the failed run");
  write_int_column(g.id(), "seed", x.seed, idx.id(), "ensemble seed of the failed run's point");
  std::vector<const char*> ptrs;
  ptrs.reserve(x.message.size());
  for (auto k : x.message) ptrs.push_back(x.texts[k].c_str());
  auto msg = h5::strings(g.id(), "message", ptrs);
  h5::describe(msg.id(), "why the run failed", "1");
  h5::attach(msg.id(), {idx.id()});
}


// /runs: one row per run of the shard, point-major; outcomes as (run, actor) columns
struct RunSets {
  h5::Handle group, run, actor, point, replicate, status;
  std::vector<h5::Handle> outcomes;  // one per outcome column
};

RunSets create_run_sets(hid_t root, const BatchFileInfo& f, const std::vector<OutcomeColumn>& columns, std::size_t runs) {
  RunSets x;
  x.group = h5::create_group(root, "runs");
  const hid_t g = x.group.id();
  const hsize_t hr = static_cast<hsize_t>(runs), hn = static_cast<hsize_t>(f.actor_ids.size());
  const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>(hr, 4096));
  x.run = h5::create_int_dataset(g, "run", {hr}, {chunk_rows});
  h5::make_scale(x.run.id(), "run");
  h5::describe(x.run.id(), "run index within the experiment (point * runs_per_point + replicate)", "1");
  h5::attr_string(x.run.id(), "standard_name", "realization");
  x.actor = h5::coordinate(g, "actor", f.actor_ids);
  h5::describe(x.actor.id(), "actor", "1");
  x.point = h5::create_int_dataset(g, "point", {hr}, {chunk_rows});
  h5::describe(x.point.id(), "design point of the run", "1");
  x.replicate = h5::create_int_dataset(g, "replicate", {hr}, {chunk_rows});
  h5::describe(x.replicate.id(), "replicate of the run within its point (its run index in the point's ensemble)", "1");
  x.status = h5::create_int_dataset(g, "status", {hr}, {chunk_rows});
  h5::describe(x.status.id(), "0 finished, 1 failed (see /failures)", "1");
  for (auto* d : {&x.point, &x.replicate, &x.status}) h5::attach(d->id(), {x.run.id()});
  for (const auto& c : columns) {
    auto d = h5::create_dataset(g, c.name, {hr, hn}, {chunk_rows, hn}, 1);
    h5::describe(d.id(), c.long_name, c.units);
    h5::attach(d.id(), {x.run.id(), x.actor.id()});
    x.outcomes.push_back(std::move(d));
  }
  return x;
}

// /points: per-point summaries over the point's finished runs (NaN values skipped)
struct PointSets {
  h5::Handle group, point, actor, runs_ok, mean_group, sd_group;
  std::vector<h5::Handle> mean, sd;  // one per outcome column
};

PointSets create_point_sets(hid_t root, const BatchFileInfo& f, const std::vector<OutcomeColumn>& columns, std::size_t points) {
  PointSets x;
  x.group = h5::create_group(root, "points");
  const hid_t g = x.group.id();
  const hsize_t hp = static_cast<hsize_t>(points), hn = static_cast<hsize_t>(f.actor_ids.size());
  std::vector<std::int64_t> pids(points);
  for (std::size_t p = 0; p < points; ++p) pids[p] = static_cast<std::int64_t>(f.first_point + p);
  x.point = h5::create_int_dataset(g, "point", {hp});
  if (points) h5::write_ints(x.point.id(), pids.data());
  h5::make_scale(x.point.id(), "point");
  h5::describe(x.point.id(), "design point (see /design)", "1");
  x.actor = h5::coordinate(g, "actor", f.actor_ids);
  h5::describe(x.actor.id(), "actor", "1");
  x.runs_ok = h5::create_int_dataset(g, "runs_ok", {hp});
  h5::describe(x.runs_ok.id(), "finished (not failed) runs of the point", "1");
  h5::attach(x.runs_ok.id(), {x.point.id()});
  x.mean_group = h5::create_group(g, "mean");
  x.sd_group = h5::create_group(g, "sd");
  const hsize_t chunk_points = std::max<hsize_t>(1, std::min<hsize_t>(hp, 4096));
  for (const auto& c : columns) {
    auto m = h5::create_dataset(x.mean_group.id(), c.name, {hp, hn}, {chunk_points, hn}, 1);
    h5::describe(m.id(), "mean over the point's runs: " + c.long_name, c.units);
    h5::attach(m.id(), {x.point.id(), x.actor.id()});
    x.mean.push_back(std::move(m));
    auto sd = h5::create_dataset(x.sd_group.id(), c.name, {hp, hn}, {chunk_points, hn}, 1);
    h5::describe(sd.id(), "standard deviation over the point's runs: " + c.long_name, c.units);
    h5::attach(sd.id(), {x.point.id(), x.actor.id()});
    x.sd.push_back(std::move(sd));
  }
  return x;
}

// a run's values are laid out per variable as (actor, second); a column is one second of one
// variable: its value for actor i of the run starting at `row`
struct ColumnIndex {
  const std::vector<OutcomeColumn>& columns;
  std::vector<std::size_t> start;
  std::size_t n;
  std::size_t at(std::size_t c, std::size_t i) const { return start[c] + i * columns[c].seconds + columns[c].second; }
};

// /draws: the runs' drawn uncertain inputs, (run, quantity), as a run file's draws/ group
struct DrawSets {
  h5::Handle group, run, quantity, value;
};

DrawSets create_draw_sets(hid_t root, const BatchFileInfo& f, std::size_t runs) {
  DrawSets x;
  if (f.draw_names.empty()) return x;
  x.group = h5::create_group(root, "draws");
  const hid_t g = x.group.id();
  const hsize_t hr = static_cast<hsize_t>(runs), hq = static_cast<hsize_t>(f.draw_names.size());
  x.run = h5::create_int_dataset(g, "run", {hr}, {std::max<hsize_t>(1, std::min<hsize_t>(hr, 65536))});
  h5::make_scale(x.run.id(), "run");
  h5::describe(x.run.id(), "run index within the experiment (as /runs/run)", "1");
  x.quantity = h5::coordinate(g, "quantity", f.draw_names);
  h5::describe(x.quantity.id(), "uncertain input (its scenario path, interests.ACTOR.DIMENSION, or events.NAME@STEP.size|step)", "1");
  auto units = h5::strings(g, "units", f.draw_units);
  h5::attr_string(units.id(), "long_name", "unit of each uncertain input's drawn value");
  h5::attach(units.id(), {x.quantity.id()});
  x.value = h5::create_dataset(g, "value", {hr, hq}, {std::max<hsize_t>(1, std::min<hsize_t>(hr, 4096)), hq}, 4);
  h5::describe(x.value.id(), "the run's drawn value (in the quantity's unit: units(quantity); NaN: the point does not draw it)", "1");
  h5::attach(x.value.id(), {x.run.id(), x.quantity.id()});
  return x;
}

void write_draw_block(const DrawSets& sets, const BatchFileInfo& f, std::size_t per_run, std::size_t width, std::size_t first,
                      std::size_t count, const std::vector<double>& values) {
  const std::size_t q = f.draw_names.size(), R = static_cast<std::size_t>(f.runs_per_point);
  if (q == 0) return;
  std::vector<std::int64_t> ids(count);
  for (std::size_t r = 0; r < count; ++r) ids[r] = static_cast<std::int64_t>(f.first_point * R + first + r);
  h5::write_int_slab(sets.run.id(), first, count, ids.data());
  std::vector<double> block(count * q);
  for (std::size_t r = 0; r < count; ++r) std::copy_n(values.data() + r * width + per_run, q, block.data() + r * q);
  h5::write_slab(sets.value.id(), {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(count), static_cast<hsize_t>(q)}, block.data());
}

// one block of rows into /runs (ids, point, replicate, status, outcome columns); failures noted;
// row r's values start at values[r * width]
void write_run_block(const RunSets& sets, const BatchFileInfo& f, const ColumnIndex& ix, std::size_t width, std::size_t first,
                     std::size_t count, const std::vector<double>& values, const std::vector<std::uint8_t>& status,
                     const std::vector<std::string>& messages, Failures& failures) {
  const std::size_t R = static_cast<std::size_t>(f.runs_per_point), n = ix.n;
  std::vector<std::int64_t> ints(count);
  for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>(f.first_point * R + first + r);
  h5::write_int_slab(sets.run.id(), first, count, ints.data());
  for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>(f.first_point + (first + r) / R);
  h5::write_int_slab(sets.point.id(), first, count, ints.data());
  for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>((first + r) % R);
  h5::write_int_slab(sets.replicate.id(), first, count, ints.data());
  for (std::size_t r = 0; r < count; ++r) ints[r] = status[r];
  h5::write_int_slab(sets.status.id(), first, count, ints.data());
  for (std::size_t r = 0; r < count; ++r)
    if (status[r] != kRunOk) {
      const std::size_t p = f.first_point + (first + r) / R;
      failures.add(static_cast<std::int64_t>(p), static_cast<std::int64_t>((first + r) % R), f.seed_of[p], messages[r]);
    }
  std::vector<double> col(count * n);
  for (std::size_t c = 0; c < ix.columns.size(); ++c) {
    for (std::size_t r = 0; r < count; ++r)
      for (std::size_t i = 0; i < n; ++i) col[r * n + i] = values[r * width + ix.at(c, i)];
    h5::write_slab(sets.outcomes[c].id(), {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(count), static_cast<hsize_t>(n)}, col.data());
  }
}

// per-point mean and sd, Welford accumulations in row order (so they do not depend on blocks);
// a point's statistics are written when its last run has been added
class PointStatistics {
 public:
  PointStatistics(const PointSets& sets, const ColumnIndex& ix, std::size_t R, std::size_t runs, std::size_t width)
      : sets_(sets), ix_(ix), R_(R), runs_(runs), per_run_(ix.columns.size() * ix.n), width_(width) {}

  void add_block(std::size_t first, std::size_t count, const std::vector<double>& values, const std::vector<std::uint8_t>& status) {
    const std::size_t last_point = (first + count - 1) / R_;  // local point index
    const std::size_t open = last_point - open_first_ + 1;
    acc_.resize(open * per_run_);
    ok_.resize(open, 0);
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t q = (first + r) / R_ - open_first_;
      ok_[q] += status[r] == kRunOk;
      const double* x = values.data() + r * width_;
      RunningMoments* m = acc_.data() + q * per_run_;
      for (std::size_t v = 0; v < per_run_; ++v)
        if (std::isfinite(x[v])) m[v].add(x[v]);
    }
    const bool last_complete = (first + count) % R_ == 0 || first + count == runs_;
    write_completed(last_complete ? open : open - 1, open);
  }

 private:
  // writes the first `done` of the `open` points and keeps the unfinished one (if any) in front
  void write_completed(std::size_t done, std::size_t open) {
    if (done == 0) return;
    const std::size_t n = ix_.n;
    const hsize_t hn = static_cast<hsize_t>(n);
    std::vector<double> pm(done * n), ps(done * n);
    const std::vector<std::int64_t> ok_count(ok_.begin(), ok_.begin() + static_cast<std::ptrdiff_t>(done));
    h5::write_int_slab(sets_.runs_ok.id(), open_first_, done, ok_count.data());
    for (std::size_t c = 0; c < ix_.columns.size(); ++c) {
      for (std::size_t q = 0; q < done; ++q)
        for (std::size_t i = 0; i < n; ++i) {
          const RunningMoments& m = acc_[q * per_run_ + ix_.at(c, i)];
          pm[q * n + i] = m.mean_or_nan();
          ps[q * n + i] = m.sd();
        }
      h5::write_slab(sets_.mean[c].id(), {static_cast<hsize_t>(open_first_), 0}, {static_cast<hsize_t>(done), hn}, pm.data());
      h5::write_slab(sets_.sd[c].id(), {static_cast<hsize_t>(open_first_), 0}, {static_cast<hsize_t>(done), hn}, ps.data());
    }
    const auto keep = [&](auto& v, std::size_t width) {
      std::move(v.begin() + static_cast<std::ptrdiff_t>(done * width), v.end(), v.begin());
      v.resize((open - done) * width);
    };
    keep(acc_, per_run_);
    keep(ok_, 1);
    open_first_ += done;
  }

  const PointSets& sets_;
  const ColumnIndex& ix_;
  std::size_t R_, runs_, per_run_, width_;  // outcome values of a row, and the row's width
  std::size_t open_first_ = 0;         // first point whose statistics are not yet written
  std::vector<RunningMoments> acc_;    // (open points) x per_run
  std::vector<std::int64_t> ok_;       // finished runs per open point
};

// /series: every run's values of each declared series (runs/) and per point their mean and
// quantiles across the point's finished runs (points/), at every step
struct SeriesSets {
  h5::Handle group, runs_group, points_group, run, time, year, point, stat, ptime, pyear;
  std::vector<h5::Handle> runs, points;  // one per series
};

// the long name and unit of a series VARIABLE.ACTOR
std::pair<std::string, std::string> series_label(const std::string& name) {
  const std::string var = name.substr(0, name.rfind('.'));
  for (const auto& v : step_variables())
    if (v.name == var) return {v.long_name + " of " + name.substr(name.rfind('.') + 1), v.units};
  return {name, "1"};
}

SeriesSets create_series_sets(hid_t root, const BatchFileInfo& f, std::size_t runs, std::size_t points) {
  SeriesSets x;
  if (f.series.empty()) return x;
  x.group = h5::create_group(root, "series");
  h5::attr_double(x.group.id(), "start_year", f.series_start);
  h5::attr_int(x.group.id(), "steps_per_year", f.series_steps_per_year);
  const hsize_t hr = static_cast<hsize_t>(runs), hp = static_cast<hsize_t>(points), ht = static_cast<hsize_t>(f.series_steps);
  const hsize_t hs = static_cast<hsize_t>(kSeriesStats.size());
  x.runs_group = h5::create_group(x.group.id(), "runs");
  const hid_t g = x.runs_group.id();
  x.run = h5::create_int_dataset(g, "run", {hr}, {std::max<hsize_t>(1, std::min<hsize_t>(hr, 65536))});
  h5::make_scale(x.run.id(), "run");
  h5::describe(x.run.id(), "run index within the experiment (as /runs/run)", "1");
  h5::attr_string(x.run.id(), "standard_name", "realization");
  detail::write_time(g, f.series_start, f.series_steps, f.series_steps_per_year, x.time, x.year);
  x.points_group = h5::create_group(x.group.id(), "points");
  const hid_t pg = x.points_group.id();
  std::vector<std::int64_t> pids(points);
  for (std::size_t p = 0; p < points; ++p) pids[p] = static_cast<std::int64_t>(f.first_point + p);
  x.point = h5::create_int_dataset(pg, "point", {hp});
  if (points) h5::write_ints(x.point.id(), pids.data());
  h5::make_scale(x.point.id(), "point");
  h5::describe(x.point.id(), "design point (see /design)", "1");
  x.stat = h5::coordinate(pg, "stat", kSeriesStats);
  h5::describe(x.stat.id(), "statistic across the point's finished runs", "1");
  detail::write_time(pg, f.series_start, f.series_steps, f.series_steps_per_year, x.ptime, x.pyear);
  for (const auto& name : f.series) {
    const auto [long_name, units] = series_label(name);
    auto d = h5::create_dataset(g, name, {hr, ht}, {std::max<hsize_t>(1, std::min<hsize_t>(hr, 1024)), std::max<hsize_t>(ht, 1)}, 1);
    h5::describe(d.id(), long_name, units);
    h5::attach(d.id(), {x.run.id(), x.time.id()});
    x.runs.push_back(std::move(d));
    auto p = h5::create_dataset(pg, name, {hp, hs, ht}, {std::max<hsize_t>(1, std::min<hsize_t>(hp, 256)), hs, std::max<hsize_t>(ht, 1)}, 1);
    h5::describe(p.id(), long_name + ": statistic across the point's runs", units);
    h5::attach(p.id(), {x.point.id(), x.stat.id(), x.ptime.id()});
    x.points.push_back(std::move(p));
  }
  return x;
}

void write_series_block(const SeriesSets& sets, const BatchFileInfo& f, std::size_t width, std::size_t first, std::size_t count,
                        const std::vector<double>& values) {
  if (f.series.empty()) return;
  const std::size_t R = static_cast<std::size_t>(f.runs_per_point), T = static_cast<std::size_t>(f.series_steps), at = series_offset(f);
  std::vector<std::int64_t> ids(count);
  for (std::size_t r = 0; r < count; ++r) ids[r] = static_cast<std::int64_t>(f.first_point * R + first + r);
  h5::write_int_slab(sets.run.id(), first, count, ids.data());
  std::vector<double> block(count * T);
  for (std::size_t s = 0; s < f.series.size(); ++s) {
    for (std::size_t r = 0; r < count; ++r) std::copy_n(values.data() + r * width + at + s * T, T, block.data() + r * T);
    h5::write_slab(sets.runs[s].id(), {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(count), static_cast<hsize_t>(T)}, block.data());
  }
}

// each point's mean and quantiles (type 7) of every series at every step, over its finished runs
// (NaN when none finished); a point's runs are kept until its last one has been added
class SeriesStatistics {
 public:
  SeriesStatistics(const SeriesSets& sets, const BatchFileInfo& f, std::size_t width)
      : sets_(sets), S_(f.series.size()), T_(static_cast<std::size_t>(f.series_steps)), R_(static_cast<std::size_t>(f.runs_per_point)),
        at_(series_offset(f)), width_(width) {}

  void add_block(std::size_t first, std::size_t count, const std::vector<double>& values, const std::vector<std::uint8_t>& status) {
    if (S_ == 0) return;
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t row = first + r;
      if (status[r] == kRunOk) {
        const double* x = values.data() + r * width_ + at_;
        kept_.insert(kept_.end(), x, x + S_ * T_);
        ++ok_;
      }
      if ((row + 1) % R_ == 0) finish_point(row / R_);
    }
  }

  void flush() { write(); }

 private:
  void finish_point(std::size_t local) {
    const std::size_t K = kSeriesStats.size();
    if (pending_.empty()) pending_first_ = local;
    pending_.resize(pending_.size() + S_ * K * T_, kNaN);
    double* out = pending_.data() + pending_.size() - S_ * K * T_;
    std::vector<double> xs;
    for (std::size_t s = 0; s < S_; ++s)
      for (std::size_t t = 0; t < T_; ++t) {
        xs.clear();
        for (std::size_t r = 0; r < ok_; ++r) {
          const double v = kept_[r * S_ * T_ + s * T_ + t];
          if (std::isfinite(v)) xs.push_back(v);
        }
        if (xs.empty()) continue;
        double sum = 0;
        for (double v : xs) sum += v;
        std::sort(xs.begin(), xs.end());
        double* o = out + s * K * T_;
        o[0 * T_ + t] = sum / static_cast<double>(xs.size());
        for (std::size_t k = 1; k < K; ++k) {
          static const double q[] = {0, 0.05, 0.25, 0.5, 0.75, 0.95};
          o[k * T_ + t] = quantile_sorted(xs, q[k]);
        }
      }
    kept_.clear();
    ok_ = 0;
    if (pending_.size() >= 256 * S_ * K * T_) write();
  }

  void write() {
    if (pending_.empty()) return;
    const std::size_t K = kSeriesStats.size(), per_point = S_ * K * T_, n = pending_.size() / per_point;
    std::vector<double> one(n * K * T_);
    for (std::size_t s = 0; s < S_; ++s) {
      for (std::size_t p = 0; p < n; ++p) std::copy_n(pending_.data() + p * per_point + s * K * T_, K * T_, one.data() + p * K * T_);
      h5::write_slab(sets_.points[s].id(), {static_cast<hsize_t>(pending_first_), 0, 0},
                     {static_cast<hsize_t>(n), static_cast<hsize_t>(K), static_cast<hsize_t>(T_)}, one.data());
    }
    pending_.clear();
  }

  const SeriesSets& sets_;
  std::size_t S_, T_, R_, at_, width_;
  std::vector<double> kept_;    // the current point's finished runs: ok_ x S x T
  std::size_t ok_ = 0;
  std::vector<double> pending_;  // finished points not yet written: n x S x stats x T
  std::size_t pending_first_ = 0;
};

// everything of a batch file below its root, in bounded memory (the rows are streamed in blocks
// of 4,096); every handle it opens is closed when it returns
void write_contents(hid_t root, const BatchFileInfo& f, RowSource& rows, const RunMetadata& meta, const std::string& merged_from,
                    const WriteProgress& progress) {
  const auto columns = outcome_columns(shape_only(f));
  const ColumnIndex ix{columns, detail::column_starts(columns, f.actor_ids.size()), f.actor_ids.size()};
  const std::size_t per_run = columns.size() * ix.n;  // == RecordLayout(outcomes).per_step
  const std::size_t width = row_width(f);
  const std::size_t R = static_cast<std::size_t>(f.runs_per_point);
  const std::size_t points = f.end_point - f.first_point;
  const std::size_t runs = points * R;

  detail::write_file_metadata(root, meta);
  h5::attr_string(root, "kind", "experiment");
  h5::attr_string(root, "finished", utc_now());
  h5::attr_string(root, "status", "complete");
  if (!merged_from.empty()) h5::attr_string(root, "merged_from", merged_from);
  write_experiment_group(root, f);
  write_design_group(root, f);
  const RunSets run_sets = create_run_sets(root, f, columns, runs);
  const PointSets point_sets = create_point_sets(root, f, columns, points);
  const DrawSets draw_sets = create_draw_sets(root, f, runs);
  const SeriesSets series_sets = create_series_sets(root, f, runs, points);

  const std::size_t block = 4096;
  std::vector<double> values;
  std::vector<std::uint8_t> status;
  std::vector<std::string> messages;
  Failures failures;
  PointStatistics stats(point_sets, ix, R, runs, width);
  SeriesStatistics series_stats(series_sets, f, width);
  for (std::size_t first = 0; first < runs; first += block) {
    const std::size_t count = std::min(block, runs - first);
    values.assign(count * width, kNaN);
    status.assign(count, kRunOk);
    messages.assign(count, std::string());
    if (progress) progress(first, runs);
    rows.read(first, count, values.data(), status.data(), messages);
    write_run_block(run_sets, f, ix, width, first, count, values, status, messages, failures);
    write_draw_block(draw_sets, f, per_run, width, first, count, values);
    stats.add_block(first, count, values, status);
    write_series_block(series_sets, f, width, first, count, values);
    series_stats.add_block(first, count, values, status);
  }
  series_stats.flush();
  if (progress) progress(runs, runs);

  write_failures(root, failures);
  h5::attr_int(root, "runs", static_cast<std::int64_t>(runs));
  h5::attr_int(root, "failed_runs", static_cast<std::int64_t>(failures.point.size()));
}

}  // namespace


std::vector<std::size_t> detail::column_starts(const std::vector<OutcomeColumn>& columns, std::size_t n) {
  std::vector<std::size_t> start(columns.size());
  std::size_t at = 0, var_start = 0;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].second == 0) {
      var_start = at;
      at += columns[c].seconds * n;
    }
    start[c] = var_start;
  }
  return start;
}

BatchFileInfo batch_file_info(const Experiment& ex, const Scenario& sc, std::size_t shard, std::size_t shards) {
  BatchFileInfo f;
  f.fingerprint = ex.fingerprint;
  f.name = ex.name;
  f.description = ex.description;
  f.experiment_file = ex.file;
  f.experiment_text = ex.text;
  f.design_kind = design_kind_name(ex.design.kind);
  f.scenario_files = ex.scenario_files;
  f.scenario_names = ex.scenario_names;
  f.scenario_resolved = ex.scenario_resolved;
  for (const auto& p : ex.policies) f.policies.push_back(p.name);
  if (!ex.policies.empty()) f.scenario_policies = ex.scenario_policies;
  f.actor_ids = sc.actor_ids;
  f.actor_names = sc.actor_names;
  f.dimensions = sc.dimensions;
  f.resources = sc.resource_names;
  f.seed = ex.seed;
  f.common_seeds = ex.common_seeds;
  f.runs_per_point = ex.runs_per_point;
  f.points = ex.points();
  f.rows_per_scenario = ex.rows();
  f.shard = shard;
  f.shards = shards;
  std::tie(f.first_point, f.end_point) = shard_points(ex.points(), shard, shards);
  for (const auto& fa : ex.factors) {
    f.factor_names.push_back(fa.name);
    f.factor_paths.push_back(fa.path);
    f.factor_distributions.push_back(distribution_name(fa.distribution));
    f.factor_lower.push_back(fa.distribution == Distribution::levels ? *std::min_element(fa.levels.begin(), fa.levels.end()) : fa.lower);
    f.factor_upper.push_back(fa.distribution == Distribution::levels ? *std::max_element(fa.levels.begin(), fa.levels.end()) : fa.upper);
    f.factor_levels.push_back(fa.levels);
    f.factor_categories.push_back(fa.categories);
  }
  f.outcomes = ex.outcomes;
  for (const auto& se : ex.series) f.series.push_back(se.name);
  if (!ex.series.empty()) {
    f.series_start = ex.grids.front().start;
    f.series_steps_per_year = ex.grids.front().steps_per_year;
    f.series_steps = ex.grids.front().steps;
  }
  const std::size_t k = ex.factors.size();
  for (std::size_t p = 0; p < ex.points(); ++p) {
    const std::size_t row = ex.row_of(p);
    for (std::size_t i = 0; i < k; ++i) {
      f.unit.push_back(ex.design.at(row, i));
      f.values.push_back(ex.factor_value(p, i));
    }
    f.scenario.push_back(static_cast<std::int64_t>(ex.scenario_of(p)));
    f.role.push_back(ex.design.role.empty() ? -1 : ex.design.role[row]);
    f.group.push_back(ex.design.group.empty() ? static_cast<std::int64_t>(row) : static_cast<std::int64_t>(ex.design.group[row]));
    f.seed_of.push_back(static_cast<std::int64_t>(ex.point_seed(p)));
  }
  return f;
}

std::int64_t batch_text_digest(const BatchFileInfo& f) {
  h5::TextDigest d;
  d.add(f.name).add(f.description).add(f.experiment_file).add(f.experiment_text).add(std::to_string(f.fingerprint)).add(f.design_kind);
  d.add(f.common_seeds ? "common" : "independent").add(f.check_every_step ? "every step" : "end of each run");
  d.add(f.scenario_files).add(f.scenario_names).add(f.scenario_resolved).add(f.outcomes).add(f.actor_names).add(f.dimensions);
  d.add(f.resources).add(f.factor_names).add(f.factor_paths).add(f.factor_distributions).add(f.actor_ids).add(f.draw_names);
  d.add(f.draw_units);
  if (!f.policies.empty()) d.add(f.policies).add(f.scenario_policies);  // (files without policies digest as before)
  if (!f.series.empty()) d.add(f.series).add(std::to_string(f.series_steps) + " " + std::to_string(f.series_steps_per_year));  // (and series)
  if (std::any_of(f.factor_categories.begin(), f.factor_categories.end(), [](const auto& c) { return !c.empty(); }))
    for (const auto& c : f.factor_categories) d.add(c);  // (and without categories)
  return d.value();
}

std::size_t series_offset(const BatchFileInfo& f) {
  return outcome_columns(shape_only(f)).size() * f.actor_ids.size() + f.draw_names.size();
}

std::size_t row_width(const BatchFileInfo& f) {
  return series_offset(f) + f.series.size() * static_cast<std::size_t>(f.series_steps);
}

// the outcome columns from names alone (a stand-in Scenario with the world's shape)
Scenario shape_only(const BatchFileInfo& f) {
  Scenario sc;
  sc.actor_ids = f.actor_ids;
  sc.actor_names = f.actor_names;
  sc.dimensions = f.dimensions;
  sc.resource_names = f.resources;
  return sc;
}

void write_batch_file(const std::string& out, const BatchFileInfo& f, RowSource& rows, const RunMetadata& meta,
                      const std::string& merged_from, const WriteProgress& progress) {
  h5::quiet();
  files::TempFile temp(out);
  h5::Handle file = h5::create_file(temp.path());
  write_contents(file.id(), f, rows, meta, merged_from, progress);
  detail::close_and_commit(file, temp);
}

}  // namespace sixparty
