// the file commands: info, params, mechanisms, generate
#include "cli/common.hpp"
#include "core/files.hpp"
#include "io/error.hpp"
#include "io/results_info.hpp"
#include "scenario/generate.hpp"
#include "scenario/mechanisms.hpp"
#include "scenario/parameters.hpp"
#include "scenario/spec.hpp"

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace sixparty::cli {

namespace sp = sixparty;

namespace {

int cmd_params() {
  std::printf("%-10s %-22s %-20s %9s  %-16s %s\n", "model", "name", "unit", "default", "range", "meaning");
  for (const auto& p : sp::parameter_catalogue()) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", p.min_value, p.max_value);
    std::printf("%-10s %-22s %-20s %9g  %-16s %s\n", p.model, p.name, p.unit, p.default_value, range, p.meaning);
  }
  return 0;
}

int cmd_mechanisms() {
  std::printf("%-22s %-15s %s\n", "mechanism", "ODD section", "what it does / what is left when it is off (mechanisms.NAME: off)");
  for (const auto& m : sp::mechanism_catalogue()) {
    std::printf("%-22s %-15s %s\n", m.name, m.odd, m.meaning);
    std::printf("%-22s %-15s off: %s\n", "", "", m.removed);
  }
  return 0;
}

// report and export are written by Python tools (h5py, pandas, xarray, matplotlib): tools/NAME,
// found next to the sources (a build tree), in SIXPARTY_TOOLS, or where cmake --install puts it
std::string python_tool(const char* name) {
  namespace fs = std::filesystem;
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("SIXPARTY_TOOLS"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "sixparty" / "tools");
#ifdef SIXPARTY_TOOLS_DIR
  dirs.emplace_back(SIXPARTY_TOOLS_DIR);
#endif
  for (const auto& d : dirs)
    if (fs::is_regular_file(d / name, ec)) return (d / name).string();
  return {};
}

// replaces this process by tools/NAME, so its output, exit code and signals are the command's;
// the tool names itself "sixparty NAME" in its messages (SIXPARTY_<NAME>_PROG)
int run_python_tool(const char* name, const char* prog_variable, const std::vector<std::string>& args) {
  const std::string tool = python_tool(name);
  const char* env = std::getenv("SIXPARTY_PYTHON");
  const std::string python = env && *env ? env : "/usr/bin/python3";
  if (tool.empty()) {
    std::cerr << "sixparty " << name << ": tools/" << name << " not found (set SIXPARTY_TOOLS to the folder that holds it)\n";
    return kBadInput;
  }
  std::vector<std::string> argv = {python, tool};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::cout.flush();
  ::setenv(prog_variable, ("sixparty " + std::string(name)).c_str(), 1);
  ::execv(python.c_str(), cargv.data());
  std::cerr << "sixparty " << name << ": cannot run " << python << " (" << std::strerror(errno) << "); it needs Debian's "
            << "python3 with h5py, pandas, xarray and matplotlib (tools/setup.sh installs them)\n";
  return kBadInput;
}

}  // namespace

void add_file_commands(CLI::App& app, std::vector<Command>& out) {
  auto info_file = std::make_shared<std::string>();
  auto* info = app.add_subcommand("info", "show what a results file holds");
  info->add_option("file", *info_file, "results file (.h5)")->required();
  out.push_back({info, [=] {
                   try {
                     std::cout << sp::describe_results_isolated(*info_file);
                   } catch (const sp::h5::Error& e) {
                     std::cerr << "sixparty info: " << e.what() << "\n";
                     return int{kBadInput};
                   }
                   return int{kOk};
                 }});

  auto* params = app.add_subcommand("params", "list every model parameter with unit, default and range");
  out.push_back({params, [] { return cmd_params(); }});

  auto* mechanisms = app.add_subcommand("mechanisms", "list every mechanism with its switch (mechanisms.NAME: off removes it)");
  out.push_back({mechanisms, [] { return cmd_mechanisms(); }});

  // report, export and discover: every argument after the command goes to the Python tool, which defines
  // the options once (sixparty report --help prints the tool's own help)
  auto* report = app.add_subcommand("report", "write a self-contained, offline HTML report of a results file (run, compare or batch; --help for options)");
  report->prefix_command();
  report->set_help_flag();
  out.push_back({report, [report] { return run_python_tool("report", "SIXPARTY_REPORT_PROG", report->remaining()); }});

  auto* exporter = app.add_subcommand("export", "write the tables of a results file as tidy (long-format) CSV files (--help for options)");
  exporter->prefix_command();
  exporter->set_help_flag();
  out.push_back({exporter, [exporter] { return run_python_tool("export", "SIXPARTY_EXPORT_PROG", exporter->remaining()); }});

  auto* discover = app.add_subcommand("discover", "scenario discovery: which uncertain inputs lead to an outcome (PRIM, CART, feature scores; --help for options)");
  discover->prefix_command();
  discover->set_help_flag();
  out.push_back({discover, [discover] { return run_python_tool("discover", "SIXPARTY_DISCOVER_PROG", discover->remaining()); }});

  auto gen = std::make_shared<sp::GenerateOptions>();
  auto gen_out = std::make_shared<std::string>();
  auto* generate = app.add_subcommand("generate", "write a synthetic N-actor world (a scenario) for scaling studies");
  generate->add_option("-n,--actors", gen->actors, "number of actors")->check(CLI::Range(2, sp::ScenarioLimits::max_actors));
  generate->add_option("--seed", gen->seed, "seed of the world")->check(seed_validator());
  generate->add_option("-o,--output", *gen_out, "file to write (default: standard output)");
  auto gen_force = std::make_shared<bool>(false);
  generate->add_flag("--force", *gen_force, "overwrite an existing file");
  out.push_back({generate, [=] {
                   const std::string text = sp::generate_world(*gen);
                   if (gen_out->empty()) {
                     std::cout << text;
                     return int{kOk};
                   }
                   if (const std::string why = refuse_existing(*gen_out, *gen_force); !why.empty()) {
                     std::cerr << "sixparty generate: " << why << "\n";
                     return int{kBadInput};
                   }
                   try {
                     files::write_atomically(*gen_out, text);
                   } catch (const files::WriteError& e) {
                     std::cerr << "sixparty generate: " << e.what() << "\n";
                     return int{kCannotWrite};
                   }
                   return int{kOk};
                 }});
}

}  // namespace sixparty::cli
