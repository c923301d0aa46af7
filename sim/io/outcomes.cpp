#include "io/outcomes.hpp"

#include "io/detail.hpp"
#include "io/results_info.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sixparty {

namespace {

// `where` names the file and group in every message (a damaged file must be named)
std::vector<std::string> read_strings(hid_t g, const std::string& name, const std::string& where) {
  std::vector<std::string> out;
  h5::Handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) throw h5::Error(where + " has no '" + name + "' coordinate (damaged?)");
  h5::Handle space(H5Dget_space(d.id()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || n > 100000) throw h5::Error(where + ": '" + name + "' has an unreadable size (damaged?)");
  h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0 && H5Dread(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw h5::Error(where + ": '" + name + "' cannot be read (damaged?)");
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    if (p) H5free_memory(p);
  }
  return out;
}


}  // namespace

namespace {

OutcomeTable read_outcomes_here(const std::string& file, const std::string& group) {
  h5::quiet();
  h5::require_regular(file);
  if (H5Fis_hdf5(file.c_str()) <= 0) throw h5::Error("'" + file + "' is not an HDF5 results file");
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw h5::Error("cannot open '" + file + "'");
  try {
    return detail::read_outcomes(f.id(), file, group);
  } catch (const h5::Error& e) {
    // the library's own failures ("HDF5: cannot open group 'outcomes'") do not say which file;
    // the checks of detail::read_outcomes already do
    const std::string what = e.what();
    if (what.find("'" + file) != std::string::npos) throw;
    throw h5::Error("'" + file + ":" + group + "' is damaged: " + what);
  }
}

}  // namespace

OutcomeTable read_outcomes(const std::string& file, const std::string& group) {
  // first in a child process: a damaged index can crash the HDF5 library
  check_readable_isolated(file, [&] { (void)read_outcomes_here(file, group); });
  return read_outcomes_here(file, group);
}

