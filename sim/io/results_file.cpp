#include "io/results_file.hpp"

#include "core/files.hpp"
#include "io/detail.hpp"

#include "core/rng.hpp"
#include "engine/step.hpp"
#include "experiment/patterns.hpp"
#include "version.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace sixparty {

namespace {

std::vector<hsize_t> trailing(const Scenario& sc, Shape shape) {
  const hsize_t n = sc.n();
  switch (shape) {
    case Shape::actor: return {n};
    case Shape::actor_resource: return {n, static_cast<hsize_t>(sc.n_resources())};
    case Shape::actor_dimension: return {n, static_cast<hsize_t>(sc.n_dimensions())};
    case Shape::dyad: return {n, n};
  }
  return {n};
}

void describe_run(hid_t run) {
  h5::describe(run, "run index within the ensemble", "1");
  h5::attr_string(run, "standard_name", "realization");
}

// coordinates of one group, made dimension scales, and the labels that go with them
struct Coords {
  h5::Handle run, time, year, actor, partner, resource, interest, stat, actor_name, resource_unit;

  Coords(hid_t g, const Scenario& sc, std::int64_t runs, bool with_run, bool with_time, bool with_stat, bool with_all) {
    if (with_run) {
      // written block by block (GroupSink::block), so memory does not grow with runs
      const hsize_t n = static_cast<hsize_t>(runs);
      run = h5::create_int_dataset(g, "run", {n}, {std::min<hsize_t>(std::max<hsize_t>(n, 1), 65536)});
      h5::make_scale(run.id(), "run");
      describe_run(run.id());
    }
    if (with_time) detail::write_time(g, sc.start_year, sc.steps, sc.steps_per_year, time, year);
    if (with_stat) {
      stat = h5::coordinate(g, "stat", kStatNames);
      h5::describe(stat.id(), "statistic across runs", "1");
    }
    actor = h5::coordinate(g, "actor", sc.actor_ids);
    h5::describe(actor.id(), "actor", "1");
    actor_name = h5::strings(g, "actor_name", sc.actor_names);
    h5::describe(actor_name.id(), "actor name", "1");
    h5::attach(actor_name.id(), {actor.id()});
    if (with_all) {
      partner = h5::coordinate(g, "partner", sc.actor_ids);
      h5::describe(partner.id(), "partner actor", "1");
      resource = h5::coordinate(g, "resource", sc.resource_names);
      h5::describe(resource.id(), "resource type", "1");
      resource_unit = h5::strings(g, "resource_unit", sc.resource_units);
      h5::describe(resource_unit.id(), "unit of the resource", "1");
      h5::attach(resource_unit.id(), {resource.id()});
      interest = h5::coordinate(g, "interest", sc.dimensions);
      h5::describe(interest.id(), "interest dimension", "1");
    }
  }

