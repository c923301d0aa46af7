#include "scenario/tree.hpp"

#include "core/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace sixparty {

const TreeEntry* TreeNode::find_entry(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}
const TreeNode* TreeNode::find(std::string_view key) const {
  const TreeEntry* e = find_entry(key);
  return e ? &e->node() : nullptr;
}
TreeNode* TreeNode::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e.node();
  return nullptr;
}

namespace {

SourceLocation at(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

struct Converter {
  const std::string& file;
  Diagnostics& diags;
  const TreeLimits& limits;
  std::size_t nodes = 0;
  bool failed = false;

  TreeNode convert(const YAML::Node& n, int depth, const std::string& path) {
    TreeNode out;
    if (failed) return out;
    out.where = at(file, n.Mark());
    if (++nodes > limits.max_nodes) {
      diags.error(out.where, path,
                  "the document expands to more than " + std::to_string(limits.max_nodes) +
                      " nodes (are aliases nested to multiply it?); expected a smaller document");
      failed = true;
      return out;
    }
    if (depth > limits.max_depth) {
      diags.error(out.where, path,
                  "nesting deeper than " + std::to_string(limits.max_depth) +
                      " levels; expected a flatter document");
      failed = true;
      return out;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = TreeNode::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = TreeNode::Kind::scalar;
        out.text = n.Scalar();
        out.quoted = n.Tag() == "!";
        break;
      case YAML::NodeType::Sequence: {
        out.kind = TreeNode::Kind::sequence;
        std::size_t i = 0;
        for (const auto& item : n) {
          out.items.push_back(convert(item, depth + 1, path + "[" + std::to_string(i++) + "]"));
          if (failed) break;
        }
        break;
      }
      case YAML::NodeType::Map: {
        out.kind = TreeNode::Kind::map;
        for (const auto& kv : n) {
          const YAML::Node& k = kv.first;
          SourceLocation kw = at(file, k.Mark());
          if (!k.IsScalar()) {
            diags.error(kw, path, "a key must be a plain name, found a " +
                                      std::string(k.IsMap() ? "map" : k.IsSequence() ? "sequence" : "null"));
            continue;
          }
          const std::string key = k.Scalar();
          const std::string kp = path.empty() ? key : path + "." + key;
          if (out.find_entry(key)) {
            diags.error(kw, kp, "duplicate key '" + key + "'; expected each key once per map");
            continue;
          }
          TreeEntry e;
          e.key = key;
          e.key_where = kw;
          e.value.push_back(convert(kv.second, depth + 1, kp));
          out.entries.push_back(std::move(e));
          if (failed) break;
        }
        break;
      }
    }
    return out;
  }
};

}  // namespace

bool read_text_file(const std::string& path, std::string& text, Diagnostics& diags, const TreeLimits& limits,
                    const SourceLocation& from, const std::string& expected) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    diags.error(from.file.empty() ? SourceLocation{path, 0, 0} : from, "",
                "cannot read '" + path + "': no such file; expected " + expected);
    return false;
  }
  if (fs::is_directory(status)) {
    diags.error(from.file.empty() ? SourceLocation{path, 0, 0} : from, "",
                "'" + path + "' is a directory; expected " + expected);
    return false;
  }
  // a device, FIFO or socket would block or never end (/dev/zero, a named pipe): files only
  if (!fs::is_regular_file(status)) {
    diags.error(from.file.empty() ? SourceLocation{path, 0, 0} : from, "",
                "'" + path + "' is not a regular file (a device, pipe or socket); expected " + expected);
    return false;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes) {
    diags.error({path, 0, 0}, "",
                "file is " + std::to_string(size) + " bytes; expected at most " +
                    std::to_string(limits.max_file_bytes));
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, "", "cannot open '" + path + "' for reading");
    return false;
  }
  // read with a limit: the file may have grown since its size was taken
  text.clear();
  char chunk[65536];
  while (in && text.size() <= limits.max_file_bytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (text.size() > limits.max_file_bytes) {
    diags.error({path, 0, 0}, "", "file larger than " + std::to_string(limits.max_file_bytes) + " bytes");
    return false;
  }
  if (text.find('\0') != std::string::npos) {
    diags.error({path, 0, 0}, "", "file contains NUL bytes; expected UTF-8 text (" + expected + ")");
    return false;
  }
  return true;
}

