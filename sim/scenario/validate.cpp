// validate: ranges, references and consistency of a ScenarioSpec; every error is reported.
#include "core/text.hpp"
#include "scenario/load.hpp"
#include "scenario/spec.hpp"
#include "scenario/target_range.hpp"

#include <cmath>
#include <algorithm>
#include <cctype>
#include <set>

namespace sixparty {

namespace {

struct Checker {
  Diagnostics& diags;

  bool finite(const Field<double>& f) {
    if (!f.given) return false;
    if (!std::isfinite(f.value)) {
      diags.error(f.where, f.path, "found " + format_number(f.value) + "; expected a finite number");
      return false;
    }
    return true;
  }
  void range(const Field<double>& f, double lo, double hi, const std::string& what = "") {
    if (!finite(f)) return;
    if (f.value < lo || f.value > hi)
      diags.error(f.where, f.path, "found " + format_number(f.value) + "; expected " +
                                       (what.empty() ? "" : what + ", ") + "a number in [" + format_number(lo) +
                                       ", " + format_number(hi) + "]");
  }
  void positive(const Field<double>& f, double hi, const std::string& what) {
    if (!finite(f)) return;
    if (!(f.value > 0) || f.value > hi)
      diags.error(f.where, f.path, "found " + format_number(f.value) + "; expected " + what +
                                       ", a number > 0 and <= " + format_number(hi));
  }
};

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

void check_relation_values(Checker& c, const RelationValues& v) {
  c.range(v.affinity, -1, 1, "an affinity");
  c.range(v.rivalry, 0, 1, "a rivalry");
  c.range(v.commitment, 0, 1, "a commitment");
  c.range(v.subsidy, 0, 1, "a subsidy share");
  c.range(v.sanction, 0, 1, "a sanction share");
  c.range(v.aid_return, 0, 1, "an expected return");
  c.range(v.border, 0, 1, "a share of refugees");
  if (v.distance.given) c.positive(v.distance, 50, "a distance in thousand km");
}

// which parts of time are valid: events and pattern years are checked against those only
struct TimeOk {
  bool start = false, end = false, steps_per_year = false;
  bool span() const { return start && end; }
  bool all() const { return start && end && steps_per_year; }
};

// time.end after time.start, by a whole number of steps and not too many
void check_time_span(Checker& c, const TimeSpec& t) {
  const double span = t.end.value - t.start.value;
  if (!(span > 0)) {
    c.diags.error(t.end.where, "time.end", "found " + format_number(t.end.value) +
                                               "; expected a year after time.start (" +
                                               format_number(t.start.value) + ")");
    return;
  }
  const double steps = span * static_cast<double>(t.steps_per_year.value);
  if (steps > static_cast<double>(ScenarioLimits::max_steps)) {
    c.diags.error(t.end.where, "time.end", "the span gives " + format_number(std::round(steps)) +
                                               " steps; expected at most " + std::to_string(ScenarioLimits::max_steps));
  } else if (std::abs(steps - std::round(steps)) > 1e-6) {
    c.diags.error(t.end.where, "time.end", "the span " + format_number(std::round(span * 1e9) / 1e9) +
                                               " years is not a whole number of steps; expected end - start to be a multiple of 1/steps_per_year");
  }
}

TimeOk check_time(Checker& c, const TimeSpec& t) {
  TimeOk ok;
  ok.start = c.finite(t.start);
  ok.end = c.finite(t.end);
  if (ok.start && (t.start.value < -10000 || t.start.value > 10000))
    c.diags.error(t.start.where, "time.start", "found " + format_number(t.start.value) +
                                                   "; expected a year in [-10000, 10000]");
  if (t.steps_per_year.given) {
    if (t.steps_per_year.value < 1 || t.steps_per_year.value > 366)
      c.diags.error(t.steps_per_year.where, "time.steps_per_year",
                    "found " + std::to_string(t.steps_per_year.value) + "; expected a whole number in [1, 366]");
    else
      ok.steps_per_year = true;
  }
  if (ok.all()) check_time_span(c, t);
  return ok;
}

// known and listed once (a missing list is reported by the reader); the set of dimensions
std::set<std::string> check_dimensions(Checker& c, const ScenarioSpec& s) {
  std::set<std::string> dims;
  for (const auto& d : s.dimensions) {
    const auto& known = indicator_names();
    if (std::find(known.begin(), known.end(), d.value) == known.end())
      c.diags.error(d.where, d.path, "unknown interest dimension '" + d.value + "'" + did_you_mean(d.value, known) +
                                         "; expected one of: " + join(known));
    if (!dims.insert(d.value).second)
      c.diags.error(d.where, d.path, "dimension '" + d.value + "' is listed twice; expected each once");
  }
  return dims;
}

// valid names, known kinds, at most one of each kind and an economic one; the set of resource names
std::set<std::string> check_resources(Checker& c, const ScenarioSpec& s) {
  std::set<std::string> res, kinds;
  for (const auto& r : s.resources) {
    if (!valid_id(r.name))
      c.diags.error(r.where, r.path, "resource name '" + r.name + "' is not valid; expected 1-32 letters, digits or '_'");
    res.insert(r.name);
    if (r.kind.given) {
      const auto& known = resource_kind_names();
      if (std::find(known.begin(), known.end(), r.kind.value) == known.end())
        c.diags.error(r.kind.where, r.kind.path, "unknown resource kind '" + r.kind.value + "'" +
                                                     did_you_mean(r.kind.value, known) + "; expected one of: " + join(known));
      else if (!kinds.insert(r.kind.value).second)
        c.diags.error(r.kind.where, r.kind.path, "a second resource of kind '" + r.kind.value +
                                                     "'; expected at most one resource of each kind");
    }
  }
  if (s.resources_given && !kinds.count("economic"))
    c.diags.error(s.root, "resources", "no resource of kind 'economic'; expected one (trade and aid are paid in it)");
  return res;
}

// the actor's id and its scalar values
void check_actor_values(Checker& c, const ActorSpec& a) {
  if (!valid_id(a.id))
    c.diags.error(a.where, a.path, "actor id '" + a.id + "' is not valid; expected 1-32 letters, digits or '_'");
  c.positive(a.output, 1e9, "an output in US$ bn a year");
  c.range(a.growth, -0.5, 0.5, "a growth rate per year");
  if (a.need.given) c.positive(a.need, 1e9, "a need in US$ bn a year");
  c.range(a.autonomy, 0, 1, "an autonomy");
  c.range(a.alignment, -1, 1, "an alignment");
  c.range(a.stability, 0, 1, "a stability");
  c.range(a.repression, 0, 1, "a repression capacity");
  c.range(a.legitimacy, 0, 1, "a legitimacy");
  if (a.population.given) c.positive(a.population, 1e5, "a population in million people");
  if (a.frontier.given) c.positive(a.frontier, 1e5, "a frontier population in million people");
  c.range(a.nuclear, 0, 1, "a nuclear capability");
  c.range(a.reform_drive, 0, 10, "a reform pace per year");
}

// interests: known dimensions, weights >= 0 and at least one positive
void check_interest_weights(Checker& c, const ScenarioSpec& s, const ActorSpec& a, const std::set<std::string>& dims,
                            const std::vector<std::string>& dim_list) {
  double total = 0;
  for (const auto& w : a.interests) {
    if (!dims.count(w.name) && !s.dimensions.empty())
      c.diags.error(w.value.where, a.path + ".interests." + w.name,
                    "unknown interest dimension '" + w.name + "'" + did_you_mean(w.name, dim_list) +
                        "; expected one of the scenario's dimensions: " + join(dim_list));
    if (c.finite(w.value)) {
      if (w.value.value < 0)
        c.diags.error(w.value.where, a.path + ".interests." + w.name,
                      "found " + format_number(w.value.value) + "; expected a weight >= 0");
      else
        total += w.value.value;
    }
  }
  bool weights_ok = true;
  for (const auto& w : a.interests)
    weights_ok = weights_ok && w.value.given && std::isfinite(w.value.value) && w.value.value >= 0;
  if (a.interests_given && weights_ok && !(total > 0))
    c.diags.error(a.where, a.path + ".interests", a.interests.empty() ? "the map is empty; expected at least one positive weight"
                                                                      : "all weights are zero; expected at least one positive weight");
}

// resources of an actor: known resources and budgets in range
void check_budgets(Checker& c, const ActorSpec& a, const std::set<std::string>& res, const std::vector<std::string>& res_list) {
  for (const auto& b : a.resources) {
    if (!res.count(b.resource))
      c.diags.error(b.where, b.path, "unknown resource '" + b.resource + "'" + did_you_mean(b.resource, res_list) +
                                         "; expected one of the scenario's resources: " + join(res_list));
    c.range(b.stock, 0, 1e12, "a stock");
    c.range(b.income, 0, 1e12, "an income per year");
    c.range(b.spendable, 0, 1, "a share");
  }
}

void check_actors(Checker& c, const ScenarioSpec& s, const std::set<std::string>& dims, const std::set<std::string>& res) {
  if (static_cast<int>(s.actors.size()) > ScenarioLimits::max_actors)
    c.diags.error(s.root, "actors", std::to_string(s.actors.size()) + " actors; expected at most " +
                                        std::to_string(ScenarioLimits::max_actors));
  std::vector<std::string> dim_list(dims.begin(), dims.end());
  std::vector<std::string> res_list;
  for (const auto& r : s.resources) res_list.push_back(r.name);
  for (const auto& a : s.actors) {
    check_actor_values(c, a);
    check_interest_weights(c, s, a, dims, dim_list);
    check_budgets(c, a, res, res_list);
  }
}

// an actor id among `ids`, else reported at `who`
void check_actor_id(Checker& c, const Field<std::string>& who, const std::vector<std::string>& ids) {
  if (std::find(ids.begin(), ids.end(), who.value) == ids.end())
    c.diags.error(who.where, who.path, "unknown actor '" + who.value + "'" + did_you_mean(who.value, ids) +
                                           "; expected one of: " + join(ids));
}

// the defaults, then each relation: two different known actors, symmetric values on 'A<->B' only
void check_relations(Checker& c, const ScenarioSpec& s, const std::vector<std::string>& ids) {
  check_relation_values(c, s.relation_defaults);
  for (const auto& r : s.relations) {
    for (const std::string* who : {&r.from, &r.to}) {
      if (std::find(ids.begin(), ids.end(), *who) == ids.end())
        c.diags.error(r.where, r.path, "unknown actor '" + *who + "'" + did_you_mean(*who, ids) +
                                           "; expected one of: " + join(ids));
    }
    if (r.from == r.to)
      c.diags.error(r.where, r.path, "a relation of '" + r.from + "' with itself; expected two different actors");
    if (!r.both && r.values.distance.given)
      c.diags.error(r.values.distance.where, r.values.distance.path,
                    "distance is symmetric; expected it on '" + r.from + "<->" + r.to + "'");
    if (!r.both && r.values.rivalry.given)
      c.diags.error(r.values.rivalry.where, r.values.rivalry.path,
                    "rivalry is symmetric; expected it on '" + r.from + "<->" + r.to + "'");
    check_relation_values(c, r.values);
  }
}

// an event's year: at the start of a step, within the time span
void check_event_year(Checker& c, const ScenarioSpec& s, const EventSpec& e, const TimeOk& time) {
  if (c.finite(e.at) && time.all() && e.at.value >= s.time.start.value &&
      e.at.value < s.time.end.value) {
    const double spy = static_cast<double>(s.time.steps_per_year.value);
    const double k = (e.at.value - s.time.start.value) * spy;
    if (std::abs(k - std::round(k)) > 1e-6) {
      // the starts of the steps on either side, within the span
      const double below = s.time.start.value + std::floor(k) / spy, above = s.time.start.value + std::ceil(k) / spy;
      const std::string nearest = above < s.time.end.value ? format_number(below) + " or " + format_number(above) : format_number(below);
      c.diags.error(e.at.where, e.at.path, "found " + format_number(e.at.value) + "; expected the start of a step: " +
                                               format_number(s.time.start.value) + " plus a multiple of 1/" +
                                               std::to_string(s.time.steps_per_year.value) + " year (the nearest: " + nearest + ")");
    }
  }
  if (c.finite(e.at) && time.span() &&
      (e.at.value < s.time.start.value || e.at.value >= s.time.end.value))
    c.diags.error(e.at.where, e.at.path, "found " + format_number(e.at.value) + "; expected a year in [" +
                                             format_number(s.time.start.value) + ", " + format_number(s.time.end.value) +
                                             ") (the scenario's time span)");
  c.range(e.size, 0, 10, "an event's size (a multiplier of its changes)");
}

// set, scale or add changes: targets that resolve, values in the variable's range (set) or >= 0 (scale)
void check_event_changes(Checker& c, const ScenarioSpec& s, const std::vector<ChangeSpec>& list, EventOp op) {
  for (const auto& ch : list) {
    std::string why;
    auto t = resolve_target(s, ch.target.value, why);
    if (!t) {
      c.diags.error(ch.target.where, ch.target.path, why);
      continue;
    }
    if (!c.finite(ch.value)) continue;
    const auto [lo, hi] = target_range(t->var);
    if (op == EventOp::set && (ch.value.value < lo || ch.value.value > hi))
      c.diags.error(ch.value.where, ch.value.path, "found " + format_number(ch.value.value) +
                                                       "; expected a value in [" + format_number(lo) + ", " +
                                                       format_number(hi) + "] for this variable");
    if (op == EventOp::scale && ch.value.value < 0)
      c.diags.error(ch.value.where, ch.value.path, "found " + format_number(ch.value.value) +
                                                       "; expected a factor >= 0");
  }
}

void check_events(Checker& c, const ScenarioSpec& s, const std::vector<std::string>& ids, const TimeOk& time) {
  if (static_cast<int>(s.events.size()) > ScenarioLimits::max_events)
    c.diags.error(s.root, "events", std::to_string(s.events.size()) + " events; expected at most " +
                                        std::to_string(ScenarioLimits::max_events));
  for (const auto& e : s.events) {
    check_event_year(c, s, e, time);
    check_event_changes(c, s, e.set, EventOp::set);
    check_event_changes(c, s, e.scale, EventOp::scale);
    check_event_changes(c, s, e.add, EventOp::add);
    for (const auto& who : e.collapse) check_actor_id(c, who, ids);
    for (const auto& ch : e.shock) {
      check_actor_id(c, ch.target, ids);
      c.range(ch.value, -1, 1, "a stability change");
    }
  }
}

// parameter values in the catalogue's range (unknown names are reported by the reader)
void check_parameters(Checker& c, const ScenarioSpec& s) {
  for (const auto& p : s.parameters) {
    const ParameterInfo* info = find_parameter(p.model, p.name);
    if (info) c.range(p.value, info->min_value, info->max_value, std::string(info->unit) == "1" ? "" : std::string("in ") + info->unit);
  }
}

// a pattern expression and its arguments: actors, years and constants
void check_pattern_expr(Checker& c, const ScenarioSpec& s, const PatternExprSpec& e, const std::vector<std::string>& ids,
                        const TimeOk& time) {
  for (const Field<std::string>* who : {&e.actor, &e.partner})
    if (who->given) check_actor_id(c, *who, ids);
  for (const Field<double>* y : {&e.from, &e.to, &e.year})
    if (y->given && c.finite(*y) && time.span() &&
        (y->value < s.time.start.value || y->value > s.time.end.value))
      c.diags.error(y->where, y->path, "found " + format_number(y->value) + "; expected a year in [" +
                                           format_number(s.time.start.value) + ", " + format_number(s.time.end.value) + "]");
  if (e.from.given && e.to.given && std::isfinite(e.from.value) && std::isfinite(e.to.value) && !(e.to.value > e.from.value))
    c.diags.error(e.to.where, e.to.path, "found " + format_number(e.to.value) + "; expected a year after from (" +
                                             format_number(e.from.value) + ")");
  if (e.kind == PatternExprSpec::Kind::constant) c.finite(e.value);
  for (const auto& a : e.args) check_pattern_expr(c, s, a, ids, time);
}

// a pattern's class, and the mechanisms or events its claim names
void check_pattern_class(Checker& c, const ScenarioSpec& s, const PatternSpec& p) {
  static const std::vector<std::string> classes = {"target", "input", "scheduled", "identity", "test"};
  if (p.klass.given && std::find(classes.begin(), classes.end(), p.klass.value) == classes.end())
    c.diags.error(p.klass.where, p.klass.path, "found '" + p.klass.value + "'" + did_you_mean(p.klass.value, classes) +
                                                   "; expected " + kPatternClasses);
  const bool test = p.klass.value == "test", scheduled = p.klass.value == "scheduled";
  std::vector<std::string> mechanisms;
  for (const auto& m : mechanism_catalogue()) mechanisms.push_back(m.name);
  // one mechanism, or several removed together: "balancing+soft_balancing"
  std::vector<std::vector<Mechanism>> claimed;
  for (const auto& m : p.fails_without) {
    std::size_t begin = 0;
    std::vector<std::string> parts;
    bool ok = true;
    while (ok) {
      const std::size_t end = m.value.find('+', begin);
      const std::string part = m.value.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      if (part.empty()) {
        c.diags.error(m.where, m.path, "'+' must join two mechanism names in '" + m.value + "'; expected NAME or NAME+NAME");
        ok = false;
      } else if (!find_mechanism(part)) {
        c.diags.error(m.where, m.path, "unknown mechanism '" + part + "'" + did_you_mean(part, mechanisms) +
                                           "; expected one of: " + join(mechanisms) +
                                           " (or several joined by '+', removed together)");
        ok = false;
      } else if (std::find(parts.begin(), parts.end(), part) != parts.end()) {
        c.diags.error(m.where, m.path, "'" + part + "' is named twice in '" + m.value + "'; expected different mechanisms");
        ok = false;
      }
      parts.push_back(part);
      if (end == std::string::npos) break;
      begin = end + 1;
    }
    if (!ok) continue;
    const std::vector<Mechanism> set = parse_mechanism_set(m.value);
    if (std::find(claimed.begin(), claimed.end(), set) != claimed.end())
      c.diags.error(m.where, m.path, "'" + m.value + "' repeats a claim already made; expected each mechanism or set once");
    claimed.push_back(set);
  }
  std::vector<std::string> events;
  for (const auto& e : s.events)
    if (e.name.given) events.push_back(e.name.value);
  for (const auto& e : p.scheduled_by)
    if (std::find(events.begin(), events.end(), e.value) == events.end())
      c.diags.error(e.where, e.path, "no event is named '" + e.value + "'" + did_you_mean(e.value, events) +
                                         "; expected the name of one of the scenario's events");
  if (!p.klass.given) return;
  if (test && p.fails_without.empty())
    c.diags.error(p.klass.where, p.path + ".fails_without",
                  "missing; a test pattern names the mechanisms without which it must fail (sixparty mechanisms lists them)");
  if (!test && !p.fails_without.empty())
    c.diags.error(p.fails_without.front().where, p.path + ".fails_without",
                  "only a test pattern names mechanisms; this one is '" + p.klass.value + "'");
  if (scheduled && p.scheduled_by.empty())
    c.diags.error(p.klass.where, p.path + ".scheduled_by",
                  "missing; a scheduled pattern names the events that produce it");
  if (!scheduled && !p.scheduled_by.empty())
    c.diags.error(p.scheduled_by.front().where, p.path + ".scheduled_by",
                  "only a scheduled pattern names events; this one is '" + p.klass.value + "'");
}

// patterns: ids, bounds, years and actors (variables are checked against the recorded ones later)
void check_patterns(Checker& c, const ScenarioSpec& s, const std::vector<std::string>& ids, const TimeOk& time) {
  std::set<std::string> pattern_ids;
  for (const auto& p : s.patterns) {
    if (p.id.given && !pattern_ids.insert(p.id.value).second)
      c.diags.error(p.id.where, p.id.path, "pattern id '" + p.id.value + "' is used twice; expected unique ids");
    check_pattern_expr(c, s, p.value, ids, time);
    const bool lo = p.min.given && c.finite(p.min), hi = p.max.given && c.finite(p.max);
    if (lo && hi && p.min.value > p.max.value)
      c.diags.error(p.max.where, p.max.path, "found " + format_number(p.max.value) + "; expected max >= min (" +
                                                 format_number(p.min.value) + ")");
    if (p.confidence.given) c.range(p.confidence, 0.5, 0.999, "a confidence level");
    check_pattern_class(c, s, p);
  }
}

// uncertainty: concentrations > 0, values that resolve with supports inside their ranges, event
// jitters that keep every event inside the horizon
void check_uncertainty(Checker& c, const ScenarioSpec& s, const std::vector<std::string>& ids, const TimeOk& time) {
  const UncertaintySpec& u = s.uncertainty;
  if (u.concentration.given) c.positive(u.concentration, 1e9, "a Dirichlet concentration");
  for (const auto& [id, conc] : u.actor_concentration) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
      c.diags.error(conc.where, conc.path, "unknown actor '" + id + "'" + did_you_mean(id, ids) + "; expected one of: " + join(ids));
    c.positive(conc, 1e9, "a Dirichlet concentration");
  }
  for (const auto& d : u.values) {
    int parameter = -1;
    EventTarget t{};
    double lo = 0, hi = 0;
    std::string why;
    if (!resolve_uncertain(s, d.target, parameter, t, lo, hi, why)) {
      c.diags.error(d.where, d.path, why);
      continue;
    }
    if (d.kind.empty()) continue;  // reported by the reader
    const std::string at = d.path + "." + d.kind;
    bool finite = true;
    for (double x : d.args) finite = finite && std::isfinite(x);
    if (!finite) {
      c.diags.error(d.kind_where, at, "expected finite numbers");
      continue;
    }
    const std::string range = "[" + format_number(lo) + ", " + format_number(hi) + "]";
    auto inside = [&](double x) { return x >= lo && x <= hi; };
    if (d.kind == "normal") {
      if (!(d.args[1] > 0)) c.diags.error(d.kind_where, at, "found sd " + format_number(d.args[1]) + "; expected sd > 0");
      if (!inside(d.args[0]))
        c.diags.error(d.kind_where, at, "found mean " + format_number(d.args[0]) + "; expected a mean in the value's range " + range);
    } else {
      const double a = d.args.front(), b = d.args.back();
      if (!(a < b)) c.diags.error(d.kind_where, at, "found [" + format_number(a) + ", " + format_number(b) + "]; expected low < high");
      else if (!inside(a) || !inside(b))
        c.diags.error(d.kind_where, at, "found [" + format_number(a) + ", " + format_number(b) +
                                            "]; expected a range inside the value's range " + range);
      if (d.kind == "log_uniform" && !(a > 0)) c.diags.error(d.kind_where, at, "found low " + format_number(a) + "; expected low > 0");
      if (d.kind == "triangular" && !(d.args[1] >= a && d.args[1] <= b))
        c.diags.error(d.kind_where, at, "found mode " + format_number(d.args[1]) + "; expected a mode in [low, high]");
    }
  }
  if (u.event_size.given) c.range(u.event_size, 0, 0.99, "a relative jitter");
  if (u.event_date_steps.given) {
    const auto k = u.event_date_steps.value;
    if (k < 0 || k > 1000) {
      c.diags.error(u.event_date_steps.where, u.event_date_steps.path,
                    "found " + std::to_string(k) + "; expected a whole number of steps in [0, 1000]");
    } else if (k > 0 && time.all()) {
      const double spy = static_cast<double>(s.time.steps_per_year.value);
      const double steps = std::round((s.time.end.value - s.time.start.value) * spy);
      for (const auto& e : s.events) {
        if (!e.at.given || !std::isfinite(e.at.value)) continue;
        const double step = std::round((e.at.value - s.time.start.value) * spy);
        if (step - static_cast<double>(k) < 0 || step + static_cast<double>(k) >= steps) {
          c.diags.error(u.event_date_steps.where, u.event_date_steps.path,
                        "found " + std::to_string(k) + "; it could move " + e.path + " (at " + format_number(e.at.value) +
                            ") outside the scenario's time span; expected at most " +
                            format_number(std::max(0.0, std::min(step, steps - 1 - step))) + " steps");
          break;  // one message is enough: the largest jitter allowed is in it
        }
      }
    }
  }
}

// run defaults
void check_run(Checker& c, const ScenarioSpec& s) {
  if (s.seed.given && s.seed.value > 9223372036854775807ull)
    c.diags.error(s.seed.where, "run.seed", "found " + std::to_string(s.seed.value) + "; expected a whole number in [0, 2^63) (results files store it as int64)");
  if (s.runs.given && (s.runs.value < 1 || s.runs.value > ScenarioLimits::max_runs))
    c.diags.error(s.runs.where, "run.runs", "found " + std::to_string(s.runs.value) + "; expected a whole number in [1, " +
                                                std::to_string(ScenarioLimits::max_runs) + "]");
  if (s.decisions.given) {
    const std::vector<std::string> known = {decisions_name(Decisions::sampled), decisions_name(Decisions::expected)};
    if (std::find(known.begin(), known.end(), s.decisions.value) == known.end())
      c.diags.error(s.decisions.where, s.decisions.path, "found '" + s.decisions.value + "'" + did_you_mean(s.decisions.value, known) +
                                                             "; expected one of: " + join(known));
  }
}

}  // namespace

void validate(const ScenarioSpec& s, Diagnostics& diags) {
  Checker c{diags};
  const TimeOk time = check_time(c, s.time);
  const std::set<std::string> dims = check_dimensions(c, s);
  const std::set<std::string> res = check_resources(c, s);
  check_actors(c, s, dims, res);
  std::vector<std::string> ids;
  for (const auto& a : s.actors) ids.push_back(a.id);
  check_relations(c, s, ids);
  check_events(c, s, ids, time);
  check_parameters(c, s);
  check_patterns(c, s, ids, time);
  check_uncertainty(c, s, ids, time);
  check_run(c, s);
}

}  // namespace sixparty
