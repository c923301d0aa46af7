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
#include <iostream>
#include <memory>

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
