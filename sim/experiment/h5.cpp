#include "experiment/h5.hpp"

#include <hdf5_hl.h>

#include <limits>

namespace sixparty::h5 {

namespace {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what);
  return id;
}
void check(herr_t rc, const std::string& what, int) {
  if (rc < 0) throw Error("HDF5: cannot " + what);
}

Handle vlen_string_type() {
  hid_t t = check(H5Tcopy(H5T_C_S1), "copy string type");
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, H5Tclose);
}

}  // namespace

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void no_cleanup_at_exit() { H5dont_atexit(); }

Handle create_file(const std::string& path) {
  // track creation order so that tools list groups in the order they were written
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "create property list"), H5Pclose);
  H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), H5P_DEFAULT), "create '" + path + "'"),
                H5Fclose);
}

Handle open_file_read(const std::string& path) {
  return Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open '" + path + "'"), H5Fclose);
}

Handle open_file_rw(const std::string& path) {
  return Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open '" + path + "' for writing"), H5Fclose);
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "create property list"), H5Pclose);
  H5Pset_link_creation_order(gcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), "create group '" + name + "'"),
                H5Gclose);
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "open group '" + name + "'"), H5Gclose);
}

bool exists(hid_t parent, const std::string& name) { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }

void attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = vlen_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "create dataspace"), H5Sclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a.id(), type.id(), &p), "write attribute " + name, 0);
}

void attr_strings(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  Handle type = vlen_string_type();
  hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "create dataspace"), H5Sclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ptrs.empty()) check(H5Awrite(a.id(), type.id(), ptrs.data()), "write attribute " + name, 0);
}

void attr_double(hid_t obj, const std::string& name, double value) {
  Handle space(check(H5Screate(H5S_SCALAR), "create dataspace"), H5Sclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  check(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &value), "write attribute " + name, 0);
}

void attr_int(hid_t obj, const std::string& name, std::int64_t value) {
  Handle space(check(H5Screate(H5S_SCALAR), "create dataspace"), H5Sclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  check(H5Awrite(a.id(), H5T_NATIVE_INT64, &value), "write attribute " + name, 0);
}

std::string read_attr_string(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return {};
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) return {};
  Handle ftype(H5Aget_type(a.id()), H5Tclose);
  Handle space(H5Aget_space(a.id()), H5Sclose);
  if (!ftype.valid() || !space.valid() || H5Tget_class(ftype.id()) != H5T_STRING) return {};
  if (H5Sget_simple_extent_npoints(space.id()) != 1) return {};
  if (H5Tis_variable_str(ftype.id()) > 0) {
    Handle mem = vlen_string_type();
    char* p = nullptr;
    if (H5Aread(a.id(), mem.id(), &p) < 0 || !p) return {};
    std::string out(p);
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(ftype.id());
  if (size == 0 || size > (64u << 20)) return {};
  std::string out(size, '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.id(), size);
  if (H5Aread(a.id(), mem.id(), out.data()) < 0) return {};
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

bool read_attr_int(hid_t obj, const std::string& name, std::int64_t& out) {
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) return false;
  Handle space(H5Aget_space(a.id()), H5Sclose);
  Handle ftype(H5Aget_type(a.id()), H5Tclose);
  if (!space.valid() || H5Sget_simple_extent_npoints(space.id()) != 1) return false;
  if (H5Tget_class(ftype.id()) != H5T_INTEGER) return false;
  return H5Aread(a.id(), H5T_NATIVE_INT64, &out) >= 0;
}

Handle create_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk, int deflate) {
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "create dataspace"), H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create property list"), H5Pclose);
  const double fill = std::numeric_limits<double>::quiet_NaN();
  H5Pset_fill_value(dcpl.id(), H5T_NATIVE_DOUBLE, &fill);
  if (!chunk.empty()) {
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    if (deflate > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate));
    }
  }
  return Handle(check(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                      "create dataset '" + name + "'"),
                H5Dclose);
}

Handle create_int_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                          const std::vector<hsize_t>& chunk) {
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "create dataspace"), H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create property list"), H5Pclose);
  const std::int64_t fill = -1;  // rows not (yet) written read as -1
  H5Pset_fill_value(dcpl.id(), H5T_NATIVE_INT64, &fill);
  if (!chunk.empty()) {
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl.id(), 4);
  }
  return Handle(check(H5Dcreate2(parent, name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                      "create dataset '" + name + "'"),
                H5Dclose);
}

void write_slab(hid_t dset, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count, const double* data) {
  Handle fspace(check(H5Dget_space(dset), "get dataspace"), H5Sclose);
  check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "select", 0);
  Handle mspace(check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "create dataspace"), H5Sclose);
  check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace.id(), fspace.id(), H5P_DEFAULT, data), "write data", 0);
}

void write_ints(hid_t dset, const std::int64_t* data) {
  check(H5Dwrite(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write data", 0);
}

void write_int_slab(hid_t dset, hsize_t start, hsize_t count, const std::int64_t* data) {
  Handle fspace(check(H5Dget_space(dset), "get dataspace"), H5Sclose);
  check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select", 0);
  Handle mspace(check(H5Screate_simple(1, &count, nullptr), "create dataspace"), H5Sclose);
  check(H5Dwrite(dset, H5T_NATIVE_INT64, mspace.id(), fspace.id(), H5P_DEFAULT, data), "write data", 0);
}

void make_scale(hid_t dset, const std::string& name) {
  check(H5DSset_scale(dset, name.c_str()), "make '" + name + "' a dimension scale", 0);
}

Handle coordinate(hid_t parent, const std::string& name, const std::vector<double>& values) {
  Handle d = create_dataset(parent, name, {values.size()});
  if (!values.empty()) write_slab(d.id(), {0}, {values.size()}, values.data());
  check(H5DSset_scale(d.id(), name.c_str()), "make '" + name + "' a dimension scale", 0);
  return d;
}

Handle strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  Handle type = vlen_string_type();
  hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "create dataspace"), H5Sclose);
  Handle d(check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create dataset '" + name + "'"),
           H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ptrs.empty()) check(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write '" + name + "'", 0);
  return d;
}

Handle coordinate(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  Handle d = strings(parent, name, values);
  make_scale(d.id(), name);
  return d;
}

void attach(hid_t dset, const std::vector<hid_t>& scales) {
  for (unsigned k = 0; k < scales.size(); ++k) check(H5DSattach_scale(dset, scales[k], k), "attach a dimension scale", 0);
}

void describe(hid_t obj, const std::string& long_name, const std::string& units) {
  attr_string(obj, "long_name", long_name);
  attr_string(obj, "units", units);
}

void flush(hid_t file) {
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) throw Error("HDF5: cannot write to the file (disk full?)");
}

}  // namespace sixparty::h5
