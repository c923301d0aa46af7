#include "experiment/batch.hpp"

#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "engine/step.hpp"
#include "experiment/h5.hpp"
#include "experiment/record.hpp"
#include "state/run_state.hpp"
#include "version.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <system_error>
#include <tuple>

namespace sixparty {

namespace fs = std::filesystem;

std::pair<std::size_t, std::size_t> shard_points(std::size_t points, std::size_t shard, std::size_t shards) {
  const auto at = [&](std::size_t s) {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(points) * s) / shards);
  };
  return {at(shard), at(shard + 1)};
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint8_t kOk = 0, kFailed = 1;
constexpr std::size_t kMaxMessage = 4096;

// ---------------------------------------------------------------------------------------------
// journal: header, then records  [head][payload][checksum]
// ---------------------------------------------------------------------------------------------

constexpr char kJournalMagic[8] = {'S', 'I', 'X', 'P', 'J', 'R', 'N', '1'};
constexpr std::uint32_t kRecordTag = 0x314e5552;  // "RUN1"

struct JournalHeader {
  char magic[8];
  std::uint64_t fingerprint;
  std::uint64_t shard, shards;
  std::uint64_t first_point, end_point;
  std::uint64_t runs_per_point;
  std::uint64_t values_per_run;
  std::uint64_t check_every_step;  // 1 if invariants are checked after every step (--check, debug builds)
};

struct RecordHead {
  std::uint32_t tag;
  std::uint32_t point;
  std::uint32_t replicate;
  std::uint32_t status;
  std::uint64_t payload;  // bytes
};

std::uint64_t checksum(const void* a, std::size_t na, const void* b, std::size_t nb) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto* p = static_cast<const unsigned char*>(a); na--; ++p) h = (h ^ *p) * 0x100000001b3ULL;
  for (const auto* p = static_cast<const unsigned char*>(b); nb--; ++p) h = (h ^ *p) * 0x100000001b3ULL;
  return h;
}

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " '" + path + "'");
}

void write_all(int fd, const char* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write the journal", path);
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

class Journal {
 public:
  Journal(std::string path, const JournalHeader& h) : path_(std::move(path)), h_(h) {}
  ~Journal() {
    if (fd_ >= 0) ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  std::size_t runs() const { return static_cast<std::size_t>((h_.end_point - h_.first_point) * h_.runs_per_point); }
  std::size_t row(std::uint64_t point, std::uint64_t replicate) const {
    return static_cast<std::size_t>((point - h_.first_point) * h_.runs_per_point + replicate);
  }

  // opens an existing journal of this experiment (reading its records) or creates one
  // returns the number of records found
  std::int64_t open(bool fresh) {
    offset_.assign(runs(), -1);
    std::error_code ec;
    if (fresh) fs::remove(path_, ec);
    if (fs::exists(path_, ec)) return read_existing();
    // a new journal: the header goes to a temporary file renamed into place
    const std::string temp = path_ + ".tmp-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) io_error("cannot create the journal", temp);
    try {
      write_all(fd, reinterpret_cast<const char*>(&h_), sizeof h_, temp);
    } catch (...) {
      ::close(fd);
      fs::remove(temp, ec);
      throw;
    }
    ::close(fd);
    fs::rename(temp, path_, ec);
    if (ec) {
      fs::remove(temp, ec);
      throw std::system_error(ec, "cannot create the journal '" + path_ + "'");
    }
    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) io_error("cannot open the journal", path_);
    return 0;
  }

  void append(const std::vector<char>& bytes) { write_all(fd_, bytes.data(), bytes.size(), path_); }

  bool done(std::size_t row) const { return offset_[row] >= 0; }
  void mark(std::size_t row, std::int64_t offset) { offset_[row] = offset; }
  std::int64_t end() const { return end_; }
  void advance(std::int64_t bytes) { end_ += bytes; }

  // read the record of a row: status, values (values_per_run) or message; the record is checked
  // again (tag, point, replicate, size, checksum), so a journal changed under us is an error
  std::uint8_t read(std::size_t row, double* values, std::string& message) const {
    RecordHead head{};
    const std::int64_t at = offset_[row];
    const std::uint64_t point = h_.first_point + row / h_.runs_per_point, replicate = row % h_.runs_per_point;
    if (::pread(fd_, &head, sizeof head, at) != static_cast<ssize_t>(sizeof head) || head.tag != kRecordTag ||
        head.point != point || head.replicate != replicate || head.status > kFailed ||
        (head.status == kOk ? head.payload != h_.values_per_run * sizeof(double) : head.payload > kMaxMessage))
      damaged(at, point, replicate);
    std::vector<char> payload(head.payload + sizeof(std::uint64_t));
    if (::pread(fd_, payload.data(), payload.size(), at + static_cast<std::int64_t>(sizeof head)) != static_cast<ssize_t>(payload.size()))
      damaged(at, point, replicate);
    std::uint64_t sum = 0;
    std::memcpy(&sum, payload.data() + head.payload, sizeof sum);
    if (sum != checksum(&head, sizeof head, payload.data(), head.payload)) damaged(at, point, replicate);
    if (head.status == kOk) {
      std::memcpy(values, payload.data(), head.payload);
      message.clear();
    } else {
      message.assign(payload.data(), head.payload);
      std::fill_n(values, h_.values_per_run, kNaN);
    }
    return static_cast<std::uint8_t>(head.status);
  }

  void remove() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::remove(path_, ec);
  }

  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void damaged(std::int64_t at, std::uint64_t point, std::uint64_t replicate) const {
    throw BatchError("the journal '" + path_ + "' changed under this batch at byte " + std::to_string(at) +
                     " (expected the record of point " + std::to_string(point) + ", run " + std::to_string(replicate) +
                     "); was another process writing it? Rerun the command to resume from the records that are whole");
  }

  std::int64_t read_existing() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) io_error("cannot open the journal", path_);
    JournalHeader h{};
    if (::pread(fd_, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h) || std::memcmp(h.magic, kJournalMagic, 8) != 0)
      throw BatchError("'" + path_ + "' is not a sixparty journal; expected to resume from one (or --fresh to start over)");
    if (h.fingerprint != h_.fingerprint)
      throw BatchError("the journal '" + path_ + "' belongs to another experiment, other scenario files or another sixparty build; "
                       "expected the same command as before (or --fresh to start over)");
    if (h.shard != h_.shard || h.shards != h_.shards || h.first_point != h_.first_point || h.end_point != h_.end_point ||
        h.runs_per_point != h_.runs_per_point || h.values_per_run != h_.values_per_run || h.check_every_step != h_.check_every_step)
      throw BatchError("the journal '" + path_ + "' was written for shard " + std::to_string(h.shard + 1) + "/" +
                       std::to_string(h.shards) + (h.check_every_step ? " with checks after every step" : " with checks at the end of runs") +
                       "; expected the same --shard and --check (and build type) as before (or --fresh)");
    // scan the records; the first bad one (a torn write) and everything after it is cut off
    struct stat st {};
    if (::fstat(fd_, &st) != 0) io_error("cannot read the journal", path_);
    const std::int64_t size = st.st_size;
    std::int64_t at = sizeof h;
    std::int64_t found = 0;
    std::vector<char> payload;
    const std::uint64_t ok_bytes = h_.values_per_run * sizeof(double);
    while (at + static_cast<std::int64_t>(sizeof(RecordHead)) <= size) {
      RecordHead head{};
      const ssize_t got = ::pread(fd_, &head, sizeof head, at);
      if (got < 0) io_error("cannot read the journal", path_);
      if (got != static_cast<ssize_t>(sizeof head)) break;
      if (head.tag != kRecordTag || head.point < h_.first_point || head.point >= h_.end_point ||
          head.replicate >= h_.runs_per_point || head.status > kFailed ||
          (head.status == kOk ? head.payload != ok_bytes : head.payload > kMaxMessage))
        break;
      const std::int64_t need = static_cast<std::int64_t>(sizeof head + head.payload + sizeof(std::uint64_t));
      if (at + need > size) break;
      payload.resize(head.payload + sizeof(std::uint64_t));
      const ssize_t got_payload = ::pread(fd_, payload.data(), payload.size(), at + static_cast<std::int64_t>(sizeof head));
      if (got_payload < 0) io_error("cannot read the journal", path_);
      if (got_payload != static_cast<ssize_t>(payload.size())) break;
      std::uint64_t sum = 0;
      std::memcpy(&sum, payload.data() + head.payload, sizeof sum);
      if (sum != checksum(&head, sizeof head, payload.data(), head.payload)) break;
      const std::size_t r = row(head.point, head.replicate);
      if (offset_[r] < 0) ++found;
      offset_[r] = at;
      at += need;
    }
    if (at < size && ::ftruncate(fd_, at) != 0) io_error("cannot repair the journal", path_);
    end_ = at;
    return found;
  }

  std::string path_;
  JournalHeader h_;
  int fd_ = -1;
  std::vector<std::int64_t> offset_;  // per row: where its record starts, -1 if not yet run
  std::int64_t end_ = sizeof(JournalHeader);
};

