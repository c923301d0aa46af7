// A recorded determinism constant: the shipped status-quo scenario, a fixed seed, every value an
// ensemble produces (outcomes, per-step traces and summaries) hashed at 1, 2, 4 and 8 threads.
// The hashes must agree with each other (thread count never changes a result) and with the
// constant below, so that any change of the numbers is noticed: a change of the model, of a
// scenario or of the order of operations. When such a change is intended, update the constant in
// the same commit and say why in its message.
#include "test_support.hpp"

#include "scenario/load.hpp"

using namespace sixparty;
using namespace sixparty::test;

namespace {
constexpr std::uint64_t kStatusQuoHash = 0x18ef504ff258728dull;  // scenarios/status_quo.yaml, 48 runs, seed 2005, traces
// the same without its declared uncertainty and with expected decisions (the fixed-input model).
// Issue 11 was checked against the hash of before it, 0x8eb6f5547fe83232, bit for bit (commit
// a1154e2); issue 12 (directed perception, relation memory) changed the numbers since, and the
// mean_exchange outcome columns (issue 17) the hashed outcome rows, and soft balancing (issue 12,
// item 4: a new gesture motive, on by default) and marginal courtship at weight 1 (item 3:
// diminishing returns per receiver) the numbers again, and wars that end and cost (issue 13, item 3:
// war_termination and war_costs; the outcome columns war_ever, war_count, war_years, war_end_year)
// and needs-driven purchases and aid that counts what the recipient can give back (issue 13,
// item 2: procurement, the exchange motive of aid; mean_sold columns), and positional status
// (issue 12, item 4: status from recognition, a capital cost alike for every actor, drawn in the
// status quo's uncertainty).
constexpr std::uint64_t kFixedInputsHash = 0x3724237803e4d1c2ull;
}

TEST_CASE("the status quo ensemble reproduces its recorded hash at 1, 2, 4 and 8 threads") {
  Diagnostics diags;
  const auto sc = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {}, diags);
  REQUIRE(sc);
  const std::uint64_t h1 = ensemble_hash(*sc, 1, RecordLevel::traces, 48, 2005);
  CHECK(ensemble_hash(*sc, 2, RecordLevel::traces, 48, 2005) == h1);
  CHECK(ensemble_hash(*sc, 4, RecordLevel::traces, 48, 2005) == h1);
  CHECK(ensemble_hash(*sc, 8, RecordLevel::traces, 48, 2005) == h1);
  INFO("hash 0x" << std::hex << h1 << " (update kStatusQuoHash only for an intended change of the numbers)");
  CHECK(h1 == kStatusQuoHash);
}

TEST_CASE("without its uncertainty and with expected decisions, the status quo gives the fixed-input model's recorded numbers") {
  Diagnostics diags;
  const auto sc = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {"uncertainty={}", "run.decisions=expected"}, diags);
  REQUIRE(sc);
  REQUIRE_FALSE(sc->uncertainty.any());
  const std::uint64_t h = ensemble_hash(*sc, 2, RecordLevel::traces, 48, 2005);
  INFO("hash 0x" << std::hex << h);
  CHECK(h == kFixedInputsHash);
}
