# Shared by the command-line tests (tests/cli/*.sh): counters, expectations, waiting on conditions.
# usage (first lines of a test): source "$(dirname "$0")/lib.sh" "$@"   (arguments: SIXPARTY_BINARY SOURCE_DIR)
set -u
bin=$(realpath "$1")
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
# wait_for_file GLOB [MIN_BYTES]: wait (up to 30 s) until a file matching GLOB exists with at
# least MIN_BYTES; the tests that signal a running command wait on this, never on a fixed sleep
wait_for_file() {
  local glob=$1 min=${2:-0} f
  for _ in $(seq 1 600); do
    for f in $glob; do
      [ -f "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -ge "$min" ] && return 0
    done
    sleep 0.05
  done
  return 1
}
# the end of every test script
finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

cd "$src" || exit 1
sq=scenarios/status_quo.yaml