  std::vector<hid_t> scales(Shape shape) const {
    switch (shape) {
      case Shape::actor: return {actor.id()};
      case Shape::actor_resource: return {actor.id(), resource.id()};
      case Shape::actor_dimension: return {actor.id(), interest.id()};
      case Shape::dyad: return {actor.id(), partner.id()};
    }
    return {};
  }
};

// CF auxiliary coordinates of a variable: xarray makes them coordinates, not data
std::string aux_coordinates(Shape shape, bool with_time = false) {
  return std::string(with_time ? "year " : "") + (shape == Shape::actor_resource ? "actor_name resource_unit" : "actor_name");
}

class GroupSink : public EnsembleSink {
 public:
  GroupSink(hid_t file, const std::string& name, const Scenario& sc, const EnsembleOptions& opt)
      : sc_(sc), opt_(opt), slayout_(sc, step_variables()), olayout_(sc, outcome_variables()) {
    group_ = h5::create_group(file, name);
    const hid_t g = group_.id();
    h5::attr_string(g, "scenario_name", sc.name);
    h5::attr_string(g, "description", sc.description);
    h5::attr_int(g, "seed", static_cast<std::int64_t>(opt.seed));
    h5::attr_int(g, "runs", opt.runs);
    h5::attr_string(g, "decisions", decisions_name(sc.decisions));
    h5::attr_int(g, "runs_completed", 0);
    h5::attr_string(g, "status", "running");
    h5::attr_string(g, "record_level", record_level_name(opt.level));
    h5::attr_double(g, "start_year", sc.start_year);
    h5::attr_double(g, "end_year", sc.end_year);
    h5::attr_int(g, "steps_per_year", sc.steps_per_year);
    {  // provenance: the texts as string variables, out of the way of `ncdump -h`
      auto pg = h5::create_group(g, "provenance");
      auto file = h5::coordinate(pg.id(), "file", sc.source_files);
      h5::describe(file.id(), "scenario file, as given, then the files it extends", "1");
      auto texts = h5::strings(pg.id(), "scenario_text", sc.source_texts);
      h5::describe(texts.id(), "text of the scenario file as read", "1");
      h5::attach(texts.id(), {file.id()});
      auto resolved = h5::string_scalar(pg.id(), "scenario_resolved", sc.resolved_yaml);
      h5::describe(resolved.id(), "the scenario after extends and --set, as run (sixparty run accepts it)", "1");
    }

    // outcomes: (run, actor[, interest])
    outcomes_ = h5::create_group(g, "outcomes");
    // every outcome is a (run, actor) column, so that to_dataframe() gives one row per run and
    // actor; a variable with a second index is split into one column per interest dimension
    out_coords_ = std::make_unique<Coords>(outcomes_.id(), sc, opt.runs, true, false, false, false);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(opt.runs), static_cast<hsize_t>(sc.n())};
    const std::vector<hsize_t> chunk = {std::min<hsize_t>(std::max<hsize_t>(dims[0], 1), 4096), dims[1]};
    for (const auto& c : outcome_columns(sc)) {
      auto d = h5::create_dataset(outcomes_.id(), c.name, dims, chunk, 4);
      h5::describe(d.id(), c.long_name, c.units);
      h5::attr_string(d.id(), "coordinates", aux_coordinates(Shape::actor));
      h5::attach(d.id(), {out_coords_->run.id(), out_coords_->actor.id()});
      out_sets_.push_back(std::move(d));
    }
    {  // the texts compare reads (scenario name, actors, columns and units), for its check
      std::vector<std::pair<std::string, std::string>> cols;
      for (const auto& c : outcome_columns(sc)) cols.emplace_back(c.name, c.units);
      std::sort(cols.begin(), cols.end());
      h5::TextDigest digest;
      digest.add(sc.name).add(sc.actor_ids);
      for (const auto& [name, units] : cols) digest.add(name).add(units);
      h5::attr_int(g, h5::kTextDigest, digest.value());
    }
    // draws: (run, quantity), the run's values of the scenario's uncertain inputs
    if (sc.uncertainty.any()) {
      draw_names_ = uncertainty_names(sc);
      draws_ = h5::create_group(g, "draws");
      const hsize_t n = static_cast<hsize_t>(opt.runs), q = draw_names_.size();
      draw_run_ = h5::create_int_dataset(draws_.id(), "run", {n}, {std::min<hsize_t>(std::max<hsize_t>(n, 1), 65536)});
      h5::make_scale(draw_run_.id(), "run");
      describe_run(draw_run_.id());
      draw_quantity_ = h5::coordinate(draws_.id(), "quantity", draw_names_);
      h5::describe(draw_quantity_.id(), "uncertain input (its scenario path, interests.ACTOR.DIMENSION, or events.NAME@STEP.size|step)", "1");
      {
        const auto units = h5::strings(draws_.id(), "units", uncertainty_units(sc));
        h5::attr_string(units.id(), "long_name", "unit of each uncertain input's drawn value");
        h5::attach(units.id(), {draw_quantity_.id()});
      }
      draw_values_ = h5::create_dataset(draws_.id(), "value", {n, q}, {std::min<hsize_t>(std::max<hsize_t>(n, 1), 4096), std::max<hsize_t>(q, 1)}, 4);
      h5::describe(draw_values_.id(), "the run's drawn value (in the quantity's unit: units(quantity); event size: factor; event step: step index)", "1");
      h5::attach(draw_values_.id(), {draw_run_.id(), draw_quantity_.id()});
    }
    if (opt.level == RecordLevel::traces) {
      traces_ = h5::create_group(g, "traces");
      tr_coords_ = std::make_unique<Coords>(traces_.id(), sc, opt.runs, true, true, false, true);
      for (const auto& v : step_variables()) {
        std::vector<hsize_t> dims = {static_cast<hsize_t>(opt.runs), static_cast<hsize_t>(sc.steps)};
        auto tr = trailing(sc, v.shape);
        dims.insert(dims.end(), tr.begin(), tr.end());
        std::vector<hsize_t> chunk = dims;
        chunk[0] = 1;
        const hsize_t cells = cells_of(sc, v.shape);
        chunk[1] = std::max<hsize_t>(1, std::min<hsize_t>(dims[1], 131072 / std::max<hsize_t>(1, cells)));
        auto d = h5::create_dataset(traces_.id(), v.name, dims, chunk, 4);
        h5::describe(d.id(), v.long_name, v.units);
        h5::attr_string(d.id(), "coordinates", aux_coordinates(v.shape, true));
        auto ids = tr_coords_->scales(v.shape);
        ids.insert(ids.begin(), tr_coords_->time.id());
        ids.insert(ids.begin(), tr_coords_->run.id());
        h5::attach(d.id(), ids);
        trace_sets_.push_back(std::move(d));
      }
    }
    file_ = file;
  }

