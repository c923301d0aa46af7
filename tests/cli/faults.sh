#!/usr/bin/env bash
# Command-line tests of interruption and faults for run: SIGINT, SIGTERM, SIGKILL, an unwritable output, a full disk.
# usage: faults.sh SIXPARTY_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$@"

# SIGINT and SIGTERM: exit 130, a file marked interrupted with the finished runs
for sig in INT TERM; do
  "$bin" run "$sq" -n 100000000 --record outcomes -o "$tmp/i$sig.h5" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  # the temporary file exists once the handlers are installed and the scenario's group is made
  wait_for_file "$tmp/i$sig.h5.tmp-*" 1 || bad "SIG$sig: the run never started writing"
  kill -s $sig $pid
  wait $pid
  rc=$?
  [ $rc -eq 130 ] && ok || bad "SIG$sig: exit $rc, expected 130"
  "$bin" info "$tmp/i$sig.h5" >"$tmp/info" 2>&1
  contains "$tmp/info" "status: interrupted" "SIG$sig marks the file"
  contains "$tmp/info" "status interrupted" "SIG$sig marks the group"
  ls "$tmp"/i$sig.h5.tmp-* >/dev/null 2>&1 && bad "SIG$sig left a temporary file" || ok
done

# special paths as inputs: a FIFO or a device is refused at once (exit 2), never read or waited on
mkfifo "$tmp/pipe"
printf 'extends: /dev/zero\nname: z\n' >"$tmp/ext_zero.yaml"
cat >"$tmp/ex_pipe.yaml" <<YAML
name: pipe
scenarios: $tmp/pipe
design: {kind: factorial}
factors:
  - {name: lev, path: parameters.leverage.value, levels: [5, 10]}
YAML
for args in "validate $tmp/pipe" "run /dev/zero -n 2 -o $tmp/z.h5" "validate $tmp/ext_zero.yaml" "batch $tmp/ex_pipe.yaml -o $tmp/p.h5" \
            "info $tmp/pipe" "compare $tmp/pipe:a $tmp/pipe:b" "sensitivity $tmp/pipe" "replay $tmp/pipe --point 0 --run 0 -o $tmp/r.h5" \
            "merge $tmp/pipe -o $tmp/m.h5"; do
  # shellcheck disable=SC2086
  expect 2 "special path: $args" -- timeout 20 "$bin" $args
  contains "$tmp/err" "is not a regular file" "special path message: $args"
done
[ ! -e "$tmp/z.h5" ] && [ ! -e "$tmp/p.h5" ] && ok || bad "a special input left an output file"

# a file that is not a scenario, reached by extends or named as a scenario, is not quoted back
printf 'root:$6$s3cr3tsalt$hash:19000:0:99999:7:::\n' >"$tmp/not_a_scenario"
printf 'extends: %s\nname: x\n' "$tmp/not_a_scenario" >"$tmp/ext_secret.yaml"
for f in "$tmp/ext_secret.yaml" "$tmp/not_a_scenario"; do
  expect 2 "not a scenario: $f" -- "$bin" validate "$f"
  contains "$tmp/err" "does not look like a scenario" "not a scenario: $f"
  grep -q "s3cr3t" "$tmp/err" && bad "the content of a file that is not a scenario was printed" || ok
done

