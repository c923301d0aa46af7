#include "analysis/audit.hpp"

#include "core/text.hpp"
#include "experiment/ensemble.hpp"
#include "scenario/spec.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace sixparty {

namespace {

// feeds the pattern leaves only: the audit writes no runs
class LeavesSink : public EnsembleSink {
 public:
  explicit LeavesSink(PatternLeaves& leaves) : leaves_(leaves) {}
  void block(std::int64_t first, std::int64_t count, const double*, const double* steps) override {
    if (steps) leaves_.add_block(first, count, steps);
  }
  void finish(const Summary*, std::int64_t, bool) override {}

 private:
  PatternLeaves& leaves_;
};

const char* verdict_name(Verdict v) { return v == Verdict::pass ? "pass" : v == Verdict::fail ? "fail" : "undefined"; }

std::string claim_text(const PatternResult& p) {
  std::string out;
  for (const auto& m : p.cls == "test" ? p.fails_without : p.scheduled_by) out += (out.empty() ? "" : "; ") + m;
  return out;
}

// a mechanism's name, an event's name (shortened), or the events of a scheduled pattern
std::string short_name(const Ablation& ab) {
  if (ab.mechanism) return mechanism_name(*ab.mechanism);
  if (!ab.together.empty()) return mechanism_set_name(ab.together);
  if (ab.events.size() == 1) return "'" + (ab.events[0].size() > 28 ? ab.events[0].substr(0, 25) + "..." : ab.events[0]) + "'";
  return ab.key.substr(3);
}

}  // namespace

std::size_t AuditResult::tests() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const AuditRow& r) { return r.baseline.cls == "test"; }));
}
std::size_t AuditResult::verified_tests() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const AuditRow& r) { return r.baseline.cls == "test" && r.verified; }));
}
std::size_t AuditResult::problems() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const AuditRow& r) { return !r.problem.empty(); }));
}

std::vector<Ablation> audit_ablations(const std::vector<Scenario>& scenarios) {
  std::vector<Ablation> out;
  out.push_back({"baseline", "every mechanism on, every event", std::nullopt, {}, {}});
  for (const auto& m : mechanism_catalogue())
    out.push_back({std::string("no_") + m.name,
                   m.id == Mechanism::motives ? std::string("null model (motives off: uniform choices)") : std::string("without ") + m.name,
                   m.id, {}, {}});
  // mechanisms a test names together ("a+b"), one ablation per set
  std::set<std::vector<Mechanism>> joint;
  for (const auto& sc : scenarios) {
    if (!sc.patterns) continue;
    for (const auto& p : *sc.patterns) {
      if (p.cls != PatternClass::test) continue;
      for (const auto& f : p.fails_without) {
        const std::vector<Mechanism> set = parse_mechanism_set(f.value);
        if (set.size() < 2 || !joint.insert(set).second) continue;
        std::string label = "without";
        for (std::size_t k = 0; k < set.size(); ++k) {
          label += k == 0 ? " " : k + 1 == set.size() ? " and " : ", ";
          label += mechanism_name(set[k]);
        }
        out.push_back({"no_" + mechanism_set_name(set), label, std::nullopt, set, {}});
      }
    }
  }
  std::vector<std::string> names;
  for (const auto& sc : scenarios)
    for (const auto& e : sc.events)
      if (!e.name.empty() && std::find(names.begin(), names.end(), e.name) == names.end()) names.push_back(e.name);
  for (std::size_t k = 0; k < names.size(); ++k)
    out.push_back({"no_event_" + std::to_string(k + 1), "without '" + names[k] + "'", std::nullopt, {}, {names[k]}});
  std::set<std::vector<std::string>> sets;
  for (const auto& sc : scenarios) {
    if (!sc.patterns) continue;
    for (const auto& p : *sc.patterns) {
      if (p.cls != PatternClass::scheduled || p.scheduled_by.size() < 2) continue;
      std::vector<std::string> ev;
      for (const auto& f : p.scheduled_by) ev.push_back(f.value);
      std::sort(ev.begin(), ev.end());
      ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
      if (ev.size() < 2 || !sets.insert(ev).second) continue;
      std::string label = "without";
      for (std::size_t k = 0; k < ev.size(); ++k) label += (k ? ", '" : " '") + ev[k] + "'";
      out.push_back({"no_events_" + p.id.value, label, std::nullopt, {}, ev});
    }
  }
  return out;
}

