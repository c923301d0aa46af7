// load: from YAML files to a compiled Scenario (scenario/scenario.hpp).
//
//   Diagnostics diags;
//   auto sc = load_scenario("scenarios/status_quo.yaml", {"run.runs=10"}, diags);
//   if (!sc) { std::cerr << diags.format(); return 2; }
#pragma once

#include "core/diagnostics.hpp"
#include "scenario/scenario.hpp"
#include "scenario/spec.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sixparty {

// resolve an event path such as "actors.RUS.resources.economic.income"
std::optional<EventTarget> resolve_target(const ScenarioSpec& spec, const std::string& path, std::string& why);

// an uncertain value's path (uncertainty.values): a parameter (parameters.MODEL.NAME; its index
// into parameter_catalogue() in `parameter`) or a world value as resolve_target names it
// (actors.ID.stability.initial is accepted for actors.ID.stability.value); its range in lo, hi
bool resolve_uncertain(const ScenarioSpec& spec, const std::string& path, int& parameter, EventTarget& target,
                       double& lo, double& hi, std::string& why);
// a value set by --set PATH=... or a batch factor is known: any uncertain value it covers (the
// same parameter, or the same world value for an overlapping pair) is dropped from u
void fix_uncertain(const ScenarioSpec& spec, const std::string& path, Uncertainty& u);

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
