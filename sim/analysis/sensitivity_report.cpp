#include "analysis/sensitivity_report.hpp"

#include "core/files.hpp"
#include "core/text.hpp"
#include "io/batch_file.hpp"
#include "io/results_file.hpp"
#include "io/tables.hpp"

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sixparty {

namespace fs = std::filesystem;

SensitivityReport analyse_sensitivity(const SensitivityRequest& req) {
  const BatchDesignTable bt = read_batch_design(req.file);
  const std::int64_t points = bt.points, rows = bt.rows;
  const auto& scenario_names = bt.scenario_names;
  std::vector<std::string> outcomes = req.outcomes;
  if (outcomes.empty()) outcomes = bt.outcomes;
  if (outcomes.empty())
    throw BatchError("no outcome to analyse: expected --outcome VARIABLE.ACTOR (e.g. collapsed.DPRK), or `outcomes:` in the experiment file");

  SensitivityReport rep;
  rep.method = bt.kind;
  rep.estimator = sobol_estimator_name(req.estimator);
  rep.factors = bt.factors;
  rep.rows = static_cast<std::size_t>(rows);
  rep.resamples = req.resamples;
  rep.confidence = req.confidence;
  rep.seed = req.seed;
  for (std::size_t s = 0; s * static_cast<std::size_t>(rows) < static_cast<std::size_t>(points); ++s)
    rep.scenarios.push_back(s < scenario_names.size() ? scenario_names[s] : std::to_string(s));
  const std::size_t k = rep.factors.size();
  const auto& unit = bt.unit;
  const auto& role = bt.role;
  const auto& group = bt.group;
  const auto& actors = bt.actors;
  const std::string& kind = bt.kind;
  for (const auto& o : outcomes) {
    const auto dot = o.rfind('.');
    const std::string var = dot == std::string::npos ? o : o.substr(0, dot);
    const std::string actor = dot == std::string::npos ? "" : o.substr(dot + 1);
    const auto& names = bt.mean_variables;
    // an outcome the file itself names but does not hold means the file is damaged; either way
    // the message names the file
    const std::string where = req.outcomes.empty() ? req.file + ": is damaged: its outcome list names " : req.file + ": ";
    if (dot == std::string::npos || std::find(names.begin(), names.end(), var) == names.end())
      throw BatchError(where + "unknown outcome '" + o + "'" + did_you_mean(var, names) + "; expected VARIABLE.ACTOR, VARIABLE one of: " +
                       (names.empty() ? std::string("(none recorded)") : join(names)));
    const auto a = std::find(actors.begin(), actors.end(), actor);
    if (a == actors.end())
      throw BatchError(where + "'" + o + "': unknown actor '" + actor + "'" + did_you_mean(actor, actors) + "; expected one of: " + join(actors));
    const std::size_t ai = static_cast<std::size_t>(a - actors.begin());
    const auto values = read_point_means(req.file, var, static_cast<std::size_t>(points), actors.size());
    for (std::size_t s = 0; s * static_cast<std::size_t>(rows) < static_cast<std::size_t>(points); ++s) {
      const std::size_t p0 = s * static_cast<std::size_t>(rows);
      UnitDesign ud;
      ud.kind = kind == "sobol" ? DesignKind::sobol : DesignKind::morris;
      ud.k = k;
      ud.points = static_cast<std::size_t>(rows);
      ud.u.assign(unit.begin() + static_cast<std::ptrdiff_t>(p0 * k), unit.begin() + static_cast<std::ptrdiff_t>((p0 + ud.points) * k));
      std::vector<double> y(ud.points);
      for (std::size_t p = 0; p < ud.points; ++p) {
        ud.role.push_back(static_cast<int>(role[p0 + p]));
        ud.group.push_back(static_cast<std::size_t>(group[p0 + p]));
        y[p] = values[(p0 + p) * actors.size() + ai];
        if (!std::isfinite(y[p]))
          throw BatchError("'" + o + "' is not finite at design point " + std::to_string(p0 + p) +
                           " (every run of it failed, or the outcome is undefined there, e.g. a year when nothing happened)");
      }
      SensitivityResult r;
      r.scenario = s < scenario_names.size() ? scenario_names[s] : std::to_string(s);
      r.scenario_index = s;
      r.outcome = o;
      try {
        if (ud.kind == DesignKind::sobol) r.sobol = sobol_indices(ud, y, req.estimator, req.resamples, req.confidence, req.seed);
        else r.morris = morris_effects(ud, y, req.resamples, req.confidence, req.seed);
      } catch (const std::invalid_argument& e) {
        throw BatchError("'" + o + "': " + e.what());
      }
      rep.results.push_back(std::move(r));
    }
  }
  return rep;
}

namespace {

std::string fmt(double v) {
  char b[32];
  if (!std::isfinite(v)) return "nan";
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

}  // namespace

std::string format_sensitivity_table(const SensitivityReport& rep) {
  std::ostringstream os;
  const int pct = static_cast<int>(std::lround(rep.confidence * 100));
  for (const auto& r : rep.results) {
    if (rep.method == "sobol") {
      os << "Sobol' indices of " << r.outcome << " (per-point mean), scenario '" << r.scenario << "': " << rep.rows
         << " points, N = " << r.sobol.base_rows << ", Var(Y) = " << format_number(r.sobol.variance) << ", S1 by " << rep.estimator
         << ", ST by jansen, " << pct << " % bootstrap intervals (" << rep.resamples << " resamples)\n";
      char line[256];
      std::snprintf(line, sizeof line, "  %-32s %7s  %-17s %7s  %-17s\n", "factor", "S1", "interval", "ST", "interval");
      os << line;
      for (std::size_t i = 0; i < rep.factors.size(); ++i) {
        std::snprintf(line, sizeof line, "  %-32s %7s  [%6s, %6s]  %7s  [%6s, %6s]\n", rep.factors[i].c_str(), fmt(r.sobol.s1[i]).c_str(),
                      fmt(r.sobol.s1_low[i]).c_str(), fmt(r.sobol.s1_high[i]).c_str(), fmt(r.sobol.st[i]).c_str(),
                      fmt(r.sobol.st_low[i]).c_str(), fmt(r.sobol.st_high[i]).c_str());
        os << line;
      }
    } else {
      os << "Morris elementary effects of " << r.outcome << " (per-point mean, per unit of each factor's range), scenario '"
         << r.scenario << "': " << r.morris.trajectories << " trajectories, " << pct << " % bootstrap intervals for mu* ("
         << rep.resamples << " resamples)\n";
      char line[256];
      std::snprintf(line, sizeof line, "  %-32s %8s  %-19s %8s %8s\n", "factor", "mu*", "interval", "mu", "sigma");
      os << line;
      for (std::size_t i = 0; i < rep.factors.size(); ++i) {
        std::snprintf(line, sizeof line, "  %-32s %8s  [%7s, %7s]  %8s %8s\n", rep.factors[i].c_str(), fmt(r.morris.mu_star[i]).c_str(),
                      fmt(r.morris.mu_star_low[i]).c_str(), fmt(r.morris.mu_star_high[i]).c_str(), fmt(r.morris.mu[i]).c_str(),
                      fmt(r.morris.sigma[i]).c_str());
        os << line;
      }
    }
  }
  return os.str();
}

std::string format_sensitivity_csv(const SensitivityReport& rep) {
  std::ostringstream os;
  if (rep.method == "sobol") os << "scenario,outcome,factor,s1,s1_low,s1_high,st,st_low,st_high\n";
  else os << "scenario,outcome,factor,mu_star,mu_star_low,mu_star_high,mu,sigma\n";
  for (const auto& r : rep.results)
    for (std::size_t i = 0; i < rep.factors.size(); ++i) {
      os << csv_field(r.scenario) << "," << csv_field(r.outcome) << "," << csv_field(rep.factors[i]);
      if (rep.method == "sobol")
        for (double v : {r.sobol.s1[i], r.sobol.s1_low[i], r.sobol.s1_high[i], r.sobol.st[i], r.sobol.st_low[i], r.sobol.st_high[i]})
          os << "," << format_number(v);
      else
        for (double v : {r.morris.mu_star[i], r.morris.mu_star_low[i], r.morris.mu_star_high[i], r.morris.mu[i], r.morris.sigma[i]})
          os << "," << format_number(v);
      os << "\n";
    }
  return os.str();
}

std::string format_sensitivity_json(const SensitivityReport& rep) {
  std::ostringstream os;
  os << "{\"method\": " << json_string(rep.method) << ", \"estimator\": " << json_string(rep.estimator)
     << ", \"confidence\": " << json_number(rep.confidence) << ", \"resamples\": " << rep.resamples << ", \"rows\": [";
  bool first = true;
  for (const auto& r : rep.results)
    for (std::size_t i = 0; i < rep.factors.size(); ++i) {
      os << (first ? "\n  " : ",\n  ") << "{\"scenario\": " << json_string(r.scenario) << ", \"outcome\": " << json_string(r.outcome)
         << ", \"factor\": " << json_string(rep.factors[i]);
      if (rep.method == "sobol")
        os << ", \"s1\": " << json_number(r.sobol.s1[i]) << ", \"s1_low\": " << json_number(r.sobol.s1_low[i]) << ", \"s1_high\": "
           << json_number(r.sobol.s1_high[i]) << ", \"st\": " << json_number(r.sobol.st[i]) << ", \"st_low\": "
           << json_number(r.sobol.st_low[i]) << ", \"st_high\": " << json_number(r.sobol.st_high[i]) << "}";
      else
        os << ", \"mu_star\": " << json_number(r.morris.mu_star[i]) << ", \"mu_star_low\": " << json_number(r.morris.mu_star_low[i])
           << ", \"mu_star_high\": " << json_number(r.morris.mu_star_high[i]) << ", \"mu\": " << json_number(r.morris.mu[i])
           << ", \"sigma\": " << json_number(r.morris.sigma[i]) << "}";
      first = false;
    }
  os << "\n]}\n";
  return os.str();
}

std::vector<Table> sensitivity_tables(const SensitivityReport& rep) {
  // one group per scenario of the experiment, named like the scenario groups of run files
  std::vector<std::string> names;
  for (const auto& sc : rep.scenarios) names.push_back(group_name(sc, names));
  std::vector<Table> tables;
  for (const auto& r : rep.results) {
    Table t;
    t.path = {"sensitivity", names.at(r.scenario_index), r.outcome};
    t.dimension = "factor";
    t.dimension_long_name = "factor";
    t.labels = rep.factors;
    t.rows = rep.factors.size();
    t.attributes = {{"method", rep.method},
                    {"outcome", r.outcome + " (mean over each point's runs)"},
                    {"confidence", rep.confidence},
                    {"resamples", std::int64_t{rep.resamples}},
                    {"seed", static_cast<std::int64_t>(rep.seed)}};
    auto put = [&](const char* name, const std::vector<double>& v, const char* long_name) {
      t.columns.push_back(TableColumn{name, long_name, {}, v, false});
    };
    if (rep.method == "sobol") {
      t.attributes.push_back({"first_order_estimator", rep.estimator});
      t.attributes.push_back({"total_order_estimator", std::string("jansen")});
      t.attributes.push_back({"variance", r.sobol.variance});
      t.attributes.push_back({"base_rows", static_cast<std::int64_t>(r.sobol.base_rows)});
      put("s1", r.sobol.s1, "first-order Sobol' index");
      put("s1_low", r.sobol.s1_low, "first-order index, lower bound of the bootstrap interval");
      put("s1_high", r.sobol.s1_high, "first-order index, upper bound of the bootstrap interval");
      put("st", r.sobol.st, "total-order Sobol' index");
      put("st_low", r.sobol.st_low, "total-order index, lower bound of the bootstrap interval");
      put("st_high", r.sobol.st_high, "total-order index, upper bound of the bootstrap interval");
    } else {
      t.attributes.push_back({"trajectories", static_cast<std::int64_t>(r.morris.trajectories)});
      put("mu_star", r.morris.mu_star, "mean absolute elementary effect (per unit of the factor's range)");
      put("mu_star_low", r.morris.mu_star_low, "mu*, lower bound of the bootstrap interval");
      put("mu_star_high", r.morris.mu_star_high, "mu*, upper bound of the bootstrap interval");
      put("mu", r.morris.mu, "mean elementary effect");
      put("sigma", r.morris.sigma, "standard deviation of the elementary effects");
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

void store_sensitivity(const std::string& file, const SensitivityReport& rep) { store_tables(file, sensitivity_tables(rep)); }

void export_salib(const Experiment& ex, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw h5::Error("cannot create '" + dir + "': " + ec.message());
  std::ostringstream problem;
  problem << "{\n  \"num_vars\": " << ex.factors.size() << ",\n  \"names\": [";
  for (std::size_t i = 0; i < ex.factors.size(); ++i) problem << (i ? ", " : "") << json_string(ex.factors[i].name);
  problem << "],\n  \"bounds\": [";
  for (std::size_t i = 0; i < ex.factors.size(); ++i) {
    const Factor& f = ex.factors[i];
    const double lo = f.distribution == Distribution::levels ? *std::min_element(f.levels.begin(), f.levels.end()) : f.lower;
    const double hi = f.distribution == Distribution::levels ? *std::max_element(f.levels.begin(), f.levels.end()) : f.upper;
    problem << (i ? ", " : "") << "[" << format_number(lo) << ", " << format_number(hi) << "]";
  }
  problem << "],\n  \"dists\": [";
  for (std::size_t i = 0; i < ex.factors.size(); ++i)
    problem << (i ? ", " : "") << json_string(ex.factors[i].distribution == Distribution::log_uniform ? "logunif" : "unif");
  problem << "],\n  \"sixparty_design\": " << json_string(design_kind_name(ex.design.kind)) << ",\n  \"sixparty_paths\": [";
  for (std::size_t i = 0; i < ex.factors.size(); ++i) problem << (i ? ", " : "") << json_string(ex.factors[i].path);
  problem << "]\n}\n";
  std::ostringstream sample;
  for (std::size_t p = 0; p < ex.rows(); ++p) {
    for (std::size_t i = 0; i < ex.factors.size(); ++i) {
      char b[40];
      std::snprintf(b, sizeof b, "%.17g", ex.factor_value(p, i));
      sample << (i ? " " : "") << b;
    }
    sample << "\n";
  }
  for (const auto& [name, text] : {std::pair{"problem.json", problem.str()}, std::pair{"sample.txt", sample.str()}}) {
    try {
      files::write_atomically((fs::path(dir) / name).string(), text);
    } catch (const files::WriteError& e) {
      throw h5::Error(e.what());
    }
  }
}

}  // namespace sixparty
