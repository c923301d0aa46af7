// spec_reader: tree -> ScenarioSpec. Checks node kinds, scalar types and key names; ranges and
// references are validate()'s job.
#include "core/text.hpp"
#include "scenario/mechanisms.hpp"
#include "scenario/parameters.hpp"
#include "scenario/spec.hpp"
#include "scenario/reader.hpp"
#include "scenario/tree.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace sixparty {

const std::vector<std::string>& indicator_names() {
  static const std::vector<std::string> names = {"security", "economy", "status", "regional_stability",
                                                 "regime_survival", "influence", "nonproliferation"};
  return names;
}

const std::vector<std::string>& resource_kind_names() {
  static const std::vector<std::string> names = {"economic", "military", "diplomatic"};
  return names;
}

namespace {

void read_relation_values(Reader& r, const TreeNode& n, const std::string& path, RelationValues& v) {
  static const std::vector<std::string> keys = {"affinity", "rivalry", "commitment", "subsidy", "sanction", "aid_return", "border", "distance"};
  if (!r.map(n, path, keys, "a map of relation values (" + join(keys) + ")")) return;
  r.number(n.find("affinity"), path + ".affinity", v.affinity);
  r.number(n.find("rivalry"), path + ".rivalry", v.rivalry);
  r.number(n.find("commitment"), path + ".commitment", v.commitment);
  r.number(n.find("subsidy"), path + ".subsidy", v.subsidy);
  r.number(n.find("sanction"), path + ".sanction", v.sanction);
  r.number(n.find("aid_return"), path + ".aid_return", v.aid_return);
  r.number(n.find("border"), path + ".border", v.border);
  r.number(n.find("distance"), path + ".distance", v.distance);
}

void read_changes(Reader& r, const TreeNode& n, const std::string& path, std::vector<ChangeSpec>& out,
                  const std::string& what) {
  if (!r.any_map(n, path, what)) return;
  for (const auto& e : n.entries) {
    ChangeSpec c;
    c.target.value = e.key;
    c.target.where = e.key_where;
    c.target.path = path + "." + e.key;
    c.target.given = true;
    r.number(&e.node(), path + "." + e.key, c.value);
    out.push_back(std::move(c));
  }
}

void read_actor(Reader& r, const TreeEntry& entry, ActorSpec& a) {
  static const std::vector<std::string> keys = {"name", "output", "growth", "need", "autonomy", "alignment",
                                                "population", "frontier", "nuclear", "reform_drive",
                                                "interests", "resources", "stability"};
  const TreeNode& n = entry.node();
  a.id = entry.key;
  a.where = entry.key_where;
  a.path = "actors." + entry.key;
  if (!r.map(n, a.path, keys, "a map describing the actor")) return;
  r.string(n.find("name"), a.path + ".name", a.name);
  r.number(n.find("output"), a.path + ".output", a.output);
  r.number(n.find("growth"), a.path + ".growth", a.growth);
  r.number(n.find("need"), a.path + ".need", a.need);
  r.number(n.find("autonomy"), a.path + ".autonomy", a.autonomy);
  r.number(n.find("alignment"), a.path + ".alignment", a.alignment);
  r.number(n.find("population"), a.path + ".population", a.population);
  r.number(n.find("frontier"), a.path + ".frontier", a.frontier);
  r.number(n.find("nuclear"), a.path + ".nuclear", a.nuclear);
  r.number(n.find("reform_drive"), a.path + ".reform_drive", a.reform_drive);
  if (!a.output.given && !n.find("output"))
    r.diags.error(entry.key_where, a.path + ".output", "missing; expected the actor's output in US$ bn a year");
  if (const TreeNode* in = n.find("interests")) {
    a.interests_given = in->is_map();
    if (r.any_map(*in, a.path + ".interests", "a map from interest dimension to weight")) {
      for (const auto& e : in->entries) {
        NamedValue nv;
        nv.name = e.key;
        nv.value.where = e.key_where;
        r.number(&e.node(), a.path + ".interests." + e.key, nv.value);
        nv.value.where = e.key_where;
        a.interests.push_back(std::move(nv));
      }
    }
  } else {
    r.diags.error(entry.key_where, a.path + ".interests", "missing; expected a map from interest dimension to weight");
  }
  if (const TreeNode* res = n.find("resources")) {
    if (r.any_map(*res, a.path + ".resources", "a map from resource type to budget")) {
      for (const auto& e : res->entries) {
        BudgetSpec b;
        b.resource = e.key;
        b.where = e.key_where;
        b.path = a.path + ".resources." + e.key;
        static const std::vector<std::string> bkeys = {"stock", "income", "spendable"};
        if (r.map(e.node(), b.path, bkeys, "a map with stock, income and spendable")) {
          r.number(e.node().find("stock"), b.path + ".stock", b.stock);
          r.number(e.node().find("income"), b.path + ".income", b.income);
          r.number(e.node().find("spendable"), b.path + ".spendable", b.spendable);
        }
        a.resources.push_back(std::move(b));
      }
    }
  }
  if (const TreeNode* st = n.find("stability")) {
    static const std::vector<std::string> skeys = {"initial", "repression", "legitimacy"};
    if (r.map(*st, a.path + ".stability", skeys, "a map with initial, repression and legitimacy")) {
      r.number(st->find("initial"), a.path + ".stability.initial", a.stability);
      r.number(st->find("repression"), a.path + ".stability.repression", a.repression);
      r.number(st->find("legitimacy"), a.path + ".stability.legitimacy", a.legitimacy);
    }
  }
}

void read_expr(Reader& r, const TreeNode& n, const std::string& path, PatternExprSpec& e, int depth) {
  e.where = n.where;
  e.path = path;
  static const std::vector<std::string> kinds = {"mean", "at", "ratio", "difference", "sum", "paired_difference",
                                                 "input", "constant"};
  if (depth > 16) {
    r.diags.error(n.where, path, "expression nested deeper than 16 levels; expected a simpler expression");
    return;
  }
  if (!r.map(n, path, kinds, "an expression: a map with exactly one of " + join(kinds))) return;
  if (n.entries.size() != 1) {
    r.diags.error(n.where, path, "found " + std::to_string(n.entries.size()) + " keys; expected exactly one of " + join(kinds));
    return;
  }
  const TreeEntry& k = n.entries.front();
  const TreeNode& v = k.node();
  const std::string kp = path + "." + k.key;
  if (k.key == "mean" || k.key == "at") {
    e.kind = k.key == "mean" ? PatternExprSpec::Kind::mean : PatternExprSpec::Kind::at;
    const std::vector<std::string> keys = k.key == "mean"
        ? std::vector<std::string>{"variable", "actor", "partner", "resource", "interest", "from", "to"}
        : std::vector<std::string>{"variable", "actor", "partner", "resource", "interest", "year"};
    if (!r.map(v, kp, keys, "a map with " + join(keys))) return;
    r.string(v.find("variable"), kp + ".variable", e.variable);
    r.string(v.find("actor"), kp + ".actor", e.actor);
    r.string(v.find("partner"), kp + ".partner", e.partner);
    r.string(v.find("resource"), kp + ".resource", e.resource);
    r.string(v.find("interest"), kp + ".interest", e.interest);
    for (const char* req : {"variable", "actor"})
      if (!v.find(req)) r.diags.error(v.where, kp + "." + req, "missing; expected a name");
    if (k.key == "mean") {
      r.number(v.find("from"), kp + ".from", e.from);
      r.number(v.find("to"), kp + ".to", e.to);
      for (const char* req : {"from", "to"})
        if (!v.find(req)) r.diags.error(v.where, kp + "." + req, "missing; expected a year");
    } else {
      r.number(v.find("year"), kp + ".year", e.year);
      if (!v.find("year")) r.diags.error(v.where, kp + ".year", "missing; expected a year");
    }
  } else if (k.key == "ratio" || k.key == "difference" || k.key == "sum") {
    e.kind = k.key == "ratio" ? PatternExprSpec::Kind::ratio
           : k.key == "difference" ? PatternExprSpec::Kind::difference : PatternExprSpec::Kind::sum;
    if (!v.is_sequence() || v.items.empty() || (k.key != "sum" && v.items.size() != 2)) {
      r.diags.error(v.where, kp, k.key == "sum" ? "expected a list of expressions"
                                                : "expected a list of two expressions [a, b]");
      return;
    }
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      e.args.emplace_back();
      read_expr(r, v.items[i], kp + "[" + std::to_string(i) + "]", e.args.back(), depth + 1);
    }
  } else if (k.key == "paired_difference") {
    e.kind = PatternExprSpec::Kind::paired_difference;
    if (!r.map(v, kp, {"baseline", "of"}, "a map with baseline and of")) return;
    r.string(v.find("baseline"), kp + ".baseline", e.baseline);
    if (!v.find("baseline")) r.diags.error(v.where, kp + ".baseline", "missing; expected the name of the baseline scenario");
    if (const TreeNode* of = v.find("of")) {
      e.args.emplace_back();
      read_expr(r, *of, kp + ".of", e.args.back(), depth + 1);
    } else {
      r.diags.error(v.where, kp + ".of", "missing; expected the expression to compare");
    }
  } else if (k.key == "input") {
    e.kind = PatternExprSpec::Kind::input;
    if (!r.map(v, kp, {"actor", "interest"}, "a map with actor and interest")) return;
    r.string(v.find("actor"), kp + ".actor", e.actor);
    r.string(v.find("interest"), kp + ".interest", e.interest);
    for (const char* req : {"actor", "interest"})
      if (!v.find(req)) r.diags.error(v.where, kp + "." + req, "missing; expected a name");
  } else {
    e.kind = PatternExprSpec::Kind::constant;
    r.number(&v, kp, e.value);
  }
}

