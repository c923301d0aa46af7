// audit: the pattern-power audit (model-principles 3). Runs scenarios under every ablation
// (each mechanism switched off, each scheduled event removed, the events a `scheduled` pattern
// names removed together) with the same seed, so that every ablation's run r draws the same
// random numbers as the baseline's, and records each pattern's verdict under each.
//
// A `test` pattern is verified when it passes with every mechanism on and fails (or cannot be
// evaluated) without each mechanism it names in `fails_without`; a `scheduled` pattern, when it
// fails without the events it names in `scheduled_by` (removed together). A `fails_without`
// entry "a+b" names substitutes: mechanisms removed together, each of which alone may not matter. A claim the audit
// refutes, or a pattern that fails with everything on, is a problem: `sixparty audit` then exits 4.
//
//   AuditOptions opt;  opt.runs = 100;
//   AuditResult a = run_audit(scenarios, opt, progress, &stop);
//   std::cout << format_audit(a);   store_tables(file, {audit_table(a)});
#pragma once

#include "experiment/patterns.hpp"
#include "io/tables.hpp"
#include "scenario/scenario.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sixparty {

struct AuditOptions {
  std::int64_t runs = 100;
  std::optional<std::uint64_t> seed;  // default: the first scenario's run.seed
};

struct Ablation {
  std::string key;    // a name fit for a column: "baseline", "no_gestures", "no_event_3"
  std::string label;  // for people: "without gestures", "without 'E5 Russian disillusionment with the West'"
  std::optional<Mechanism> mechanism;
  std::vector<Mechanism> together;  // mechanisms removed together ("a+b" in a test's fails_without)
  std::vector<std::string> events;  // removed by name (every event of that name)
};

enum class Verdict { pass, fail, undefined };

struct AuditRow {
  std::string scenario;
  PatternResult baseline;          // with everything on
  std::vector<Verdict> verdicts;   // one per ablation (the first is the baseline)
  std::vector<double> observed;    // one per ablation
  std::vector<std::size_t> claimed;  // ablations under which the pattern's class says it must fail
  bool verified = false;           // test or scheduled: the claim held
  std::string problem;             // empty, or what the audit found wrong
};

struct AuditResult {
  std::vector<std::string> scenarios;
  std::int64_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<Ablation> ablations;
  std::vector<AuditRow> rows;
  std::size_t tests() const;           // patterns declared `test`
  std::size_t verified_tests() const;  // of them, verified
  std::size_t problems() const;
};

// the ablations of these scenarios, in a fixed order: baseline, mechanisms (catalogue order),
// events (first appearance), joint event sets of `scheduled` patterns
std::vector<Ablation> audit_ablations(const std::vector<Scenario>& scenarios);

// a copy of `sc` under the ablation
Scenario ablate(const Scenario& sc, const Ablation& a);

// progress(done, total) counts ensembles; `stop` is polled between them (an interrupted audit
// returns what it has, with fewer ablations)
AuditResult run_audit(const std::vector<Scenario>& scenarios, const AuditOptions& opt,
                      const std::function<void(std::size_t, std::size_t)>& progress, const std::atomic<bool>* stop);

std::string format_audit(const AuditResult& a);  // the printed matrix and summary
std::string audit_csv(const AuditResult& a);     // one row per pattern, one column per ablation
Table audit_table(const AuditResult& a);         // stored under audit/patterns (results/README.md)

}  // namespace sixparty
