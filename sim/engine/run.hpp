// run: one whole run of a scenario, the single per-run loop of the program (ensembles, batches,
// replays and tests all run through it).
//
//   reset the state to run `run` (its initial state; the run index keys its random numbers)
//   on_start(state)                      e.g. a test breaking a chosen run
//   for each step t: step(); after_step(t, state)   e.g. recording a trace
#pragma once

#include "engine/step.hpp"

#include <cstdint>

namespace sixparty {

struct NoRunHook {
  void operator()(RunState&) const {}
  void operator()(int, const RunState&) const {}
};

template <class OnStart = NoRunHook, class AfterStep = NoRunHook>
void run_one(const Scenario& sc, RunState& s, std::uint32_t run, const Rng& rng, const StepOptions& opt,
             OnStart&& on_start = {}, AfterStep&& after_step = {}) {
  s.reset(sc, run);
  if (sc.uncertainty.any()) draw_inputs(sc, s, rng);
  on_start(s);
  for (int t = 0; t < sc.steps; ++t) {
    step(sc, s, rng, opt);
    after_step(t, static_cast<const RunState&>(s));
  }
}

}  // namespace sixparty