// ---------------------------------------------------------------------------------------------
// the results file: design, runs, failures, per-point summaries
// ---------------------------------------------------------------------------------------------

// the rows of a shard, read in order
class RowSource {
 public:
  virtual ~RowSource() = default;
  // rows [first, first + count) of the shard: values (count x per_run), status, messages
  virtual void read(std::size_t first, std::size_t count, double* values, std::uint8_t* status,
                    std::vector<std::string>& messages) = 0;
};

class JournalSource : public RowSource {
 public:
  JournalSource(const Journal& j, std::size_t per_run) : j_(j), per_run_(per_run) {}
  void read(std::size_t first, std::size_t count, double* values, std::uint8_t* status,
            std::vector<std::string>& messages) override {
    for (std::size_t k = 0; k < count; ++k) status[k] = j_.read(first + k, values + k * per_run_, messages[k]);
  }

 private:
  const Journal& j_;
  std::size_t per_run_;
};

// what the writer needs to know besides the rows
struct FileInfo {
  std::uint64_t fingerprint = 0;
  std::string name, description, experiment_file, experiment_text, design_kind;
  std::vector<std::string> scenario_files, scenario_names, scenario_resolved;
  std::vector<std::string> actor_ids, actor_names, dimensions, resources;
  std::uint64_t seed = 0;
  bool common_seeds = true;
  std::int64_t runs_per_point = 0;
  std::size_t points = 0, rows_per_scenario = 0;
  std::size_t shard = 0, shards = 1, first_point = 0, end_point = 0;
  std::vector<std::string> factor_names, factor_paths, factor_distributions;
  std::vector<double> factor_lower, factor_upper;
  std::vector<std::vector<double>> factor_levels;
  std::vector<std::string> outcomes;
  bool check_every_step = false;
  // per point (all points of the experiment)
  std::vector<double> unit;        // points x k
  std::vector<double> values;      // points x k
  std::vector<std::int64_t> scenario, role, group, seed_of;
};

FileInfo info_of(const Experiment& ex, const Scenario& sc, std::size_t shard, std::size_t shards) {
  FileInfo f;
  f.fingerprint = ex.fingerprint;
  f.name = ex.name;
  f.description = ex.description;
  f.experiment_file = ex.file;
  f.experiment_text = ex.text;
  f.design_kind = design_kind_name(ex.design.kind);
  f.scenario_files = ex.scenario_files;
  f.scenario_names = ex.scenario_names;
  f.scenario_resolved = ex.scenario_resolved;
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
  }
  f.outcomes = ex.outcomes;
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

// the outcome columns from names alone (a stand-in Scenario with the world's shape)
Scenario shape_only(const FileInfo& f) {
  Scenario sc;
  sc.actor_ids = f.actor_ids;
  sc.actor_names = f.actor_names;
  sc.dimensions = f.dimensions;
  sc.resource_names = f.resources;
  return sc;
}

