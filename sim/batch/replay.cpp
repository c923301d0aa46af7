// replay: one run of a batch file, from the file alone
#include "batch/batch.hpp"

#include "core/text.hpp"
#include "io/batch_file.hpp"
#include "scenario/load.hpp"
#include "scenario/tree.hpp"

#include <cmath>
#include <cstdio>

namespace sixparty {

ReplayPlan plan_replay(const ReplayRequest& req) {
  const BatchFileInfo f = read_batch_file_info(req.file);
  if (req.point >= f.points)
    throw BatchError("point " + std::to_string(req.point) + " is not in '" + req.file + "'; expected 0 to " + std::to_string(f.points - 1));
  if (req.replicate < 0 || req.replicate >= f.runs_per_point)
    throw BatchError("run " + std::to_string(req.replicate) + " is not in point " + std::to_string(req.point) + "; expected 0 to " +
                     std::to_string(f.runs_per_point - 1));
  const auto s = static_cast<std::size_t>(f.scenario[req.point]);
  if (s >= f.scenario_resolved.size()) throw BatchError("'" + req.file + "': the point's scenario is missing");
  Diagnostics diags;
  LoadedDocument doc;
  const std::string where = req.file + ":/experiment/provenance/scenario_resolved[" + std::to_string(s) + "]";
  doc.tree = parse_tree(f.scenario_resolved[s], where, diags);
  doc.files = {where};
  doc.texts = {f.scenario_resolved[s]};
  std::vector<std::string> overrides;
  const std::size_t k = f.factor_names.size();
  for (std::size_t i = 0; i < k; ++i) {
    const double v = f.values[req.point * k + i];
    if (i < f.factor_categories.size() && !f.factor_categories[i].empty()) {  // a category's index
      const auto& cats = f.factor_categories[i];
      if (!(v >= 0 && v < static_cast<double>(cats.size()) && v == std::round(v)))
        throw BatchError("'" + req.file + "': /design/" + f.factor_names[i] + " of point " + std::to_string(req.point) + " is " +
                         format_number(v) + ", not a category's index (damaged?)");
      overrides.push_back(f.factor_paths[i] + "=" + cats[static_cast<std::size_t>(v)]);
      continue;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    overrides.push_back(f.factor_paths[i] + "=" + buf);
  }
  std::optional<Scenario> sc;
  if (!diags.has_errors()) sc = compile_document(doc, overrides, diags);
  if (!sc) throw BatchError("the scenario of point " + std::to_string(req.point) + " does not compile:\n" + diags.format());
  ReplayPlan plan{std::move(*sc), static_cast<std::uint64_t>(f.seed_of[req.point]), req.replicate, ""};
  plan.failure = recorded_failure(req.file, req.point, req.replicate);  // the failure the batch recorded, if any
  return plan;
}

}  // namespace sixparty
