#include "io/tables.hpp"

#include "core/files.hpp"
#include "io/detail.hpp"

#include <filesystem>
#include <system_error>

namespace sixparty {

void detail::write_table(hid_t f, const Table& t) {
  // the groups on the way, then the table's own group afresh
  h5::Handle parent;
  hid_t at = f;
  for (std::size_t k = 0; k + 1 < t.path.size(); ++k) {
    parent = h5::exists(at, t.path[k]) ? h5::open_group(at, t.path[k]) : h5::create_group(at, t.path[k]);
    at = parent.id();
  }
  const std::string& name = t.path.back();
  if (h5::exists(at, name)) H5Ldelete(at, name.c_str(), H5P_DEFAULT);
  h5::Handle g = h5::create_group(at, name);
  for (const auto& a : t.attributes) {
    if (const auto* s = std::get_if<std::string>(&a.value)) h5::attr_string(g.id(), a.name, *s);
    else if (const auto* i = std::get_if<std::int64_t>(&a.value)) h5::attr_int(g.id(), a.name, *i);
    else h5::attr_double(g.id(), a.name, std::get<double>(a.value));
  }
  h5::Handle dim;
  if (!t.labels.empty()) {
    dim = h5::coordinate(g.id(), t.dimension, t.labels);
  } else {
    std::vector<std::int64_t> idx(t.rows);
    for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = static_cast<std::int64_t>(k);
    dim = h5::create_int_dataset(g.id(), t.dimension, {static_cast<hsize_t>(idx.size())});
    if (!idx.empty()) h5::write_ints(dim.id(), idx.data());
    h5::make_scale(dim.id(), t.dimension);
  }
  h5::describe(dim.id(), t.dimension_long_name, "1");
  for (const auto& c : t.columns) {
    h5::Handle d;
    if (c.is_text) {
      d = h5::strings(g.id(), c.name, c.text);
    } else {
      d = h5::create_dataset(g.id(), c.name, {static_cast<hsize_t>(c.numbers.size())});
      if (!c.numbers.empty()) h5::write_slab(d.id(), {0}, {static_cast<hsize_t>(c.numbers.size())}, c.numbers.data());
    }
    h5::describe(d.id(), c.long_name, "1");
    h5::attach(d.id(), {dim.id()});
  }
  if (t.second_dimension.empty()) return;
  h5::Handle dim2 = h5::coordinate(g.id(), t.second_dimension, t.second_labels);
  h5::describe(dim2.id(), t.second_dimension_long_name, "1");
  for (const auto& c : t.second_columns) {
    h5::Handle d = h5::strings(g.id(), c.name, c.text);
    h5::describe(d.id(), c.long_name, "1");
    h5::attach(d.id(), {dim2.id()});
  }
  const hsize_t rows = t.rows, cols = t.second_labels.size();
  for (const auto& m : t.matrices) {
    h5::Handle d = h5::create_dataset(g.id(), m.name, {rows, cols});
    if (rows * cols > 0) h5::write_slab(d.id(), {0, 0}, {rows, cols}, m.numbers.data());
    h5::describe(d.id(), m.long_name, "1");
    h5::attach(d.id(), {dim.id(), dim2.id()});
  }
}

void store_tables(const std::string& path, const std::vector<Table>& tables) {
  h5::quiet();
  files::TempFile temp(path);
  std::error_code ec;
  std::filesystem::copy_file(path, temp.path(), std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw h5::Error("cannot copy '" + path + "': " + ec.message());
  h5::Handle f = h5::open_file_rw(temp.path());
  for (const auto& t : tables) detail::write_table(f.id(), t);
  detail::close_and_commit(f, temp);
}

void detail::close_and_commit(h5::Handle& file, files::TempFile& temp) {
  h5::seal_texts(file.id());  // last: the digest of every text the file now holds
  h5::flush(file.id());
  if (H5Fclose(file.release()) < 0) throw h5::Error("cannot finish '" + temp.path() + "' (disk full?)");
  try {
    temp.commit();
  } catch (const files::WriteError& e) {
    throw h5::Error(e.what());
  }
}

}  // namespace sixparty
