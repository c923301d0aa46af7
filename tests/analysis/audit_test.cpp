// the pattern audit: which ablations it runs, what an ablation removes, and how it judges claims
#include "analysis/audit.hpp"
#include "core/parallel.hpp"

#include "../test_support.hpp"

using namespace sixparty;
using namespace sixparty::test;

namespace {

// the tiny world with a scheduled shock and three patterns: a true test claim (learning raises
// A's expected return on aid to the compliant B), a true scheduled claim (the shock lowers B's
// stability) and `extra` (a pattern whose claim may be false)
std::string audited_world(const std::string& extra = "") {
  return tiny_world(R"(events:
  - {at: 2005, name: "the shock", shock: {B: -0.3}}
  - {at: 2006, name: "the thaw", set: {relations.A->C.affinity: 0.2}}
patterns:
  - id: L
    class: test
    fails_without: aid_learning
    value: {ratio: [{at: {variable: expected_return, actor: A, partner: B, year: 2009}},
                    {at: {variable: expected_return, actor: A, partner: B, year: 2000.25}}]}
    expect: {min: 1.1}
  - id: S
    class: scheduled
    scheduled_by: "the shock"
    value: {difference: [{mean: {variable: stability, actor: B, from: 2005, to: 2006}},
                         {mean: {variable: stability, actor: B, from: 2003, to: 2004}}]}
    expect: {max: -0.1}
)" + extra);
}

AuditResult audit(const Scenario& sc) {
  AuditOptions opt;
  opt.runs = 8;
  AuditResult a;
  ThreadScope threads(2);
  threads.run([&] { a = run_audit({sc}, opt, nullptr, nullptr); });
  return a;
}

}  // namespace

TEST_CASE("audit: the ablations are the baseline, every mechanism, every named event, then joint event sets") {
  TempDir dir;
  const Scenario sc = compile_text(dir, audited_world(R"(  - id: J
    class: scheduled
    scheduled_by: ["the thaw", "the shock"]
    value: {constant: 1}
    expect: {min: 0}
)"));
  const auto ab = audit_ablations({sc});
  REQUIRE(ab.size() == 1 + kMechanismCount + 2 + 1);
  CHECK(ab[0].key == "baseline");
  CHECK(ab[1].key == "no_trade_subsidies");
  CHECK(ab[kMechanismCount].mechanism == Mechanism::motives);
  CHECK(ab[kMechanismCount + 1].events == std::vector<std::string>{"the shock"});
  CHECK(ab[kMechanismCount + 2].events == std::vector<std::string>{"the thaw"});
  CHECK(ab.back().key == "no_events_J");
  CHECK(ab.back().events == std::vector<std::string>{"the shock", "the thaw"});

  const Scenario without_shock = ablate(sc, ab[kMechanismCount + 1]);
  REQUIRE(without_shock.events.size() == 1);
  CHECK(without_shock.events[0].name == "the thaw");
  CHECK(without_shock.mechanisms.all_on());
  const Scenario no_war = ablate(sc, ab[12]);
  CHECK_FALSE(no_war.on(Mechanism::war));
  CHECK(no_war.events.size() == 2);
}

TEST_CASE("audit: true claims are verified, a false one is a problem, and the matrix says where each fails") {
  TempDir dir;
  const AuditResult ok = audit(compile_text(dir, audited_world()));
  REQUIRE(ok.rows.size() == 2);
  CHECK(ok.problems() == 0);
  CHECK(ok.tests() == 1);
  CHECK(ok.verified_tests() == 1);
  const AuditRow& L = ok.rows[0];
  CHECK(L.verdicts[0] == Verdict::pass);
  REQUIRE(L.claimed.size() == 1);
  CHECK(ok.ablations[L.claimed[0]].mechanism == Mechanism::aid_learning);
  CHECK(L.verdicts[L.claimed[0]] == Verdict::fail);
  CHECK(ok.rows[1].verified);
  CHECK_THAT(format_audit(ok), Catch::Contains("1 of 2 patterns are independent tests of a mechanism"));

  // the same learning pattern, claimed to need war: the audit refutes it
  const AuditResult bad = audit(compile_text(dir, audited_world(), {"patterns.0.fails_without=war"}));
  CHECK(bad.problems() == 1);
  CHECK(bad.verified_tests() == 0);
  CHECK(bad.rows[0].problem == "passes without war");
  CHECK_THAT(format_audit(bad), Catch::Contains("PROBLEM: passes without war"));
  const std::string csv = audit_csv(bad);
  CHECK_THAT(csv, Catch::StartsWith("scenario,pattern,class,claim,verified,problem,baseline,no_trade_subsidies,"));
  CHECK_THAT(csv, Catch::Contains("tiny,L,test,war,no,passes without war,pass,"));

  const Table t = audit_table(bad);
  CHECK(t.rows == 2);
  CHECK(t.second_labels.size() == bad.ablations.size());
  CHECK(t.matrices[0].numbers.size() == 2 * bad.ablations.size());
}

TEST_CASE("audit: mechanisms a test joins by '+' are removed together, and the claim is judged on that ablation alone") {
  TempDir dir;
  // learning is what the pattern needs: removing it with war fails the pattern (verified)
  const Scenario sc = compile_text(dir, audited_world(), {"patterns.0.fails_without=war+aid_learning"});
  const auto ab = audit_ablations({sc});
  REQUIRE(ab.size() == 1 + kMechanismCount + 1 + 2);
  const Ablation& joint = ab[kMechanismCount + 1];
  CHECK(joint.key == "no_aid_learning+war");  // catalogue order, whatever the order written
  CHECK(joint.label == "without aid_learning and war");
  CHECK(joint.together == std::vector<Mechanism>{Mechanism::aid_learning, Mechanism::war});
  const Scenario both_off = ablate(sc, joint);
  CHECK_FALSE(both_off.on(Mechanism::aid_learning));
  CHECK_FALSE(both_off.on(Mechanism::war));
  CHECK(both_off.on(Mechanism::gestures));
  const AuditResult ok = audit(sc);
  CHECK(ok.problems() == 0);
  REQUIRE(ok.rows[0].claimed.size() == 1);  // the joint ablation only, not aid_learning or war alone
  CHECK(ok.ablations[ok.rows[0].claimed[0]].key == "no_aid_learning+war");
  CHECK(ok.rows[0].verified);
  // two mechanisms the pattern does not need, even together: refuted
  const AuditResult bad = audit(compile_text(dir, audited_world(), {"patterns.0.fails_without=[exchange+war, aid_learning]"}));
  CHECK(bad.problems() == 1);
  CHECK(bad.rows[0].problem == "passes without exchange and war");
}

TEST_CASE("audit: a declared known failure must keep failing") {
  TempDir dir;
  const std::string known = R"(  - id: K
    class: target
    known_failure: "a test"
    value: {at: {variable: stability, actor: B, year: 2009}}
    expect: {min: 2}
)";
  const AuditResult a = audit(compile_text(dir, audited_world(known)));
  CHECK(a.problems() == 0);
  const AuditResult b = audit(compile_text(dir, audited_world(known), {"patterns.2.expect.min=0"}));
  CHECK(b.problems() == 1);
  CHECK(b.rows[2].problem == "passes with every mechanism on, though declared a known failure");
}

