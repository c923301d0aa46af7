// tree: a YAML document as a plain tree whose every node remembers where it came from.
//
// yaml-cpp is used only here (and in tree.cpp). Loading a scenario resolves `extends:` by a
// documented deep merge, so that later stages see one tree in which each value still points at
// the file, line and column it was written in:
//
//   maps merge key by key (the extending file wins, new keys are appended in its order);
//   sequences under the keys listed in kAppendKeys ("events", "patterns") are appended;
//   every other value (scalars, other sequences) is replaced by the extending file's value.
//
// `extends` paths are relative to the file that names them; a cycle is an error.
#pragma once

#include "core/diagnostics.hpp"

#include <string>
#include <vector>

namespace sixparty {

struct TreeNode;

struct TreeEntry {
  std::string key;
  SourceLocation key_where;
  std::vector<TreeNode> value;  // exactly one element (a vector lets TreeNode stay incomplete)
  const TreeNode& node() const { return value.front(); }
  TreeNode& node() { return value.front(); }
};

struct TreeNode {
  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string text;               // scalar text as written (after YAML unescaping)
  bool quoted = false;            // a quoted scalar is always a string
  std::vector<TreeNode> items;    // sequence items
  std::vector<TreeEntry> entries; // map entries in document order
  SourceLocation where;

  const TreeNode* find(std::string_view key) const;
  TreeNode* find(std::string_view key);
  const TreeEntry* find_entry(std::string_view key) const;
  bool is_map() const { return kind == Kind::map; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
};

// resource limits on a document (alias expansion and nesting must stay bounded)
struct TreeLimits {
  std::size_t max_nodes = 200000;   // nodes after alias expansion
  int max_depth = 64;               // nesting of maps and sequences
  std::size_t max_file_bytes = 16u << 20;
  int max_extends_depth = 16;
  // scenario documents: a file (or an extends target) with none of the scenario keys is refused
  // without showing its content (it may be any file the user can read: `extends: /etc/shadow`)
  bool scenario = false;
};

// parse YAML text; `file` is used in locations. Errors go to diags; returns a null node on error.
TreeNode parse_tree(const std::string& text, const std::string& file, Diagnostics& diags,
                    const TreeLimits& limits = {});

struct LoadedDocument {
  TreeNode tree;                        // merged tree, `extends` removed
  std::vector<std::string> files;       // every file read, the named file first
  std::vector<std::string> texts;       // their texts, same order
};

// a regular file's text, within limits.max_file_bytes and without NUL bytes; false (reported at
// `from`, or at the file) if it is missing, a directory, a device or pipe, too large, or binary.
// `expected` says what it should have been ("a YAML scenario file", "a CSV design")
bool read_text_file(const std::string& path, std::string& text, Diagnostics& diags, const TreeLimits& limits,
                    const SourceLocation& from, const std::string& expected);

// read a file and resolve `extends`; errors go to diags
LoadedDocument load_tree(const std::string& path, Diagnostics& diags, const TreeLimits& limits = {});

// deep-merge overlay into base as described above
void merge_tree(TreeNode& base, const TreeNode& overlay);

// apply "a.b.c=value" (value is YAML) to the tree; creates missing map keys
void apply_override(TreeNode& root, const std::string& assignment, Diagnostics& diags);

// the tree as YAML text (the resolved scenario stored in results files)
std::string emit_tree(const TreeNode& root);

// the keys whose sequences are appended when merging
inline const std::vector<std::string> kAppendKeys = {"events", "patterns"};

// the top-level keys of a scenario (besides extends); a document with none of them is not shown
// in error messages (it may be any file: `extends: /etc/shadow`)
inline const std::vector<std::string> kScenarioKeys = {"name", "description", "time", "dimensions", "resources", "actors", "relations",
                                                        "events", "parameters", "mechanisms", "uncertainty", "patterns", "run"};

// the distributions of an uncertain value (uncertainty.values.PATH.KIND); in an extends overlay a
// map that declares one replaces the base's map whole
inline const std::vector<std::string> kDistributionKeys = {"uniform", "log_uniform", "normal", "triangular"};

// true if a map has at least one scenario key or extends
bool looks_like_scenario(const TreeNode& root);

// the limits of a scenario document (scenario = true)
inline TreeLimits scenario_limits() {
  TreeLimits l;
  l.scenario = true;
  return l;
}

}  // namespace sixparty
