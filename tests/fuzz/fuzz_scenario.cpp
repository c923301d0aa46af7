// libFuzzer target: scenario text -> tree -> spec -> validation -> compilation -> patterns.
// Any input must end in a scenario or in located diagnostics: never a crash, a hang or an
// unbounded allocation.
#include "experiment/patterns.hpp"
#include "scenario/load.hpp"
#include "scenario/spec.hpp"
#include "scenario/tree.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sixparty;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  TreeNode tree = parse_tree(text, "fuzz.yaml", diags);
  if (diags.has_errors()) return 0;
  ScenarioSpec spec = read_spec(tree, diags);
  validate(spec, diags);
  if (diags.has_errors()) {
    (void)diags.format();
    return 0;
  }
  Scenario sc = compile(spec);
  PatternEvaluator patterns;
  patterns.add(sc, diags);
  (void)emit_tree(tree);
  return 0;
}
