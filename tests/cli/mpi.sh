#!/usr/bin/env bash
# Command-line tests of MPI runs (issue 18): `mpirun -n 3` batch, run and compare write the file
# one process writes (bit for bit, apart from the command line and times); a killed MPI batch
# fails with the dead rank named, keeps its journal and resumes, under MPI or in one process, to
# the same data; errors on rank 0 end every rank; other commands refuse to run under MPI. A
# build without MPI (the sanitizer builds) must refuse to run under a launcher.
# Skips without mpirun unless SIXPARTY_REQUIRE_MPI=1 (tools/run_tests.sh sets it).
# usage: mpi.sh SIXPARTY_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$@"

if ! command -v mpirun >/dev/null; then
  if [ "${SIXPARTY_REQUIRE_MPI:-0}" = 1 ]; then bad "mpirun is not installed (tools/setup.sh --tests installs openmpi-bin)"; fi
  echo "mpi: skipped (no mpirun)"
  finish
  exit $?
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # OpenMPI refuses root without these
export OMPI_MCA_rmaps_base_oversubscribe=1                       # 3 ranks on 2 cores
py=/usr/bin/python3
same() { "$py" "$src/tests/cli/same_file_data.py" "$1" "$2" && ok || bad "$3: the files differ"; }
mpi() { timeout 300 mpirun -n "$@"; }  # never hang the suite

"$bin" --version >"$tmp/version"
if grep -q "without MPI" "$tmp/version"; then
  # this build cannot share work: P copies would each run the whole command into one file
  expect 2 "a build without MPI under mpirun" -- mpi 2 "$bin" run "$sq" -n 2 -o "$tmp/x.h5"
  contains "$tmp/err" "built without MPI" "the refusal says why"
  [ ! -e "$tmp/x.h5" ] && ok || bad "a build without MPI wrote a file under mpirun"
  finish
  exit $?
fi
contains "$tmp/version" "with MPI" "--version says MPI is built in"

cat >"$tmp/ex.yaml" <<YAML
name: cli_mpi
scenarios: $src/scenarios/status_quo.yaml
seed: 6
runs_per_point: 10
design: {kind: sobol, base_rows: 4}
factors:
  - {name: leverage, path: parameters.leverage.value, range: [5, 20]}
  - {path: actors.DPRK.stability.repression, range: [0.3, 0.9]}
outcomes: [mean_utility.RUS, collapsed.DPRK]
series: [stability.DPRK]
YAML

# batch: 3 ranks (a coordinator, 2 workers) write the single-process file
expect 0 "batch, one process" -- "$bin" batch "$tmp/ex.yaml" -o "$tmp/one.h5" --threads 2
expect 0 "batch, mpirun -n 3" -- mpi 3 "$bin" batch "$tmp/ex.yaml" -o "$tmp/mpi.h5" --threads 1
contains "$tmp/out" "MPI: 2 worker ranks" "the coordinator reports its workers"
contains "$tmp/err" "[cli_mpi] points 16/16  160/160 runs" "the job's progress, in lines for a log (the aggregate of all ranks)"
[ "$(grep -c "wrote $tmp/mpi.h5" "$tmp/out")" -eq 1 ] && ok || bad "the job speaks once (rank 0), not once per rank"
same "$tmp/one.h5" "$tmp/mpi.h5" "batch under MPI"
# a shard run under MPI merges with one run apart into the whole file
expect 0 "shard 1/2 under mpirun" -- mpi 3 "$bin" batch "$tmp/ex.yaml" --shard 1/2 -o "$tmp/s1.h5" --threads 1
expect 0 "shard 2/2, one process" -- "$bin" batch "$tmp/ex.yaml" --shard 2/2 -o "$tmp/s2.h5"
expect 0 "merge" -- "$bin" merge "$tmp/s1.h5" "$tmp/s2.h5" -o "$tmp/merged.h5"
same "$tmp/one.h5" "$tmp/merged.h5" "shards under MPI, merged"

# run and compare: blocks of runs spread over ranks, consumed in run order (summaries, traces, patterns)
expect 0 "run, one process" -- "$bin" run "$sq" scenarios/collapse.yaml -n 40 --record traces -o "$tmp/run1.h5" -q
expect 0 "run, mpirun -n 3" -- mpi 3 "$bin" run "$sq" scenarios/collapse.yaml -n 40 --record traces -o "$tmp/run3.h5" --threads 1
contains "$tmp/out" "2 worker ranks" "run reports its workers"
contains "$tmp/out" "patterns of 'collapse'" "rank 0 evaluates the patterns"
same "$tmp/run1.h5" "$tmp/run3.h5" "run under MPI"
expect 0 "compare, one process" -- "$bin" compare "$sq" scenarios/collapse.yaml -n 30 -o "$tmp/cmp1.h5" --top 3
cp "$tmp/out" "$tmp/cmp1.out"
expect 0 "compare, mpirun -n 3" -- mpi 3 "$bin" compare "$sq" scenarios/collapse.yaml -n 30 -o "$tmp/cmp3.h5" --top 3 --threads 1
same "$tmp/cmp1.h5" "$tmp/cmp3.h5" "compare under MPI"
grep -A4 "mean_utility" "$tmp/cmp1.out" | head -4 >"$tmp/t1"
grep -A4 "mean_utility" "$tmp/out" | head -4 >"$tmp/t3"
cmp -s "$tmp/t1" "$tmp/t3" && ok || bad "compare under MPI prints another table"

