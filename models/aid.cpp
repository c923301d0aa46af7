#include "models/aid.hpp"

#include "models/choice.hpp"
#include "models/interests.hpp"
#include "models/regime.hpp"

#include <algorithm>
#include <cmath>

namespace sixparty {

namespace {

constexpr double kCostFloor = 0.05;  // see aid.hpp

double resource_scale(const Scenario& sc, const World& w, int i, int r) {
  if (r == sc.economic) return w.output[i];
  return std::max(1e-9, w.stock0(i, r) + w.income(i, r));
}

// j answers i's transfer of x of resource r with what i needs and j has to spare (aid.hpp)
void exchange(const Scenario& sc, RunState& s, int i, int j, int r, double x) {
  World& w = s.world;
  const double in_r = w.income(i, r);
  if (!(in_r > 0)) return;
  for (int q = 0; q < sc.n_resources(); ++q) {
    if (q == r) continue;
    const double need = need_reference(sc, s, i, q) - w.stock(i, q);
    const double spare = w.stock(j, q) - need_reference(sc, s, j, q);
    if (!(need > 0) || !(spare > 0)) continue;
    const double y = std::min({x * w.income(j, q) / in_r, need, spare});
    if (!(y > 0)) continue;
    w.stock(j, q) -= y;
    w.stock(i, q) += y;
    s.exchange(j, i) += y / sc.dt;
  }
}

// what a unit of resource q is worth to actor i: the interest a year of its income serves (its
// economy for the economic resource, its security for the military), plus the floor, per unit of
// that year's income: the unit in which aid costs are counted. The diplomatic resource is worth
// gesture.capital_cost per unit of i's diplomatic scale under positional_status (as gestures count
// it), else its status weight plus the floor per unit of income
double unit_value(const Scenario& sc, const RunState& s, int i, int q) {
  const Indicator served = q == sc.economic ? Indicator::economy
                           : sc.resource_kinds[q] == ResourceKind::diplomatic ? Indicator::status
                                                                               : Indicator::security;
  // positional status: a unit of diplomatic capital is worth the same to every actor,
  // gesture.capital_cost per unit of its diplomatic scale, as the gestures it could pay for count it
  if (served == Indicator::status && sc.on(Mechanism::positional_status))
    return s.params.gesture.capital_cost / diplomatic_scale(sc, s.world, i);
  return (interest(sc, s, i, served) + kCostFloor) / std::max(1e-9, s.world.income(i, q));
}

// what j can give back per unit of resource r that i gives it (exchange): for every other resource
// i needs and j has to spare, the exchange's rate (a year of income for a year of income), capped by
// what is there for this step's budget, valued at what q is worth to i
double give_back(const Scenario& sc, const RunState& s, int i, int j, int r, double budget) {
  const World& w = s.world;
  if (!(w.income(i, r) > 0) || !(budget > 0)) return 0.0;
  double value = 0;
  for (int q = 0; q < sc.n_resources(); ++q) {
    if (q == r || !(w.income(i, q) > 0)) continue;  // valued per year of the donor's income of q
    const double need = need_reference(sc, s, i, q) - w.stock(i, q);
    const double spare = w.stock(j, q) - need_reference(sc, s, j, q);
    if (!(need > 0) || !(spare > 0)) continue;
    const double per_unit = std::min(w.income(j, q) / w.income(i, r), std::min(need, spare) / budget);
    value += per_unit * unit_value(sc, s, i, q);
  }
  return value;
}

// what seller j offers buyer i of resource q this step, and at what price (economic units per
// unit): its stock beyond what it keeps, times its willingness (j arms friends, net of rivalry,
// and less across sanctions); the price is the buyer's own rate raised by distance and sanctions
struct Offer {
  double quantity = 0, price = 0;
};
Offer offer(const Scenario& sc, const RunState& s, int i, int j, int q, double base_price, double share) {
  const World& w = s.world;
  const auto& p = s.params.procurement;
  const double spare = w.stock(j, q) - (1.0 - p.sellable) * need_reference(sc, s, j, q);
  const double sanction = std::max(w.sanction(i, j), w.sanction(j, i));
  const double willing = (1.0 - sanction) * std::clamp(w.affinity(j, i) - w.rivalry(i, j), 0.0, 1.0);
  if (!(spare > 0) || !(willing > 0)) return {};
  return {spare * willing * share, base_price * (1.0 + p.distance_cost * w.distance(i, j)) * (1.0 + sanction)};
}

}  // namespace

double need_reference(const Scenario& sc, const RunState& s, int i, int q) {
  const World& w = s.world;
  const bool at_war = w.war[i] > 0 || w.war_abroad[i] > 0;
  // the stock its income sustains (income / depreciation: the reference stock where the scenario
  // balances them), so a lasting cut of income lowers the need instead of creating one
  const double depreciation = s.params.resources.depreciation;
  const double sustained = depreciation > 0 ? w.income(i, q) / depreciation : w.stock0(i, q);
  return sustained * (q == sc.military && at_war ? 1.0 + s.params.war.military_need : 1.0);
}

void procure(const Scenario& sc, RunState& s) {
  const auto& p = s.params.procurement;
  World& w = s.world;
  const int n = sc.n();
  const int e = sc.economic;
  if (!sc.on(Mechanism::procurement) || e < 0) return;
  const double share = std::min(1.0, p.rate * sc.dt);
  for (int q = 0; q < sc.n_resources(); ++q) {
    if (q == e || sc.resource_kinds[q] == ResourceKind::diplomatic) continue;  // what can be bought and shipped
    // in actor order: a buyer's purchases draw down the sellers' spare stock before the next buyer's
    for (int i = 0; i < n; ++i) {
      if (w.collapsed[i] > 0) continue;
      const double target = need_reference(sc, s, i, q);
      const double need = target - w.stock(i, q);
      if (!(need > p.threshold * target)) continue;  // a small shortfall is made good by its own income
      // the buyer's own rate of exchange between the two (a year's income for a year's income),
      // raised by the urgency of its need
      const double in_q = w.income(i, q) > 0 ? w.income(i, q) : w.stock0(i, q);
      if (!(in_q > 0) || !(w.income(i, e) > 0)) continue;
      const double base_price = w.income(i, e) / in_q * (1.0 + need / target);
      double weight_total = 0;
      for (int j = 0; j < n; ++j) {
        s.scratch(i, j) = 0;
        if (j == i || w.collapsed[j] > 0 || enemies(w, i, j)) continue;
        const Offer o = offer(sc, s, i, j, q, base_price, share);
        if (!(o.quantity > 0)) continue;
        s.scratch(i, j) = o.quantity / o.price;  // larger and cheaper offers draw more of the demand
        weight_total += s.scratch(i, j);
      }
      if (!(weight_total > 0)) continue;
      const double demand = need * share;
      // what each seller ships (no more than it offers), and what it costs the buyer
      double cost = 0;
      for (int j = 0; j < n; ++j) {
        const double wgt = s.scratch(i, j);
        if (!(wgt > 0)) continue;
        const Offer o = offer(sc, s, i, j, q, base_price, share);
        s.scratch(i, j) = std::min(demand * wgt / weight_total, o.quantity);
        cost += s.scratch(i, j) * o.price;
      }
      // the buyer pays with what it has: what is left of its economic budget of the step after its aid
      double given = 0;
      for (int j = 0; j < n; ++j) given += (s.aid[e](i, j) + s.subsidy_flow(i, j)) * sc.dt;
      const double affordable = std::clamp(s.budget(i, e) - given, 0.0, w.stock(i, e));
      const double scale = cost > affordable ? affordable / cost : 1.0;
      for (int j = 0; j < n; ++j) {
        const double y = s.scratch(i, j) * scale;
        s.scratch(i, j) = 0;
        if (!(y > 0)) continue;
        const double pay = y * offer(sc, s, i, j, q, base_price, share).price;
        w.stock(j, q) -= y;
        w.stock(i, q) += y;
        w.stock(i, e) -= pay;
        w.stock(j, e) += pay;
        s.sold(j, i) += y / sc.dt;
        s.paid(i, j) += pay / sc.dt;
      }
    }
  }
}

void plan_aid(const Scenario& sc, RunState& s, const Rng& rng, int i) {
  const auto& p = s.params.aid;
  const World& w = s.world;
  const int n = sc.n();
  const bool null_model = !sc.on(Mechanism::motives);
  const bool exchange_on = sc.on(Mechanism::exchange);
  for (int r = 0; r < sc.n_resources(); ++r) {
    auto& plan = s.aid_plan[r];
    for (int j = 0; j < n; ++j) plan(i, j) = 0;
    s.budget(i, r) = 0;
    if (sc.resource_kinds[r] == ResourceKind::diplomatic) continue;  // not transferable
    const double budget = w.spendable(i, r) * w.stock(i, r) * sc.dt;
    s.budget(i, r) = budget;
    if (!(budget > 0) || w.collapsed[i] > 0) continue;
    const double w_inf = interest(sc, s, i, Indicator::influence);
    const double w_stab = interest(sc, s, i, Indicator::regional_stability);
    const double w_sec = interest(sc, s, i, Indicator::security);
    // spending a year's income of the resource costs its interest weight (plus the floor)
    const double cost = unit_value(sc, s, i, r);  // (w_econ or w_sec + c0) / income: r is never diplomatic here
    // softmax over {keep} and the partners, shifted by the largest ratio for stability
    double best = 0;  // keep
    for (int j = 0; j < n; ++j) {
      if (j == i || w.collapsed[j] > 0) continue;
      const double scale = resource_scale(sc, w, j, r);
      // friends are worth more than strangers; strengthening a rival costs security
      const double friendliness = 0.5 * (1.0 + w.affinity(i, j));
      // influence comes through economic dependence (US$ bn); other resources count at their own scale
      const double reach = r == sc.economic ? scale + s.inflow[j] : scale;
      // what j can give back in exchange (the exchange mechanism returns it), issue 13
      const double back = exchange_on ? give_back(sc, s, i, j, r, budget) : 0.0;
      const double benefit = friendliness * (p.influence_value * w_inf * w.expected_return(i, j) / reach +
                                             p.stability_value * w_stab * (1.0 - w.stability[j]) / scale) +
                             s.params.leverage.value * w_sec * s.leverage(i, j) / scale -
                             w_sec * w.rivalry(i, j) / scale + back;
      // the null model: every option (keeping included) has the same ratio
      const double ratio = null_model ? 0.0 : benefit / cost - 1.0;
      plan(i, j) = ratio;  // ratio for now, share below
      best = std::max(best, ratio);
    }
    const double keep = std::exp((0.0 - best) / p.temperature);
    double total = keep;
    for (int j = 0; j < n; ++j) {
      if (j == i || w.collapsed[j] > 0) continue;
      plan(i, j) = std::exp((plan(i, j) - best) / p.temperature);
      total += plan(i, j);
    }
    allocate_budget(sc, s, rng, plan, i, keep, total, budget, static_cast<std::uint32_t>(r));
  }
}

void transfer_aid(const Scenario& sc, RunState& s) {
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  s.exchange.setZero();
  s.sold.setZero();
  s.paid.setZero();
  for (int r = 0; r < sc.n_resources(); ++r) {
    auto& flow = s.aid[r];
    const auto& plan = s.aid_plan[r];
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double x = std::min(plan(i, j), w.stock(i, r));  // never below zero
        w.stock(i, r) -= x;
        // economic aid feeds the recipient's economy (adequacy), not its foreign budget, so it
        // cannot be given on; part of it goes as a price subsidy; arms add to the recipient's stock
        if (r == sc.economic) {
          s.subsidy_flow(i, j) = w.subsidy(i, j) * x / dt;
          flow(i, j) = (1.0 - w.subsidy(i, j)) * x / dt;
        } else {
          w.stock(j, r) += x;
          flow(i, j) = x / dt;
        }
      }
    }
  }
  // exchanges after every transfer, so that no donor's own aid is cut by what it returns
  if (!sc.on(Mechanism::exchange)) return;
  for (int r = 0; r < sc.n_resources(); ++r)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const double x = (s.aid[r](i, j) + (r == sc.economic ? s.subsidy_flow(i, j) : 0.0)) * dt;
        if (x > 0) exchange(sc, s, i, j, r, x);
      }
}

