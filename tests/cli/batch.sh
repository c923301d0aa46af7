#!/usr/bin/env bash
# Command-line tests of the batch commands: batch, design, sensitivity, replay, merge; resume after SIGKILL, SIGINT and a full disk.
# usage: batch.sh SIXPARTY_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$@"

"$bin" run "$sq" -n 2 -o "$tmp/k.h5" -q  # a run file, where a batch file is expected

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
# the status quo declares uncertain inputs: the replay stores its run's draws, and they are those
# of run 1 of a plain `run` of the point's scenario (factors set, the point's seed)
/usr/bin/python3 - "$tmp/batch.h5" >"$tmp/point3" <<'PY'
import sys, h5py
d = h5py.File(sys.argv[1], "r")["design"]
print(int(d["seed"][3]), *(f"{d[n][3]:.17g}" for n in ("leverage", "learning")))
PY
read -r pseed plev plearn <"$tmp/point3"
expect 0 "run of point 3" -- "$bin" run "$sq" -n 2 --seed "$pseed" --set "parameters.leverage.value=$plev" \
  --set "parameters.aid.learning_rate=$plearn" --record outcomes -o "$tmp/point3.h5" -q
if /usr/bin/python3 - "$tmp/replay.h5" "$tmp/point3.h5" <<'PY'
import sys, h5py, numpy as np
def draws(path, row):
    d = h5py.File(path, "r")["status_quo/draws"]
    names = [q.decode() if isinstance(q, bytes) else q for q in d["quantity"][:]]
    return names, d["value"][row]
rn, rv = draws(sys.argv[1], 0)
pn, pv = draws(sys.argv[2], 1)
assert h5py.File(sys.argv[1], "r")["status_quo/draws/run"][0] == 1
assert rn == pn and len(rn) > 10, (len(rn), len(pn))
assert np.array_equal(rv, pv), "replayed draws differ"
PY
then ok; else bad "the replay does not reproduce the run's draws"; fi
# replay has run's memory guard: a 10,000-step world's summaries are refused, outcomes are not
printf 'extends: %s\nname: long\ntime: {start: 2005, end: 4505, steps_per_year: 4}\n' "$src/scenarios/status_quo.yaml" >"$tmp/long_world.yaml"
printf 'name: long\nscenarios: %s\nruns_per_point: 1\ndesign: {kind: factorial}\nfactors:\n  - {path: parameters.leverage.value, levels: [5, 10]}\n' \
  "$tmp/long_world.yaml" >"$tmp/long_ex.yaml"
expect 0 "batch of a long world" -- "$bin" batch "$tmp/long_ex.yaml" -o "$tmp/long_b.h5" -q
expect 2 "replay over the memory guard" -- "$bin" replay "$tmp/long_b.h5" --point 0 --run 0 -o "$tmp/long_r.h5"
contains "$tmp/err" "expected --record outcomes for a world this large" "replay names the way out"
[ ! -e "$tmp/long_r.h5" ] && ok || bad "a refused replay left a file"
expect 0 "replay with --record outcomes" -- "$bin" replay "$tmp/long_b.h5" --point 0 --run 0 -o "$tmp/long_r.h5" --record outcomes -q
expect 2 "replay of a missing point" -- "$bin" replay "$tmp/batch.h5" --point 32 --run 0 -o "$tmp/replay2.h5"
contains "$tmp/err" "expected 0 to 31" "replay names the valid points"
expect 2 "batch with a bad shard" -- "$bin" batch "$tmp/ex.yaml" --shard 3/2 -o "$tmp/shard.h5"
expect 0 "shard 1/2" -- "$bin" batch "$tmp/ex.yaml" --shard 1/2 -o "$tmp/s1.h5" -q
expect 0 "shard 2/2" -- "$bin" batch "$tmp/ex.yaml" --shard 2/2 -o "$tmp/s2.h5" -q
# a damaged shard is bad input (exit 2) and is named
cp "$tmp/s2.h5" "$tmp/s2_damaged.h5"
/usr/bin/python3 -c "import h5py, sys; f = h5py.File(sys.argv[1], 'r+'); del f['runs/status']" "$tmp/s2_damaged.h5"
expect 2 "merge with a damaged shard" -- "$bin" merge "$tmp/s1.h5" "$tmp/s2_damaged.h5" -o "$tmp/md.h5"
contains "$tmp/err" "s2_damaged.h5' is damaged" "merge names the damaged shard"
[ ! -e "$tmp/md.h5" ] && ok || bad "a failed merge left a file"
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
started() { wait_for_file "$1" 20000; }  # JOURNAL: the batch has journalled some runs
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
(ulimit -f 60; "$bin" batch "$tmp/long.yaml" -o "$tmp/full_b.h5" >"$tmp/out" 2>"$tmp/err")  # SIGXFSZ at its default
rc=$?
[ $rc -eq 3 ] && ok || bad "batch on a full disk: exit $rc, expected 3"
contains "$tmp/err" "finished runs stay in" "batch disk-full message"
[ ! -e "$tmp/full_b.h5" ] && ok || bad "batch on a full disk left a results file"
expect 0 "resume after the disk is freed" -- "$bin" batch "$tmp/long.yaml" -o "$tmp/full_b.h5"
contains "$tmp/out" "resumed from" "resume after a full disk uses the journal"

