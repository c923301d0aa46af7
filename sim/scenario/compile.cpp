// compile: a validated ScenarioSpec -> the immutable Scenario; load_scenario ties the chain.
#include "core/text.hpp"
#include "scenario/load.hpp"
#include "scenario/spec.hpp"
#include "scenario/target_range.hpp"
#include "scenario/tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace sixparty {

std::size_t Scenario::pattern_count() const { return patterns ? patterns->size() : 0; }

int Scenario::actor_index(const std::string& id) const {
  auto it = std::find(actor_ids.begin(), actor_ids.end(), id);
  return it == actor_ids.end() ? -1 : static_cast<int>(it - actor_ids.begin());
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

int index_of(const std::vector<std::string>& v, const std::string& x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

}  // namespace

bool resolve_uncertain(const ScenarioSpec& spec, const std::string& path, int& parameter, EventTarget& target,
                       double& lo, double& hi, std::string& why) {
  parameter = -1;
  const auto p = split(path, '.');
  if (!p.empty() && p[0] == "parameters") {
    const auto& cat = parameter_catalogue();
    for (std::size_t k = 0; k < cat.size(); ++k)
      if (p.size() == 3 && p[1] == cat[k].model && p[2] == cat[k].name) {
        parameter = static_cast<int>(k);
        lo = cat[k].min_value;
        hi = cat[k].max_value;
        return true;
      }
    why = "'" + path + "': not a parameter; expected parameters.MODEL.NAME as `sixparty params` lists them";
    return false;
  }
  std::string q = path;
  if (p.size() == 4 && p[0] == "actors" && p[2] == "stability" && p[3] == "initial")
    q = "actors." + p[1] + ".stability.value";
  auto t = resolve_target(spec, q, why);
  if (!t) return false;
  target = *t;
  std::tie(lo, hi) = target_range(t->var);
  return true;
}

std::optional<EventTarget> resolve_target(const ScenarioSpec& spec, const std::string& path, std::string& why) {
  std::vector<std::string> ids, res;
  for (const auto& a : spec.actors) ids.push_back(a.id);
  for (const auto& r : spec.resources) res.push_back(r.name);
  const auto p = split(path, '.');
  auto fail = [&](std::string msg) -> std::optional<EventTarget> {
    why = "'" + path + "': " + msg;
    return std::nullopt;
  };
  const std::string forms =
      "expected actors.ID.(output|growth|need|autonomy|alignment|nuclear|population|frontier|reform_drive|war_abroad), "
      "actors.ID.stability.(value|repression|legitimacy), actors.ID.resources.RES.(stock|income|spendable) or "
      "relations.A->B.(affinity|rivalry|commitment|subsidy|sanction|aid_return|border)";
  if (p.size() < 3) return fail("too short; " + forms);
  EventTarget t{};
  if (p[0] == "actors") {
    t.i = index_of(ids, p[1]);
    if (t.i < 0) return fail("unknown actor '" + p[1] + "'" + did_you_mean(p[1], ids) + "; expected one of: " + join(ids));
    if (p.size() == 3) {
      static const std::vector<std::pair<std::string, TargetVar>> vars = {
          {"output", TargetVar::output}, {"growth", TargetVar::growth}, {"need", TargetVar::need},
          {"autonomy", TargetVar::autonomy}, {"alignment", TargetVar::alignment}, {"nuclear", TargetVar::nuclear},
          {"population", TargetVar::population}, {"frontier", TargetVar::frontier},
          {"reform_drive", TargetVar::reform_drive}, {"war_abroad", TargetVar::war_abroad}};
      for (const auto& [n, v] : vars)
        if (p[2] == n) {
          t.var = v;
          return t;
        }
      return fail("'" + p[2] + "' is not a variable an event can change" +
                  did_you_mean(p[2], {"output", "growth", "need", "autonomy", "alignment", "nuclear", "population",
                                      "frontier", "reform_drive", "war_abroad", "stability", "resources"}) + "; " + forms);
    }
    if (p.size() == 4 && p[2] == "stability") {
      if (p[3] == "value") t.var = TargetVar::stability;
      else if (p[3] == "repression") t.var = TargetVar::repression;
      else if (p[3] == "legitimacy") t.var = TargetVar::legitimacy;
      else return fail("'" + p[3] + "'" + did_you_mean(p[3], {"value", "repression", "legitimacy"}) +
                       "; expected value, repression or legitimacy");
      return t;
    }
    if (p.size() == 5 && p[2] == "resources") {
      t.r = index_of(res, p[3]);
      if (t.r < 0) return fail("unknown resource '" + p[3] + "'" + did_you_mean(p[3], res) + "; expected one of: " + join(res));
      if (p[4] == "stock") t.var = TargetVar::stock;
      else if (p[4] == "income") t.var = TargetVar::income;
      else if (p[4] == "spendable") t.var = TargetVar::spendable;
      else return fail("'" + p[4] + "'" + did_you_mean(p[4], {"stock", "income", "spendable"}) +
                       "; expected stock, income or spendable");
      return t;
    }
    return fail(forms);
  }
  if (p[0] == "relations" && p.size() == 3) {
    std::string key = p[1];
    std::size_t pos = key.find("<->"), len = 3;
    if (pos != std::string::npos) t.both = true;
    else {
      pos = key.find("->");
      len = 2;
    }
    if (pos == std::string::npos) return fail("'" + key + "' is not a relation; expected 'A->B' or 'A<->B'");
    t.i = index_of(ids, key.substr(0, pos));
    t.j = index_of(ids, key.substr(pos + len));
    if (t.i < 0 || t.j < 0 || t.i == t.j)
      return fail("'" + key + "' does not name two different actors of the scenario; expected ids among: " + join(ids));
    static const std::vector<std::pair<std::string, TargetVar>> vars = {
        {"affinity", TargetVar::affinity}, {"rivalry", TargetVar::rivalry}, {"commitment", TargetVar::commitment},
        {"subsidy", TargetVar::subsidy}, {"sanction", TargetVar::sanction}, {"aid_return", TargetVar::aid_return},
        {"border", TargetVar::border}};
    for (const auto& [n, v] : vars)
      if (p[2] == n) {
        t.var = v;
        if (v == TargetVar::rivalry) t.both = true;  // symmetric by definition
        return t;
      }
    return fail("'" + p[2] + "'" +
                did_you_mean(p[2], {"affinity", "rivalry", "commitment", "subsidy", "sanction", "aid_return", "border"}) +
                "; expected affinity, rivalry, commitment, subsidy, sanction, aid_return or border");
  }
  return fail(forms);
}

namespace {

// name, description and the time grid
void compile_time(const ScenarioSpec& s, Scenario& sc) {
  sc.name = s.name.given ? s.name.value : "scenario";
  sc.description = s.description.value;
  sc.start_year = s.time.start.value;
  sc.end_year = s.time.end.value;
  sc.steps_per_year = static_cast<int>(s.time.steps_per_year.value);
  sc.dt = 1.0 / sc.steps_per_year;
  sc.steps = static_cast<int>(std::llround((sc.end_year - sc.start_year) * sc.steps_per_year));
}

// the actors, interest dimensions and resources by name (and the resource of each kind)
void compile_names(const ScenarioSpec& s, Scenario& sc) {
  for (const auto& a : s.actors) {
    sc.actor_ids.push_back(a.id);
    sc.actor_names.push_back(a.name.given ? a.name.value : a.id);
  }
  const auto& ind = indicator_names();
  for (const auto& d : s.dimensions) {
    sc.dimensions.push_back(d.value);
    sc.indicators.push_back(static_cast<Indicator>(index_of(ind, d.value)));
  }
  const auto& kinds = resource_kind_names();
  for (const auto& r : s.resources) {
    sc.resource_names.push_back(r.name);
    sc.resource_units.push_back(r.unit.given ? r.unit.value : "resource units");
    const auto k = static_cast<ResourceKind>(index_of(kinds, r.kind.value));
    sc.resource_kinds.push_back(k);
    const int idx = static_cast<int>(sc.resource_names.size()) - 1;
    if (k == ResourceKind::economic) sc.economic = idx;
    if (k == ResourceKind::military) sc.military = idx;
    if (k == ResourceKind::diplomatic) sc.diplomatic = idx;
  }
}

// the default parameters with the scenario's values
void compile_parameters(const ScenarioSpec& s, Scenario& sc) {
  sc.params = default_parameters();
  for (const auto& p : s.parameters)
    if (const ParameterInfo* info = find_parameter(p.model, p.name)) info->ref(sc.params) = p.value.value;
  for (const auto& m : s.mechanisms)
    if (const MechanismInfo* info = find_mechanism(m.name); info && m.on.given) sc.mechanisms.set(info->id, m.on.value);
}

// uncertainty: the values by target, the interests' concentrations per actor
void compile_uncertainty(const ScenarioSpec& s, Scenario& sc) {
  const UncertaintySpec& u = s.uncertainty;
  sc.uncertainty.concentration.assign(s.actors.size(), u.concentration.given ? u.concentration.value : 0.0);
  for (const auto& [id, c] : u.actor_concentration)
    for (std::size_t i = 0; i < s.actors.size(); ++i)
      if (s.actors[i].id == id) sc.uncertainty.concentration[i] = c.value;
  for (const auto& d : u.values) {
    UncertainValue v;
    v.name = d.target;
    std::string why;
    resolve_uncertain(s, d.target, v.parameter, v.target, v.lo, v.hi, why);
    v.kind = d.kind == "log_uniform" ? InputDistribution::log_uniform
             : d.kind == "normal"    ? InputDistribution::normal
             : d.kind == "triangular" ? InputDistribution::triangular
                                      : InputDistribution::uniform;
    v.a = d.args[0];
    v.b = d.args[1];
    v.c = d.args.size() > 2 ? d.args[2] : 0.0;
    sc.uncertainty.values.push_back(v);
  }
  // a draw's name keys its random numbers: sorted, so the order of declaration does not matter
  std::sort(sc.uncertainty.values.begin(), sc.uncertainty.values.end(),
            [](const UncertainValue& a, const UncertainValue& b) { return a.name < b.name; });
  sc.uncertainty.event_size = u.event_size.given ? u.event_size.value : 0.0;
  sc.uncertainty.event_date_steps = u.event_date_steps.given ? static_cast<int>(u.event_date_steps.value) : 0;
}

// actor i's initial state, with the defaults for the values the scenario leaves out
void set_actor_state(World& w, int i, const ActorSpec& a) {
  w.output[i] = a.output.value;
  w.growth[i] = a.growth.given ? a.growth.value : 0.0;
  w.need[i] = a.need.given ? a.need.value : a.output.value;
  w.autonomy[i] = a.autonomy.given ? a.autonomy.value : 0.5;
  w.alignment[i] = a.alignment.given ? a.alignment.value : 0.0;
  w.stability[i] = a.stability.given ? a.stability.value : 0.8;
  w.repression[i] = a.repression.given ? a.repression.value : 0.5;
  w.legitimacy[i] = a.legitimacy.given ? a.legitimacy.value : 0.5;
  w.collapse_year[i] = std::numeric_limits<double>::quiet_NaN();
  w.war_year[i] = std::numeric_limits<double>::quiet_NaN();
  w.war_end_year[i] = std::numeric_limits<double>::quiet_NaN();
  w.war_since[i] = std::numeric_limits<double>::quiet_NaN();
  w.population[i] = a.population.given ? a.population.value : 1.0;
  w.frontier[i] = a.frontier.given ? a.frontier.value : w.population[i];
  w.nuclear[i] = a.nuclear.given ? a.nuclear.value : 0.0;
  w.reform_drive[i] = a.reform_drive.given ? a.reform_drive.value : 0.0;
}

// actor i's interest weights, normalised to sum 1
void set_interests(Scenario& sc, int i, const ActorSpec& a) {
  for (const auto& iv : a.interests) sc.interests(i, index_of(sc.dimensions, iv.name)) = iv.value.value;
  const double total = sc.interests.row(i).sum();
  if (total > 0) sc.interests.row(i) /= total;
}

// actor i's stock, income and spendable share of each resource it has
void set_budgets(World& w, int i, const ActorSpec& a, const std::vector<std::string>& resource_names) {
  for (const auto& b : a.resources) {
    const int r = index_of(resource_names, b.resource);
    w.stock(i, r) = b.stock.given ? b.stock.value : 0.0;
    w.income(i, r) = b.income.given ? b.income.value : 0.0;
    w.spendable(i, r) = b.spendable.given ? b.spendable.value : 0.0;
  }
}

// the initial world's actors and the interest matrix
void compile_actors(const ScenarioSpec& s, Scenario& sc) {
  const int n = sc.n();
  World& w = sc.initial;
  w.resize(n, sc.n_resources());
  sc.interests.setZero(n, sc.n_dimensions());
  for (int i = 0; i < n; ++i) {
    const ActorSpec& a = s.actors[i];
    set_actor_state(w, i, a);
    set_interests(sc, i, a);
    set_budgets(w, i, a, sc.resource_names);
  }
  w.stock0 = w.stock;
}

// the values a relation gives, from i toward j (rivalry and distance both ways)
void apply_relation(World& w, int i, int j, const RelationValues& v) {
  if (v.affinity.given) w.affinity(i, j) = w.affinity_base(i, j) = v.affinity.value;
  if (v.rivalry.given) w.rivalry(i, j) = w.rivalry(j, i) = v.rivalry.value;
  if (v.commitment.given) w.commitment(i, j) = v.commitment.value;
  if (v.subsidy.given) w.subsidy(i, j) = v.subsidy.value;
  if (v.sanction.given) w.sanction(i, j) = w.sanction_floor(i, j) = v.sanction.value;
  if (v.border.given) w.border(i, j) = v.border.value;
  if (v.distance.given) w.distance(i, j) = w.distance(j, i) = v.distance.value;
  if (v.aid_return.given) w.expected_return(i, j) = v.aid_return.value;
}

// relations: defaults, then 'A<->B' entries, then 'A->B' entries (the most specific wins)
void compile_relations(const ScenarioSpec& s, Scenario& sc) {
  const int n = sc.n();
  World& w = sc.initial;
  w.expected_return.setConstant(sc.params.aid.prior_return);
  w.distance.setOnes();  // 1000 km unless a relation says otherwise
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j) apply_relation(w, i, j, s.relation_defaults);
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& r : s.relations) {
      if (r.both != (pass == 0)) continue;
      const int i = sc.actor_index(r.from), j = sc.actor_index(r.to);
      apply_relation(w, i, j, r.values);
      if (r.both) apply_relation(w, j, i, r.values);
    }
  }
  for (int i = 0; i < n; ++i) {
    w.affinity(i, i) = w.affinity_base(i, i) = w.rivalry(i, i) = w.commitment(i, i) = 0;
    w.subsidy(i, i) = w.sanction(i, i) = w.sanction_floor(i, i) = w.expected_return(i, i) = w.border(i, i) = 0;
  }
}

