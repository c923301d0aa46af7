// sixparty: the command line. It only fills option structs and calls the library.
//
// exit codes: 0 success; 1 a run failed (violated invariant, internal error); 2 bad input or
// arguments (nothing written); 3 the output could not be written; 4 --require-patterns and a
// pattern was not met (the file is written); 130 interrupted (the file, if any, is marked
// "interrupted" and holds every finished run).
#include "cli/progress.hpp"
#include "core/diagnostics.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "engine/step.hpp"
#include "experiment/analysis.hpp"
#include "experiment/batch.hpp"
#include "experiment/compare.hpp"
#include "experiment/experiment.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/h5.hpp"
#include "experiment/patterns.hpp"
#include "experiment/results_file.hpp"
#include "experiment/results_info.hpp"
#include "models/parameters.hpp"
#include "scenario/generate.hpp"
#include "scenario/scenario.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <system_error>

namespace sp = sixparty;

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the program at once (the final file is untouched)
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// forwards blocks to the file and tallies per-actor means for the printed summary
class TallySink : public sp::EnsembleSink {
 public:
  TallySink(const sp::Scenario& sc, sp::EnsembleSink& inner, sp::PatternLeaves* leaves)
      : sc_(sc), inner_(inner), layout_(sc, sp::outcome_variables()), leaves_(leaves) {
    const std::size_t n = sc.n();
    collapsed_.assign(n, 0);
    stability_.assign(n, 0);
    utility_.assign(n, 0);
  }
  void block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) override {
    if (leaves_ && traces) leaves_->add_block(first, count, traces);
    const auto& vars = sp::outcome_variables();
    auto offset = [&](const char* name) {
      for (std::size_t v = 0; v < vars.size(); ++v)
        if (vars[v].name == name) return layout_.offset[v];
      return std::size_t{0};
    };
    const std::size_t oc = offset("collapsed"), os = offset("final_stability"), ou = offset("mean_utility");
    for (std::int64_t r = 0; r < count; ++r) {
      const double* o = outcomes + r * layout_.per_step;
      for (int i = 0; i < sc_.n(); ++i) {
        collapsed_[i] += o[oc + i];
        stability_[i] += o[os + i];
        utility_[i] += o[ou + i];
      }
    }
    runs_ += count;
    inner_.block(first, count, outcomes, traces);
  }
  void finish(const sp::Summary* s, std::int64_t done, bool interrupted) override { inner_.finish(s, done, interrupted); }

  void print(std::ostream& os) const {
    if (runs_ == 0) return;
    os << "  actor   P(collapse)  final stability  mean utility\n";
    for (int i = 0; i < sc_.n(); ++i) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-6s  %11.3f  %15.3f  %12.3f\n", sc_.actor_ids[i].c_str(),
                    collapsed_[i] / runs_, stability_[i] / runs_, utility_[i] / runs_);
      os << line;
    }
  }

 private:
  const sp::Scenario& sc_;
  sp::EnsembleSink& inner_;
  sp::RecordLayout layout_;
  sp::PatternLeaves* leaves_;
  std::vector<double> collapsed_, stability_, utility_;
  double runs_ = 0;
};

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int k = 0; k < argc; ++k) {
    if (k) s += ' ';
    std::string a = argv[k];
    if (a.find_first_of(" \t'\"") != std::string::npos) a = "'" + a + "'";
    s += a;
  }
  return s;
}

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
                << sc->patterns.size() << " patterns)\n";
    }
  }
  return bad ? 2 : 0;
}

