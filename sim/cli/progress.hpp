// progress: a one-line progress report on stderr (runs done, rate, ETA), redrawn in place on a
// terminal; or, where stderr is a pipe or a log (an MPI job: the launcher forwards it), a line
// every 10 seconds and one at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sixparty {

class Progress {
 public:
  // enabled: normally "stderr is a terminal and --quiet was not given"; lines: print whole
  // lines, every 10 s and at the end, instead of redrawing one
  Progress(std::string label, std::int64_t total, bool enabled, bool lines = false);
  void update(std::int64_t done);
  // with a detail shown before the run count, e.g. "points 12/40"
  void update(std::int64_t done, const std::string& detail);
  void finish();  // clears the line

 private:
  std::string label_;
  std::int64_t total_;
  bool enabled_, lines_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

bool stderr_is_terminal();

}  // namespace sixparty
