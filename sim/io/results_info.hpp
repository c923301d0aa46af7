// results_info: a readable description of what a results file holds (`sixparty info`).
#pragma once

#include <functional>
#include <string>

namespace sixparty {

// call first thing in a program that reads or writes results files: silences the HDF5 library's
// own error printing (errors are reported as h5::Error) and stops it from closing files again at
// exit, which crashes (HDF5 1.10) when a close had failed for lack of disk space
void prepare_results_library();

// the description; throws h5::Error (with a message for the user) when the file cannot be read
std::string describe_results(const std::string& path);

// the same, read in a child process: a crash inside the HDF5 library on a damaged file, or a
// read that takes longer than `seconds` (HDF5 can loop on some damaged files), becomes an
// h5::Error ("damaged") instead of taking the caller down. `sixparty info` uses this.
std::string describe_results_isolated(const std::string& path, unsigned seconds = 20);

// runs `read`, a reader of the file `path`, in a child process first: when it crashes there (the
// HDF5 library on a damaged index) or is still reading after `seconds`, throws h5::Error saying
// the file is damaged; otherwise returns (an ordinary error is left for the caller's own read to
// report, with its type). compare, sensitivity, replay and merge read through it. The reading is
// done twice, which costs little next to what they do with it.
void check_readable_isolated(const std::string& path, const std::function<void()>& read, unsigned seconds = 60);
// a process-wide cap on that time limit (0: none), for callers with a shorter deadline of their
// own: the fuzz targets, whose fuzzer calls an input that takes 10 s a finding
void cap_read_check_seconds(unsigned seconds);

}  // namespace sixparty
