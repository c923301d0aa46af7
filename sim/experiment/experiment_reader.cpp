// experiment_reader: an experiment file (YAML) read, checked with located errors, and turned
// into an Experiment (experiment.hpp); the format is in scenarios/README.md ("Experiments")
#include "experiment/experiment.hpp"

#include "core/text.hpp"
#include "experiment/record.hpp"
#include "scenario/load.hpp"
#include "scenario/reader.hpp"
#include "scenario/tree.hpp"
#include "version.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>

namespace sixparty {

namespace {

// the located messages of `d`, on one line, for a message about a factor
std::string inline_messages(const Diagnostics& d) {
  std::string s;
  for (const auto& item : d.items()) {
    if (!s.empty()) s += "; ";
    s += item.path + ": " + item.message;
  }
  return s;
}

bool same_shape(const Scenario& a, const Scenario& b) {
  return a.actor_ids == b.actor_ids && a.dimensions == b.dimensions && a.resource_names == b.resource_names;
}

void read_factor(Reader& r, const TreeNode& n, const std::string& path, Factor& f, bool imported) {
  static const std::vector<std::string> keys = {"path", "name", "range", "distribution", "levels", "integer", "categories"};
  f.where = n.where;
  if (!r.map(n, path, keys, "a map describing a factor (path, and range or levels)")) return;
  Field<std::string> p, name, dist;
  r.string(n.find("path"), path + ".path", p);
  if (!p.given) {
    if (!n.find("path")) r.diags.error(n.where, path + ".path", "missing; expected the scenario path the factor sets, e.g. parameters.leverage.scale");
  } else {
    f.path = p.value;
    f.where = p.where;
    // events.N.at: an event's date, snapped to the step grid of each scenario
    const std::string& q = f.path;
    f.date = q.size() > 10 && q.rfind("events.", 0) == 0 && q.compare(q.size() - 3, 3, ".at") == 0 &&
             q.find_first_not_of("0123456789", 7) == q.size() - 3;
  }
  r.string(n.find("name"), path + ".name", name);
  f.name = name.given ? name.value : f.path;
  if (name.given && (name.value.empty() || name.value.find('/') != std::string::npos || name.value == "."))
    r.diags.error(name.where, path + ".name", "'" + name.value + "'; expected a non-empty name without '/'");
  else if (std::find(kReservedFactorNames.begin(), kReservedFactorNames.end(), f.name) != kReservedFactorNames.end())
    r.diags.error(name.given ? name.where : n.where, path + ".name", "'" + f.name + "' names a column of the design table; expected another name (not " +
                  join(kReservedFactorNames) + ")");
  const TreeNode* range = n.find("range");
  const TreeNode* levels = n.find("levels");
  const TreeNode* categories = n.find("categories");
  // words among a factorial's levels: the factor is categorical, its levels the categories
  if (levels && !categories && levels->is_sequence() &&
      std::any_of(levels->items.begin(), levels->items.end(), [](const TreeNode& x) {
        Diagnostics scratch;
        Reader number_reader(scratch);
        Field<double> v;
        number_reader.number(&x, "", v);
        return x.is_scalar() && !v.given;
      }))
    std::swap(levels, categories);
  r.string(n.find("distribution"), path + ".distribution", dist);
  Field<bool> integer;
  r.boolean(n.find("integer"), path + ".integer", integer);
  f.integer = integer.given && integer.value;
  if (f.integer && !range)
    r.diags.error(integer.where, path + ".integer", imported ? "an imported design's values are used as they are; expected no integer"
                                                             : "an integer factor needs a range (levels are already its values)");
  if (imported) {  // its values come from design.file, as levels in row order
    f.distribution = Distribution::levels;
    for (const TreeNode* x : {range, levels, categories})
      if (x) r.diags.error(x->where, path, "an imported design takes every factor's values from design.file; expected no range or levels");
    if (dist.given) r.diags.error(dist.where, path + ".distribution", "an imported design's values have no distribution");
    return;
  }
  if (range && levels) r.diags.error(levels->where, path + ".levels", "a factor has a range or levels, not both");
  if (categories && (range || levels))
    r.diags.error(categories->where, path + ".categories", "a factor has categories, or a range or levels; expected one of them");
  if (categories) {
    if (!categories->is_sequence() || categories->items.size() < 2 || categories->items.size() > 100) {
      r.diags.error(categories->where, path + ".categories", "found " + kind_name(*categories) +
                    (categories->is_sequence() ? " of " + std::to_string(categories->items.size()) : std::string()) +
                    "; expected a list of 2 to 100 values (words or numbers, as --set takes them)");
      return;
    }
    std::set<std::string> seen;
    for (std::size_t k = 0; k < categories->items.size(); ++k) {
      const TreeNode& c = categories->items[k];
      if (!c.is_scalar() || c.text.empty())
        r.diags.error(c.where, path + ".categories." + std::to_string(k), "found " + kind_name(c) + "; expected a value such as on, off or expected");
      else if (!seen.insert(c.text).second)
        r.diags.error(c.where, path + ".categories." + std::to_string(k), "'" + c.text + "' is already a category; expected each once");
      else
        f.categories.push_back(c.text);
    }
    // in a factorial design its levels are the categories' indices; in a sampled design each
    // index is equally likely (as an integer factor over [0, n - 1])
    for (std::size_t k = 0; k < f.categories.size(); ++k) f.levels.push_back(static_cast<double>(k));
    f.distribution = Distribution::levels;
    f.lower = 0;
    f.upper = static_cast<double>(f.categories.size()) - 1;
    if (dist.given) r.diags.error(dist.where, path + ".distribution", "categories have no distribution; each is equally likely");
    if (f.integer) r.diags.error(integer.where, path + ".integer", "categories are already whole; expected no integer");
    return;
  }
  if (levels) {
    f.distribution = Distribution::levels;
    if (!levels->is_sequence() || levels->items.size() < 2 || levels->items.size() > 10000) {
      r.diags.error(levels->where, path + ".levels", "found " + kind_name(*levels) + (levels->is_sequence() ? " of " + std::to_string(levels->items.size()) : std::string()) +
                    "; expected a list of 2 to 10000 numbers");
    } else {
      for (std::size_t k = 0; k < levels->items.size(); ++k) {
        Field<double> v;
        r.number(&levels->items[k], path + ".levels." + std::to_string(k), v);
        if (v.given && !std::isfinite(v.value)) r.diags.error(v.where, v.path, "found " + format_number(v.value) + "; expected a finite number");
        if (v.given) f.levels.push_back(v.value);
      }
    }
    if (dist.given) r.diags.error(dist.where, path + ".distribution", "levels have no distribution; expected it only with a range");
  } else if (range) {
    Field<double> lo, hi;
    if (!range->is_sequence() || range->items.size() != 2) {
      r.diags.error(range->where, path + ".range", "found " + kind_name(*range) + "; expected [lower, upper]");
    } else {
      r.number(&range->items[0], path + ".range.0", lo);
      r.number(&range->items[1], path + ".range.1", hi);
      if (lo.given && hi.given) {
        if (!std::isfinite(lo.value) || !std::isfinite(hi.value) || !(lo.value < hi.value))
          r.diags.error(range->where, path + ".range", "found [" + format_number(lo.value) + ", " + format_number(hi.value) + "]; expected finite lower < upper");
        f.lower = lo.value;
        f.upper = hi.value;
      }
    }
    f.distribution = Distribution::uniform;
    if (dist.given) {
      if (dist.value == "uniform") f.distribution = Distribution::uniform;
      else if (dist.value == "log_uniform") {
        f.distribution = Distribution::log_uniform;
        if (lo.given && !(lo.value > 0)) r.diags.error(range->where, path + ".range", "a log_uniform range must be positive; found lower " + format_number(lo.value));
      } else {
        r.diags.error(dist.where, path + ".distribution", "unknown distribution '" + dist.value + "'" +
                      did_you_mean(dist.value, {"uniform", "log_uniform"}) + "; expected uniform or log_uniform");
      }
    }
  } else {
    r.diags.error(n.where, path, "a factor needs a range: [lower, upper] or levels: [...]");
  }
  if (f.integer && range && f.lower < f.upper && !(std::ceil(f.lower) < std::floor(f.upper)))
    r.diags.error(range->where, path + ".range", "[" + format_number(f.lower) + ", " + format_number(f.upper) +
                  "] holds fewer than two integers; expected a wider range for an integer factor");
}

// scenario files, outcome names and the like, each with where it was written
using Located = std::vector<std::pair<std::string, SourceLocation>>;

// the design block as read: size and levels are given only where the kind uses them
struct DesignBlock {
  DesignKind kind = DesignKind::factorial;
  Field<std::int64_t> size, levels;
  Field<std::string> file;  // imported: the CSV file, relative to the experiment file
  SourceLocation where;
};

// name, description, seed, seeds and runs_per_point
void read_header(Reader& r, const TreeNode& root, const std::string& path, Experiment& ex) {
  Field<std::string> name, description, seeds;
  r.string(root.find("name"), "name", name);
  r.string(root.find("description"), "description", description);
  ex.name = name.given ? name.value : std::filesystem::path(path).stem().string();
  ex.description = description.value;
  Field<std::uint64_t> seed;
  r.integer(root.find("seed"), "seed", seed);
  if (seed.given) {
    if (seed.value > static_cast<std::uint64_t>(INT64_MAX))
      r.diags.error(seed.where, "seed", "'" + std::to_string(seed.value) + "' is too large; expected a seed below 2^63 (results files store it as int64)");
    ex.seed = seed.value;
  }
  r.string(root.find("seeds"), "seeds", seeds);
  if (seeds.given) {
    if (seeds.value == "common") ex.common_seeds = true;
    else if (seeds.value == "independent") ex.common_seeds = false;
    else r.diags.error(seeds.where, "seeds", "unknown '" + seeds.value + "'" + did_you_mean(seeds.value, {"common", "independent"}) +
                       "; expected common (every point uses the seed) or independent");
  }
  Field<std::int64_t> rpp;
  r.integer(root.find("runs_per_point"), "runs_per_point", rpp);
  if (rpp.given) {
    if (rpp.value < 1 || rpp.value > 1'000'000) r.diags.error(rpp.where, "runs_per_point", "found " + std::to_string(rpp.value) + "; expected 1 to 1000000");
    ex.runs_per_point = rpp.value;
  }
}

// scenarios: one path or a list, relative to the experiment file
Located read_scenario_paths(Reader& r, const TreeNode& root, const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  Located scen;
  if (const TreeNode* s = root.find("scenarios")) {
    auto add = [&](const TreeNode& n, const std::string& p) {
      Field<std::string> f;
      r.string(&n, p, f);
      if (f.given) scen.emplace_back((dir / f.value).lexically_normal().string(), f.where);
    };
    if (s->is_sequence()) {
      for (std::size_t k = 0; k < s->items.size(); ++k) add(s->items[k], "scenarios." + std::to_string(k));
      if (s->items.empty()) r.diags.error(s->where, "scenarios", "an empty list; expected at least one scenario file");
    } else {
      add(*s, "scenarios");
    }
  } else {
    r.diags.error(root.where, "scenarios", "missing; expected a scenario file or a list of them (paths relative to this file)");
  }
  return scen;
}

// factors: each read, with unique paths and names
void read_factors(Reader& r, const TreeNode& root, std::vector<Factor>& factors, bool imported) {
  const TreeNode* fs = root.find("factors");
  if (!fs) {
    r.diags.error(root.where, "factors", "missing; expected a list of factors (path with range or levels)");
  } else if (!fs->is_sequence() || fs->items.empty()) {
    r.diags.error(fs->where, "factors", "found " + kind_name(*fs) + "; expected a non-empty list of factors");
  } else if (fs->items.size() > ExperimentLimits::max_factors) {
    r.diags.error(fs->where, "factors", std::to_string(fs->items.size()) + " factors; expected at most " + std::to_string(ExperimentLimits::max_factors));
  } else {
    std::set<std::string> names, paths;
    for (std::size_t k = 0; k < fs->items.size(); ++k) {
      Factor f;
      const std::string p = "factors." + std::to_string(k);
      read_factor(r, fs->items[k], p, f, imported);
      if (!f.path.empty() && !paths.insert(f.path).second) r.diags.error(f.where, p + ".path", "'" + f.path + "' is already a factor; expected each path once");
      if (!f.name.empty() && !names.insert(f.name).second) r.diags.error(f.where, p + ".name", "'" + f.name + "' is already a factor's name; expected unique names");
      factors.push_back(std::move(f));
    }
  }
}

// a path no run of a point reads: the experiment sets runs and seeds (run.decisions, how actors
// decide, is read)
bool reads_nothing(const std::string& path) {
  return path == "name" || path == "description" || (path.rfind("run.", 0) == 0 && path != "run.decisions") ||
         path.rfind("patterns", 0) == 0;
}

// a policy's value as --set takes it: a scalar (number, word); false (reported) otherwise
bool policy_value(Reader& r, const TreeNode& v, const std::string& at, std::string& out) {
  if (!v.is_scalar()) {
    r.diags.error(v.where, at, "found " + kind_name(v) + "; expected a value (a number or a word) as --set takes it");
    return false;
  }
  out = v.text;
  return true;
}

// a policy's or lever's name: non-empty, without '/', unique
void check_policy_name(Reader& r, const Field<std::string>& name, const std::string& at, std::set<std::string>& taken) {
  if (name.value.empty() || name.value.find('/') != std::string::npos || name.value.find('+') != std::string::npos)
    r.diags.error(name.where, at, "'" + name.value + "'; expected a non-empty name without '/' or '+'");
  else if (!taken.insert(name.value).second)
    r.diags.error(name.where, at, "'" + name.value + "' is already taken; expected unique names");
}

// `policies:` (named sets of overrides) or `levers:` (values crossed into every combination):
// the policies every scenario is run under, each over the whole design
void read_policies(Reader& r, const TreeNode& root, Experiment& ex) {
  const TreeNode* ps = root.find("policies");
  const TreeNode* ls = root.find("levers");
  if (ps && ls) {
    r.diags.error(ls->where, "levers", "an experiment has policies or levers, not both (levers are crossed into policies)");
    return;
  }
  std::set<std::string> names;
  if (ps) {
    if (!ps->is_sequence() || ps->items.empty() || ps->items.size() > ExperimentLimits::max_policies) {
      r.diags.error(ps->where, "policies", "found " + kind_name(*ps) + (ps->is_sequence() ? " of " + std::to_string(ps->items.size()) : std::string()) +
                    "; expected a list of 1 to " + std::to_string(ExperimentLimits::max_policies) + " policies, each {name: ..., set: {PATH: VALUE, ...}}");
      return;
    }
    for (std::size_t k = 0; k < ps->items.size(); ++k) {
      const TreeNode& n = ps->items[k];
      const std::string at = "policies." + std::to_string(k);
      if (!r.map(n, at, {"name", "set"}, "a policy: {name: ..., set: {PATH: VALUE, ...}}")) continue;
      Policy p;
      p.where = n.where;
      Field<std::string> name;
      r.string(n.find("name"), at + ".name", name);
      if (!name.given) {
        if (!n.find("name")) r.diags.error(n.where, at + ".name", "missing; expected the policy's name, e.g. engage");
      } else {
        check_policy_name(r, name, at + ".name", names);
        p.name = name.value;
      }
      if (const TreeNode* set = n.find("set")) {
        if (!set->is_map()) {
          r.diags.error(set->where, at + ".set", "found " + kind_name(*set) + "; expected a map of scenario paths to values, as --set names them");
        } else {
          for (const auto& e : set->entries) {
            std::string v;
            if (policy_value(r, e.node(), at + ".set." + e.key, v)) {
              p.sets.push_back(e.key + "=" + v);
              p.set_where.push_back(e.key_where);
            }
          }
        }
      }
      ex.policies.push_back(std::move(p));
    }
  } else if (ls) {
    if (!ls->is_sequence() || ls->items.empty() || ls->items.size() > ExperimentLimits::max_factors) {
      r.diags.error(ls->where, "levers", "found " + kind_name(*ls) + "; expected a list of levers, each {name: ..., path: ..., levels: [...]}");
      return;
    }
    // each lever's --set assignments, then every combination (the last lever varies fastest)
    std::vector<std::vector<std::pair<std::string, std::string>>> levers;  // (name=value, path=value)
    std::vector<SourceLocation> lever_where;
    std::set<std::string> paths;
    for (std::size_t k = 0; k < ls->items.size(); ++k) {
      const TreeNode& n = ls->items[k];
      const std::string at = "levers." + std::to_string(k);
      if (!r.map(n, at, {"name", "path", "levels"}, "a lever: {name: ..., path: ..., levels: [...]}")) continue;
      Field<std::string> name, path;
      r.string(n.find("path"), at + ".path", path);
      r.string(n.find("name"), at + ".name", name);
      if (!path.given) {
        if (!n.find("path")) r.diags.error(n.where, at + ".path", "missing; expected the scenario path the lever sets, e.g. parameters.aid.temperature");
        continue;
      }
      if (!paths.insert(path.value).second) r.diags.error(path.where, at + ".path", "'" + path.value + "' is already a lever; expected each path once");
      if (!name.given) name.value = path.value, name.where = path.where;
      check_policy_name(r, name, at + ".name", names);
      const TreeNode* lv = n.find("levels");
      if (!lv || !lv->is_sequence() || lv->items.size() < 2 || lv->items.size() > 100) {
        r.diags.error(lv ? lv->where : n.where, at + ".levels", (lv ? "found " + kind_name(*lv) : std::string("missing")) +
                      "; expected a list of 2 to 100 values (numbers or words, as --set takes them)");
        continue;
      }
      std::vector<std::pair<std::string, std::string>> values;
      for (std::size_t j = 0; j < lv->items.size(); ++j) {
        std::string v;
        if (policy_value(r, lv->items[j], at + ".levels." + std::to_string(j), v)) values.emplace_back(name.value + "=" + v, path.value + "=" + v);
      }
      levers.push_back(std::move(values));
      lever_where.push_back(path.where);
    }
    double combinations = 1;
    for (const auto& l : levers) combinations *= static_cast<double>(l.size());
    if (combinations > static_cast<double>(ExperimentLimits::max_policies)) {
      r.diags.error(ls->where, "levers", "the levers make " + format_number(combinations) + " combinations; expected at most " +
                    std::to_string(ExperimentLimits::max_policies));
      return;
    }
    if (r.diags.has_errors() || levers.empty()) return;
    std::vector<std::size_t> at(levers.size(), 0);
    for (;;) {
      Policy p;
      p.where = ls->where;
      for (std::size_t k = 0; k < levers.size(); ++k) {
        p.name += (k ? "," : "") + levers[k][at[k]].first;
        p.sets.push_back(levers[k][at[k]].second);
        p.set_where.push_back(lever_where[k]);
      }
      ex.policies.push_back(std::move(p));
      std::size_t k = levers.size();
      while (k > 0 && ++at[k - 1] == levers[k - 1].size()) at[--k] = 0;
      if (k == 0) break;
    }
  }
}

// a policy sets model inputs, never what a factor sets (the point's value would silently win)
void check_policy_paths(const Experiment& ex, Diagnostics& diags) {
  for (std::size_t k = 0; k < ex.policies.size(); ++k)
    for (std::size_t j = 0; j < ex.policies[k].sets.size(); ++j) {
      const std::string& set = ex.policies[k].sets[j];
      const SourceLocation& where = ex.policies[k].set_where[j];
      const std::string path = set.substr(0, set.find('='));
      const std::string at = "policies." + std::to_string(k) + ".set." + path;
      if (reads_nothing(path))
        diags.error(where, at, "'" + path + "' changes nothing a run of the point reads (the experiment sets runs and seeds); expected a model input");
      for (const auto& f : ex.factors)
        if (f.path == path)
          diags.error(where, at, "'" + path + "' is also a factor; expected a policy to set what the design does not vary");
    }
}

// design.kind; factorial when it is missing or unknown (either is reported)
DesignKind read_design_kind(Reader& r, const TreeNode& d, Field<std::string>& k) {
  r.string(d.find("kind"), "design.kind", k);
  const std::vector<std::string> kinds = {"factorial", "latin_hypercube", "sobol", "morris", "imported"};
  DesignKind kind = DesignKind::factorial;
  if (!k.given) {
    if (!d.find("kind")) r.diags.error(d.where, "design.kind", "missing; expected one of: " + join(kinds));
  } else if (k.value == "factorial") kind = DesignKind::factorial;
  else if (k.value == "latin_hypercube") kind = DesignKind::latin_hypercube;
  else if (k.value == "sobol") kind = DesignKind::sobol;
  else if (k.value == "morris") kind = DesignKind::morris;
  else if (k.value == "imported") kind = DesignKind::imported;
  else r.diags.error(k.where, "design.kind", "unknown design '" + k.value + "'" + did_you_mean(k.value, kinds) + "; expected one of: " + join(kinds));
  return kind;
}

// the key that gives the size of a latin_hypercube, sobol or morris design
const char* design_size_key(DesignKind kind) {
  return kind == DesignKind::latin_hypercube ? "points" : kind == DesignKind::sobol ? "base_rows" : "trajectories";
}

// reports size and levels keys that the design's kind does not use
void check_unused_design_keys(Reader& r, const TreeNode& d, DesignKind kind, const Field<std::string>& k) {
  const char* size_key = design_size_key(kind);
  for (const char* key : {"points", "base_rows", "trajectories", "levels", "file"}) {
    const TreeNode* n = d.find(key);
    if (!n || !k.given) continue;
    const bool allowed = (kind != DesignKind::factorial && kind != DesignKind::imported && std::string(key) == size_key) ||
                         (kind == DesignKind::morris && std::string(key) == "levels") ||
                         (kind == DesignKind::imported && std::string(key) == "file");
    if (!allowed) r.diags.error(n->where, std::string("design.") + key, "not used by a " + k.value + " design" +
                                (kind == DesignKind::factorial  ? std::string(" (its points are every combination of the factors' levels)")
                                 : kind == DesignKind::imported ? std::string(" (its points are the rows of design.file)")
                                                                : std::string("; expected design.") + size_key));
  }
}

// the points, base rows or trajectories of a design other than factorial
void read_design_size(Reader& r, const TreeNode& d, DesignKind kind, Field<std::int64_t>& size) {
  const char* size_key = design_size_key(kind);
  r.integer(d.find(size_key), std::string("design.") + size_key, size);
  if (!size.given && !d.find(size_key)) r.diags.error(d.where, std::string("design.") + size_key, std::string("missing; expected the number of ") +
                                                      (kind == DesignKind::sobol ? "base rows N (N (k + 2) points; a power of two is best)" : kind == DesignKind::morris ? "trajectories" : "points"));
  if (size.given && (size.value < 2 || size.value > ExperimentLimits::max_points))
    r.diags.error(size.where, size.path, "found " + std::to_string(size.value) + "; expected 2 to " + std::to_string(ExperimentLimits::max_points));
}

// design.levels of a morris design: the grid levels
void read_morris_levels(Reader& r, const TreeNode& d, Field<std::int64_t>& levels) {
  r.integer(d.find("levels"), "design.levels", levels);
  if (levels.given && (levels.value < 2 || levels.value > 64 || levels.value % 2 != 0))
    r.diags.error(levels.where, "design.levels", "found " + std::to_string(levels.value) + "; expected an even number of grid levels from 2 to 64");
}

// the design block: its kind and size
DesignBlock read_design(Reader& r, const TreeNode& root) {
  DesignBlock design;
  design.where = root.where;
  const TreeNode* d = root.find("design");
  if (!d) {
    r.diags.error(root.where, "design", "missing; expected design: {kind: factorial | latin_hypercube | sobol | morris | imported, ...}");
    return design;
  }
  design.where = d->where;
  static const std::vector<std::string> dkeys = {"kind", "points", "base_rows", "trajectories", "levels", "file"};
  if (!r.map(*d, "design", dkeys, "a map with the design's kind and size")) return design;
  Field<std::string> k;
  design.kind = read_design_kind(r, *d, k);
  check_unused_design_keys(r, *d, design.kind, k);
  if (design.kind != DesignKind::factorial && design.kind != DesignKind::imported && k.given)
    read_design_size(r, *d, design.kind, design.size);
  if (design.kind == DesignKind::imported) {
    r.string(d->find("file"), "design.file", design.file);
    if (!d->find("file")) r.diags.error(d->where, "design.file", "missing; expected the CSV file of the design's points (one row per point, a column per factor)");
  }
  if (design.kind == DesignKind::morris) read_morris_levels(r, *d, design.levels);
  return design;
}

// levels for a factorial design, ranges for the others; at most kMaxSobolFactors for sobol
void check_factors_fit_design(Reader& r, const std::vector<Factor>& factors, const DesignBlock& design) {
  for (std::size_t k = 0; k < factors.size(); ++k) {
    const Factor& f = factors[k];
    const std::string p = "factors." + std::to_string(k);
    if (design.kind == DesignKind::factorial && f.distribution != Distribution::levels && !f.path.empty())
      r.diags.error(f.where, p, "a factorial design needs levels: [...] for every factor");
    if (design.kind != DesignKind::factorial && design.kind != DesignKind::imported && f.distribution == Distribution::levels && !f.categorical())
      r.diags.error(f.where, p, "levels belong to factorial designs; expected range: [lower, upper] here");
  }
  if (design.kind == DesignKind::sobol && factors.size() > kMaxSobolFactors)
    r.diags.error(design.where, "design", std::to_string(factors.size()) + " factors; a sobol design takes at most " + std::to_string(kMaxSobolFactors));
}

// outcomes for the sensitivity command: VARIABLE.ACTOR (checked once a scenario is compiled)
Located read_outcome_names(Reader& r, const TreeNode& root) {
  Located outcome_nodes;
  if (const TreeNode* o = root.find("outcomes")) {
    if (!o->is_sequence()) r.diags.error(o->where, "outcomes", "found " + kind_name(*o) + "; expected a list such as [collapsed.DPRK, mean_utility.RUS]");
    else
      for (std::size_t k = 0; k < o->items.size(); ++k) {
        Field<std::string> f;
        r.string(&o->items[k], "outcomes." + std::to_string(k), f);
        if (f.given) outcome_nodes.emplace_back(f.value, f.where);
      }
  }
  return outcome_nodes;
}

// series: VARIABLE.ACTOR of a per-step variable of one actor (checked once a scenario is compiled)
Located read_series_names(Reader& r, const TreeNode& root) {
  Located names;
  if (const TreeNode* o = root.find("series")) {
    if (!o->is_sequence() || o->items.empty() || o->items.size() > ExperimentLimits::max_series) {
      r.diags.error(o->where, "series", "found " + kind_name(*o) + (o->is_sequence() ? " of " + std::to_string(o->items.size()) : std::string()) +
                    "; expected a list of 1 to " + std::to_string(ExperimentLimits::max_series) + " series such as [stability.DPRK, utility.RUS]");
      return names;
    }
    for (std::size_t k = 0; k < o->items.size(); ++k) {
      Field<std::string> f;
      r.string(&o->items[k], "series." + std::to_string(k), f);
      if (f.given) names.emplace_back(f.value, f.where);
    }
  }
  return names;
}

// each series names a per-step variable of one actor and an actor, once; every scenario (and
// policy) keeps one time grid, which no factor or policy moves, so the series share their steps
void check_series(const Located& names, const Scenario& first, Experiment& ex, Diagnostics& diags) {
  if (names.empty()) return;
  std::vector<std::string> per_actor;
  for (const auto& v : step_variables())
    if (v.shape == Shape::actor) per_actor.push_back(v.name);
  std::set<std::string> seen;
  for (const auto& [name, where] : names) {
    const auto dot = name.rfind('.');
    const std::string var = dot == std::string::npos ? name : name.substr(0, dot);
    const std::string actor = dot == std::string::npos ? "" : name.substr(dot + 1);
    const auto v = std::find(per_actor.begin(), per_actor.end(), var);
    if (v == per_actor.end()) {
      diags.error(where, "series", "unknown series '" + var + "'" + did_you_mean(var, per_actor) +
                  "; expected VARIABLE.ACTOR with a per-step variable of one actor: " + join(per_actor));
      continue;
    }
    if (first.actor_index(actor) < 0) {
      diags.error(where, "series", "'" + name + "': unknown actor '" + actor + "'" + did_you_mean(actor, first.actor_ids) + "; expected one of: " +
                  join(first.actor_ids));
      continue;
    }
    if (!seen.insert(name).second) {
      diags.error(where, "series", "'" + name + "' is already a series; expected each once");
      continue;
    }
    Experiment::Series s;
    s.name = name;
    for (std::size_t k = 0; k < step_variables().size(); ++k)
      if (step_variables()[k].name == var) s.variable = k;
    s.actor = first.actor_index(actor);
    ex.series.push_back(s);
  }
  const SourceLocation& at = names.front().second;
  for (const auto& g : ex.grids)
    if (g.start != ex.grids.front().start || g.steps_per_year != ex.grids.front().steps_per_year || g.steps != ex.grids.front().steps) {
      diags.error(at, "series", "the experiment's scenarios (or policies) have different time grids; expected one grid for series");
      break;
    }
  const auto on_grid = [](const std::string& path) { return path == "time.start" || path == "time.end" || path == "time.steps_per_year"; };
  for (std::size_t k = 0; k < ex.factors.size(); ++k)
    if (on_grid(ex.factors[k].path))
      diags.error(ex.factors[k].where, "factors." + std::to_string(k) + ".path", "'" + ex.factors[k].path +
                  "' moves the time grid, which series keep fixed; expected no series or no factor on the grid");
  for (const auto& p : ex.policies)
    for (std::size_t j = 0; j < p.sets.size(); ++j)
      if (on_grid(p.sets[j].substr(0, p.sets[j].find('='))))
        diags.error(p.set_where[j], "policies", "'" + p.sets[j] + "' moves the time grid, which series keep fixed");
}

// the scenarios: each loads and compiles, and they share one world's shape; the first compiled one
std::optional<Scenario> load_scenarios(const Located& scen, Experiment& ex, Diagnostics& diags) {
  std::optional<Scenario> first;
  const std::vector<Policy> none(1);
  const std::vector<Policy>& policies = ex.policies.empty() ? none : ex.policies;
  std::set<std::string> said;
  for (std::size_t k = 0; k < scen.size(); ++k) {
    const std::size_t mark = diags.size();
    LoadedDocument sd = load_tree(scen[k].first, diags, scenario_limits());
    if (diags.size() > mark) {
      diags.error(scen[k].second, "scenarios", "the scenario '" + scen[k].first + "' cannot be read (errors above)");
      continue;
    }
    auto sc = compile_document(sd, {}, diags);
    if (!sc) {
      diags.error(scen[k].second, "scenarios", "the scenario '" + scen[k].first + "' has errors (above)");
      continue;
    }
    if (!first) first = sc;
    else if (!same_shape(*first, *sc))
      diags.error(scen[k].second, "scenarios", "'" + scen[k].first + "' has other actors, interests or resources than '" +
                  scen.front().first + "'; expected the scenarios of one experiment to share them");
    for (std::size_t q = 0; q < policies.size(); ++q) {
      const Policy& p = policies[q];
      std::optional<Scenario> entry = sc;
      if (!p.sets.empty()) {
        Diagnostics local;
        entry = compile_document(sd, p.sets, local);
        if (!entry) {
          // (levers' combinations share their mistakes: each is said once)
          if (said.insert(inline_messages(local)).second)
            diags.error(p.where, "policies." + std::to_string(q), "the policy '" + p.name + "' makes the scenario '" + scen[k].first +
                        "' invalid: " + inline_messages(local));
          continue;
        }
        if (!same_shape(*first, *entry)) {
          diags.error(p.where, "policies." + std::to_string(q), "the policy '" + p.name + "' changes the world's actors, interests or resources; expected paths to values");
          continue;
        }
      }
      ex.scenario_files.push_back(scen[k].first);
      ex.scenario_names.push_back(ex.policies.empty() ? entry->name : entry->name + "+" + p.name);
      ex.scenario_policies.push_back(p.name);
      ex.entry_sets.push_back(p.sets);
      ex.scenario_resolved.push_back(entry->resolved_yaml);
      ex.grids.push_back({entry->start_year, entry->steps_per_year, entry->steps});
      ex.documents.push_back(sd);
    }
  }
  return first;
}

// a factor must set something a run reads, a whole-number setting takes levels, and its name
// must not collide with an outcome column (runs(path).join(design(path)) would break)
void check_factor_paths(const Experiment& ex, const Scenario& first, Diagnostics& diags) {
  std::vector<std::string> columns;
  for (const auto& c : outcome_columns(first)) columns.push_back(c.name);
  // a date factor snaps to the scenario's step grid, which a factor on the grid would move
  for (std::size_t k = 0; k < ex.factors.size(); ++k)
    for (const auto& g : ex.factors)
      if (ex.factors[k].date && (g.path == "time.start" || g.path == "time.steps_per_year"))
        diags.error(ex.factors[k].where, "factors." + std::to_string(k) + ".path",
                    "an event's date cannot be a factor together with '" + g.path + "' (the dates snap to the step grid it moves)");
  for (std::size_t k = 0; k < ex.factors.size(); ++k) {
    const Factor& f = ex.factors[k];
    const std::string at = "factors." + std::to_string(k);
    if (reads_nothing(f.path))
      diags.error(f.where, at + ".path", "'" + f.path + "' changes nothing a run of the point reads (the experiment sets runs and seeds); expected a model input");
    else if ((f.path == "time.steps_per_year" || f.path == "time.start" || f.path == "time.end") && f.distribution != Distribution::levels)
      diags.error(f.where, at + ".path", "'" + f.path + "' is a whole-number setting; expected levels: [...] instead of a range");
    if (std::find(columns.begin(), columns.end(), f.name) != columns.end())
      diags.error(f.where, at + ".name", "'" + f.name + "' is also an outcome column of the runs table; expected another name (give the factor a name:)");
  }
}

// An imported design's file: one row per point, a column per factor. The first line names the
// columns (factor names, in any order) unless every field of it is a number, as in a SALib
// sample (`sixparty design --salib` writes sample.txt): then the columns are the factors in
// their order. Fields are separated by commas, else by blanks; empty lines and lines starting
// with '#' are skipped. Each factor gets its column as levels, in row order.
void read_design_file(const DesignBlock& design, const std::string& experiment_path, Experiment& ex, Diagnostics& diags) {
  const std::string csv = (std::filesystem::path(experiment_path).parent_path() / design.file.value).lexically_normal().string();
  std::string text;
  if (!read_text_file(csv, text, diags, TreeLimits{}, design.file.where, "a CSV design (one row per point, a column per factor)"))
    return;
  ex.design_text = text;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // the byte-order mark of a spreadsheet's "CSV UTF-8"
  std::vector<std::string> names;
  for (const auto& f : ex.factors) names.push_back(f.name);
  std::vector<int> column_of;  // field index -> factor index
  bool header_done = false;
  std::size_t rows = 0, start = 0;
  int line_no = 0;  // (the file is at most TreeLimits::max_file_bytes long: lines and columns fit an int)
  const std::size_t before = diags.size();
  while (start <= text.size() && diags.size() < before + 20) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') {
      if (end == text.size()) break;
      continue;
    }
    // fields with their columns (1-based)
    std::vector<std::pair<std::string, int>> fields;
    const bool comma = line.find(',') != std::string::npos;
    std::size_t i = 0;
    while (i <= line.size()) {
      if (!comma) {
        i = line.find_first_not_of(" \t", i);
        if (i == std::string::npos) break;
      }
      std::size_t j = comma ? line.find(',', i) : line.find_first_of(" \t", i);
      if (j == std::string::npos) j = line.size();
      std::string field = line.substr(i, j - i);
      const std::size_t a = field.find_first_not_of(" \t"), b = field.find_last_not_of(" \t");
      fields.emplace_back(a == std::string::npos ? std::string() : field.substr(a, b - a + 1), static_cast<int>(i + 1));
      i = j + 1;
    }
    auto number = [](const std::string& s, double& v) {
      const char* b = s.data() + (s.size() > 1 && s[0] == '+' && s[1] != '-' ? 1 : 0);  // from_chars takes no '+'
      const char* e = s.data() + s.size();
      const auto res = std::from_chars(b, e, v);
      return b != e && res.ec == std::errc() && res.ptr == e;
    };
    if (!header_done) {
      header_done = true;
      double v = 0;
      const bool numeric = std::all_of(fields.begin(), fields.end(), [&](const auto& f) { return number(f.first, v); });
      if (!numeric) {
        for (const auto& [name, col] : fields) {
          const auto it = std::find(names.begin(), names.end(), name);
          if (it == names.end()) {
            diags.error({csv, line_no, col}, "design.file", "column '" + name + "' is not a factor" + did_you_mean(name, names) +
                        "; expected the factors' names: " + join(names));
            column_of.push_back(-1);
          } else if (std::find(column_of.begin(), column_of.end(), static_cast<int>(it - names.begin())) != column_of.end()) {
            diags.error({csv, line_no, col}, "design.file", "column '" + name + "' appears twice; expected each factor once");
            column_of.push_back(-1);
          } else {
            column_of.push_back(static_cast<int>(it - names.begin()));
          }
        }
        for (std::size_t k = 0; k < names.size(); ++k)
          if (std::find(column_of.begin(), column_of.end(), static_cast<int>(k)) == column_of.end())
            diags.error({csv, line_no, 1}, "design.file", "no column for factor '" + names[k] + "'; expected a column per factor");
        if (end == text.size()) break;
        continue;
      }
      for (std::size_t k = 0; k < names.size(); ++k) column_of.push_back(static_cast<int>(k));  // a SALib sample
    }
    if (fields.size() != column_of.size()) {
      diags.error({csv, line_no, 1}, "design.file", std::to_string(fields.size()) + " fields; expected " +
                  std::to_string(column_of.size()) + " (a value per factor)");
    } else if (++rows > static_cast<std::size_t>(ExperimentLimits::max_points)) {
      diags.error({csv, line_no, 1}, "design.file", "more than " + std::to_string(ExperimentLimits::max_points) + " rows");
      return;
    } else {
      for (std::size_t c = 0; c < fields.size(); ++c) {
        double v = 0;
        if (!number(fields[c].first, v) || !std::isfinite(v))
          diags.error({csv, line_no, fields[c].second}, "design.file", "'" + fields[c].first + "'; expected a finite number");
        else if (column_of[c] >= 0)
          ex.factors[static_cast<std::size_t>(column_of[c])].levels.push_back(v);
      }
    }
    if (end == text.size()) break;
  }
  if (diags.size() == before && rows == 0) diags.error({csv, 0, 0}, "design.file", "no rows; expected one row per point");
}

