#include "io/h5.hpp"

#include <cstdlib>

#include <hdf5_hl.h>

#include <algorithm>
#include <limits>
#include <map>

#include <sys/stat.h>

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

std::size_t read_limit_bytes() {
  std::size_t mb = 4096;
  if (const char* env = std::getenv("SIXPARTY_READ_LIMIT_MB")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0' && v > 0 && v < (1ull << 40)) mb = static_cast<std::size_t>(v);
  }
  return mb << 20;
}

std::string over_read_limit(const std::string& what, double bytes) {
  return what + " would need " + std::to_string(static_cast<long long>(bytes / (1 << 20))) + " MiB, over the readers' limit of " +
         std::to_string(read_limit_bytes() >> 20) + " MiB (raise it with SIXPARTY_READ_LIMIT_MB if the file is sound)";
}

TextDigest& TextDigest::add(const std::string& s) {
  auto mix = [&](unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ull;
  };
  for (unsigned char c : s) mix(c);
  mix(0xff);  // a separator that no UTF-8 text holds, so ("ab","c") and ("a","bc") differ
  return *this;
}

TextDigest& TextDigest::add(const std::vector<std::string>& v) {
  add(std::to_string(v.size()));
  for (const auto& s : v) add(s);
  return *this;
}

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void no_cleanup_at_exit() { H5dont_atexit(); }

Handle create_file(const std::string& path) {
  // track creation order so that tools list groups in the order they were written
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "create property list"), H5Pclose);
  H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  // the 1.10 file format: superblock, object headers, group and chunk indexes carry checksums,
  // so a damaged index is reported by the library as a checksum error instead of being followed
  // (readers with HDF5 >= 1.10 -- h5py, h5netcdf, netCDF-C 4.9 -- read it)
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create property list"), H5Pclose);
  H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id()), "create '" + path + "'"),
                H5Fclose);
}

// opening a FIFO blocks until a writer comes, and a device is no HDF5 file: regular files only
void require_regular(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw Error("'" + path + "' is not a regular file (a directory, device, pipe or socket); expected an HDF5 file");
}

Handle open_file_read(const std::string& path) {
  require_regular(path);
  return Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open '" + path + "'"), H5Fclose);
}

Handle open_file_rw(const std::string& path) {
  require_regular(path);
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

// a fixed-length text (netCDF's NC_CHAR), as netCDF writes text attributes: the CF tools read
// units and calendars of this type (ncdump -t, UDUNITS users), and it lives in the object header,
// which the file format checksums (vlen texts sit in the unchecked global heap: strings_digest)
void attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(check(H5Tcopy(H5T_C_S1), "copy a string type"), H5Tclose);
  check(H5Tset_size(type.id(), std::max<std::size_t>(1, value.size())), "size a string type", 0);
  check(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), "pad a string type", 0);
  check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "set a string's character set", 0);
  Handle space(check(H5Screate(H5S_SCALAR), "create dataspace"), H5Sclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  std::string buf = value;
  buf.resize(std::max<std::size_t>(1, value.size()), '\0');
  check(H5Awrite(a.id(), type.id(), buf.data()), "write attribute " + name, 0);
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
  // one byte more in memory: a null-padded text of `size` bytes keeps its last character
  std::string out(size + 1, '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.id(), size + 1);
  H5Tset_cset(mem.id(), H5Tget_cset(ftype.id()));  // HDF5 converts no text between character sets
  if (H5Aread(a.id(), mem.id(), out.data()) < 0) return {};
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

namespace {

// a scalar attribute of the given type class, or an invalid handle
Handle scalar_attribute(hid_t obj, const std::string& name, H5T_class_t cls) {
  if (H5Aexists(obj, name.c_str()) <= 0) return {};
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) return {};
  Handle space(H5Aget_space(a.id()), H5Sclose);
  Handle ftype(H5Aget_type(a.id()), H5Tclose);
  if (!space.valid() || !ftype.valid() || H5Sget_simple_extent_npoints(space.id()) != 1 || H5Tget_class(ftype.id()) != cls) return {};
  return a;
}

}  // namespace

bool read_attr_int(hid_t obj, const std::string& name, std::int64_t& out) {
  const Handle a = scalar_attribute(obj, name, H5T_INTEGER);
  return a.valid() && H5Aread(a.id(), H5T_NATIVE_INT64, &out) >= 0;
}

bool read_attr_double(hid_t obj, const std::string& name, double& out) {
  const Handle a = scalar_attribute(obj, name, H5T_FLOAT);
  return a.valid() && H5Aread(a.id(), H5T_NATIVE_DOUBLE, &out) >= 0;
}

namespace {

// the chunks of a dataset stored whole: one chunk of about a mebibyte or less along the first
// dimension, so that every non-empty dataset is chunked and its bytes carry a checksum; an
// empty dataset (nothing to damage) stays contiguous
std::vector<hsize_t> whole_chunks(const std::vector<hsize_t>& dims) {
  for (hsize_t d : dims)
    if (d == 0) return {};
  std::vector<hsize_t> chunk = dims;
  if (chunk.empty()) return chunk;
  hsize_t rest = 1;
  for (std::size_t k = 1; k < dims.size(); ++k) rest *= dims[k];
  chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], (hsize_t{1} << 17) / std::max<hsize_t>(rest, 1)));
  return chunk;
}

}  // namespace

