#include "cli/common.hpp"

#include "core/text.hpp"
#include "experiment/patterns.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <ostream>
#include <utility>

namespace sixparty::cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

std::atomic<bool>& stop_flag() { return g_stop; }

namespace {
const mpi::Session* g_session = nullptr;
}
const mpi::Session& session() { return *g_session; }
void set_session(const mpi::Session* s) { g_session = s; }

std::string worker_ranks(std::size_t n) { return std::to_string(n) + (n == 1 ? " worker rank" : " worker ranks"); }

std::string farm_report(const Farm& farm) {
  const auto size = [](std::uint64_t b) {
    return b < 1000000 ? format_number(std::round(static_cast<double>(b) / 100) / 10) + " kB"
                       : format_number(std::round(static_cast<double>(b) / 1e5) / 10) + " MB";
  };
  return "MPI: " + worker_ranks(farm.workers()) + "; " + size(farm.bytes_sent) + " of tasks sent, " +
         size(farm.bytes_received) + " of results received";
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the program at once (the final file is untouched)
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

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

void add_threads_option(CLI::App* sub, int& threads) {
  sub->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
}

void add_force_flag(CLI::App* sub, bool& force) { sub->add_flag("--force", force, "overwrite an existing results file"); }

void add_quiet_flag(CLI::App* sub, bool& quiet, const char* what) { sub->add_flag("-q,--quiet", quiet, what); }

void add_record_option(CLI::App* sub, std::string& record, const char* what) {
  sub->add_option("--record", record, what)->check(CLI::IsMember({"outcomes", "summary", "traces"}));
}

RecordLevel record_level(const std::string& record) {
  if (record == "outcomes") return RecordLevel::outcomes;
  if (record == "summary") return RecordLevel::summary;
  return RecordLevel::traces;
}

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 19 &&
                            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoull(text) > 9223372036854775807ull)
          return "found '" + text + "'; expected a whole number in [0, 2^63) written as digits";
        return "";
      },
      "SEED");
}

std::string refuse_existing(const std::string& out, bool force) {
  std::error_code ec;
  const auto st = std::filesystem::status(out, ec);  // through a link: what would be replaced is its target's kind
  if (ec || !std::filesystem::exists(st)) return "";
  // a device, pipe, socket or directory is never replaced, not even with --force (-o /dev/null as root)
  if (!std::filesystem::is_regular_file(st))
    return "'" + out + "' exists and is not a regular file (a directory, device, pipe or socket); expected a path for a new or regular file";
  if (!force) return "'" + out + "' exists; expected a new path, or --force to overwrite it";
  return "";
}

std::string claim_output(const std::string& out, std::unique_ptr<files::OutputLock>& lock, int& rc) {
  try {
    lock = std::make_unique<files::OutputLock>(out);
  } catch (const files::Busy&) {
    rc = kBadInput;
    return "another sixparty process is writing '" + out + "' (it holds '" + out + ".lock'); expected one writer per output";
  } catch (const files::WriteError& e) {
    rc = kCannotWrite;
    return std::string("cannot write results: ") + e.what();
  }
  files::remove_stale_temporaries(out, {"."});
  return "";
}

int take_output(const char* cmd, const std::string& out, bool force, std::unique_ptr<files::OutputLock>& lock, bool into_existing) {
  if (!into_existing) {
    if (const std::string why = refuse_existing(out, force); !why.empty()) {
      std::cerr << "sixparty " << cmd << ": " << why << "\n";
      return kBadInput;
    }
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::path(out).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
      std::cerr << "sixparty " << cmd << ": the output directory '" << dir.string() << "' does not exist\n";
      return kCannotWrite;
    }
  }
  int rc = kOk;
  if (const std::string why = claim_output(out, lock, rc); !why.empty()) {
    std::cerr << "sixparty " << cmd << ": " << why << "\n";
    return rc;
  }
  return kOk;
}

TallySink::TallySink(const Scenario& sc, EnsembleSink& inner)
    : sc_(sc), inner_(inner), layout_(sc, outcome_variables()) {
  const std::size_t n = sc.n();
  collapsed_.assign(n, 0);
  for (Moments* m : {&stability_, &utility_}) {
    m->sum.assign(n, 0);
    m->sum2.assign(n, 0);
    m->lo.assign(n, std::numeric_limits<double>::infinity());
    m->hi.assign(n, -std::numeric_limits<double>::infinity());
  }
}

void TallySink::block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) {
  const auto& vars = outcome_variables();
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
      for (auto [m, x] : {std::pair{&stability_, o[os + i]}, std::pair{&utility_, o[ou + i]}}) {
        m->sum[i] += x;
        m->sum2[i] += x * x;
        m->lo[i] = std::min(m->lo[i], x);
        m->hi[i] = std::max(m->hi[i], x);
      }
    }
  }
  runs_ += count;
  inner_.block(first, count, outcomes, traces);
}

void TallySink::print(std::ostream& os) const {
  if (runs_ == 0) return;
  if (runs_ == 1) {  // a replay: the values of that run
    os << "  actor   collapsed  final stability  mean utility   (one run)\n";
    for (int i = 0; i < sc_.n(); ++i) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-6s  %9s  %15.3f  %12.3f\n", sc_.actor_ids[i].c_str(), collapsed_[i] > 0 ? "yes" : "no",
                    stability_.sum[i], utility_.sum[i]);
      os << line;
    }
    return;
  }
  // say what kind of number each column is (issue 11): a probability with its Monte Carlo error,
  // and means over runs with the spread of the runs, which is not an error of the mean
  os << "  P(collapse): share of runs [95 % Monte Carlo interval, Wilson]; final stability, mean utility:\n"
        "  mean over runs +- the sd across runs (how far runs differ), '(all runs)' where no run differs\n";
  os << "  actor   P(collapse)             final stability        mean utility\n";
  auto spread = [&](const Moments& m, int i) {
    const double mean = m.sum[i] / runs_;
    char cell[64];
    if (m.lo[i] == m.hi[i]) {
      std::snprintf(cell, sizeof cell, "%.3f (all runs)", m.lo[i]);
    } else {
      const double var = std::max(0.0, (m.sum2[i] - runs_ * mean * mean) / std::max(1.0, runs_ - 1));
      std::snprintf(cell, sizeof cell, "%.3f +- %.3f", mean, std::sqrt(var));
    }
    return std::string(cell);
  };
  for (int i = 0; i < sc_.n(); ++i) {
    const double p = collapsed_[i] / runs_, z = 1.96, z2n = z * z / runs_;
    const double centre = (p + z2n / 2) / (1 + z2n);
    const double half = z * std::sqrt(p * (1 - p) / runs_ + z2n / (4 * runs_)) / (1 + z2n);
    char prob[64], line[240];
    std::snprintf(prob, sizeof prob, "%.3f [%.3f, %.3f]", p, std::max(0.0, centre - half), std::min(1.0, centre + half));
    std::snprintf(line, sizeof line, "  %-6s  %-22s  %-21s  %s\n", sc_.actor_ids[i].c_str(), prob, spread(stability_, i).c_str(),
                  spread(utility_, i).c_str());
    os << line;
  }
}

}  // namespace sixparty::cli