// every factor, at each end of its range (or each level), gives a valid scenario
// (of an imported design: each column's lowest and highest value)
void check_factor_ends(const Experiment& ex, const Scenario& first, Diagnostics& diags, bool imported) {
  for (std::size_t s = 0; s < ex.documents.size(); ++s)
    for (std::size_t k = 0; k < ex.factors.size(); ++k) {
      const Factor& f = ex.factors[k];
      std::vector<double> values = f.distribution == Distribution::levels ? f.levels : std::vector<double>{f.lower, f.upper};
      if (f.categorical()) {  // every category, not only the ends
        values.clear();
        for (std::size_t c = 0; c < f.categories.size(); ++c) values.push_back(static_cast<double>(c));
      }
      if (imported && !values.empty()) {
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        values = {*lo, *hi};
      }
      for (double& v : values) v = ex.snapped(k, s, v);
      for (double v : values) {
        Diagnostics local;
        std::vector<std::string> sets = ex.entry_sets[s];
        sets.push_back(factor_assignment(f, v));
        auto sc = compile_document(ex.documents[s], sets, local, false);
        if (!sc) {
          const std::string at = f.categorical() ? "'" + f.categories[static_cast<std::size_t>(v)] + "'" : format_number(v);
          diags.error(f.where, "factors." + std::to_string(k), "at " + at + " the scenario '" + ex.scenario_files[s] +
                      "' is invalid: " + inline_messages(local));
          break;
        }
        if (!same_shape(*sc, first)) {
          diags.error(f.where, "factors." + std::to_string(k), "'" + f.path + "' changes the world's actors, interests or resources; expected a path to a value");
          break;
        }
      }
    }
}

