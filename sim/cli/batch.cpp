// the batch commands: batch, design, sensitivity, replay, merge
#include "analysis/sensitivity_report.hpp"
#include "batch/batch.hpp"
#include "io/batch_file.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "engine/step.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/experiment.hpp"
#include "io/error.hpp"
#include "io/results_file.hpp"
#include "mpi/cluster.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <system_error>

namespace sixparty::cli {

namespace sp = sixparty;

namespace {

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

// "2 scenarios" or, with policies, "1 scenario x 4 policies"
std::string entries(const sp::Experiment& ex) {
  const std::size_t p = ex.policies.size(), files = p ? ex.scenario_files.size() / p : ex.scenario_files.size();
  std::string s = std::to_string(files) + (files == 1 ? " scenario" : " scenarios");
  if (p) s += " x " + std::to_string(p) + (p == 1 ? " policy" : " policies");
  return s;
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
  if (!ex) return kBadInput;
  sp::BatchOptions opt;
  if (!a.shard.empty() && !parse_shard(a.shard, opt.shard, opt.shards)) {
    std::cerr << "sixparty batch: --shard '" << a.shard << "'; expected K/N with 1 <= K <= N, e.g. 2/4\n";
    return kBadInput;
  }
  opt.fresh = a.fresh;
  opt.check_invariants = a.check;
  // under MPI, ranks 1 .. P-1 run the chunks rank 0 hands out; rank 0 does everything else
  // (journal, file, progress). Every rank got this far on the same inputs.
  const auto& job = session();
  if (job.rank() > 0) {
    sp::ThreadScope threads(a.threads);
    install_signal_handlers();  // a signal is for rank 0 to act on: workers serve until told to stop
    auto w = sp::mpi::worker(job);
    threads.run([&] { sp::serve_batch(*ex, opt, *w); });
    return kOk;
  }
  std::unique_ptr<sp::Farm> farm;  // destroyed on every way out: the workers are told to stop
  if (job.size() > 1) farm = sp::mpi::coordinator(job);
  opt.farm = farm.get();
  std::string out = a.output;
  if (out.empty()) out = "results/" + sp::group_name(ex->name, {}) + (opt.shards > 1 ? "_shard" + std::to_string(opt.shard + 1) + "of" + std::to_string(opt.shards) : "") + ".h5";
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(out).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    std::cerr << "sixparty batch: the output directory '" << dir.string() << "' does not exist\n";
    return kCannotWrite;
  }
  sp::ThreadScope threads(a.threads);
  install_signal_handlers();
  const bool show = !a.quiet && sp::stderr_is_terminal();
  const bool lines = !a.quiet && farm && !show;  // an MPI job's log: whole lines, every 10 s
  const auto [p0, p1] = sp::shard_points(ex->points(), opt.shard, opt.shards);
  if (!a.quiet)
    std::cout << "experiment '" << ex->name << "': " << sp::design_kind_name(ex->design.kind) << " design, " << ex->factors.size()
              << " factors, " << ex->points() << " points (" << entries(*ex) << " x " << ex->rows() << " rows) x " << ex->runs_per_point << " runs"
              << (opt.shards > 1 ? "; shard " + a.shard + ": points " + std::to_string(p0) + " to " + std::to_string(p1 - 1) : std::string())
              << (farm ? "; MPI: " + worker_ranks(farm->workers()) : std::string()) << "\n";
  try {
    sp::RunMetadata meta{cmdline, sp::utc_now(), threads.threads()};
    std::unique_ptr<sp::Progress> progress, writer;
    std::int64_t resumed = -1;
    sp::BatchStatus st;
    threads.run([&] {
      st = sp::run_batch(*ex, out, opt, meta, [&](const sp::BatchStatus& s) {
        if (!progress) {
          resumed = s.runs_resumed;
          progress = std::make_unique<sp::Progress>(ex->name, s.runs_total - s.runs_resumed, show || lines, lines);
        }
        if (s.writing) {
          if (!writer) {
            progress->finish();
            writer = std::make_unique<sp::Progress>("writing " + out, s.runs_total, show || lines, lines);
          }
          writer->update(s.rows_written);
          return;
        }
        progress->update(s.runs_done - s.runs_resumed, "points " + std::to_string(s.points_done) + "/" + std::to_string(s.points_total));
      }, &stop_flag());
    });
    if (progress) progress->finish();
    if (writer) writer->finish();
    // a point without a single result is not an answer: say so, and fail (also when rerun)
    const auto empty_points = [&](const std::vector<std::pair<std::int64_t, std::string>>& empty) {
      if (empty.empty()) return int{kOk};
      std::string first = empty.front().second;
      while (!first.empty() && first.back() == '\n') first.pop_back();
      std::cerr << "sixparty batch: every run of " << empty.size() << " of " << st.points_total
                << " points failed, so they have no result (point " << empty.front().first << ": " << first << ")\n";
      return int{kRunFailed};
    };
    if (st.already_complete) {
      if (!a.quiet) std::cout << "'" << out << "' already holds every run of this experiment; nothing to do (--fresh runs it again)\n";
      return empty_points(sp::batch_file_empty_points(out));
    }
    if (!a.quiet && st.runs_resumed > 0)
      std::cout << "resumed from " << st.journal << ": " << st.runs_resumed << " runs were already done\n";
    const std::int64_t ran = st.runs_done - st.runs_resumed;
    if (!a.quiet)
      std::cout << ran << " runs in " << sp::format_number(std::round(st.seconds * 1000) / 1000) << " s ("
                << static_cast<long long>(st.seconds > 0 ? ran / st.seconds : 0) << " runs/s, "
                << (farm ? worker_ranks(farm->workers()) : std::to_string(threads.threads()) + " threads")
                << (st.write_seconds > 0 ? ", of which " + sp::format_number(std::round(st.write_seconds * 100) / 100) + " s writing the file" : std::string())
                << ")\n";
    if (!a.quiet && farm) std::cout << farm_report(*farm) << "\n";
    if (st.interrupted) {
      std::cerr << "sixparty batch: interrupted; " << st.runs_done << " of " << st.runs_total << " runs are kept in '" << st.journal
                << "'; rerun the same command to finish the rest\n";
      return kInterrupted;
    }
    if (st.runs_failed > 0)
      std::cerr << "sixparty batch: " << st.runs_failed << " of " << st.runs_total << " runs failed; they are listed in " << out
                << ":/failures (sixparty replay " << out << " --point P --run R reruns one)\n";
    if (!a.quiet) std::cout << "wrote " << out << "\n";
    (void)resumed;
    if (const int rc = empty_points(st.empty_points); rc != kOk) return rc;
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty batch: " << e.what() << "\n";
    return kBadInput;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty batch: cannot write results: " << e.what() << "; finished runs stay in '" << out << ".journal'\n";
    return kCannotWrite;
  } catch (const std::system_error& e) {
    std::cerr << "sixparty batch: " << e.what() << "; finished runs stay in '" << out << ".journal'\n";
    return kCannotWrite;
  }
  return 0;
}

int cmd_design(const std::string& path, const std::string& salib) {
  auto ex = load_experiment_or_report(path, "design");
  if (!ex) return kBadInput;
  std::cout << "experiment '" << ex->name << "': " << sp::design_kind_name(ex->design.kind) << " design, " << ex->points() << " points ("
            << entries(*ex) << " x " << ex->rows() << " rows), " << ex->runs_per_point << " runs per point, "
            << ex->runs() << " runs, seed " << ex->seed << " (" << (ex->common_seeds ? "common" : "independent") << " seeds)\n";
  for (std::size_t q = 0; q < ex->policies.size(); ++q) {
    std::cout << "  policy " << ex->policies[q].name << ":";
    for (const auto& set : ex->policies[q].sets) std::cout << " " << set;
    std::cout << (ex->policies[q].sets.empty() ? " the scenario as it is\n" : "\n");
  }
  for (const auto& f : ex->factors) {
    std::cout << "  " << f.name << ": " << f.path << ", ";
    if (f.categorical()) {
      std::cout << "categories [" << sp::join(f.categories) << "]" << (f.integer ? ", each equally likely" : "") << "\n";
    } else if (ex->design.kind == sp::DesignKind::imported && !f.levels.empty()) {
      const auto [lo, hi] = std::minmax_element(f.levels.begin(), f.levels.end());
      std::cout << f.levels.size() << " values from the design file, in [" << sp::format_number(*lo) << ", " << sp::format_number(*hi) << "]\n";
    } else if (f.distribution == sp::Distribution::levels) {
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
      return kCannotWrite;
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
    return kBadInput;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty sensitivity: '" << a.req.file << "': " << e.what() << "\n";
    return kBadInput;
  }
  if (a.format == "json") std::cout << sp::format_sensitivity_json(rep);
  else if (a.format == "csv") std::cout << sp::format_sensitivity_csv(rep);
  else std::cout << sp::format_sensitivity_table(rep);
  if (!a.no_store) {
    try {
      sp::store_sensitivity(a.req.file, rep);
    } catch (const sp::h5::Error& e) {
      std::cerr << "sixparty sensitivity: cannot store the indices: " << e.what() << "\n";
      return kCannotWrite;
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
    return kBadInput;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty replay: '" << a.req.file << "': " << e.what() << "\n";
    return kBadInput;
  }
  if (const std::string why = summary_guard(plan.scenario, record_level(a.record)); !why.empty()) {
    std::cerr << "sixparty replay: " << why << "\n";
    return kBadInput;
  }
  std::string out = a.output;
  if (out.empty()) out = "results/replay_point" + std::to_string(a.req.point) + "_run" + std::to_string(a.req.replicate) + ".h5";
  std::unique_ptr<files::OutputLock> lock;
  if (const int rc = take_output("replay", out, a.force, lock); rc != kOk) return rc;
  if (!plan.failure.empty() && !a.quiet) std::cout << "the batch recorded this run as failed: " << plan.failure << "\n";
  sp::EnsembleOptions opt;
  opt.runs = 1;
  opt.first_run = plan.replicate;
  opt.seed = plan.seed;
  opt.level = record_level(a.record);
  opt.check_invariants = true;  // a replay looks for the step where things went wrong
  try {
    sp::ThreadScope threads(1);
    sp::RunMetadata meta{cmdline, sp::utc_now(), 1};
    sp::ResultsFile file(out, meta);
    {
      auto sink = file.add_scenario(plan.scenario, opt);
      TallySink tally(plan.scenario, *sink);
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
    return kRunFailed;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty replay: cannot write results: " << e.what() << "\n";
    return kCannotWrite;
  }
  return 0;
}

int cmd_merge(const std::vector<std::string>& shards, const std::string& out, bool force, const std::string& cmdline) {
  std::unique_ptr<files::OutputLock> lock;
  if (const int rc = take_output("merge", out, force, lock); rc != kOk) return rc;
  try {
    sp::merge_shards(shards, out, sp::RunMetadata{cmdline, sp::utc_now(), 1});
  } catch (const sp::BatchError& e) {
    std::cerr << "sixparty merge: " << e.what() << "\n";
    return kBadInput;
  } catch (const sp::h5::Error& e) {
    std::cerr << "sixparty merge: " << e.what() << "\n";
    return kCannotWrite;
  }
  std::cout << "wrote " << out << " from " << shards.size() << " shards\n";
  return 0;
}

}  // namespace

void add_batch_commands(CLI::App& app, std::vector<Command>& out, const std::string& cmdline) {
  auto ba = std::make_shared<BatchArgs>();
  auto* batch = app.add_subcommand("batch", "run an experiment (a design over factors) into one HDF5 file; rerun to resume");
  batch->add_option("experiment", ba->experiment, "experiment YAML file")->required()->check(CLI::ExistingFile);
  batch->add_option("-o,--output", ba->output, "results file (default: results/<experiment name>.h5)");
  add_threads_option(batch, ba->threads);
  batch->add_option("--shard", ba->shard, "run only shard K of N (contiguous points), e.g. 2/4; join with sixparty merge");
  batch->add_flag("--fresh", ba->fresh, "discard a previous journal or results file and start over");
  add_quiet_flag(batch, ba->quiet);
  batch->add_flag("--check", ba->check, "check invariants after every step (each run is always checked at its end)");
  out.push_back({batch, [=] { return cmd_batch(*ba, cmdline); }});

  auto design_file = std::make_shared<std::string>(), design_salib = std::make_shared<std::string>();
  auto* design = app.add_subcommand("design", "show an experiment's design; --salib writes it in SALib's format");
  design->add_option("experiment", *design_file, "experiment YAML file")->required()->check(CLI::ExistingFile);
  design->add_option("--salib", *design_salib, "folder for problem.json and sample.txt");
  out.push_back({design, [=] { return cmd_design(*design_file, *design_salib); }});

  auto sa = std::make_shared<SensitivityArgs>();
  auto* sens = app.add_subcommand("sensitivity", "Sobol' indices or Morris effects of a batch results file, with bootstrap intervals");
  sens->add_option("file", sa->req.file, "batch results file (.h5)")->required()->check(CLI::ExistingFile);
  sens->add_option("--outcome", sa->req.outcomes, "VARIABLE.ACTOR, e.g. collapsed.DPRK (repeatable; default: the experiment's outcomes)");
  sens->add_option("--estimator", sa->estimator, "first-order estimator: saltelli2010 (default) or jansen")->check(CLI::IsMember({"saltelli2010", "jansen"}));
  sens->add_option("--resamples", sa->req.resamples, "bootstrap resamples (default 1000)")->check(CLI::Range(10, 100000));
  sens->add_option("--confidence", sa->req.confidence, "interval level (default 0.95)")->check(CLI::Range(0.5, 0.999));
  sens->add_option("--seed", sa->req.seed, "bootstrap seed (default 1)")->check(seed_validator());
  sens->add_option("--format", sa->format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  sens->add_flag("--no-store", sa->no_store, "print only; do not store the indices in the file");
  out.push_back({sens, [=] { return cmd_sensitivity(*sa); }});

  auto pa = std::make_shared<ReplayArgs>();
  auto* replay = app.add_subcommand("replay", "rerun one run of a batch alone, with full traces and invariant checks");
  replay->add_option("file", pa->req.file, "batch results file (.h5)")->required()->check(CLI::ExistingFile);
  replay->add_option("--point", pa->req.point, "design point")->required();
  replay->add_option("--run", pa->req.replicate, "run (replicate) within the point")->required();
  replay->add_option("-o,--output", pa->output, "results file (default: results/replay_point<P>_run<R>.h5)");
  add_record_option(replay, pa->record, "traces (default), summary or outcomes");
  add_force_flag(replay, pa->force);
  add_quiet_flag(replay, pa->quiet);
  out.push_back({replay, [=] { return cmd_replay(*pa, cmdline); }});

  auto merge_in = std::make_shared<std::vector<std::string>>();
  auto merge_out = std::make_shared<std::string>();
  auto merge_force = std::make_shared<bool>(false);
  auto* merge = app.add_subcommand("merge", "join the shard files of one batch (--shard K/N) into one file");
  merge->add_option("shards", *merge_in, "shard files (.h5), every shard once")->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", *merge_out, "joined results file")->required();
  add_force_flag(merge, *merge_force);
  out.push_back({merge, [=] { return cmd_merge(*merge_in, *merge_out, *merge_force, cmdline); }});
}

}  // namespace sixparty::cli