void learn_from_aid(const Scenario& sc, RunState& s, const Rng& rng) {
  const auto& p = s.params.aid;
  World& w = s.world;
  const int n = sc.n();
  const double dt = sc.dt;
  // goodwill: j's affinity to i rises with economic aid and subsidies from i, then relaxes
  const double relax = std::min(1.0, s.params.affinity.relaxation * dt);
  const double boost = sc.on(Mechanism::goodwill) ? p.affinity_boost : 0.0;
  const bool remember = sc.on(Mechanism::relation_memory) && sc.on(Mechanism::relation_dynamics);
  const double memory = remember ? std::min(1.0, s.params.affinity.memory * dt) : 0.0;
  for (int i = 0; sc.on(Mechanism::relation_dynamics) && i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const double econ_in = (sc.economic >= 0 ? s.aid[sc.economic](j, i) : 0.0) + s.subsidy_flow(j, i);
      double a = w.affinity(i, j) + boost * econ_in / w.output[i] * dt;
      a += relax * (w.affinity_base(i, j) - a);
      w.affinity(i, j) = std::clamp(a, -1.0, 1.0);
      // memory: the standing attitude follows what the pair has lived (issue 12, item 5)
      if (memory > 0) w.affinity_base(i, j) = std::clamp(w.affinity_base(i, j) + memory * (w.affinity(i, j) - w.affinity_base(i, j)), -1.0, 1.0);
    }
  }
  // learning from what the aid bought. A donor learns in proportion to what it gave, at full
  // speed from 5 % of its step's budget (set by plan_aid) up: a token amount teaches nothing.
  const double rate = std::min(1.0, p.learning_rate * dt);
  for (int i = 0; sc.on(Mechanism::aid_learning) && i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      double weight = 0;
      for (int r = 0; r < sc.n_resources(); ++r) {
        const double budget = s.budget(i, r);
        const double given = s.aid[r](i, j) + (r == sc.economic ? s.subsidy_flow(i, j) : 0.0);
        if (budget > 0) weight = std::max(weight, std::min(1.0, given * dt / (0.05 * budget)));
      }
      if (!(weight > 0)) continue;
      const double noise = p.return_noise > 0 ? p.return_noise * rng.normal(s.run, s.step, i, j, Purpose::aid_return) : 0.0;
      const double observed = (1.0 - w.autonomy[j]) + noise;
      const double e = w.expected_return(i, j) + weight * rate * (observed - w.expected_return(i, j));
      w.expected_return(i, j) = std::clamp(e, 0.0, 1.0);
    }
  }
}

}  // namespace sixparty