// outcomes name a (run, actor) column and an actor; the valid ones go to ex.outcomes
void check_outcomes(const Located& outcome_nodes, const Scenario& first, Experiment& ex, Diagnostics& diags) {
  const auto columns = outcome_columns(first);
  std::vector<std::string> column_names;
  for (const auto& c : columns) column_names.push_back(c.name);
  for (const auto& [o, where] : outcome_nodes) {
    const auto dot = o.rfind('.');
    const std::string var = dot == std::string::npos ? o : o.substr(0, dot);
    const std::string actor = dot == std::string::npos ? "" : o.substr(dot + 1);
    if (std::find(column_names.begin(), column_names.end(), var) == column_names.end())
      diags.error(where, "outcomes", "unknown outcome '" + var + "'" + did_you_mean(var, column_names) + "; expected VARIABLE.ACTOR with a per-run outcome (sixparty info lists them)");
    else if (first.actor_index(actor) < 0)
      diags.error(where, "outcomes", "'" + o + "': unknown actor '" + actor + "'" + did_you_mean(actor, first.actor_ids) + "; expected one of: " + join(first.actor_ids));
    else
      ex.outcomes.push_back(o);
  }
}

// a sampled design's size, checked before anything is allocated
bool sampled_design_fits(const Experiment& ex, const DesignBlock& design, Diagnostics& diags) {
  const std::size_t k = ex.factors.size();
  const double n = static_cast<double>(design.size.value);
  const double rows = design.kind == DesignKind::sobol ? n * static_cast<double>(k + 2) : design.kind == DesignKind::morris ? n * static_cast<double>(k + 1) : n;
  if (rows * static_cast<double>(ex.scenario_files.size()) > static_cast<double>(ExperimentLimits::max_points) ||
      rows * static_cast<double>(k) > static_cast<double>(ExperimentLimits::max_design_cells)) {
    diags.error(design.size.where, design.size.path, "the design would have " + format_number(rows) + " points of " + std::to_string(k) +
                " factors; expected at most " + std::to_string(ExperimentLimits::max_points) + " points and " +
                std::to_string(ExperimentLimits::max_design_cells) + " values in all");
    return false;
  }
  return true;
}