// reports the top-level sections every scenario needs but `root` lacks
void report_missing_sections(Reader& r, const TreeNode& root) {
  auto required = [&](const char* key, const char* what) {
    if (!root.find(key)) r.diags.error(root.where, key, std::string("missing; expected ") + what);
  };
  required("time", "time: {start, end, steps_per_year}");
  required("dimensions", "a list of interest dimensions");
  required("resources", "a map of resource types");
  required("actors", "a map of actors by id");
}

void read_time(Reader& r, const TreeNode& root, TimeSpec& time) {
  if (const TreeNode* t = root.find("time")) {
    if (r.map(*t, "time", {"start", "end", "steps_per_year"}, "a map with start, end and steps_per_year")) {
      r.number(t->find("start"), "time.start", time.start);
      r.number(t->find("end"), "time.end", time.end);
      r.integer(t->find("steps_per_year"), "time.steps_per_year", time.steps_per_year);
      for (const char* k : {"start", "end", "steps_per_year"})
        if (!t->find(k)) r.diags.error(t->where, std::string("time.") + k, "missing; expected a number");
    }
  }
}

void read_dimensions(Reader& r, const TreeNode& root, std::vector<Field<std::string>>& dimensions) {
  if (const TreeNode* d = root.find("dimensions")) {
    if (!d->is_sequence()) {
      r.diags.error(d->where, "dimensions", "found " + kind_name(*d) + "; expected a list of interest dimensions");
    } else {
      for (std::size_t i = 0; i < d->items.size(); ++i) {
        Field<std::string> f;
        r.string(&d->items[i], "dimensions[" + std::to_string(i) + "]", f);
        if (f.given) dimensions.push_back(std::move(f));
      }
      if (d->items.empty()) r.diags.error(d->where, "dimensions", "the list is empty; expected at least one interest dimension");
    }
  }
}

