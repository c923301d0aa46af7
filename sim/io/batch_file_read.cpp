#include "io/batch_file.hpp"

#include "io/detail.hpp"
#include "io/results_info.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace sixparty {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// more uncertain inputs than any scenario within the limits declares: a damaged file
constexpr std::size_t kMaxDrawQuantities = 1'000'000;
// more actors than any scenario within the limits declares
constexpr std::size_t kMaxActors = 100'000;

BatchFileInfo read_info(const std::string& path, hid_t root) {
  if (h5::read_attr_string(root, "kind") != "experiment")
    throw BatchError("'" + path + "' is not a batch experiment file (written by sixparty batch)");
  BatchFileInfo f;
  h5::Handle g = h5::open_group(root, "experiment");
  f.name = h5::read_attr_string(g.id(), "name");
  f.description = h5::read_attr_string(g.id(), "description");
  f.experiment_file = h5::read_attr_string(g.id(), "file");
  // the long texts: /experiment/provenance (since the files are CF-clean), attributes before
  const bool provenance = h5::exists(g.id(), "provenance");
  h5::Handle pg = provenance ? h5::open_group(g.id(), "provenance") : h5::Handle();
  if (provenance) {
    const auto text = h5::read_strings(pg.id(), "experiment_text", 1);
    f.experiment_text = text.empty() ? std::string() : text.front();
  } else {
    f.experiment_text = h5::read_attr_string(g.id(), "yaml");
  }
  f.design_kind = h5::read_attr_string(g.id(), "design");
  try {
    f.fingerprint = std::stoull(h5::read_attr_string(g.id(), "fingerprint"));
  } catch (const std::exception&) {
    throw BatchError("'" + path + "' has no valid experiment fingerprint");
  }
  std::int64_t v = 0;
  auto need = [&](const char* name) {
    if (!h5::read_attr_int(g.id(), name, v) || v < 0) throw BatchError("'" + path + "': /experiment has no valid '" + name + "'");
    return v;
  };
  f.seed = static_cast<std::uint64_t>(h5::read_attr_int(g.id(), "seed", v) ? v : 0);
  f.common_seeds = h5::read_attr_string(g.id(), "seeds") != "independent";
  f.runs_per_point = need("runs_per_point");
  f.points = static_cast<std::size_t>(need("points"));
  f.rows_per_scenario = static_cast<std::size_t>(need("rows_per_scenario"));
  f.shard = static_cast<std::size_t>(need("shard"));
  f.shards = static_cast<std::size_t>(need("shards"));
  f.first_point = static_cast<std::size_t>(need("first_point"));
  f.end_point = static_cast<std::size_t>(need("end_point"));
  if (f.runs_per_point < 1 || f.end_point > f.points || f.first_point > f.end_point || f.shard >= f.shards ||
      f.points > static_cast<std::size_t>(ExperimentLimits::max_points) || f.shards > 100000 ||
      static_cast<double>(f.points) * static_cast<double>(f.runs_per_point) > static_cast<double>(ExperimentLimits::max_runs))
    throw BatchError("'" + path + "': /experiment has inconsistent sizes");
  f.scenario_files = h5::read_attr_strings(g.id(), "scenario_files");
  f.scenario_names = h5::read_attr_strings(g.id(), "scenario_names");
  if (H5Aexists(g.id(), "policies") > 0) {  // experiments with policies (levers) only
    f.policies = h5::read_attr_strings(g.id(), "policies");
    f.scenario_policies = h5::read_attr_strings(g.id(), "scenario_policies");
  }
  if (!f.policies.empty() && f.scenario_policies.size() != f.scenario_names.size())
    throw BatchError("'" + path + "': /experiment has " + std::to_string(f.scenario_policies.size()) + " scenario_policies for " +
                     std::to_string(f.scenario_names.size()) + " scenarios (damaged?)");
  f.scenario_resolved = provenance ? h5::read_strings(pg.id(), "scenario_resolved") : h5::read_attr_strings(g.id(), "scenario_resolved");
  f.outcomes = h5::read_attr_strings(g.id(), "outcomes");
  f.actor_names = h5::read_attr_strings(g.id(), "actor_names");
  f.dimensions = h5::read_attr_strings(g.id(), "dimensions");
  f.resources = h5::read_attr_strings(g.id(), "resources");
  f.check_every_step = h5::read_attr_string(g.id(), "invariant_checks") == "every step";
  h5::Handle d = h5::open_group(root, "design");
  // every size is checked against the file's own counts before anything is allocated from it
  const std::size_t kmax = ExperimentLimits::max_factors;
  f.factor_names = h5::read_strings(d.id(), "factor", kmax);
  f.factor_paths = h5::read_strings(d.id(), "factor_path", kmax);
  f.factor_distributions = h5::read_strings(d.id(), "factor_distribution", kmax);
  f.factor_lower = h5::read_doubles(d.id(), "factor_lower", nullptr, kmax);
  f.factor_upper = h5::read_doubles(d.id(), "factor_upper", nullptr, kmax);
  const std::size_t k = f.factor_names.size();
  if (k == 0 || k > ExperimentLimits::max_factors || f.factor_paths.size() != k || f.factor_distributions.size() != k ||
      f.factor_lower.size() != k || f.factor_upper.size() != k || f.points * k > static_cast<std::size_t>(ExperimentLimits::max_design_cells))
    throw BatchError("'" + path + "': /design's factor tables are inconsistent");
  f.unit = h5::read_doubles(d.id(), "unit", nullptr, f.points * k);
  f.scenario = h5::read_ints(d.id(), "scenario", f.points);
  f.seed_of = h5::read_ints(d.id(), "seed", f.points);
  f.role = h5::read_ints(d.id(), "role", f.points);
  f.group = h5::read_ints(d.id(), "group", f.points);
  if (f.factor_paths.size() != k || f.unit.size() != f.points * k || f.scenario.size() != f.points || f.seed_of.size() != f.points ||
      f.role.size() != f.points || f.group.size() != f.points)
    throw BatchError("'" + path + "': /design has inconsistent lengths");
  h5::Handle rg = h5::open_group(root, "runs");
  f.actor_ids = h5::read_strings(rg.id(), "actor", kMaxActors);
  if (f.actor_names.size() != f.actor_ids.size()) throw BatchError("'" + path + "': actor names do not match the actors");
  if (h5::exists(root, "draws")) {
    h5::Handle dg = h5::open_group(root, "draws");
    f.draw_names = h5::read_strings(dg.id(), "quantity");
    f.draw_units = h5::read_strings(dg.id(), "units");
    if (f.draw_names.empty() || f.draw_units.size() != f.draw_names.size() || f.draw_names.size() > kMaxDrawQuantities)
      throw BatchError("'" + path + "': /draws has inconsistent quantities");
  }
  // categorical factors: their categories, on their columns
  f.factor_categories.assign(k, {});
  for (std::size_t i = 0; i < k; ++i) {
    if (!h5::exists(d.id(), f.factor_names[i])) continue;  // (a damaged index: the digest below says so)
    h5::Handle col = h5::open_dataset(d.id(), f.factor_names[i]);
    if (H5Aexists(col.id(), "categories") > 0) f.factor_categories[i] = h5::read_attr_strings(col.id(), "categories", 100);
  }
  // declared series: their names, and the time grid of /series
  if (H5Aexists(g.id(), "series") > 0) {
    f.series = h5::read_attr_strings(g.id(), "series", ExperimentLimits::max_series);
    h5::Handle sg = h5::open_group(root, "series");
    std::int64_t spy = 0;
    if (!h5::read_attr_int(sg.id(), "steps_per_year", spy) || spy < 1 || spy > 366)
      throw BatchError("'" + path + "': /series has no valid steps_per_year (damaged?)");
    f.series_steps_per_year = static_cast<int>(spy);
    const auto years = h5::read_doubles(h5::open_group(sg.id(), "runs").id(), "year", nullptr, 100000);
    if (years.empty()) throw BatchError("'" + path + "': /series/runs/year is empty (damaged?)");
    f.series_steps = static_cast<int>(years.size());
    if (!h5::read_attr_double(sg.id(), "start_year", f.series_start) || !std::isfinite(f.series_start))
      throw BatchError("'" + path + "': /series has no valid start_year (damaged?)");
  }
  std::int64_t digest = 0;
  if (!h5::read_attr_int(g.id(), h5::kTextDigest, digest) || digest != batch_text_digest(f))
    throw BatchError("'" + path + "' is damaged: the texts of /experiment, /design, /runs/actor and /draws do not match their digest "
                     "(/experiment/text_digest)");
  // the factor columns, by the names just checked
  f.values.assign(f.points * k, kNaN);
  for (std::size_t i = 0; i < k; ++i) {
    const auto col = h5::read_doubles(d.id(), f.factor_names[i], nullptr, f.points);
    if (col.size() != f.points) throw BatchError("'" + path + "': /design/" + f.factor_names[i] + " has the wrong length");
    for (std::size_t p = 0; p < f.points; ++p) f.values[p * k + i] = col[p];
  }
  return f;
}

