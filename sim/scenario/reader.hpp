// reader: checked reading of a located YAML tree (scenario and experiment files share it).
//
// A Reader reports every problem to a Diagnostics list with the node's file:line:column and
// key path, and keeps going, so that a user sees every error at once:
//
//   Reader r(diags);
//   if (r.map(node, "design", {"kind", "points"}, "a map describing the design")) {
//     Field<std::int64_t> points;
//     r.integer(node.find("points"), "design.points", points);
//   }
#pragma once

#include "core/text.hpp"
#include "scenario/spec.hpp"
#include "scenario/tree.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sixparty {

inline std::string kind_name(const TreeNode& n) {
  switch (n.kind) {
    case TreeNode::Kind::null: return "nothing (null)";
    case TreeNode::Kind::scalar: return "'" + (n.text.size() > 40 ? n.text.substr(0, 40) + "..." : n.text) + "'";
    case TreeNode::Kind::sequence: return "a sequence";
    case TreeNode::Kind::map: return "a map";
  }
  return "?";
}

inline std::string join_path(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

class Reader {
 public:
  explicit Reader(Diagnostics& d) : diags(d) {}
  Diagnostics& diags;

  // true if n is a map; reports keys not in `allowed`
  bool map(const TreeNode& n, const std::string& path, const std::vector<std::string>& allowed,
           const std::string& what) {
    if (!n.is_map()) {
      diags.error(n.where, path, "found " + kind_name(n) + "; expected " + what);
      return false;
    }
    for (const auto& e : n.entries) {
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
        diags.error(e.key_where, join_path(path, e.key),
                    "unknown key '" + e.key + "'" + did_you_mean(e.key, allowed) + "; expected one of: " +
                        join(allowed));
    }
    return true;
  }

  bool any_map(const TreeNode& n, const std::string& path, const std::string& what) {
    if (!n.is_map()) {
      diags.error(n.where, path, "found " + kind_name(n) + "; expected " + what);
      return false;
    }
    return true;
  }

  void number(const TreeNode* n, const std::string& path, Field<double>& f) {
    if (!n) return;
    f.where = n->where;
    f.path = path;
    if (!n->is_scalar() || n->quoted) {
      diags.error(n->where, path, "found " + kind_name(*n) + "; expected a number");
      return;
    }
    const std::string& t = n->text;
    double v = 0;
    if (t == ".nan" || t == ".NaN" || t == ".NAN") v = std::numeric_limits<double>::quiet_NaN();
    else if (t == ".inf" || t == "+.inf" || t == ".Inf" || t == "+.Inf") v = std::numeric_limits<double>::infinity();
    else if (t == "-.inf" || t == "-.Inf") v = -std::numeric_limits<double>::infinity();
    else {
      const char* b = t.data();
      const char* e = t.data() + t.size();
      if (b != e && *b == '+') ++b;
      auto [ptr, ec] = std::from_chars(b, e, v);
      if (ec == std::errc::result_out_of_range) {
        diags.error(n->where, path, "'" + t + "' is out of the range of a double; expected a finite number");
        return;
      }
      if (ec != std::errc{} || ptr != e || b == e) {
        diags.error(n->where, path, "found " + kind_name(*n) + "; expected a number");
        return;
      }
    }
    f.value = v;
    f.given = true;
  }

  template <class Int>
  void integer(const TreeNode* n, const std::string& path, Field<Int>& f) {
    if (!n) return;
    f.where = n->where;
    f.path = path;
    if (!n->is_scalar() || n->quoted) {
      diags.error(n->where, path, "found " + kind_name(*n) + "; expected a whole number");
      return;
    }
    const std::string& t = n->text;
    Int v{};
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc::result_out_of_range) {
      diags.error(n->where, path, "'" + t + "' is too large; expected a whole number that fits " +
                                      (std::is_signed_v<Int> ? "64 signed bits" : "64 unsigned bits"));
      return;
    }
    if (ec != std::errc{} || ptr != t.data() + t.size() || t.empty()) {
      diags.error(n->where, path, "found " + kind_name(*n) + "; expected a whole number");
      return;
    }
    f.value = v;
    f.given = true;
  }

  void boolean(const TreeNode* n, const std::string& path, Field<bool>& f) {
    if (!n) return;
    f.where = n->where;
    f.path = path;
    const std::string& t = n->text;
    if (n->is_scalar() && !n->quoted) {
      for (const char* yes : {"true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"})
        if (t == yes) {
          f.value = true;
          f.given = true;
          return;
        }
      for (const char* no : {"false", "False", "FALSE", "off", "Off", "OFF", "no", "No", "NO"})
        if (t == no) {
          f.value = false;
          f.given = true;
          return;
        }
    }
    diags.error(n->where, path, "found " + kind_name(*n) + "; expected on or off (true or false)");
  }

  void string(const TreeNode* n, const std::string& path, Field<std::string>& f) {
    if (!n) return;
    f.where = n->where;
    f.path = path;
    if (!n->is_scalar()) {
      diags.error(n->where, path, "found " + kind_name(*n) + "; expected a string");
      return;
    }
    f.value = n->text;
    f.given = true;
  }
};

}  // namespace sixparty