Handle create_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk_asked, int deflate) {
  const std::vector<hsize_t> chunk = chunk_asked.empty() ? whole_chunks(dims) : chunk_asked;
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
    H5Pset_fletcher32(dcpl.id());  // last: a checksum of the bytes on disk, checked on every read
  }
  return Handle(check(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                      "create dataset '" + name + "'"),
                H5Dclose);
}

Handle create_int_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                          const std::vector<hsize_t>& chunk_asked) {
  const std::vector<hsize_t> chunk = chunk_asked.empty() ? whole_chunks(dims) : chunk_asked;
  const bool compress = !chunk_asked.empty();
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "create dataspace"), H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create property list"), H5Pclose);
  const std::int64_t fill = -1;  // rows not (yet) written read as -1
  H5Pset_fill_value(dcpl.id(), H5T_NATIVE_INT64, &fill);
  if (!chunk.empty()) {
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    if (compress) H5Pset_deflate(dcpl.id(), 4);
    H5Pset_fletcher32(dcpl.id());
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
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  return strings(parent, name, ptrs);
}

Handle strings(hid_t parent, const std::string& name, const std::vector<const char*>& ptrs) {
  Handle type = vlen_string_type();
  hsize_t n = ptrs.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "create dataspace"), H5Sclose);
  Handle d(check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create dataset '" + name + "'"),
           H5Dclose);
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

std::string cf_units(const std::string& human) {
  static const std::string per_year = "/yr";
  if (human.size() > per_year.size() && human.compare(human.size() - per_year.size(), per_year.size(), per_year) == 0) {
    const std::string base = cf_units(human.substr(0, human.size() - per_year.size()));
    return base == "1" ? "yr-1" : base + " yr-1";
  }
  if (human == "US$ bn") return "1e9";
  if (human == "million people") return "1e6";
  return "1";
}

void describe(hid_t obj, const std::string& long_name, const std::string& units) {
  attr_string(obj, "long_name", long_name);
  if (H5Iget_type(obj) == H5I_DATASET) {
    Handle type(H5Dget_type(obj), H5Tclose);
    if (type.valid() && H5Tget_class(type.id()) == H5T_STRING) return;
  }
  const std::string cf = cf_units(units);
  attr_string(obj, "units", cf);
  if (cf != units && !units.empty()) attr_string(obj, "display_units", units);
}

std::string read_display_units(hid_t obj) {
  const std::string shown = read_attr_string(obj, "display_units");
  return shown.empty() ? read_attr_string(obj, "units") : shown;
}

Handle string_scalar(hid_t parent, const std::string& name, const std::string& value) {
  Handle type = vlen_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "create dataspace"), H5Sclose);
  Handle d(check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create dataset '" + name + "'"),
           H5Dclose);
  const char* p = value.c_str();
  check(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "write '" + name + "'", 0);
  return d;
}

void flush(hid_t file) {
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) throw Error("HDF5: cannot write to the file (disk full?)");
}

Handle open_dataset(hid_t parent, const std::string& name) {
  if (!exists(parent, name)) throw Error("no dataset '" + name + "'");
  Handle d(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) throw Error("cannot open dataset '" + name + "'");
  return d;
}

namespace {

std::vector<hsize_t> shape_of(hid_t d, const std::string& name, std::size_t max, std::size_t& total, H5T_class_t cls) {
  Handle type(H5Dget_type(d), H5Tclose);
  if (!type.valid() || H5Tget_class(type.id()) != cls)
    throw Error("'" + name + "' is not " + (cls == H5T_FLOAT ? "a floating-point" : "an integer") + " dataset");
  Handle space(H5Dget_space(d), H5Sclose);
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.id()) : -1;
  if (rank < 0 || rank > 8) throw Error("'" + name + "' has an unreadable shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  total = 1;
  for (hsize_t x : dims) {
    if (x > max || (x > 0 && total > max / x)) throw Error("'" + name + "' is larger than expected");
    total *= static_cast<std::size_t>(x);
  }
  return dims;
}

bool is_vlen_string(hid_t type) { return type >= 0 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0; }

std::vector<std::string> read_vlen(hid_t obj, const std::string& name, std::size_t max, bool attribute) {
  Handle o = attribute ? Handle(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose)
                       : Handle(H5Dopen2(obj, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!o.valid()) throw Error("no '" + name + "'");
  Handle space(attribute ? H5Aget_space(o.id()) : H5Dget_space(o.id()), H5Sclose);
  Handle ftype(attribute ? H5Aget_type(o.id()) : H5Dget_type(o.id()), H5Tclose);
  if (!space.valid() || !is_vlen_string(ftype.id()))
    throw Error("'" + name + "' is not a list of strings");
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || static_cast<std::size_t>(n) > max) throw Error("'" + name + "' has an unreadable size");
  Handle mem = vlen_string_type();
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  const herr_t rc = n == 0 ? 0 : attribute ? H5Aread(o.id(), mem.id(), ptrs.data())
                                           : H5Dread(o.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
  if (rc < 0) throw Error("cannot read '" + name + "'");
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    if (p) H5free_memory(p);
  }
  return out;
}

// every variable-length text of the file (string datasets and string attributes), keyed by
// "<object path>" or "<object path>@<attribute>" (the root's path is "")
struct TextCollector {
  std::map<std::string, std::vector<std::string>> texts;