// rows of several shard files, which together cover the experiment's points in order
class ShardSource : public RowSource {
 public:
  ShardSource(const std::vector<std::pair<BatchFileInfo, std::string>>& shards, const Scenario& shape)
      : width_(row_width(shards.front().first)), columns_(outcome_columns(shape)), n_(shape.actor_ids.size()),
        start_(detail::column_starts(columns_, n_)), per_run_(columns_.size() * n_), q_(shards.front().first.draw_names.size()),
        series_(shards.front().first.series), steps_(static_cast<std::size_t>(shards.front().first.series_steps)) {
    for (const auto& [info, path] : shards) {
      try {
        open_part(info, path, shards.front());
      } catch (const h5::Error& e) {
        throw BatchError("the shard '" + path + "' is damaged: " + e.what());  // bad input (exit 2), not a write error
      }
    }
  }
  void open_part(const BatchFileInfo& info, const std::string& path, const std::pair<BatchFileInfo, std::string>& first) {
    Part part;
    part.file = h5::open_file_read(path);
    part.first_row = info.first_point * static_cast<std::size_t>(info.runs_per_point);
    part.rows = (info.end_point - info.first_point) * static_cast<std::size_t>(info.runs_per_point);
    part.path = path;
    h5::Handle g = h5::open_group(part.file.id(), "runs");
    part.status = h5::open_dataset(g.id(), "status");
    for (const auto& c : columns_) part.sets.push_back(h5::open_dataset(g.id(), c.name));
    if (info.draw_names != first.first.draw_names)
      throw BatchError("'" + path + "' has other uncertain inputs than '" + first.second + "'");
    if (q_) part.draws = h5::open_dataset(part.file.id(), "draws/value");
    if (info.series != first.first.series || info.series_steps != first.first.series_steps)
      throw BatchError("'" + path + "' has other series than '" + first.second + "'");
    for (const auto& name : series_) part.series.push_back(h5::open_dataset(part.file.id(), "series/runs/" + name));
    if (h5::exists(part.file.id(), "failures")) {
      h5::Handle fg = h5::open_group(part.file.id(), "failures");
      const auto pts = h5::read_ints(fg.id(), "point", part.rows);
      const auto reps = h5::read_ints(fg.id(), "replicate", part.rows);
      const auto msgs = h5::read_strings(fg.id(), "message", part.rows);
      if (pts.size() != reps.size() || pts.size() != msgs.size()) throw h5::Error("/failures has columns of different lengths");
      for (std::size_t i = 0; i < pts.size(); ++i) {
        if (pts[i] < static_cast<std::int64_t>(info.first_point) || pts[i] >= static_cast<std::int64_t>(info.end_point) || reps[i] < 0 ||
            reps[i] >= info.runs_per_point)
          throw h5::Error("/failures names a run outside the shard (point " + std::to_string(pts[i]) + ", run " + std::to_string(reps[i]) + ")");
        part.messages[static_cast<std::size_t>(pts[i]) * static_cast<std::size_t>(info.runs_per_point) + static_cast<std::size_t>(reps[i])] = msgs[i];
      }
    }
    parts_.push_back(std::move(part));
  }
  void read(std::size_t first, std::size_t count, double* values, std::uint8_t* status,
            std::vector<std::string>& messages) override {
    // rows are global here (the merged file is one shard covering every point)
    std::size_t done = 0;
    while (done < count) {
      const std::size_t row = first + done;
      const Part* part = nullptr;
      for (const auto& p : parts_)
        if (row >= p.first_row && row < p.first_row + p.rows) part = &p;
      if (!part) throw BatchError("no shard holds run " + std::to_string(row));
      const std::size_t take = std::min(count - done, part->first_row + part->rows - row);
      try {
        read_part(*part, row, take, done, values, status, messages);
      } catch (const h5::Error& e) {
        throw BatchError("the shard '" + part->path + "' is damaged: " + e.what());  // bad input (exit 2), not a write error
      }
      done += take;
    }
  }