TEST_CASE("pattern classes: a missing class, a test without fails_without, an unknown event or mechanism are located errors") {
  TempDir dir;
  auto errors = [&](const std::vector<std::string>& sets) {
    Diagnostics d;
    CHECK_FALSE(load_scenario(dir.write("p.yaml", audited_world()), sets, d));
    return d.format();
  };
  CHECK_THAT(errors({"patterns.0.class=evidence"}), Catch::Contains("patterns[0].class: found 'evidence'") &&
                                                       Catch::Contains("expected target, input, scheduled, identity or test"));
  CHECK_THAT(errors({"patterns.0.fails_without=gesture"}),
             Catch::Contains("patterns[0].fails_without: unknown mechanism 'gesture' (did you mean 'gestures'?)"));
  CHECK_THAT(errors({"patterns.0.fails_without=aid_learning+gesture"}),
             Catch::Contains("patterns[0].fails_without: unknown mechanism 'gesture' (did you mean 'gestures'?)") &&
                 Catch::Contains("(or several joined by '+', removed together)"));
  for (const char* bad : {"aid_learning+", "+war", "aid_learning++war"})
    CHECK_THAT(errors({std::string("patterns.0.fails_without=") + bad}),
               Catch::Contains(std::string("patterns[0].fails_without: '+' must join two mechanism names in '") + bad + "'"));
  CHECK_THAT(errors({"patterns.0.fails_without=war+war"}),
             Catch::Contains("patterns[0].fails_without: 'war' is named twice in 'war+war'"));
  CHECK_THAT(errors({"patterns.0.fails_without=[aid_learning+war, war+aid_learning]"}),
             Catch::Contains("patterns[0].fails_without[1]: 'war+aid_learning' repeats a claim already made"));
  // the set's name is in catalogue order, whatever the order written
  CHECK(mechanism_set_name(parse_mechanism_set("war+aid_learning")) == "aid_learning+war");
  CHECK(parse_mechanism_set("war+").empty());
  CHECK(parse_mechanism_set("gesture").empty());
  CHECK_THAT(errors({"patterns.1.scheduled_by=the shocks"}),
             Catch::Contains("patterns[1].scheduled_by: no event is named 'the shocks' (did you mean 'the shock'?)"));
  CHECK_THAT(errors({"patterns.1.class=test"}), Catch::Contains("patterns[1].fails_without: missing") &&
                                                    Catch::Contains("only a scheduled pattern names events"));
}
