// analysis: sensitivity indices of a batch results file, printed and stored in it; the design
// exported in SALib's format.
//
// The quantity analysed for outcome "VARIABLE.ACTOR" is the per-point mean over the point's
// finished runs (/points/mean/VARIABLE[:, actor]), e.g. collapsed.DPRK is the collapse
// probability at each design point. Sobol' designs give first-order and total indices
// (sensitivity.hpp), Morris designs elementary effects; each scenario of the experiment is
// analysed on its own (its points form one complete design).
//
//   SensitivityRequest req;  req.file = "out.h5";  req.outcomes = {"collapsed.DPRK"};
//   SensitivityReport rep = analyse_sensitivity(req);
//   std::cout << format_sensitivity_table(rep);
//   store_sensitivity("out.h5", rep);   // atomically, under /sensitivity
#pragma once

#include "experiment/experiment.hpp"
#include "io/tables.hpp"
#include "stats/design.hpp"
#include "stats/sensitivity.hpp"

#include <string>
#include <vector>

namespace sixparty {

struct SensitivityRequest {
  std::string file;
  std::vector<std::string> outcomes;  // VARIABLE.ACTOR; empty: the experiment file's `outcomes`
  SobolEstimator estimator = SobolEstimator::saltelli2010;
  int resamples = 1000;
  double confidence = 0.95;
  std::uint64_t seed = 1;
};

struct SensitivityResult {
  std::string scenario;  // scenario name
  std::size_t scenario_index = 0;
  std::string outcome;   // VARIABLE.ACTOR
  SobolIndices sobol;    // sobol designs
  MorrisEffects morris;  // morris designs
};

struct SensitivityReport {
  std::string method;    // "sobol" or "morris"
  std::string estimator; // sobol: first-order estimator name
  std::vector<std::string> factors;
  std::vector<std::string> scenarios;  // names, in the experiment's order
  std::size_t rows = 0;  // design rows per scenario
  int resamples = 0;
  double confidence = 0;
  std::uint64_t seed = 0;
  std::vector<SensitivityResult> results;
};

// throws BatchError (batch.hpp) for a file or outcome that cannot be analysed
SensitivityReport analyse_sensitivity(const SensitivityRequest& req);
std::string format_sensitivity_table(const SensitivityReport& rep);
std::string format_sensitivity_csv(const SensitivityReport& rep);
std::string format_sensitivity_json(const SensitivityReport& rep);
// the indices as tables of a results file: sensitivity/<scenario>/<outcome> (io/tables.hpp)
std::vector<Table> sensitivity_tables(const SensitivityReport& rep);
// writes /sensitivity/<scenario>/<outcome>/... into the file through a copy renamed over it
void store_sensitivity(const std::string& file, const SensitivityReport& rep);

// SALib's format: problem.json ({"num_vars", "names", "bounds", "dists"}) and sample.txt (one
// row per design point of the first scenario, factor values, space separated, SALib's row order)
void export_salib(const Experiment& ex, const std::string& dir);

}  // namespace sixparty