// where each column's variable starts in a run's values: (actor, second) row-major per variable
std::vector<std::size_t> column_starts(const std::vector<OutcomeColumn>& columns, std::size_t n) {
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

void write_int_column(hid_t g, const std::string& name, const std::vector<std::int64_t>& v, hid_t scale,
                      const std::string& long_name) {
  auto d = h5::create_int_dataset(g, name, {static_cast<hsize_t>(v.size())});
  if (!v.empty()) h5::write_ints(d.id(), v.data());
  h5::describe(d.id(), long_name, "1");
  if (scale >= 0) h5::attach(d.id(), {scale});
}

// writes a complete shard file from its rows, in bounded memory
// everything of a batch file below its root; every handle it opens is closed when it returns
using WriteProgress = std::function<void(std::size_t rows_done, std::size_t rows_total)>;

void write_contents(hid_t root, const FileInfo& f, RowSource& rows, const RunMetadata& meta, const std::string& merged_from,
                    const WriteProgress& progress) {
  const Scenario shape = shape_only(f);
  const auto columns = outcome_columns(shape);
  const std::size_t n = f.actor_ids.size();
  const std::size_t per_run = columns.size() * n;  // == RecordLayout(outcomes).per_step
  const std::vector<std::size_t> start = column_starts(columns, n);
  const std::size_t R = static_cast<std::size_t>(f.runs_per_point);
  const std::size_t points = f.end_point - f.first_point;
  const std::size_t runs = points * R;
  const std::size_t k = f.factor_names.size();

  write_file_metadata(root, meta);
  h5::attr_string(root, "kind", "experiment");
  h5::attr_string(root, "finished", utc_now());
  h5::attr_string(root, "status", "complete");
  if (!merged_from.empty()) h5::attr_string(root, "merged_from", merged_from);

  // the experiment, enough to replay any run from this file alone
  {
    auto g = h5::create_group(root, "experiment");
    h5::attr_string(g.id(), "name", f.name);
    h5::attr_string(g.id(), "description", f.description);
    h5::attr_string(g.id(), "file", f.experiment_file);
    h5::attr_string(g.id(), "yaml", f.experiment_text);
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
    h5::attr_strings(g.id(), "scenario_resolved", f.scenario_resolved);
    h5::attr_strings(g.id(), "outcomes", f.outcomes);
    h5::attr_strings(g.id(), "actor_names", f.actor_names);
    h5::attr_strings(g.id(), "dimensions", f.dimensions);
    h5::attr_strings(g.id(), "resources", f.resources);
    h5::attr_string(g.id(), "invariant_checks", f.check_every_step ? "every step" : "end of each run");
  }

  // the design: one row per point of the whole experiment
  {
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
      h5::attach(d.id(), {point.id()});
    }
  }

  // runs: one row per run of the shard, point-major; outcomes as (run, actor) columns
  auto runs_g = h5::create_group(root, "runs");
  const hsize_t hr = static_cast<hsize_t>(runs), hn = static_cast<hsize_t>(n);
  const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>(hr, 4096));
  auto run_ids = h5::create_int_dataset(runs_g.id(), "run", {hr}, {chunk_rows});
  h5::make_scale(run_ids.id(), "run");
  h5::describe(run_ids.id(), "run index within the experiment (point * runs_per_point + replicate)", "1");
  auto actor = h5::coordinate(runs_g.id(), "actor", f.actor_ids);
  h5::describe(actor.id(), "actor", "1");
  auto run_point = h5::create_int_dataset(runs_g.id(), "point", {hr}, {chunk_rows});
  h5::describe(run_point.id(), "design point of the run", "1");
  auto run_rep = h5::create_int_dataset(runs_g.id(), "replicate", {hr}, {chunk_rows});
  h5::describe(run_rep.id(), "replicate of the run within its point (its run index in the point's ensemble)", "1");
  auto run_status = h5::create_int_dataset(runs_g.id(), "status", {hr}, {chunk_rows});
  h5::describe(run_status.id(), "0 finished, 1 failed (see /failures)", "1");
  for (auto* d : {&run_point, &run_rep, &run_status}) h5::attach(d->id(), {run_ids.id()});
  std::vector<h5::Handle> out_sets;
  for (const auto& c : columns) {
    auto d = h5::create_dataset(runs_g.id(), c.name, {hr, hn}, {chunk_rows, hn}, 1);
    h5::describe(d.id(), c.long_name, c.units);
    h5::attach(d.id(), {run_ids.id(), actor.id()});
    out_sets.push_back(std::move(d));
  }

  // per-point summaries over the point's finished runs (NaN values skipped)
  auto points_g = h5::create_group(root, "points");
  const hsize_t hp = static_cast<hsize_t>(points);
  std::vector<std::int64_t> pids(points);
  for (std::size_t p = 0; p < points; ++p) pids[p] = static_cast<std::int64_t>(f.first_point + p);
  auto pcoord = h5::create_int_dataset(points_g.id(), "point", {hp});
  if (points) h5::write_ints(pcoord.id(), pids.data());
  h5::make_scale(pcoord.id(), "point");
  h5::describe(pcoord.id(), "design point (see /design)", "1");
  auto pactor = h5::coordinate(points_g.id(), "actor", f.actor_ids);
  h5::describe(pactor.id(), "actor", "1");
  auto p_ok = h5::create_int_dataset(points_g.id(), "runs_ok", {hp});
  h5::describe(p_ok.id(), "finished (not failed) runs of the point", "1");
  h5::attach(p_ok.id(), {pcoord.id()});
  auto mean_g = h5::create_group(points_g.id(), "mean");
  auto sd_g = h5::create_group(points_g.id(), "sd");
  std::vector<h5::Handle> mean_sets, sd_sets;
  const hsize_t chunk_points = std::max<hsize_t>(1, std::min<hsize_t>(hp, 4096));
  for (const auto& c : columns) {
    auto m = h5::create_dataset(mean_g.id(), c.name, {hp, hn}, {chunk_points, hn}, 1);
    h5::describe(m.id(), "mean over the point's runs: " + c.long_name, c.units);
    h5::attach(m.id(), {pcoord.id(), pactor.id()});
    mean_sets.push_back(std::move(m));
    auto s = h5::create_dataset(sd_g.id(), c.name, {hp, hn}, {chunk_points, hn}, 1);
    h5::describe(s.id(), "standard deviation over the point's runs: " + c.long_name, c.units);
    h5::attach(s.id(), {pcoord.id(), pactor.id()});
    sd_sets.push_back(std::move(s));
  }

  // stream the rows in blocks of 4,096 (memory does not grow with runs or runs per point); the
  // per-point mean and sd are Welford accumulations in row order, so they do not depend on blocks
  const std::size_t block = 4096;
  std::vector<double> values, col, pm, ps;
  std::vector<std::uint8_t> status;
  std::vector<std::string> messages;
  std::vector<std::int64_t> ints, fail_point, fail_rep, fail_seed, ok_count;
  std::vector<std::uint32_t> fail_msg;   // index into unique_msgs (a point's runs often share one)
  std::vector<std::string> unique_msgs;
  std::size_t open_first = 0;            // first point whose statistics are not yet written
  std::vector<double> acc_mean, acc_m2;  // (open points) x per_run
  std::vector<std::uint32_t> acc_n;
  std::vector<std::int64_t> acc_ok;      // finished runs per open point
  for (std::size_t first = 0; first < runs; first += block) {
    const std::size_t count = std::min(block, runs - first);
    values.assign(count * per_run, kNaN);
    status.assign(count, kOk);
    messages.assign(count, std::string());
    if (progress) progress(first, runs);
    rows.read(first, count, values.data(), status.data(), messages);
    ints.resize(count);
    for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>(f.first_point * R + first + r);
    h5::write_int_slab(run_ids.id(), first, count, ints.data());
    for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>(f.first_point + (first + r) / R);
    h5::write_int_slab(run_point.id(), first, count, ints.data());
    for (std::size_t r = 0; r < count; ++r) ints[r] = static_cast<std::int64_t>((first + r) % R);
    h5::write_int_slab(run_rep.id(), first, count, ints.data());
    for (std::size_t r = 0; r < count; ++r) ints[r] = status[r];
    h5::write_int_slab(run_status.id(), first, count, ints.data());
    for (std::size_t r = 0; r < count; ++r)
      if (status[r] != kOk) {
        const std::size_t p = f.first_point + (first + r) / R;
        fail_point.push_back(static_cast<std::int64_t>(p));
        fail_rep.push_back(static_cast<std::int64_t>((first + r) % R));
        fail_seed.push_back(f.seed_of[p]);
        if (unique_msgs.empty() || unique_msgs.back() != messages[r]) unique_msgs.push_back(messages[r]);
        fail_msg.push_back(static_cast<std::uint32_t>(unique_msgs.size() - 1));
      }
    col.resize(count * n);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& oc = columns[c];
      for (std::size_t r = 0; r < count; ++r)
        for (std::size_t i = 0; i < n; ++i) col[r * n + i] = values[r * per_run + start[c] + i * oc.seconds + oc.second];
      h5::write_slab(out_sets[c].id(), {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(count), hn}, col.data());
    }
    // accumulate the block's rows into their points
    const std::size_t last_point = (first + count - 1) / R;  // local point index
    const std::size_t open = last_point - open_first + 1;
    acc_mean.resize(open * per_run, 0.0);
    acc_m2.resize(open * per_run, 0.0);
    acc_n.resize(open * per_run, 0);
    acc_ok.resize(open, 0);
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t q = (first + r) / R - open_first;
      acc_ok[q] += status[r] == kOk;
      const double* x = values.data() + r * per_run;
      double* m = acc_mean.data() + q * per_run;
      double* m2 = acc_m2.data() + q * per_run;
      std::uint32_t* k = acc_n.data() + q * per_run;
      for (std::size_t v = 0; v < per_run; ++v)
        if (std::isfinite(x[v])) {
          ++k[v];
          const double d = x[v] - m[v];
          m[v] += d / static_cast<double>(k[v]);
          m2[v] += d * (x[v] - m[v]);
        }
    }
    // write the points this block completes
    const bool last_complete = (first + count) % R == 0 || first + count == runs;
    const std::size_t done = last_complete ? open : open - 1;
    if (done == 0) continue;
    pm.resize(done * n);
    ps.resize(done * n);
    ok_count.assign(acc_ok.begin(), acc_ok.begin() + static_cast<std::ptrdiff_t>(done));
    h5::write_int_slab(p_ok.id(), open_first, done, ok_count.data());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& oc = columns[c];
      for (std::size_t q = 0; q < done; ++q)
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t v = q * per_run + start[c] + i * oc.seconds + oc.second;
          pm[q * n + i] = acc_n[v] ? acc_mean[v] : kNaN;
          ps[q * n + i] = acc_n[v] > 1 ? std::sqrt(acc_m2[v] / static_cast<double>(acc_n[v] - 1)) : kNaN;
        }
      h5::write_slab(mean_sets[c].id(), {static_cast<hsize_t>(open_first), 0}, {static_cast<hsize_t>(done), hn}, pm.data());
      h5::write_slab(sd_sets[c].id(), {static_cast<hsize_t>(open_first), 0}, {static_cast<hsize_t>(done), hn}, ps.data());
    }
    // keep the unfinished point (if any) at the front
    const auto keep = [&](auto& v, std::size_t width) {
      std::move(v.begin() + static_cast<std::ptrdiff_t>(done * width), v.end(), v.begin());
      v.resize((open - done) * width);
    };
    keep(acc_mean, per_run);
    keep(acc_m2, per_run);
    keep(acc_n, per_run);
    keep(acc_ok, 1);
    open_first += done;
  }

  if (progress) progress(runs, runs);

  // failures: one row per failed run
  {
    auto g = h5::create_group(root, "failures");
    h5::attr_int(g.id(), "count", static_cast<std::int64_t>(fail_point.size()));
    const hsize_t nf = fail_point.size();
    auto idx = h5::create_int_dataset(g.id(), "failure", {nf});
    std::vector<std::int64_t> ids(nf);
    for (std::size_t i = 0; i < nf; ++i) ids[i] = static_cast<std::int64_t>(i);
    if (nf) h5::write_ints(idx.id(), ids.data());
    h5::make_scale(idx.id(), "failure");
    write_int_column(g.id(), "point", fail_point, idx.id(), "design point of the failed run");
    write_int_column(g.id(), "replicate", fail_rep, idx.id(), "replicate of the failed run");
    write_int_column(g.id(), "seed", fail_seed, idx.id(), "ensemble seed of the failed run's point");
    std::vector<const char*> ptrs;
    ptrs.reserve(fail_msg.size());
    for (auto k : fail_msg) ptrs.push_back(unique_msgs[k].c_str());
    auto msg = h5::strings(g.id(), "message", ptrs);
    h5::describe(msg.id(), "why the run failed", "1");
    h5::attach(msg.id(), {idx.id()});
  }
  h5::attr_int(root, "runs", static_cast<std::int64_t>(runs));
  h5::attr_int(root, "failed_runs", static_cast<std::int64_t>(fail_point.size()));

}

