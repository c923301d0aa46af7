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

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
