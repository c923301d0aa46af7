// the scenario commands: validate, run, compare
#include "analysis/compare.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "engine/step.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/patterns.hpp"
#include "io/error.hpp"
#include "io/results_file.hpp"
#include "mpi/cluster.hpp"
#include "scenario/load.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace sixparty::cli {

namespace sp = sixparty;

namespace {

struct RunArgs {
  std::vector<std::string> scenarios;
  std::int64_t runs = 0;
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;
  std::string output;
  std::string record = "summary";
  std::vector<std::string> sets;
  bool force = false;
  bool quiet = false;
  bool check = false;
  bool require_patterns = false;
};

int cmd_validate(const std::vector<std::string>& files, const std::vector<std::string>& sets) {
  int bad = 0;
  for (const auto& f : files) {
    sp::Diagnostics diags;
    auto sc = sp::load_scenario(f, sets, diags);
    if (sc) {
      sp::PatternEvaluator patterns;
      if (!patterns.add(*sc, diags)) sc.reset();
    }
    if (!sc) {
      std::cerr << diags.format();
      std::cerr << f << ": " << diags.size() << (diags.size() == 1 ? " error" : " errors") << "\n";
      ++bad;
    } else {
      std::cout << "ok: " << f << " (scenario '" << sc->name << "', " << sc->n() << " actors, " << sc->start_year
                << "-" << sc->end_year << ", " << sc->steps << " steps, " << sc->events.size() << " events, "
                << sc->pattern_count() << " patterns)\n";
    }
  }
  return bad ? 2 : 0;
}

// `before_commit` (compare uses it) works on the file after every scenario ran, before it is
// committed; its nonzero exit code is returned after the file is written
int cmd_run(const RunArgs& a, const std::string& cmdline, const std::function<int(sp::ResultsFile&)>& before_commit = nullptr) {
  // 1. compile every scenario first: any error stops before anything is written
  std::vector<sp::Scenario> scenarios;
  sp::Diagnostics diags;
  for (const auto& f : a.scenarios) {
    auto sc = sp::load_scenario(f, a.sets, diags);
    if (sc) scenarios.push_back(std::move(*sc));
  }
  sp::PatternEvaluator patterns;
  if (!diags.has_errors())
    for (const auto& sc : scenarios) patterns.add(sc, diags);
  if (diags.has_errors()) {
    std::cerr << diags.format() << "sixparty run: " << diags.size() << (diags.size() == 1 ? " error" : " errors")
              << "; nothing was run\n";
    return kBadInput;
  }
  patterns.link();
  const sp::RecordLevel level = record_level(a.record);

  for (const auto& sc : scenarios)
    if (const std::string why = summary_guard(sc, level); !why.empty()) {
      std::cerr << "sixparty run: " << why << "\n";
      return kBadInput;
    }
  // under MPI, ranks 1 .. P-1 run the blocks of runs rank 0 hands out; rank 0 does everything
  // else (the file, patterns, what is printed). Every rank got this far on the same inputs.
  const auto& job = session();
  if (job.rank() > 0) {
    sp::ThreadScope threads(a.threads);
    install_signal_handlers();  // a signal is for rank 0 to act on: workers serve until told to stop
    auto w = sp::mpi::worker(job);
    threads.run([&] { sp::serve_ensembles(scenarios, *w); });
    return kOk;
  }
  std::unique_ptr<sp::Farm> farm;  // destroyed on every way out: the workers are told to stop
  if (job.size() > 1) farm = sp::mpi::coordinator(job);

  std::string out = a.output;
  if (out.empty()) out = "results/" + std::filesystem::path(a.scenarios.front()).stem().string() + ".h5";
  std::unique_ptr<files::OutputLock> lock;
  if (const int rc = take_output("run", out, a.force, lock); rc != kOk) return rc;

  sp::ThreadScope threads(a.threads);
  install_signal_handlers();
  // what the terminal shows: a progress bar per scenario, then its tally and its patterns
  struct Printer : sp::ScenarioRunsObserver {
    const RunArgs& a;
    const std::vector<sp::Scenario>& scenarios;
    int threads;
    std::size_t workers = 0;
    bool show, lines = false;
    std::unique_ptr<TallySink> tally;
    std::unique_ptr<sp::Progress> progress_bar;
    Printer(const RunArgs& a, const std::vector<sp::Scenario>& s, int t, bool show) : a(a), scenarios(s), threads(t), show(show) {}
    sp::EnsembleSink& wrap(std::size_t k, sp::EnsembleSink& file_sink) override {
      tally = std::make_unique<TallySink>(scenarios[k], file_sink);
      return *tally;
    }
    void begin(std::size_t k, const sp::EnsembleOptions& opt) override {
      progress_bar = std::make_unique<sp::Progress>(scenarios[k].name, opt.runs, show || lines, lines);
    }
    void progress(std::int64_t done, std::int64_t) override { progress_bar->update(done); }
    void end(std::size_t k, const sp::EnsembleOptions& opt, const sp::EnsembleResult& res) override {
      progress_bar->finish();
      if (a.quiet) return;
      std::cout << "scenario '" << scenarios[k].name << "': " << res.runs_completed << "/" << opt.runs << " runs, seed "
                << opt.seed << ", " << (workers ? worker_ranks(workers) : std::to_string(threads) + " threads") << ", " << sp::format_number(std::round(res.seconds * 1000) / 1000)
                << " s (" << static_cast<long long>(res.seconds > 0 ? res.runs_completed / res.seconds : 0) << " runs/s)\n";
      tally->print(std::cout);
    }
    void patterns(std::size_t k, std::int64_t runs, const std::vector<sp::PatternResult>& results) override {
      if (!a.quiet) std::cout << sp::format_patterns(scenarios[k].name, runs, results);
    }
  } printer(a, scenarios, threads.threads(), !a.quiet && sp::stderr_is_terminal());
  printer.workers = farm ? farm->workers() : 0;
  printer.lines = farm && !a.quiet && !printer.show;  // an MPI job's log: whole lines, every 10 s
  try {
    sp::RunMetadata meta{cmdline, sp::utc_now(), threads.threads()};
    sp::ResultsFile file(out, meta);
    sp::ScenarioRunsOptions opt;
    opt.runs = a.runs;
    if (a.seed_given) opt.seed = a.seed;
    opt.level = level;
    opt.check_invariants = a.check;
    opt.farm = farm.get();
    const sp::ScenarioRunsResult done = sp::run_scenarios(file, scenarios, patterns, opt, threads, printer, &stop_flag());
    const bool interrupted = done.interrupted;
    const int unmet = done.unmet;
    if (!a.quiet && farm) std::cout << farm_report(*farm) << "\n";
    const int hook_rc = before_commit && !interrupted ? before_commit(file) : 0;
    file.commit(interrupted ? "interrupted" : "complete");
    if (interrupted) {
      std::cerr << "sixparty run: interrupted; '" << out << "' holds every finished run and is marked interrupted\n";
      return kInterrupted;
    }
    if (!a.quiet) std::cout << "wrote " << out << "\n";
    if (hook_rc != 0) return hook_rc;
    if (a.require_patterns && unmet > 0) {
      std::cerr << "sixparty run: " << unmet << (unmet == 1 ? " pattern was" : " patterns were")
                << " not as declared (not met, or a declared known failure met)\n";
      return kPatternsUnmet;
    }
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty run: cannot write results: " << e.what() << "\n";
    return kCannotWrite;
  } catch (const sp::InvariantViolation& e) {
    std::cerr << "sixparty run: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// compare runs its scenario inputs with the options of run (output, runs, seed, threads, ...)
struct CompareArgs {
  std::vector<std::string> inputs;
  std::string format = "table";
  RunArgs run;
  sp::ComparisonView view;
  bool top_given = false, sort_given = false;
};

bool is_scenario_file(const std::string& s) {
  auto ends = [&](const char* x) {
    const std::string e = x;
    return s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

// prints the comparison of A and B in the chosen format; nullopt, after saying why, when the two
// ensembles cannot be compared
std::optional<sp::Comparison> compare_and_print(const CompareArgs& a, const sp::OutcomeTable& A, const sp::OutcomeTable& B) {
  const std::string why = sp::comparable(A, B);
  if (!why.empty()) {
    std::cerr << "sixparty compare: " << why << "\n";
    return std::nullopt;
  }
  sp::Comparison c = sp::compare_outcomes(A, B, a.run.seed_given ? a.run.seed : A.seed);
  // what to show: sorted by effect in a table (file order in csv and json unless --sort),
  // the first 25 rows on a terminal unless --top
  sp::ComparisonView view = a.view;
  if (!a.sort_given && a.format != "table") view.sort = "file";
  if (!a.top_given && a.format == "table" && ::isatty(STDOUT_FILENO)) view.top = 25;
  if (const std::string why = sp::check_view(c, view); !why.empty()) {
    std::cerr << "sixparty compare: " << why << "\n";
    return std::nullopt;
  }
  if (!c.paired && !a.run.quiet)
    std::cerr << "sixparty compare: the ensembles have different seeds (" << A.seed << ", " << B.seed
              << "): runs are not paired; intervals are wider\n";
  if (a.format == "json") std::cout << sp::format_comparison_json(c, view);
  else if (a.format == "csv") std::cout << sp::format_comparison_csv(c, view);
  else std::cout << sp::format_comparison_table(c, view);
  return c;
}

void say_stored(const CompareArgs& a, const std::string& file, const sp::Comparison& c) {
  if (!a.run.quiet && a.format == "table") std::cout << "comparison stored in " << file << " (comparisons/" << c.a << "_vs_" << c.b << ")\n";
}

int cmd_compare(CompareArgs a, const std::string& cmdline) {
  if (a.inputs.empty()) {
    a.inputs = {"scenarios/status_quo.yaml", "scenarios/collapse.yaml"};
    for (const auto& f : a.inputs)
      if (!std::filesystem::exists(f)) {
        std::cerr << "sixparty compare: the default scenarios (" << a.inputs[0] << ", " << a.inputs[1]
                  << ") are not here; run from the repository's root or give A and B\n";
        return kBadInput;
      }
  }
  if (a.inputs.size() != 2) {
    std::cerr << "sixparty compare: " << a.inputs.size() << " inputs; expected two (A B): scenario files or FILE.h5:GROUP\n";
    return kBadInput;
  }
  const bool yaml_a = is_scenario_file(a.inputs[0]), yaml_b = is_scenario_file(a.inputs[1]);
  if (yaml_a != yaml_b) {
    std::cerr << "sixparty compare: expected two scenario files or two results groups (FILE.h5:GROUP), not one of each\n";
    return kBadInput;
  }
  if (yaml_a) {
    for (const auto& f : a.inputs)
      if (!std::filesystem::exists(f)) {
        std::cerr << "sixparty compare: '" << f << "': no such file\n";
        return kBadInput;
      }
    RunArgs ra = a.run;
    ra.scenarios = a.inputs;
    if (ra.output.empty()) ra.output = "results/comparison.h5";
    ra.quiet = a.run.quiet || a.format != "table";
    // the two ensembles share one seed, so their runs are paired: --seed, or else A's run.seed
    if (!ra.seed_given) {
      sp::Diagnostics d;
      if (auto sc = sp::load_scenario(a.inputs[0], a.run.sets, d)) {
        ra.seed = sc->seed;
        ra.seed_given = true;
      }
    }
    // the comparison is computed from the file while it is written, and stored in it before
    // it is committed: one file, written once
    const int rc = cmd_run(ra, cmdline, [&](sp::ResultsFile& file) {
      if (file.groups().size() != 2) return int{kRunFailed};
      std::optional<sp::Comparison> c;
      try {
        c = compare_and_print(a, file.outcomes(file.groups()[0]), file.outcomes(file.groups()[1]));
      } catch (const sp::h5::Error& e) {
        std::cerr << "sixparty compare: cannot read the ensembles back: " << e.what() << "\n";
        return int{kCannotWrite};
      }
      if (!c) return int{kBadInput};
      try {
        file.write_tables({sp::comparison_table(*c)});
      } catch (const sp::h5::Error& e) {
        std::cerr << "sixparty compare: cannot store the comparison: " << e.what() << "\n";
        return int{kCannotWrite};
      }
      say_stored(a, ra.output, *c);
      return int{kOk};
    });
    return rc == kPatternsUnmet ? kOk : rc;
  }
  std::string file_a, file_b, group_a, group_b;
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string& in = a.inputs[k];
    const auto colon = in.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == in.size()) {
      std::cerr << "sixparty compare: '" << in << "': expected a scenario file (.yaml) or FILE.h5:GROUP\n";
      return kBadInput;
    }
    (k == 0 ? file_a : file_b) = in.substr(0, colon);
    (k == 0 ? group_a : group_b) = in.substr(colon + 1);
  }
  std::optional<sp::Comparison> c;
  try {
    c = compare_and_print(a, sp::read_outcomes(file_a, group_a), sp::read_outcomes(file_b, group_b));
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty compare: " << e.what() << "\n";
    return kBadInput;
  }
  if (!c) return kBadInput;
  // the comparison of two results groups is stored only where -o says: a new file, or one of the
  // input files named explicitly; never silently into an input
  const std::string& out = a.run.output;
  if (out.empty()) {
    if (!a.run.quiet && a.format == "table")
      std::cout << "not stored: -o FILE keeps the comparison (a new file, or one of the inputs named explicitly)\n";
    return kOk;
  }
  std::error_code ec;
  const bool into_input = std::filesystem::equivalent(out, file_a, ec) || std::filesystem::equivalent(out, file_b, ec);
  std::unique_ptr<files::OutputLock> lock;
  if (const int rc = take_output("compare", out, a.run.force, lock, into_input); rc != kOk) return rc;
  try {
    if (into_input) {
      sp::store_tables(out, {sp::comparison_table(*c)});
    } else {
      sp::ResultsFile file(out, sp::RunMetadata{cmdline, sp::utc_now(), 1});
      file.write_tables({sp::comparison_table(*c)});
      file.commit("complete");
    }
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty compare: cannot store the comparison: " << e.what() << "\n";
    return kCannotWrite;
  }
  say_stored(a, out, *c);
  return kOk;
}
}  // namespace

void add_scenario_commands(CLI::App& app, std::vector<Command>& out, const std::string& cmdline) {
  auto ra = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "run each scenario's Monte Carlo ensemble into one HDF5 file");
  run->add_option("scenario", ra->scenarios, "scenario YAML files")->required()->check(CLI::ExistingPath);
  run->add_option("-n,--runs", ra->runs, "runs per scenario (default: the scenario's run.runs)")->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  auto* seed_opt = run->add_option("--seed", ra->seed, "ensemble seed (default: the scenario's run.seed)")->check(seed_validator());
  add_threads_option(run, ra->threads);
  run->add_option("-o,--output", ra->output, "results file (default: results/<first scenario>.h5)");
  add_record_option(run, ra->record, "what to record: outcomes, summary (default) or traces");
  run->add_option("--set", ra->sets, "override a scenario value, PATH=VALUE (repeatable), e.g. --set run.runs=10");
  add_force_flag(run, ra->force);
  add_quiet_flag(run, ra->quiet);
  run->add_flag("--check", ra->check, "check invariants after every step (always on in debug builds)");
  run->add_flag("--require-patterns", ra->require_patterns, "exit with code 4 if any declared pattern is not met");
  out.push_back({run, [=] {
                   ra->seed_given = seed_opt->count() > 0;
                   return cmd_run(*ra, cmdline);
                 }});

  auto files = std::make_shared<std::vector<std::string>>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto* validate = app.add_subcommand("validate", "check scenario files and print every error with its location");
  validate->add_option("scenario", *files, "scenario YAML files")->required();
  validate->add_option("--set", *sets, "override a scenario value, PATH=VALUE (repeatable)");
  out.push_back({validate, [=] { return cmd_validate(*files, *sets); }});

  auto ca = std::make_shared<CompareArgs>();
  auto* compare = app.add_subcommand("compare", "compare two scenarios (run as a paired ensemble) or two results groups");
  compare->add_option("inputs", ca->inputs, "A B: scenario files, or FILE.h5:GROUP (default: scenarios/status_quo.yaml scenarios/collapse.yaml)");
  compare->add_option("-n,--runs", ca->run.runs, "runs per scenario (default: the scenarios' run.runs)")->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  auto* cseed = compare->add_option("--seed", ca->run.seed, "ensemble seed shared by A and B (default: A's run.seed)")->check(seed_validator());
  add_threads_option(compare, ca->run.threads);
  compare->add_option("-o,--output", ca->run.output,
                      "scenario inputs: the results file (default: results/comparison.h5); FILE.h5:GROUP inputs: where to store the "
                      "comparison, a new file or an input named explicitly (default: not stored)");
  compare->add_option("--format", ca->format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  auto* csort = compare->add_option("--sort", ca->view.sort, "row order: effect (|effect size|, the table's default), diff (|diff|) or file "
                                                             "(grouped by family; the default of csv and json)")
                    ->check(CLI::IsMember({"effect", "diff", "file"}));
  auto* ctop = compare->add_option("--top", ca->view.top, "at most N rows (0: all; default: 25 in a table on a terminal, else all)");
  compare->add_option("--actor", ca->view.actors, "only these actors' rows (repeatable)");
  compare->add_option("--family", ca->view.families,
                      "only these families (repeatable): utility, indicator, event, refugees, trade_share, influence, aid, gesture, exchange");
  compare->add_option("--threshold", ca->view.threshold,
                      "smallest |diff| that matters in practice: the table hides smaller ones and stars only rows that reach it")
      ->check(CLI::NonNegativeNumber);
  compare->add_option("--set", ca->run.sets, "override a scenario value in both, PATH=VALUE (repeatable)");
  add_force_flag(compare, ca->run.force);
  add_quiet_flag(compare, ca->run.quiet, "print only the comparison");
  out.push_back({compare, [=] {
                   ca->run.seed_given = cseed->count() > 0;
                   ca->top_given = ctop->count() > 0;
                   ca->sort_given = csort->count() > 0;
                   return cmd_compare(*ca, cmdline);
                 }});
}

}  // namespace sixparty::cli