// flush a file's (or folder's) data to the disk
void sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// writes a complete shard file from its rows, in bounded memory, through a temporary file that is
// synced and renamed into place (so the journal may be removed once this returns)
void write_results(const std::string& out, const FileInfo& f, RowSource& rows, const RunMetadata& meta,
                   const std::string& merged_from = "", const WriteProgress& progress = nullptr) {
  const std::string temp = out + ".tmp-" + std::to_string(::getpid());
  struct Cleanup {
    std::string path;
    bool keep = false;
    ~Cleanup() {
      std::error_code ec;
      if (!keep) fs::remove(path, ec);
    }
  } cleanup{temp};
  {
    h5::Handle file = h5::create_file(temp);
    write_contents(file.id(), f, rows, meta, merged_from, progress);
    h5::flush(file.id());
    if (H5Fclose(file.release()) < 0) throw h5::Error("cannot finish '" + temp + "' (disk full?)");
  }
  sync_path(temp);
  std::error_code ec;
  fs::rename(temp, out, ec);
  if (ec) throw h5::Error("cannot move '" + temp + "' to '" + out + "': " + ec.message());
  cleanup.keep = true;
  const fs::path dir = fs::path(out).parent_path();
  sync_path(dir.empty() ? std::string(".") : dir.string());
}

