// generate: synthetic N-actor worlds, for scaling studies (`sixparty generate`).
//
// The world is drawn from the seed alone: outputs log-normal around US$ 500 bn, interest
// weights uniform and normalised, budgets proportional to output, distances uniform in
// 0.5-10 thousand km, each actor rival to about 3 others, friendly to about 3, patron of about
// one client; every tenth actor a small fragile client with a nuclear worry. The YAML it
// writes is an ordinary scenario: validate it, extend it, run it.
#pragma once

#include <cstdint>
#include <string>

namespace sixparty {

struct GenerateOptions {
  int actors = 16;
  std::uint64_t seed = 1;
  double start = 2000, end = 2025;
  int steps_per_year = 4;
};

std::string generate_world(const GenerateOptions& opt);

}  // namespace sixparty