// the set, scale or add changes whose targets resolve
void add_changes(const ScenarioSpec& s, const std::vector<ChangeSpec>& list, EventOp op, Event& ev) {
  for (const auto& ch : list) {
    std::string why;
    if (auto t = resolve_target(s, ch.target.value, why)) ev.changes.push_back({op, *t, ch.value.value});
  }
}

// one event at its step: set, scale and add, then collapses, then stability shocks
Event compile_event(const ScenarioSpec& s, const Scenario& sc, const EventSpec& e) {
  Event ev;
  ev.year = e.at.value;
  ev.size = e.size.given ? e.size.value : 1.0;
  ev.step = static_cast<int>(std::llround((e.at.value - sc.start_year) * sc.steps_per_year));
  ev.step = std::clamp(ev.step, 0, sc.steps - 1);
  ev.name = e.name.given ? e.name.value : "";
  add_changes(s, e.set, EventOp::set, ev);
  add_changes(s, e.scale, EventOp::scale, ev);
  add_changes(s, e.add, EventOp::add, ev);
  for (const auto& who : e.collapse) {
    EventTarget t{};
    t.var = TargetVar::collapse;
    t.i = sc.actor_index(who.value);
    ev.changes.push_back({EventOp::trigger, t, 1.0});
  }
  for (const auto& ch : e.shock) {
    EventTarget t{};
    t.var = TargetVar::stability;
    t.i = sc.actor_index(ch.target.value);
    ev.changes.push_back({EventOp::add, t, ch.value.value});
  }
  return ev;
}