// the fingerprint and shard of an existing complete experiment file, if it is one
bool complete_experiment(const std::string& path, std::uint64_t& fingerprint, std::int64_t& shard, std::int64_t& shards) {
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

}  // namespace

// ---------------------------------------------------------------------------------------------
// running
// ---------------------------------------------------------------------------------------------

namespace {

// an exclusive lock on "<out>.lock" for the life of a batch, so that two processes never write
// one journal (the same command started twice); the lock file is removed afterwards
class OutputLock {
 public:
  explicit OutputLock(std::string out) : path_(std::move(out) + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) io_error("cannot create the lock file", path_);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw BatchError("another sixparty batch is writing this output (it holds '" + path_ + "'); expected one batch per output file");
    }
  }
  ~OutputLock() {
    if (fd_ < 0) return;
    std::error_code ec;
    fs::remove(path_, ec);
    ::close(fd_);
  }
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

// temporary files a killed batch on this output left behind ("<out>.tmp-PID", "<out>.journal.tmp-PID");
// holding the output's lock, no other batch can be writing them
void remove_stale_temporaries(const std::string& out) {
  const fs::path p(out);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  const std::string a = p.filename().string() + ".tmp-", b = p.filename().string() + ".journal.tmp-";
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(a, 0) == 0 || name.rfind(b, 0) == 0) stale.push_back(it->path());
  }
  for (const auto& f : stale) fs::remove(f, ec);
}

