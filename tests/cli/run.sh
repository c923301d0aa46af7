#!/usr/bin/env bash
# Command-line tests of the scenario commands: validate, run, compare; exit codes, messages, atomic output.
# usage: run.sh SIXPARTY_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$@"

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

# a bad uncertainty block: located errors, exit 2, nothing written
expect 2 "run a bad uncertainty block" -- "$bin" run tests/data/bad/bad_uncertainty.yaml -n 5 -o "$tmp/badu.h5"
contains "$tmp/err" "bad_uncertainty.yaml:22:24: error: uncertainty.events.date_steps" "run locates the uncertainty error"
[ ! -e "$tmp/badu.h5" ] && ok || bad "a bad uncertainty block left an output file"
ls "$tmp"/badu.h5.tmp-* >/dev/null 2>&1 && bad "a bad uncertainty block left a temporary file" || ok

# seeds are whole numbers in [0, 2^63), written as digits: no wrap-around, no rounding (issue 19)
for s in -1 1e23 9223372036854775808; do
  expect 2 "--seed $s" -- "$bin" run "$sq" -n 2 --seed "$s" -o "$tmp/seed.h5" -q
  contains "$tmp/err" "expected a whole number in [0, 2^63)" "--seed $s message"
done
[ ! -e "$tmp/seed.h5" ] && ok || bad "a bad seed left an output file"
printf 'extends: %s\nrun: {seed: 9223372036854775808}\n' "$PWD/$sq" >"$tmp/bigseed.yaml"
expect 2 "run.seed of 2^63" -- "$bin" validate "$tmp/bigseed.yaml"
contains "$tmp/err" "bigseed.yaml:2:" "run.seed error is located"

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
# the summary says what kind of number each column is: an interval for a probability, the spread
# of runs for means, and which values no run changes (the DPRK's final stability under collapse)
contains "$tmp/out" "share of runs [95 % Monte Carlo interval, Wilson]" "run summary labels P(collapse)"
contains "$tmp/out" "mean over runs +- the sd across runs" "run summary labels the spread of runs"
grep -qE "^  RUS +0\.000 \[0\.000, 0\.[0-9]+\] +0\.[0-9]+ \+- 0\.[0-9]+ " "$tmp/out" && ok || bad "status quo summary row: $(grep RUS "$tmp/out")"
expect 0 "collapse summary" -- "$bin" run "$src/scenarios/collapse.yaml" -n 10 -o "$tmp/c.h5"
grep -qE "^  DPRK +1\.000 \[0\.[0-9]+, 1\.000\] +0\.000 \(all runs\)" "$tmp/out" && ok || bad "collapse summary marks what no run changes: $(grep DPRK "$tmp/out")"

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
contains "$tmp/out" "family,metric,actor,detail,units,mean_status_quo,mean_collapse,diff,ci_low,ci_high,runs_q05,runs_q95,deterministic,effect_size" "csv header"
# compare never changes its inputs: without -o nothing is stored; -o NEW writes a new file;
# an input named with -o is the one place it stores into (issue 17)
sha256sum "$tmp/c.h5" >"$tmp/c.sum"
expect 0 "compare groups, not stored" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse"
contains "$tmp/out" "not stored: -o FILE keeps the comparison" "compare says it did not store"
sha256sum -c --quiet "$tmp/c.sum" && ok || bad "compare without -o changed its input"
expect 0 "compare groups into a new file" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" -o "$tmp/cmp.h5"
contains "$tmp/out" "comparison stored in $tmp/cmp.h5 (comparisons/status_quo_vs_collapse)" "compare -o names the new file"
sha256sum -c --quiet "$tmp/c.sum" && ok || bad "compare -o NEW changed its input"
"$bin" info "$tmp/cmp.h5" >"$tmp/info" 2>&1
contains "$tmp/info" "status_quo_vs_collapse/" "the new file holds the comparison"
expect 2 "compare -o an existing file" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" -o "$tmp/cmp.h5"
contains "$tmp/err" "expected a new path, or --force" "compare -o existing message"
expect 0 "compare -o an input, named" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" -o "$tmp/./c.h5" -q
"$bin" info "$tmp/c.h5" >"$tmp/info" 2>&1
contains "$tmp/info" "status_quo_vs_collapse/" "the named input holds the comparison"
# compare for people (issue 17): sorted by effect, --top, --actor, --family, --threshold
expect 0 "compare sorted by effect" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --format csv --sort effect
/usr/bin/python3 - "$tmp/out" <<'PY' && ok || bad "compare --sort effect: rows are not in order of |effect size|"
import csv, math, sys
e = [float(r["effect_size"]) for r in csv.DictReader(open(sys.argv[1]))]
finite = [abs(x) for x in e if not math.isnan(x)]
assert finite == sorted(finite, reverse=True) and e[:len(finite)] == [x for x in e if not math.isnan(x)], e[:10]
PY
expect 0 "compare --top 5" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --top 5
contains "$tmp/out" "... 5 of " "compare --top says how many rows it left out"
[ "$(grep -c '^  [A-Z]' "$tmp/out")" -eq 5 ] && ok || bad "compare --top 5 printed another number of rows"
expect 0 "compare --actor --family" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --actor RUS --family aid --format csv
[ "$(tail -n +2 "$tmp/out" | cut -d, -f1,3 | sort -u)" = "aid,RUS" ] && ok || bad "compare --actor RUS --family aid kept other rows"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 5 ] && ok || bad "compare --actor RUS --family aid: expected Russia's aid to 5 partners"
expect 2 "compare an unknown family" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --family utilty
contains "$tmp/err" "--family utilty: no such family (did you mean 'utility'?)" "unknown family message"
expect 0 "compare --threshold" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:collapse" --threshold 0.1 --top 0
contains "$tmp/out" "|diff| >= 0.1 (the threshold; smaller differences are not shown)" "the threshold is explained"
/usr/bin/python3 -c "
import re, sys
rows = [l for l in open('$tmp/out') if re.match(r'  [A-Z]+ +[a-z_]+: ', l)]
diffs = [float(re.search(r' ([+-][0-9]+[.][0-9]+)  ', l).group(1)) for l in rows]
assert diffs and all(abs(d) >= 0.1 for d in diffs), diffs" && ok || bad "compare --threshold showed a smaller difference"
# the exchange rows (issue 17): resources an aid recipient returns, per partner; without the
# exchange mechanism they vanish, and compare says by how much
printf 'extends: %s/scenarios/status_quo.yaml\nname: no_exchange\nmechanisms: {exchange: off}\n' "$src" > "$tmp/no_exchange.yaml"
expect 0 "compare the exchange rows" -- "$bin" compare scenarios/status_quo.yaml "$tmp/no_exchange.yaml" -n 8 --family exchange --format csv -q -o "$tmp/ne.h5"
/usr/bin/python3 - "$tmp/out" <<'PY' && ok || bad "compare --family exchange: no exchange row, or exchange left in B"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and {r["family"] for r in rows} == {"exchange"}, rows[:2]
assert all(r["metric"].startswith("mean_exchange_") and r["units"] for r in rows)
assert any(float(r["mean_status_quo"]) > 0 for r in rows), "no exchange in the status quo"
assert all(float(r["mean_no_exchange"]) == 0 for r in rows), "exchange without the mechanism"
assert all(float(r["diff"]) <= 0 for r in rows)
PY
expect 2 "compare a missing group" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/c.h5:nothing"
contains "$tmp/err" "has no group 'nothing'" "missing group message"
expect 2 "compare one scenario and one group" -- "$bin" compare scenarios/status_quo.yaml "$tmp/c.h5:collapse"
expect 2 "compare three inputs" -- "$bin" compare a.yaml b.yaml c.yaml
expect 2 "compare a bad format" -- "$bin" compare --format xml
"$bin" run scenarios/historical_1980_2005.yaml -n 4 -o "$tmp/h.h5" --record outcomes -q
expect 2 "compare worlds that differ" -- "$bin" compare "$tmp/c.h5:status_quo" "$tmp/h.h5:historical_1980_2005"
contains "$tmp/err" "do not share a world" "different worlds message"
head -c 5000 /dev/urandom >"$tmp/garbage.h5"
expect 2 "compare a garbage file" -- "$bin" compare "$tmp/garbage.h5:x" "$tmp/garbage.h5:y"

finish