// the full factorial's size, checked before anything is allocated
bool factorial_fits(const std::vector<Factor>& factors, const DesignBlock& design, Diagnostics& diags) {
  const std::size_t k = factors.size();
  std::size_t rows = 1;
  for (const auto& f : factors) {
    if (rows > static_cast<std::size_t>(ExperimentLimits::max_points) / std::max<std::size_t>(1, f.levels.size()) ||
        rows * f.levels.size() * k > static_cast<std::size_t>(ExperimentLimits::max_design_cells)) {
      diags.error(design.where, "design", "the full factorial has more than " + std::to_string(ExperimentLimits::max_points) + " points; expected fewer levels");
      return false;
    }
    rows *= f.levels.size();
  }
  return true;
}

// ex.design from the design block; false (reported) if it is too large or cannot be made
bool make_design(Experiment& ex, const DesignBlock& design, Diagnostics& diags) {
  const std::size_t k = ex.factors.size();
  const auto n = static_cast<std::size_t>(design.size.value);
  try {
    switch (design.kind) {
      case DesignKind::factorial: {
        if (!factorial_fits(ex.factors, design, diags)) return false;
        std::vector<int> levels;
        for (const auto& f : ex.factors) levels.push_back(static_cast<int>(f.levels.size()));
        ex.design = factorial(levels);
        break;
      }
      case DesignKind::latin_hypercube: ex.design = latin_hypercube(k, n, ex.seed); break;
      case DesignKind::sobol: ex.design = saltelli(k, n, ex.seed); break;
      case DesignKind::morris:
        ex.design = morris(k, n, design.levels.given ? static_cast<int>(design.levels.value) : 4, ex.seed);
        break;
      case DesignKind::imported:
        ex.design = imported_rows(k, ex.factors.empty() ? 0 : ex.factors.front().levels.size());
        break;
    }
  } catch (const std::invalid_argument& e) {
    diags.error(design.where, "design", e.what());
    return false;
  }
  return true;
}

