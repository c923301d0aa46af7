#include "engine/step.hpp"

#include "../test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

// count every allocation made by this test binary (not under Address- or ThreadSanitizer,
// which replace operator new themselves)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIXPARTY_COUNT_ALLOCATIONS 0
#else
#define SIXPARTY_COUNT_ALLOCATIONS 1
static std::atomic<long> g_allocations{0};
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace sixparty;
using namespace sixparty::test;

#if SIXPARTY_COUNT_ALLOCATIONS
TEST_CASE("a step allocates nothing") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world() + "events:\n  - {at: 2001, shock: {B: -0.1}}\n");
  RunState s(sc);
  s.reset(sc, 0);
  const Rng rng(9);
  step(sc, s, rng);  // warm up
  const long before = g_allocations.load();
  for (int t = 1; t < sc.steps; ++t) step(sc, s, rng);
  s.reset(sc, 1);
  for (int t = 0; t < sc.steps; ++t) step(sc, s, rng);
  CHECK(g_allocations.load() - before == 0);
}
#endif

TEST_CASE("a run is a pure function of scenario, seed and run index") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  RunState a(sc), b(sc);
  a.reset(sc, 3);
  b.reset(sc, 0);
  const Rng rng(9);
  for (int t = 0; t < 10; ++t) step(sc, b, rng);  // dirty b, then reuse it
  b.reset(sc, 3);
  for (int t = 0; t < sc.steps; ++t) {
    step(sc, a, rng);
    step(sc, b, rng);
  }
  CHECK(a.world.stability == b.world.stability);
  CHECK(a.world.stock == b.world.stock);
  CHECK(a.world.expected_return == b.world.expected_return);
  RunState c(sc);
  c.reset(sc, 4);
  for (int t = 0; t < sc.steps; ++t) step(sc, c, rng);
  CHECK(c.world.stability != a.world.stability);
}

TEST_CASE("the invariant check names the step, the actor and the value") {
  TempDir dir;
  const Scenario sc = compile_text(dir, tiny_world());
  RunState s(sc);
  s.reset(sc, 0);
  s.step = 7;
  s.world.stock(1, 0) = -2.5;
  try {
    check_invariants(sc, s);
    FAIL("no violation reported");
  } catch (const InvariantViolation& e) {
    const std::string msg = e.what();
    CHECK(msg.find("step 7") != std::string::npos);
    CHECK(msg.find("actor B") != std::string::npos);
    CHECK(msg.find("stock of economic") != std::string::npos);
    CHECK(msg.find("-2.5") != std::string::npos);
  }
  s.world.stock(1, 0) = 1;
  s.world.stability[2] = std::nan("");
  CHECK_THROWS_AS(check_invariants(sc, s), InvariantViolation);
}