 private:
  struct Part;
  // rows [row, row + take) of one shard into the buffers at `done`
  void read_part(const Part& p, std::size_t row, std::size_t take, std::size_t done, double* values, std::uint8_t* status,
                 std::vector<std::string>& messages) const {
    const Part* part = &p;
    const hsize_t local = row - part->first_row;
    std::vector<std::int64_t> st(take);
    h5::read_int_slab(part->status.id(), local, take, st.data());
    std::vector<double> col(take * n_);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const auto& oc = columns_[c];
      h5::read_slab(part->sets[c].id(), {local, 0}, {take, n_}, col.data());
      for (std::size_t r = 0; r < take; ++r)
        for (std::size_t i = 0; i < n_; ++i) values[(done + r) * width_ + start_[c] + i * oc.seconds + oc.second] = col[r * n_ + i];
    }
    if (q_) {
      std::vector<double> d(take * q_);
      h5::read_slab(part->draws.id(), {local, 0}, {take, q_}, d.data());
      for (std::size_t r = 0; r < take; ++r) std::copy_n(d.data() + r * q_, q_, values + (done + r) * width_ + per_run_);
    }
    if (!series_.empty()) {
      std::vector<double> d(take * steps_);
      for (std::size_t j = 0; j < series_.size(); ++j) {
        h5::read_slab(part->series[j].id(), {local, 0}, {take, steps_}, d.data());
        for (std::size_t r = 0; r < take; ++r) std::copy_n(d.data() + r * steps_, steps_, values + (done + r) * width_ + per_run_ + q_ + j * steps_);
      }
    }
    for (std::size_t r = 0; r < take; ++r) {
      if (st[r] != kRunOk && st[r] != kRunFailed)
        throw h5::Error("/runs/status of run " + std::to_string(row + r) + " is " + std::to_string(st[r]) + "; expected 0 (ok) or 1 (failed)");
      status[done + r] = static_cast<std::uint8_t>(st[r]);
      auto it = part->messages.find(row + r);
      messages[done + r] = it == part->messages.end() ? "" : it->second;
    }
  }

  struct Part {
    h5::Handle file, status, draws;
    std::vector<h5::Handle> sets, series;
    std::size_t first_row = 0, rows = 0;
    std::string path;
    std::map<std::size_t, std::string> messages;
  };
  std::size_t width_;  // values of a row: outcomes, then draws, then series
  std::vector<OutcomeColumn> columns_;
  std::size_t n_;
  std::vector<std::size_t> start_;
  std::size_t per_run_, q_;  // outcome values and draws of a row
  std::vector<std::string> series_;  // declared series, steps_ values each
  std::size_t steps_;
  std::vector<Part> parts_;
};

