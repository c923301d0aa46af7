#!/usr/bin/env bash
# Validation: every pattern of the historical scenario comes out as declared over 200 runs (met,
# or a declared known failure not met), the futures meet P7 (Russia worse off under collapse,
# paired by run), raising US-Russian rivalry raises Russia's gestures to the DPRK (soft balancing,
# and not without it), and --require-patterns fails when a pattern is not as declared. Exit code 4
# from sixparty means a pattern was not as declared; the table says which.
# usage: validate_patterns.sh SIXPARTY_BINARY SOURCE_DIR
set -u
bin=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$bin" run scenarios/historical_1980_2005.yaml -n 200 --require-patterns --record outcomes -o "$tmp/h.h5" >"$tmp/h.txt" 2>&1
rc=$?
sed -n '/patterns of/,$p' "$tmp/h.txt"
if [ $rc -ne 0 ]; then echo "historical: exit $rc"; status=1; fi
grep -q "not as declared" "$tmp/h.txt" && { echo "historical: a pattern is not as declared"; status=1; }
"$bin" run scenarios/status_quo.yaml scenarios/collapse.yaml -n 200 --require-patterns --record outcomes -o "$tmp/f.h5" >"$tmp/f.txt" 2>&1
rc=$?
sed -n '/patterns of/,$p' "$tmp/f.txt"
if [ $rc -ne 0 ]; then echo "futures: exit $rc"; status=1; fi
grep -qE "^  P7 +[a-z]+ +pass " "$tmp/f.txt" || { echo "futures: P7 was not met"; status=1; }
# the essay's reading, as a direction test (issue 12): raising US-Russian rivalry from 0.2 to 0.8 in
# the status quo raises Russia's gestures to the DPRK (paired runs, fixed inputs), through soft
# balancing; without it the same change lowers them (the US then only buys less Russian mediation)
for r in 0.2 0.8; do
  printf 'extends: "%s/scenarios/status_quo.yaml"\nname: rus_usa_rivalry_%s\nrelations:\n  RUS<->USA: {rivalry: %s}\n' "$PWD" "$r" "$r" >"$tmp/rivalry_$r.yaml"
done
# prints "diff ci_low ci_high" of Russia's mean gestures to the DPRK (the quoted detail holds commas)
rivalry_effect() {
  "$bin" compare "$tmp/rivalry_0.2.yaml" "$tmp/rivalry_0.8.yaml" -n 100 --set 'uncertainty={}' "$@" --family gesture \
    --actor RUS --format csv -o "$tmp/rivalry.h5" --force -q | grep '^gesture,mean_gesture_DPRK,RUS,' | sed 's/"[^"]*"//' | cut -d, -f8-10 | tr , ' '
}
read -r d lo hi <<<"$(rivalry_effect)"
echo "US-Russian rivalry 0.2 -> 0.8, Russia's gestures to the DPRK: ${d:-?} [${lo:-?}, ${hi:-?}] units/yr"
# a number, and of the right sign (awk compares a non-number such as "nan" as text)
is_positive() { awk -v x="$1" 'BEGIN { exit !(x ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ && x + 0 > 0) }'; }
is_negative() { awk -v x="$1" 'BEGIN { exit !(x ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ && x + 0 < 0) }'; }
is_positive "${lo:-}" || { echo "raising US-Russian rivalry did not raise Russia's gestures to the DPRK"; status=1; }
read -r d lo hi <<<"$(rivalry_effect --set mechanisms.soft_balancing=off)"
echo "  without soft balancing: ${d:-?} [${lo:-?}, ${hi:-?}]"
is_negative "${hi:-}" || { echo "without soft balancing the rivalry no longer lowers Russia's gestures: the test above cannot fail"; status=1; }
# --require-patterns must fail when a pattern is not met: demand an impossible tolerance
"$bin" run scenarios/historical_1980_2005.yaml -n 20 --require-patterns --record outcomes -o "$tmp/g.h5" \
  --set 'patterns.0.expect.max=0.2' >"$tmp/g.txt" 2>&1
rc=$?
if [ $rc -ne 4 ]; then echo "an unmet pattern gave exit $rc, expected 4"; status=1; fi
# ... and when a declared known failure is met: Q8 (index 8) with a tolerance it meets
grep -A6 -- "- id: Q8$" scenarios/historical_1980_2005.yaml | grep -q "known_failure:" || { echo "Q8 is no longer a known failure: update this test"; status=1; }
"$bin" run scenarios/historical_1980_2005.yaml -n 20 --require-patterns --record outcomes -o "$tmp/k.h5" \
  --set 'patterns.8.expect.max=1000' >"$tmp/k.txt" 2>&1
rc=$?
if [ $rc -ne 4 ] || ! grep -qE "^  Q8 +[a-z]+ +PASS!" "$tmp/k.txt"; then
  echo "a met known failure gave exit $rc, expected 4 and PASS!"; status=1
fi
exit $status
