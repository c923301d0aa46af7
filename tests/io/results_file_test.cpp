#include "io/results_file.hpp"

#include "engine/step.hpp"
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
  // provenance texts are string variables (issue 17, CF-clean files), not attributes
  CHECK(h5::read_strings(g.id(), "provenance/scenario_resolved").at(0).find("actors") != std::string::npos);
  CHECK(h5::read_attr_string(g.id(), "scenario_resolved").empty());
  // CF: a time coordinate in days of a calendar, decimal years beside it; UDUNITS units with the
  // human unit in display_units; no units on labels
  {
    h5::Handle time = h5::open_dataset(g.id(), "summary/time");
    CHECK(h5::read_attr_string(time.id(), "units") == "days since 2000-01-01 00:00:00");
    CHECK(h5::read_attr_string(time.id(), "calendar") == "proleptic_gregorian");
    CHECK(h5::read_attr_string(time.id(), "standard_name") == "time");
    const auto days = h5::read_doubles(g.id(), "summary/time");
    const auto years = h5::read_doubles(g.id(), "summary/year");
    REQUIRE(days.size() >= 4);
    CHECK(years[0] == Approx(2000.25));
    CHECK(days[0] == 31 + 29 + 31);  // 1 April 2000 (a leap year)
    CHECK(days[3] == 366);           // 1 January 2001
    h5::Handle output = h5::open_dataset(g.id(), "summary/output");
    CHECK(h5::read_attr_string(output.id(), "units") == "1e9 yr-1");
    CHECK(h5::read_display_units(output.id()) == "US$ bn/yr");
    h5::Handle actor = h5::open_dataset(g.id(), "outcomes/actor");
    CHECK(H5Aexists(actor.id(), "units") == 0);
    h5::Handle run = h5::open_dataset(g.id(), "outcomes/run");
    CHECK(h5::read_attr_string(run.id(), "standard_name") == "realization");
  }
  CHECK(h5::exists(g.id(), "outcomes"));
  CHECK(h5::exists(g.id(), "summary"));
  CHECK_FALSE(h5::exists(g.id(), "traces"));
  // integrity (issue 19): the 1.10 format, Fletcher-32 on every numeric dataset, a text digest
  h5::Handle fapl(H5Fget_access_plist(f.id()), H5Pclose);
  H5F_libver_t low{}, high{};
  REQUIRE(H5Pget_libver_bounds(fapl.id(), &low, &high) >= 0);
  CHECK(low == H5F_LIBVER_V110);
  std::int64_t digest = 0;
  CHECK(h5::read_attr_int(g.id(), h5::kTextDigest, digest));
  CHECK(digest > 0);
  for (const char* name : {"outcomes/final_utility", "outcomes/run", "summary/stability"}) {
    INFO(name);
    REQUIRE(h5::exists(g.id(), name));
    h5::Handle d(H5Dopen2(g.id(), name, H5P_DEFAULT), H5Dclose);
    h5::Handle dcpl(H5Dget_create_plist(d.id()), H5Pclose);
    CHECK(H5Pget_layout(dcpl.id()) == H5D_CHUNKED);
    const int filters = H5Pget_nfilters(dcpl.id());
    REQUIRE(filters >= 1);
    unsigned flags = 0;
    std::size_t nelmts = 0;
    unsigned config = 0;
    CHECK(H5Pget_filter2(dcpl.id(), static_cast<unsigned>(filters - 1), &flags, &nelmts, nullptr, 0, nullptr, &config) ==
          H5Z_FILTER_FLETCHER32);  // last in the pipeline: the checksum of the bytes on disk
  }
}

TEST_CASE("text digests tell apart what a damaged byte could make of the texts") {
  auto of = [](std::initializer_list<std::string> v) {
    h5::TextDigest d;
    for (const auto& s : v) d.add(s);
    return d.value();
  };
  CHECK(of({"ab", "c"}) != of({"a", "bc"}));
  CHECK(of({"RUS", "DPRK"}) != of({"DPRK", "RUS"}));
  CHECK(of({"final_utility"}) != of({"final_utilitz"}));
  CHECK(of({}) > 0);
  CHECK(h5::TextDigest().add(std::vector<std::string>{"a"}).value() != h5::TextDigest().add(std::vector<std::string>{"a", ""}).value());
}

TEST_CASE("the readers' memory limit is 4096 MiB unless SIXPARTY_READ_LIMIT_MB says otherwise") {
  ::unsetenv("SIXPARTY_READ_LIMIT_MB");
  CHECK(h5::read_limit_bytes() == std::size_t{4096} << 20);
  ::setenv("SIXPARTY_READ_LIMIT_MB", "16", 1);
  CHECK(h5::read_limit_bytes() == std::size_t{16} << 20);
  CHECK(h5::over_read_limit("x", 100.0 * (1 << 20)).find("100 MiB, over the readers' limit of 16 MiB") != std::string::npos);
  for (const char* bad : {"0", "-5", "12abc", ""}) {
    ::setenv("SIXPARTY_READ_LIMIT_MB", bad, 1);
    CHECK(h5::read_limit_bytes() == std::size_t{4096} << 20);
  }
  ::unsetenv("SIXPARTY_READ_LIMIT_MB");
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

TEST_CASE("a scenario with uncertain inputs stores each run's draws in draws/ (run, quantity)") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world(R"(uncertainty:
  interests: {concentration: 20, source: a test}
  values:
    parameters.aid.temperature: {uniform: [0.1, 0.4], source: a test}
)"));
  const Scenario plain = compile_text(dir, tiny_world());
  const std::string out = dir.path("u.h5");
  {
    ResultsFile file(out, RunMetadata{"sixparty run test", utc_now(), 2});
    EnsembleOptions opt;
    opt.runs = 70;  // more than one block
    opt.seed = 5;
    for (const Scenario* s : {&sc, &plain}) {
      auto sink = file.add_scenario(*s, opt);
      ThreadScope threads(2);
      threads.run([&] { run_ensemble(*s, opt, *sink, nullptr, nullptr); });
    }
    file.commit("complete");
  }
  h5::quiet();
  h5::Handle f = h5::open_file_read(out);
  REQUIRE(h5::exists(f.id(), "tiny/draws"));
  CHECK_FALSE(h5::exists(f.id(), "tiny_2/draws"));  // nothing uncertain, no draws
  h5::Handle g = h5::open_group(f.id(), "tiny/draws");
  const auto names = h5::read_strings(g.id(), "quantity");
  CHECK(names == uncertainty_names(sc));
  std::vector<hsize_t> dims;
  const auto values = h5::read_doubles(g.id(), "value", &dims);
  REQUIRE(dims == std::vector<hsize_t>{70, names.size()});
  // the stored draws are those a fresh run r makes (replay reproduces them)
  for (std::uint32_t r : {0u, 33u, 69u}) {
    RunState s(sc);
    s.reset(sc, r);
    draw_inputs(sc, s, Rng(5));
    for (std::size_t q = 0; q < names.size(); ++q) CHECK(values[r * names.size() + q] == s.draws[q]);
  }
}
