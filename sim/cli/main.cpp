// sixparty: the command line. It only builds the CLI11 app from the command groups and runs the
// chosen command; each command fills option structs and calls the library.
//   cli/run.cpp    validate, run, compare          (scenarios)
//   cli/batch.cpp  batch, design, sensitivity, replay, merge   (experiments)
//   cli/files.cpp  info, params, mechanisms, generate
//   cli/audit.cpp  audit                           (the pattern-power audit)
// Exit codes are declared once, in cli/common.hpp.
#include "cli/common.hpp"
#include "io/results_info.hpp"
#include "mpi/cluster.hpp"
#include "version.hpp"

#include <csignal>
#include <iostream>
#include <new>

namespace cli = sixparty::cli;

int main(int argc, char** argv) {
  // past a file-size limit (ulimit -f) a write fails with EFBIG, which every writer reports as a
  // write error (exit 3, no half file), instead of the default SIGXFSZ killing the process
  std::signal(SIGXFSZ, SIG_IGN);
  if (!sixparty::mpi::built_with_mpi() && sixparty::mpi::launched_size() > 1) {
    std::cerr << "sixparty: started by an MPI launcher with " << sixparty::mpi::launched_size()
              << " ranks, but this sixparty was built without MPI; expected one process, or a build with libopenmpi-dev (tools/setup.sh)\n";
    return cli::kBadInput;
  }
  // under mpirun every rank parses the same command; rank 0 speaks for the job (mpi/cluster.hpp)
  sixparty::mpi::Session session(argc, argv);
  cli::set_session(&session);
  sixparty::prepare_results_library();
  CLI::App app{"sixparty: an agent-based simulator of North East Asian relations"};
  app.set_version_flag("--version", std::string("sixparty ") + sixparty::kVersion + " (" + sixparty::kGitRevision + ")" +
                                        (sixparty::mpi::built_with_mpi() ? ", with MPI" : ", without MPI"));
  app.require_subcommand(1);
  const std::string cmdline = cli::command_line(argc, argv);
  std::vector<cli::Command> commands;
  cli::add_scenario_commands(app, commands, cmdline);
  cli::add_file_commands(app, commands);
  cli::add_batch_commands(app, commands, cmdline);
  cli::add_audit_command(app, commands, cmdline);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kOk : cli::kBadInput;
  }
  // only batch, run and compare share their work among MPI ranks; P copies of another command
  // would do the same work P times and race for its output
  if (session.size() > 1)
    for (const auto& c : commands)
      if (*c.sub && c.sub->get_name() != "batch" && c.sub->get_name() != "run" && c.sub->get_name() != "compare") {
        std::cerr << "sixparty " << c.sub->get_name() << ": does not run under MPI (" << session.size()
                  << " ranks); expected batch, run or compare under mpirun, or one process\n";
        return cli::kBadInput;
      }
  try {
    for (const auto& c : commands)
      if (*c.sub) return c.run();
  } catch (const std::bad_alloc&) {
    if (session.rank() > 0) session.abort(cli::kRunFailed, "out of memory");
    std::cerr << "sixparty: out of memory\n";
    return cli::kRunFailed;
  } catch (const std::exception& e) {
    if (session.rank() > 0) session.abort(cli::kRunFailed, e.what());
    std::cerr << "sixparty: " << e.what() << "\n";
    return cli::kRunFailed;
  }
  return cli::kOk;
}
