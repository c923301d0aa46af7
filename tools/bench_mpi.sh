#!/usr/bin/env bash
# Prints the MPI scale figures quoted in tools/cluster/README.md (issue 18). Not a test: it
# measures, it does not judge. On a machine with 2 cores, 3 and 4 ranks are oversubscribed, so
# the figures are about overhead (what coordinating, messaging and one writer cost), not speed-up.
#   runs/s of one batch at 1 process and 2, 3, 4 ranks, one thread each (hyperfine, median of 3)
#   per rank: peak memory and CPU time (/usr/bin/time); the coordinator's communication volume
#   the cost model: wall ~ N max(t_run / ((P-1) T), c_run) + N w for N runs at P ranks of T threads:
#   a run's cost, the coordinator's CPU per run, its writing time per run (all measured here)
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
  # (each rank's figures to its own file: lines of ranks writing to one pipe can interleave)
  rm -f "$tmp"/t$P.*
  $launch sh -c "/usr/bin/time -o $tmp/t$P.\${OMPI_COMM_WORLD_RANK:-0} -f \"rank \${OMPI_COMM_WORLD_RANK:-0}: %M KiB, %U %S\" $bin batch $tmp/bench.yaml -o $tmp/b$P.h5 --threads 1 --fresh" \
    >"$tmp/out$P" 2>/dev/null
  cat "$tmp"/t$P.* >"$tmp/time$P"
  per=$(grep "^rank" "$tmp/time$P" | sort | awk '{printf "%s %d MiB %.2f s; ", $1 $2, $3/1024, $5+$6}')
  printf "%-12s %10s %9s   %s\n" "$label" "$med" "${rate[$P]}" "$per"
  grep "^MPI:" "$tmp/out$P" | sed 's/^/             /' || true
  grep -o "of which [0-9.]* s writing the file" "$tmp/out$P" | sed 's/^/             /' || true
  cp "$tmp/time$P" "$tmp/last_time"
done
# the writer's cost per run: the same batch in one process with 4 times the runs per point (the
# writing time has a fixed part, so the slope between the two sizes is the cost of a run's row)
sed "s/runs_per_point: $rpp/runs_per_point: $((4 * rpp))/" "$tmp/bench.yaml" >"$tmp/bench4.yaml"
"$bin" batch "$tmp/bench4.yaml" -o "$tmp/b4x.h5" --threads 2 --fresh >"$tmp/out4x"
write1=$(grep -o "of which [0-9.]* s writing" "$tmp/out1" | awk '{print $3}')
write4=$(grep -o "of which [0-9.]* s writing" "$tmp/out4x" | awk '{print $3}')
echo "   writing the file: $write1 s for $runs runs, $write4 s for $((4 * runs)) runs (one process)"
# the cost model's inputs: t_run from one process; from the 3-rank run (no rank oversubscribed
# by more than the coordinator, which sleeps), the coordinator's CPU per run while runs come
# in (c_run: receiving, checking, the journal; it includes the start-up, so it is an upper bound)
# and its writing time per run at the end (w: the file from the journal, one writer)
t_run=$(/usr/bin/python3 -c "print(1/${rate[1]})")
cpu0=$(awk '/^rank 0:/ {print ($5+$6)}' "$tmp/time3")
write3=$(grep -o "of which [0-9.]* s writing" "$tmp/out3" | awk '{print $3}')
med3=$(/usr/bin/python3 -c "import json,statistics as s;print(s.median(json.load(open('$tmp/h3.json'))['results'][0]['times']))")
/usr/bin/python3 - "$t_run" "$cpu0" "$write3" "$runs" "$med3" "$write1" "$write4" <<'PY'
import sys
t_run, cpu0, write, n, med3, write1, write4 = (float(x) for x in sys.argv[1:])
c_run = (cpu0 - write) / n
w = (write4 - write1) / (3 * n)
w0 = max(0.0, write1 - n * w)
print(f"== cost model: wall(N runs, P ranks x T threads) ~ N max(t_run / ((P-1) T), c_run) + w0 + N w")
print(f"   t_run = {t_run*1e3:.2f} ms (a run, one thread); c_run <= {c_run*1e6:.0f} us (coordinator CPU per run);")
print(f"   w = {w*1e6:.0f} us per run and w0 = {w0:.2f} s (writing the file, serial, at the end)")
print(f"   check, 3 ranks x 1 thread here: model {n*max(t_run/2, c_run) + w0 + n*w:.2f} s, measured {med3:.2f} s (median)")
print(f"   the coordinator keeps up with about {t_run/c_run:,.0f} worker threads; past {t_run/w:,.0f} worker threads the")
print(f"   final write takes longer than the runs. A Sobol' study of 6.9 million runs:")
N = 6.9e6
for P, T in ((1, 2), (10, 32), (100, 32), (400, 32)):
    run = N * (t_run / T if P == 1 else max(t_run / ((P - 1) * T), c_run))
    print(f"   {P:>4} {'process' if P == 1 else 'ranks  '} x {T:>2} threads: runs {run/60:8.1f} min + writing {(w0 + N*w)/60:5.1f} min")
PY
