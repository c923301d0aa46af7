#include "core/diagnostics.hpp"

namespace sixparty {

void Diagnostics::error(SourceLocation where, std::string path, std::string message) {
  items_.push_back({std::move(where), std::move(path), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.where.file.empty()) {
    out += d.where.file;
    if (d.where.line > 0) {
      // appended piece by piece: `":" + std::to_string(...)` trips a GCC 12 -Wrestrict false positive
      out += ':';
      out += std::to_string(d.where.line);
      if (d.where.column > 0) {
        out += ':';
        out += std::to_string(d.where.column);
      }
    }
    out += ": ";
  } else if (d.where.line == 0) {
    out += "<command line>: ";
  }
  out += "error: ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& d : items_) out += format_diagnostic(d) + "\n";
  return out;
}

InputError::InputError(Diagnostics diags)
    : std::runtime_error(diags.format()), diags_(std::move(diags)) {}

}  // namespace sixparty
