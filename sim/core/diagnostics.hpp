// diagnostics: located error messages, collected so that a user sees every problem at once.
//
// A Diagnostic says where (file:line:column, 1-based, and the key path inside the document)
// and what (what was found, what was expected). Readers append to a Diagnostics list and keep
// going; the caller decides whether to stop. Example:
//
//   Diagnostics diags;
//   diags.error({"a.yaml", 3, 5}, "actors.RUS.interests", "found -0.5, expected a weight >= 0");
//   if (diags.has_errors()) std::cerr << diags.format();
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sixparty {

struct SourceLocation {
  std::string file;  // path as given by the user ("" when the value came from the command line)
  int line = 0;      // 1-based, 0 when unknown
  int column = 0;    // 1-based, 0 when unknown
};

struct Diagnostic {
  SourceLocation where;
  std::string path;     // key path inside the document, e.g. "actors.RUS.interests.security"
  std::string message;  // what was found and what was expected
};

class Diagnostics {
 public:
  void error(SourceLocation where, std::string path, std::string message);
  bool has_errors() const { return !items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  // one line per error: "file:line:col: error: path: message"
  std::string format() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

std::string format_diagnostic(const Diagnostic& d);

// thrown when input cannot be used; carries every diagnostic found so far
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostics diags);
  const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

}  // namespace sixparty