BatchFileInfo read_shard_info(const std::string& p) {
  h5::Handle f;
  try {
    f = h5::open_file_read(p);
  } catch (const h5::Error& e) {
    throw BatchError("cannot read the shard '" + p + "': " + e.what());  // bad input (exit 2), not a write error
  }
  if (h5::read_attr_string(f.id(), "status") != "complete") throw BatchError("'" + p + "' is not a complete batch file");
  try {
    return read_info(p, f.id());
  } catch (const h5::Error& e) {
    throw BatchError("'" + p + "' is not a readable batch file: " + e.what());
  }
}

// the failed runs of a batch file: (point, replicate, message); empty when none failed
struct Failures {
  std::vector<std::int64_t> point, replicate;
  std::vector<std::string> message;
};
Failures read_failures(const std::string& path) {
  h5::Handle file = h5::open_file_read(path);
  Failures out;
  if (h5::exists(file.id(), "failures")) {
    h5::Handle g = h5::open_group(file.id(), "failures");
    const auto max = static_cast<std::size_t>(ExperimentLimits::max_runs);
    out.point = h5::read_ints(g.id(), "point", max);
    out.replicate = h5::read_ints(g.id(), "replicate", max);
    out.message = h5::read_strings(g.id(), "message", max);
    if (out.point.size() != out.replicate.size() || out.point.size() != out.message.size())
      throw BatchError("'" + path + "': /failures has columns of different lengths");
  }
  return out;
}

}  // namespace