namespace {

// An extending scenario that names an actor its base lacks adds a new actor. When that actor
// is incomplete (no output or no interests) it is most likely a misspelt id (`Russia:` for
// `RUS:`): one error says so, with the id whose key or display name is closest.
void check_new_actors(const TreeNode& base, const TreeNode& overlay, const std::string& base_path, Diagnostics& diags) {
  const TreeNode* ba = base.find("actors");
  const TreeNode* oa = overlay.find("actors");
  if (!ba || !oa || !ba->is_map() || !oa->is_map()) return;
  std::vector<std::string> ids, names;
  for (const auto& e : ba->entries) {
    ids.push_back(e.key);
    const TreeNode* n = e.node().is_map() ? e.node().find("name") : nullptr;
    names.push_back(n && n->is_scalar() ? n->text : "");
  }
  auto lower = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  for (const auto& e : oa->entries) {
    if (std::find(ids.begin(), ids.end(), e.key) != ids.end()) continue;
    const TreeNode& n = e.node();
    if (n.is_map() && n.find("output") && n.find("interests")) continue;  // a whole new actor
    std::string hint;
    for (std::size_t k = 0; k < ids.size() && hint.empty(); ++k)
      if (!names[k].empty() && lower(names[k]) == lower(e.key)) hint = "; did you mean " + ids[k] + " (named '" + names[k] + "')?";
    if (hint.empty()) {
      std::vector<std::string> given;
      for (const auto& nm : names)
        if (!nm.empty()) given.push_back(nm);
      const std::string by_id = closest_match(e.key, ids), by_name = closest_match(e.key, given);
      if (!by_id.empty()) hint = "; did you mean " + by_id + "?";
      else if (!by_name.empty()) {
        const auto k = static_cast<std::size_t>(std::find(names.begin(), names.end(), by_name) - names.begin());
        hint = "; did you mean " + ids[k] + " (named '" + names[k] + "')?";
      }
    }
    diags.error(e.key_where, "actors." + e.key,
                "'" + e.key + "' is not an actor of '" + base_path + "' (" + join(ids, ", ") +
                    "), so this adds a new actor, which needs all its fields (output, interests, ...)" + hint);
  }
}

// the value paths a file sets: the leaves of its maps ("actors.DPRK.stability.repression"),
// outside the blocks that are not values (uncertainty, events, patterns)
void value_paths(const TreeNode& n, const std::string& prefix, std::vector<std::string>& out) {
  if (!n.is_map()) {
    if (!prefix.empty()) out.push_back(prefix);
    return;
  }
  for (const auto& e : n.entries) {
    if (prefix.empty() && (e.key == "uncertainty" || e.key == "events" || e.key == "patterns")) continue;
    value_paths(e.node(), prefix.empty() ? e.key : prefix + "." + e.key, out);
  }
}

// a path written so that equal values compare equal: stability.value is stability.initial, and a
// relation key is split into its two actors and whether it names both directions
struct ValuePath {
  std::string head, a, b, tail;
  bool both = false;
};

ValuePath value_path(const std::string& path) {
  ValuePath v;
  v.head = path;
  const std::string rel = "relations.";
  if (path.rfind(rel, 0) == 0) {
    const std::size_t dot = path.find('.', rel.size());
    const std::string key = path.substr(rel.size(), dot == std::string::npos ? std::string::npos : dot - rel.size());
    v.tail = dot == std::string::npos ? "" : path.substr(dot);
    for (const char* arrow : {"<->", "->"}) {
      const std::size_t at = key.find(arrow);
      if (at == std::string::npos) continue;
      v.a = key.substr(0, at);
      v.b = key.substr(at + std::char_traits<char>::length(arrow));
      v.both = std::string(arrow) == "<->";
      v.head = "relations";
      return v;
    }
    return v;
  }
  const std::string initial = ".stability.value";
  if (path.size() > initial.size() && path.compare(path.size() - initial.size(), initial.size(), initial) == 0)
    v.head = path.substr(0, path.size() - initial.size()) + ".stability.initial";
  return v;
}

// the value a set path fixes is the one an uncertain path draws (the same directed pair, or
// either direction where one of them names both)
bool same_value(const std::string& set, const std::string& drawn) {
  const ValuePath x = value_path(set), y = value_path(drawn);
  if (x.head != y.head || x.tail != y.tail) return false;
  if (x.head != "relations") return true;
  if (x.a == y.a && x.b == y.b) return true;
  return (x.both || y.both) && x.a == y.b && x.b == y.a;
}

// a value that an extending file sets is known in the variant, as with --set: the draw that a base
// declares for it is dropped from the merged uncertainty (otherwise every run's draw would
// silently replace the value), unless the file declares the value's distribution itself
void fix_inherited_draws(TreeNode& merged, const TreeNode& file) {
  TreeNode* u = merged.find("uncertainty");
  TreeNode* values = u && u->is_map() ? u->find("values") : nullptr;
  if (!values || !values->is_map()) return;
  std::vector<std::string> set;
  value_paths(file, "", set);
  if (set.empty()) return;
  const TreeNode* fu = file.find("uncertainty");
  const TreeNode* own = fu && fu->is_map() ? fu->find("values") : nullptr;
  std::erase_if(values->entries, [&](const TreeEntry& e) {
    if (own && own->is_map() && own->find(e.key)) return false;  // redeclared by the file: its distribution stays
    return std::any_of(set.begin(), set.end(), [&](const std::string& p) { return same_value(p, e.key); });
  });
}

void load_recursive(const std::string& path, std::vector<std::string>& stack, LoadedDocument& doc,
                    TreeNode& out, Diagnostics& diags, const TreeLimits& limits,
                    const SourceLocation& from) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string canon = fs::weakly_canonical(path, ec).string();
  if (ec) canon = path;
  if (std::find(stack.begin(), stack.end(), canon) != stack.end()) {
    diags.error(from, "extends", "'" + path + "' extends itself through a cycle (" +
                                     [&] { std::string s; for (auto& f : stack) s += f + " -> "; return s + canon; }() +
                                     "); expected a chain without cycles");
    return;
  }
  if (static_cast<int>(stack.size()) > limits.max_extends_depth) {
    diags.error(from, "extends", "more than " + std::to_string(limits.max_extends_depth) +
                                     " levels of extends; expected a shorter chain");
    return;
  }
  std::string text;
  if (!read_text_file(path, text, diags, limits, from, "a YAML scenario file")) return;
  doc.files.push_back(path);
  doc.texts.push_back(text);
  TreeNode tree = parse_tree(text, path, diags, limits);
  if (tree.is_null() && !text.empty() && diags.has_errors()) return;
  if (!tree.is_map()) {
    if (tree.is_null())
      diags.error({path, 1, 1}, "", "the document is empty; expected a map of scenario keys");
    else
      diags.error(tree.where, "", "the document is a " +
                                      std::string(tree.is_sequence() ? "sequence" : "scalar") +
                                      "; expected a map of scenario keys");
    return;
  }
  if (limits.scenario && !looks_like_scenario(tree)) {
    diags.error(from.file.empty() ? tree.where : from, from.file.empty() ? "" : "extends",
                "'" + path + "' does not look like a scenario (none of its top-level keys is a scenario key; its content is not shown); expected a YAML scenario file");
    return;
  }
  const TreeEntry* ext = tree.find_entry("extends");
  if (ext) {
    const TreeNode& v = ext->node();
    if (!v.is_scalar()) {
      diags.error(v.where, "extends", "expected the path of the scenario file to extend (a string)");
      return;
    }
    fs::path base = fs::path(path).parent_path() / v.text;
    stack.push_back(canon);
    TreeNode parent;
    load_recursive(base.lexically_normal().string(), stack, doc, parent, diags, limits, v.where);
    stack.pop_back();
    if (!parent.is_map()) return;
    if (limits.scenario) check_new_actors(parent, tree, v.text, diags);  // before the erase: v is an entry of tree
    tree.entries.erase(std::remove_if(tree.entries.begin(), tree.entries.end(),
                                      [](const TreeEntry& e) { return e.key == "extends"; }),
                       tree.entries.end());
    merge_tree(parent, tree);
    if (limits.scenario) fix_inherited_draws(parent, tree);
    out = std::move(parent);
  } else {
    out = std::move(tree);
  }
}

