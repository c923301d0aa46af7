// spec: a scenario as plain data, still by name, each value with its source location.
//
// The reader fills a ScenarioSpec from a merged tree (types and keys checked); validate()
// checks ranges and references, reporting every error at once; compile() turns a valid spec
// into the immutable Scenario the engine runs. See scenarios/README.md for the format.
#pragma once

#include "core/diagnostics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

template <class T>
struct Field {
  T value{};
  SourceLocation where;
  std::string path;
  bool given = false;
};

struct TimeSpec {
  Field<double> start;           // year, e.g. 1980.0
  Field<double> end;             // year, exclusive end of the last step
  Field<std::int64_t> steps_per_year;
};

struct ResourceTypeSpec {
  std::string name;
  SourceLocation where;
  std::string path;
  Field<std::string> kind;  // economic | military | diplomatic
  Field<std::string> unit;  // free text for labels, e.g. "US$ bn"
};

struct BudgetSpec {
  std::string resource;
  SourceLocation where;
  std::string path;
  Field<double> stock;      // initial stock, resource units
  Field<double> income;     // resource units per year
  Field<double> spendable;  // share of the stock it may spend abroad per year, [0,1]
};

struct NamedValue {
  std::string name;
  Field<double> value;
};

struct ActorSpec {
  std::string id;
  SourceLocation where;
  std::string path;
  Field<std::string> name;
  Field<double> output;     // economic size, US$ bn per year
  Field<double> growth;     // output growth, per year
  Field<double> need;       // output it needs for a content population, US$ bn per year
  Field<double> autonomy;   // [0,1]: how little dependence on others turns into compliance
  Field<double> alignment;  // [-1,1]: -1 continental bloc, +1 US-led bloc
  Field<double> population;    // million people
  Field<double> frontier;      // million people in the regions that would receive refugees (default: population)
  Field<double> nuclear;       // [0,1] nuclear capability others worry about
  Field<double> reform_drive;  // per year: pace of a gradual opening
  std::vector<NamedValue> interests;  // weight per interest dimension, >= 0
  bool interests_given = false;
  std::vector<BudgetSpec> resources;
  Field<double> stability;   // initial regime stability [0,1]
  Field<double> repression;  // repression capacity [0,1]
  Field<double> legitimacy;  // legitimacy [0,1]
};

struct RelationValues {
  Field<double> affinity;    // [-1,1]: from's image of to
  Field<double> rivalry;     // [0,1], symmetric
  Field<double> commitment;  // [0,1]: treaty obligation of from toward to
  Field<double> subsidy;     // [0,1]: share of the trade value from gives to as price subsidy
  Field<double> sanction;    // [0,1]: share of trade from cuts toward to
  Field<double> aid_return;  // [0,1]: from's prior expected return on aid to to
  Field<double> border;      // [0,1]: share of from's refugees that would go to to
  Field<double> distance;    // thousand km between the economic centres, symmetric
};

struct RelationSpec {
  std::string key;  // "A->B" or "A<->B" as written
  std::string from, to;
  bool both = false;
  SourceLocation where;
  std::string path;
  RelationValues values;
};

struct ChangeSpec {
  Field<std::string> target;  // path such as actors.RUS.resources.economic.income
  Field<double> value;
};

struct EventSpec {
  SourceLocation where;
  std::string path;
  Field<double> at;            // year
  Field<double> size;          // multiplier of the event's changes (1: as written)
  Field<std::string> name;
  Field<std::string> source;
  Field<std::string> note;
  std::vector<ChangeSpec> set, scale, add;
  std::vector<ChangeSpec> shock;  // target = actor id; value = stability change
  std::vector<Field<std::string>> collapse;  // actors whose regime falls at this step
};

// a pattern's value: an expression over recorded outputs (see scenarios/README.md, "Patterns")
struct PatternExprSpec {
  enum class Kind { mean, at, ratio, difference, sum, paired_difference, input, constant };
  Kind kind = Kind::constant;
  SourceLocation where;
  std::string path;
  // mean / at: a recorded step variable of an actor (and a partner, resource or interest)
  Field<std::string> variable, actor, partner, resource, interest;
  Field<double> from, to;  // mean: steps whose end lies in (from, to]
  Field<double> year;      // at: the step that ends at this year
  std::vector<PatternExprSpec> args;  // ratio, difference, sum
  Field<std::string> baseline;        // paired_difference: a scenario run in the same invocation
  Field<double> value;                // constant
};