bool complete_batch_file(const std::string& path, std::uint64_t& fingerprint, std::int64_t& shard, std::int64_t& shards) {
  try {
    h5::Handle f = h5::open_file_read(path);
    if (h5::read_attr_string(f.id(), "kind") != "experiment" || h5::read_attr_string(f.id(), "status") != "complete") return false;
    h5::Handle g = h5::open_group(f.id(), "experiment");
    fingerprint = std::stoull(h5::read_attr_string(g.id(), "fingerprint"));
    return h5::read_attr_int(g.id(), "shard", shard) && h5::read_attr_int(g.id(), "shards", shards);
  } catch (const std::exception&) {
    return false;
  }
}

std::int64_t batch_file_failed_runs(const std::string& path) {
  h5::Handle f = h5::open_file_read(path);
  std::int64_t failed = 0;
  h5::read_attr_int(f.id(), "failed_runs", failed);
  return failed;
}

std::vector<std::pair<std::int64_t, std::string>> batch_file_empty_points(const std::string& path) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  {
    h5::Handle f = h5::open_file_read(path);
    if (!h5::exists(f.id(), "points")) return out;
    h5::Handle g = h5::open_group(f.id(), "points");
    const auto max = static_cast<std::size_t>(ExperimentLimits::max_points);
    const auto point = h5::read_ints(g.id(), "point", max), ok = h5::read_ints(g.id(), "runs_ok", max);
    for (std::size_t k = 0; k < point.size() && k < ok.size(); ++k)
      if (ok[k] == 0) out.emplace_back(point[k], std::string());
  }
  if (out.empty()) return out;
  const Failures failures = read_failures(path);
  std::map<std::int64_t, std::size_t> first;  // point -> its first failure (one pass)
  for (std::size_t k = 0; k < failures.point.size(); ++k) first.emplace(failures.point[k], k);
  for (auto& [p, message] : out)
    if (const auto it = first.find(p); it != first.end()) message = failures.message[it->second];
  return out;
}

BatchFileInfo read_batch_file_info(const std::string& path) {
  // what replay reads, first in a child process (a damaged index can crash HDF5)
  check_readable_isolated(path, [&] {
    h5::Handle file = h5::open_file_read(path);
    (void)read_info(path, file.id());
    (void)read_failures(path);
  });
  h5::Handle file = h5::open_file_read(path);
  return read_info(path, file.id());
}

BatchFileInfo read_batch_shard(const std::string& p) {
  // all of the shard, rows included, first in a child process: a damaged index can crash HDF5
  try {
    check_readable_isolated(p, [&] {
      const BatchFileInfo info = read_shard_info(p);
      const std::vector<std::pair<BatchFileInfo, std::string>> one = {{info, p}};
      ShardSource src(one, shape_only(info));
      const std::size_t first = info.first_point * static_cast<std::size_t>(info.runs_per_point);
      const std::size_t rows = (info.end_point - info.first_point) * static_cast<std::size_t>(info.runs_per_point);
      const std::size_t block = 4096;
      std::vector<double> values(block * row_width(info));
      std::vector<std::uint8_t> status(block);
      std::vector<std::string> messages(block);
      for (std::size_t r = 0; r < rows; r += block) src.read(first + r, std::min(block, rows - r), values.data(), status.data(), messages);
    }, 600);
  } catch (const h5::Error& e) {
    throw BatchError(std::string("the shard ") + e.what());  // bad input (exit 2)
  }
  return read_shard_info(p);
}

std::string recorded_failure(const std::string& path, std::size_t point, std::int64_t replicate) {
  const Failures f = read_failures(path);
  for (std::size_t i = 0; i < f.point.size(); ++i)
    if (f.point[i] == static_cast<std::int64_t>(point) && f.replicate[i] == replicate) return f.message[i];
  return "";
}

