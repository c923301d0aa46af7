// outcomes: the per-run outcomes of one scenario group of a results file, as a table in memory
// (what `sixparty compare` compares).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sixparty {

struct OutcomeTable {
  std::string file, group, scenario;
  std::uint64_t seed = 0;
  std::int64_t runs = 0;  // runs completed
  double end_year = 0;
  std::vector<std::string> actors, dimensions;
  std::map<std::string, std::vector<double>> columns;  // name -> runs x actors, run-major
  std::map<std::string, std::string> units;            // name -> units attribute
};

// reads <group>/outcomes of a results file; throws h5::Error (io/error.hpp) with a message for
// the user. (ResultsFile::outcomes reads a group of a file still being written.)
OutcomeTable read_outcomes(const std::string& file, const std::string& group);

}  // namespace sixparty
