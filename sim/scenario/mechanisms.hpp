// mechanisms: every mechanism of the model has a switch that removes it cleanly.
//
// A scenario's `mechanisms:` map (or `--set mechanisms.NAME=off`) turns one off; the engine asks
// `sc.on(Mechanism::x)`. The catalogue (mechanism_catalogue()) is the single list: the reader
// takes names from it, `sixparty mechanisms` prints it, the pattern audit (analysis/audit.*)
// removes each in turn, and a pattern's `fails_without` names them. With every switch on (the
// default) the model is exactly the model without switches.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace sixparty {

enum class Mechanism : int {
  trade_subsidies,      // subsidised prices prop up the donor's trade volume
  exchange,             // a recipient answers a transfer with what the donor needs
  aid_learning,         // donors revise the expected return of their aid from what it bought
  goodwill,             // aid and subsidies raise the recipient's affinity toward the donor
  gestures,             // symbolic gestures: chosen, paid from diplomatic capital
  balancing,            // the counterweight motive: courting the rival of the powers one depends on
  brokerage,            // brokers sell mediation for concessions
  leverage,             // a client's leverage over a patron that has rivals it likes
  pressure,             // chosen sanctions above the exogenous floors
  commitments,          // alliance commitments: allies join wars, add to security, double leverage
  relation_dynamics,    // affinities relax toward their baselines
  war,                  // the war hazard
  collapse_hazard,      // a regime of low stability can collapse
  collapse_consequences,// a collapse breaks trade, sends refugees and raises the war hazard
  reform,               // reform grows with its drive and raises output, legitimacy and trade
  relation_memory,      // baselines follow what actors do to each other; mutual sanctions breed rivalry
  broker_competition,   // brokers of one client compete for a buyer's demand (substitutes, shares by influence)
  marginal_courtship,   // gestures valued by what one more unit adds to the giver's share of the receiver's courtship
  soft_balancing,       // gestures toward the adversaries of one's rivals where no alliance does the balancing
  war_termination,      // wars end with a hazard raised by cost and stalemate, and leave enmity
  war_costs,            // wars cost output, military stock and the trade between enemies
  procurement,          // an actor short of a resource buys it from partners with stock to spare
  positional_status,    // status is recognition (standing weight and prestige) relative to rivals; capital costs every actor alike
  motives,              // choices weigh motives; off: the null model (every choice uniform); last
  count_
};

inline constexpr std::size_t kMechanismCount = static_cast<std::size_t>(Mechanism::count_);

struct MechanismInfo {
  Mechanism id;
  const char* name;     // as written in scenarios: "trade_subsidies"
  const char* meaning;  // what it does
  const char* removed;  // what switching it off leaves
  const char* odd;      // the ODD section that describes it
};

const std::array<MechanismInfo, kMechanismCount>& mechanism_catalogue();
const MechanismInfo* find_mechanism(const std::string& name);
const char* mechanism_name(Mechanism m);

// a pattern's claim "fails without m" names one mechanism or several removed together, written
// "a+b" (substitutes: the pattern survives either alone). The mechanisms in catalogue order,
// without repeats; empty when a part is not a mechanism's name.
std::vector<Mechanism> parse_mechanism_set(const std::string& text);
// "a+b" in catalogue order
std::string mechanism_set_name(const std::vector<Mechanism>& set);

// every switch, on by default
struct MechanismSwitches {
  std::array<bool, kMechanismCount> on;
  MechanismSwitches() { on.fill(true); }
  bool operator()(Mechanism m) const { return on[static_cast<std::size_t>(m)]; }
  void set(Mechanism m, bool value) { on[static_cast<std::size_t>(m)] = value; }
  bool all_on() const {
    for (bool b : on)
      if (!b) return false;
    return true;
  }
};

}  // namespace sixparty
