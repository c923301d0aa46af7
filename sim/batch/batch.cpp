#include "batch/batch.hpp"

#include "batch/journal.hpp"
#include "core/files.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "engine/run.hpp"
#include "engine/step.hpp"
#include "experiment/record.hpp"
#include "scenario/load.hpp"
#include "state/run_state.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <system_error>

namespace sixparty {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void check_shard(const Experiment& ex, const BatchOptions& opt) {
  if (opt.shards < 1 || opt.shard >= opt.shards) throw BatchError("shard " + std::to_string(opt.shard + 1) + " of " + std::to_string(opt.shards) + " does not exist");
  if (opt.shards > ex.points())
    throw BatchError(std::to_string(opt.shards) + " shards of " + std::to_string(ex.points()) + " points would leave shards empty; expected at most " +
                     std::to_string(ex.points()) + " shards");
}

// the output's lock (held for the whole batch); stale temporaries of killed batches go
std::unique_ptr<files::OutputLock> lock_output(const std::string& out) {
  std::error_code ec;
  if (fs::is_directory(out, ec)) throw BatchError("'" + out + "' is a directory; expected a file path for -o");
  std::unique_ptr<files::OutputLock> lock;
  try {
    lock = std::make_unique<files::OutputLock>(out);
  } catch (const files::Busy&) {
    throw BatchError("another sixparty batch is writing this output (it holds '" + out + ".lock'); expected one batch per output file");
  } catch (const files::WriteError& e) {
    throw std::system_error(errno, std::generic_category(), e.what());
  }
  files::remove_stale_temporaries(out, {".", ".journal."});
  return lock;
}

// true when `out` already is the finished file of this shard (then nothing is to be done); an
// existing file of anything else is an error unless a journal says a batch is under way
bool already_complete(const Experiment& ex, const std::string& out, const BatchOptions& opt, const std::string& journal) {
  std::error_code ec;
  if (opt.fresh || !fs::exists(out, ec)) return false;
  std::uint64_t fp = 0;
  std::int64_t shard = -1, shards = -1;
  if (complete_batch_file(out, fp, shard, shards) && fp == ex.fingerprint && shard == static_cast<std::int64_t>(opt.shard) &&
      shards == static_cast<std::int64_t>(opt.shards)) {
    fs::remove(journal, ec);  // a stale journal of the same experiment (e.g. an interrupted --fresh)
    return true;
  }
  if (!fs::exists(journal, ec))
    throw BatchError("'" + out + "' exists and is not a finished file of this experiment; expected a new path, or --fresh to overwrite it");
  return false;
}

// the compiled scenarios of the points a chunk needs, compiled in parallel (about 1 ms each);
// a point whose scenario does not compile keeps its message and fails its runs
class PointScenarios {
 public:
  // draw_names: the experiment's uncertain inputs, the columns of /draws
  PointScenarios(const Experiment& ex, const std::vector<std::string>& draw_names) : ex_(ex), draw_names_(draw_names) {}

  // compiles the points of `chunk` (rows of the shard) not yet known, forgets those before it
  void prepare(const std::vector<std::size_t>& chunk, std::size_t first_point, std::size_t R) {
    const std::size_t oldest = first_point + chunk.front() / R;
    for (auto it = cache_.begin(); it != cache_.end();) it = it->first < oldest ? cache_.erase(it) : std::next(it);
    for (auto it = errors_.begin(); it != errors_.end();) it = it->first < oldest ? errors_.erase(it) : std::next(it);
    for (auto it = draw_columns_.begin(); it != draw_columns_.end();) it = it->first < oldest ? draw_columns_.erase(it) : std::next(it);
    std::vector<std::size_t> fresh;
    for (std::size_t row : chunk) {
      const std::size_t p = first_point + row / R;
      if (!cache_.count(p) && (fresh.empty() || fresh.back() != p)) fresh.push_back(p);
    }
    std::vector<std::shared_ptr<const Scenario>> compiled(fresh.size());
    std::vector<std::vector<std::size_t>> columns(fresh.size());
    std::vector<std::string> errors(fresh.size());
    parallel_for(fresh.size(), 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t q = b; q < e; ++q) {
        try {
          Diagnostics dp;
          auto sc = ex_.compile_point(fresh[q], dp);
          if (sc) {
            // where each of the point's draws goes among the experiment's (a factor only removes)
            if (sc->uncertainty.any())
              for (const auto& name : uncertainty_names(*sc))
                columns[q].push_back(static_cast<std::size_t>(std::find(draw_names_.begin(), draw_names_.end(), name) - draw_names_.begin()));
            compiled[q] = std::make_shared<const Scenario>(std::move(*sc));
          } else {
            errors[q] = "the point's scenario does not compile: " + dp.format();
          }
        } catch (const std::exception& err) {
          errors[q] = std::string("the point's scenario does not compile: ") + err.what();
        }
        if (errors[q].size() > kMaxRunMessage) errors[q].resize(kMaxRunMessage);
      }
    });
    for (std::size_t q = 0; q < fresh.size(); ++q) {
      cache_[fresh[q]] = compiled[q];
      draw_columns_[fresh[q]] = std::move(columns[q]);
      if (!compiled[q]) errors_[fresh[q]] = errors[q];
    }
  }
  const Scenario* scenario(std::size_t point) const { return cache_.at(point).get(); }
  // the /draws column of each of the point's draws, in the order of uncertainty_names()
  const std::vector<std::size_t>& draw_columns(std::size_t point) const { return draw_columns_.at(point); }
  const std::string& error(std::size_t point) const { return errors_.at(point); }

 private:
  const Experiment& ex_;
  const std::vector<std::string>& draw_names_;
  std::map<std::size_t, std::shared_ptr<const Scenario>> cache_;  // point -> its scenario (nullptr: does not compile)
  std::map<std::size_t, std::vector<std::size_t>> draw_columns_;
  std::map<std::size_t, std::string> errors_;
};