// events: by step, stable in file order
void compile_events(const ScenarioSpec& s, Scenario& sc) {
  for (const auto& e : s.events) sc.events.push_back(compile_event(s, sc, e));
  std::stable_sort(sc.events.begin(), sc.events.end(), [](const Event& a, const Event& b) { return a.step < b.step; });
}

}  // namespace

Scenario compile(const ScenarioSpec& s) {
  Scenario sc;
  compile_time(s, sc);
  compile_names(s, sc);
  compile_parameters(s, sc);
  compile_uncertainty(s, sc);
  compile_actors(s, sc);
  compile_relations(s, sc);
  compile_events(s, sc);
  auto patterns = s.patterns;
  for (auto& p : patterns)
    for (PatternClass c : {PatternClass::target, PatternClass::input, PatternClass::scheduled, PatternClass::identity,
                           PatternClass::test})
      if (p.klass.value == pattern_class_name(c)) p.cls = c;
  sc.patterns = std::make_shared<const std::vector<PatternSpec>>(std::move(patterns));
  if (s.runs.given) sc.runs = s.runs.value;
  if (s.seed.given) sc.seed = s.seed.value;
  if (s.decisions.given && s.decisions.value == decisions_name(Decisions::expected)) sc.decisions = Decisions::expected;
  return sc;
}