# faults: an output place that cannot be written, a full disk, SIGKILL
expect 3 "unwritable output" -- "$bin" run "$sq" -n 5 -o /proc/sixparty-test.h5
contains "$tmp/err" "cannot write results" "unwritable output message"
# a file-size limit, with SIGXFSZ at its default (the program ignores it and reports EFBIG)
(ulimit -f 200; "$bin" run "$sq" -n 500 --record traces -o "$tmp/full.h5" >"$tmp/out" 2>"$tmp/err")
rc=$?
[ $rc -eq 3 ] && ok || bad "disk full: exit $rc, expected 3"
contains "$tmp/err" "cannot write results" "disk full message"
[ ! -e "$tmp/full.h5" ] && ok || bad "disk full left a results file"
ls "$tmp"/full.h5.tmp-* >/dev/null 2>&1 && bad "disk full left a temporary file" || ok
# every other writer under a file-size limit: exit 3, its output absent, its inputs untouched
mkdir "$tmp/fs"
"$bin" run "$sq" scenarios/collapse.yaml -n 3 --record outcomes -o "$tmp/fs/run.h5" -q
"$bin" batch tests/data/fuzz/batch_seed.yaml -o "$tmp/fs/batch.h5" -q
for k in 1 2; do "$bin" batch tests/data/fuzz/batch_seed.yaml --shard $k/2 -o "$tmp/fs/s$k.h5" -q; done
( cd "$tmp/fs" && sha256sum ./*.h5 >"$tmp/fs.sums" )
while IFS='|' read -r limit out args; do
  # shellcheck disable=SC2086
  (cd "$tmp/fs" && ulimit -f "$limit" && "$bin" $args >"$tmp/out" 2>"$tmp/err")
  rc=$?
  [ $rc -eq 3 ] && ok || { bad "file-size limit, $args: exit $rc, expected 3"; sed 's/^/  | /' "$tmp/err" | head -3; }
  [ -z "$out" ] || [ ! -e "$tmp/fs/$out" ] && ok || bad "file-size limit, $args: left $out"
  ls "$tmp"/fs/*.tmp-* >/dev/null 2>&1 && bad "file-size limit, $args: left a temporary file" || ok
done <<CASES
100|m.h5|merge s1.h5 s2.h5 -o m.h5
100|r.h5|replay batch.h5 --point 1 --run 0 -o r.h5
100||compare run.h5:status_quo run.h5:collapse -q -o run.h5
100||sensitivity batch.h5
20|g.yaml|generate -n 200 -o g.yaml
20|a.h5|audit $src/scenarios/historical_1980_2005.yaml -n 2 -o a.h5
CASES
( cd "$tmp/fs" && sha256sum -c --quiet "$tmp/fs.sums" ) && ok || bad "a writer under a file-size limit changed its input (compare and sensitivity store into theirs: it must stay whole)"
# SIGKILL while overwriting with --force: the previous file stays whole
"$bin" run "$sq" -n 10 --seed 11 -o "$tmp/k.h5" -q
cp "$tmp/k.h5" "$tmp/k.copy"
"$bin" run "$sq" -n 100000000 --record outcomes -o "$tmp/k.h5" --force -q &
pid=$!
wait_for_file "$tmp/k.h5.tmp-*" 1 || bad "the overwriting run never started writing"
# a second writer of the same output is refused while the first runs (issue 19)
expect 2 "a second run on the same output" -- "$bin" run "$sq" -n 2 -o "$tmp/k.h5" --force -q
contains "$tmp/err" "another sixparty process is writing" "the second writer is told why"
kill -9 $pid
wait $pid 2>/dev/null
cmp -s "$tmp/k.h5" "$tmp/k.copy" && ok || bad "SIGKILL changed the previous results file"
"$bin" info "$tmp/k.h5" >"$tmp/info" 2>&1 && ok || bad "the previous file is unreadable after SIGKILL"
ls "$tmp"/k.h5.tmp-* >/dev/null 2>&1 && ok || bad "SIGKILL should leave the killed run's temporary"
# the next writer of that output removes what the killed one left
expect 0 "a run after the killed one" -- "$bin" run "$sq" -n 2 -o "$tmp/k.h5" --force -q
ls "$tmp"/k.h5.tmp-* >/dev/null 2>&1 && bad "the stale temporary of a killed run is still there" || ok
# a legal 250-character output name works (the temporary's name is shortened to fit)
long="$tmp/$(printf 'x%.0s' $(seq 1 247)).h5"
expect 0 "a 250-character output name" -- "$bin" run "$sq" -n 2 --record outcomes -o "$long" -q
[ -f "$long" ] && ok || bad "no file at the long name"
finish