Scenario ablate(const Scenario& sc, const Ablation& a) {
  Scenario out = sc;
  if (a.mechanism) out.mechanisms.set(*a.mechanism, false);
  for (const Mechanism m : a.together) out.mechanisms.set(m, false);
  if (!a.events.empty())
    out.events.erase(std::remove_if(out.events.begin(), out.events.end(),
                                    [&](const Event& e) {
                                      return std::find(a.events.begin(), a.events.end(), e.name) != a.events.end();
                                    }),
                     out.events.end());
  return out;
}

namespace {

// every scenario under one ablation, paired by seed; the pattern results per scenario
std::vector<std::vector<PatternResult>> run_ablation(const std::vector<Scenario>& scenarios, const Ablation& a,
                                                     std::int64_t runs, std::uint64_t seed, const std::atomic<bool>* stop,
                                                     bool& interrupted) {
  std::vector<Scenario> ablated;
  ablated.reserve(scenarios.size());
  for (const auto& sc : scenarios) ablated.push_back(ablate(sc, a));
  PatternEvaluator patterns;
  Diagnostics diags;  // the scenarios compiled before; their patterns compile again
  for (const auto& sc : ablated) patterns.add(sc, diags);
  patterns.link();
  std::vector<std::vector<PatternResult>> out;
  for (std::size_t k = 0; k < ablated.size(); ++k) {
    EnsembleOptions opt;
    opt.runs = runs;
    opt.seed = seed;
    opt.level = RecordLevel::outcomes;
    opt.need_steps = patterns.needs_steps(k);
    patterns.set_seed(k, seed);
    LeavesSink sink(patterns.leaves(k));
    const EnsembleResult res = run_ensemble(ablated[k], opt, sink, nullptr, stop);
    if (res.interrupted) interrupted = true;
  }
  for (std::size_t k = 0; k < ablated.size(); ++k) out.push_back(patterns.evaluate(k, seed));
  return out;
}

void judge(AuditRow& row, const std::vector<Ablation>& ablations) {
  const PatternResult& p = row.baseline;
  for (std::size_t a = 1; a < ablations.size(); ++a) {
    const Ablation& ab = ablations[a];
    // a claim names one mechanism or a set removed together; the ablation must remove exactly that
    if (p.cls == "test" && (ab.mechanism || !ab.together.empty())) {
      const std::vector<Mechanism> removed = ab.mechanism ? std::vector<Mechanism>{*ab.mechanism} : ab.together;
      if (std::any_of(p.fails_without.begin(), p.fails_without.end(),
                      [&](const std::string& f) { return parse_mechanism_set(f) == removed; }))
        row.claimed.push_back(a);
    }
    if (p.cls == "scheduled" && !ab.mechanism && ab.together.empty() && !ab.events.empty()) {
      std::vector<std::string> want = p.scheduled_by;
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      std::vector<std::string> have = ab.events;
      std::sort(have.begin(), have.end());
      if (want == have) row.claimed.push_back(a);
    }
  }
  const bool known = !p.known_failure.empty();
  if (row.verdicts.empty() || (row.verdicts[0] == Verdict::pass) == known) {
    row.problem = known ? "passes with every mechanism on, though declared a known failure" : "fails with every mechanism on";
    return;
  }
  if (known) return;  // a claim about a pattern the model does not meet cannot be checked
  if (p.cls != "test" && p.cls != "scheduled") return;
  std::string survived;
  for (std::size_t a : row.claimed)
    if (a < row.verdicts.size() && row.verdicts[a] == Verdict::pass)
      survived += (survived.empty() ? "" : "; ") + ablations[a].label;
  const std::size_t expected = p.cls == "test" ? p.fails_without.size() : 1;
  if (!survived.empty()) row.problem = "passes " + survived;
  else if (row.claimed.size() < expected) row.problem = "the audit did not run every ablation its claim names";
  else row.verified = true;
}

}  // namespace