int cmd_run(const RunArgs& a, const std::string& cmdline, std::vector<std::string>* groups = nullptr) {
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
    return 2;
  }
  patterns.link();
  sp::RecordLevel level;
  if (a.record == "outcomes") level = sp::RecordLevel::outcomes;
  else if (a.record == "summary") level = sp::RecordLevel::summary;
  else level = sp::RecordLevel::traces;

  if (level != sp::RecordLevel::outcomes)
    for (const auto& sc : scenarios)
      if (sp::summary_bytes(sc) > sp::kSummaryLimitBytes) {
        std::cerr << "sixparty run: per-step summaries of '" << sc.name << "' (" << sc.n() << " actors, " << sc.steps
                  << " steps) would need about " << sp::summary_bytes(sc) / (1u << 20)
                  << " MiB, over the limit of " << (sp::kSummaryLimitBytes >> 20)
                  << " MiB; expected --record outcomes for a world this large (or fewer steps)\n";
        return 2;
      }
  std::string out = a.output;
  if (out.empty()) out = "results/" + std::filesystem::path(a.scenarios.front()).stem().string() + ".h5";
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out, ec) && !a.force) {
    std::cerr << "sixparty run: '" << out << "' exists; expected a new path, or --force to overwrite it\n";
    return 2;
  }
  if (fs::is_directory(out, ec)) {
    std::cerr << "sixparty run: '" << out << "' is a directory; expected a file path for -o\n";
    return 2;
  }
  const fs::path dir = fs::path(out).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    std::cerr << "sixparty run: the output directory '" << dir.string() << "' does not exist\n";
    return 3;
  }

  sp::ThreadScope threads(a.threads);
  install_signal_handlers();
  const bool show = !a.quiet && sp::stderr_is_terminal();
  try {
    sp::RunMetadata meta{cmdline, sp::utc_now(), threads.threads()};
    sp::ResultsFile file(out, meta);
    bool interrupted = false;
    std::vector<std::uint64_t> seeds;
    std::size_t ran = 0;
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      const sp::Scenario& sc = scenarios[k];
      sp::EnsembleOptions opt;
      opt.runs = a.runs > 0 ? a.runs : sc.runs;
      opt.seed = a.seed_given ? a.seed : sc.seed;
      opt.level = level;
      opt.check_invariants = a.check;
      opt.need_steps = patterns.needs_steps(k);
      seeds.push_back(opt.seed);
      patterns.set_seed(k, opt.seed);
      sp::EnsembleResult res;
      {
        auto sink = file.add_scenario(sc, opt);
        TallySink tally(sc, *sink, &patterns.leaves(k));
        sp::Progress progress(sc.name, opt.runs, show);
        threads.run([&] {
          res = sp::run_ensemble(sc, opt, tally, [&](std::int64_t d, std::int64_t t) { (void)t; progress.update(d); }, &g_stop);
        });
        progress.finish();
        if (!a.quiet) {
          std::cout << "scenario '" << sc.name << "': " << res.runs_completed << "/" << opt.runs << " runs, seed "
                    << opt.seed << ", " << threads.threads() << " threads, " << sp::format_number(std::round(res.seconds * 1000) / 1000)
                    << " s (" << static_cast<long long>(res.seconds > 0 ? res.runs_completed / res.seconds : 0) << " runs/s)\n";
          tally.print(std::cout);
        }
      }
      ++ran;
      if (res.interrupted) {
        interrupted = true;
        break;
      }
    }
    // patterns, once every scenario has run (paired ones need their baselines)
    int unmet = 0;
    for (std::size_t k = 0; k < ran; ++k) {
      const auto results = patterns.evaluate(k, seeds[k]);
      if (results.empty()) continue;
      for (const auto& r : results) unmet += r.passed ? 0 : 1;
      if (!a.quiet) std::cout << sp::format_patterns(scenarios[k].name, patterns.leaves(k).runs(), results);
      file.write_patterns(k, results);
    }
    if (groups) *groups = file.groups();
    file.commit(interrupted ? "interrupted" : "complete");
    if (interrupted) {
      std::cerr << "sixparty run: interrupted; '" << out << "' holds every finished run and is marked interrupted\n";
      return 130;
    }
    if (!a.quiet) std::cout << "wrote " << out << "\n";
    if (a.require_patterns && unmet > 0) {
      std::cerr << "sixparty run: " << unmet << (unmet == 1 ? " pattern was" : " patterns were") << " not met\n";
      return 4;
    }
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty run: cannot write results: " << e.what() << "\n";
    return 3;
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
};