  void draws(std::int64_t first, std::int64_t count, const double* values) override {
    if (!draw_values_.valid() || count <= 0) return;
    std::vector<std::int64_t> ids(static_cast<std::size_t>(count));
    for (std::int64_t r = 0; r < count; ++r) ids[static_cast<std::size_t>(r)] = opt_.first_run + first + r;
    h5::write_int_slab(draw_run_.id(), static_cast<hsize_t>(first), static_cast<hsize_t>(count), ids.data());
    h5::write_slab(draw_values_.id(), {static_cast<hsize_t>(first), 0},
                   {static_cast<hsize_t>(count), static_cast<hsize_t>(draw_names_.size())}, values);
  }

  void block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) override {
    std::vector<std::int64_t> ids(static_cast<std::size_t>(count));
    for (std::int64_t r = 0; r < count; ++r) ids[static_cast<std::size_t>(r)] = opt_.first_run + first + r;
    h5::write_int_slab(out_coords_->run.id(), static_cast<hsize_t>(first), static_cast<hsize_t>(count), ids.data());
    if (tr_coords_) h5::write_int_slab(tr_coords_->run.id(), static_cast<hsize_t>(first), static_cast<hsize_t>(count), ids.data());
    const auto& ovars = outcome_variables();
    const std::size_t per = olayout_.per_step;
    const std::size_t n = static_cast<std::size_t>(sc_.n());
    std::vector<double> buf(static_cast<std::size_t>(count) * n);
    std::size_t set = 0;
    for (std::size_t v = 0; v < ovars.size(); ++v) {
      // values are (actor, second) row-major; column k holds second index k
      const std::size_t second = cells_of(sc_, ovars[v].shape) / n;
      for (std::size_t k = 0; k < second; ++k, ++set) {
        for (std::int64_t r = 0; r < count; ++r)
          for (std::size_t i = 0; i < n; ++i)
            buf[static_cast<std::size_t>(r) * n + i] = outcomes[static_cast<std::size_t>(r) * per + olayout_.offset[v] + i * second + k];
        h5::write_slab(out_sets_[set].id(), {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(count), n}, buf.data());
      }
    }
    if (traces && opt_.level == RecordLevel::traces) {
      const auto& svars = step_variables();
      const std::size_t per_step = slayout_.per_step;
      const std::size_t steps = static_cast<std::size_t>(sc_.steps);
      for (std::size_t v = 0; v < svars.size(); ++v) {
        const std::size_t cells = cells_of(sc_, svars[v].shape);
        buf.resize(static_cast<std::size_t>(count) * steps * cells);
        for (std::int64_t r = 0; r < count; ++r)
          for (std::size_t t = 0; t < steps; ++t)
            std::copy_n(traces + (r * steps + t) * per_step + slayout_.offset[v], cells,
                        buf.data() + (r * steps + t) * cells);
        std::vector<hsize_t> start = {static_cast<hsize_t>(first), 0},
                             cnt = {static_cast<hsize_t>(count), static_cast<hsize_t>(steps)};
        for (auto t : trailing(sc_, svars[v].shape)) {
          start.push_back(0);
          cnt.push_back(t);
        }
        h5::write_slab(trace_sets_[v].id(), start, cnt, buf.data());
      }
    }
    h5::attr_int(group_.id(), "runs_completed", first + count);
  }

  void finish(const Summary* summary, std::int64_t completed, bool interrupted) override {
    const hid_t g = group_.id();
    if (summary && completed > 0) {
      auto sg = h5::create_group(g, "summary");
      Coords coords(sg.id(), sc_, 0, false, true, true, true);
      const auto& svars = step_variables();
      const std::size_t steps = static_cast<std::size_t>(sc_.steps);
      const std::size_t nstat = kStatNames.size();
      for (std::size_t v = 0; v < svars.size(); ++v) {
        const std::size_t cells = cells_of(sc_, svars[v].shape);
        std::vector<double> buf(nstat * steps * cells);
        for (std::size_t s = 0; s < nstat; ++s)
          for (std::size_t t = 0; t < steps; ++t)
            for (std::size_t c = 0; c < cells; ++c)
              buf[(s * steps + t) * cells + c] = summary->stat(s, t * slayout_.per_step + slayout_.offset[v] + c);
        std::vector<hsize_t> dims = {nstat, steps};
        auto tr = trailing(sc_, svars[v].shape);
        dims.insert(dims.end(), tr.begin(), tr.end());
        auto d = h5::create_dataset(sg.id(), svars[v].name, dims, {}, 0);
        h5::write_slab(d.id(), std::vector<hsize_t>(dims.size(), 0), dims, buf.data());
        h5::describe(d.id(), svars[v].long_name, svars[v].units);
        h5::attr_string(d.id(), "coordinates", aux_coordinates(svars[v].shape, true));
        auto ids = coords.scales(svars[v].shape);
        ids.insert(ids.begin(), coords.time.id());
        ids.insert(ids.begin(), coords.stat.id());
        h5::attach(d.id(), ids);
      }
      h5::attr_int(sg.id(), "runs", completed);
      h5::attr_double(sg.id(), "tdigest_compression", opt_.compression);
    }
    h5::attr_int(g, "runs_completed", completed);
    h5::attr_string(g, "status", interrupted ? "interrupted" : "complete");
    h5::flush(file_);
  }

 private:
  const Scenario& sc_;
  EnsembleOptions opt_;
  RecordLayout slayout_, olayout_;
  hid_t file_ = -1;
  h5::Handle group_, outcomes_, traces_;
  std::unique_ptr<Coords> out_coords_, tr_coords_;
  std::vector<h5::Handle> out_sets_, trace_sets_;
  std::vector<std::string> draw_names_;
  h5::Handle draws_, draw_run_, draw_quantity_, draw_values_;
};

}  // namespace

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string group_name(const std::string& scenario_name, const std::vector<std::string>& taken) {
  std::string base = scenario_name.empty() ? "scenario" : scenario_name;
  for (char& c : base)
    if (c == '/' || c == '.') c = '_';
  std::string name = base;
  for (int k = 2; std::find(taken.begin(), taken.end(), name) != taken.end(); ++k) name = base + "_" + std::to_string(k);
  return name;
}

