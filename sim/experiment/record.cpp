#include "experiment/record.hpp"

#include <cmath>

namespace sixparty {

namespace {

double econ_aid(const Scenario& sc, const RunState& s, int i, int j) {
  return sc.economic >= 0 ? s.aid[sc.economic](i, j) : 0.0;
}

}  // namespace

const std::vector<VariableInfo>& step_variables() {
  static const std::vector<VariableInfo> vars = {
      {"stability", "regime stability", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.stability[i]; }},
      {"utility", "interest-weighted utility", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.utility[i]; }},
      {"output", "economic output", "US$ bn/yr", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.output[i]; }},
      {"adequacy", "economic adequacy (available / needed output)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.adequacy[i]; }},
      {"trade_total", "total trade volume", "US$ bn/yr", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.trade.row(i).sum(); }},
      {"aid_given", "economic aid given, direct and as trade subsidies", "US$ bn/yr", Shape::actor,
       [](const Scenario& sc, const RunState& s, int i, int) {
         return (sc.economic >= 0 ? s.aid[sc.economic].row(i).sum() : 0.0) + s.subsidy_flow.row(i).sum();
       }},
      {"aid_received", "economic aid received, direct and as trade subsidies", "US$ bn/yr", Shape::actor,
       [](const Scenario& sc, const RunState& s, int i, int) {
         return (sc.economic >= 0 ? s.aid[sc.economic].col(i).sum() : 0.0) + s.subsidy_flow.col(i).sum();
       }},
      {"collapsed", "regime has collapsed (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.collapsed[i]; }},
      {"war", "at war (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war[i]; }},
      {"war_ever", "has been at war since the start of the run (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_ever[i]; }},
      {"alignment", "alignment (-1 continental bloc, +1 US-led bloc)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.alignment[i]; }},
      {"prestige", "prestige from gestures and brokerage", "diplomatic units", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.prestige[i]; }},
      {"refugees", "refugees received", "million people", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.refugees[i]; }},
      {"frontier", "population of the border regions", "million people", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.frontier[i]; }},
      {"reform", "progress of reform", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.reform[i]; }},
      {"nuclear", "nuclear capability others worry about", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.nuclear[i]; }},
      {"stock", "resource stock", "resource units (see resource_unit)", Shape::actor_resource,
       [](const Scenario&, const RunState& s, int i, int r) { return s.world.stock(i, r); }},
      {"indicator", "interest indicator", "1", Shape::actor_dimension,
       [](const Scenario&, const RunState& s, int i, int d) { return s.indicators(i, d); }},
      {"trade", "bilateral trade volume", "US$ bn/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.trade(i, j); }},
      {"trade_share", "partner's share of the actor's trade", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) {
         const double total = s.trade.row(i).sum();
         return total > 0 ? s.trade(i, j) / total : 0.0;
       }},
      {"aid", "economic aid from actor to partner", "US$ bn/yr", Shape::dyad,
       [](const Scenario& sc, const RunState& s, int i, int j) { return econ_aid(sc, s, i, j); }},
      {"exchange", "resources actor returns to partner in exchange for its aid", "resource units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.exchange(i, j); }},
      {"sold", "resources actor sells to partner for the partner's need, summed over resource kinds", "resource units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.sold(i, j); }},
      {"paid", "economic resources actor pays partner for what it bought", "resource units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.paid(i, j); }},
      {"war_abroad", "at war outside the region (0 or 1, set by events)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_abroad[i]; }},
      {"subsidy_flow", "trade subsidy from actor to partner", "US$ bn/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.subsidy_flow(i, j); }},
      {"affinity", "affinity of actor toward partner", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.world.affinity(i, j); }},
      {"influence", "actual influence of actor over partner", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.influence(i, j); }},
      {"perceived_influence", "influence of actor over partner as third parties see it", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.perceived(i, j); }},
      {"gesture", "symbolic gestures from actor to partner", "diplomatic units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.gesture(i, j); }},
      {"leverage", "partner's leverage over actor (its patron)", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.leverage(i, j); }},
      {"pressure", "pressure actor chooses toward partner, above its exogenous sanction", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.pressure(i, j); }},
      {"sanction", "share of trade actor cuts toward partner", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.world.sanction(i, j); }},
      {"brokerage", "concessions actor earns from partner for mediation", "diplomatic units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.brokerage(i, j); }},
      {"expected_return", "actor's expected return on aid to partner", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.world.expected_return(i, j); }},
  };
  return vars;
}

