#!/usr/bin/env bash
# Prints the MPI scale figures quoted in tools/cluster/README.md (issue 18). Not a test: it
# measures, it does not judge. On a machine with 2 cores, 3 and 4 ranks are oversubscribed, so
# the figures are about overhead (what coordinating, messaging and one writer cost), not speed-up.
#   runs/s of one batch at 1 process and 2, 3, 4 ranks, one thread each (hyperfine, median of 3)
#   per rank: peak memory and CPU time (/usr/bin/time); the coordinator's communication volume
#   the cost model: at P ranks of T threads, runs/s ~ min((P-1) T / t_run, 1 / c0), where t_run
#   is a run's cost on one thread and c0 the coordinator's CPU per run (receiving, journal)
#   usage: tools/bench_mpi.sh [POINTS] [RUNS_PER_POINT]   (default 100 x 50 = 5,000 runs)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin=$root/build/release/sim/sixparty
[ -x "$bin" ] || bash tools/setup.sh
"$bin" --version | grep -q "with MPI" || { echo "bench_mpi: $bin was built without MPI" >&2; exit 2; }
command -v hyperfine >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq hyperfine >/dev/null; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
points=${1:-100}
rpp=${2:-50}
runs=$((points * rpp))
cat >"$tmp/bench.yaml" <<YAML
name: bench_mpi
scenarios: $root/scenarios/status_quo.yaml
seed: 1
runs_per_point: $rpp
design: {kind: latin_hypercube, points: $points}
factors:
  - {path: parameters.leverage.value, range: [5, 20]}
  - {path: actors.DPRK.stability.repression, range: [0.3, 0.9]}
outcomes: [collapsed.DPRK, mean_utility.RUS]
YAML
echo "== batch of $points points x $rpp runs = $runs runs of status_quo, one thread per rank, $(nproc) cores"
printf "%-12s %10s %9s   %s\n" "ranks" "median s" "runs/s" "per rank: peak RSS, CPU s (user+sys)"
declare -A rate
for P in 1 2 3 4; do
  if [ "$P" = 1 ]; then launch=""; label="1 process"; else launch="mpirun -n $P"; label="$P ranks"; fi
  hyperfine -N -w 1 -r 3 --export-json "$tmp/h$P.json" \
    "$launch $bin batch $tmp/bench.yaml -o $tmp/b$P.h5 --threads 1 --fresh -q" >/dev/null 2>&1
  med=$(/usr/bin/python3 -c "import json,statistics as s;print(f\"{s.median(json.load(open('$tmp/h$P.json'))['results'][0]['times']):.3f}\")")
  rate[$P]=$(/usr/bin/python3 -c "print(f'{$runs/$med:.0f}')")
  # one more run, each rank under /usr/bin/time, for memory, CPU and the communication volume
  $launch sh -c "/usr/bin/time -f \"rank \${OMPI_COMM_WORLD_RANK:-0}: %M KiB, %U %S\" $bin batch $tmp/bench.yaml -o $tmp/b$P.h5 --threads 1 --fresh" \
    >"$tmp/out$P" 2>"$tmp/time$P"
  per=$(grep "^rank" "$tmp/time$P" | sort | awk '{printf "%s %d MiB %.2f s; ", $1 $2, $3/1024, $5+$6}')
  printf "%-12s %10s %9s   %s\n" "$label" "$med" "${rate[$P]}" "$per"
  grep "^MPI:" "$tmp/out$P" | sed 's/^/             /' || true
  grep -o "of which [0-9.]* s writing the file" "$tmp/out$P" | sed 's/^/             /' || true
  cp "$tmp/time$P" "$tmp/last_time"
done
# the cost model's inputs, from the 4-rank run: t_run from one process; c0 = rank 0's CPU per run
t_run=$(/usr/bin/python3 -c "print(1/${rate[1]})")
c0=$(awk '/^rank 0:/ {print ($5+$6)}' "$tmp/time4")
/usr/bin/python3 - "$t_run" "$c0" "$runs" <<'PY'
import sys
t_run, c0, runs = float(sys.argv[1]), float(sys.argv[2]) / float(sys.argv[3]), float(sys.argv[3])
print(f"== cost model: a run costs t_run = {t_run*1e3:.2f} ms on one thread; the coordinator spends c0 = {c0*1e6:.1f} us of CPU per run")
print(f"   (receiving, the journal, and at the end writing the file from it)")
cap = 1 / c0
print(f"   the coordinator saturates at about {cap:,.0f} runs/s: {cap*t_run:,.0f} worker threads of this model")
for P, T in ((10, 32), (100, 32), (400, 32)):
    r = min((P - 1) * T / t_run, cap)
    print(f"   {P:>4} ranks x {T} threads: about {r:,.0f} runs/s" + ("  (coordinator-bound)" if r >= cap else ""))
PY
