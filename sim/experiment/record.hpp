// record: what a run records each step and at its end, with CF-style names, units and shapes.
//
// One table (step_variables(), outcome_variables()) lists every recorded variable; the HDF5
// writer, the summaries and `sixparty info` all read it, so a new variable is one new row.
#pragma once

#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

#include <string>
#include <vector>

namespace sixparty {

// the trailing dimensions of a variable (after run and time)
enum class Shape { actor, actor_resource, actor_dimension, dyad };

struct VariableInfo {
  std::string name;       // dataset name
  std::string long_name;  // CF long_name, used for plot labels
  std::string units;      // CF units ("1" for dimensionless)
  Shape shape;
  double (*get)(const Scenario&, const RunState&, int i, int k);  // value for actor i, second index k
};

// variables recorded every step
const std::vector<VariableInfo>& step_variables();
// variables recorded once per run (at its end)
const std::vector<VariableInfo>& outcome_variables();

// number of values one variable has per step
std::size_t cells_of(const Scenario& sc, Shape shape);

// offsets of each variable inside one step's record, and the record's length
struct RecordLayout {
  std::vector<std::size_t> offset;  // per variable
  std::size_t per_step = 0;         // values per step
  explicit RecordLayout(const Scenario& sc, const std::vector<VariableInfo>& vars);
};

// one (run, actor) column of the per-run outcomes: a variable with a second index (interest
// dimension, partner, resource) is split into one column per value of that index
struct OutcomeColumn {
  std::string name;       // e.g. "mean_utility", "mean_indicator_security", "final_trade_share_CHN"
  std::string long_name;
  std::string units;
  std::size_t variable;   // index into outcome_variables()
  std::size_t second;     // the second index (0 for Shape::actor)
  std::size_t seconds;    // how many values the second index has (1 for Shape::actor)
};
std::vector<OutcomeColumn> outcome_columns(const Scenario& sc);

// write one step (or the outcomes) of `s` into out[0 .. layout.per_step)
void collect(const Scenario& sc, const RunState& s, const std::vector<VariableInfo>& vars,
             const RecordLayout& layout, double* out);

}  // namespace sixparty
