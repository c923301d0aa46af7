#include "analysis/compare.hpp"

#include "io/outcomes.hpp"

#include <catch2/catch.hpp>

#include <limits>

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

namespace {

ComparisonRow row(const char* family, const char* actor, double diff, double effect, bool det = false) {
  ComparisonRow r;
  r.family = family;
  r.actor = actor;
  r.detail = "d";
  r.mean_a = 1;
  r.mean_b = 1 + diff;
  r.diff = diff;
  r.effect = effect;
  r.deterministic = det;
  return r;
}

}  // namespace

TEST_CASE("a comparison's view sorts by effect, filters, cuts at the top and applies the threshold (issue 17)") {
  Comparison c;
  c.a = "sq";
  c.b = "col";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  c.rows = {row("utility", "A", 0.01, 0.5), row("utility", "B", -0.2, -3.0), row("event", "A", 0.5, nan, true),
            row("indicator", "B", 0.3, 1.0), row("aid", "A", -0.001, -8.0)};
  ComparisonView v;  // sort by |effect|, rows without an effect size last (by |diff|)
  CHECK(view_rows(c, v, false) == std::vector<std::size_t>{4, 1, 3, 0, 2});
  v.sort = "diff";
  CHECK(view_rows(c, v, false) == std::vector<std::size_t>{2, 3, 1, 0, 4});
  v.sort = "file";
  CHECK(view_rows(c, v, false) == std::vector<std::size_t>{0, 1, 2, 3, 4});
  v.actors = {"B"};
  CHECK(view_rows(c, v, false) == std::vector<std::size_t>{1, 3});
  v.actors.clear();
  v.families = {"utility", "aid"};
  v.sort = "effect";
  v.top = 2;
  CHECK(view_rows(c, v, false) == std::vector<std::size_t>{4, 1});
  v = {};
  v.threshold = 0.05;  // the table hides |diff| < 0.05; csv and json keep every row
  CHECK(view_rows(c, v, true) == std::vector<std::size_t>{1, 3, 2});
  CHECK(view_rows(c, v, false).size() == 5);
  CHECK(check_view(c, v).empty());
  v.families = {"utilty"};
  CHECK(check_view(c, v).find("did you mean 'utility'") != std::string::npos);
  v.families.clear();
  v.actors = {"C"};
  CHECK(check_view(c, v).find("--actor C: no such actor") != std::string::npos);
}
