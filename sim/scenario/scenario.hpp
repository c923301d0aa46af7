// scenario: the compiled, immutable description of a world, shared read-only by every run.
//
// Loading is compilation (as in MuJoCo's XML -> mjModel):
//   YAML files --load_tree (extends, --set)--> tree --read_spec--> ScenarioSpec
//   --validate--> (all errors at once) --compile--> Scenario
// The engine sees only Scenario: names resolved to indices, dense arrays, events by step.
// Loading and compiling are declared in scenario/load.hpp; this header is what the engine needs.
#pragma once

#include "scenario/mechanisms.hpp"
#include "scenario/parameters.hpp"
#include "scenario/world.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

struct PatternSpec;  // scenario/spec.hpp: the experiment layer evaluates them, the engine never sees them

enum class ResourceKind { economic, military, diplomatic };
enum class Indicator { security, economy, status, regional_stability, regime_survival, influence, nonproliferation };

// what a scheduled change acts on
enum class TargetVar {
  output, growth, need, autonomy, alignment, stability, repression, legitimacy,
  nuclear, population, frontier, reform_drive, war_abroad,
  stock, income, spendable,
  affinity, rivalry, commitment, subsidy, sanction, aid_return, border,
  collapse,  // the regime falls (an event's `collapse:` list)
};

struct EventTarget {
  TargetVar var;
  int i = -1;     // actor (from)
  int j = -1;     // partner (to) for dyad variables
  int r = -1;     // resource for budget variables
  bool both = false;  // dyad: also j -> i
};

enum class EventOp { set, scale, add, trigger };

struct EventChange {
  EventOp op;
  EventTarget target;
  double value;
};

enum class Decisions { sampled, expected };
const char* decisions_name(Decisions d);

struct Event {
  int step;           // the step at whose start it applies
  double year;        // as written
  double size = 1;    // its changes' size: set, add and shock values times size, a scale factor x
                      // to the power size (engine/events.cpp); 1: as written
  std::string name;
  std::vector<EventChange> changes;
};

// the uncertain inputs of a scenario, compiled (scenario/uncertainty: `uncertainty:`); each run
// draws them afresh (engine/uncertainty.cpp), keyed by (seed, run, quantity name)
enum class InputDistribution { uniform, log_uniform, normal, triangular };

struct UncertainValue {
  std::string name;       // the --set path, e.g. "parameters.aid.temperature"
  InputDistribution kind = InputDistribution::uniform;
  double a = 0, b = 0, c = 0;  // uniform, log_uniform: a, b; normal: mean a, sd b; triangular: a, mode b, high c
  double lo = 0, hi = 0;       // the value's allowed range (a normal is truncated to it)
  int parameter = -1;          // index into parameter_catalogue(), or -1 for a world value
  EventTarget target{};        // the world value (initial state), when parameter < 0
};

struct Uncertainty {
  std::vector<double> concentration;  // per actor; 0: its interest weights are known
  std::vector<UncertainValue> values;
  double event_size = 0;              // each event's size is scaled by U(1 - size, 1 + size)
  int event_date_steps = 0;           // each event date moves by U{-k..k} steps, order kept
  bool any() const {
    if (!values.empty() || event_size > 0 || event_date_steps > 0) return true;
    for (double c : concentration)
      if (c > 0) return true;
    return false;
  }
};

struct Scenario {
  std::string name;
  std::string description;
  double start_year = 0;   // year at the start of step 0
  double end_year = 0;     // year at the end of the last step
  int steps_per_year = 1;
  int steps = 0;
  double dt = 1;           // years per step

  std::vector<std::string> actor_ids;
  std::vector<std::string> actor_names;
  std::vector<std::string> dimensions;       // interest dimensions, in scenario order
  std::vector<Indicator> indicators;         // indicator computed for each dimension
  std::vector<std::string> resource_names;
  std::vector<std::string> resource_units;
  std::vector<ResourceKind> resource_kinds;
  int economic = -1, military = -1, diplomatic = -1;  // resource index of each kind, -1 if absent

  Eigen::MatrixXd interests;  // n x D, each row normalised to sum 1

  World initial;
  std::vector<Event> events;  // sorted by step, stable in file order
  Parameters params;
  MechanismSwitches mechanisms;
  Uncertainty uncertainty;  // empty unless the scenario declares `uncertainty:`  // all on unless the scenario (or --set, or the audit) turns one off
  bool on(Mechanism m) const { return mechanisms(m); }

  // the scenario's declared patterns, shared by its copies; resolved against recorded
  // variables by the experiment layer (experiment/patterns.hpp), never read by the engine
  std::shared_ptr<const std::vector<PatternSpec>> patterns;
  std::size_t pattern_count() const;

  std::int64_t runs = 100;
  std::uint64_t seed = 1;
  // how an actor's logit shares become acts (models/choice.hpp; ODD, Decisions): sampled draws
  // discrete acts from them, expected spends exactly the shares (the mean-field limit)
  Decisions decisions = Decisions::sampled;

  // provenance, stored in results files
  std::vector<std::string> source_files;
  std::vector<std::string> source_texts;
  std::string resolved_yaml;

  int n() const { return static_cast<int>(actor_ids.size()); }
  int n_resources() const { return static_cast<int>(resource_names.size()); }
  int n_dimensions() const { return static_cast<int>(dimensions.size()); }
  double year(int step) const { return start_year + step * dt; }
  int actor_index(const std::string& id) const;
};

}  // namespace sixparty