namespace {
// the directed pairs (i, j) a world value names: one, or both directions of a pair
bool same_pairs(const EventTarget& a, const EventTarget& b) {
  if (a.var != b.var || a.r != b.r) return false;
  if (a.i == b.i && a.j == b.j) return true;
  return (a.both || b.both) && a.i == b.j && a.j == b.i;
}
}  // namespace

// a value the command line (--set) or a batch factor sets is known, not drawn: it leaves the
// scenario's uncertain values (otherwise the run's draw would silently replace it)
void fix_uncertain(const ScenarioSpec& spec, const std::string& path, Uncertainty& u) {
  int parameter = -1;
  EventTarget target{};
  double lo = 0, hi = 0;
  std::string why;
  if (!resolve_uncertain(spec, path, parameter, target, lo, hi, why)) return;
  std::erase_if(u.values, [&](const UncertainValue& v) {
    if (parameter >= 0 || v.parameter >= 0) return v.parameter == parameter;
    return same_pairs(v.target, target);
  });
}

const char* decisions_name(Decisions d) { return d == Decisions::expected ? "expected" : "sampled"; }

std::optional<Scenario> compile_document(const LoadedDocument& doc, const std::vector<std::string>& overrides,
                                         Diagnostics& diags, bool provenance) {
  const std::size_t before = diags.size();
  TreeNode tree = doc.tree;
  for (const auto& o : overrides) apply_override(tree, o, diags);
  if (diags.size() > before) return std::nullopt;
  ScenarioSpec spec = read_spec(tree, diags);
  validate(spec, diags);
  if (diags.size() > before) return std::nullopt;
  Scenario sc = compile(spec);
  for (const auto& o : overrides) fix_uncertain(spec, o.substr(0, o.find('=')), sc.uncertainty);
  if (provenance) {
    sc.source_files = doc.files;
    sc.source_texts = doc.texts;
    sc.resolved_yaml = emit_tree(tree);
  }
  return sc;
}

std::optional<Scenario> load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                                      Diagnostics& diags) {
  const std::size_t before = diags.size();
  LoadedDocument doc = load_tree(path, diags, scenario_limits());
  if (diags.size() > before) return std::nullopt;
  return compile_document(doc, overrides, diags);
}

}  // namespace sixparty