# a point whose every run fails (issue 16): the file keeps every result, the batch names the point
# and exits 1. Here the DPRK's three interest weights at 0 together (each end alone is valid)
cat > "$tmp/allzero.yaml" <<EOF
name: allzero
scenarios: $src/scenarios/status_quo.yaml
seed: 1
runs_per_point: 2
design: {kind: factorial}
factors:
  - {name: rs, path: actors.DPRK.interests.regime_survival, levels: [0, 0.5]}
  - {name: se, path: actors.DPRK.interests.security, levels: [0, 0.5]}
  - {name: ec, path: actors.DPRK.interests.economy, levels: [0, 0.5]}
outcomes: [collapsed.DPRK]
EOF
expect 1 "a batch with a point that has no finished run" -- "$bin" batch "$tmp/allzero.yaml" -o "$tmp/allzero.h5" -q
contains "$tmp/err" "every run of 1 of 8 points failed, so they have no result (point 0: the point's scenario does not compile:" "the empty point is named"
contains "$tmp/err" "all weights are zero" "the empty point's reason"
[ -f "$tmp/allzero.h5" ] && ok || bad "the batch with an empty point kept no file"
expect 1 "rerunning a finished batch with a point that has no result" -- "$bin" batch "$tmp/allzero.yaml" -o "$tmp/allzero.h5" -q
contains "$tmp/err" "every run of 1 of 8 points failed" "the rerun names the empty point too"

# a factor on an event's date (issue 16): snapped to the step grid, so every run runs; the design
# table holds the dates used. And one on another event's magnitude (its size)
cat > "$tmp/date.yaml" <<EOF
name: date
scenarios: $src/scenarios/collapse.yaml
seed: 3
runs_per_point: 2
design: {kind: latin_hypercube, points: 6}
factors:
  - {name: when, path: events.5.at, range: [2008, 2015]}
  - {name: far_east, path: events.0.size, range: [0.5, 2]}
outcomes: [collapsed.DPRK]
EOF
expect 0 "a batch over an event's date" -- "$bin" batch "$tmp/date.yaml" -o "$tmp/date.h5"
[ "$(grep -c 'failed' "$tmp/err")" -eq 0 ] && ok || bad "runs of the event-date batch failed: $(head -2 "$tmp/err")"
/usr/bin/python3 - "$src/tools" "$tmp/date.h5" <<'PY' && ok || bad "the event-date factor's values are not on the step grid"
import sys
sys.path.insert(0, sys.argv[1])
import sixparty_results as sr
when = sr.design(sys.argv[2])["when"]
assert len(when) == 6 and all(abs(w * 4 - round(w * 4)) < 1e-9 and 2008 <= w <= 2015 for w in when), list(when)
assert (sr.runs(sys.argv[2]).status == 0).all()
size = sr.design(sys.argv[2])["far_east"]
assert size.min() >= 0.5 and size.max() <= 2 and size.nunique() == 6
PY

# an imported design (issue 16): a SALib sample as `design --salib` writes it runs the same points,
# and so the same runs, as the design it came from; a CSV names its columns in any order; a
# mistake in the file is located in it
mkdir -p "$tmp/imp"
cat > "$tmp/imp/lhs.yaml" <<EOF
name: lhs
scenarios: $src/scenarios/status_quo.yaml
seed: 9
runs_per_point: 2
design: {kind: latin_hypercube, points: 5}
factors:
  - {name: bias, path: parameters.stability.bias, range: [-1.5, -0.5]}
  - {name: leverage, path: parameters.leverage.value, range: [5, 20]}
