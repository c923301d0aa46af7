#include "io/outcomes.hpp"

#include "io/detail.hpp"

#include <cstdint>

namespace sixparty {

namespace {

std::vector<std::string> read_strings(hid_t g, const std::string& name) {
  std::vector<std::string> out;
  h5::Handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) throw h5::Error("no '" + name + "' coordinate");
  h5::Handle space(H5Dget_space(d.id()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || n > 100000) throw h5::Error("'" + name + "' has an unreadable size");
  h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0 && H5Dread(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw h5::Error("cannot read '" + name + "'");
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    if (p) H5free_memory(p);
  }
  return out;
}


}  // namespace

OutcomeTable read_outcomes(const std::string& file, const std::string& group) {
  h5::quiet();
  h5::require_regular(file);
  if (H5Fis_hdf5(file.c_str()) <= 0) throw h5::Error("'" + file + "' is not an HDF5 results file");
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw h5::Error("cannot open '" + file + "'");
  return detail::read_outcomes(f.id(), file, group);
}

OutcomeTable detail::read_outcomes(hid_t file_id, const std::string& file, const std::string& group) {
  OutcomeTable t;
  t.file = file;
  t.group = group;
  if (!h5::exists(file_id, group)) {
    throw h5::Error("'" + file + "' has no group '" + group + "'; `sixparty info " + file + "` lists its groups");
  }
  h5::Handle g = h5::open_group(file_id, group);
  if (!h5::exists(g.id(), "outcomes")) throw h5::Error("'" + file + ":" + group + "' has no outcomes");
  t.scenario = h5::read_attr_string(g.id(), "scenario_name");
  std::int64_t seed = 0, done = 0;
  h5::read_attr_int(g.id(), "seed", seed);
  h5::read_attr_int(g.id(), "runs_completed", done);
  if (done < 0 || done > 100000000) throw h5::Error("'" + file + ":" + group + "' has an impossible runs_completed (" + std::to_string(done) + ")");
  t.seed = static_cast<std::uint64_t>(seed);
  t.runs = done;
  double end = 0;
  if (H5Aexists(g.id(), "end_year") > 0) {
    h5::Handle a(H5Aopen(g.id(), "end_year", H5P_DEFAULT), H5Aclose);
    H5Aread(a.id(), H5T_NATIVE_DOUBLE, &end);
  }
  t.end_year = end;
  h5::Handle o = h5::open_group(g.id(), "outcomes");
  t.actors = read_strings(o.id(), "actor");
  const std::size_t n = t.actors.size();
  H5G_info_t info{};
  H5Gget_info(o.id(), &info);
  // creation order (the scenario's order of interests and partners) where the file keeps it
  const H5_index_t order =
      H5Lget_name_by_idx(o.id(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) >= 0 ? H5_INDEX_CRT_ORDER
                                                                                                    : H5_INDEX_NAME;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    char name[256];
    if (H5Lget_name_by_idx(o.id(), ".", order, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT) < 0) continue;
    h5::Handle d(H5Dopen2(o.id(), name, H5P_DEFAULT), H5Dclose);
    if (!d.valid()) continue;
    h5::Handle type(H5Dget_type(d.id()), H5Tclose);
    h5::Handle space(H5Dget_space(d.id()), H5Sclose);
    if (H5Tget_class(type.id()) != H5T_FLOAT || H5Sget_simple_extent_ndims(space.id()) != 2) continue;
    hsize_t dims[2];
    H5Sget_simple_extent_dims(space.id(), dims, nullptr);
    if (dims[1] != n || static_cast<std::int64_t>(dims[0]) < done) continue;
    std::vector<double> v(static_cast<std::size_t>(dims[0] * dims[1]));
    if (H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) continue;
    v.resize(static_cast<std::size_t>(done) * n);
    const std::string key = name;
    if (key.rfind("final_indicator_", 0) == 0) t.dimensions.push_back(key.substr(16));
    t.units[key] = h5::read_attr_string(d.id(), "units");
    t.columns[key] = std::move(v);
  }
  if (t.columns.empty()) throw h5::Error("'" + file + ":" + group + "' has no readable outcomes");
  return t;
}

}  // namespace sixparty