// resources: the resource types by name, each with its kind and unit
void read_resource_types(Reader& r, const TreeNode& root, ScenarioSpec& s) {
  if (const TreeNode* res = root.find("resources")) {
    s.resources_given = true;
    if (r.any_map(*res, "resources", "a map from resource type to {kind, unit}")) {
      for (const auto& e : res->entries) {
        ResourceTypeSpec rt;
        rt.name = e.key;
        rt.where = e.key_where;
        rt.path = "resources." + e.key;
        if (r.map(e.node(), rt.path, {"kind", "unit"}, "a map with kind and unit")) {
          r.string(e.node().find("kind"), rt.path + ".kind", rt.kind);
          r.string(e.node().find("unit"), rt.path + ".unit", rt.unit);
          if (!rt.kind.given && !e.node().find("kind"))
            r.diags.error(e.key_where, rt.path + ".kind", "missing; expected one of: " + join(resource_kind_names()));
        }
        s.resources.push_back(std::move(rt));
      }
    }
  }
}

void read_actors(Reader& r, const TreeNode& root, std::vector<ActorSpec>& out) {
  if (const TreeNode* actors = root.find("actors")) {
    if (actors->is_map() && actors->entries.empty())
      r.diags.error(actors->where, "actors", "the map is empty; expected at least one actor");
    if (r.any_map(*actors, "actors", "a map from actor id to actor")) {
      for (const auto& e : actors->entries) {
        ActorSpec a;
        read_actor(r, e, a);
        out.push_back(std::move(a));
      }
    }
  }
}

