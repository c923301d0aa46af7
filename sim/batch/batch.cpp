#include "batch/batch.hpp"

#include "batch/journal.hpp"
#include "core/files.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "engine/run.hpp"
#include "experiment/record.hpp"
#include "scenario/load.hpp"
#include "state/run_state.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <system_error>

namespace sixparty {

namespace fs = std::filesystem;

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
  std::optional<files::OutputLock> lock;
  try {
    lock.emplace(out);
  } catch (const files::Busy&) {
    throw BatchError("another sixparty batch is writing this output (it holds '" + out + ".lock'); expected one batch per output file");
  } catch (const files::WriteError& e) {
    throw std::system_error(errno, std::generic_category(), e.what());
  }
  files::remove_stale_temporaries(out, {".", ".journal."});
  if (!opt.fresh && fs::exists(out, ec)) {
    std::uint64_t fp = 0;
    std::int64_t shard = -1, shards = -1;
    if (complete_batch_file(out, fp, shard, shards) && fp == ex.fingerprint && shard == static_cast<std::int64_t>(opt.shard) &&
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

  Journal journal(st.journal, journal_header(ex.fingerprint, opt.shard, opt.shards, first_point, end_point, R, per_run, check_every_step));
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
        if (errors[q].size() > kMaxRunMessage) errors[q].resize(kMaxRunMessage);
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
          status[k] = kRunFailed;
          messages[k] = compile_errors.at(p);
          continue;
        }
        try {
          const Rng rng(ex.point_seed(p));
          RunState& s = *states[k];
          run_one(*sc, s, replicate, rng, sopt, [&](RunState& fresh) {
            if (opt.on_run_start) opt.on_run_start(p, replicate, fresh);
          });
          check_invariants(*sc, s);  // every run ends checked: non-finite or broken state fails it
          collect(*sc, s, outcome_variables(), layout, o);
          status[k] = kRunOk;
        } catch (const std::exception& err) {
          status[k] = kRunFailed;
          messages[k] = std::string(err.what()).substr(0, kMaxRunMessage);
        }
      }
    });
    // one write for the chunk, records in row order
    journal.append(chunk, status.data(), out_buf.data(), messages);
    for (std::size_t k = 0; k < count; ++k) st.runs_failed += status[k] != kRunOk;
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
    BatchFileInfo info = batch_file_info(ex, *base, opt.shard, opt.shards);
    info.check_every_step = check_every_step;
    st.writing = true;
    write_batch_file(out, info, src, meta, "", [&](std::size_t done, std::size_t total) {
      st.rows_written = static_cast<std::int64_t>(done);
      (void)total;
      st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (progress) progress(st);
    });
    st.writing = false;
    st.runs_failed = batch_file_failed_runs(out);  // failures among resumed runs too
  }
  journal.remove();
  const auto t1 = std::chrono::steady_clock::now();
  st.write_seconds = std::chrono::duration<double>(t1 - w0).count();
  st.seconds = std::chrono::duration<double>(t1 - t0).count();
  return st;
}

}  // namespace sixparty
