// common: what the commands of the sixparty program share: exit codes, the stop flag set by
// signals, the command line stored in files, the options several commands take, and the
// per-actor tally printed after an ensemble.
#pragma once

#include "batch/scenario_runs.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/record.hpp"
#include "core/files.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <iosfwd>
#include <string>
#include <vector>

namespace sixparty::mpi {
class Session;
}

namespace sixparty::cli {

// exit codes of every command
enum Exit : int {
  kOk = 0,
  kRunFailed = 1,      // a run failed (violated invariant, internal error)
  kBadInput = 2,       // bad input or arguments (nothing written)
  kCannotWrite = 3,    // the output could not be written
  kPatternsUnmet = 4,  // --require-patterns and a pattern was not met (the file is written)
  kInterrupted = 130,  // the file, if any, is marked "interrupted" and holds every finished run
};

// set by SIGINT or SIGTERM once install_signal_handlers() ran; long work polls it
std::atomic<bool>& stop_flag();
// a first Ctrl-C asks to stop cleanly; a second ends the program at once (final files untouched)
void install_signal_handlers();

// the MPI job this process belongs to (one rank outside an MPI launcher); main sets it
const mpi::Session& session();
void set_session(const mpi::Session* s);

// "MPI: 2 worker ranks; 52.3 kB of tasks sent, 12.4 MB of results received" (the coordinator's
// report of the job's communication)
std::string farm_report(const Farm& farm);
// "1 worker rank", "2 worker ranks"
std::string worker_ranks(std::size_t n);

// the command line as typed (quoted where needed), stored in results files
std::string command_line(int argc, char** argv);

// a command: registered with the app, run when it was chosen
struct Command {
  CLI::App* sub;
  std::function<int()> run;
};

// options shared by commands, so they read the same everywhere
void add_threads_option(CLI::App* sub, int& threads);
void add_force_flag(CLI::App* sub, bool& force);

// a seed on the command line: a whole number in [0, 2^63) written as digits (results files store
// seeds as int64; "-1" or "1e23" are refused instead of wrapping or rounding)
CLI::Validator seed_validator();
void add_quiet_flag(CLI::App* sub, bool& quiet, const char* what = "print nothing but errors");
void add_record_option(CLI::App* sub, std::string& record, const char* what);
RecordLevel record_level(const std::string& record);

// the output path check of commands that refuse to overwrite: empty when fine, else the message
std::string refuse_existing(const std::string& out, bool force);

// takes the output's lock for the life of `lock` (a second process writing the same output is
// refused) and removes the temporaries killed writers left next to it. Returns "" or why not,
// with the exit code in rc (kBadInput: another process writes it; kCannotWrite: no lock file)
std::string claim_output(const std::string& out, std::unique_ptr<files::OutputLock>& lock, int& rc);

// what every writer does before writing `out`: refuse_existing (unless it writes into an
// existing file it was named, `into_existing`), a missing directory, then claim_output. Returns
// kOk, or the exit code after printing "sixparty CMD: why"
int take_output(const char* cmd, const std::string& out, bool force, std::unique_ptr<files::OutputLock>& lock,
                bool into_existing = false);

// forwards blocks to the file and tallies per-actor means for the printed summary
class TallySink : public EnsembleSink {
 public:
  TallySink(const Scenario& sc, EnsembleSink& inner);
  void block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) override;
  void draws(std::int64_t first, std::int64_t count, const double* values) override { inner_.draws(first, count, values); }
  void finish(const Summary* s, std::int64_t done, bool interrupted) override { inner_.finish(s, done, interrupted); }
  void print(std::ostream& os) const;

 private:
  const Scenario& sc_;
  EnsembleSink& inner_;
  RecordLayout layout_;
  // per actor: collapses; sums, sums of squares, minima and maxima of final stability and mean utility
  std::vector<double> collapsed_;
  struct Moments {
    std::vector<double> sum, sum2, lo, hi;
  } stability_, utility_;
  double runs_ = 0;
};

// the command groups (cli/run.cpp, cli/batch.cpp, cli/files.cpp)
void add_scenario_commands(CLI::App& app, std::vector<Command>& out, const std::string& cmdline);
void add_batch_commands(CLI::App& app, std::vector<Command>& out, const std::string& cmdline);
void add_file_commands(CLI::App& app, std::vector<Command>& out);
void add_audit_command(CLI::App& app, std::vector<Command>& out, const std::string& cmdline);

}  // namespace sixparty::cli