// one 'A->B' or 'A<->B' entry of relations; false (reported) if its key is neither
bool read_relation(Reader& r, const TreeEntry& e, RelationSpec& rs) {
  rs.key = e.key;
  rs.where = e.key_where;
  rs.path = "relations." + e.key;
  auto pos = e.key.find("<->");
  std::size_t len = 3;
  if (pos != std::string::npos) {
    rs.both = true;
  } else {
    pos = e.key.find("->");
    len = 2;
  }
  if (pos == std::string::npos || pos == 0 || pos + len >= e.key.size()) {
    r.diags.error(e.key_where, rs.path, "'" + e.key + "' is not a relation key; expected 'default', 'A->B' or 'A<->B'");
    return false;
  }
  rs.from = e.key.substr(0, pos);
  rs.to = e.key.substr(pos + len);
  read_relation_values(r, e.node(), rs.path, rs.values);
  return true;
}

// relations: the defaults and the relations between two actors
void read_relations(Reader& r, const TreeNode& root, ScenarioSpec& s) {
  if (const TreeNode* rel = root.find("relations")) {
    if (r.any_map(*rel, "relations", "a map of relations ('default', 'A->B', 'A<->B')")) {
      for (const auto& e : rel->entries) {
        if (e.key == "default") {
          read_relation_values(r, e.node(), "relations.default", s.relation_defaults);
          continue;
        }
        RelationSpec rs;
        if (read_relation(r, e, rs)) s.relations.push_back(std::move(rs));
      }
    }
  }
}

// an event's collapse: an actor id or a list of them
void read_collapse(Reader& r, const TreeNode& c, const std::string& cp, std::vector<Field<std::string>>& collapse) {
  if (c.is_scalar()) {
    Field<std::string> f;
    r.string(&c, cp, f);
    collapse.push_back(f);
  } else if (c.is_sequence()) {
    for (std::size_t k = 0; k < c.items.size(); ++k) {
      Field<std::string> f;
      r.string(&c.items[k], cp + "[" + std::to_string(k) + "]", f);
      if (f.given) collapse.push_back(f);
    }
  } else {
    r.diags.error(c.where, cp, "found " + kind_name(c) + "; expected an actor id or a list of actor ids");
  }
}

// events[i] of its own file (the index counts the events of the file that declares it, not of
// the list after extends merged it), with its name when it has one: events[0](E5 warming);
// false (reported) if it is not a map
bool read_event(Reader& r, const TreeNode& n, std::size_t i, EventSpec& e) {
  static const std::vector<std::string> ekeys = {"at", "size", "name", "source", "note", "set", "scale", "add", "shock", "collapse"};
  e.where = n.where;
  e.path = "events[" + std::to_string(i) + "]";
  if (!r.map(n, e.path, ekeys, "an event map with 'at' and one or more of set, scale, add, shock, collapse")) return false;
  r.string(n.find("name"), e.path + ".name", e.name);
  if (e.name.given && !e.name.value.empty()) e.path += "(" + e.name.value + ")";
  r.number(n.find("at"), e.path + ".at", e.at);
  r.number(n.find("size"), e.path + ".size", e.size);
  if (!n.find("at")) r.diags.error(n.where, e.path + ".at", "missing; expected the year the event happens");
  r.string(n.find("source"), e.path + ".source", e.source);
  r.string(n.find("note"), e.path + ".note", e.note);
  if (const TreeNode* c = n.find("set")) read_changes(r, *c, e.path + ".set", e.set, "a map from path to new value");
  if (const TreeNode* c = n.find("scale")) read_changes(r, *c, e.path + ".scale", e.scale, "a map from path to factor");
  if (const TreeNode* c = n.find("add")) read_changes(r, *c, e.path + ".add", e.add, "a map from path to increment");
  if (const TreeNode* c = n.find("shock")) read_changes(r, *c, e.path + ".shock", e.shock, "a map from actor id to stability change");
  if (const TreeNode* c = n.find("collapse")) read_collapse(r, *c, e.path + ".collapse", e.collapse);
  if (e.set.empty() && e.scale.empty() && e.add.empty() && e.shock.empty() && e.collapse.empty())
    r.diags.error(n.where, e.path, "the event changes nothing; expected at least one of set, scale, add, shock, collapse");
  return true;
}

