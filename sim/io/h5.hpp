// h5: a thin RAII layer over the HDF5 C API (and its dimension-scale API), enough for the
// results layout in results/README.md. Only sources in io/ include it.
#pragma once

#include "io/error.hpp"

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sixparty::h5 {

// owns one hid_t and closes it with the right H5*close
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // give up ownership (the caller closes)
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// silence HDF5's own error printing (we report errors ourselves)
void quiet();
// call first thing in main: stops HDF5 from closing files again at exit, which crashes (in
// HDF5 1.10) when a close had failed for lack of disk space; sixparty closes what it opens
void no_cleanup_at_exit();

Handle create_file(const std::string& path);
// throws Error if path exists and is not a regular file (a FIFO would block the open)
void require_regular(const std::string& path);
Handle open_file_read(const std::string& path);
Handle open_file_rw(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& name);

void attr_string(hid_t obj, const std::string& name, const std::string& value);
void attr_double(hid_t obj, const std::string& name, double value);
void attr_int(hid_t obj, const std::string& name, std::int64_t value);
void attr_strings(hid_t obj, const std::string& name, const std::vector<std::string>& values);
std::string read_attr_string(hid_t obj, const std::string& name);  // "" when missing
bool read_attr_int(hid_t obj, const std::string& name, std::int64_t& out);
bool read_attr_double(hid_t obj, const std::string& name, double& out);  // false when missing or not a float

// a float64 dataset; chunk empty = stored whole (chunks of about 1 MiB, contiguous when empty);
// deflate 0 = none; fill = NaN. Every chunked dataset carries a Fletcher-32 checksum
Handle create_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk = {}, int deflate = 0);
// an int64 dataset; chunk empty = stored whole, uncompressed (given chunks: deflated); checksummed
Handle create_int_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                          const std::vector<hsize_t>& chunk = {});
// write a float64 hyperslab [start, start + count)
void write_slab(hid_t dset, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                const double* data);
void write_ints(hid_t dset, const std::int64_t* data);
// write an int64 hyperslab [start, start + count) of a 1-D dataset
void write_int_slab(hid_t dset, hsize_t start, hsize_t count, const std::int64_t* data);
// make an existing 1-D dataset a dimension scale named like it
void make_scale(hid_t dset, const std::string& name);
// a 1-D coordinate: float64 or strings; made a dimension scale named like the dataset
Handle coordinate(hid_t parent, const std::string& name, const std::vector<double>& values);
Handle coordinate(hid_t parent, const std::string& name, const std::vector<std::string>& values);
// a 1-D string dataset (not a scale), e.g. labels to attach to a coordinate
Handle strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);
Handle strings(hid_t parent, const std::string& name, const std::vector<const char*>& values);
// attach scales to the dimensions of dset, in order
void attach(hid_t dset, const std::vector<hid_t>& scales);
// long_name and units in one call. `units` is the human unit ("US$ bn/yr", "million people");
// the attribute `units` gets its UDUNITS-2 form (cf_units) and, where that differs, the human
// unit goes to `display_units`. String datasets get no units (CF: labels have none).
void describe(hid_t obj, const std::string& long_name, const std::string& units);
// the UDUNITS-2 form of a human unit the program writes: "1" stays, "X/yr" is cf_units(X) "yr-1",
// "US$ bn" is "1e9" (UDUNITS has no currency), "million people" "1e6", a calendar year ("year":
// a label, not a duration) "1", anything else (an index, a scenario's own resource unit) "1"
std::string cf_units(const std::string& human);
// the unit to show a reader: display_units where present, else units ("" when neither)
std::string read_display_units(hid_t obj);
// a scalar string dataset (a text, e.g. a scenario's YAML)
Handle string_scalar(hid_t parent, const std::string& name, const std::string& value);
void flush(hid_t file);

// A digest of the texts a reader depends on (names, units, scenario texts). HDF5 keeps
// variable-length strings in its global heap, which has no checksum, so a damaged byte there
// would silently rename an actor or change a replayed scenario; the writer stores this digest as
// an integer attribute (inside a checksummed object header) and the reader recomputes it.
class TextDigest {
 public:
  TextDigest& add(const std::string& s);
  TextDigest& add(const std::vector<std::string>& v);
  std::int64_t value() const { return static_cast<std::int64_t>(h_ >> 1); }  // positive: reads back as itself anywhere

 private:
  std::uint64_t h_ = 1469598103934665603ull;
};
constexpr const char* kTextDigest = "text_digest";

// The digest of every variable-length text of a file -- string datasets and string attributes,
// each keyed by its object path (root "") or "<path>@<attribute>", in key order, a key followed
// by its values as a list -- stored as the root attribute strings_digest when a file is
// committed (seal_texts), so that a reader (tools/sixparty_results.py) can tell a damaged text.
std::int64_t strings_digest(hid_t file);
void seal_texts(hid_t file);
constexpr const char* kStringsDigest = "strings_digest";

// reading (each throws Error when the object is missing, of another type, or larger than max)
std::vector<std::string> read_strings(hid_t parent, const std::string& name, std::size_t max = 100000);
std::vector<std::string> read_attr_strings(hid_t obj, const std::string& name, std::size_t max = 100000);
// a whole float64 / int64 dataset, row-major; dims receives its shape
std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims = nullptr,
                                 std::size_t max = std::size_t{1} << 31);
std::vector<std::int64_t> read_ints(hid_t parent, const std::string& name, std::size_t max = std::size_t{1} << 31);
// a float64 hyperslab [start, start + count) of an open dataset
void read_slab(hid_t dset, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count, double* out);
void read_int_slab(hid_t dset, hsize_t start, hsize_t count, std::int64_t* out);
Handle open_dataset(hid_t parent, const std::string& name);

}  // namespace sixparty::h5