struct ResultsFile::Impl {
  explicit Impl(std::string final_path) : temp(std::move(final_path)) {}
  files::TempFile temp;
  h5::Handle file;
};

ResultsFile::ResultsFile(std::string final_path, const RunMetadata& meta) : impl_(std::make_unique<Impl>(std::move(final_path))) {
  h5::quiet();
  impl_->file = h5::create_file(impl_->temp.path());
  try {
    detail::write_file_metadata(impl_->file.id(), meta);
    h5::attr_string(impl_->file.id(), "status", "running");
  } catch (...) {
    impl_->file.reset();
    throw;
  }
}

const std::string& ResultsFile::temp_path() const { return impl_->temp.path(); }

// Days from 1 January of `epoch` to the date a decimal year names, in the proleptic Gregorian
// calendar. When steps_per_year divides 12 every step ends on a month boundary, at 00:00 of that
// month's first day (2005.25 is 1 April 2005, 90 days after 1 January); otherwise every date
// takes its share of its year's days (so the coordinate always increases).
double detail::days_since(int epoch, double year, int steps_per_year) {
  using namespace std::chrono;
  auto day = [](int y, unsigned m) {
    return static_cast<double>(sys_days(std::chrono::year(y) / month(m) / std::chrono::day(1)).time_since_epoch().count());
  };
  const int y = static_cast<int>(std::floor(year + 1e-9));
  const double months = (year - y) * 12.0, whole = std::round(months);
  const bool months_grid = steps_per_year > 0 && 12 % steps_per_year == 0 && std::abs(months - whole) < 1e-6;
  const double in_year = months_grid ? day(y, static_cast<unsigned>(whole) + 1) - day(y, 1)
                                     : (year - y) * (day(y + 1, 1) - day(y, 1));
  return day(y, 1) - day(epoch, 1) + in_year;
}