const std::vector<VariableInfo>& outcome_variables() {
  static const std::vector<VariableInfo> vars = {
      {"collapsed", "regime collapsed during the run (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.collapsed[i]; }},
      {"collapse_year", "year of the collapse (NaN if none)", "year", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.collapse_year[i]; }},
      {"final_stability", "regime stability at the end of the run", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.stability[i]; }},
      {"min_stability", "lowest regime stability during the run", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.min_stability[i]; }},
      {"final_utility", "utility at the end of the run", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.utility[i]; }},
      {"mean_utility", "utility averaged over the run's steps", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) {
         return s.step > 0 ? s.utility_sum[i] / s.step : s.utility[i];
       }},
      {"war", "at war at the end of the run (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war[i]; }},
      {"war_year", "year the actor's first war began (NaN if none)", "year", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_year[i]; }},
      {"war_ever", "was at war at some time during the run (0 or 1)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_ever[i]; }},
      {"war_count", "wars joined during the run", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_count[i]; }},
      {"war_years", "years spent at war during the run", "yr", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_time[i]; }},
      {"war_end_year", "year the actor's last war ended (NaN if none ended)", "year", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.war_end_year[i]; }},
      {"refugees", "refugees received by the end of the run", "million people", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.refugees[i]; }},
      {"successor_alignment", "alignment of the successor state (NaN if no collapse)", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) {
         return s.world.collapsed[i] > 0 ? s.world.alignment[i] : std::nan("");
       }},
      {"final_reform", "progress of reform at the end of the run", "1", Shape::actor,
       [](const Scenario&, const RunState& s, int i, int) { return s.world.reform[i]; }},
      {"mean_indicator", "interest indicators averaged over the run's steps", "1", Shape::actor_dimension,
       [](const Scenario&, const RunState& s, int i, int d) {
         return s.step > 0 ? s.indicator_sum(i, d) / s.step : s.indicators(i, d);
       }},
      {"mean_aid", "economic aid from actor to partner, direct and as trade subsidies, averaged over the run's steps",
       "US$ bn/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.step > 0 ? s.aid_sum(i, j) / s.step : 0.0; }},
      {"mean_gesture", "symbolic gestures from actor to partner, averaged over the run's steps", "diplomatic units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.step > 0 ? s.gesture_sum(i, j) / s.step : 0.0; }},
      {"mean_exchange", "resources actor returns to partner in exchange for its aid, summed over resource kinds, averaged over the run's steps",
       "resource units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.step > 0 ? s.exchange_sum(i, j) / s.step : 0.0; }},
      {"mean_sold", "resources actor sells to partner for the partner's need, summed over resource kinds, averaged over the run's steps",
       "resource units/yr", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.step > 0 ? s.sold_sum(i, j) / s.step : 0.0; }},
      {"final_trade_share", "partner's share of the actor's trade at the end of the run", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) {
         const double total = s.trade.row(i).sum();
         return total > 0 ? s.trade(i, j) / total : 0.0;
       }},
      {"final_influence", "actual influence of actor over partner at the end of the run", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.influence(i, j); }},
      {"final_perceived_influence", "perceived influence of actor over partner at the end of the run", "1", Shape::dyad,
       [](const Scenario&, const RunState& s, int i, int j) { return s.perceived(i, j); }},
      {"final_indicator", "interest indicators at the end of the run", "1", Shape::actor_dimension,
       [](const Scenario&, const RunState& s, int i, int d) { return s.indicators(i, d); }},
  };
  return vars;
}

std::vector<OutcomeColumn> outcome_columns(const Scenario& sc) {
  std::vector<OutcomeColumn> cols;
  const auto& vars = outcome_variables();
  const std::size_t n = static_cast<std::size_t>(sc.n());
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const std::size_t seconds = n ? cells_of(sc, vars[v].shape) / n : 1;
    for (std::size_t k = 0; k < seconds; ++k) {
      OutcomeColumn c{vars[v].name, vars[v].long_name, vars[v].units, v, k, seconds};
      if (vars[v].shape == Shape::actor_dimension) {
        c.name += "_" + sc.dimensions[k];
        c.long_name += " (" + sc.dimensions[k] + ")";
      } else if (vars[v].shape == Shape::dyad) {
        c.name += "_" + sc.actor_ids[k];
        c.long_name += " (partner " + sc.actor_ids[k] + ")";
      } else if (vars[v].shape == Shape::actor_resource) {
        c.name += "_" + sc.resource_names[k];
        c.long_name += " (" + sc.resource_names[k] + ")";
      }
      cols.push_back(std::move(c));
    }
  }
  return cols;
}

std::size_t cells_of(const Scenario& sc, Shape shape) {
  const std::size_t n = sc.n();
  switch (shape) {
    case Shape::actor: return n;
    case Shape::actor_resource: return n * sc.n_resources();
    case Shape::actor_dimension: return n * sc.n_dimensions();
    case Shape::dyad: return n * n;
  }
  return 0;
}

RecordLayout::RecordLayout(const Scenario& sc, const std::vector<VariableInfo>& vars) {
  for (const auto& v : vars) {
    offset.push_back(per_step);
    per_step += cells_of(sc, v.shape);
  }
}

void collect(const Scenario& sc, const RunState& s, const std::vector<VariableInfo>& vars,
             const RecordLayout& layout, double* out) {
  const int n = sc.n();
  for (std::size_t v = 0; v < vars.size(); ++v) {
    double* o = out + layout.offset[v];
    const auto& var = vars[v];
    int second = 1;
    switch (var.shape) {
      case Shape::actor: second = 1; break;
      case Shape::actor_resource: second = sc.n_resources(); break;
      case Shape::actor_dimension: second = sc.n_dimensions(); break;
      case Shape::dyad: second = n; break;
    }
    // row-major (actor, second): the layout of the HDF5 datasets
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < second; ++k) *o++ = var.get(sc, s, i, k);
  }
}

}  // namespace sixparty