AuditResult run_audit(const std::vector<Scenario>& scenarios, const AuditOptions& opt,
                      const std::function<void(std::size_t, std::size_t)>& progress, const std::atomic<bool>* stop) {
  AuditResult a;
  a.runs = opt.runs;
  a.seed = opt.seed ? *opt.seed : (scenarios.empty() ? 1 : scenarios.front().seed);
  for (const auto& sc : scenarios) a.scenarios.push_back(sc.name);
  const std::vector<Ablation> all = audit_ablations(scenarios);
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (stop && stop->load()) break;
    bool interrupted = false;
    auto results = run_ablation(scenarios, all[k], opt.runs, a.seed, stop, interrupted);
    if (interrupted) break;
    a.ablations.push_back(all[k]);
    if (k == 0)
      for (std::size_t s = 0; s < results.size(); ++s)
        for (auto& r : results[s]) a.rows.push_back({scenarios[s].name, r, {}, {}, {}, false, {}});
    std::size_t row = 0;
    for (auto& per : results)
      for (auto& r : per) {
        AuditRow& ar = a.rows[row++];
        ar.verdicts.push_back(!r.evaluated ? Verdict::undefined : r.passed ? Verdict::pass : Verdict::fail);
        ar.observed.push_back(r.observed);
      }
    if (progress) progress(k + 1, all.size());
  }
  for (auto& r : a.rows) judge(r, a.ablations);
  return a;
}

