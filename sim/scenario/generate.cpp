#include "scenario/generate.hpp"

#include "core/rng.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace sixparty {

namespace {

std::string id(int i) {
  char b[16];
  std::snprintf(b, sizeof b, "X%03d", i);
  return b;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

}  // namespace

std::string generate_world(const GenerateOptions& opt) {
  const Rng rng(opt.seed);
  // draws keyed by (actor, partner, what): the same world for the same seed and size
  auto u = [&](int i, int j, std::uint32_t what) {
    return rng.uniform(what, 0, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), Purpose::generator);
  };
  auto z = [&](int i, std::uint32_t what) {
    return rng.normal(what, 1, static_cast<std::uint32_t>(i), 0, Purpose::generator);
  };
  const int n = opt.actors;
  std::ostringstream y;
  y << "# synthetic world: " << n << " actors, seed " << opt.seed << " (sixparty generate)\n";
  y << "name: synthetic_" << n << "\n";
  y << "time: {start: " << num(opt.start) << ", end: " << num(opt.end) << ", steps_per_year: " << opt.steps_per_year << "}\n";
  y << "dimensions: [security, economy, status, regional_stability, regime_survival, influence, nonproliferation]\n";
  y << "resources:\n  economic: {kind: economic, unit: \"US$ bn\"}\n  military: {kind: military}\n  diplomatic: {kind: diplomatic}\n";
  y << "actors:\n";
  static const char* dims[] = {"security", "economy", "status", "regional_stability", "regime_survival", "influence",
                               "nonproliferation"};
  for (int i = 0; i < n; ++i) {
    const bool fragile = i % 10 == 1;
    const double output = fragile ? 20 * std::exp(0.3 * z(i, 1)) : 500 * std::exp(1.0 * z(i, 1));
    y << "  " << id(i) << ":\n";
    y << "    output: " << num(output) << "\n";
    y << "    growth: " << num(0.01 + 0.03 * u(i, 0, 2)) << "\n";
    if (fragile) y << "    need: " << num(output * 1.1) << "\n    nuclear: 0.3\n    autonomy: 0.9\n";
    y << "    population: " << num(output / 10) << "\n";
    y << "    alignment: " << num(2 * u(i, 0, 3) - 1) << "\n";
    y << "    interests: {";
    double w[7], t = 0;
    for (int d = 0; d < 7; ++d) t += (w[d] = u(i, d, 4));
    for (int d = 0; d < 7; ++d) y << (d ? ", " : "") << dims[d] << ": " << num(w[d] / t);
    y << "}\n";
    y << "    resources:\n";
    y << "      economic: {stock: " << num(output / 500) << ", income: " << num(output / 500) << ", spendable: 0.5}\n";
    y << "      military: {stock: " << num(output / 20) << ", income: " << num(output / 40) << ", spendable: 0.01}\n";
    y << "      diplomatic: {stock: 5, income: 5, spendable: 0.5}\n";
    y << "    stability: {initial: " << num(fragile ? 0.6 : 0.85) << ", repression: " << num(u(i, 0, 5))
      << ", legitimacy: " << num(u(i, 0, 6)) << "}\n";
  }
  y << "relations:\n  default: {affinity: 0.0}\n";
  const double p = n > 1 ? std::min(1.0, 3.0 / (n - 1)) : 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      y << "  " << id(i) << "<->" << id(j) << ": {distance: " << num(0.5 + 9.5 * u(i, j, 7));
      if (u(i, j, 8) < p) y << ", rivalry: " << num(0.3 + 0.6 * u(i, j, 9)) << ", affinity: -0.3";
      else if (u(i, j, 10) < p) y << ", affinity: " << num(0.2 + 0.5 * u(i, j, 11));
      y << "}\n";
    }
  for (int i = 0; i < n; ++i) {
    if (i % 10 != 1) continue;
    const int patron = (i + 1) % n;
    y << "  " << id(patron) << "->" << id(i) << ": {commitment: 1.0, subsidy: 0.5}\n";
    y << "  " << id(i) << "->" << id(patron) << ": {border: 0.5}\n";
  }
  y << "run: {runs: 100, seed: " << opt.seed << "}\n";
  return y.str();
}

}  // namespace sixparty
