#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace sixparty {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, std::int64_t total, bool enabled, bool lines)
    : label_(std::move(label)), total_(total), enabled_(enabled), lines_(lines), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(std::int64_t done) { update(done, ""); }

void Progress::update(std::int64_t done, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < (lines_ ? std::chrono::milliseconds(10000) : std::chrono::milliseconds(100))) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  std::fprintf(stderr, "%s[%s] %s%s%lld/%lld runs  %.0f runs/s  ETA %.1f s%s", lines_ ? "" : "\r\033[K", label_.c_str(), detail.c_str(),
               detail.empty() ? "" : "  ", static_cast<long long>(done), static_cast<long long>(total_), rate, eta, lines_ ? "\n" : "");
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && drawn_ && !lines_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace sixparty
