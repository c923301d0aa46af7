#include "io/results_file.hpp"

#include "io/h5.hpp"

#include "../test_support.hpp"

using namespace sixparty;
using namespace sixparty::test;

TEST_CASE("group names are sanitised and unique") {
  CHECK(group_name("status_quo", {}) == "status_quo");
  CHECK(group_name("a/b.c", {}) == "a_b_c");
  CHECK(group_name("x", {"x"}) == "x_2");
  CHECK(group_name("x", {"x", "x_2"}) == "x_3");
  CHECK(group_name("", {}) == "scenario");
}

TEST_CASE("a committed file holds metadata, outcomes and summaries") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  const std::string out = dir.path("r.h5");
  {
    ResultsFile file(out, RunMetadata{"sixparty run test", utc_now(), 1});
    EnsembleOptions opt;
    opt.runs = 70;
    opt.seed = 5;
    {
      auto sink = file.add_scenario(sc, opt);
      run_ensemble(sc, opt, *sink, nullptr, nullptr);
    }
    CHECK(std::filesystem::exists(file.temp_path()));
    CHECK_FALSE(std::filesystem::exists(out));
    file.commit("complete");
  }
  REQUIRE(std::filesystem::exists(out));
  h5::quiet();
  h5::Handle f = h5::open_file_read(out);
  CHECK(h5::read_attr_string(f.id(), "status") == "complete");
  CHECK(h5::read_attr_string(f.id(), "command_line") == "sixparty run test");
  CHECK_FALSE(h5::read_attr_string(f.id(), "rng_algorithm").empty());
  h5::Handle g = h5::open_group(f.id(), "tiny");
  std::int64_t done = 0, seed = 0;
  CHECK(h5::read_attr_int(g.id(), "runs_completed", done));
  CHECK(done == 70);
  CHECK(h5::read_attr_int(g.id(), "seed", seed));
  CHECK(seed == 5);
  CHECK(h5::read_attr_string(g.id(), "scenario_resolved").find("actors") != std::string::npos);
  CHECK(h5::exists(g.id(), "outcomes"));
  CHECK(h5::exists(g.id(), "summary"));
  CHECK_FALSE(h5::exists(g.id(), "traces"));
}

TEST_CASE("an uncommitted file leaves nothing behind") {
  TempDir dir;
  const std::string out = dir.path("r.h5");
  std::string temp;
  {
    ResultsFile file(out, RunMetadata{});
    temp = file.temp_path();
    CHECK(std::filesystem::exists(temp));
  }
  CHECK_FALSE(std::filesystem::exists(temp));
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("writing into a missing directory is an h5::Error, not a crash") {
  TempDir dir;
  CHECK_THROWS_AS(ResultsFile(dir.path("no/such/dir/r.h5"), RunMetadata{}), h5::Error);
}
