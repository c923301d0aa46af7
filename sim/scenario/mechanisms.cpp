#include "scenario/mechanisms.hpp"

#include <algorithm>

namespace sixparty {

const std::array<MechanismInfo, kMechanismCount>& mechanism_catalogue() {
  using M = Mechanism;
  static const std::array<MechanismInfo, kMechanismCount> table = {{
      {M::trade_subsidies, "trade_subsidies", "subsidised prices prop up the donor's trade volume with the recipient",
       "subsidies are still paid (and count as aid received) but no longer raise the trade volume", "7.1"},
      {M::exchange, "exchange", "a recipient answers a transfer with resources the donor needs and it has to spare",
       "transfers are one-way", "7.2"},
      {M::aid_learning, "aid_learning", "donors revise the expected return of their aid from the compliance they observe",
       "expected returns keep their initial values (or what events set)", "7.2"},
      {M::goodwill, "goodwill", "economic aid and subsidies raise the recipient's affinity toward the donor",
       "aid buys no affinity", "7.2"},
      {M::gestures, "gestures", "symbolic gestures, chosen and paid from diplomatic capital, add affinity, visibility and prestige",
       "no gestures: diplomatic capital is kept, visibility and prestige only fade", "7.4"},
      {M::balancing, "balancing", "the counterweight motive of gestures: courting the rivals of the powers one depends on",
       "gestures weigh no counterweight (status, the mediation market and shared adversaries remain)", "7.4"},
      {M::brokerage, "brokerage", "brokers sell mediation over a client they seem to influence for concessions",
       "no mediation is bought or sold", "7.5"},
      {M::leverage, "leverage", "a client with a patron's rivals to turn to has leverage over the patron",
       "leverage is zero: patrons weigh only influence, stability and rivalry in aid", "7.3"},
      {M::pressure, "pressure", "actors choose sanctions above the exogenous floors from nuclear worry and rivalry",
       "sanctions follow their exogenous floors only", "7.6"},
      {M::commitments, "commitments",
       "alliance commitments: allies join wars, count toward security, double leverage and make soft balancing unnecessary",
       "commitments are ignored", "7.3, 7.4, 7.9, 7.12"},
      {M::relation_dynamics, "relation_dynamics", "affinities move with aid, gestures, brokerage and sanctions, and relax toward their baselines",
       "affinities change only by events", "7.2, 7.4, 7.5, 7.6"},
      {M::war, "war", "a war hazard over rival pairs, raised by sanctions and collapse", "no war starts", "7.9"},
      {M::collapse_hazard, "collapse_hazard", "a regime whose stability falls below the threshold can collapse",
       "regimes collapse only when an event says so", "7.7"},
      {M::collapse_consequences, "collapse_consequences",
       "a collapse breaks trade, sends refugees, multiplies the war hazard and takes the regime out of the status field (no diplomatic income)",
       "a collapsed regime leaves trade, refugees, war hazards and the status field as they were", "7.8"},
      {M::reform, "reform", "reform grows with its drive and raises output growth, legitimacy and trade",
       "reform has no effect and does not grow", "7.10"},
      {M::relation_memory, "relation_memory",
       "baseline affinities follow the current ones (what actors do to each other persists) and mutual sanctions raise rivalry",
       "baseline affinities and rivalries change only by events", "7.2, 7.6"},
      {M::broker_competition, "broker_competition",
       "brokers of one client compete for a buyer's demand: the buyer pays for the chance that some broker delivers, split by what each can deliver",
       "each broker sells its mediation as if it were alone (a second broker over the same client adds its full offer)", "7.5"},
      {M::marginal_courtship, "marginal_courtship",
       "gestures are valued by what one more unit adds to the giver's share of the receiver's courtship: less as that share grows",
       "every unit of gestures is valued as if it were the first (no diminishing returns per receiver)", "7.4"},
      {M::soft_balancing, "soft_balancing",
       "an actor gains from courting the adversaries of its rivals, where no alliance between the two already does the balancing",
       "gestures weigh no shared adversaries", "7.4"},
      {M::war_termination, "war_termination",
       "wars end, sooner the more they cost and the longer neither side wins, and leave former enemies rivals",
       "a war lasts to the end of the run", "7.9"},
      {M::war_costs, "war_costs",
       "wars cost the belligerents output (the weaker side more) and military stock, and stop trade between enemies",
       "wars cost nothing but the stability shock at their start", "7.9"},
      {M::procurement, "procurement",
       "an actor short of a resource (more so at war, in the region or abroad) buys it from partners with stock to spare, paying in economic resources at a price that rises with its need, distance and sanctions",
       "resources change hands only as aid and the exchanges that answer it", "7.2"},
      {M::positional_status, "positional_status",
       "status is recognition (diplomatic standing plus prestige from gestures given and received and from brokerage) relative to the recognition of others, rivals weighing more; a gesture is valued by its marginal effect on that position, and diplomatic capital costs every actor alike",
       "status is the share of diplomatic capital plus prestige, and a gesture costs its giver's status weight (plus a floor) per unit", "7.4"},
      {M::motives, "motives", "choices (aid, subsidies, gestures, sanctions) weigh benefits against costs",
       "the null model: every budget is split evenly between keeping it and each eligible partner, and every sanction is the motive-free background level",
       "7.2, 7.4, 7.6"},
  }};
  return table;
}

const MechanismInfo* find_mechanism(const std::string& name) {
  for (const auto& m : mechanism_catalogue())
    if (name == m.name) return &m;
  return nullptr;
}

const char* mechanism_name(Mechanism m) { return mechanism_catalogue()[static_cast<std::size_t>(m)].name; }

std::vector<Mechanism> parse_mechanism_set(const std::string& text) {
  std::vector<Mechanism> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find('+', begin);
    const MechanismInfo* m = find_mechanism(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (!m) return {};
    out.push_back(m->id);
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string mechanism_set_name(const std::vector<Mechanism>& set) {
  std::string out;
  for (const Mechanism m : set) {
    if (!out.empty()) out += '+';
    out += mechanism_name(m);
  }
  return out;
}

}  // namespace sixparty
