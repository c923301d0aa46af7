#!/usr/bin/env bash
# The main job: set up, build, compare the status quo with a collapse of the DPRK (one paired
# ensemble of both scenarios), print the comparison table and draw the figures.
#   results/comparison.h5   both ensembles, their patterns and the comparison
#   results/figures/        fan charts, outcome distributions, trade partners, influence,
#                           refugees, paired differences (PNG and SVG)
#   results/report.html     the briefing: one offline page with the comparison and the figures
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup.sh"
cd "$root"
mkdir -p results/figures
./build/release/sim/sixparty compare scenarios/status_quo.yaml scenarios/collapse.yaml -o results/comparison.h5 --force
/usr/bin/python3 tools/plot results/comparison.h5 -o results/figures
# one self-contained HTML page to read or mail: what was run, the largest effects, the figures
./build/release/sim/sixparty report results/comparison.h5 -o results/report.html --force
