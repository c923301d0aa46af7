// parameters: every model parameter, with unit, default, allowed range and source, in one table.
//
// The table (parameter_catalogue()) is the single source of truth: the scenario reader takes
// `parameters.<model>.<name>` from it, validation checks the range, the ODD's parameter table
// lists the same rows, and `sixparty params` prints it. Values are the same for every scenario
// unless a scenario overrides them (and says why in a comment).
#pragma once

#include <string>
#include <vector>

namespace sixparty {

struct TradeParams {
  double gravity_scale;        // trade volume per unit of geometric-mean output, 1/yr scale (dimensionless)
  double distance_elasticity;  // d log(volume) / d log(distance)
  double affinity_elasticity;  // d log(volume) / d(mean affinity), dimensionless
  double subsidy_elasticity;   // relative volume gain per unit of subsidy share, dimensionless
  double gains_rate;           // share of the volume each side keeps as gain, dimensionless
  double noise_sd;             // sd of the log-normal noise on volumes, per step
};

struct AidParams {
  double temperature;      // logit temperature over benefit/cost ratios, dimensionless
  double learning_rate;    // speed at which the expected return follows the observed one, 1/yr
  double prior_return;     // expected return where a relation gives none, dimensionless [0,1]
  double return_noise;     // sd of the noise on an observed return, dimensionless
  double influence_value;  // utility of one unit of influence relative to one unit of own economy
  double stability_value;  // utility of stabilising a weak partner, per unit of (1 - stability)
  double affinity_boost;   // recipient affinity gained per unit of aid relative to its output
};

struct AffinityParams {
  double relaxation;    // rate at which affinity returns to its baseline, 1/yr
  double memory;        // rate at which the baseline follows the current affinity, 1/yr (relation_memory)
  double rivalry_gain;  // rivalry gained per year at full mutual sanctions, 1/yr (relation_memory)
};

struct ResourceParams {
  double depreciation;  // share of an unspent resource stock lost per year, 1/yr
};

struct StabilityParams {
  double adjustment_rate;    // speed toward the target stability, 1/yr
  double adequacy_weight;    // logit weight of (economic adequacy - 1)
  double repression_weight;  // logit weight of effective repression capacity
  double legitimacy_weight;  // logit weight of legitimacy
  double bias;               // logit intercept
  double noise_sd;           // sd of stability shocks, per sqrt(yr)
  double hazard_max;         // collapse hazard at zero stability, 1/yr
  double hazard_threshold;   // stability below which the hazard is positive
  double collapse_trade_loss;  // share of a collapsed state's trade that is lost
};

struct LeverageParams {
  double value;  // weight of a client's leverage in its patron's benefit from aid, per unit of security interest
};

struct GestureParams {
  double temperature;      // logit temperature over benefit/cost of gestures
  double affinity_gain;    // receiver's affinity gained per year per unit of gestures relative to its diplomatic scale
  double visibility_gain;  // visibility gained per year per unit of gestures relative to the giver's diplomatic scale
  double visibility_decay; // 1/yr
  double prestige_gain;    // prestige per diplomatic unit spent on gestures (to each side)
  double prestige_decay;   // 1/yr
  double marginal_weight;  // weight of the marginal courtship share in the value of a gesture, [0, 1] (marginal_courtship)
  double balancing_value;  // value of a unit of shared adversity in a gesture, per unit of security interest (soft_balancing)
  double capital_cost;     // what a unit of diplomatic capital is worth to every actor, per unit of its diplomatic scale (positional_status)
  double rival_focus;      // weight of rivalry in whose recognition an actor's status is measured against, [0, 1] (positional_status)
};

struct BrokerageParams {
  double rate;  // concessions per year per unit of (perceived influence x buyer's demand x willingness), diplomatic units
};

struct PressureParams {
  double threshold;        // motive at which half the possible sanction is chosen
  double temperature;      // logistic spread of the sanction choice
  double adjustment_rate;  // 1/yr: speed at which sanctions follow the decision
  double affinity_cost;    // target's affinity lost per year at full sanction
};

struct WarParams {
  double base_hazard;      // 1/yr per unit of rivalry
  double escalation;       // multiplier of the hazard per unit of the highest sanction between the pair
  double collapse_factor;  // multiplier of the hazard while either side has collapsed
  double stability_shock;  // stability lost by each belligerent when a war starts
  double end_hazard;       // 1/yr: base hazard that a war ends (war_termination)
  double cost_weight;      // termination hazard multiplier per unit share of output lost by the worst-hit member
  double stalemate_weight; // 1/yr: termination hazard multiplier per year of war between evenly matched sides
  double scar;             // rivalry gained and baseline affinity lost between former enemies when a war ends
  double output_cost;      // 1/yr: share of output a belligerent loses per year against an equal opponent (war_costs)
  double attrition;        // 1/yr: share of military stock a belligerent loses per year of war (war_costs)
  double military_need;    // extra military need per unit of reference stock while at war, in or outside the region
};

struct ProcurementParams {
  double rate;           // 1/yr: share of a need a buyer seeks, and of its spare stock a seller offers, per year
  double threshold;      // shortfall, as a share of its need, below which an actor buys nothing
  double sellable;       // share of its own need an actor at peace will part with for a price
  double distance_cost;  // price premium per thousand km between buyer and seller
};

struct RefugeeParams {
  double share;           // share of a collapsed state's population that flees
  double burden_weight;   // regional-stability lost per refugee relative to the frontier population
};

struct ReformParams {
  double growth_bonus;     // extra output growth per year at full reform
  double legitimacy_gain;  // legitimacy added at full reform
  double openness;         // relative trade gained at full reform
};

struct DecisionParams {
  double acts_per_year;  // discrete acts per year into which a sampled decision splits each budget (models/choice.hpp)
};

struct Parameters {
  TradeParams trade;
  AidParams aid;
  AffinityParams affinity;
  ResourceParams resources;
  StabilityParams stability;
  LeverageParams leverage;
  GestureParams gesture;
  BrokerageParams brokerage;
  PressureParams pressure;
  WarParams war;
  ProcurementParams procurement;
  RefugeeParams refugees;
  ReformParams reform;
  DecisionParams decision;
};

struct ParameterInfo {
  const char* model;   // "trade"
  const char* name;    // "gravity_scale"
  const char* unit;    // "1", "1/yr", ...
  double default_value;
  double min_value;    // inclusive
  double max_value;    // inclusive
  const char* meaning;
  const char* source;  // where the default comes from
  double& (*ref)(Parameters&) = nullptr;
};

const std::vector<ParameterInfo>& parameter_catalogue();
Parameters default_parameters();
const ParameterInfo* find_parameter(const std::string& model, const std::string& name);

}  // namespace sixparty
