#include "scenario/parameters.hpp"

namespace sixparty {

#define SP_PARAM(M, N, UNIT, DEF, LO, HI, MEANING, SOURCE) \
  ParameterInfo { #M, #N, UNIT, DEF, LO, HI, MEANING, SOURCE, [](Parameters& p) -> double& { return p.M.N; } }

const std::vector<ParameterInfo>& parameter_catalogue() {
  static const std::vector<ParameterInfo> table = {
      SP_PARAM(trade, gravity_scale, "1", 0.015, 0.0, 10.0,
               "volume per unit of sqrt(output_i * output_j) at 1000 km",
               "calibrated: DPRK total trade of a few US$ bn a year in 1980-2005 (1990: exports 1.86, imports 2.92 bn, US Library of Congress country study; 2004: 2.86 bn, MOU)"),
      SP_PARAM(trade, distance_elasticity, "1", 0.9, 0.0, 5.0,
               "elasticity of volume with respect to distance (gravity)",
               "Disdier and Head (2008), meta-analysis of gravity estimates: mean distance elasticity about 0.9"),
      SP_PARAM(trade, affinity_elasticity, "1", 1.0, 0.0, 10.0,
               "log-volume gained per unit of mean affinity", "reasoning: friendly pairs trade more; unit elasticity as a neutral start"),
      SP_PARAM(trade, subsidy_elasticity, "1", 4.5, 0.0, 20.0,
               "relative volume gained per unit of subsidy share",
               "calibrated on the USSR's 1980 and 1989 shares of DPRK trade (facts Q1, Q2); subsidised prices prop up the volume (P1, Q7)"),
      SP_PARAM(trade, gains_rate, "1", 0.1, 0.0, 1.0,
               "share of the volume each side keeps as gain", "reasoning: gains from trade of the order of a tenth of its value"),
      SP_PARAM(trade, noise_sd, "1", 0.05, 0.0, 2.0,
               "sd of log-normal noise on a step's volume", "reasoning: year-to-year variation in DPRK trade series of some per cent"),
      SP_PARAM(aid, temperature, "1", 0.25, 1e-6, 100.0,
               "logit temperature over benefit/cost ratios (bounded rationality)", "reasoning: small enough that clearly unprofitable targets get about 1 % of a budget"),
      SP_PARAM(aid, learning_rate, "1/yr", 0.5, 0.0, 52.0,
               "rate at which a donor's expected return follows what it observes", "reasoning: beliefs revised over a few years (facts P3)"),
      SP_PARAM(aid, prior_return, "1", 0.5, 0.0, 1.0,
               "expected return on aid where a relation states none", "reasoning: an uninformed donor expects half its leverage to turn into compliance"),
      SP_PARAM(aid, return_noise, "1", 0.1, 0.0, 1.0,
               "sd of the noise on an observed return", "reasoning: returns on aid are observed with error"),
      SP_PARAM(aid, influence_value, "1", 10.0, 0.0, 1000.0,
               "utility of influence relative to own economy",
               "calibrated with leverage.value so that a patron's benefit from aid to a small client is of the order of its cost (Soviet aid responds to the rivalry, facts P2, P10)"),
      SP_PARAM(aid, stability_value, "1", 1.0, 0.0, 100.0,
               "utility of stabilising a weak partner", "reasoning: neutral scale; interest weights do the differentiation"),
      SP_PARAM(aid, affinity_boost, "1", 2.0, 0.0, 100.0,
               "affinity gained per unit of yearly aid relative to the recipient's output", "reasoning: aid worth a tenth of output lifts affinity by 0.2 a year"),
      SP_PARAM(affinity, relaxation, "1/yr", 0.2, 0.0, 52.0,
               "rate at which affinity returns to its baseline", "reasoning: goodwill from aid fades over about five years"),
      SP_PARAM(resources, depreciation, "1/yr", 0.5, 0.0, 52.0,
               "share of an unspent stock lost per year", "reasoning: a foreign-policy budget not spent within about two years is gone"),
      SP_PARAM(stability, adjustment_rate, "1/yr", 0.5, 0.0, 52.0,
               "speed toward the target stability", "reasoning: regimes adjust to their economic conditions over a few years"),
      SP_PARAM(stability, adequacy_weight, "1", 4.0, 0.0, 100.0,
               "logit weight of economic adequacy - 1", "reasoning: a 25 % shortfall moves the target from high to middling"),
      SP_PARAM(stability, repression_weight, "1", 2.0, 0.0, 100.0,
               "logit weight of effective repression capacity", "reasoning: repression can carry a regime through shortfalls (facts P8)"),
      SP_PARAM(stability, legitimacy_weight, "1", 2.0, 0.0, 100.0,
               "logit weight of legitimacy", "reasoning: same scale as repression"),
      SP_PARAM(stability, bias, "1", -1.0, -100.0, 100.0,
               "logit intercept of the target stability", "reasoning: a regime with neither repression nor legitimacy and exact adequacy sits at 0.27"),
      SP_PARAM(stability, noise_sd, "1/sqrt(yr)", 0.05, 0.0, 2.0,
               "sd of stability shocks", "reasoning: unmodelled domestic events"),
      SP_PARAM(stability, hazard_max, "1/yr", 0.5, 0.0, 52.0,
               "collapse hazard at zero stability", "reasoning: a regime with no support falls within a couple of years"),
      SP_PARAM(stability, hazard_threshold, "1", 0.3, 0.0, 1.0,
               "stability below which the collapse hazard is positive", "reasoning: collapse is a low-stability event"),
      SP_PARAM(stability, collapse_trade_loss, "1", 0.8, 0.0, 1.0,
               "share of a collapsed state's trade that is lost", "reasoning: a collapse breaks established trade networks (facts P7)"),
      SP_PARAM(leverage, value, "1", 10.0, 0.0, 1000.0,
               "weight of a client's leverage in its patron's benefit from aid",
               "calibrated with aid.influence_value (facts P2, P10); the patrons' rivalry and the client's tilt do the work"),
      SP_PARAM(gesture, temperature, "1", 0.1, 1e-6, 100.0,
               "logit temperature over benefit/cost of gestures",
               "calibrated with visibility_gain and prestige_gain on facts P4 (rare Soviet-era visits, an upsurge after 1998)"),
      SP_PARAM(gesture, affinity_gain, "1", 0.5, 0.0, 100.0,
               "receiver's affinity gained per year per unit of gestures relative to its diplomatic scale",
               "reasoning: a year of summitry worth a tenth of a state's diplomatic capacity lifts affinity by 0.05"),
      SP_PARAM(gesture, visibility_gain, "1", 2.0, 0.0, 100.0,
               "visibility gained per year per unit of gestures relative to the giver's diplomatic scale",
               "calibrated on facts P4 with gesture.temperature; gestures are made to be seen (P5)"),
      SP_PARAM(gesture, visibility_decay, "1/yr", 0.3, 0.0, 52.0,
               "rate at which the visibility of a relationship fades", "reasoning: a summit is remembered for a few years"),
      SP_PARAM(gesture, prestige_gain, "1", 0.2, 0.0, 100.0,
               "prestige to each side per diplomatic unit spent on gestures",
               "calibrated on facts P4; summits raise the status of both hosts"),
      SP_PARAM(gesture, prestige_decay, "1/yr", 0.2, 0.0, 52.0,
               "rate at which prestige fades", "reasoning: status must be renewed over about five years"),
      SP_PARAM(gesture, marginal_weight, "1", 1.0, 0.0, 1.0,
               "weight of the marginal courtship share in the value of a gesture (marginal_courtship): 1 values a unit by what it adds to the giver's share of the receiver's courtship, 0 every unit as the first",
               "structural, not fitted: 1 is the marginal rule (diminishing returns per receiver); since soft balancing generates the 1998 turn every historical pattern but the known failure Q8 holds at 0.5 and 1 (at 0 too), and China's gestures in status_quo spread (largest share 0.99 -> 0.49) (models/ODD.md 7.4)"),
      SP_PARAM(gesture, balancing_value, "1", 1.0, 0.0, 1000.0,
               "value to a giver of courting a partner with which it shares adversaries, per unit of shared rivalry and of security interest (soft_balancing)",
               "reasoning, not fitted: a unit value, so that courting a partner that shares one wholly hostile adversary is worth the giver's security weight per unit of its diplomatic scale; the historical patterns P4, P4b, P5b and P6 hold from about 0.85 to 16 (models/ODD.md 7.4)"),
      SP_PARAM(brokerage, rate, "diplomatic units/yr", 2.0, 0.0, 1000.0,
               "concessions per year per unit of perceived influence, buyer's demand and willingness (diplomatic units)",
               "reasoning: a broker with full perceived influence over a client that worries a willing buyer earns about its own yearly diplomatic income (facts P5)"),
      SP_PARAM(pressure, threshold, "1", 0.3, 0.0, 10.0,
               "motive at which half the possible sanction is chosen", "reasoning: pressure needs a strong motive (nuclear worry or rivalry)"),
      SP_PARAM(pressure, temperature, "1", 0.1, 1e-6, 10.0,
               "logistic spread of the sanction decision", "reasoning: sanctions are chosen with some hesitation"),
      SP_PARAM(pressure, adjustment_rate, "1/yr", 0.5, 0.0, 52.0,
               "speed at which sanctions follow the decision", "reasoning: sanction regimes take a year or two to build or lift"),
      SP_PARAM(pressure, affinity_cost, "1/yr", 0.3, 0.0, 52.0,
               "target's affinity toward the sanctioner lost per year at full sanction", "reasoning: pressure breeds resentment"),
      SP_PARAM(war, base_hazard, "1/yr", 0.0005, 0.0, 10.0,
               "war hazard per unit of rivalry",
               "reasoning: no war in the region since 1953 among strong rivals; summed over the rival pairs of 1980 (with sanctions) about 0.5 % a year; checked by pattern W1 of the historical scenario"),
      SP_PARAM(war, escalation, "1", 2.0, 0.0, 100.0,
               "hazard multiplier per unit of the highest sanction between the pair", "reasoning: pressure raises escalation risk"),
      SP_PARAM(war, collapse_factor, "1", 5.0, 0.0, 1000.0,
               "hazard multiplier while either side has collapsed", "reasoning: a collapse invites intervention and accident (facts P7); several-fold, not certain war"),
      SP_PARAM(war, stability_shock, "1", 0.3, 0.0, 1.0,
               "stability lost by each belligerent when a war starts", "reasoning: war shakes every regime involved"),
      SP_PARAM(refugees, share, "1", 0.1, 0.0, 1.0,
               "share of a collapsed state's population that flees", "reasoning: estimates for a DPRK collapse run to a few million of 23 million"),
      SP_PARAM(refugees, burden_weight, "1", 2.0, 0.0, 1000.0,
               "regional stability lost per refugee relative to the frontier population", "reasoning: refugees equal to half the frontier population would erase it"),
      SP_PARAM(reform, growth_bonus, "1/yr", 0.05, 0.0, 1.0,
               "extra output growth per year at full reform", "reasoning: China-style opening added several points of growth (essay's 'Taedong River Miracle')"),
      SP_PARAM(reform, legitimacy_gain, "1", 0.3, 0.0, 1.0,
               "legitimacy added at full reform", "reasoning: performance legitimacy of a reforming elite"),
      SP_PARAM(reform, openness, "1", 1.0, 0.0, 10.0,
               "relative trade gained at full reform", "reasoning: opening doubles trade at full reform"),
      SP_PARAM(decision, acts_per_year, "1/yr", 12.0, 1.0, 10000.0,
               "discrete acts per year into which a sampled decision splits each budget (run.decisions: sampled); sets how lumpy acts are, not their mean",
               "reasoning: about one distinct initiative a month per instrument (a delegation, a credit line, a shipment, a sanction review)"),
      SP_PARAM(affinity, memory, "1/yr", 0.0, 0.0, 52.0,
               "rate at which the baseline affinity follows the current one (relation_memory): what actors do to each other becomes a standing attitude",
               "not yet calibrated: at 0.05/yr (a generation's half-life) the PRC-DPRK warmth becomes baseline and China's share of DPRK trade in 2003 (Q4) rises to 0.56, above its range; 0 until the historical scenario is recalibrated on it (issue 12, item 7)"),
      SP_PARAM(affinity, rivalry_gain, "1/yr", 0.05, 0.0, 52.0,
               "rivalry gained per year at full mutual sanctions, times the rivalry still missing (relation_memory)",
               "reasoning: a decade of full mutual sanctions closes about 40 % of the way to full rivalry"),
  };
  return table;
}

#undef SP_PARAM

Parameters default_parameters() {
  Parameters p{};
  for (const auto& info : parameter_catalogue()) info.ref(p) = info.default_value;
  return p;
}

const ParameterInfo* find_parameter(const std::string& model, const std::string& name) {
  for (const auto& info : parameter_catalogue())
    if (model == info.model && name == info.name) return &info;
  return nullptr;
}

}  // namespace sixparty
