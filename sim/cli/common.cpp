#include "cli/common.hpp"

#include "experiment/patterns.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <ostream>

namespace sixparty::cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

std::atomic<bool>& stop_flag() { return g_stop; }

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

std::string refuse_existing(const std::string& out, bool force) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !force) return "'" + out + "' exists; expected a new path, or --force to overwrite it";
  return "";
}

TallySink::TallySink(const Scenario& sc, EnsembleSink& inner, PatternLeaves* leaves)
    : sc_(sc), inner_(inner), layout_(sc, outcome_variables()), leaves_(leaves) {
  const std::size_t n = sc.n();
  collapsed_.assign(n, 0);
  stability_.assign(n, 0);
  utility_.assign(n, 0);
}

void TallySink::block(std::int64_t first, std::int64_t count, const double* outcomes, const double* traces) {
  if (leaves_ && traces) leaves_->add_block(first, count, traces);
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
      stability_[i] += o[os + i];
      utility_[i] += o[ou + i];
    }
  }
  runs_ += count;
  inner_.block(first, count, outcomes, traces);
}

void TallySink::print(std::ostream& os) const {
  if (runs_ == 0) return;
  os << "  actor   P(collapse)  final stability  mean utility\n";
  for (int i = 0; i < sc_.n(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-6s  %11.3f  %15.3f  %12.3f\n", sc_.actor_ids[i].c_str(), collapsed_[i] / runs_,
                  stability_[i] / runs_, utility_[i] / runs_);
    os << line;
  }
}

}  // namespace sixparty::cli