BatchStatus run_batch(const Experiment& ex, const std::string& out, const BatchOptions& opt, const RunMetadata& meta,
                      const std::function<void(const BatchStatus&)>& progress, const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  if (opt.shards < 1 || opt.shard >= opt.shards) throw BatchError("shard " + std::to_string(opt.shard + 1) + " of " + std::to_string(opt.shards) + " does not exist");
  if (opt.shards > ex.points())
    throw BatchError(std::to_string(opt.shards) + " shards of " + std::to_string(ex.points()) + " points would leave shards empty; expected at most " +
                     std::to_string(ex.points()) + " shards");
  const auto range = shard_points(ex.points(), opt.shard, opt.shards);
  const std::size_t first_point = range.first, end_point = range.second;  // (lambdas capture these)
  const std::size_t R = static_cast<std::size_t>(ex.runs_per_point);
#ifndef NDEBUG
  const bool check_every_step = true;
#else
  const bool check_every_step = opt.check_invariants;
#endif

  BatchStatus st;
  st.points_total = end_point - first_point;
  st.runs_total = static_cast<std::int64_t>(st.points_total * R);
  st.journal = out + ".journal";

  std::error_code ec;
  if (fs::is_directory(out, ec)) throw BatchError("'" + out + "' is a directory; expected a file path for -o");
  const OutputLock lock(out);
  remove_stale_temporaries(out);
  if (!opt.fresh && fs::exists(out, ec)) {
    std::uint64_t fp = 0;
    std::int64_t shard = -1, shards = -1;
    if (complete_experiment(out, fp, shard, shards) && fp == ex.fingerprint && shard == static_cast<std::int64_t>(opt.shard) &&
        shards == static_cast<std::int64_t>(opt.shards)) {
      st.already_complete = true;
      fs::remove(st.journal, ec);  // a stale journal of the same experiment (e.g. an interrupted --fresh)
      st.runs_done = st.runs_total;
      st.points_done = st.points_total;
      return st;
    }
    if (!fs::exists(st.journal, ec))
      throw BatchError("'" + out + "' exists and is not a finished file of this experiment; expected a new path, or --fresh to overwrite it");
  }

  // a scenario with the world's shape, for layouts and the run states
  Diagnostics d0;
  auto base = compile_document(ex.documents.front(), {}, d0, false);
  if (!base) throw BatchError("the experiment's first scenario does not compile:\n" + d0.format());
  const RecordLayout layout(*base, outcome_variables());
  const std::size_t per_run = layout.per_step;

  JournalHeader h{};
  std::memcpy(h.magic, kJournalMagic, 8);
  h.fingerprint = ex.fingerprint;
  h.shard = opt.shard;
  h.shards = opt.shards;
  h.first_point = first_point;
  h.end_point = end_point;
  h.runs_per_point = R;
  h.values_per_run = per_run;
  h.check_every_step = check_every_step ? 1 : 0;
  Journal journal(st.journal, h);
  st.runs_resumed = journal.open(opt.fresh);
  st.runs_done = st.runs_resumed;
  const auto point_done = [&](std::size_t p) {
    for (std::size_t r = 0; r < R; ++r)
      if (!journal.done(p * R + r)) return false;
    return true;
  };
  for (std::size_t p = 0; p < st.points_total; ++p) st.points_done += point_done(p);

  const std::size_t C = std::max<std::size_t>(1, opt.chunk_runs);
  const std::size_t remaining = static_cast<std::size_t>(st.runs_total - st.runs_resumed);
  std::vector<std::unique_ptr<RunState>> states;
  for (std::size_t k = 0; k < std::min(C, remaining); ++k) states.push_back(std::make_unique<RunState>(*base));
  std::vector<double> out_buf(states.size() * per_run);
  std::vector<std::uint8_t> status(states.size());
  std::vector<std::string> messages(states.size());
  std::map<std::size_t, std::shared_ptr<const Scenario>> cache;  // point -> its scenario (nullptr: does not compile)
  std::map<std::size_t, std::string> compile_errors;
  StepOptions sopt;
  sopt.check_invariants = check_every_step;
  std::vector<char> bytes;
  std::vector<std::size_t> chunk;  // shard rows of the chunk (found lazily: no list of every run)
  chunk.reserve(C);
  std::size_t cursor = 0;

  while (true) {
    if (stop && stop->load()) {
      st.interrupted = true;
      break;
    }
    chunk.clear();
    while (cursor < journal.runs() && chunk.size() < C) {
      if (!journal.done(cursor)) chunk.push_back(cursor);
      ++cursor;
    }
    if (chunk.empty()) break;
    const std::size_t count = chunk.size();
    // the scenarios of this chunk's points, compiled in parallel (about 1 ms each)
    const std::size_t oldest = first_point + chunk.front() / R;
    for (auto it = cache.begin(); it != cache.end();) it = it->first < oldest ? cache.erase(it) : std::next(it);
    for (auto it = compile_errors.begin(); it != compile_errors.end();) it = it->first < oldest ? compile_errors.erase(it) : std::next(it);
    std::vector<std::size_t> fresh_points;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t p = first_point + chunk[k] / R;
      if (!cache.count(p) && (fresh_points.empty() || fresh_points.back() != p)) fresh_points.push_back(p);
    }
    std::vector<std::shared_ptr<const Scenario>> compiled(fresh_points.size());
    std::vector<std::string> errors(fresh_points.size());
    parallel_for(fresh_points.size(), 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t q = b; q < e; ++q) {
        try {
          Diagnostics dp;
          auto sc = ex.compile_point(fresh_points[q], dp);
          if (sc) compiled[q] = std::make_shared<const Scenario>(std::move(*sc));
          else errors[q] = "the point's scenario does not compile: " + dp.format();
        } catch (const std::exception& err) {
          errors[q] = std::string("the point's scenario does not compile: ") + err.what();
        }
        if (errors[q].size() > kMaxMessage) errors[q].resize(kMaxMessage);
      }
    });
    for (std::size_t q = 0; q < fresh_points.size(); ++q) {
      cache[fresh_points[q]] = compiled[q];
      if (!compiled[q]) compile_errors[fresh_points[q]] = errors[q];
    }
    parallel_for(count, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t k = b; k < e; ++k) {
        const std::size_t row = chunk[k];
        const std::size_t p = first_point + row / R;
        const auto replicate = static_cast<std::uint32_t>(row % R);
        double* o = out_buf.data() + k * per_run;
        const Scenario* sc = cache.at(p).get();
        if (!sc) {
          status[k] = kFailed;
          messages[k] = compile_errors.at(p);
          continue;
        }
        try {
          const Rng rng(ex.point_seed(p));
          RunState& s = *states[k];
          s.reset(*sc, replicate);
          if (opt.on_run_start) opt.on_run_start(p, replicate, s);
          for (int t = 0; t < sc->steps; ++t) step(*sc, s, rng, sopt);
          check_invariants(*sc, s);  // every run ends checked: non-finite or broken state fails it
          collect(*sc, s, outcome_variables(), layout, o);
          status[k] = kOk;
        } catch (const std::exception& err) {
          status[k] = kFailed;
          messages[k] = std::string(err.what()).substr(0, kMaxMessage);
        }
      }
    });
    // one write for the chunk, records in row order
    bytes.clear();
    std::vector<std::int64_t> offsets(count);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t row = chunk[k];
      RecordHead head{kRecordTag, static_cast<std::uint32_t>(first_point + row / R), static_cast<std::uint32_t>(row % R), status[k], 0};
      const char* payload = status[k] == kOk ? reinterpret_cast<const char*>(out_buf.data() + k * per_run) : messages[k].data();
      head.payload = status[k] == kOk ? per_run * sizeof(double) : messages[k].size();
      const std::uint64_t sum = checksum(&head, sizeof head, payload, head.payload);
      offsets[k] = journal.end() + static_cast<std::int64_t>(bytes.size());
      bytes.insert(bytes.end(), reinterpret_cast<const char*>(&head), reinterpret_cast<const char*>(&head) + sizeof head);
      bytes.insert(bytes.end(), payload, payload + head.payload);
      bytes.insert(bytes.end(), reinterpret_cast<const char*>(&sum), reinterpret_cast<const char*>(&sum) + sizeof sum);
    }
    journal.append(bytes);
    journal.advance(static_cast<std::int64_t>(bytes.size()));
    for (std::size_t k = 0; k < count; ++k) {
      journal.mark(chunk[k], offsets[k]);
      st.runs_failed += status[k] != kOk;
    }
    // a point with runs in this chunk was not done before it; count those it completes
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t p = chunk[k] / R;
      if ((k == 0 || chunk[k - 1] / R != p) && point_done(p)) ++st.points_done;
    }
    st.runs_done += static_cast<std::int64_t>(count);
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (progress) progress(st);
  }
  if (st.interrupted) {
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return st;
  }

  // every run is in the journal: the file (synced), then the journal goes
  const auto w0 = std::chrono::steady_clock::now();
  {
    JournalSource src(journal, per_run);
    FileInfo info = info_of(ex, *base, opt.shard, opt.shards);
    info.check_every_step = check_every_step;
    st.writing = true;
    write_results(out, info, src, meta, "", [&](std::size_t done, std::size_t total) {
      st.rows_written = static_cast<std::int64_t>(done);
      (void)total;
      st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (progress) progress(st);
    });
    st.writing = false;
    h5::Handle f = h5::open_file_read(out);
    std::int64_t failed = 0;
    h5::read_attr_int(f.id(), "failed_runs", failed);
    st.runs_failed = failed;  // failures among resumed runs too
  }
  journal.remove();
  const auto t1 = std::chrono::steady_clock::now();
  st.write_seconds = std::chrono::duration<double>(t1 - w0).count();
  st.seconds = std::chrono::duration<double>(t1 - t0).count();
  return st;
}

