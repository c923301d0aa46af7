// batch: run an experiment's design points, run-granular, resumable, with failed runs isolated.
//
// Design.
//  * Every finished run is appended to a journal, "<out>.journal" (batch/journal.hpp), as one
//    checksummed record (point, replicate, status, outcome values or failure message), in one
//    write() per chunk of runs. The kernel keeps what was written, so even SIGKILL loses at most
//    the runs in flight; a torn last record fails its checksum and is cut off on resume.
//  * Rerunning the same command reads the journal and runs only the missing runs. A run's
//    numbers depend only on (point seed, replicate, step, actor, purpose), so a resumed batch
//    yields the same data, bit for bit, as an uninterrupted one, at any thread count.
//  * A run that throws (a violated invariant, non-finite state at its end) or a point whose
//    scenario does not compile is recorded as failed with its message; the batch goes on.
//  * When every run of the shard is in the journal, the HDF5 file is assembled from it in point
//    order, in bounded memory (a few thousand rows at a time), through a temporary file synced and
//    renamed into place (io/batch_file.hpp); then the journal is removed. Layout: results/README.md
//    ("Experiment files"). Replay (batch/replay.cpp) and merge (batch/merge.cpp) work from files alone.
//  * Shards (--shard K/N) cover contiguous ranges of points, so shard files written apart are
//    joined by merge_shards() in point order into the file one machine would have written.
#pragma once

#include "core/farm.hpp"
#include "experiment/experiment.hpp"
#include "io/error.hpp"
#include "io/results_file.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sixparty {

struct RunState;

struct BatchOptions {
  std::size_t shard = 0, shards = 1;  // this shard (0-based) of how many
  bool check_invariants = false;       // check every step (a run is always checked at its end)
  bool fresh = false;                  // discard an existing journal or output and start over
  std::size_t chunk_runs = 512;        // runs per journal write (does not change any result)
  // called inside each run after its reset, before its first step, from worker threads; an
  // exception it throws fails that run (tests use it to break chosen runs)
  std::function<void(std::size_t point, std::uint32_t replicate, RunState& state)> on_run_start;
  // where the runs run: here (null), or on the workers of a farm (other MPI ranks), which serve
  // chunks with serve_batch(); this process keeps the journal and writes the file either way
  Farm* farm = nullptr;
};

struct BatchStatus {
  std::size_t points_total = 0, points_done = 0;  // in this shard
  std::int64_t runs_total = 0, runs_done = 0;     // in this shard, including resumed runs
  std::int64_t runs_resumed = 0;                  // found in the journal at the start
  std::int64_t runs_failed = 0;
  bool interrupted = false;
  bool already_complete = false;  // the output was already a complete file of this experiment
  double seconds = 0;             // running time of this invocation
  double write_seconds = 0;       // of which writing the results file from the journal
  bool writing = false;           // progress reports during that write have this set, and
  std::int64_t rows_written = 0;  // how many of the shard's runs are in the file so far
  std::string journal;            // its path
  // points none of whose runs finished (point, its first failure's message), once written
  std::vector<std::pair<std::int64_t, std::string>> empty_points;
};

// Runs what is missing and, when all is done, writes `out`. progress is called after each
// chunk from the calling thread, and every 4,096 rows while the file is written (`writing`);
// `stop` is polled between chunks (not while writing: the file is finished then). Throws BatchError, or
// h5::Error / std::system_error when the output or journal cannot be written.
BatchStatus run_batch(const Experiment& ex, const std::string& out, const BatchOptions& opt, const RunMetadata& meta,
                      const std::function<void(const BatchStatus&)>& progress, const std::atomic<bool>* stop);

// a farm worker's side of run_batch with opt.farm set: runs the chunks it is sent (of the same
// experiment, loaded the same way, and the same shard) until the coordinator ends the work
void serve_batch(const Experiment& ex, const BatchOptions& opt, FarmWorker& worker);

// the runs per chunk when `workers` farm workers share `runs` runs: up to opt.chunk_runs, small
// enough that each worker gets about eight chunks (the work balances as chunks come back)
std::size_t farm_chunk_runs(std::size_t runs, std::size_t workers, std::size_t chunk_runs);

// one run of one point, as the batch ran it; `traces` level writes every step
struct ReplayRequest {
  std::string file;
  std::size_t point = 0;
  std::int64_t replicate = 0;
};
// the scenario of a point of a batch results file (from the file alone) and the run's seed
struct ReplayPlan {
  Scenario scenario;
  std::uint64_t seed = 0;
  std::int64_t replicate = 0;
  std::string failure;  // the failure message the batch recorded for this run, if it failed
};
ReplayPlan plan_replay(const ReplayRequest& req);

// join shard files of one experiment (every shard exactly once, each complete) into `out`
void merge_shards(const std::vector<std::string>& shards, const std::string& out, const RunMetadata& meta);

}  // namespace sixparty
