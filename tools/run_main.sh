#!/usr/bin/env bash
# The main job: set up, build, and run the default ensemble (status quo, 2005-2030), printing
# its summary. Results go to results/status_quo.h5.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup.sh"
cd "$root"
mkdir -p results
./build/release/sim/sixparty run scenarios/status_quo.yaml -n 1000 -o results/status_quo.h5 --force
./build/release/sim/sixparty info results/status_quo.h5 | head -12
