// batch_file: the HDF5 file of a batch experiment (layout: results/README.md, "Experiment
// files"): writing one from its rows in bounded memory, and reading back what replay, merge
// and sensitivity analysis need. The journal and the runner are in batch/.
#pragma once

#include "experiment/experiment.hpp"
#include "io/error.hpp"
#include "io/results_file.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sixparty {

// run status in the journal and the file
constexpr std::uint8_t kRunOk = 0, kRunFailed = 1;
// longest failure message kept
constexpr std::size_t kMaxRunMessage = 4096;

// what the writer needs to know besides the rows (all of it is in the file, so a file alone
// can be replayed or merged)
struct BatchFileInfo {
  std::uint64_t fingerprint = 0;
  std::string name, description, experiment_file, experiment_text, design_kind;
  std::vector<std::string> scenario_files, scenario_names, scenario_resolved;
  std::vector<std::string> policies, scenario_policies;  // the experiment's policies and each scenario entry's (none: empty)
  std::vector<std::string> actor_ids, actor_names, dimensions, resources;
  std::uint64_t seed = 0;
  bool common_seeds = true;
  std::int64_t runs_per_point = 0;
  std::size_t points = 0, rows_per_scenario = 0;
  std::size_t shard = 0, shards = 1, first_point = 0, end_point = 0;
  std::vector<std::string> factor_names, factor_paths, factor_distributions;
  std::vector<double> factor_lower, factor_upper;
  std::vector<std::vector<double>> factor_levels;
  std::vector<std::vector<std::string>> factor_categories;  // per factor: its categories (empty: a number)
  std::vector<std::string> outcomes;
  // the uncertain inputs of the experiment's scenarios (the union of their uncertainty_names(),
  // in order of first appearance) and their units: /draws. A row from a RowSource holds the run's
  // outcome values, then one value per name (NaN where its point does not draw it: a factor fixes
  // it, or its scenario does not declare it)
  std::vector<std::string> draw_names, draw_units;
  // declared series (VARIABLE.ACTOR), each `series_steps` values a run after the draws in a row,
  // on the time grid of series_start and series_steps_per_year
  std::vector<std::string> series;
  int series_steps = 0, series_steps_per_year = 1;
  double series_start = 0;
  bool check_every_step = false;
  // per point (all points of the experiment)
  std::vector<double> unit;    // points x k
  std::vector<double> values;  // points x k
  std::vector<std::int64_t> scenario, role, group, seed_of;
};

// the file's description of shard `shard` of `shards` of an experiment; `shape` is any scenario
// of its world (actors, dimensions, resources)
BatchFileInfo batch_file_info(const Experiment& ex, const Scenario& shape, std::size_t shard, std::size_t shards);

// a stand-in scenario with the world's shape (for the outcome columns)
Scenario shape_only(const BatchFileInfo& f);

// the values of one row: the outcome values of the world's shape, then the draws, then each
// declared series' values at every step
std::size_t row_width(const BatchFileInfo& f);
// where a row's series values start
std::size_t series_offset(const BatchFileInfo& f);
// the statistics of /series/points, across a point's finished runs at each step
inline const std::vector<std::string> kSeriesStats = {"mean", "q05", "q25", "q50", "q75", "q95"};

// the rows of a shard, read in order
class RowSource {
 public:
  virtual ~RowSource() = default;
  // rows [first, first + count) of the shard: values (count x row_width), status, messages
  virtual void read(std::size_t first, std::size_t count, double* values, std::uint8_t* status,
                    std::vector<std::string>& messages) = 0;
};

using WriteProgress = std::function<void(std::size_t rows_done, std::size_t rows_total)>;

// writes a complete batch file from its rows, in bounded memory, through a temporary file that
// is synced and renamed into place (files::TempFile). Throws h5::Error.
void write_batch_file(const std::string& out, const BatchFileInfo& f, RowSource& rows, const RunMetadata& meta,
                      const std::string& merged_from = "", const WriteProgress& progress = nullptr);

// the digest of a batch file's texts (experiment, scenario texts and names, factor names and
// paths, actors, uncertain inputs), stored as /experiment's text_digest and checked by the readers
std::int64_t batch_text_digest(const BatchFileInfo& f);

// the fingerprint and shard of an existing complete experiment file, if it is one
bool complete_batch_file(const std::string& path, std::uint64_t& fingerprint, std::int64_t& shard, std::int64_t& shards);

// the failed_runs attribute of a finished batch file
std::int64_t batch_file_failed_runs(const std::string& path);
// the points of a batch file none of whose runs finished, each with the message of its first
// failed run (a factor value the model cannot run, say); empty when every point has a result
std::vector<std::pair<std::int64_t, std::string>> batch_file_empty_points(const std::string& path);

// the experiment described by a batch file, checked for consistency (BatchError if not)
BatchFileInfo read_batch_file_info(const std::string& path);

// the same, of a shard to merge: it must be complete; every problem is a BatchError (bad input)
BatchFileInfo read_batch_shard(const std::string& path);

// the message recorded for a failed run ("" when the run did not fail)
std::string recorded_failure(const std::string& path, std::size_t point, std::int64_t replicate);

// the rows of several shard files that together cover an experiment's points, in order (rows of
// row_width(shards.front().first) values)
std::unique_ptr<RowSource> shard_rows(const std::vector<std::pair<BatchFileInfo, std::string>>& shards, const Scenario& shape);

// what sensitivity analysis reads of a batch file: the design and the per-point means
struct BatchDesignTable {
  std::string kind;  // design kind
  std::int64_t points = 0, rows = 0, first = 0, end = 0;
  std::vector<std::string> scenario_names, outcomes, factors, actors;
  std::vector<std::string> mean_variables;  // names under /points/mean, in name order
  std::vector<double> unit;
  std::vector<std::int64_t> role, group;
};
// BatchError when the file is not a whole batch file with a sobol or morris design
BatchDesignTable read_batch_design(const std::string& path);
// /points/mean/<variable>, points x actors (BatchError when of another shape)
std::vector<double> read_point_means(const std::string& path, const std::string& variable, std::size_t points, std::size_t actors);

}  // namespace sixparty