std::unique_ptr<RowSource> shard_rows(const std::vector<std::pair<BatchFileInfo, std::string>>& shards, const Scenario& shape) {
  return std::make_unique<ShardSource>(shards, shape);
}

namespace {

BatchDesignTable read_design_table(const std::string& path) {
  h5::Handle file = h5::open_file_read(path);
  const hid_t root = file.id();
  if (!h5::exists(root, "points/mean")) throw BatchError("'" + path + "' lacks /points/mean (damaged, or not finished?)");
  // the design as replay and merge read it (sizes checked, texts against their digest)
  const BatchFileInfo info = read_info(path, root);
  BatchDesignTable t;
  t.kind = info.design_kind;
  if (t.kind != "sobol" && t.kind != "morris")
    throw BatchError("'" + path + "' holds a " + t.kind + " design; sensitivity indices need a sobol or morris design");
  t.points = static_cast<std::int64_t>(info.points);
  t.rows = static_cast<std::int64_t>(info.rows_per_scenario);
  t.first = static_cast<std::int64_t>(info.first_point);
  t.end = static_cast<std::int64_t>(info.end_point);
  if (t.first != 0 || t.end != t.points)
    throw BatchError("'" + path + "' is one shard of the experiment (points " + std::to_string(t.first) + " to " +
                     std::to_string(t.end - 1) + "); expected the whole design: join the shards with sixparty merge first");
  if (t.points < 1 || t.rows < 2 || t.points % t.rows != 0 || info.scenario_names.size() != static_cast<std::size_t>(t.points / t.rows))
    throw BatchError("'" + path + "': the design's sizes are inconsistent");
  t.scenario_names = info.scenario_names;
  t.outcomes = info.outcomes;
  t.factors = info.factor_names;
  t.unit = info.unit;
  t.role = info.role;
  t.group = info.group;
  h5::Handle pg = h5::open_group(root, "points");
  t.actors = h5::read_strings(pg.id(), "actor", kMaxActors);
  if (t.actors != info.actor_ids) throw BatchError("'" + path + "' is damaged: /points/actor differs from /runs/actor");
  h5::Handle mean = h5::open_group(pg.id(), "mean");
  H5G_info_t links{};
  if (H5Gget_info(mean.id(), &links) < 0 || links.nlinks > 10000) throw BatchError("'" + path + "': /points/mean cannot be listed");
  H5Literate(mean.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, [](hid_t, const char* name, const H5L_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  }, &t.mean_variables);
  return t;
}

std::vector<double> read_means(const std::string& path, const std::string& variable, std::size_t points, std::size_t actors) {
  h5::Handle file = h5::open_file_read(path);
  h5::Handle mean = h5::open_group(file.id(), "points/mean");
  const double bytes = static_cast<double>(points) * static_cast<double>(actors) * sizeof(double);
  if (bytes > static_cast<double>(h5::read_limit_bytes())) throw BatchError(h5::over_read_limit("'" + path + "': /points/mean/" + variable, bytes));
  std::vector<hsize_t> dims;
  std::vector<double> values;
  try {
    values = h5::read_doubles(mean.id(), variable, &dims, points * actors);
  } catch (const h5::Error& e) {
    throw BatchError("'" + path + "': /points/mean/" + variable + ": " + e.what());
  }
  if (dims.size() != 2 || dims[0] != static_cast<hsize_t>(points) || dims[1] != actors)
    throw BatchError("'" + path + "': /points/mean/" + variable + " has the wrong shape");
  return values;
}

}  // namespace

BatchDesignTable read_batch_design(const std::string& path) {
  // everything sensitivity reads, first in a child process (a damaged index can crash HDF5)
  check_readable_isolated(path, [&] {
    const BatchDesignTable t = read_design_table(path);
    for (const auto& v : t.mean_variables) (void)read_means(path, v, static_cast<std::size_t>(t.points), t.actors.size());
  });
  return read_design_table(path);
}

std::vector<double> read_point_means(const std::string& path, const std::string& variable, std::size_t points, std::size_t actors) {
  return read_means(path, variable, points, actors);
}

}  // namespace sixparty