  void attributes(hid_t obj, const std::string& path) {
    H5O_info_t info{};
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) throw Error("cannot list the attributes of '" + path + "'");
    for (hsize_t k = 0; k < info.num_attrs; ++k) {
      Handle a(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, k, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
      if (!a.valid()) throw Error("cannot open an attribute of '" + path + "'");
      Handle type(H5Aget_type(a.id()), H5Tclose);
      if (!is_vlen_string(type.id())) continue;
      const ssize_t len = H5Aget_name(a.id(), 0, nullptr);
      std::string name(static_cast<std::size_t>(std::max<ssize_t>(len, 0)), '\0');
      if (len > 0) H5Aget_name(a.id(), name.size() + 1, name.data());
      texts[path + "@" + name] = read_vlen(obj, name, std::numeric_limits<std::size_t>::max(), true);
    }
  }
};

herr_t collect_texts(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  auto& c = *static_cast<TextCollector*>(data);
  const std::string path = std::string(name) == "." ? std::string() : std::string(name);
  Handle o(H5Oopen(root, name, H5P_DEFAULT), H5Oclose);
  if (!o.valid()) return -1;
  try {
    c.attributes(o.id(), path);
    if (info->type == H5O_TYPE_DATASET) {
      Handle type(H5Dget_type(o.id()), H5Tclose);
      if (is_vlen_string(type.id()))
        c.texts[path] = read_vlen(root, name, std::numeric_limits<std::size_t>::max(), false);
    }
  } catch (const Error&) {
    return -1;
  }
  return 0;
}

}  // namespace

std::int64_t strings_digest(hid_t file) {
  TextCollector c;
  if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect_texts, &c, H5O_INFO_BASIC) < 0)
    throw Error("cannot read the texts of the file");
  TextDigest d;
  for (const auto& [key, values] : c.texts) d.add(key).add(values);
  return d.value();
}

void seal_texts(hid_t file) { attr_int(file, kStringsDigest, strings_digest(file)); }

std::vector<std::string> read_strings(hid_t parent, const std::string& name, std::size_t max) {
  if (!exists(parent, name)) throw Error("no '" + name + "'");
  return read_vlen(parent, name, max, false);
}

std::vector<std::string> read_attr_strings(hid_t obj, const std::string& name, std::size_t max) {
  if (H5Aexists(obj, name.c_str()) <= 0) throw Error("no attribute '" + name + "'");
  return read_vlen(obj, name, max, true);
}

std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims, std::size_t max) {
  Handle d = open_dataset(parent, name);
  std::size_t total = 0;
  auto shape = shape_of(d.id(), name, max, total, H5T_FLOAT);
  std::vector<double> v(total);
  if (total && H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error("cannot read '" + name + "'");
  if (dims) *dims = shape;
  return v;
}

std::vector<std::int64_t> read_ints(hid_t parent, const std::string& name, std::size_t max) {
  Handle d = open_dataset(parent, name);
  std::size_t total = 0;
  shape_of(d.id(), name, max, total, H5T_INTEGER);
  std::vector<std::int64_t> v(total);
  if (total && H5Dread(d.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error("cannot read '" + name + "'");
  return v;
}

void read_slab(hid_t dset, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count, double* out) {
  Handle file_space(H5Dget_space(dset), H5Sclose);
  if (!file_space.valid() || H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
    throw Error("cannot select a slab to read");
  Handle mem_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
  if (H5Dread(dset, H5T_NATIVE_DOUBLE, mem_space.id(), file_space.id(), H5P_DEFAULT, out) < 0) throw Error("cannot read a slab");
}

void read_int_slab(hid_t dset, hsize_t start, hsize_t count, std::int64_t* out) {
  Handle file_space(H5Dget_space(dset), H5Sclose);
  if (!file_space.valid() || H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0)
    throw Error("cannot select a slab to read");
  Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (H5Dread(dset, H5T_NATIVE_INT64, mem_space.id(), file_space.id(), H5P_DEFAULT, out) < 0) throw Error("cannot read a slab");
}

}  // namespace sixparty::h5
