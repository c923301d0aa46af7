// scenario: the compiled, immutable description of a world, shared read-only by every run.
//
// Loading is compilation (as in MuJoCo's XML -> mjModel):
//   YAML files --load_tree (extends, --set)--> tree --read_spec--> ScenarioSpec
//   --validate--> (all errors at once) --compile--> Scenario
// The engine sees only Scenario: names resolved to indices, dense arrays, events by step.
//
//   Diagnostics diags;
//   auto sc = load_scenario("scenarios/status_quo.yaml", {"run.runs=10"}, diags);
//   if (!sc) { std::cerr << diags.format(); return 2; }
#pragma once

#include "core/diagnostics.hpp"
#include "models/parameters.hpp"
#include "scenario/spec.hpp"
#include "scenario/world.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

struct ScenarioSpec;

enum class ResourceKind { economic, military, diplomatic };
enum class Indicator { security, economy, status, regional_stability, regime_survival, influence, nonproliferation };

// what a scheduled change acts on
enum class TargetVar {
  output, growth, need, autonomy, alignment, stability, repression, legitimacy,
  nuclear, population, frontier, reform_drive,
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

struct Event {
  int step;           // the step at whose start it applies
  double year;        // as written
  std::string name;
  std::vector<EventChange> changes;
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

  std::vector<PatternSpec> patterns;  // resolved against recorded variables by the experiment layer

  std::int64_t runs = 100;
  std::uint64_t seed = 1;

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

// resolve an event path such as "actors.RUS.resources.economic.income"
std::optional<EventTarget> resolve_target(const ScenarioSpec& spec, const std::string& path, std::string& why);

// spec must have passed validate()
Scenario compile(const ScenarioSpec& spec);

struct LoadedDocument;
// a loaded document (load_tree) with overrides "path=value" applied to a copy -> Scenario;
// provenance = false skips the source texts and resolved YAML (batches store them once)
std::optional<Scenario> compile_document(const LoadedDocument& doc, const std::vector<std::string>& overrides,
                                         Diagnostics& diags, bool provenance = true);

// files -> Scenario; overrides are "path=value" applied after extends. nullopt on any error.
std::optional<Scenario> load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                                      Diagnostics& diags);

}  // namespace sixparty