// the points and runs of the expanded experiment within the limits
bool run_count_fits(const Experiment& ex, const DesignBlock& design, Diagnostics& diags) {
  if (ex.points() > static_cast<std::size_t>(ExperimentLimits::max_points) ||
      static_cast<double>(ex.points()) * static_cast<double>(ex.runs_per_point) > static_cast<double>(ExperimentLimits::max_runs)) {
    diags.error(design.where, "design", std::to_string(ex.points()) + " points x " + std::to_string(ex.runs_per_point) +
                " runs; expected at most " + std::to_string(ExperimentLimits::max_points) + " points and " +
                std::to_string(ExperimentLimits::max_runs) + " runs");
    return false;
  }
  return true;
}

// the experiment text, every scenario text and the program version
std::uint64_t fingerprint_of(const Experiment& ex) {
  std::uint64_t h = fnv1a(ex.design_text, fnv1a(ex.text));
  for (const auto& d : ex.documents)
    for (const auto& t : d.texts) h = fnv1a(t, h);
  return fnv1a(std::string(kVersion) + " " + kGitRevision, h);
}

}  // namespace

std::optional<Experiment> load_experiment(const std::string& path, Diagnostics& diags) {
  const std::size_t before = diags.size();
  LoadedDocument doc = load_tree(path, diags);
  if (diags.size() > before) return std::nullopt;
  return read_experiment(doc, path, diags);
}

