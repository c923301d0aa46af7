#!/usr/bin/env bash
# The whole test suite: set up, build in Release and run every test (unit, command line,
# Python), then build with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit and
# command-line tests again. Exits non-zero on the first failing pass.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup.sh" --tests
cd "$root"
start=$(date +%s)

echo "== release: all tests"
ctest --preset release -j2

echo "== asan+ubsan: unit and command-line tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j2 -E "^python"

echo "== tsan: unit and command-line tests (threads from std::thread: Debian's TBB is not instrumented)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j2
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --preset tsan -j1 -E "^python|^validation"

echo "== valgrind: a small paired ensemble"
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite -q \
  build/release/sim/sixparty run scenarios/status_quo.yaml scenarios/collapse.yaml -n 4 --threads 2 \
  -o build/valgrind.h5 --force -q
echo "valgrind: clean"

echo "== all passes done in $(( $(date +%s) - start )) s"
