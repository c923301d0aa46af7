#include "io/results_info.hpp"

#include "core/files.hpp"
#include "io/h5.hpp"

#include <hdf5_hl.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

namespace sixparty {

namespace {

std::vector<std::string> children(hid_t g) {
  std::vector<std::string> names;
  H5G_info_t info{};
  if (H5Gget_info(g, &info) < 0) return names;
  // creation order where the file tracks it, name order otherwise
  const H5_index_t idx =
      H5Lget_name_by_idx(g, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) >= 0 ? H5_INDEX_CRT_ORDER
                                                                                                   : H5_INDEX_NAME;
  for (hsize_t k = 0; k < info.nlinks && k < 100000; ++k) {
    const ssize_t len = H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    if (len < 0 || len > 4096) break;
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, k, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    names.push_back(name);
  }
  return names;
}

H5O_type_t kind_of(hid_t g, const std::string& name) {
  H5O_info_t oi{};
  if (H5Oget_info_by_name(g, name.c_str(), &oi, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return oi.type;
}

std::string dataset_line(hid_t g, const std::string& name) {
  h5::Handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) return name + "  (unreadable)";
  h5::Handle space(H5Dget_space(d.id()), H5Sclose);
  h5::Handle type(H5Dget_type(d.id()), H5Tclose);
  std::ostringstream os;
  os << name << "  ";
  const H5T_class_t cls = type.valid() ? H5Tget_class(type.id()) : H5T_NO_CLASS;
  os << (cls == H5T_FLOAT ? "float" : cls == H5T_INTEGER ? "int" : cls == H5T_STRING ? "string" : "other");
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.id()) : -1;
  if (rank >= 0 && rank <= 32) {
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
    os << " (";
    for (int k = 0; k < rank; ++k) {
      char dimname[64] = "";
      if (H5DSget_num_scales(d.id(), static_cast<unsigned>(k)) > 0) {
        H5DSiterate_scales(d.id(), static_cast<unsigned>(k), nullptr,
                           [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
                             H5DSget_scale_name(scale, static_cast<char*>(out), 64);
                             return 1;
                           },
                           dimname);
        dimname[63] = '\0';
      }
      os << (k ? ", " : "") << (dimname[0] ? dimname : "dim") << "=" << dims[k];
    }
    os << ")";
  }
  const std::string ln = h5::read_attr_string(d.id(), "long_name");
  const std::string un = h5::read_display_units(d.id());
  if (!ln.empty()) os << "  " << ln;
  if (!un.empty()) os << " [" << un << "]";
  return os.str();
}

void describe_group(hid_t g, const std::string& path, int depth, std::ostringstream& os, std::size_t& lines) {
  if (depth > 8) return;
  for (const auto& name : children(g)) {
    if (++lines > 20000) {  // links can form cycles: a description has an end
      if (lines == 20001) os << "... (more than 20000 entries; stopping)\n";
      return;
    }
    const H5O_type_t t = kind_of(g, name);
    const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
    if (t == H5O_TYPE_GROUP) {
      h5::Handle sub(H5Gopen2(g, name.c_str(), H5P_DEFAULT), H5Gclose);
      if (!sub.valid()) continue;
      os << indent << path << name << "/";
      std::int64_t runs = 0, done = 0;
      const bool has_runs = h5::read_attr_int(sub.id(), "runs", runs);
      if (h5::read_attr_int(sub.id(), "runs_completed", done) && has_runs)
        os << "  scenario '" << h5::read_attr_string(sub.id(), "scenario_name") << "': " << done << "/" << runs
           << " runs, status " << h5::read_attr_string(sub.id(), "status") << ", record level "
           << h5::read_attr_string(sub.id(), "record_level");
      std::int64_t seed = 0;
      if (h5::read_attr_int(sub.id(), "seed", seed)) os << ", seed " << seed;
      os << "\n";
      describe_group(sub.id(), "", depth + 1, os, lines);
    } else if (t == H5O_TYPE_DATASET) {
      os << indent << dataset_line(g, name) << "\n";
    }
  }
}

}  // namespace

std::string describe_results(const std::string& path) {
  h5::quiet();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw h5::Error("'" + path + "': no such file");
  if (std::filesystem::is_directory(path, ec)) throw h5::Error("'" + path + "' is a directory; expected an HDF5 results file");
  h5::require_regular(path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw h5::Error("'" + path + "' is not an HDF5 file; expected a results file written by sixparty run");
  h5::Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw h5::Error("'" + path + "' cannot be opened as HDF5 (damaged?)");
  std::ostringstream os;
  os << "file: " << path << "\n";
  const std::string title = h5::read_attr_string(f.id(), "title");
  if (title != "sixparty results") os << "note: not written by sixparty (no title attribute 'sixparty results')\n";
  for (const char* key : {"status", "sixparty_version", "git_revision", "started", "finished", "command_line", "rng_algorithm"}) {
    const std::string v = h5::read_attr_string(f.id(), key);
    if (!v.empty()) os << key << ": " << v << "\n";
  }
  std::int64_t threads = 0;
  if (h5::read_attr_int(f.id(), "threads", threads)) os << "threads: " << threads << "\n";
  if (h5::read_attr_string(f.id(), "kind") == "experiment" && h5::exists(f.id(), "experiment")) {
    h5::Handle g = h5::open_group(f.id(), "experiment");
    std::int64_t points = 0, rpp = 0, first = 0, end = 0, runs = 0, failed = 0;
    h5::read_attr_int(g.id(), "points", points);
    h5::read_attr_int(g.id(), "runs_per_point", rpp);
    h5::read_attr_int(g.id(), "first_point", first);
    h5::read_attr_int(g.id(), "end_point", end);
    h5::read_attr_int(f.id(), "runs", runs);
    h5::read_attr_int(f.id(), "failed_runs", failed);
    os << "experiment '" << h5::read_attr_string(g.id(), "name") << "': " << h5::read_attr_string(g.id(), "design") << " design, "
       << points << " points x " << rpp << " runs; this file: points " << first << " to " << end - 1 << ", " << runs << " runs, "
       << failed << " failed\n";
  }
  std::size_t lines = 0;
  describe_group(f.id(), "", 0, os, lines);
  return os.str();
}

namespace {

// a child that crashed or was still reading: the file is damaged
[[noreturn]] void throw_damaged(const std::string& path, const files::Isolated& e, unsigned seconds) {
  if (e.why == files::Isolated::Why::timed_out)
    throw h5::Error("'" + path + "' is damaged: the HDF5 library was still reading it after " + std::to_string(seconds) + " s");
  const std::string w = e.what();  // "crashed (signal N)"
  throw h5::Error("'" + path + "' is damaged: reading it crashed the HDF5 library" + (w.size() > 7 ? w.substr(7) : std::string()));
}

std::atomic<unsigned> read_check_cap{0};

}  // namespace

std::string describe_results_isolated(const std::string& path, unsigned seconds) {
  try {
    return files::run_isolated([&] { return describe_results(path); }, seconds);
  } catch (const files::Isolated& e) {
    if (e.why == files::Isolated::Why::failed) throw h5::Error(e.what());
    throw_damaged(path, e, seconds);
  }
}

void cap_read_check_seconds(unsigned seconds) { read_check_cap = seconds; }

void check_readable_isolated(const std::string& path, const std::function<void()>& read, unsigned seconds) {
  if (const unsigned cap = read_check_cap.load(); cap > 0 && cap < seconds) seconds = cap;
  try {
    files::run_isolated(
        [&] {
          read();
          return std::string();
        },
        seconds);
  } catch (const files::Isolated& e) {
    if (e.why == files::Isolated::Why::failed) return;  // the caller's own read reports it
    throw_damaged(path, e, seconds);
  }
}

void prepare_results_library() {
  h5::no_cleanup_at_exit();
  h5::quiet();
}

}  // namespace sixparty