void detail::write_time(hid_t g, double start_year, int steps, int steps_per_year, h5::Handle& time, h5::Handle& year) {
  // the state recorded for step k is the state at its end: a CF time coordinate (days since
  // 1 January of the start year) and the same instants as decimal years (auxiliary `year`)
  const int epoch = static_cast<int>(std::floor(start_year + 1e-9));
  const double dt = 1.0 / steps_per_year;
  std::vector<double> t(static_cast<std::size_t>(std::max(steps, 0))), y(t.size());
  for (std::size_t k = 0; k < t.size(); ++k) {
    y[k] = start_year + static_cast<double>(k + 1) * dt;
    t[k] = days_since(epoch, y[k], steps_per_year);
  }
  time = h5::coordinate(g, "time", t);
  h5::attr_string(time.id(), "long_name", "end of the step (flows are those of the step)");
  h5::attr_string(time.id(), "units", "days since " + std::to_string(epoch) + "-01-01 00:00:00");
  h5::attr_string(time.id(), "calendar", "proleptic_gregorian");
  h5::attr_string(time.id(), "standard_name", "time");
  h5::attr_string(time.id(), "axis", "T");
  year = h5::create_dataset(g, "year", {y.size()});
  if (!y.empty()) h5::write_slab(year.id(), {0}, {y.size()}, y.data());
  h5::describe(year.id(), "year at the end of the step, as a decimal year (flows are those of the step)", "year");
  h5::attach(year.id(), {time.id()});
}

void detail::write_file_metadata(hid_t f, const RunMetadata& meta) {
  h5::attr_string(f, "title", "sixparty results");
  h5::attr_string(f, "Conventions", "CF-1.8");
  // CF's free-text provenance: how the file came to be (one line per command), what made it, where
  // the model is described
  h5::attr_string(f, "history", meta.started + " " + meta.command_line);
  h5::attr_string(f, "source", std::string("sixparty ") + kVersion + " (git " + kGitRevision +
                                   "), an agent-based model of North East Asian relations, Monte Carlo ensembles");
  h5::attr_string(f, "references",
                  "models/ODD.md (the model, ODD protocol) and results/README.md (this file's layout) in the sixparty sources");
  h5::attr_string(f, "sixparty_version", kVersion);
  h5::attr_string(f, "git_revision", kGitRevision);
  h5::attr_string(f, "command_line", meta.command_line);
  h5::attr_string(f, "started", meta.started);
  h5::attr_string(f, "rng_algorithm", rng_algorithm);
  h5::attr_int(f, "threads", meta.threads);
}

ResultsFile::~ResultsFile() {
  if (impl_) impl_->file.reset();  // before the TempFile removes an uncommitted temporary
}