// what a pattern is evidence of (model-principles 3; the audit checks the claims of `test` and
// `scheduled` patterns)
enum class PatternClass { target, input, scheduled, identity, test };
const char* pattern_class_name(PatternClass c);
inline constexpr const char* kPatternClasses = "target, input, scheduled, identity or test";

struct PatternSpec {
  SourceLocation where;
  std::string path;
  Field<std::string> id, description, source, tolerance;
  Field<std::string> klass;                          // `class:` as written
  PatternClass cls = PatternClass::test;             // valid once validated
  std::vector<Field<std::string>> fails_without;     // test: mechanisms whose removal must fail it
  std::vector<Field<std::string>> scheduled_by;      // scheduled: events (by name) whose removal must fail it
  Field<std::string> known_failure;                  // the model does not meet it, and why (checked: it must still fail)
  PatternExprSpec value;
  Field<double> min, max;     // the observed value must lie in [min, max]
  Field<double> confidence;   // if given, the whole bootstrap interval at this level must lie there
};

struct MechanismSpec {
  std::string name;
  Field<bool> on;
};

// uncertainty.values.PATH: {KIND: [...], source: ...}
struct DistributionSpec {
  SourceLocation where;
  std::string path;                // "uncertainty.values.<target>"
  std::string target;              // the scenario value, as --set names it
  std::string kind;                // uniform, log_uniform, normal, triangular ("" if unreadable)
  SourceLocation kind_where;
  std::vector<double> args;        // uniform, log_uniform: lo, hi; normal: mean, sd; triangular: lo, mode, hi
  Field<std::string> source;
};

// uncertainty: what the scenario does not know, drawn afresh in every run
struct UncertaintySpec {
  bool given = false;
  SourceLocation where;
  Field<double> concentration;                             // interests: Dirichlet concentration, all actors
  std::vector<std::pair<std::string, Field<double>>> actor_concentration;  // interests.actors.ID
  Field<std::string> interests_source;
  std::vector<DistributionSpec> values;
  Field<double> event_size;              // events.size: relative jitter of every event's size
  Field<std::int64_t> event_date_steps;  // events.date_steps: date jitter, in steps
  Field<std::string> events_source;
};

struct ParameterSpec {
  std::string model, name;
  Field<double> value;
};

struct ScenarioSpec {
  Field<std::string> name;
  Field<std::string> description;
  TimeSpec time;
  std::vector<Field<std::string>> dimensions;
  std::vector<ResourceTypeSpec> resources;
  bool resources_given = false;  // the key is present (possibly as an empty map)
  std::vector<ActorSpec> actors;
  RelationValues relation_defaults;
  std::vector<RelationSpec> relations;
  std::vector<EventSpec> events;
  std::vector<ParameterSpec> parameters;
  std::vector<MechanismSpec> mechanisms;
  UncertaintySpec uncertainty;
  std::vector<PatternSpec> patterns;
  Field<std::int64_t> runs;
  Field<std::uint64_t> seed;
  Field<std::string> decisions;  // run.decisions: sampled | expected
  SourceLocation root;
};

struct TreeNode;
// tree -> spec; type errors, unknown keys and missing required keys go to diags
ScenarioSpec read_spec(const TreeNode& root, Diagnostics& diags);
// ranges, references, consistency; every error goes to diags
void validate(const ScenarioSpec& spec, Diagnostics& diags);

// the interest indicators the model computes; a dimension must name one of them
const std::vector<std::string>& indicator_names();
// the resource kinds the model knows
const std::vector<std::string>& resource_kind_names();

// hard limits on a scenario (documented in scenarios/README.md)
struct ScenarioLimits {
  static constexpr int max_actors = 1024;
  static constexpr std::int64_t max_steps = 100000;
  static constexpr std::int64_t max_runs = 100000000;
  static constexpr int max_events = 100000;
};

}  // namespace sixparty
