#!/usr/bin/env bash
# Prints the performance figures quoted in sim/README.md. Not a test: it measures, it does not judge.
#   runs per second of the default 6-actor scenario on 1 and 2 threads (Google Benchmark),
#   whole-program time (hyperfine, median) and peak memory (/usr/bin/time -v) for 1,000 and
#   10,000 runs, and HDF5 write throughput.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin=build/release/sim/sixparty
[ -x "$bin" ] || bash tools/setup.sh
command -v hyperfine >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq hyperfine >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== engine and writer (Google Benchmark)"
build/release/tests/bench/bench_ensemble --benchmark_format=console 2>/dev/null | grep -E "^BM_|^Benchmark|^---"

echo "== whole program, status_quo, record level summary (hyperfine, 5 runs each)"
for t in 1 2; do
  hyperfine -N -w 1 -r 5 --export-json "$tmp/h$t.json" \
    "$bin run scenarios/status_quo.yaml -n 1000 --threads $t -o $tmp/x.h5 --force -q" 2>/dev/null | grep -E "Time|Range"
  /usr/bin/python3 -c "import json,statistics as s;r=json.load(open('$tmp/h$t.json'))['results'][0]['times'];print(f'  threads $t: median {s.median(r):.3f} s, {1000/s.median(r):.0f} runs/s')"
done

echo "== peak memory (/usr/bin/time -v), 2 threads"
for level in outcomes summary; do
  for n in 1000 10000; do
    /usr/bin/time -v "$bin" run scenarios/status_quo.yaml -n $n --record $level -o "$tmp/m.h5" --force -q 2>"$tmp/time"
    rss=$(grep "Maximum resident" "$tmp/time" | awk '{print $NF}')
    wall=$(grep "Elapsed" "$tmp/time" | awk '{print $NF}')
    echo "  $level, $n runs: peak RSS $((rss / 1024)) MiB, wall $wall"
  done
done

echo "== batch experiment: 100,000 runs of status_quo (Latin hypercube, 1,000 points x 100 runs)"
echo "   (set BATCH_RUNS=1000000 for the million-run figure: 10,000 points x 100 runs)"
runs=${BATCH_RUNS:-100000}
cat >"$tmp/bench.yaml" <<YAML
name: bench
scenarios: $root/scenarios/status_quo.yaml
seed: 1
runs_per_point: 100
design: {kind: latin_hypercube, points: $((runs / 100))}
factors:
  - {path: parameters.leverage.value, range: [5, 20]}
  - {path: parameters.aid.learning_rate, range: [0.1, 1], distribution: log_uniform}
  - {path: parameters.stability.noise_sd, range: [0.02, 0.15]}
YAML
for t in 1 2; do
  [ "$t" = 1 ] && [ "$runs" -gt 100000 ] && continue
  /usr/bin/time -v "$bin" batch "$tmp/bench.yaml" -o "$tmp/bench.h5" --fresh --threads $t -q 2>"$tmp/time"
  rss=$(grep "Maximum resident" "$tmp/time" | awk '{print $NF}')
  wall=$(grep "Elapsed" "$tmp/time" | awk '{print $NF}')
  secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  echo "  threads $t: $runs runs in $wall ($(awk "BEGIN { printf \"%.0f\", $runs / $secs }") runs/s), peak RSS $((rss / 1024)) MiB, file $(du -m "$tmp/bench.h5" | cut -f1) MB"
done