void read_events(Reader& r, const TreeNode& root, std::vector<EventSpec>& events) {
  if (const TreeNode* ev = root.find("events")) {
    if (!ev->is_sequence()) {
      r.diags.error(ev->where, "events", "found " + kind_name(*ev) + "; expected a list of events");
    } else {
      std::string file;
      std::size_t own = 0;  // the index among the events of the file that declares it
      for (std::size_t i = 0; i < ev->items.size(); ++i) {
        const std::string& f = ev->items[i].where.file;
        own = i == 0 || f != file ? 0 : own + 1;
        file = f;
        EventSpec e;
        if (read_event(r, ev->items[i], own, e)) events.push_back(std::move(e));
      }
    }
  }
}

// the models of the parameter catalogue, in catalogue order
std::vector<std::string> parameter_models() {
  std::vector<std::string> models;
  for (const auto& info : parameter_catalogue())
    if (std::find(models.begin(), models.end(), info.model) == models.end()) models.push_back(info.model);
  return models;
}

// parameters.MODEL: the model's parameters by name
void read_model_parameters(Reader& r, const TreeEntry& m, std::vector<ParameterSpec>& out) {
  std::vector<std::string> names;
  for (const auto& info : parameter_catalogue())
    if (m.key == info.model) names.push_back(info.name);
  const std::string mp = "parameters." + m.key;
  if (!r.map(m.node(), mp, names, "a map of " + m.key + " parameters")) return;
  for (const auto& e : m.node().entries) {
    if (std::find(names.begin(), names.end(), e.key) == names.end()) continue;
    ParameterSpec ps;
    ps.model = m.key;
    ps.name = e.key;
    r.number(&e.node(), mp + "." + e.key, ps.value);
    out.push_back(std::move(ps));
  }
}

void read_parameters(Reader& r, const TreeNode& root, std::vector<ParameterSpec>& out) {
  if (const TreeNode* p = root.find("parameters")) {
    const std::vector<std::string> models = parameter_models();
    if (r.map(*p, "parameters", models, "a map from model to its parameters")) {
      for (const auto& m : p->entries) {
        if (std::find(models.begin(), models.end(), m.key) == models.end()) continue;
        read_model_parameters(r, m, out);
      }
    }
  }
}

// mechanisms: NAME: on|off
void read_mechanisms(Reader& r, const TreeNode& root, std::vector<MechanismSpec>& out) {
  const TreeNode* m = root.find("mechanisms");
  if (!m) return;
  std::vector<std::string> names;
  for (const auto& info : mechanism_catalogue()) names.push_back(info.name);
  if (!r.map(*m, "mechanisms", names, "a map from mechanism to on or off (sixparty mechanisms lists them)")) return;
  for (const auto& e : m->entries) {
    if (!find_mechanism(e.key)) continue;
    MechanismSpec ms;
    ms.name = e.key;
    r.boolean(&e.node(), "mechanisms." + e.key, ms.on);
    out.push_back(std::move(ms));
  }
}

// uncertainty.values.PATH: exactly one distribution and a source
void read_distribution(Reader& r, const TreeEntry& e, DistributionSpec& d) {
  const std::vector<std::string>& kinds = kDistributionKeys;
  std::vector<std::string> keys = kinds;
  keys.push_back("source");
  d.where = e.key_where;
  d.target = e.key;
  d.path = "uncertainty.values." + e.key;
  if (!r.map(e.node(), d.path, keys, "a map with one of uniform, log_uniform, normal, triangular, and a source")) return;
  bool seen = false;
  for (const auto& k : e.node().entries) {
    if (std::find(kinds.begin(), kinds.end(), k.key) == kinds.end()) continue;
    if (seen) {
      r.diags.error(k.key_where, d.path + "." + k.key, "a second distribution; expected exactly one");
      continue;
    }
    seen = true;
    d.kind = k.key;
    d.kind_where = k.key_where;
    const std::size_t want = k.key == "triangular" ? 3 : 2;
    const char* what = k.key == "normal" ? "[mean, sd]" : k.key == "triangular" ? "[low, mode, high]" : "[low, high]";
    const TreeNode& v = k.node();
    if (!v.is_sequence() || v.items.size() != want) {
      r.diags.error(v.where, d.path + "." + k.key, "found " + kind_name(v) + "; expected " + what);
      d.kind.clear();
      continue;
    }
    for (std::size_t q = 0; q < want; ++q) {
      Field<double> f;
      r.number(&v.items[q], d.path + "." + k.key + "[" + std::to_string(q) + "]", f);
      if (!f.given) d.kind.clear();
      d.args.push_back(f.value);
    }
  }
  if (!seen)
    r.diags.error(e.key_where, d.path, "missing a distribution; expected one of uniform, log_uniform, normal, triangular");
  r.string(e.node().find("source"), d.path + ".source", d.source);
  if (!e.node().find("source"))
    r.diags.error(e.key_where, d.path + ".source", "missing; expected where the range comes from, or the judgement behind it");
}