// the uncertain inputs of the experiment's scenarios, in order of first appearance, and their
// units: the columns of /draws (each point draws those of its scenario that no factor fixes)
void experiment_draws(const Experiment& ex, std::vector<std::string>& names, std::vector<std::string>& units) {
  for (std::size_t s = 0; s < ex.documents.size(); ++s) {
    Diagnostics d;
    const auto sc = compile_document(ex.documents[s], ex.entry_sets[s], d, false);
    if (!sc || !sc->uncertainty.any()) continue;
    const auto n = uncertainty_names(*sc);
    const auto u = uncertainty_units(*sc);
    for (std::size_t k = 0; k < n.size(); ++k)
      if (std::find(names.begin(), names.end(), n[k]) == names.end()) {
        names.push_back(n[k]);
        units.push_back(u[k]);
      }
  }
}

// the runs of one chunk, in parallel, into its buffers
struct ChunkBuffers {
  std::vector<std::unique_ptr<RunState>> states;
  std::vector<double> values;  // runs x per_run
  std::vector<std::uint8_t> status;
  std::vector<std::string> messages;
};

// a run's row: its outcome values (layout), then its draws in the experiment's columns (NaN where
// the point does not draw one), then its declared series at every step, width values in all
void run_chunk(const Experiment& ex, const std::vector<std::size_t>& chunk, std::size_t first_point, const PointScenarios& points,
               const RecordLayout& layout, std::size_t width, std::size_t series_at, const StepOptions& sopt, const BatchOptions& opt,
               ChunkBuffers& buf) {
  const std::size_t R = static_cast<std::size_t>(ex.runs_per_point), per_run = layout.per_step;
  parallel_for(chunk.size(), 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      const std::size_t p = first_point + chunk[k] / R;
      const auto replicate = static_cast<std::uint32_t>(chunk[k] % R);
      const Scenario* sc = points.scenario(p);
      if (!sc) {
        buf.status[k] = kRunFailed;
        buf.messages[k] = points.error(p);
        continue;
      }
      try {
        const Rng rng(ex.point_seed(p));
        RunState& s = *buf.states[k];
        double* row = buf.values.data() + k * width;
        // the declared series, step by step, after the draws (series_at)
        const std::size_t T = ex.series.empty() ? 0 : static_cast<std::size_t>(sc->steps);
        run_one(*sc, s, replicate, rng, sopt, [&](RunState& fresh) {
          if (opt.on_run_start) opt.on_run_start(p, replicate, fresh);
        }, [&](int t, const RunState& now) {
          for (std::size_t j = 0; j < ex.series.size(); ++j)
            if (static_cast<std::size_t>(t) < T)
              row[series_at + j * T + static_cast<std::size_t>(t)] = step_variables()[ex.series[j].variable].get(*sc, now, ex.series[j].actor, 0);
        });
        check_invariants(*sc, s);  // every run ends checked: non-finite or broken state fails it
        collect(*sc, s, outcome_variables(), layout, row);
        std::fill(row + per_run, row + series_at, std::numeric_limits<double>::quiet_NaN());
        if (sc->uncertainty.any()) {
          const auto& cols = points.draw_columns(p);
          for (std::size_t m = 0; m < cols.size() && m < s.draws.size(); ++m)
            if (per_run + cols[m] < width) row[per_run + cols[m]] = s.draws[m];
        }
        buf.status[k] = kRunOk;
      } catch (const std::exception& err) {
        buf.status[k] = kRunFailed;
        buf.messages[k] = std::string(err.what()).substr(0, kMaxRunMessage);
      }
    }
  });
}

}  // namespace