std::string format_audit(const AuditResult& a) {
  std::string out = "pattern audit of";
  for (const auto& s : a.scenarios) out += " '" + s + "'";
  out += " (" + std::to_string(a.runs) + " runs per ablation, seed " + std::to_string(a.seed) + ")\n";
  out += "  .  passes   x  fails   -  undefined   X  fails, as its class claims   !  passes, against its claim\n";
  std::size_t label_width = 12;
  for (const auto& ab : a.ablations) label_width = std::max(label_width, std::min<std::size_t>(ab.label.size(), 58));
  std::string head(label_width + 4, ' ');
  for (const auto& r : a.rows) {
    char cell[16];
    std::snprintf(cell, sizeof cell, "%-5s", r.baseline.id.substr(0, 4).c_str());
    head += cell;
  }
  out += head + "\n";
  for (std::size_t k = 0; k < a.ablations.size(); ++k) {
    std::string label = a.ablations[k].label;
    if (label.size() > label_width) label = label.substr(0, label_width - 3) + "...";
    std::string line = "  " + label + std::string(label_width + 2 - label.size(), ' ');
    for (const auto& r : a.rows) {
      const Verdict v = k < r.verdicts.size() ? r.verdicts[k] : Verdict::undefined;
      const bool claimed = std::find(r.claimed.begin(), r.claimed.end(), k) != r.claimed.end();
      char c = v == Verdict::pass ? '.' : v == Verdict::fail ? 'x' : '-';
      if (claimed) c = v == Verdict::pass ? '!' : 'X';
      line += c;
      line += "    ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += "patterns:\n";
  for (const auto& r : a.rows) {
    const bool known = !r.baseline.known_failure.empty();
    std::string under;  // where the pattern's verdict differs from the baseline's
    for (std::size_t k = 1; k < r.verdicts.size(); ++k)
      if ((r.verdicts[k] == Verdict::pass) == known) under += (under.empty() ? "" : ", ") + short_name(a.ablations[k]);
    std::vector<std::string> parts;
    if (r.baseline.cls == "test" || r.baseline.cls == "scheduled")
      parts.push_back((r.verified ? "verified" : "NOT verified") + std::string(" (") +
                      (r.baseline.cls == "test" ? "fails without " : "produced by ") + claim_text(r.baseline) + ")");
    if (known) parts.push_back("a declared known failure");
    if (!r.problem.empty()) parts.push_back("PROBLEM: " + r.problem);
    parts.push_back((known ? "passes under: " : "fails under: ") + (under.empty() ? std::string("nothing") : under));
    char line[96];
    std::snprintf(line, sizeof line, "  %-5s %-9s ", r.baseline.id.c_str(), r.baseline.cls.c_str());
    std::string text = line;
    for (std::size_t k = 0; k < parts.size(); ++k) text += (k ? "; " : "") + parts[k];
    out += text + "\n";
  }
  const std::size_t n = a.rows.size();
  out += "  " + std::to_string(a.verified_tests()) + " of " + std::to_string(n) +
         " patterns are independent tests of a mechanism (declared test and verified by this audit); " +
         std::to_string(a.tests()) + " declared test\n";
  out += "  " + std::to_string(a.problems()) + (a.problems() == 1 ? " problem\n" : " problems\n");
  return out;
}

std::string audit_csv(const AuditResult& a) {
  std::string out = "scenario,pattern,class,claim,verified,problem";
  for (const auto& ab : a.ablations) out += "," + ab.key;
  out += "\n";
  for (const auto& r : a.rows) {
    out += csv_field(r.scenario) + "," + csv_field(r.baseline.id) + "," + r.baseline.cls + "," +
           csv_field(claim_text(r.baseline)) + "," +
           ((r.baseline.cls == "test" || r.baseline.cls == "scheduled") ? (r.verified ? "yes" : "no") : "") + "," +
           csv_field(r.problem);
    for (const Verdict v : r.verdicts) out += std::string(",") + verdict_name(v);
    out += "\n";
  }
  return out;
}

Table audit_table(const AuditResult& a) {
  Table t;
  t.path = {"audit", "patterns"};
  t.dimension = "pattern";
  t.dimension_long_name = "pattern (scenario:id)";
  t.rows = a.rows.size();
  for (const auto& r : a.rows) t.labels.push_back(r.scenario + ":" + r.baseline.id);
  std::string scen;
  for (const auto& s : a.scenarios) scen += (scen.empty() ? "" : " ") + s;
  t.attributes = {{"scenarios", scen},
                  {"runs", a.runs},
                  {"seed", static_cast<std::int64_t>(a.seed)},
                  {"independent_tests", static_cast<std::int64_t>(a.verified_tests())},
                  {"declared_tests", static_cast<std::int64_t>(a.tests())},
                  {"problems", static_cast<std::int64_t>(a.problems())}};
  TableColumn cls{"class", "what the pattern is evidence of", {}, {}, true};
  TableColumn claim{"claim", "test: mechanisms without which it must fail; scheduled: events that produce it", {}, {}, true};
  TableColumn verified{"verified", "1: the audit confirmed the claim; 0: it did not; NaN: no claim", {}, {}, false};
  TableColumn problem{"problem", "what the audit found wrong (empty: nothing)", {}, {}, true};
  for (const auto& r : a.rows) {
    cls.text.push_back(r.baseline.cls);
    claim.text.push_back(claim_text(r.baseline));
    const bool has_claim = r.baseline.cls == "test" || r.baseline.cls == "scheduled";
    verified.numbers.push_back(has_claim ? (r.verified ? 1.0 : 0.0) : std::nan(""));
    problem.text.push_back(r.problem);
  }
  t.columns = {cls, claim, verified, problem};
  t.second_dimension = "ablation";
  t.second_dimension_long_name = "what was removed";
  TableColumn label{"ablation_label", "what was removed, for people", {}, {}, true};
  for (const auto& ab : a.ablations) {
    t.second_labels.push_back(ab.key);
    label.text.push_back(ab.label);
  }
  t.second_columns = {label};
  TableMatrix passed{"passed", "1: the pattern passes under the ablation; 0: it fails; NaN: it cannot be evaluated", {}};
  TableMatrix observed{"observed", "the pattern's observed value under the ablation", {}};
  TableMatrix claimed{"claimed", "1: the pattern's class claims it fails under this ablation", {}};
  for (const auto& r : a.rows)
    for (std::size_t k = 0; k < a.ablations.size(); ++k) {
      const Verdict v = k < r.verdicts.size() ? r.verdicts[k] : Verdict::undefined;
      passed.numbers.push_back(v == Verdict::pass ? 1.0 : v == Verdict::fail ? 0.0 : std::nan(""));
      observed.numbers.push_back(k < r.observed.size() ? r.observed[k] : std::nan(""));
      claimed.numbers.push_back(std::find(r.claimed.begin(), r.claimed.end(), k) != r.claimed.end() ? 1.0 : 0.0);
    }
  t.matrices = {passed, observed, claimed};
  return t;
}

}  // namespace sixparty