// uncertainty: interests, values, events
void read_uncertainty(Reader& r, const TreeNode& root, UncertaintySpec& u) {
  const TreeNode* n = root.find("uncertainty");
  if (!n) return;
  u.where = n->where;
  if (n->kind == TreeNode::Kind::null) {  // `uncertainty:` with nothing: no uncertainty
    u.given = true;
    return;
  }
  if (!r.map(*n, "uncertainty", {"interests", "values", "events"}, "a map with interests, values and/or events")) return;
  u.given = true;
  if (const TreeNode* i = n->find("interests")) {
    if (r.map(*i, "uncertainty.interests", {"concentration", "actors", "source"},
              "a map with concentration (and actors, source)")) {
      r.number(i->find("concentration"), "uncertainty.interests.concentration", u.concentration);
      r.string(i->find("source"), "uncertainty.interests.source", u.interests_source);
      if (!i->find("source"))
        r.diags.error(i->where, "uncertainty.interests.source", "missing; expected where the concentration comes from, or the judgement behind it");
      if (const TreeNode* a = i->find("actors"); a && r.any_map(*a, "uncertainty.interests.actors", "a map from actor id to concentration")) {
        for (const auto& e : a->entries) {
          Field<double> c;
          r.number(&e.node(), "uncertainty.interests.actors." + e.key, c);
          u.actor_concentration.emplace_back(e.key, c);
        }
      }
    }
  }
  if (const TreeNode* v = n->find("values"); v && r.any_map(*v, "uncertainty.values", "a map from a scenario value's path to its distribution")) {
    for (const auto& e : v->entries) {
      DistributionSpec d;
      read_distribution(r, e, d);
      u.values.push_back(std::move(d));
    }
  }
  if (const TreeNode* e = n->find("events")) {
    if (r.map(*e, "uncertainty.events", {"size", "date_steps", "source"}, "a map with size and/or date_steps, and source")) {
      r.number(e->find("size"), "uncertainty.events.size", u.event_size);
      r.integer(e->find("date_steps"), "uncertainty.events.date_steps", u.event_date_steps);
      r.string(e->find("source"), "uncertainty.events.source", u.events_source);
      if (!e->find("source"))
        r.diags.error(e->where, "uncertainty.events.source", "missing; expected where the jitter comes from, or the judgement behind it");
    }
  }
}

// a name or a list of names
void read_names(Reader& r, const TreeNode& c, const std::string& cp, std::vector<Field<std::string>>& out, const char* what) {
  if (c.is_scalar()) {
    Field<std::string> f;
    r.string(&c, cp, f);
    out.push_back(f);
  } else if (c.is_sequence() && !c.items.empty()) {
    for (std::size_t k = 0; k < c.items.size(); ++k) {
      Field<std::string> f;
      r.string(&c.items[k], cp + "[" + std::to_string(k) + "]", f);
      if (f.given) out.push_back(f);
    }
  } else {
    r.diags.error(c.where, cp, "found " + kind_name(c) + "; expected " + what);
  }
}

