#include "analysis/compare.hpp"

#include "io/outcomes.hpp"

#include <catch2/catch.hpp>

using namespace sixparty;

namespace {

OutcomeTable table(const std::string& group, std::initializer_list<const char*> columns) {
  OutcomeTable t;
  t.file = "r.h5";
  t.group = group;
  t.runs = 2;
  t.actors = {"A", "B"};
  for (const char* c : columns) t.columns[c] = {0.1, 0.2, 0.3, 0.4};
  return t;
}

}  // namespace

TEST_CASE("compare refuses tables whose outcome columns differ instead of dropping rows (issue 19)") {
  const OutcomeTable a = table("a", {"final_utility", "war"}), b = table("b", {"final_utility", "war"});
  CHECK(comparable(a, b).empty());
  const OutcomeTable less = table("b", {"final_utility"});
  const std::string why = comparable(a, less);
  CHECK(why.find("'war' is in r.h5:a but not in r.h5:b") != std::string::npos);
  CHECK(comparable(less, a).find("'war' is in r.h5:a but not in r.h5:b") != std::string::npos);
}
