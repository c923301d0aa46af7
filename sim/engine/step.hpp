// step: one step of one run, a fixed sequence of named stages (model brief, "Decisions"):
//
//   events    scheduled exogenous changes for this step (including scheduled collapses)
//   perceive  the snapshot every actor decides from: trade potential, dependence, actual and
//             perceived influence, leverage
//   decide    every actor plans its aid, gestures and pressure from that same snapshot
//             (simultaneous moves: the order of actors cannot matter)
//   interact  aid and subsidies, trade, goodwill and learning, gestures, brokerage, sanctions
//   domestic  budgets, output, stability, collapse and its consequences, reform, war
//   score     interest indicators and utility
//
// Each stage reads `const Scenario&` and writes `RunState&`; none allocates. Recording is the
// caller's (experiment layer) business, after the step.
#pragma once

#include "core/rng.hpp"
#include "scenario/scenario.hpp"
#include "state/run_state.hpp"

namespace sixparty {

struct StepOptions {
  int parallel_actors_from = 64;  // decide in parallel over actors when n >= this
  bool check_invariants = false;  // verify budgets, shares and finiteness after each step
};

void apply_events(const Scenario& sc, RunState& s, const Rng& rng);
// one change of an event to actor i (and partner j), clamped to the variable's range
void apply_event_change(World& w, const EventChange& c, int i, int j);

// the run's draws of the scenario's uncertain inputs (engine/uncertainty.cpp): interest
// weights, parameters and initial values into s.interests, s.params and s.world, event sizes and
// steps into s.event_factor and s.event_step, every drawn value into s.draws. Called by run_one
// after reset, only when sc.uncertainty.any().
void draw_inputs(const Scenario& sc, RunState& s, const Rng& rng);
// the names of the drawn quantities, in the order of s.draws
std::vector<std::string> uncertainty_names(const Scenario& sc);
// the unit of each of those quantities, same order: "1" for interest weights and event size
// factors, the parameter's unit, the world value's unit (resource units for stocks), "step" for
// event dates
std::vector<std::string> uncertainty_units(const Scenario& sc);
void perceive(const Scenario& sc, RunState& s);
void decide(const Scenario& sc, RunState& s, const Rng& rng, const StepOptions& opt);
void interact(const Scenario& sc, RunState& s, const Rng& rng);
void domestic(const Scenario& sc, RunState& s, const Rng& rng);
void score(const Scenario& sc, RunState& s);

void step(const Scenario& sc, RunState& s, const Rng& rng, const StepOptions& opt = {});

// a violated invariant: which step, actor and value (thrown by step when checks are on)
struct InvariantViolation : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// throws InvariantViolation when a stock is negative, a share leaves [0,1] or a value is not finite
void check_invariants(const Scenario& sc, const RunState& s);

}  // namespace sixparty
