#!/usr/bin/env bash
# Command-line tests: exit codes, messages, atomic output, interruption.
# usage: cli_test.sh SIXPARTY_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
# expect CODE DESCRIPTION -- command...
expect() {
  local code=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$code" ]; then ok; else bad "$what: exit $rc, expected $code"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}
contains() {  # FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; sed 's/^/  | /' "$1" | head -5; fi
}

cd "$src" || exit 1
sq=scenarios/status_quo.yaml

expect 0 "version" -- "$bin" --version
contains "$tmp/out" "sixparty " "version text"
expect 2 "no subcommand" -- "$bin"
expect 2 "unknown option" -- "$bin" run "$sq" --bogus
expect 2 "runs out of range" -- "$bin" run "$sq" -n 0
expect 0 "params" -- "$bin" params
contains "$tmp/out" "gravity_scale" "params lists the catalogue"

# every shipped scenario validates
for f in $(find scenarios -name '*.yaml' -not -path '*/experiments/*' | sort); do
  expect 0 "validate $f" -- "$bin" validate "$f"
done

# every shipped scenario runs with a small ensemble
for f in $(find scenarios -name '*.yaml' -not -path '*/experiments/*' | sort); do
  expect 0 "run $f" -- "$bin" run "$f" -n 8 --record outcomes -o "$tmp/each.h5" --force --quiet
done

# every class of bad input gets its exact message and exit code 2
for exp in tests/data/bad/*.expected; do
  yaml=${exp%.expected}.yaml
  (cd tests/data/bad && "$bin" validate "$(basename "$yaml")" >"$tmp/out" 2>"$tmp/err")
  rc=$?
  if [ $rc -eq 2 ]; then ok; else bad "validate $yaml: exit $rc, expected 2"; fi
  while IFS= read -r line; do
    [ -n "$line" ] && contains "$tmp/err" "$line" "message for $yaml"
  done <"$exp"
done

# a malformed scenario: located errors, exit 2, no output file
expect 2 "run a bad scenario" -- "$bin" run tests/data/bad/unknown_key.yaml -n 5 -o "$tmp/bad.h5"
contains "$tmp/err" "unknown_key.yaml:13:5: error: actors.B.outptu" "run reports the location"
[ ! -e "$tmp/bad.h5" ] && ok || bad "a bad scenario left an output file"
ls "$tmp"/bad.h5.tmp-* >/dev/null 2>&1 && bad "a bad scenario left a temporary file" || ok

# --set errors are reported against the command line
expect 2 "bad --set value" -- "$bin" run "$sq" -n 5 -o "$tmp/s.h5" --set actors.RUS.output=-3
contains "$tmp/err" "actors.RUS.output: found -3" "--set value error"
expect 2 "bad --set path" -- "$bin" validate "$sq" --set actors.RUS.outptu=3
contains "$tmp/err" "did you mean 'output'" "--set path suggestion"

# a good run, then the refusal to overwrite, then --force
expect 0 "run" -- "$bin" run "$sq" -n 20 --seed 3 -o "$tmp/a.h5" --quiet
[ -s "$tmp/a.h5" ] && ok || bad "no results file written"
[ ! -s "$tmp/out" ] && ok || bad "--quiet printed something"
cp "$tmp/a.h5" "$tmp/a.copy"
expect 2 "refuse to overwrite" -- "$bin" run "$sq" -n 20 -o "$tmp/a.h5"
contains "$tmp/err" "exists; expected a new path, or --force" "overwrite message"
cmp -s "$tmp/a.h5" "$tmp/a.copy" && ok || bad "the existing file was changed"
expect 0 "overwrite with --force" -- "$bin" run "$sq" -n 20 --seed 4 -o "$tmp/a.h5" --force
expect 3 "missing output directory" -- "$bin" run "$sq" -n 5 -o "$tmp/no/such/dir/x.h5"
contains "$tmp/err" "does not exist" "missing directory message"
expect 2 "output is a directory" -- "$bin" run "$sq" -n 5 -o "$tmp" --force

# not a terminal: no progress line on stderr
expect 0 "run without a terminal" -- "$bin" run "$sq" -n 10 -o "$tmp/b.h5"
[ ! -s "$tmp/err" ] && ok || bad "stderr not empty when it is not a terminal"
contains "$tmp/out" "scenario 'status_quo': 10/10 runs" "run summary"

# info
expect 0 "info" -- "$bin" info "$tmp/a.h5"
contains "$tmp/out" "status_quo/" "info lists the group"
contains "$tmp/out" "stability  float (stat=7, time=100, actor=6)" "info shows named dimensions"
head -c 5000 /dev/urandom >"$tmp/garbage.h5"
expect 2 "info on garbage" -- "$bin" info "$tmp/garbage.h5"
contains "$tmp/err" "is not an HDF5 file" "info garbage message"
expect 2 "info on a missing file" -- "$bin" info "$tmp/none.h5"
expect 2 "info on a directory" -- "$bin" info "$tmp"

# regression inputs from fuzzing: info answers each with a description or an error, never a crash
for f in tests/data/fuzz/results/*; do
  "$bin" info "$f" >/dev/null 2>"$tmp/err"
  rc=$?
  { [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && ok || bad "info on fuzz input $f: exit $rc"
done
for f in tests/data/fuzz/scenarios/*; do
  [ -e "$f" ] || continue
  "$bin" validate "$f" >/dev/null 2>"$tmp/err"
  rc=$?
  { [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && ok || bad "validate on fuzz input $f: exit $rc"
done

# record levels
expect 0 "outcomes only" -- "$bin" run "$sq" -n 10 -o "$tmp/o.h5" --record outcomes --quiet
"$bin" info "$tmp/o.h5" >"$tmp/info" 2>&1
grep -q "summary/" "$tmp/info" && bad "outcomes level wrote summaries" || ok
expect 0 "traces" -- "$bin" run "$sq" -n 3 -o "$tmp/t.h5" --record traces --quiet
"$bin" info "$tmp/t.h5" >"$tmp/info" 2>&1
contains "$tmp/info" "traces/" "traces group"

# compare: paired scenarios, then groups of a file; formats; errors
expect 0 "compare two scenarios" -- "$bin" compare scenarios/status_quo.yaml scenarios/collapse.yaml -n 12 -o "$tmp/c.h5" --force -q
contains "$tmp/out" "comparison: collapse against status_quo (12 paired runs" "compare table header"
contains "$tmp/out" "probability of collapse" "compare reports collapse"
"$bin" info "$tmp/c.h5" >"$tmp/info" 2>&1
contains "$tmp/info" "comparisons/" "the comparison is stored in the file"
expect 0 "compare groups as json" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --format json -q
/usr/bin/python3 -c "import json,sys; d=json.load(open('$tmp/out')); assert d['paired'] and d['runs']==12 and len(d['rows'])>50" \
  && ok || bad "compare json is not valid or incomplete"
expect 0 "compare groups as csv" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --format csv -q
contains "$tmp/out" "family,metric,actor,detail,units,mean_status_quo,mean_collapse,diff,ci_low,ci_high,effect_size" "csv header"
expect 2 "compare a missing group" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:nothing"
contains "$tmp/err" "has no group 'nothing'" "missing group message"
expect 2 "compare one scenario and one group" -- "$bin" compare scenarios/status_quo.yaml "$tmp/c.h5:collapse"
expect 2 "compare three inputs" -- "$bin" compare a.yaml b.yaml c.yaml
expect 2 "compare a bad format" -- "$bin" compare --format xml
"$bin" run scenarios/historical_1980_2005.yaml -n 4 -o "$tmp/h.h5" --record outcomes -q
expect 2 "compare worlds that differ" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/h.h5:historical_1980_2005"
contains "$tmp/err" "do not share a world" "different worlds message"
expect 2 "compare a garbage file" -- "$bin" compare "$tmp/garbage.h5:x" "$tmp/garbage.h5:y"

# generate: a synthetic world that validates and runs
expect 0 "generate" -- "$bin" generate -n 9 --seed 4 -o "$tmp/g.yaml"
expect 0 "validate a generated world" -- "$bin" validate "$tmp/g.yaml"
expect 0 "run a generated world" -- "$bin" run "$tmp/g.yaml" -n 4 -o "$tmp/g.h5" -q
"$bin" generate -n 9 --seed 4 >"$tmp/g2.yaml"
cmp -s "$tmp/g.yaml" "$tmp/g2.yaml" && ok || bad "generate is not deterministic for a seed"
expect 2 "generate one actor" -- "$bin" generate -n 1
# a world too large for per-step summaries is refused before anything runs, with the way out
"$bin" generate -n 80 -o "$tmp/g80.yaml"
expect 2 "summaries of a large world" -- "$bin" run "$tmp/g80.yaml" -n 2 -o "$tmp/g80.h5"
contains "$tmp/err" "expected --record outcomes for a world this large" "large-world message"
[ ! -e "$tmp/g80.h5" ] && ok || bad "a refused large world left a file"

# SIGINT and SIGTERM: exit 130, a file marked interrupted with the finished runs
for sig in INT TERM; do
  "$bin" run "$sq" -n 100000000 --record outcomes -o "$tmp/i$sig.h5" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  sleep 1.5
  kill -s $sig $pid
  wait $pid
  rc=$?
  [ $rc -eq 130 ] && ok || bad "SIG$sig: exit $rc, expected 130"
  "$bin" info "$tmp/i$sig.h5" >"$tmp/info" 2>&1
  contains "$tmp/info" "status: interrupted" "SIG$sig marks the file"
  contains "$tmp/info" "status interrupted" "SIG$sig marks the group"
  ls "$tmp"/i$sig.h5.tmp-* >/dev/null 2>&1 && bad "SIG$sig left a temporary file" || ok
done

# faults: an output place that cannot be written, a full disk, SIGKILL
expect 3 "unwritable output" -- "$bin" run "$sq" -n 5 -o /proc/sixparty-test.h5
contains "$tmp/err" "cannot write results" "unwritable output message"
(trap '' XFSZ; ulimit -f 200; "$bin" run "$sq" -n 500 --record traces -o "$tmp/full.h5" >"$tmp/out" 2>"$tmp/err")
rc=$?
[ $rc -eq 3 ] && ok || bad "disk full: exit $rc, expected 3"
contains "$tmp/err" "cannot write results" "disk full message"
[ ! -e "$tmp/full.h5" ] && ok || bad "disk full left a results file"
ls "$tmp"/full.h5.tmp-* >/dev/null 2>&1 && bad "disk full left a temporary file" || ok
# SIGKILL while overwriting with --force: the previous file stays whole
"$bin" run "$sq" -n 10 --seed 11 -o "$tmp/k.h5" -q
cp "$tmp/k.h5" "$tmp/k.copy"
"$bin" run "$sq" -n 100000000 --record outcomes -o "$tmp/k.h5" --force -q &
pid=$!
sleep 1
kill -9 $pid
wait $pid 2>/dev/null
cmp -s "$tmp/k.h5" "$tmp/k.copy" && ok || bad "SIGKILL changed the previous results file"
"$bin" info "$tmp/k.h5" >"$tmp/info" 2>&1 && ok || bad "the previous file is unreadable after SIGKILL"
rm -f "$tmp"/k.h5.tmp-*

# batch experiments: design, run, rerun, sensitivity, replay, shards, interruption, faults
cat >"$tmp/ex.yaml" <<YAML
name: cli_sobol
scenarios: $src/scenarios/status_quo.yaml
seed: 4
runs_per_point: 3
design: {kind: sobol, base_rows: 8}
factors:
  - {name: leverage, path: parameters.leverage.value, range: [5, 20]}
  - {name: learning, path: parameters.aid.learning_rate, range: [0.1, 1], distribution: log_uniform}
outcomes: [mean_utility.RUS]
YAML
sed 's/seed: 4/seed: 5/' "$tmp/ex.yaml" >"$tmp/ex_other.yaml"
expect 0 "design" -- "$bin" design "$tmp/ex.yaml" --salib "$tmp/salib"
contains "$tmp/out" "sobol design, 32 points" "design summary"
[ "$(wc -l <"$tmp/salib/sample.txt")" -eq 32 ] && ok || bad "SALib sample has 32 rows"
contains "$tmp/salib/problem.json" '"names": ["leverage", "learning"]' "SALib problem names"
expect 0 "batch" -- "$bin" batch "$tmp/ex.yaml" -o "$tmp/batch.h5"
contains "$tmp/out" "96 runs" "batch reports its runs"
[ ! -e "$tmp/batch.h5.journal" ] && ok || bad "a finished batch left its journal"
expect 0 "batch rerun" -- "$bin" batch "$tmp/ex.yaml" -o "$tmp/batch.h5"
contains "$tmp/out" "nothing to do" "a finished batch is not rerun"
expect 2 "batch over another experiment's file" -- "$bin" batch "$tmp/ex_other.yaml" -o "$tmp/batch.h5"
contains "$tmp/err" "is not a finished file of this experiment" "another experiment's file is protected"
expect 0 "info on a batch file" -- "$bin" info "$tmp/batch.h5"
contains "$tmp/out" "experiment 'cli_sobol': sobol design, 32 points x 3 runs" "info describes the experiment"
expect 0 "sensitivity" -- "$bin" sensitivity "$tmp/batch.h5" --resamples 100
contains "$tmp/out" "Sobol' indices of mean_utility.RUS" "sensitivity table"
contains "$tmp/out" "stored in" "sensitivity stored"
expect 0 "sensitivity csv" -- "$bin" sensitivity "$tmp/batch.h5" --resamples 100 --format csv --no-store --estimator jansen
contains "$tmp/out" "scenario,outcome,factor,s1,s1_low,s1_high,st,st_low,st_high" "sensitivity csv header"
expect 2 "sensitivity of an unknown outcome" -- "$bin" sensitivity "$tmp/batch.h5" --outcome mean_utilty.RUS
contains "$tmp/err" "did you mean 'mean_utility'" "sensitivity suggests the outcome"
expect 2 "sensitivity of a run file" -- "$bin" sensitivity "$tmp/k.h5"
expect 0 "replay" -- "$bin" replay "$tmp/batch.h5" --point 3 --run 1 -o "$tmp/replay.h5"
expect 0 "info on a replay" -- "$bin" info "$tmp/replay.h5"
contains "$tmp/out" "traces/" "replay writes traces"
expect 2 "replay of a missing point" -- "$bin" replay "$tmp/batch.h5" --point 32 --run 0 -o "$tmp/replay2.h5"
contains "$tmp/err" "expected 0 to 31" "replay names the valid points"
expect 2 "batch with a bad shard" -- "$bin" batch "$tmp/ex.yaml" --shard 3/2 -o "$tmp/shard.h5"
expect 0 "shard 1/2" -- "$bin" batch "$tmp/ex.yaml" --shard 1/2 -o "$tmp/s1.h5" -q
expect 0 "shard 2/2" -- "$bin" batch "$tmp/ex.yaml" --shard 2/2 -o "$tmp/s2.h5" -q
expect 2 "merge with a shard missing" -- "$bin" merge "$tmp/s1.h5" -o "$tmp/m.h5"
contains "$tmp/err" "shard 2/2 is missing" "merge names the missing shard"
echo "not hdf5" >"$tmp/not_a_shard.h5"
expect 2 "merge of a file that is not a shard" -- "$bin" merge "$tmp/s1.h5" "$tmp/not_a_shard.h5" -o "$tmp/m.h5"
expect 0 "merge" -- "$bin" merge "$tmp/s2.h5" "$tmp/s1.h5" -o "$tmp/m.h5"
expect 2 "sensitivity of a shard" -- "$bin" sensitivity "$tmp/s1.h5"
contains "$tmp/err" "join the shards with sixparty merge first" "sensitivity asks for the merged file"
# a bad experiment: located errors, nothing written
printf 'scenarios: %s\ndesign: {kind: sobol, base_rows: 4}\nfactors:\n  - {path: parameters.leverage.value, range: [5]}\n' "$src/$sq" >"$tmp/bad_ex.yaml"
expect 2 "batch with a bad experiment" -- "$bin" batch "$tmp/bad_ex.yaml" -o "$tmp/bad_ex.h5"
contains "$tmp/err" "bad_ex.yaml:4:46: error: factors.0.range: found a sequence; expected [lower, upper]" "bad experiment location"
[ ! -e "$tmp/bad_ex.h5" ] && [ ! -e "$tmp/bad_ex.h5.journal" ] && ok || bad "a bad experiment wrote something"
# SIGKILL and SIGINT in the middle: finished runs survive; the same command finishes the rest
# and the data equal those of an uninterrupted batch
sed 's/runs_per_point: 3/runs_per_point: 60/' "$tmp/ex.yaml" >"$tmp/long.yaml"
started() {  # JOURNAL: wait (up to 20 s) until the batch has journalled some runs
  for _ in $(seq 1 400); do
    [ -f "$1" ] && [ "$(stat -c %s "$1")" -gt 20000 ] && return 0
    sleep 0.05
  done
  return 1
}
"$bin" batch "$tmp/long.yaml" -o "$tmp/whole.h5" -q
"$bin" batch "$tmp/long.yaml" -o "$tmp/killed.h5" -q &
pid=$!
started "$tmp/killed.h5.journal" || bad "the batch journalled nothing"
kill -9 $pid
wait $pid 2>/dev/null
[ -s "$tmp/killed.h5.journal" ] && ok || bad "SIGKILL lost the journal"
[ ! -e "$tmp/killed.h5" ] && ok || bad "SIGKILL left a results file"
expect 0 "resume after SIGKILL" -- "$bin" batch "$tmp/long.yaml" -o "$tmp/killed.h5"
contains "$tmp/out" "resumed from" "resume reports the runs found"
"$bin" batch "$tmp/long.yaml" -o "$tmp/int.h5" -q 2>"$tmp/err" &
pid=$!
started "$tmp/int.h5.journal" || bad "the batch journalled nothing"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok || bad "SIGINT during batch: exit $rc, expected 130"
contains "$tmp/err" "rerun the same command to finish the rest" "SIGINT says how to resume"
expect 0 "resume after SIGINT" -- "$bin" batch "$tmp/long.yaml" -o "$tmp/int.h5" -q
# (tools/setup.sh installs python3-h5py; without it this comparison fails rather than being skipped)
for f in killed int; do
  if /usr/bin/python3 "$src/tests/cli/same_batch_data.py" "$tmp/whole.h5" "$tmp/$f.h5"; then ok; else bad "resumed batch ($f) differs from the uninterrupted one"; fi
done
# a full disk while writing the file: exit 3, the journal keeps every finished run
(trap '' XFSZ; ulimit -f 60; "$bin" batch "$tmp/long.yaml" -o "$tmp/full_b.h5" >"$tmp/out" 2>"$tmp/err")
rc=$?
[ $rc -eq 3 ] && ok || bad "batch on a full disk: exit $rc, expected 3"
contains "$tmp/err" "finished runs stay in" "batch disk-full message"
[ ! -e "$tmp/full_b.h5" ] && ok || bad "batch on a full disk left a results file"
expect 0 "resume after the disk is freed" -- "$bin" batch "$tmp/long.yaml" -o "$tmp/full_b.h5"
contains "$tmp/out" "resumed from" "resume after a full disk uses the journal"

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
