// libFuzzer target: experiment text -> tree -> experiment (scenarios loaded, factors checked at
// their ends, design expanded). Any input must end in an experiment or in located diagnostics:
// never a crash, a hang or an unbounded allocation (design sizes are checked before allocating).
// The document is placed in scenarios/experiments/, so relative scenario paths reach the
// shipped scenarios.
#include "experiment/experiment.hpp"
#include "scenario/tree.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sixparty;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = std::string(SIXPARTY_SOURCE_DIR) + "/scenarios/experiments/fuzz.yaml";
  Diagnostics diags;
  LoadedDocument doc;
  doc.tree = parse_tree(text, path, diags);
  doc.files = {path};
  doc.texts = {text};
  if (diags.has_errors()) return 0;
  auto ex = read_experiment(doc, path, diags);
  if (!ex) {
    (void)diags.format();
    return 0;
  }
  if (ex->points() > 0) {
    Diagnostics d;
    (void)ex->compile_point(ex->points() - 1, d);
  }
  return 0;
}