void emit_node(YAML::Emitter& em, const TreeNode& n) {
  switch (n.kind) {
    case TreeNode::Kind::null:
      em << YAML::Null;
      break;
    case TreeNode::Kind::scalar:
      if (n.quoted) em << YAML::DoubleQuoted << n.text;
      else em << n.text;
      break;
    case TreeNode::Kind::sequence:
      em << YAML::BeginSeq;
      for (const auto& i : n.items) emit_node(em, i);
      em << YAML::EndSeq;
      break;
    case TreeNode::Kind::map:
      em << YAML::BeginMap;
      for (const auto& e : n.entries) {
        em << YAML::Key << e.key << YAML::Value;
        emit_node(em, e.node());
      }
      em << YAML::EndMap;
      break;
  }
}

}  // namespace

namespace {

// the first byte that is not well-formed UTF-8, or npos
std::size_t invalid_utf8(const std::string& t) {
  std::size_t i = 0;
  const std::size_t n = t.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > n) return i;
    if (len == 2 && c < 0xc2) return i;  // overlong
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(t[i + k]) >> 6) != 0x2) return i;
    i += len;
  }
  return std::string::npos;
}

}  // namespace

TreeNode parse_tree(const std::string& text, const std::string& file, Diagnostics& diags,
                    const TreeLimits& limits) {
  if (const std::size_t bad = invalid_utf8(text); bad != std::string::npos) {
    int line = 1, column = 1;
    for (std::size_t k = 0; k < bad; ++k) {
      if (text[k] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[k]) >> 6) != 0x2) {
        ++column;
      }
    }
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[bad]));
    diags.error({file, line, column}, "", std::string("byte ") + byte + " is not UTF-8; expected UTF-8 text");
    return {};
  }
  try {
    YAML::Node root = YAML::Load(text);
    Converter c{file, diags, limits};
    return c.convert(root, 0, "");
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's own message without its location prefix
    std::string msg = "YAML syntax: " + e.msg;
    if (e.msg == "illegal map value" && e.mark.column > 1024)
      msg += " (a key longer than 1024 characters? YAML allows no longer implicit keys)";
    diags.error(at(file, e.mark), "", msg);
  } catch (const std::exception& e) {
    diags.error({file, 0, 0}, "", std::string("cannot parse YAML: ") + e.what());
  }
  return {};
}

