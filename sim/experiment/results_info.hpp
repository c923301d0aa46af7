// results_info: a readable description of what a results file holds (`sixparty info`).
#pragma once

#include <string>

namespace sixparty {

// the description; throws h5::Error (with a message for the user) when the file cannot be read
std::string describe_results(const std::string& path);

}  // namespace sixparty