# the cluster recipes (tools/cluster/), as far as they run here: the array job through a stand-in
# sbatch that runs its tasks in a loop, then the merge it queues; the MPI script with mpirun as
# its launcher. Both give the single-process file.
mkdir -p "$tmp/fakebin"
cat >"$tmp/fakebin/sbatch" <<'SH'
#!/bin/bash
# a stand-in for Slurm's sbatch: runs the script at once, an array's tasks one after another
array="" script=""
for a in "$@"; do case $a in --array=*) array=${a#--array=} ;; -*) ;; *) script=$a ;; esac; done
if [ -n "$array" ]; then
  lo=${array%-*} hi=${array#*-}
  for K in $(seq "$lo" "$hi"); do SLURM_ARRAY_TASK_ID=$K SLURM_ARRAY_TASK_COUNT=$((hi - lo + 1)) bash "$script" >&2 || exit 1; done
else
  bash "$script" >&2 || exit 1
fi
echo 4242
SH
chmod +x "$tmp/fakebin/sbatch"
expect 0 "the Slurm array recipe (3 shards, then merge)" -- env PATH="$tmp/fakebin:$PATH" SIXPARTY="$bin" \
  bash tools/cluster/submit.sh "$tmp/ex.yaml" 3 "$tmp/array"
same "$tmp/one.h5" "$tmp/array.h5" "the array recipe's merged file"
expect 0 "the MPI recipe, mpirun as the launcher" -- env EXP="$tmp/ex.yaml" OUT="$tmp/recipe" SIXPARTY="$bin" \
  LAUNCH="timeout 300 mpirun -n 3" SLURM_CPUS_PER_TASK=1 bash tools/cluster/mpi.sbatch
same "$tmp/one.h5" "$tmp/recipe.h5" "the MPI recipe's file"

# errors: on every rank alike (bad input), on rank 0 alone (an output it cannot write), or a
# command that does not share its work: one message, the right code, no rank left waiting
printf 'name: bad\nscenarios: %s\nruns_per_point: 0\nfactors: []\n' "$src/$sq" >"$tmp/bad.yaml"
expect 2 "a bad experiment, one process" -- "$bin" batch "$tmp/bad.yaml" -o "$tmp/bad.h5"
alone=$(grep -c "bad.yaml" "$tmp/err")
expect 2 "a bad experiment under mpirun" -- mpi 3 "$bin" batch "$tmp/bad.yaml" -o "$tmp/bad.h5"
[ "$(grep -c "bad.yaml:" "$tmp/err")" -ge 1 ] && ok || bad "the located error is printed"
[ "$(grep -c "bad.yaml" "$tmp/err")" -eq "$alone" ] && ok || bad "the error is printed once, as by one process, not once per rank"
expect 3 "an output directory that does not exist, under mpirun" -- mpi 3 "$bin" batch "$tmp/ex.yaml" -o "$tmp/nodir/x.h5"
contains "$tmp/err" "does not exist" "rank 0 says why"
expect 2 "validate under mpirun" -- mpi 2 "$bin" validate "$sq"
contains "$tmp/err" "does not run under MPI" "commands that do not share work refuse"

# a worker rank killed mid-batch: the job fails naming it, no results file, the journal stays;
# the same command resumes (under MPI, or in one process) to the uninterrupted data
sed 's/runs_per_point: 10/runs_per_point: 150/; s/base_rows: 4/base_rows: 8/' "$tmp/ex.yaml" >"$tmp/big.yaml"
expect 0 "the uninterrupted batch" -- "$bin" batch "$tmp/big.yaml" -o "$tmp/big_one.h5" -q
# one worker: chunks of 512 runs, whose tasks pass MPI's eager limit (a blocking send of a task
# to a worker busy sending its result deadlocked here once)
expect 0 "mpirun -n 2, large chunks" -- mpi 2 "$bin" batch "$tmp/big.yaml" -o "$tmp/big_two.h5" --threads 2
same "$tmp/big_one.h5" "$tmp/big_two.h5" "one worker rank with large chunks"
kill_worker() {  # OUT: start an MPI batch into OUT, kill rank 1 once the journal holds a chunk
  (mpi 3 "$bin" batch "$tmp/big.yaml" -o "$1" --threads 1 >"$tmp/kill.out" 2>"$tmp/kill.err"; echo $? >"$tmp/kill.rc") &
  local job=$!
  wait_for_file "$1.journal" 100000 || bad "no journal appeared"
  local pid rank victim=""
  for pid in $(pgrep -f "batch $tmp/big.yaml -o $1"); do
    rank=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
    [ "$rank" = 1 ] && victim=$pid
  done
  [ -n "$victim" ] && kill -9 "$victim" || bad "no rank 1 to kill"
  wait "$job"
  [ "$(cat "$tmp/kill.rc")" -ne 0 ] && ok || bad "a job with a dead rank exited 0"
  grep -q "rank 1" "$tmp/kill.err" && ok || bad "the failure names the dead rank: $(head -3 "$tmp/kill.err")"
  [ ! -e "$1" ] && ok || bad "a job with a dead rank left a results file"
  [ -s "$1.journal" ] && ok || bad "a job with a dead rank lost its journal"
}
kill_worker "$tmp/big_mpi.h5"
expect 0 "resume under mpirun" -- mpi 3 "$bin" batch "$tmp/big.yaml" -o "$tmp/big_mpi.h5" --threads 1
contains "$tmp/out" "resumed from" "the MPI batch resumed from its journal"
same "$tmp/big_one.h5" "$tmp/big_mpi.h5" "a killed MPI batch, resumed under MPI"
kill_worker "$tmp/big_mix.h5"
expect 0 "resume in one process" -- "$bin" batch "$tmp/big.yaml" -o "$tmp/big_mix.h5"
contains "$tmp/out" "resumed from" "one process resumed the MPI batch's journal"
same "$tmp/big_one.h5" "$tmp/big_mix.h5" "a killed MPI batch, resumed in one process"

finish
