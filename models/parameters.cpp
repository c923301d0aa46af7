#include "models/parameters.hpp"

namespace sixparty {

#define SP_PARAM(M, N, UNIT, DEF, LO, HI, MEANING, SOURCE) \
  ParameterInfo { #M, #N, UNIT, DEF, LO, HI, MEANING, SOURCE, [](Parameters& p) -> double& { return p.M.N; } }

const std::vector<ParameterInfo>& parameter_catalogue() {
  static const std::vector<ParameterInfo> table = {
      SP_PARAM(trade, gravity_scale, "1", 0.02, 0.0, 10.0,
               "volume per unit of sqrt(output_i * output_j)",
               "chosen so that USSR-DPRK trade in the 1980s is a few US$ bn a year (DPRK trade 1990: exports 1.86, imports 2.92 bn, US Library of Congress country study)"),
      SP_PARAM(trade, affinity_elasticity, "1", 1.0, 0.0, 10.0,
               "log-volume gained per unit of mean affinity", "reasoning: friendly pairs trade more; unit elasticity as a neutral start"),
      SP_PARAM(trade, subsidy_elasticity, "1", 2.0, 0.0, 20.0,
               "relative volume gained per unit of subsidy share",
               "reasoning: subsidised prices prop up the volume (facts P1, Q7 'aid in disguise')"),
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
      SP_PARAM(aid, influence_value, "1", 1.0, 0.0, 100.0,
               "utility of influence relative to own economy", "reasoning: neutral scale; interest weights do the differentiation"),
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