// ---------------------------------------------------------------------------------------------
// replay and merge: from files alone
// ---------------------------------------------------------------------------------------------

namespace {

FileInfo read_info(const std::string& path, hid_t root) {
  if (h5::read_attr_string(root, "kind") != "experiment")
    throw BatchError("'" + path + "' is not a batch experiment file (written by sixparty batch)");
  FileInfo f;
  h5::Handle g = h5::open_group(root, "experiment");
  f.name = h5::read_attr_string(g.id(), "name");
  f.description = h5::read_attr_string(g.id(), "description");
  f.experiment_file = h5::read_attr_string(g.id(), "file");
  f.experiment_text = h5::read_attr_string(g.id(), "yaml");
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
  f.scenario_resolved = h5::read_attr_strings(g.id(), "scenario_resolved");
  f.outcomes = h5::read_attr_strings(g.id(), "outcomes");
  f.actor_names = h5::read_attr_strings(g.id(), "actor_names");
  f.dimensions = h5::read_attr_strings(g.id(), "dimensions");
  f.resources = h5::read_attr_strings(g.id(), "resources");
  f.check_every_step = h5::read_attr_string(g.id(), "invariant_checks") == "every step";
  h5::Handle d = h5::open_group(root, "design");
  f.factor_names = h5::read_strings(d.id(), "factor");
  f.factor_paths = h5::read_strings(d.id(), "factor_path");
  f.factor_distributions = h5::read_strings(d.id(), "factor_distribution");
  f.factor_lower = h5::read_doubles(d.id(), "factor_lower");
  f.factor_upper = h5::read_doubles(d.id(), "factor_upper");
  const std::size_t k = f.factor_names.size();
  if (k == 0 || k > ExperimentLimits::max_factors || f.factor_paths.size() != k || f.factor_distributions.size() != k ||
      f.factor_lower.size() != k || f.factor_upper.size() != k || f.points * k > static_cast<std::size_t>(ExperimentLimits::max_design_cells))
    throw BatchError("'" + path + "': /design's factor tables are inconsistent");
  f.unit = h5::read_doubles(d.id(), "unit");
  f.scenario = h5::read_ints(d.id(), "scenario");
  f.seed_of = h5::read_ints(d.id(), "seed");
  f.role = h5::read_ints(d.id(), "role");
  f.group = h5::read_ints(d.id(), "group");
  f.values.assign(f.points * k, kNaN);
  for (std::size_t i = 0; i < k; ++i) {
    const auto col = h5::read_doubles(d.id(), f.factor_names[i]);
    if (col.size() != f.points) throw BatchError("'" + path + "': /design/" + f.factor_names[i] + " has the wrong length");
    for (std::size_t p = 0; p < f.points; ++p) f.values[p * k + i] = col[p];
  }
  if (f.factor_paths.size() != k || f.unit.size() != f.points * k || f.scenario.size() != f.points || f.seed_of.size() != f.points ||
      f.role.size() != f.points || f.group.size() != f.points)
    throw BatchError("'" + path + "': /design has inconsistent lengths");
  h5::Handle rg = h5::open_group(root, "runs");
  f.actor_ids = h5::read_strings(rg.id(), "actor");
  if (f.actor_names.size() != f.actor_ids.size()) throw BatchError("'" + path + "': actor names do not match the actors");
  return f;
}

}  // namespace

ReplayPlan plan_replay(const ReplayRequest& req) {
  h5::Handle file = h5::open_file_read(req.file);
  const FileInfo f = read_info(req.file, file.id());
  if (req.point >= f.points)
    throw BatchError("point " + std::to_string(req.point) + " is not in '" + req.file + "'; expected 0 to " + std::to_string(f.points - 1));
  if (req.replicate < 0 || req.replicate >= f.runs_per_point)
    throw BatchError("run " + std::to_string(req.replicate) + " is not in point " + std::to_string(req.point) + "; expected 0 to " +
                     std::to_string(f.runs_per_point - 1));
  const auto s = static_cast<std::size_t>(f.scenario[req.point]);
  if (s >= f.scenario_resolved.size()) throw BatchError("'" + req.file + "': the point's scenario is missing");
  Diagnostics diags;
  LoadedDocument doc;
  const std::string where = req.file + ":/experiment/scenario_resolved[" + std::to_string(s) + "]";
  doc.tree = parse_tree(f.scenario_resolved[s], where, diags);
  doc.files = {where};
  doc.texts = {f.scenario_resolved[s]};
  std::vector<std::string> overrides;
  const std::size_t k = f.factor_names.size();
  for (std::size_t i = 0; i < k; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", f.values[req.point * k + i]);
    overrides.push_back(f.factor_paths[i] + "=" + buf);
  }
  std::optional<Scenario> sc;
  if (!diags.has_errors()) sc = compile_document(doc, overrides, diags);
  if (!sc) throw BatchError("the scenario of point " + std::to_string(req.point) + " does not compile:\n" + diags.format());
  ReplayPlan plan{std::move(*sc), static_cast<std::uint64_t>(f.seed_of[req.point]), req.replicate, ""};
  // the failure the batch recorded, if any
  if (h5::exists(file.id(), "failures")) {
    h5::Handle g = h5::open_group(file.id(), "failures");
    const auto pts = h5::read_ints(g.id(), "point");
    const auto reps = h5::read_ints(g.id(), "replicate");
    std::vector<std::string> msgs;
    for (std::size_t i = 0; i < pts.size() && i < reps.size(); ++i)
      if (pts[i] == static_cast<std::int64_t>(req.point) && reps[i] == req.replicate) {
        if (msgs.empty()) msgs = h5::read_strings(g.id(), "message", 100'000'000);
        if (i < msgs.size()) plan.failure = msgs[i];
      }
  }
  return plan;
}

