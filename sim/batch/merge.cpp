// merge: shard files of one batch joined, in point order, into the file one machine would have written
#include "batch/batch.hpp"

#include "io/batch_file.hpp"

#include <algorithm>

namespace sixparty {

void merge_shards(const std::vector<std::string>& paths, const std::string& out, const RunMetadata& meta) {
  if (paths.empty()) throw BatchError("no shard files given");
  std::vector<std::pair<BatchFileInfo, std::string>> shards;
  for (const auto& p : paths) {
    shards.emplace_back(read_batch_shard(p), p);
    if (shards.size() > 1) {  // the design is taken from the first shard; keep only the others' sizes
      BatchFileInfo& info = shards.back().first;
      for (auto* v : {&info.unit, &info.values}) std::vector<double>().swap(*v);
      for (auto* v : {&info.scenario, &info.role, &info.group, &info.seed_of}) std::vector<std::int64_t>().swap(*v);
    }
  }
  const BatchFileInfo& a = shards.front().first;
  std::vector<bool> seen(a.shards, false);
  for (const auto& [info, path] : shards) {
    if (info.fingerprint != a.fingerprint || info.shards != a.shards || info.points != a.points || info.runs_per_point != a.runs_per_point ||
        info.check_every_step != a.check_every_step)
      throw BatchError("'" + path + "' belongs to another experiment (or another split) than '" + shards.front().second + "'");
    if (seen[info.shard]) throw BatchError("shard " + std::to_string(info.shard + 1) + "/" + std::to_string(info.shards) + " is given twice");
    seen[info.shard] = true;
  }
  for (std::size_t s = 0; s < a.shards; ++s)
    if (!seen[s]) throw BatchError("shard " + std::to_string(s + 1) + "/" + std::to_string(a.shards) + " is missing; expected all " + std::to_string(a.shards));
  BatchFileInfo merged = a;  // the first file given holds the whole design (a copy: the sort moves it)
  std::sort(shards.begin(), shards.end(), [](const auto& x, const auto& y) { return x.first.shard < y.first.shard; });
  merged.shard = 0;
  merged.shards = 1;
  merged.first_point = 0;
  merged.end_point = merged.points;
  const Scenario shape = shape_only(merged);
  const auto src = shard_rows(shards, shape);
  std::string from;
  for (const auto& [info, path] : shards) from += (from.empty() ? "" : " ") + path;
  write_batch_file(out, merged, *src, meta, from);
}

}  // namespace sixparty
