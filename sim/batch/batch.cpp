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
#include <optional>
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

// what the coordinator and the farm's workers both derive from the experiment: a scenario with
// the world's shape, the record layout, the file's description and its row width
struct BatchPlan {
  std::optional<Scenario> base;
  std::unique_ptr<RecordLayout> layout;
  BatchFileInfo info;
  std::size_t width = 0;
  StepOptions sopt;

  BatchPlan(const Experiment& ex, const BatchOptions& opt) {
#ifndef NDEBUG
    const bool check_every_step = true;
#else
    const bool check_every_step = opt.check_invariants;
#endif
    Diagnostics d0;
    base = compile_document(ex.documents.front(), {}, d0, false);
    if (!base) throw BatchError("the experiment's first scenario does not compile:\n" + d0.format());
    layout = std::make_unique<RecordLayout>(*base, outcome_variables());
    info = batch_file_info(ex, *base, opt.shard, opt.shards);
    info.check_every_step = check_every_step;
    experiment_draws(ex, info.draw_names, info.draw_units);
    width = row_width(info);  // outcomes (layout.per_step), then draws, then series
    sopt.check_invariants = check_every_step;
  }
};

void allocate(ChunkBuffers& buf, const Scenario& base, std::size_t slots, std::size_t width) {
  while (buf.states.size() < slots) buf.states.push_back(std::make_unique<RunState>(base));
  buf.values.resize(slots * width);
  buf.status.resize(slots);
  buf.messages.resize(slots);
}

// a chunk task: the shard's first point (a check), the chunk's rows; its result: the rows'
// statuses, values (rows x width) and messages (empty for runs that finished)
void write_chunk_task(Bytes& out, std::size_t first_point, const std::vector<std::size_t>& rows) {
  ByteWriter w(out);
  w.put<std::uint64_t>(first_point);
  std::vector<std::uint64_t> r(rows.begin(), rows.end());
  w.put_array(r.data(), r.size());
}

}  // namespace