LoadedDocument load_tree(const std::string& path, Diagnostics& diags, const TreeLimits& limits) {
  LoadedDocument doc;
  std::vector<std::string> stack;
  load_recursive(path, stack, doc, doc.tree, diags, limits, {});
  return doc;
}

namespace {
// an uncertain value's distribution ({uniform: [..], source: ..}) replaces the base's whole, so
// that a file can redeclare a value its parent declares with another distribution
bool declares_distribution(const TreeNode& n) {
  for (const auto& e : n.entries)
    if (std::find(kDistributionKeys.begin(), kDistributionKeys.end(), e.key) != kDistributionKeys.end()) return true;
  return false;
}
}  // namespace

void merge_tree(TreeNode& base, const TreeNode& overlay) {
  if (!(base.is_map() && overlay.is_map())) {
    base = overlay;
    return;
  }
  for (const auto& e : overlay.entries) {
    TreeEntry* existing = nullptr;
    for (auto& b : base.entries)
      if (b.key == e.key) existing = &b;
    if (!existing) {
      base.entries.push_back(e);
      continue;
    }
    TreeNode& b = existing->node();
    const TreeNode& o = e.node();
    const bool append = std::find(kAppendKeys.begin(), kAppendKeys.end(), e.key) != kAppendKeys.end();
    if (append && b.is_sequence() && o.is_sequence()) {
      b.items.insert(b.items.end(), o.items.begin(), o.items.end());
    } else if (b.is_map() && o.is_map() && !declares_distribution(o)) {
      merge_tree(b, o);
    } else {
      b = o;
      existing->key_where = e.key_where;
    }
  }
}

void apply_override(TreeNode& root, const std::string& assignment, Diagnostics& diags) {
  const SourceLocation where{"", 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.error(where, "--set", "'" + assignment + "': expected PATH=VALUE, e.g. run.runs=100");
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  Diagnostics local;
  TreeNode v = parse_tree(value, "--set " + path, local);
  if (local.has_errors()) {
    diags.error(where, path, "'" + value + "' is not a YAML value");
    return;
  }
  v.where = {"--set " + path, 0, 0};
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : path) {
    if (ch == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  parts.push_back(cur);
  TreeNode* node = &root;
  std::string walked;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const std::string& p = parts[k];
    walked += (k ? "." : "") + p;
    if (p.empty()) {
      diags.error(where, path, "empty component in path; expected names separated by single dots");
      return;
    }
    const bool last = k + 1 == parts.size();
    if (node->is_sequence()) {
      std::size_t idx = 0;
      auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), idx);
      if (ec != std::errc{} || ptr != p.data() + p.size() || idx >= node->items.size()) {
        diags.error(where, walked, "expected an index below " + std::to_string(node->items.size()));
        return;
      }
      node = &node->items[idx];
    } else {
      if (node->is_null()) node->kind = TreeNode::Kind::map;
      if (!node->is_map()) {
        diags.error(where, walked, "cannot descend into a scalar");
        return;
      }
      TreeNode* child = node->find(p);
      if (!child) {
        TreeEntry e;
        e.key = p;
        e.key_where = where;
        e.value.emplace_back();
        node->entries.push_back(std::move(e));
        child = &node->entries.back().node();
      }
      node = child;
    }
    if (last) *node = v;
  }
}

std::string emit_tree(const TreeNode& root) {
  YAML::Emitter em;
  emit_node(em, root);
  return std::string(em.c_str()) + "\n";
}

bool looks_like_scenario(const TreeNode& root) {
  if (!root.is_map()) return false;
  for (const auto& e : root.entries)
    if (e.key == "extends" || std::find(kScenarioKeys.begin(), kScenarioKeys.end(), e.key) != kScenarioKeys.end()) return true;
  return false;
}

}  // namespace sixparty
