#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>

// CTest (catch_discover_tests) splits a test name at ';' into entries that match no test and pass
// without running anything; fifteen tests were lost that way in the sanitizer passes until
// stop 31. Names use ',' instead.
TEST_CASE("test names contain no semicolon (CTest would split them into entries that run nothing)") {
  for (const auto& test : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    INFO(test.name);
    CHECK(test.name.find(';') == std::string::npos);
  }
}
