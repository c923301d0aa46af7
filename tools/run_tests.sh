#!/usr/bin/env bash
# The whole test suite: set up, build in Release and run every test (unit, command line,
# Python, MPI), then build with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit and
# command-line tests again. The sanitizer builds have no MPI: they are the proof that a build
# without it passes every other test. Exits non-zero on the first failing pass.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup.sh" --tests
cd "$root"
start=$(date +%s)
export SIXPARTY_REQUIRE_BROWSER=1  # the report's browser test must run, not skip (setup installed chromium)
export SIXPARTY_REQUIRE_CF_TOOLS=1  # the CF checks must run, not skip (setup installed udunits2 and ncdump)
export SIXPARTY_REQUIRE_MPI=1  # the MPI tests must run, not skip (setup installed OpenMPI)
export SIXPARTY_REQUIRE_MODULE=1  # the Python module's tests must run, not skip (setup installed pybind11)

echo "== release: all tests"
ctest --preset release -j2

# (not the validation tests: they rerun the release pass's model checks at full size, 400 s under
# ASan, through code the command-line tests already cover, audit included)
echo "== asan+ubsan: unit and command-line tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j2 -E "^python|^validation"

# (not the damaged-file survey, cli: readers: it reads files in single-threaded commands and
# takes 8 minutes under TSan; the release and ASan passes run it)
echo "== tsan: unit and command-line tests (threads from std::thread: Debian's TBB is not instrumented)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j2
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --preset tsan -j2 -E "^python|^validation|^cli: readers"

echo "== fuzz: libFuzzer on the scenario compiler, the experiment reader and every reader of results and batch files (bounded time)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2
fuzzdir=build/fuzz/run
rm -rf "$fuzzdir" && mkdir -p "$fuzzdir/scenarios" "$fuzzdir/results" "$fuzzdir/experiments" "$fuzzdir/findings"
cp scenarios/experiments/*.yaml "$fuzzdir/experiments/"
cp tests/data/fuzz/experiments/* "$fuzzdir/experiments/" 2>/dev/null || true
cp scenarios/*.yaml tests/data/bad/*.yaml "$fuzzdir/scenarios/"
cp tests/data/fuzz/scenarios/* "$fuzzdir/scenarios/" 2>/dev/null || true
cp tests/data/fuzz/results/* "$fuzzdir/results/" 2>/dev/null || true
build/release/sim/sixparty run scenarios/status_quo.yaml -n 2 --record outcomes -o "$fuzzdir/results/small.h5" --force -q
# the readers of compare, sensitivity, replay and merge: seeds written by the program, and the
# damaged files earlier fuzzing found (tests/data/fuzz/<target>/)
for t in compare sensitivity replay merge; do
  mkdir -p "$fuzzdir/$t"
  cp tests/data/fuzz/$t/* "$fuzzdir/$t/" 2>/dev/null || true
done
cp "$fuzzdir/results/small.h5" "$fuzzdir/compare/"
build/release/sim/sixparty batch tests/data/fuzz/batch_seed.yaml -o "$fuzzdir/sensitivity/batch.h5" -q
cp "$fuzzdir/sensitivity/batch.h5" "$fuzzdir/replay/"
for k in 1 2; do
  build/release/sim/sixparty batch tests/data/fuzz/batch_seed.yaml --shard $k/2 -o "$fuzzdir/merge/shard$k.h5" -q
done
fuzz() {  # NAME SECONDS CORPUS MAXLEN
  if ! LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp" "build/fuzz/tests/fuzz/$1" "$3" -max_total_time="$2" -max_len="$4" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$fuzzdir/findings/" -print_final_stats=1 >"$fuzzdir/$1.log" 2>&1; then
    echo "$1: FINDING (see $fuzzdir/findings and $fuzzdir/$1.log)"
    grep -E "ERROR|SUMMARY" "$fuzzdir/$1.log" | head -5
    return 1
  fi
  echo "$1: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$fuzzdir/$1.log"), no findings"
}
# budgets sized so that the whole command stays under 40 minutes on 2 cores (sim/README.md)
fuzz fuzz_scenario 35 "$fuzzdir/scenarios" 20000
fuzz fuzz_results 25 "$fuzzdir/results" 200000
fuzz fuzz_experiment 20 "$fuzzdir/experiments" 8000
for t in compare sensitivity replay merge; do
  fuzz fuzz_$t 15 "$fuzzdir/$t" 400000
done

echo "== valgrind: a small paired ensemble"
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite -q \
  build/release/sim/sixparty run scenarios/status_quo.yaml scenarios/collapse.yaml -n 4 --threads 2 \
  -o build/valgrind.h5 --force -q
echo "valgrind: clean"

echo "== all passes done in $(( $(date +%s) - start )) s"