OutcomeTable detail::read_outcomes(hid_t file_id, const std::string& file, const std::string& group) {
  OutcomeTable t;
  t.file = file;
  t.group = group;
  const std::string where = "'" + file + ":" + group + "'";
  if (!h5::exists(file_id, group)) {
    throw h5::Error("'" + file + "' has no group '" + group + "'; `sixparty info " + file + "` lists its groups");
  }
  h5::Handle g = h5::open_group(file_id, group);
  if (!h5::exists(g.id(), "outcomes")) throw h5::Error(where + " has no outcomes");
  t.scenario = h5::read_attr_string(g.id(), "scenario_name");
  std::int64_t seed = 0, done = 0, runs = 0;
  h5::read_attr_int(g.id(), "seed", seed);
  if (!h5::read_attr_int(g.id(), "runs_completed", done) || !h5::read_attr_int(g.id(), "runs", runs) || done < 0 ||
      done > 100000000 || runs < done)
    throw h5::Error(where + " has no valid runs and runs_completed attributes (damaged?)");
  t.seed = static_cast<std::uint64_t>(seed);
  t.runs = done;
  double end = 0;
  if (H5Aexists(g.id(), "end_year") > 0) {
    h5::Handle a(H5Aopen(g.id(), "end_year", H5P_DEFAULT), H5Aclose);
    if (!a.valid() || H5Aread(a.id(), H5T_NATIVE_DOUBLE, &end) < 0 || !std::isfinite(end))
      throw h5::Error(where + ": the attribute end_year cannot be read (damaged?)");
  }
  t.end_year = end;
  h5::Handle o = h5::open_group(g.id(), "outcomes");
  t.actors = read_strings(o.id(), "actor", where + "/outcomes");
  const std::size_t n = t.actors.size();
  if (n == 0) throw h5::Error(where + "/outcomes/actor is empty");
  H5G_info_t info{};
  if (H5Gget_info(o.id(), &info) < 0 || info.nlinks > 100000) throw h5::Error(where + "/outcomes cannot be listed (damaged?)");
  // creation order (the scenario's order of interests and partners) where the file keeps it
  const H5_index_t order =
      H5Lget_name_by_idx(o.id(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) >= 0 ? H5_INDEX_CRT_ORDER
                                                                                                    : H5_INDEX_NAME;
  // every (run, actor) column is read whole: a column of another type or shape, or one that
  // cannot be read, is a damaged file, not a column to leave out
  std::vector<std::pair<std::string, h5::Handle>> sets;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    char name[256];
    const ssize_t len = H5Lget_name_by_idx(o.id(), ".", order, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT);
    if (len < 0 || len >= static_cast<ssize_t>(sizeof name)) throw h5::Error(where + "/outcomes has an unreadable entry (damaged?)");
    const std::string key = name;
    if (key == "run" || key == "actor" || key == "actor_name") continue;  // the coordinates
    h5::Handle d(H5Dopen2(o.id(), name, H5P_DEFAULT), H5Dclose);
    const std::string col = where + "/outcomes/" + key;
    if (!d.valid()) throw h5::Error(col + " cannot be opened (damaged?)");
    h5::Handle type(H5Dget_type(d.id()), H5Tclose);
    h5::Handle space(H5Dget_space(d.id()), H5Sclose);
    if (!type.valid() || H5Tget_class(type.id()) != H5T_FLOAT)
      throw h5::Error(col + " is not a floating-point column (damaged?)");
    hsize_t dims[2] = {0, 0};
    if (!space.valid() || H5Sget_simple_extent_ndims(space.id()) != 2 || H5Sget_simple_extent_dims(space.id(), dims, nullptr) != 2 ||
        dims[1] != n || dims[0] < static_cast<hsize_t>(done) || dims[0] != static_cast<hsize_t>(runs))
      throw h5::Error(col + " has shape (" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) + "); expected (" +
                      std::to_string(runs) + " runs, " + std::to_string(n) + " actors)");
    sets.emplace_back(key, std::move(d));
  }
  for (const char* needed : {"final_utility", "mean_utility", "collapsed", "war"})
    if (std::none_of(sets.begin(), sets.end(), [&](const auto& s) { return s.first == needed; }))
      throw h5::Error(where + "/outcomes has no column '" + needed + "' (damaged, or not written by sixparty run?)");
  // memory: every column's finished runs
  const double bytes = static_cast<double>(sets.size()) * static_cast<double>(done) * static_cast<double>(n) * sizeof(double);
  if (bytes > static_cast<double>(h5::read_limit_bytes())) throw h5::Error(h5::over_read_limit("the outcomes of " + where, bytes));
  for (auto& [key, d] : sets) {
    std::vector<double> v(static_cast<std::size_t>(done) * n);
    if (done > 0) {
      try {
        h5::read_slab(d.id(), {0, 0}, {static_cast<hsize_t>(done), n}, v.data());
      } catch (const h5::Error&) {
        throw h5::Error(where + "/outcomes/" + key + " cannot be read (damaged: a checksum or decompression error?)");
      }
    }
    if (key.rfind("final_indicator_", 0) == 0) t.dimensions.push_back(key.substr(16));
    t.units[key] = h5::read_display_units(d.id());
    t.columns[key] = std::move(v);
  }
  // the texts live in HDF5's global heap, which has no checksum: check them against the digest
  std::int64_t stored = 0;
  if (h5::read_attr_int(g.id(), h5::kTextDigest, stored)) {
    h5::TextDigest digest;
    digest.add(t.scenario).add(t.actors);
    for (const auto& [name, v] : t.columns) digest.add(name).add(t.units[name]);
    if (digest.value() != stored)
      throw h5::Error(where + " is damaged: its scenario name, actors, column names or units do not match their digest (" +
                      h5::kTextDigest + ")");
  }
  return t;
}

}  // namespace sixparty
