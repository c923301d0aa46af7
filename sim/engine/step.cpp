#include "engine/step.hpp"

#include "core/parallel.hpp"
#include "models/aid.hpp"
#include "models/brokerage.hpp"
#include "models/domestic.hpp"
#include "models/gestures.hpp"
#include "models/indicators.hpp"
#include "models/leverage.hpp"
#include "models/pressure.hpp"
#include "models/regime.hpp"
#include "models/trade.hpp"
#include "scenario/target_range.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sixparty {


void perceive(const Scenario& sc, RunState& s) {
  trade_potential(sc, s);
  perceive_influence(sc, s);
  compute_leverage(sc, s);
  compute_mediation_market(sc, s);
}

namespace {
void decide_actor(const Scenario& sc, RunState& s, const Rng& rng, int i) {
  plan_aid(sc, s, rng, i);
  plan_gestures(sc, s, rng, i);
  plan_pressure(sc, s, rng, i);
}
}  // namespace

void decide(const Scenario& sc, RunState& s, const Rng& rng, const StepOptions& opt) {
  const int n = sc.n();
  if (n >= opt.parallel_actors_from) {
    // each actor writes only its own row of the plans: deterministic for any thread count
    parallel_for(static_cast<std::size_t>(n), 8, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) decide_actor(sc, s, rng, static_cast<int>(i));
    });
  } else {
    for (int i = 0; i < n; ++i) decide_actor(sc, s, rng, i);
  }
}

void interact(const Scenario& sc, RunState& s, const Rng& rng) {
  transfer_aid(sc, s);           // aid and subsidies leave the donors' budgets
  procure(sc, s);                // purchases for a need, paid in economic resources
  settle_trade(sc, s, rng);      // volumes, propped up by subsidies
  learn_from_aid(sc, s, rng);    // goodwill and learning from what aid bought
  apply_gestures(sc, s);         // symbolic gestures: affinity, visibility, prestige
  trade_mediation(sc, s);        // brokers sell mediation for concessions
  apply_pressure(sc, s);         // sanctions follow the decisions
}

void domestic(const Scenario& sc, RunState& s, const Rng& rng) {
  update_domestic(sc, s, rng);  // budgets, output, stability, collapse
  update_reform(sc, s);
  update_war(sc, s, rng);
}

void score(const Scenario& sc, RunState& s) { score_indicators(sc, s); }

void step(const Scenario& sc, RunState& s, const Rng& rng, const StepOptions& opt) {
  apply_events(sc, s, rng);
  perceive(sc, s);
  decide(sc, s, rng, opt);
  interact(sc, s, rng);
  domestic(sc, s, rng);
  score(sc, s);
  if (opt.check_invariants) check_invariants(sc, s);
  ++s.step;
}

}  // namespace sixparty