BatchStatus run_batch(const Experiment& ex, const std::string& out, const BatchOptions& opt, const RunMetadata& meta,
                      const std::function<void(const BatchStatus&)>& progress, const std::atomic<bool>* stop) {
  const auto t0 = Clock::now();
  check_shard(ex, opt);
  // (not a structured binding: lambdas below capture first_point, which clang 14 refuses)
  const auto range = shard_points(ex.points(), opt.shard, opt.shards);
  const std::size_t first_point = range.first, end_point = range.second;
  const std::size_t R = static_cast<std::size_t>(ex.runs_per_point);

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

  const BatchPlan plan(ex, opt);
  const BatchFileInfo& info = plan.info;
  const std::size_t width = plan.width;
  if (static_cast<double>(R) * static_cast<double>(width - series_offset(info)) * 8 > 4.0 * (1u << 30))
    throw BatchError("the series of a point's " + std::to_string(R) + " runs would need more than 4 GiB while its quantiles are computed; "
                     "expected fewer runs per point or fewer series");

  Journal journal(st.journal, journal_header(ex.fingerprint, opt.shard, opt.shards, first_point, end_point, R, width, plan.sopt.check_invariants));
  st.runs_resumed = journal.open(opt.fresh);
  st.runs_done = st.runs_resumed;
  const auto point_done = [&](std::size_t p) {
    for (std::size_t r = 0; r < R; ++r)
      if (!journal.done(p * R + r)) return false;
    return true;
  };
  for (std::size_t p = 0; p < st.points_total; ++p) st.points_done += point_done(p);

  const std::size_t missing = static_cast<std::size_t>(st.runs_total - st.runs_resumed);
  const std::size_t C = opt.farm ? farm_chunk_runs(missing, opt.farm->workers(), opt.chunk_runs) : std::max<std::size_t>(1, opt.chunk_runs);
  std::size_t cursor = 0;  // the next shard row to look at (chunks are found lazily: no list of every run)
  const auto next_chunk = [&](std::vector<std::size_t>& chunk) {
    chunk.clear();
    for (; cursor < journal.runs() && chunk.size() < C; ++cursor)
      if (!journal.done(cursor)) chunk.push_back(cursor);
    return !chunk.empty();
  };
  // a finished chunk: one journal write, the counts, progress
  const auto record = [&](const std::vector<std::size_t>& chunk, const ChunkBuffers& buf) {
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
  };
  const auto stopped = [&] { return stop && stop->load(); };

  ChunkBuffers buf;
  std::vector<std::size_t> chunk;
  chunk.reserve(C);
  if (!opt.farm) {
    // the missing runs, a chunk at a time: run, one journal write, progress
    allocate(buf, *plan.base, std::min(C, missing), width);
    PointScenarios points(ex, info.draw_names);
    while (!stopped() && next_chunk(chunk)) {
      points.prepare(chunk, first_point, R);
      run_chunk(ex, chunk, first_point, points, *plan.layout, width, series_offset(info), plan.sopt, opt, buf);
      record(chunk, buf);
    }
  } else {
    // chunks go to the workers, two in flight each (one running, one queued), and are written
    // to the journal as they come back, in any order: the file is assembled from the journal in
    // row order, so it does not depend on which worker ran what, or when
    Farm& farm = *opt.farm;
    std::map<std::size_t, std::vector<std::size_t>> in_flight;  // first row -> the chunk's rows
    std::vector<std::size_t> per_worker(farm.workers(), 0);
    std::string failure;
    Bytes msg;
    const auto top_up = [&] {
      for (std::size_t w = 0; w < per_worker.size(); ++w)
        while (per_worker[w] < 2 && failure.empty() && !stopped() && next_chunk(chunk)) {
          write_chunk_task(msg, first_point, chunk);
          farm.send(w, msg);
          ++per_worker[w];
          in_flight.emplace(chunk.front(), chunk);
        }
    };
    top_up();
    while (!in_flight.empty()) {
      const std::size_t w = farm.receive(msg);
      --per_worker[w];
      ByteReader r(msg);
      const auto first_row = static_cast<std::size_t>(r.get<std::uint64_t>());
      const auto it = in_flight.find(first_row);
      if (it == in_flight.end()) throw std::runtime_error("a farm worker returned a chunk that was not asked for");
      const std::vector<std::size_t> rows = std::move(it->second);
      in_flight.erase(it);
      if (r.get<std::uint8_t>() != 0) {
        if (failure.empty()) failure = r.get_string();
        continue;
      }
      buf.status.resize(rows.size());
      buf.values.resize(rows.size() * width);
      buf.messages.resize(rows.size());
      r.get_array(buf.status.data(), rows.size());
      r.get_array(buf.values.data(), rows.size() * width);
      for (auto& m : buf.messages) m = r.get_string();
      if (failure.empty()) record(rows, buf);
      top_up();
    }
    if (!failure.empty()) throw std::runtime_error("a farm worker failed: " + failure + "; finished runs stay in '" + st.journal + "'");
  }
  if (stopped() && st.runs_done < st.runs_total) {
    st.interrupted = true;
    st.seconds = seconds_since(t0);
    return st;
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

std::size_t farm_chunk_runs(std::size_t runs, std::size_t workers, std::size_t chunk_runs) {
  const std::size_t per = (runs + 8 * std::max<std::size_t>(1, workers) - 1) / (8 * std::max<std::size_t>(1, workers));
  return std::clamp<std::size_t>(per, 1, std::max<std::size_t>(1, chunk_runs));
}

void serve_batch(const Experiment& ex, const BatchOptions& opt, FarmWorker& worker) {
  // (the coordinator checks the shard; a bad one sends no task, only the end of the work)
  const std::size_t first_point = shard_points(ex.points(), opt.shard, opt.shards).first;
  const std::size_t R = static_cast<std::size_t>(ex.runs_per_point);
  std::unique_ptr<BatchPlan> plan;
  std::unique_ptr<PointScenarios> points;
  ChunkBuffers buf;
  Bytes task, result;
  while (worker.receive(task)) {
    ByteReader r(task);
    const auto fp = r.get<std::uint64_t>();
    const auto rows64 = r.get_vector<std::uint64_t>();
    const std::vector<std::size_t> chunk(rows64.begin(), rows64.end());
    ByteWriter w(result);
    w.put<std::uint64_t>(chunk.empty() ? 0 : chunk.front());
    try {
      if (fp != first_point || chunk.empty()) throw std::runtime_error("a chunk of another shard (are all ranks running the same command?)");
      if (!plan) {
        plan = std::make_unique<BatchPlan>(ex, opt);
        points = std::make_unique<PointScenarios>(ex, plan->info.draw_names);
      }
      allocate(buf, *plan->base, chunk.size(), plan->width);
      points->prepare(chunk, first_point, R);
      run_chunk(ex, chunk, first_point, *points, *plan->layout, plan->width, series_offset(plan->info), plan->sopt, opt, buf);
      w.put<std::uint8_t>(0);
      w.put_array(buf.status.data(), chunk.size());
      w.put_array(buf.values.data(), chunk.size() * plan->width);
      for (std::size_t k = 0; k < chunk.size(); ++k) w.put_string(buf.status[k] == kRunOk ? std::string() : buf.messages[k]);
    } catch (const std::exception& e) {
      ByteWriter f(result);
      f.put<std::uint64_t>(chunk.empty() ? 0 : chunk.front());
      f.put<std::uint8_t>(1);
      f.put_string(e.what());
    }
    worker.send(result);
  }
}

}  // namespace sixparty
