// the audit command: the pattern-power audit of scenarios (analysis/audit.hpp)
#include "analysis/audit.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "core/files.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "engine/step.hpp"
#include "io/error.hpp"
#include "io/results_file.hpp"
#include "scenario/load.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

namespace sixparty::cli {

namespace sp = sixparty;

namespace {

struct AuditArgs {
  std::vector<std::string> scenarios;
  std::int64_t runs = 100;
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;
  std::string output, csv;
  std::vector<std::string> sets;
  bool force = false;
  bool quiet = false;
};

int cmd_audit(const AuditArgs& a, const std::string& cmdline) {
  std::vector<sp::Scenario> scenarios;
  sp::Diagnostics diags;
  for (const auto& f : a.scenarios)
    if (auto sc = sp::load_scenario(f, a.sets, diags)) scenarios.push_back(std::move(*sc));
  sp::PatternEvaluator check;
  if (!diags.has_errors())
    for (const auto& sc : scenarios) check.add(sc, diags);
  if (diags.has_errors()) {
    std::cerr << diags.format() << "sixparty audit: " << diags.size() << (diags.size() == 1 ? " error" : " errors")
              << "; nothing was run\n";
    return kBadInput;
  }
  std::size_t patterns = 0;
  for (const auto& sc : scenarios) patterns += sc.pattern_count();
  if (patterns == 0) {
    std::cerr << "sixparty audit: the scenarios declare no patterns; nothing to audit\n";
    return kBadInput;
  }
  for (const auto* out : {&a.output, &a.csv})
    if (!out->empty())
      if (const std::string why = refuse_existing(*out, a.force); !why.empty()) {
        std::cerr << "sixparty audit: " << why << "\n";
        return kBadInput;
      }

  sp::AuditOptions opt;
  opt.runs = a.runs;
  if (a.seed_given) opt.seed = a.seed;
  sp::ThreadScope threads(a.threads);
  install_signal_handlers();
  const bool show = !a.quiet && sp::stderr_is_terminal();
  const std::size_t total = sp::audit_ablations(scenarios).size();
  sp::Progress progress("audit (ablations)", static_cast<std::int64_t>(total), show);
  sp::AuditResult result;
  try {
    threads.run([&] {
      result = sp::run_audit(scenarios, opt, [&](std::size_t done, std::size_t) { progress.update(static_cast<std::int64_t>(done)); },
                             &stop_flag());
    });
  } catch (const sp::InvariantViolation& e) {
    std::cerr << "sixparty audit: " << e.what() << "\n";
    return kRunFailed;
  }
  progress.finish();
  if (result.ablations.size() < total) {
    std::cerr << "sixparty audit: interrupted after " << result.ablations.size() << " of " << total
              << " ablations; nothing was written\n";
    return kInterrupted;
  }
  if (!a.quiet) std::cout << sp::format_audit(result);
  try {
    if (!a.csv.empty()) sp::files::write_atomically(a.csv, sp::audit_csv(result));
    if (!a.output.empty()) {
      sp::ResultsFile file(a.output, sp::RunMetadata{cmdline, sp::utc_now(), threads.threads()});
      file.write_tables({sp::audit_table(result)});
      file.commit("complete");
    }
  } catch (const sp::files::WriteError& e) {
    std::cerr << "sixparty audit: " << e.what() << "\n";
    return kCannotWrite;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty audit: cannot write '" << a.output << "': " << e.what() << "\n";
    return kCannotWrite;
  }
  if (!a.quiet) {
    if (!a.csv.empty()) std::cout << "wrote " << a.csv << "\n";
    if (!a.output.empty()) std::cout << "wrote " << a.output << " (audit/patterns)\n";
  }
  if (result.problems() > 0) {
    std::cerr << "sixparty audit: " << result.problems()
              << (result.problems() == 1 ? " pattern fails its audit" : " patterns fail their audit") << "\n";
    return kPatternsUnmet;
  }
  return kOk;
}

}  // namespace

void add_audit_command(CLI::App& app, std::vector<Command>& out, const std::string& cmdline) {
  auto a = std::make_shared<AuditArgs>();
  auto* audit = app.add_subcommand(
      "audit", "run scenarios under every mechanism switched off (and the sets a test joins by '+') and every event removed; check what each pattern is evidence of");
  audit->add_option("scenario", a->scenarios, "scenario YAML files (paired patterns need their baselines here too)")
      ->required()
      ->check(CLI::ExistingPath);
  audit->add_option("-n,--runs", a->runs, "runs per scenario and ablation (default 100)")
      ->check(CLI::Range(std::int64_t{2}, std::int64_t{1000000}));
  auto* seed = audit->add_option("--seed", a->seed, "seed shared by every ablation (default: the first scenario's run.seed)")->check(seed_validator());
  add_threads_option(audit, a->threads);
  audit->add_option("-o,--output", a->output, "results file for the matrix (audit/patterns)");
  audit->add_option("--csv", a->csv, "CSV file for the matrix (one row per pattern, one column per ablation)");
  audit->add_option("--set", a->sets, "override a scenario value, PATH=VALUE (repeatable)");
  add_force_flag(audit, a->force);
  add_quiet_flag(audit, a->quiet);
  out.push_back({audit, [=] {
                   a->seed_given = seed->count() > 0;
                   return cmd_audit(*a, cmdline);
                 }});
}

}  // namespace sixparty::cli
