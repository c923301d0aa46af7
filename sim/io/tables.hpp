// tables: small analysis tables (comparisons, sensitivity indices) stored in a results file as
// a group of 1-D datasets along one dimension, with attributes; the layout is in
// results/README.md. The analysis layer builds Table values; io writes them.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sixparty {

struct TableAttribute {
  std::string name;
  std::variant<std::string, std::int64_t, double> value;
};

struct TableColumn {
  std::string name, long_name;
  std::vector<std::string> text;  // when is_text
  std::vector<double> numbers;    // otherwise
  bool is_text = false;
};

// a rows x columns matrix along the table's dimension and its second dimension (row-major)
struct TableMatrix {
  std::string name, long_name;
  std::vector<double> numbers;
};

struct Table {
  std::vector<std::string> path;    // groups from the root, e.g. {"comparisons", "a_vs_b"}; the last
                                    // is created afresh (an older table of that name is replaced)
  std::string dimension;            // name of the dimension (and of its coordinate dataset)
  std::string dimension_long_name;
  std::vector<std::string> labels;  // a text coordinate with these values; empty: an integer index
  std::size_t rows = 0;             // length of the dimension (labels.size() when labels are given)
  std::vector<TableAttribute> attributes;
  std::vector<TableColumn> columns;  // units "1", attached to the dimension
  // optional second dimension (a text coordinate) and matrices over both
  std::string second_dimension, second_dimension_long_name;
  std::vector<std::string> second_labels;
  std::vector<TableColumn> second_columns;  // attached to the second dimension
  std::vector<TableMatrix> matrices;
};

// adds the tables to an existing results file atomically: they are written into a copy that is
// synced and renamed over `file`, so on any error `file` is untouched. Throws h5::Error.
// (A file still being written takes its tables through ResultsFile::write_tables, in place.)
void store_tables(const std::string& file, const std::vector<Table>& tables);

}  // namespace sixparty
