#!/usr/bin/env bash
# The README's quick start ("A first question in ten minutes") works as written: its command
# block runs from a fresh folder laid out like the repository, and the table rows the README
# quotes are the ones the program prints (so the README stays true when the model changes).
# usage: quickstart.sh SIXPARTY_BINARY SOURCE_DIR
set -euo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
readme="$src/README.md"
block() {  # START_MARKER END_MARKER: the lines between them, without the code fences
  awk -v start="$1" -v end="$2" 'index($0, start) == 1 {on = 1; next} index($0, end) == 1 {on = 0} on && !/^```/' "$readme"
}
block "<!-- quickstart " "<!-- end quickstart -->" >"$tmp/quickstart.sh"
block "<!-- quickstart-output -->" "<!-- end quickstart-output -->" >"$tmp/quoted.txt"
[ -s "$tmp/quickstart.sh" ] || { echo "FAIL: no quick start block in README.md"; exit 1; }
[ -s "$tmp/quoted.txt" ] || { echo "FAIL: no quoted output in README.md"; exit 1; }

# a folder laid out like the repository after the main job: scenarios, tools, the built program
work="$tmp/work"
mkdir -p "$work/build/release/sim" "$work/results"
ln -s "$src/scenarios" "$work/scenarios"
ln -s "$src/tools" "$work/tools"
ln -s "$bin" "$work/build/release/sim/sixparty"
if ! (cd "$work" && bash -e "$tmp/quickstart.sh") >"$tmp/out" 2>"$tmp/err"; then
  echo "FAIL: the README's quick start fails"
  sed 's/^/  | /' "$tmp/err" | tail -20
  exit 1
fi
failed=0
while IFS= read -r line; do
  if ! grep -qxF -- "$line" "$tmp/out"; then
    echo "FAIL: the README quotes a row the program does not print (update README.md):"
    echo "  README:  $line"
    failed=1
  fi
done <"$tmp/quoted.txt"
for f in results/weak_regime.h5 results/weak_regime_figures/forest_utility.png results/weak_regime_figures/fan_utility.svg \
  results/weak_regime.html; do
  [ -s "$work/$f" ] || { echo "FAIL: the quick start did not write $f"; failed=1; }
done
[ $failed -eq 0 ] && echo "quickstart: the README's quick start runs and prints the rows it quotes"
exit $failed