// patterns[i]; false (reported) if it is not a map
bool read_pattern(Reader& r, const TreeNode& n, std::size_t i, PatternSpec& ps) {
  static const std::vector<std::string> pkeys = {"id", "description", "source", "tolerance", "class",
                                                 "fails_without", "scheduled_by", "known_failure", "value", "expect"};
  ps.where = n.where;
  ps.path = "patterns[" + std::to_string(i) + "]";
  if (!r.map(n, ps.path, pkeys, "a pattern map with id, value and expect")) return false;
  r.string(n.find("id"), ps.path + ".id", ps.id);
  r.string(n.find("description"), ps.path + ".description", ps.description);
  r.string(n.find("source"), ps.path + ".source", ps.source);
  r.string(n.find("tolerance"), ps.path + ".tolerance", ps.tolerance);
  r.string(n.find("class"), ps.path + ".class", ps.klass);
  r.string(n.find("known_failure"), ps.path + ".known_failure", ps.known_failure);
  if (const TreeNode* f = n.find("fails_without"))
    read_names(r, *f, ps.path + ".fails_without", ps.fails_without, "a mechanism or a list of mechanisms");
  if (const TreeNode* f = n.find("scheduled_by"))
    read_names(r, *f, ps.path + ".scheduled_by", ps.scheduled_by, "an event name or a list of event names");
  for (const char* req : {"id", "value", "expect"})
    if (!n.find(req)) r.diags.error(n.where, ps.path + "." + req, "missing");
  if (!n.find("class"))
    r.diags.error(n.where, ps.path + ".class", std::string("missing; expected what the pattern is evidence of: ") + kPatternClasses);
  if (const TreeNode* v = n.find("value")) read_expr(r, *v, ps.path + ".value", ps.value, 0);
  if (const TreeNode* ex = n.find("expect")) {
    if (r.map(*ex, ps.path + ".expect", {"min", "max", "confidence"}, "a map with min and/or max (and confidence)")) {
      r.number(ex->find("min"), ps.path + ".expect.min", ps.min);
      r.number(ex->find("max"), ps.path + ".expect.max", ps.max);
      r.number(ex->find("confidence"), ps.path + ".expect.confidence", ps.confidence);
      if (!ex->find("min") && !ex->find("max"))
        r.diags.error(ex->where, ps.path + ".expect", "expected at least one of min and max");
    }
  }
  return true;
}

void read_patterns(Reader& r, const TreeNode& root, std::vector<PatternSpec>& patterns) {
  if (const TreeNode* pats = root.find("patterns")) {
    if (!pats->is_sequence()) {
      r.diags.error(pats->where, "patterns", "found " + kind_name(*pats) + "; expected a list of patterns");
    } else {
      for (std::size_t i = 0; i < pats->items.size(); ++i) {
        PatternSpec ps;
        if (read_pattern(r, pats->items[i], i, ps)) patterns.push_back(std::move(ps));
      }
    }
  }
}

// run: the default number of runs and seed, and how decisions are taken
void read_run(Reader& r, const TreeNode& root, ScenarioSpec& s) {
  if (const TreeNode* run = root.find("run")) {
    if (r.map(*run, "run", {"runs", "seed", "decisions"}, "a map with runs, seed and decisions")) {
      r.integer(run->find("runs"), "run.runs", s.runs);
      r.integer(run->find("seed"), "run.seed", s.seed);
      r.string(run->find("decisions"), "run.decisions", s.decisions);
    }
  }
}

}  // namespace

const char* pattern_class_name(PatternClass c) {
  switch (c) {
    case PatternClass::target: return "target";
    case PatternClass::input: return "input";
    case PatternClass::scheduled: return "scheduled";
    case PatternClass::identity: return "identity";
    case PatternClass::test: return "test";
  }
  return "?";
}

ScenarioSpec read_spec(const TreeNode& root, Diagnostics& diags) {
  ScenarioSpec s;
  Reader r(diags);
  s.root = root.where;
  if (!r.map(root, "", kScenarioKeys, "a map of scenario keys")) return s;

  r.string(root.find("name"), "name", s.name);
  r.string(root.find("description"), "description", s.description);
  report_missing_sections(r, root);
  read_time(r, root, s.time);
  read_dimensions(r, root, s.dimensions);
  read_resource_types(r, root, s);
  read_actors(r, root, s.actors);
  read_relations(r, root, s);
  read_events(r, root, s.events);
  read_parameters(r, root, s.parameters);
  read_mechanisms(r, root, s.mechanisms);
  read_uncertainty(r, root, s.uncertainty);
  read_patterns(r, root, s.patterns);
  read_run(r, root, s);
  return s;
}

}  // namespace sixparty