namespace {

// rows of several shard files, which together cover the experiment's points in order
class ShardSource : public RowSource {
 public:
  ShardSource(const std::vector<std::pair<FileInfo, std::string>>& shards, std::size_t per_run, const Scenario& shape)
      : per_run_(per_run), columns_(outcome_columns(shape)), n_(shape.actor_ids.size()), start_(column_starts(columns_, n_)) {
    for (const auto& [info, path] : shards) {
      Part part;
      part.file = h5::open_file_read(path);
      part.first_row = info.first_point * static_cast<std::size_t>(info.runs_per_point);
      part.rows = (info.end_point - info.first_point) * static_cast<std::size_t>(info.runs_per_point);
      part.path = path;
      h5::Handle g = h5::open_group(part.file.id(), "runs");
      part.status = h5::open_dataset(g.id(), "status");
      for (const auto& c : columns_) part.sets.push_back(h5::open_dataset(g.id(), c.name));
      if (h5::exists(part.file.id(), "failures")) {
        h5::Handle fg = h5::open_group(part.file.id(), "failures");
        const auto pts = h5::read_ints(fg.id(), "point");
        const auto reps = h5::read_ints(fg.id(), "replicate");
        const auto msgs = h5::read_strings(fg.id(), "message", 100'000'000);
        for (std::size_t i = 0; i < pts.size() && i < reps.size() && i < msgs.size(); ++i)
          part.messages[static_cast<std::size_t>(pts[i]) * static_cast<std::size_t>(info.runs_per_point) + static_cast<std::size_t>(reps[i])] = msgs[i];
      }
      parts_.push_back(std::move(part));
    }
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
      const hsize_t local = row - part->first_row;
      std::vector<std::int64_t> st(take);
      h5::read_int_slab(part->status.id(), local, take, st.data());
      std::vector<double> col(take * n_);
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        const auto& oc = columns_[c];
        h5::read_slab(part->sets[c].id(), {local, 0}, {take, n_}, col.data());
        for (std::size_t r = 0; r < take; ++r)
          for (std::size_t i = 0; i < n_; ++i) values[(done + r) * per_run_ + start_[c] + i * oc.seconds + oc.second] = col[r * n_ + i];
      }
      for (std::size_t r = 0; r < take; ++r) {
        status[done + r] = static_cast<std::uint8_t>(st[r]);
        auto it = part->messages.find(row + r);
        messages[done + r] = it == part->messages.end() ? "" : it->second;
      }
      done += take;
    }
  }

 private:
  struct Part {
    h5::Handle file, status;
    std::vector<h5::Handle> sets;
    std::size_t first_row = 0, rows = 0;
    std::string path;
    std::map<std::size_t, std::string> messages;
  };
  std::size_t per_run_;
  std::vector<OutcomeColumn> columns_;
  std::size_t n_;
  std::vector<std::size_t> start_;
  std::vector<Part> parts_;
};

}  // namespace

void merge_shards(const std::vector<std::string>& paths, const std::string& out, const RunMetadata& meta) {
  if (paths.empty()) throw BatchError("no shard files given");
  std::vector<std::pair<FileInfo, std::string>> shards;
  for (const auto& p : paths) {
    h5::Handle f;
    try {
      f = h5::open_file_read(p);
    } catch (const h5::Error& e) {
      throw BatchError("cannot read the shard '" + p + "': " + e.what());  // bad input (exit 2), not a write error
    }
    if (h5::read_attr_string(f.id(), "status") != "complete") throw BatchError("'" + p + "' is not a complete batch file");
    try {
      shards.emplace_back(read_info(p, f.id()), p);
    } catch (const h5::Error& e) {
      throw BatchError("'" + p + "' is not a readable batch file: " + e.what());
    }
    if (shards.size() > 1) {  // the design is taken from the first shard; keep only the others' sizes
      FileInfo& info = shards.back().first;
      for (auto* v : {&info.unit, &info.values}) std::vector<double>().swap(*v);
      for (auto* v : {&info.scenario, &info.role, &info.group, &info.seed_of}) std::vector<std::int64_t>().swap(*v);
    }
  }
  const FileInfo& a = shards.front().first;
  std::vector<bool> seen(a.shards, false);
  for (const auto& [info, path] : shards) {
    if (info.fingerprint != a.fingerprint || info.shards != a.shards || info.points != a.points || info.runs_per_point != a.runs_per_point ||
        info.check_every_step != a.check_every_step)
      throw BatchError("'" + path + "' belongs to another experiment (or another split) than '" + shards.front().second + "'");
    if (seen[info.shard]) throw BatchError("shard " + std::to_string(info.shard + 1) + "/" + std::to_string(info.shards) + " is given twice");
    seen[info.shard] = true;
  }
  for (std::size_t s = 0; s < a.shards; ++s)
    if (!seen[s]) throw BatchError("shard " + std::to_string(s + 1) + "/" + std::to_string(a.shards) + " is missing; expected all " + std::to_string(a.shards));
  FileInfo merged = a;  // the first file given holds the whole design (a copy: the sort moves it)
  std::sort(shards.begin(), shards.end(), [](const auto& x, const auto& y) { return x.first.shard < y.first.shard; });
  merged.shard = 0;
  merged.shards = 1;
  merged.first_point = 0;
  merged.end_point = merged.points;
  const Scenario shape = shape_only(merged);
  const std::size_t per_run = outcome_columns(shape).size() * shape.actor_ids.size();
  ShardSource src(shards, per_run, shape);
  std::string from;
  for (const auto& [info, path] : shards) from += (from.empty() ? "" : " ") + path;
  write_results(out, merged, src, meta, from);
}

}  // namespace sixparty