std::optional<Experiment> read_experiment(const LoadedDocument& doc, const std::string& path, Diagnostics& diags) {
  const std::size_t before = diags.size();
  Experiment ex;
  ex.file = path;
  ex.text = doc.texts.empty() ? "" : doc.texts.front();
  const TreeNode& root = doc.tree;
  Reader r(diags);
  static const std::vector<std::string> keys = {"name", "description", "scenarios", "seed", "seeds", "runs_per_point",
                                                "design", "factors", "outcomes", "policies", "levers", "series"};
  if (!r.map(root, "", keys, "an experiment: a map with scenarios, design and factors")) return std::nullopt;

  read_header(r, root, path, ex);
  const Located scenarios = read_scenario_paths(r, root, path);
  const TreeNode* dk = root.find("design") ? root.find("design")->find("kind") : nullptr;
  read_factors(r, root, ex.factors, dk && dk->is_scalar() && dk->text == "imported");
  const DesignBlock design = read_design(r, root);
  check_factors_fit_design(r, ex.factors, design);
  // a sampled design draws a categorical factor's index, each equally likely
  if (design.kind != DesignKind::factorial && design.kind != DesignKind::imported)
    for (auto& f : ex.factors)
      if (f.categorical()) {
        f.distribution = Distribution::uniform;
        f.integer = true;
        f.levels.clear();
      }
  if (design.kind == DesignKind::imported && design.file.given && diags.size() == before)
    read_design_file(design, path, ex, diags);
  const Located outcome_nodes = read_outcome_names(r, root);
  const Located series_nodes = read_series_names(r, root);
  read_policies(r, root, ex);
  check_policy_paths(ex, diags);
  if (diags.size() > before) return std::nullopt;

  const std::optional<Scenario> first = load_scenarios(scenarios, ex, diags);
  if (diags.size() > before || !first) return std::nullopt;
  ex.actor_ids = first->actor_ids;
  ex.dimensions = first->dimensions;
  ex.resource_names = first->resource_names;
  check_factor_paths(ex, *first, diags);
  check_factor_ends(ex, *first, diags, design.kind == DesignKind::imported);
  check_outcomes(outcome_nodes, *first, ex, diags);
  check_series(series_nodes, *first, ex, diags);
  if (diags.size() > before) return std::nullopt;

  if (design.kind != DesignKind::factorial && design.kind != DesignKind::imported && !sampled_design_fits(ex, design, diags))
    return std::nullopt;
  if (!make_design(ex, design, diags) || !run_count_fits(ex, design, diags)) return std::nullopt;
  ex.fingerprint = fingerprint_of(ex);
  return ex;
}


}  // namespace sixparty