BatchStatus run_batch(const Experiment& ex, const std::string& out, const BatchOptions& opt, const RunMetadata& meta,
                      const std::function<void(const BatchStatus&)>& progress, const std::atomic<bool>* stop) {
  const auto t0 = Clock::now();
  check_shard(ex, opt);
  const auto [first_point, end_point] = shard_points(ex.points(), opt.shard, opt.shards);
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
  const auto lock = lock_output(out);
  if (already_complete(ex, out, opt, st.journal)) {
    st.already_complete = true;
    st.runs_done = st.runs_total;
    st.points_done = st.points_total;
    return st;
  }

  // a scenario with the world's shape, for layouts and the run states
  Diagnostics d0;
  auto base = compile_document(ex.documents.front(), {}, d0, false);
  if (!base) throw BatchError("the experiment's first scenario does not compile:\n" + d0.format());
  const RecordLayout layout(*base, outcome_variables());
  BatchFileInfo info = batch_file_info(ex, *base, opt.shard, opt.shards);
  info.check_every_step = check_every_step;
  experiment_draws(ex, info.draw_names, info.draw_units);
  const std::size_t width = row_width(info);  // outcomes (layout.per_step), then draws, then series
  if (static_cast<double>(R) * static_cast<double>(width - series_offset(info)) * 8 > 4.0 * (1u << 30))
    throw BatchError("the series of a point's " + std::to_string(R) + " runs would need more than 4 GiB while its quantiles are computed; "
                     "expected fewer runs per point or fewer series");

  Journal journal(st.journal, journal_header(ex.fingerprint, opt.shard, opt.shards, first_point, end_point, R, width, check_every_step));
  st.runs_resumed = journal.open(opt.fresh);
  st.runs_done = st.runs_resumed;
  const auto point_done = [&](std::size_t p) {
    for (std::size_t r = 0; r < R; ++r)
      if (!journal.done(p * R + r)) return false;
    return true;
  };
  for (std::size_t p = 0; p < st.points_total; ++p) st.points_done += point_done(p);

  // the missing runs, a chunk at a time: run, one journal write, progress
  const std::size_t C = std::max<std::size_t>(1, opt.chunk_runs);
  const std::size_t slots = std::min(C, static_cast<std::size_t>(st.runs_total - st.runs_resumed));
  ChunkBuffers buf;
  for (std::size_t k = 0; k < slots; ++k) buf.states.push_back(std::make_unique<RunState>(*base));
  buf.values.resize(slots * width);
  buf.status.resize(slots);
  buf.messages.resize(slots);
  PointScenarios points(ex, info.draw_names);
  StepOptions sopt;
  sopt.check_invariants = check_every_step;
  std::vector<std::size_t> chunk;  // shard rows of the chunk (found lazily: no list of every run)
  chunk.reserve(C);
  for (std::size_t cursor = 0;;) {
    if (stop && stop->load()) {
      st.interrupted = true;
      st.seconds = seconds_since(t0);
      return st;
    }
    chunk.clear();
    for (; cursor < journal.runs() && chunk.size() < C; ++cursor)
      if (!journal.done(cursor)) chunk.push_back(cursor);
    if (chunk.empty()) break;
    points.prepare(chunk, first_point, R);
    run_chunk(ex, chunk, first_point, points, layout, width, series_offset(info), sopt, opt, buf);
    journal.append(chunk, buf.status.data(), buf.values.data(), buf.messages);  // records in row order
    for (std::size_t k = 0; k < chunk.size(); ++k) st.runs_failed += buf.status[k] != kRunOk;
    // a point with runs in this chunk was not done before it; count those it completes
    for (std::size_t k = 0; k < chunk.size(); ++k) {
      const std::size_t p = chunk[k] / R;
      if ((k == 0 || chunk[k - 1] / R != p) && point_done(p)) ++st.points_done;
    }
    st.runs_done += static_cast<std::int64_t>(chunk.size());
    st.seconds = seconds_since(t0);
    if (progress) progress(st);
  }

  // every run is in the journal: the file (synced), then the journal goes
  const auto w0 = Clock::now();
  JournalSource src(journal, width);
  st.writing = true;
  write_batch_file(out, info, src, meta, "", [&](std::size_t done, std::size_t) {
    st.rows_written = static_cast<std::int64_t>(done);
    st.seconds = seconds_since(t0);
    if (progress) progress(st);
  });
  st.writing = false;
  st.runs_failed = batch_file_failed_runs(out);  // failures among resumed runs too
  if (st.runs_failed > 0) st.empty_points = batch_file_empty_points(out);
  journal.remove();
  st.write_seconds = seconds_since(w0);
  st.seconds = seconds_since(t0);
  return st;
}

}  // namespace sixparty
