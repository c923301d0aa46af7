// rng: random numbers as a pure function of (seed, run, step, actor, purpose).
//
// Design. A run never owns a generator whose state advances; every draw is computed from its
// coordinates with the counter-based Philox4x32-10 (Random123, Salmon et al. 2011). The key is
// the 64-bit ensemble seed; the 128-bit counter is (run, step, actor << 16 | target,
// purpose << 16 | index). So the number a stage draws does not depend on which thread runs it,
// on the order of runs, or on what other stages drew: results are bit-identical for any thread
// count, and two scenarios that share a world (one extending the other) draw the same numbers
// for the same run index until their states differ (common random numbers).
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace sixparty {

// what a draw is for: each purpose has its own stream; append, never renumber
enum class Purpose : std::uint16_t {
  // 1 was reserved for perception noise in the aid decision; never drawn, not to be reused
  aid_return = 2,       // noise in the return a donor observes on its aid
  stability_noise = 3,  // domestic stability shocks
  collapse_hazard = 4,  // whether the regime falls this step
  trade_noise = 5,      // multiplicative noise on trade volumes
  successor = 6,        // which power's alignment a successor state takes
  war = 7,              // whether and where a war starts
  bootstrap = 8,        // resampling of runs for pattern intervals (run field: replicate)
  generator = 9,        // synthetic worlds (sixparty generate); not used in runs
  design = 10,          // batch designs: Latin hypercube strata, Morris trajectories, Sobol' shift
  sensitivity_bootstrap = 11,  // resampling of base rows / trajectories for sensitivity intervals
  uncertainty = 12,     // a run's draws of the scenario's uncertain inputs (step, actor|target: the quantity's name hash)
  decision = 13,        // sampled allocations: actor | budget channel (resource index, or n_resources for gestures), index: act
  sanction_decision = 14,  // sampled sanction reviews: actor | target, index: act
};

inline constexpr const char* rng_algorithm = "Philox4x32-10 (Random123), counter (run, step, actor|target, purpose|index)";

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    key_[0] = static_cast<std::uint32_t>(seed);
    key_[1] = static_cast<std::uint32_t>(seed >> 32);
  }

  // four independent 32-bit words for the given coordinates
  r123::Philox4x32::ctr_type words(std::uint32_t run, std::uint32_t step, std::uint32_t actor,
                                   std::uint32_t target, Purpose purpose,
                                   std::uint32_t index = 0) const {
    r123::Philox4x32::ctr_type c = {{run, step, (actor << 16) | (target & 0xffffu),
                                     (static_cast<std::uint32_t>(purpose) << 16) | (index & 0xffffu)}};
    return gen_(c, key_);
  }

  // uniform in (0, 1): never 0, never 1 (53-bit mantissa from two words)
  double uniform(std::uint32_t run, std::uint32_t step, std::uint32_t actor, std::uint32_t target,
                 Purpose purpose, std::uint32_t index = 0) const {
    const auto w = words(run, step, actor, target, purpose, index);
    return to_open01(w[0], w[1]);
  }

  // standard normal by Box-Muller from one counter (uses all four words)
  double normal(std::uint32_t run, std::uint32_t step, std::uint32_t actor, std::uint32_t target,
                Purpose purpose, std::uint32_t index = 0) const {
    const auto w = words(run, step, actor, target, purpose, index);
    const double u1 = to_open01(w[0], w[1]);
    const double u2 = to_open01(w[2], w[3]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static double to_open01(std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;  // 53 bits
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }

  r123::Philox4x32 gen_;
  r123::Philox4x32::key_type key_ = {{0, 0}};
};

}  // namespace sixparty