bool is_scenario_file(const std::string& s) {
  auto ends = [&](const char* x) {
    const std::string e = x;
    return s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

int cmd_compare(CompareArgs a, const std::string& cmdline) {
  if (a.inputs.empty()) {
    a.inputs = {"scenarios/status_quo.yaml", "scenarios/collapse.yaml"};
    for (const auto& f : a.inputs)
      if (!std::filesystem::exists(f)) {
        std::cerr << "sixparty compare: the default scenarios (" << a.inputs[0] << ", " << a.inputs[1]
                  << ") are not here; run from the repository's root or give A and B\n";
        return 2;
      }
  }
  if (a.inputs.size() != 2) {
    std::cerr << "sixparty compare: " << a.inputs.size() << " inputs; expected two (A B): scenario files or FILE.h5:GROUP\n";
    return 2;
  }
  const bool yaml_a = is_scenario_file(a.inputs[0]), yaml_b = is_scenario_file(a.inputs[1]);
  if (yaml_a != yaml_b) {
    std::cerr << "sixparty compare: expected two scenario files or two results groups (FILE.h5:GROUP), not one of each\n";
    return 2;
  }
  std::string file_a, file_b, group_a, group_b;
  if (yaml_a) {
    for (const auto& f : a.inputs)
      if (!std::filesystem::exists(f)) {
        std::cerr << "sixparty compare: '" << f << "': no such file\n";
        return 2;
      }
    RunArgs ra = a.run;
    ra.scenarios = a.inputs;
    if (ra.output.empty()) ra.output = "results/comparison.h5";
    ra.quiet = a.run.quiet || a.format != "table";
    std::vector<std::string> groups;
    // the two ensembles share one seed, so their runs are paired: --seed, or else A's run.seed
    if (!ra.seed_given) {
      sp::Diagnostics d;
      if (auto sc = sp::load_scenario(a.inputs[0], a.run.sets, d)) {
        ra.seed = sc->seed;
        ra.seed_given = true;
      }
    }
    const int rc = cmd_run(ra, cmdline, &groups);
    if (rc != 0 && rc != 4) return rc;
    if (groups.size() != 2) return 1;
    file_a = file_b = ra.output;
    group_a = groups[0];
    group_b = groups[1];
  } else {
    for (std::size_t k = 0; k < 2; ++k) {
      const std::string& in = a.inputs[k];
      const auto colon = in.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == in.size()) {
        std::cerr << "sixparty compare: '" << in << "': expected a scenario file (.yaml) or FILE.h5:GROUP\n";
        return 2;
      }
      (k == 0 ? file_a : file_b) = in.substr(0, colon);
      (k == 0 ? group_a : group_b) = in.substr(colon + 1);
    }
  }
  try {
    const sp::OutcomeTable A = sp::read_outcomes(file_a, group_a);
    const sp::OutcomeTable B = sp::read_outcomes(file_b, group_b);
    const std::string why = sp::comparable(A, B);
    if (!why.empty()) {
      std::cerr << "sixparty compare: " << why << "\n";
      return 2;
    }
    const sp::Comparison c = sp::compare_outcomes(A, B, a.run.seed_given ? a.run.seed : A.seed);
    if (!c.paired && !a.run.quiet)
      std::cerr << "sixparty compare: the ensembles have different seeds (" << A.seed << ", " << B.seed
                << "): runs are not paired; intervals are wider\n";
    if (a.format == "json") std::cout << sp::format_comparison_json(c);
    else if (a.format == "csv") std::cout << sp::format_comparison_csv(c);
    else std::cout << sp::format_comparison_table(c);
    try {
      sp::update_results_file(file_a, [&](hid_t f) { sp::write_comparison(f, c); });
    } catch (const sp::h5::Error& e) {
      std::cerr << "sixparty compare: cannot store the comparison: " << e.what() << "\n";
      return 3;
    }
    if (!a.run.quiet && a.format == "table") std::cout << "comparison stored in " << file_a << " (comparisons/" << c.a << "_vs_" << c.b << ")\n";
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty compare: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

struct BatchArgs {
  std::string experiment;
  std::string output;
  std::string shard;
  int threads = 0;
  bool fresh = false;
  bool quiet = false;
  bool check = false;
};

std::optional<sp::Experiment> load_experiment_or_report(const std::string& path, const char* command) {
  sp::Diagnostics diags;
  auto ex = sp::load_experiment(path, diags);
  if (!ex) std::cerr << diags.format() << "sixparty " << command << ": " << diags.size() << (diags.size() == 1 ? " error" : " errors") << "; nothing was run\n";
  return ex;
}

// "K/N" with 1 <= K <= N
bool parse_shard(const std::string& s, std::size_t& k, std::size_t& n) {
  const auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t used = 0;
    const long long a = std::stoll(s.substr(0, slash), &used);
    if (used != slash) return false;
    const long long b = std::stoll(s.substr(slash + 1), &used);
    if (used != s.size() - slash - 1 || a < 1 || b < 1 || a > b || b > 100000) return false;
    k = static_cast<std::size_t>(a - 1);
    n = static_cast<std::size_t>(b);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int cmd_batch(const BatchArgs& a, const std::string& cmdline) {
  auto ex = load_experiment_or_report(a.experiment, "batch");
  if (!ex) return 2;
  sp::BatchOptions opt;
  if (!a.shard.empty() && !parse_shard(a.shard, opt.shard, opt.shards)) {
    std::cerr << "sixparty batch: --shard '" << a.shard << "'; expected K/N with 1 <= K <= N, e.g. 2/4\n";
    return 2;
  }
  opt.fresh = a.fresh;
  opt.check_invariants = a.check;
  std::string out = a.output;
  if (out.empty()) out = "results/" + sp::group_name(ex->name, {}) + (opt.shards > 1 ? "_shard" + std::to_string(opt.shard + 1) + "of" + std::to_string(opt.shards) : "") + ".h5";
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(out).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    std::cerr << "sixparty batch: the output directory '" << dir.string() << "' does not exist\n";
    return 3;
  }
  sp::ThreadScope threads(a.threads);
  install_signal_handlers();
  const bool show = !a.quiet && sp::stderr_is_terminal();
  const auto [p0, p1] = sp::shard_points(ex->points(), opt.shard, opt.shards);
  if (!a.quiet)
    std::cout << "experiment '" << ex->name << "': " << sp::design_kind_name(ex->design.kind) << " design, " << ex->factors.size()
              << " factors, " << ex->points() << " points (" << ex->scenario_files.size() << " scenario" << (ex->scenario_files.size() == 1 ? "" : "s")
              << " x " << ex->rows() << " rows) x " << ex->runs_per_point << " runs"
              << (opt.shards > 1 ? "; shard " + a.shard + ": points " + std::to_string(p0) + " to " + std::to_string(p1 - 1) : std::string()) << "\n";
  try {
    sp::RunMetadata meta{cmdline, sp::utc_now(), threads.threads()};
    std::unique_ptr<sp::Progress> progress, writer;
    std::int64_t resumed = -1;
    sp::BatchStatus st;
    threads.run([&] {
      st = sp::run_batch(*ex, out, opt, meta, [&](const sp::BatchStatus& s) {
        if (!progress) {
          resumed = s.runs_resumed;
          progress = std::make_unique<sp::Progress>(ex->name, s.runs_total - s.runs_resumed, show);
        }
        if (s.writing) {
          if (!writer) {
            progress->finish();
            writer = std::make_unique<sp::Progress>("writing " + out, s.runs_total, show);
          }
          writer->update(s.rows_written);
          return;
        }
        progress->update(s.runs_done - s.runs_resumed, "points " + std::to_string(s.points_done) + "/" + std::to_string(s.points_total));
      }, &g_stop);
    });
    if (progress) progress->finish();
    if (writer) writer->finish();
    if (st.already_complete) {
      if (!a.quiet) std::cout << "'" << out << "' already holds every run of this experiment; nothing to do (--fresh runs it again)\n";
      return 0;
    }
    if (!a.quiet && st.runs_resumed > 0)
      std::cout << "resumed from " << st.journal << ": " << st.runs_resumed << " runs were already done\n";
    const std::int64_t ran = st.runs_done - st.runs_resumed;
    if (!a.quiet)
      std::cout << ran << " runs in " << sp::format_number(std::round(st.seconds * 1000) / 1000) << " s ("
                << static_cast<long long>(st.seconds > 0 ? ran / st.seconds : 0) << " runs/s, " << threads.threads() << " threads"
                << (st.write_seconds > 0 ? ", of which " + sp::format_number(std::round(st.write_seconds * 100) / 100) + " s writing the file" : std::string())
                << ")\n";
    if (st.interrupted) {
      std::cerr << "sixparty batch: interrupted; " << st.runs_done << " of " << st.runs_total << " runs are kept in '" << st.journal
                << "'; rerun the same command to finish the rest\n";
      return 130;
    }
    if (st.runs_failed > 0)
      std::cerr << "sixparty batch: " << st.runs_failed << " of " << st.runs_total << " runs failed; they are listed in " << out
                << ":/failures (sixparty replay " << out << " --point P --run R reruns one)\n";
    if (!a.quiet) std::cout << "wrote " << out << "\n";
    (void)resumed;
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty batch: " << e.what() << "\n";
    return 2;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty batch: cannot write results: " << e.what() << "; finished runs stay in '" << out << ".journal'\n";
    return 3;
  } catch (const std::system_error& e) {
    std::cerr << "sixparty batch: " << e.what() << "; finished runs stay in '" << out << ".journal'\n";
    return 3;
  }
  return 0;
}

int cmd_design(const std::string& path, const std::string& salib) {
  auto ex = load_experiment_or_report(path, "design");
  if (!ex) return 2;
  std::cout << "experiment '" << ex->name << "': " << sp::design_kind_name(ex->design.kind) << " design, " << ex->points() << " points ("
            << ex->scenario_files.size() << " scenario(s) x " << ex->rows() << " rows), " << ex->runs_per_point << " runs per point, "
            << ex->runs() << " runs, seed " << ex->seed << " (" << (ex->common_seeds ? "common" : "independent") << " seeds)\n";
  for (const auto& f : ex->factors) {
    std::cout << "  " << f.name << ": " << f.path << ", ";
    if (f.distribution == sp::Distribution::levels) {
      std::vector<std::string> lv;
      for (double v : f.levels) lv.push_back(sp::format_number(v));
      std::cout << "levels [" << sp::join(lv) << "]\n";
    } else {
      std::cout << sp::distribution_name(f.distribution) << " on [" << sp::format_number(f.lower) << ", " << sp::format_number(f.upper) << "]\n";
    }
  }
  if (!salib.empty()) {
    try {
      sp::export_salib(*ex, salib);
    } catch (const sp::h5::Error& e) {
      std::cerr << "sixparty design: " << e.what() << "\n";
      return 3;
    }
    std::cout << "wrote " << salib << "/problem.json and " << salib << "/sample.txt (" << ex->rows() << " rows, SALib's row order)\n";
  }
  return 0;
}

struct SensitivityArgs {
  sp::SensitivityRequest req;
  std::string estimator = "saltelli2010";
  std::string format = "table";
  bool no_store = false;
};

int cmd_sensitivity(SensitivityArgs a) {
  a.req.estimator = a.estimator == "jansen" ? sp::SobolEstimator::jansen : sp::SobolEstimator::saltelli2010;
  sp::SensitivityReport rep;
  try {
    rep = sp::analyse_sensitivity(a.req);
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty sensitivity: " << e.what() << "\n";
    return 2;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty sensitivity: '" << a.req.file << "': " << e.what() << "\n";
    return 2;
  }
  if (a.format == "json") std::cout << sp::format_sensitivity_json(rep);
  else if (a.format == "csv") std::cout << sp::format_sensitivity_csv(rep);
  else std::cout << sp::format_sensitivity_table(rep);
  if (!a.no_store) {
    try {
      sp::store_sensitivity(a.req.file, rep);
    } catch (const sp::h5::Error& e) {
      std::cerr << "sixparty sensitivity: cannot store the indices: " << e.what() << "\n";
      return 3;
    }
    if (a.format == "table") std::cout << "stored in " << a.req.file << " (sensitivity/)\n";
  }
  return 0;
}

struct ReplayArgs {
  sp::ReplayRequest req;
  std::string output;
  std::string record = "traces";
  bool force = false;
  bool quiet = false;
};

int cmd_replay(const ReplayArgs& a, const std::string& cmdline) {
  sp::ReplayPlan plan;
  try {
    plan = sp::plan_replay(a.req);
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty replay: " << e.what() << "\n";
    return 2;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty replay: '" << a.req.file << "': " << e.what() << "\n";
    return 2;
  }
  std::string out = a.output;
  if (out.empty()) out = "results/replay_point" + std::to_string(a.req.point) + "_run" + std::to_string(a.req.replicate) + ".h5";
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !a.force) {
    std::cerr << "sixparty replay: '" << out << "' exists; expected a new path, or --force to overwrite it\n";
    return 2;
  }
  if (!plan.failure.empty() && !a.quiet) std::cout << "the batch recorded this run as failed: " << plan.failure << "\n";
  sp::EnsembleOptions opt;
  opt.runs = 1;
  opt.first_run = plan.replicate;
  opt.seed = plan.seed;
  opt.level = a.record == "outcomes" ? sp::RecordLevel::outcomes : a.record == "summary" ? sp::RecordLevel::summary : sp::RecordLevel::traces;
  opt.check_invariants = true;  // a replay looks for the step where things went wrong
  try {
    sp::ThreadScope threads(1);
    sp::RunMetadata meta{cmdline, sp::utc_now(), 1};
    sp::ResultsFile file(out, meta);
    {
      auto sink = file.add_scenario(plan.scenario, opt);
      TallySink tally(plan.scenario, *sink, nullptr);
      threads.run([&] { sp::run_ensemble(plan.scenario, opt, tally, nullptr, nullptr); });
      if (!a.quiet) {
        std::cout << "point " << a.req.point << ", run " << plan.replicate << " (seed " << plan.seed << ") of '" << plan.scenario.name << "':\n";
        tally.print(std::cout);
      }
    }
    file.commit("complete");
    if (!a.quiet) std::cout << "wrote " << out << " (" << a.record << ")\n";
  } catch (const sp::InvariantViolation& e) {
    std::cerr << "sixparty replay: the run fails: " << e.what() << "\n";
    return 1;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty replay: cannot write results: " << e.what() << "\n";
    return 3;
  }
  return 0;
}

int cmd_merge(const std::vector<std::string>& shards, const std::string& out, bool force, const std::string& cmdline) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !force) {
    std::cerr << "sixparty merge: '" << out << "' exists; expected a new path, or --force to overwrite it\n";
    return 2;
  }
  try {
    sp::merge_shards(shards, out, sp::RunMetadata{cmdline, sp::utc_now(), 1});
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty merge: " << e.what() << "\n";
    return 2;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty merge: " << e.what() << "\n";
    return 3;
  }
  std::cout << "wrote " << out << " from " << shards.size() << " shards\n";
  return 0;
}

