// experiment: a batch experiment file (scenarios x a design over factors) read, checked and
// expanded into design points. Format: scenarios/README.md ("Experiment files"); JSON Schema:
// scenarios/experiment.schema.json.
//
//   Diagnostics diags;
//   auto ex = load_experiment("scenarios/experiments/rivalry.yaml", diags);
//   if (!ex) { std::cerr << diags.format(); return 2; }
//   for (std::size_t p = 0; p < ex->points(); ++p) {
//     auto sc = ex->compile_point(p, diags);   // the scenario with the point's factor values
//     ... run ex->runs_per_point runs of it with seed ex->point_seed(p)
//   }
//
// Points are numbered scenario-major: point p belongs to scenario p / rows and design row
// p % rows, so that one design is crossed with every scenario and the design rows of each
// scenario keep the row order the sensitivity estimators expect (design.hpp).
#pragma once

#include "core/diagnostics.hpp"
#include "stats/design.hpp"
#include "scenario/scenario.hpp"
#include "scenario/tree.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

enum class Distribution { levels, uniform, log_uniform };
const char* distribution_name(Distribution d);

struct Factor {
  std::string name;  // short name (dataset name in results files); defaults to the path
  std::string path;  // scenario path as --set names it, e.g. parameters.leverage.scale
  SourceLocation where;
  Distribution distribution = Distribution::uniform;
  double lower = 0, upper = 1;   // range (uniform, log_uniform)
  std::vector<double> levels;    // levels (factorial)
  bool date = false;             // an event's date (events.N.at): snapped to the step grid
  bool integer = false;          // `integer: true`: uniform over the range's integers (log_uniform: rounded)
  // a categorical factor (`categories: [...]`, or words among a factorial's levels): its value is
  // a category's index (0 .. n-1; sampled designs: each equally likely), set as the category's text
  std::vector<std::string> categories;
  bool categorical() const { return !categories.empty(); }
  // the factor's value at unit coordinate u in [0, 1] (before snapping a date)
  double value(double u) const;
};

// a policy (a combination of levers): overrides applied to every scenario of the experiment, so
// that every policy meets every design point (and, with common seeds, the same draws)
struct Policy {
  std::string name;
  std::vector<std::string> sets;  // "path=value", as --set takes them
  SourceLocation where;
  std::vector<SourceLocation> set_where;  // where each of sets was written
};

struct Experiment {
  std::string name, description;
  std::string file, text;                  // the experiment file and its text
  std::string design_text;                 // an imported design's file text (its values are the factors' levels)
  // scenario entries: each scenario file, crossed with each policy when there are policies
  // (file-major: entry = file index x policies + policy); the vectors below have one element each
  std::vector<std::string> scenario_files; // as resolved from the experiment file's folder
  std::vector<LoadedDocument> documents;   // each scenario's loaded tree (extends resolved)
  std::vector<std::string> scenario_names;
  std::vector<std::string> scenario_resolved;  // resolved YAML of each scenario (for replay)
  struct TimeGrid {
    double start = 0;
    int steps_per_year = 1;
    int steps = 0;
  };
  std::vector<TimeGrid> grids;             // each scenario's step grid (date factors snap to it)
  std::vector<Policy> policies;            // `policies:` or the combinations of `levers:`; empty: none
  std::vector<std::string> scenario_policies;      // each entry's policy name ("" without policies)
  std::vector<std::vector<std::string>> entry_sets;  // each entry's policy overrides
  std::uint64_t seed = 1;
  bool common_seeds = true;   // every point uses `seed` (common random numbers across points)
  std::int64_t runs_per_point = 10;
  std::vector<Factor> factors;
  UnitDesign design;          // one design, crossed with every scenario
  std::vector<std::string> outcomes;  // default outcomes for `sixparty sensitivity`
  // declared time series (`series: [stability.DPRK, ...]`): a step variable of one actor, kept
  // for every run at every step, and per point as mean and quantiles across its runs
  struct Series {
    std::string name;          // VARIABLE.ACTOR
    std::size_t variable = 0;  // index into step_variables()
    int actor = 0;
  };
  std::vector<Series> series;
  std::vector<std::string> actor_ids; // shared by every scenario, as are
  std::vector<std::string> dimensions, resource_names;  // the interest dimensions and resources
  std::uint64_t fingerprint = 0;      // experiment text, scenario texts and program version

  std::size_t rows() const { return design.points; }
  std::size_t points() const { return scenario_files.size() * design.points; }
  std::int64_t runs() const { return static_cast<std::int64_t>(points()) * runs_per_point; }
  std::size_t scenario_of(std::size_t point) const { return point / design.points; }
  std::size_t row_of(std::size_t point) const { return point % design.points; }
  // the value a point uses (and the design table holds): a date factor's value is the nearest
  // start of a step of the point's scenario, an integer factor's the nearest integer
  double factor_value(std::size_t point, std::size_t factor) const {
    return snapped(factor, scenario_of(point), factors[factor].value(design.at(row_of(point), factor)));
  }
  double snapped(std::size_t factor, std::size_t scenario, double v) const;
  // the point of the design without the policy dimension (scenario file x design row): the
  // points of every policy at one design row share it, and so, with independent seeds, their seed
  std::size_t uncertainty_point(std::size_t point) const {
    const std::size_t per_file = policies.empty() ? 1 : policies.size();
    return scenario_of(point) / per_file * rows() + row_of(point);
  }
  std::uint64_t point_seed(std::size_t point) const;
  // the --set assignments of a point: its policy's, then its factor values (exact: 17 significant digits)
  std::vector<std::string> overrides(std::size_t point) const;
  // the point's scenario; nullopt (with diagnostics) if it does not compile
  std::optional<Scenario> compile_point(std::size_t point, Diagnostics& diags) const;
};

// names a factor may not take: the other datasets of a batch file's /design group
inline const std::vector<std::string> kReservedFactorNames = {"point", "factor", "factor_path", "factor_distribution", "factor_lower",
                                                              "factor_upper", "scenario", "seed", "role", "group", "unit"};

struct ExperimentLimits {
  static constexpr std::size_t max_factors = 64;
  static constexpr std::size_t max_policies = 1000;           // policies, or combinations of levers
  static constexpr std::size_t max_series = 16;               // declared series (each: steps values a run)
  static constexpr std::int64_t max_points = 2'000'000;        // design points, all scenarios
  static constexpr std::int64_t max_design_cells = 20'000'000; // points x factors (160 MB of design)
  static constexpr std::int64_t max_runs = 100'000'000;        // the journal index takes 8 bytes a run
};

// read, check (every error at once, with file:line:column and key) and expand an experiment
// "path=value" setting a factor to v (v printed exactly, %.17g)
std::string factor_assignment(const Factor& f, double v);

std::optional<Experiment> load_experiment(const std::string& path, Diagnostics& diags);
// the same from a loaded document; `path` locates the scenario files (relative to its folder)
std::optional<Experiment> read_experiment(const LoadedDocument& doc, const std::string& path, Diagnostics& diags);

// the scenario seed of a point: the experiment seed for common seeds, else a 63-bit hash of (seed, point)
std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t point);

// 64-bit FNV-1a, continued from `h`
std::uint64_t fnv1a(const std::string& data, std::uint64_t h = 0xcbf29ce484222325ULL);

// the points [first, end) of shard `shard` of `shards` (contiguous ranges, in point order)
std::pair<std::size_t, std::size_t> shard_points(std::size_t points, std::size_t shard, std::size_t shards);

}  // namespace sixparty