std::unique_ptr<EnsembleSink> ResultsFile::add_scenario(const Scenario& sc, const EnsembleOptions& opt) {
  const std::string name = group_name(sc.name, groups_);
  groups_.push_back(name);
  scenario_names_.push_back(sc.name);
  h5::attr_strings(impl_->file.id(), "scenarios", groups_);
  return std::make_unique<GroupSink>(impl_->file.id(), name, sc, opt);
}

void ResultsFile::write_patterns(std::size_t k, const std::vector<PatternResult>& results) {
  if (results.empty() || k >= groups_.size()) return;
  h5::Handle g = h5::open_group(impl_->file.id(), groups_[k]);
  h5::Handle pg = h5::create_group(g.id(), "patterns");
  std::vector<std::string> ids, desc, src, tol, note, cls, claim, known;
  std::vector<double> observed, low, high, lo, hi, conf, passed, evaluated;
  for (const auto& r : results) {
    ids.push_back(r.id);
    desc.push_back(r.description);
    src.push_back(r.source);
    tol.push_back(r.tolerance);
    note.push_back(r.note);
    cls.push_back(r.cls);
    known.push_back(r.known_failure);
    std::string c;
    for (const auto& m : r.cls == "test" ? r.fails_without : r.scheduled_by) c += (c.empty() ? "" : "; ") + m;
    claim.push_back(c);
    observed.push_back(r.observed);
    low.push_back(r.low);
    high.push_back(r.high);
    lo.push_back(r.min);
    hi.push_back(r.max);
    conf.push_back(r.confidence_required ? r.confidence : std::nan(""));
    passed.push_back(r.passed ? 1 : 0);
    evaluated.push_back(r.evaluated ? 1 : 0);
  }
  h5::Handle id = h5::coordinate(pg.id(), "pattern", ids);
  h5::describe(id.id(), "pattern id", "1");
  auto strings = [&](const char* name, const std::vector<std::string>& v, const char* long_name) {
    h5::Handle d = h5::strings(pg.id(), name, v);
    h5::describe(d.id(), long_name, "1");
    h5::attach(d.id(), {id.id()});
  };
  auto numbers = [&](const char* name, const std::vector<double>& v, const char* long_name) {
    h5::Handle d = h5::create_dataset(pg.id(), name, {v.size()});
    h5::write_slab(d.id(), {0}, {v.size()}, v.data());
    h5::describe(d.id(), long_name, "1");
    h5::attach(d.id(), {id.id()});
  };
  strings("description", desc, "what the pattern says");
  strings("source", src, "source of the target");
  strings("tolerance", tol, "why the tolerance is what it is");
  strings("note", note, "why a pattern was not evaluated");
  strings("known_failure", known, "why the model does not meet the pattern, if it is a declared known failure (else empty)");
  strings("class", cls, "what the pattern is evidence of: target, input, scheduled, identity or test");
  strings("claim", claim, "test: the mechanisms without which it must fail; scheduled: the events that produce it ('; '-separated)");
  numbers("observed", observed, "observed value over the ensemble");
  numbers("interval_low", low, "lower end of the bootstrap interval");
  numbers("interval_high", high, "upper end of the bootstrap interval");
  numbers("expected_min", lo, "lowest value expected");
  numbers("expected_max", hi, "highest value expected");
  numbers("confidence", conf, "confidence the whole interval must meet (NaN: the point estimate suffices)");
  numbers("passed", passed, "pattern met (0 or 1)");
  numbers("evaluated", evaluated, "pattern evaluated (0 or 1)");
}

OutcomeTable ResultsFile::outcomes(const std::string& group) {
  h5::flush(impl_->file.id());
  return detail::read_outcomes(impl_->file.id(), impl_->temp.path(), group);
}

void ResultsFile::write_tables(const std::vector<Table>& tables) {
  for (const auto& t : tables) detail::write_table(impl_->file.id(), t);
}

void ResultsFile::commit(const std::string& status) {
  h5::attr_string(impl_->file.id(), "finished", utc_now());
  h5::attr_string(impl_->file.id(), "status", status);
  // closing flushes: a full disk can show up only here, so the result is checked
  detail::close_and_commit(impl_->file, impl_->temp);
}

}  // namespace sixparty