outcomes: [min_stability.DPRK]
EOF
sed -e 's/^name: lhs/name: imported/' -e 's|^design: .*|design: {kind: imported, file: salib/sample.txt}|' \
    -e 's/, range: \[[^]]*\]//' "$tmp/imp/lhs.yaml" > "$tmp/imp/imported.yaml"
expect 0 "design --salib for an import" -- "$bin" design "$tmp/imp/lhs.yaml" --salib "$tmp/imp/salib"
expect 0 "the original design" -- "$bin" batch "$tmp/imp/lhs.yaml" -o "$tmp/imp/lhs.h5" -q
expect 0 "the imported SALib sample" -- "$bin" batch "$tmp/imp/imported.yaml" -o "$tmp/imp/imported.h5" -q
/usr/bin/python3 - "$src/tools" "$tmp/imp" <<'PY' && ok || bad "the imported sample did not run the original design's points and runs"
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import sixparty_results as sr
a, b = f"{sys.argv[2]}/lhs.h5", f"{sys.argv[2]}/imported.h5"
assert sr.experiment(b)["design"] == "imported"
for f in ("bias", "leverage"):
    assert np.array_equal(sr.design(a)[f].to_numpy(), sr.design(b)[f].to_numpy()), f
assert np.array_equal(sr.runs(a)["min_stability"].to_numpy(), sr.runs(b)["min_stability"].to_numpy())
PY
printf '\357\273\277# a hand-made design, saved as "CSV UTF-8" (a byte-order mark)\r\nleverage, bias\r\n+10, -1.2\r\n\r\n15, -0.8' > "$tmp/imp/hand.csv"
sed 's|salib/sample.txt|hand.csv|' "$tmp/imp/imported.yaml" > "$tmp/imp/hand.yaml"
expect 0 "a CSV design with a header" -- "$bin" design "$tmp/imp/hand.yaml"
contains "$tmp/out" "imported design, 2 points" "the CSV's two rows are the points"
contains "$tmp/out" "bias: parameters.stability.bias, 2 values from the design file, in [-1.2, -0.8]" "the CSV's columns by name"
printf 'leverage,bais\n10,-1.2\n15,x\n' > "$tmp/imp/bad.csv"
sed 's|salib/sample.txt|bad.csv|' "$tmp/imp/imported.yaml" > "$tmp/imp/bad.yaml"
expect 2 "a CSV design with mistakes" -- "$bin" design "$tmp/imp/bad.yaml"
contains "$tmp/err" "bad.csv:1:10: error: design.file: column 'bais' is not a factor (did you mean 'bias'?)" "an unknown column, located"
contains "$tmp/err" "bad.csv:3:4: error: design.file: 'x'; expected a finite number" "a bad value, located"

# an integer factor (issue 16): sampled values rounded, the design table holds them
sed -e 's/^name: lhs/name: counts/' -e 's|  - {name: leverage.*|  - {name: acts, path: parameters.decision.acts_per_year, range: [2, 24], integer: true}|' \
    "$tmp/imp/lhs.yaml" > "$tmp/imp/counts.yaml"
expect 0 "a batch with an integer factor" -- "$bin" batch "$tmp/imp/counts.yaml" -o "$tmp/imp/counts.h5" -q
/usr/bin/python3 - "$src/tools" "$tmp/imp/counts.h5" <<'PY' && ok || bad "the integer factor's values are not whole numbers in its range"
import sys
sys.path.insert(0, sys.argv[1])
import sixparty_results as sr
acts = sr.design(sys.argv[2])["acts"]
assert all(a == round(a) and 2 <= a <= 24 for a in acts) and acts.nunique() > 2, list(acts)
PY
printf 'name: x\nscenarios: %s/scenarios/status_quo.yaml\ndesign: {kind: latin_hypercube, points: 4}\nfactors:\n  - {path: parameters.decision.acts_per_year, range: [2.2, 2.8], integer: true}\n' "$src" > "$tmp/imp/narrow.yaml"
expect 2 "an integer factor on a range without two integers" -- "$bin" design "$tmp/imp/narrow.yaml"
contains "$tmp/err" "holds fewer than two integers" "a narrow integer range is refused"
printf 'name: x\nscenarios: %s/scenarios/status_quo.yaml\ndesign: {kind: factorial}\nfactors:\n  - {path: parameters.decision.acts_per_year, levels: [4, 12], integer: true}\n' "$src" > "$tmp/imp/intlev.yaml"
expect 2 "an integer factor with levels" -- "$bin" design "$tmp/imp/intlev.yaml"
contains "$tmp/err" "factors.0.integer: an integer factor needs a range" "integer with levels is refused"

finish
