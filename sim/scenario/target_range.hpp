// target_range: the allowed range of each variable an event may change.
#pragma once

#include "scenario/scenario.hpp"

#include <limits>
#include <utility>

namespace sixparty {

inline std::pair<double, double> target_range(TargetVar v) {
  constexpr double big = 1e12;
  switch (v) {
    case TargetVar::output: return {1e-9, 1e9};
    case TargetVar::growth: return {-0.5, 0.5};
    case TargetVar::need: return {1e-9, 1e9};
    case TargetVar::alignment:
    case TargetVar::affinity: return {-1, 1};
    case TargetVar::stock:
    case TargetVar::income: return {0, big};
    case TargetVar::population:
    case TargetVar::frontier: return {1e-9, 1e5};
    case TargetVar::reform_drive: return {0, 10};
    case TargetVar::war_abroad: return {0, 1};
    default: return {0, 1};
  }
}

}  // namespace sixparty
