// results_info: a readable description of what a results file holds (`sixparty info`).
#pragma once

#include <string>

namespace sixparty {

// the description; throws h5::Error (with a message for the user) when the file cannot be read
std::string describe_results(const std::string& path);

// the same, read in a child process: a crash inside the HDF5 library on a damaged file, or a
// read that takes longer than `seconds` (HDF5 can loop on some damaged files), becomes an
// h5::Error ("damaged") instead of taking the caller down. `sixparty info` uses this.
std::string describe_results_isolated(const std::string& path, unsigned seconds = 20);

}  // namespace sixparty