int cmd_params() {
  std::printf("%-10s %-22s %-20s %9s  %-16s %s\n", "model", "name", "unit", "default", "range", "meaning");
  for (const auto& p : sp::parameter_catalogue()) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", p.min_value, p.max_value);
    std::printf("%-10s %-22s %-20s %9g  %-16s %s\n", p.model, p.name, p.unit, p.default_value, range, p.meaning);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sp::h5::no_cleanup_at_exit();
  sp::h5::quiet();
  CLI::App app{"sixparty: an agent-based simulator of North East Asian relations"};
  app.set_version_flag("--version", std::string("sixparty ") + sp::kVersion + " (" + sp::kGitRevision + ")");
  app.require_subcommand(1);

  RunArgs ra;
  auto* run = app.add_subcommand("run", "run each scenario's Monte Carlo ensemble into one HDF5 file");
  run->add_option("scenario", ra.scenarios, "scenario YAML files")->required()->check(CLI::ExistingPath);
  run->add_option("-n,--runs", ra.runs, "runs per scenario (default: the scenario's run.runs)")->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  auto* seed_opt = run->add_option("--seed", ra.seed, "ensemble seed (default: the scenario's run.seed)");
  run->add_option("--threads", ra.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  run->add_option("-o,--output", ra.output, "results file (default: results/<first scenario>.h5)");
  run->add_option("--record", ra.record, "what to record: outcomes, summary (default) or traces")
      ->check(CLI::IsMember({"outcomes", "summary", "traces"}));
  run->add_option("--set", ra.sets, "override a scenario value, PATH=VALUE (repeatable), e.g. --set run.runs=10");
  run->add_flag("--force", ra.force, "overwrite an existing results file");
  run->add_flag("-q,--quiet", ra.quiet, "print nothing but errors");
  run->add_flag("--check", ra.check, "check invariants after every step (always on in debug builds)");
  run->add_flag("--require-patterns", ra.require_patterns, "exit with code 4 if any declared pattern is not met");

  std::vector<std::string> vfiles, vsets;
  auto* validate = app.add_subcommand("validate", "check scenario files and print every error with its location");
  validate->add_option("scenario", vfiles, "scenario YAML files")->required();
  validate->add_option("--set", vsets, "override a scenario value, PATH=VALUE (repeatable)");

  std::string info_file;
  auto* info = app.add_subcommand("info", "show what a results file holds");
  info->add_option("file", info_file, "results file (.h5)")->required();

  auto* params = app.add_subcommand("params", "list every model parameter with unit, default and range");

  CompareArgs ca;
  auto* compare = app.add_subcommand("compare", "compare two scenarios (run as a paired ensemble) or two results groups");
  compare->add_option("inputs", ca.inputs, "A B: scenario files, or FILE.h5:GROUP (default: scenarios/status_quo.yaml scenarios/collapse.yaml)");
  compare->add_option("-n,--runs", ca.run.runs, "runs per scenario (default: the scenarios' run.runs)")->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  auto* cseed = compare->add_option("--seed", ca.run.seed, "ensemble seed shared by A and B (default: A's run.seed)");
  compare->add_option("--threads", ca.run.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  compare->add_option("-o,--output", ca.run.output, "results file for scenario inputs (default: results/comparison.h5)");
  compare->add_option("--format", ca.format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  compare->add_option("--set", ca.run.sets, "override a scenario value in both, PATH=VALUE (repeatable)");
  compare->add_flag("--force", ca.run.force, "overwrite an existing results file");
  compare->add_flag("-q,--quiet", ca.run.quiet, "print only the comparison");

  sp::GenerateOptions gen;
  std::string gen_out;
  auto* generate = app.add_subcommand("generate", "write a synthetic N-actor world (a scenario) for scaling studies");
  generate->add_option("-n,--actors", gen.actors, "number of actors")->check(CLI::Range(2, sp::ScenarioLimits::max_actors));
  generate->add_option("--seed", gen.seed, "seed of the world");
  generate->add_option("-o,--output", gen_out, "file to write (default: standard output)");

  BatchArgs ba;
  auto* batch = app.add_subcommand("batch", "run an experiment (a design over factors) into one HDF5 file; rerun to resume");
  batch->add_option("experiment", ba.experiment, "experiment YAML file")->required()->check(CLI::ExistingFile);
  batch->add_option("-o,--output", ba.output, "results file (default: results/<experiment name>.h5)");
  batch->add_option("--threads", ba.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  batch->add_option("--shard", ba.shard, "run only shard K of N (contiguous points), e.g. 2/4; join with sixparty merge");
  batch->add_flag("--fresh", ba.fresh, "discard a previous journal or results file and start over");
  batch->add_flag("-q,--quiet", ba.quiet, "print nothing but errors");
  batch->add_flag("--check", ba.check, "check invariants after every step (each run is always checked at its end)");

  std::string design_file, design_salib;
  auto* design = app.add_subcommand("design", "show an experiment's design; --salib writes it in SALib's format");
  design->add_option("experiment", design_file, "experiment YAML file")->required()->check(CLI::ExistingFile);
  design->add_option("--salib", design_salib, "folder for problem.json and sample.txt");

  SensitivityArgs sa;
  auto* sens = app.add_subcommand("sensitivity", "Sobol' indices or Morris effects of a batch results file, with bootstrap intervals");
  sens->add_option("file", sa.req.file, "batch results file (.h5)")->required()->check(CLI::ExistingFile);
  sens->add_option("--outcome", sa.req.outcomes, "VARIABLE.ACTOR, e.g. collapsed.DPRK (repeatable; default: the experiment's outcomes)");
  sens->add_option("--estimator", sa.estimator, "first-order estimator: saltelli2010 (default) or jansen")->check(CLI::IsMember({"saltelli2010", "jansen"}));
  sens->add_option("--resamples", sa.req.resamples, "bootstrap resamples (default 1000)")->check(CLI::Range(10, 100000));
  sens->add_option("--confidence", sa.req.confidence, "interval level (default 0.95)")->check(CLI::Range(0.5, 0.999));
  sens->add_option("--seed", sa.req.seed, "bootstrap seed (default 1)");
  sens->add_option("--format", sa.format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  sens->add_flag("--no-store", sa.no_store, "print only; do not store the indices in the file");

  ReplayArgs pa;
  auto* replay = app.add_subcommand("replay", "rerun one run of a batch alone, with full traces and invariant checks");
  replay->add_option("file", pa.req.file, "batch results file (.h5)")->required()->check(CLI::ExistingFile);
  replay->add_option("--point", pa.req.point, "design point")->required();
  replay->add_option("--run", pa.req.replicate, "run (replicate) within the point")->required();
  replay->add_option("-o,--output", pa.output, "results file (default: results/replay_point<P>_run<R>.h5)");
  replay->add_option("--record", pa.record, "traces (default), summary or outcomes")->check(CLI::IsMember({"outcomes", "summary", "traces"}));
  replay->add_flag("--force", pa.force, "overwrite an existing results file");
  replay->add_flag("-q,--quiet", pa.quiet, "print nothing but errors");

  std::vector<std::string> merge_in;
  std::string merge_out;
  bool merge_force = false;
  auto* merge = app.add_subcommand("merge", "join the shard files of one batch (--shard K/N) into one file");
  merge->add_option("shards", merge_in, "shard files (.h5), every shard once")->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", merge_out, "joined results file")->required();
  merge->add_flag("--force", merge_force, "overwrite an existing results file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*run) {
      ra.seed_given = seed_opt->count() > 0;
      return cmd_run(ra, command_line(argc, argv));
    }
    if (*validate) return cmd_validate(vfiles, vsets);
    if (*compare) {
      ca.run.seed_given = cseed->count() > 0;
      return cmd_compare(ca, command_line(argc, argv));
    }
    if (*info) {
      try {
        std::cout << sp::describe_results_isolated(info_file);
      } catch (const sp::h5::Error& e) {
        std::cerr << "sixparty info: " << e.what() << "\n";
        return 2;
      }
      return 0;
    }
    if (*params) return cmd_params();
    if (*batch) return cmd_batch(ba, command_line(argc, argv));
    if (*design) return cmd_design(design_file, design_salib);
    if (*sens) return cmd_sensitivity(sa);
    if (*replay) return cmd_replay(pa, command_line(argc, argv));
    if (*merge) return cmd_merge(merge_in, merge_out, merge_force, command_line(argc, argv));
    if (*generate) {
      const std::string text = sp::generate_world(gen);
      if (gen_out.empty()) {
        std::cout << text;
        return 0;
      }
      const std::string temp = gen_out + ".tmp-" + std::to_string(::getpid());
      std::ofstream f(temp);
      f << text;
      f.close();
      std::error_code ec;
      if (!f) {
        std::filesystem::remove(temp, ec);
        std::cerr << "sixparty generate: cannot write '" << gen_out << "'\n";
        return 3;
      }
      std::filesystem::rename(temp, gen_out, ec);
      if (ec) {
        std::filesystem::remove(temp, ec);
        std::cerr << "sixparty generate: cannot write '" << gen_out << "': " << ec.message() << "\n";
        return 3;
      }
      return 0;
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "sixparty: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "sixparty: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
