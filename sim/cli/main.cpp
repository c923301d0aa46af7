// sixparty: the command line. It only builds the CLI11 app from the command groups and runs the
// chosen command; each command fills option structs and calls the library.
//   cli/run.cpp    validate, run, compare          (scenarios)
//   cli/batch.cpp  batch, design, sensitivity, replay, merge   (experiments)
//   cli/files.cpp  info, params, mechanisms, generate
//   cli/audit.cpp  audit                           (the pattern-power audit)
// Exit codes are declared once, in cli/common.hpp.
#include "cli/common.hpp"
#include "io/results_info.hpp"
#include "version.hpp"

#include <csignal>
#include <iostream>
#include <new>

namespace cli = sixparty::cli;

int main(int argc, char** argv) {
  // past a file-size limit (ulimit -f) a write fails with EFBIG, which every writer reports as a
  // write error (exit 3, no half file), instead of the default SIGXFSZ killing the process
  std::signal(SIGXFSZ, SIG_IGN);
  sixparty::prepare_results_library();
  CLI::App app{"sixparty: an agent-based simulator of North East Asian relations"};
  app.set_version_flag("--version", std::string("sixparty ") + sixparty::kVersion + " (" + sixparty::kGitRevision + ")");
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
  try {
    for (const auto& c : commands)
      if (*c.sub) return c.run();
  } catch (const std::bad_alloc&) {
    std::cerr << "sixparty: out of memory\n";
    return cli::kRunFailed;
  } catch (const std::exception& e) {
    std::cerr << "sixparty: " << e.what() << "\n";
    return cli::kRunFailed;
  }
  return cli::kOk;
}
