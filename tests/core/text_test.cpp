#include "core/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace sixparty;

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("security", "secruity") == 2);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("did_you_mean suggests only close candidates") {
  const std::vector<std::string> keys = {"security", "economy", "status"};
  CHECK(did_you_mean("secruity", keys) == " (did you mean 'security'?)");
  CHECK(did_you_mean("econmy", keys) == " (did you mean 'economy'?)");
  CHECK(did_you_mean("banana", keys).empty());
  CHECK(closest_match(std::string(500, 'x'), keys).empty());  // long input: no quadratic work
}

TEST_CASE("format_number round-trips and names non-finite values") {
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(2005) == "2005");
  CHECK(format_number(std::nan("")) == "nan");
  CHECK(format_number(-INFINITY) == "-inf");
  CHECK(std::stod(format_number(1.0 / 3.0)) == 1.0 / 3.0);
}
