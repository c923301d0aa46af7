#!/usr/bin/env bash
# Command-line tests of the file commands: version, params, info (also on damaged files), generate.
# usage: files.sh SIXPARTY_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "version" -- "$bin" --version
contains "$tmp/out" "sixparty " "version text"
expect 2 "no subcommand" -- "$bin"
expect 2 "unknown option" -- "$bin" run "$sq" --bogus
expect 2 "runs out of range" -- "$bin" run "$sq" -n 0
expect 0 "params" -- "$bin" params
contains "$tmp/out" "gravity_scale" "params lists the catalogue"

# info
"$bin" run "$sq" -n 20 --seed 3 -o "$tmp/a.h5" --quiet
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

# generate: a synthetic world that validates and runs
expect 0 "generate" -- "$bin" generate -n 9 --seed 4 -o "$tmp/g.yaml"
expect 0 "validate a generated world" -- "$bin" validate "$tmp/g.yaml"
cp "$tmp/g.yaml" "$tmp/g.copy"
expect 2 "generate over an existing file" -- "$bin" generate -n 5 -o "$tmp/g.yaml"
contains "$tmp/err" "exists; expected a new path, or --force" "generate refuses to overwrite"
cmp -s "$tmp/g.yaml" "$tmp/g.copy" && ok || bad "generate changed the existing file"
expect 0 "generate --force" -- "$bin" generate -n 5 -o "$tmp/g5.yaml" --force
# no output replaces a device or a pipe, even with --force
mkfifo "$tmp/outpipe"
expect 2 "run -o a FIFO --force" -- "$bin" run "$sq" -n 2 -o "$tmp/outpipe" --force -q
contains "$tmp/err" "is not a regular file" "run refuses a FIFO as output"
[ -p "$tmp/outpipe" ] && ok || bad "the FIFO was replaced"
expect 2 "generate -o a FIFO --force" -- "$bin" generate -n 5 -o "$tmp/outpipe" --force
[ -p "$tmp/outpipe" ] && ok || bad "generate replaced the FIFO"
expect 0 "run a generated world" -- "$bin" run "$tmp/g.yaml" -n 4 -o "$tmp/g.h5" -q
"$bin" generate -n 9 --seed 4 >"$tmp/g2.yaml"
cmp -s "$tmp/g.yaml" "$tmp/g2.yaml" && ok || bad "generate is not deterministic for a seed"
expect 2 "generate one actor" -- "$bin" generate -n 1
# a world too large for per-step summaries is refused before anything runs, with the way out
"$bin" generate -n 80 -o "$tmp/g80.yaml"
expect 2 "summaries of a large world" -- "$bin" run "$tmp/g80.yaml" -n 2 -o "$tmp/g80.h5"
contains "$tmp/err" "expected --record outcomes for a world this large" "large-world message"
[ ! -e "$tmp/g80.h5" ] && ok || bad "a refused large world left a file"

finish
