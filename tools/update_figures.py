#!/usr/bin/env python3
"""The measured figures of models/ODD.md and README.md, generated from runs of the shipped scenarios.

Each generated block sits between two markers in the documents:

    <!-- generated:NAME (tools/update_figures.py; do not edit by hand) -->
    ...
    <!-- end generated:NAME -->

Blocks: historical-patterns and futures-patterns (every pattern with its class, observed value,
95 % bootstrap interval, bounds and verdict), audit-summary and audit-table (what the pattern
audit found), comparison (status quo against collapse, paired), input-spread (how many of the
status quo's outcome cells hardly vary between runs, with and without its declared uncertainty
and sampled decisions; tools/input_spread.py).

    /usr/bin/python3 tools/update_figures.py               # rerun (200 runs) and rewrite the blocks
    /usr/bin/python3 tools/update_figures.py --check -n 200 # fresh run; fail if the documents
                                                           # disagree beyond Monte Carlo error

The check compares every value that has an interval with the fresh one: they agree when they
differ by less than 4 combined standard errors (each from its 95 % interval, se = width / 3.92)
plus the rounding of the printed figure (0.1 % of it). Classes, claims, verdicts of the audit and
its count of independent tests must match exactly. Counts of cells that hardly vary agree within
5 cells or 10 % (they are counts of thresholded sample statistics, without an interval). Needs h5py, pandas and xarray (Debian's
/usr/bin/python3) and a built sixparty (SIXPARTY_BIN, or build/release/sim/sixparty).
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import sixparty_results as sr  # noqa: E402
import input_spread  # noqa: E402

DOCS = [ROOT / "models" / "ODD.md", ROOT / "README.md"]
HISTORICAL = "scenarios/historical_1980_2005.yaml"
FUTURES = ["scenarios/status_quo.yaml", "scenarios/collapse.yaml"]
BLOCK = re.compile(r"(<!-- generated:([a-z-]+) \(tools/update_figures.py; do not edit by hand\) -->\n)(.*?)(<!-- end generated:\2 -->)",
                   re.S)


def sixparty(*args):
    binary = os.environ.get("SIXPARTY_BIN", str(ROOT / "build" / "release" / "sim" / "sixparty"))
    r = subprocess.run([binary, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 4):
        sys.exit(f"sixparty {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r


def num(x):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a" if x is None or math.isnan(x) else ("inf" if x > 0 else "-inf")
    return f"{x:.4g}"


def claim(row):
    if row["known_failure"]:
        return "known failure: " + row["known_failure"]
    if row["class"] == "test":
        return "fails without " + row["claim"].replace("; ", ", ")
    if row["class"] == "scheduled":
        return "produced by " + row["claim"].replace("; ", ", ")
    return ""


def verdict(row):
    if not row["evaluated"]:
        return "n/a"
    if row["known_failure"]:
        return "fails (declared)" if not row["passed"] else "PASSES (declared a failure)"
    return "pass" if row["passed"] else "FAIL"


def pattern_table(df):
    lines = ["| id | class | claim | observed | 95 % interval | expected | result |", "|---|---|---|---|---|---|---|"]
    for pid, r in df.iterrows():
        lines.append(f"| {pid} | {r['class']} | {claim(r)} | {num(r['observed'])} | "
                     f"[{num(r['interval_low'])}, {num(r['interval_high'])}] | "
                     f"[{num(r['expected_min'])}, {num(r['expected_max'])}] | {verdict(r)} |")
    return "\n".join(lines) + "\n"


def audit_summary(hist, fut):
    """Text that does not depend on the number of runs, only on what the audit found."""
    rows = [(r, a) for a in (hist, fut) for r in range(a.sizes["pattern"])]
    total = len(rows)
    by_class = {}
    for r, a in rows:
        by_class.setdefault(str(a["class"].values[r]), []).append((r, a))
    verified_tests = sum(1 for r, a in by_class.get("test", []) if a["verified"].values[r] == 1)
    verified_sched = sum(1 for r, a in by_class.get("scheduled", []) if a["verified"].values[r] == 1)
    ids = lambda c: ", ".join(str(a["pattern"].values[r]).split(":")[1] for r, a in by_class.get(c, []))
    problems = int(hist.attrs["problems"]) + int(fut.attrs["problems"])
    return (f"**{verified_tests} of {total} patterns are independent tests of a mechanism** (declared `test` and "
            f"verified by `sixparty audit`: each fails when a mechanism it names is switched off): {ids('test')}. "
            f"The others are calibration targets ({ids('target')}), inputs ({ids('input')}), consequences of "
            f"scheduled events ({ids('scheduled')}; {verified_sched} of {len(by_class.get('scheduled', []))} "
            f"verified to fail without their events) or true by construction ({ids('identity')}). "
            f"Audit problems: {problems}.\n")


def audit_table(a):
    lines = ["| pattern | class | fails under (ablations that make it fail; for a known failure, that make it pass) |",
             "|---|---|---|"]
    labels = [str(x) for x in a["ablation"].values]
    names = [str(x) for x in a["ablation_label"].values]

    def short(k):
        if labels[k].startswith("no_event_"):
            return names[k][len("without "):]
        return labels[k][3:]

    passed = a["passed"].values
    for r in range(a.sizes["pattern"]):
        pid = str(a["pattern"].values[r]).split(":")[1]
        known = "known failure" in str(a["problem"].values[r]) or passed[r][0] != 1
        under = [short(k) for k in range(1, len(labels))
                 if (passed[r][k] == 1) == bool(known)]
        lines.append(f"| {pid} | {a['class'].values[r]} | {', '.join(under) if under else 'nothing'} |")
    return "\n".join(lines) + "\n"


def comparison_table(c):
    keep = c[((c.family == "utility") & (c.metric == "mean_utility")) | (c.family == "event") | (c.family == "refugees")]
    lines = ["| quantity | actor | status quo | collapse | difference | 95 % interval |", "|---|---|---|---|---|---|"]
    for _, r in keep.iterrows():
        lines.append(f"| {r.metric} ({r.detail}) | {r.actor} | {num(r.mean_a)} | {num(r.mean_b)} | {num(r['diff'])} | "
                     f"[{num(r.ci_low)}, {num(r.ci_high)}] |")
    return "\n".join(lines) + "\n"


SPREAD_SETTINGS = [
    ("no declared uncertainty, expected decisions", ["uncertainty={}", "run.decisions=expected"]),
    ("no declared uncertainty, sampled decisions", ["uncertainty={}"]),
    ("declared uncertainty, expected decisions", ["run.decisions=expected"]),
    ("declared uncertainty, sampled decisions (the default)", []),
]


def spread_table(runs):
    lines = ["| scenario | inputs and decisions | cells varying < 1 % | not at all | cells |", "|---|---|---|---|---|"]
    for label, sets in SPREAD_SETTINGS:
        group, low, same, total, _ = input_spread.measure(ROOT / FUTURES[0], runs, sets)
        lines.append(f"| {group} | {label} | {low} ({100 * low / total:.0f} %) | {same} | {total} |")
    return "\n".join(lines) + "\n"


def measure(runs, tmp):
    h, c = tmp / "h.h5", tmp / "c.h5"
    ah, af = tmp / "ah.h5", tmp / "af.h5"
    sixparty("run", HISTORICAL, "-n", runs, "--record", "outcomes", "-o", h, "--force", "-q")
    sixparty("compare", "-n", runs, "-o", c, "--force", "-q")
    sixparty("audit", HISTORICAL, "-n", runs, "-o", ah, "--force", "-q")
    sixparty("audit", *FUTURES, "-n", runs, "-o", af, "--force", "-q")
    hist_audit, fut_audit = sr.audit(ah), sr.audit(af)
    return {
        "historical-patterns": pattern_table(sr.patterns(h, "historical_1980_2005")),
        "futures-patterns": pattern_table(sr.patterns(c, "collapse")),
        "audit-summary": audit_summary(hist_audit, fut_audit),
        "audit-table": audit_table(hist_audit) + "\n" + audit_table(fut_audit),
        "comparison": comparison_table(sr.comparison(c)),
        "input-spread": spread_table(runs),
    }


def table_rows(text):
    """{key: (cells)} of a markdown table, keyed by the first two cells"""
    rows = {}
    lines = text.splitlines()
    for k, line in enumerate(lines):
        header = k + 1 < len(lines) and lines[k + 1].startswith("|---")
        if not line.startswith("| ") or header:
            continue
        cells = [x.strip() for x in line.strip("|").split("|")]
        rows[(cells[0], cells[1])] = cells
    return rows


def to_float(s):
    special = {"n/a": math.nan, "inf": math.inf, "-inf": -math.inf}
    return special[s] if s in special else float(s)


def interval(s):
    lo, hi = s.strip("[]").split(",")
    return to_float(lo.strip()), to_float(hi.strip())


def agree(doc, doc_iv, new, new_iv):
    if math.isnan(doc) or math.isnan(new):
        return math.isnan(doc) and math.isnan(new)
    se = lambda iv: (iv[1] - iv[0]) / 3.92 if all(map(math.isfinite, iv)) else math.inf
    tol = 4 * math.hypot(se(doc_iv), se(new_iv)) + 1e-3 * max(abs(doc), abs(new)) + 1e-12
    return abs(doc - new) <= tol


def check_block(name, doc, new):
    problems = []
    if name == "audit-summary":
        if doc.strip() != new.strip():
            problems.append(f"{name}: the document says\n  {doc.strip()}\nbut a fresh audit gives\n  {new.strip()}")
        return problems
    d_rows, n_rows = table_rows(doc), table_rows(new)
    if d_rows.keys() != n_rows.keys():
        return [f"{name}: rows differ: {sorted(set(d_rows) ^ set(n_rows))}"]
    for key, d in d_rows.items():
        n = n_rows[key]
        if name.endswith("patterns"):
            if d[1:3] != n[1:3]:
                problems.append(f"{name} {key[0]}: class/claim '{d[1]} / {d[2]}' in the document, '{n[1]} / {n[2]}' now")
            if not agree(to_float(d[3]), interval(d[4]), to_float(n[3]), interval(n[4])):
                problems.append(f"{name} {key[0]}: observed {d[3]} {d[4]} in the document, {n[3]} {n[4]} now")
        elif name == "comparison":
            if not agree(to_float(d[4]), interval(d[5]), to_float(n[4]), interval(n[5])):
                problems.append(f"{name} {key}: difference {d[4]} {d[5]} in the document, {n[4]} {n[5]} now")
        elif name == "input-spread":
            for col, what in ((2, "cells varying < 1 %"), (3, "cells not varying")):
                dv, nv = int(d[col].split()[0]), int(n[col].split()[0])
                if abs(dv - nv) > max(5, 0.1 * dv):
                    problems.append(f"{name} {key[1]}: {what} {dv} in the document, {nv} now")
        elif name == "audit-table" and d[1] != n[1]:
            problems.append(f"{name} {key[0]}: class {d[1]} in the document, {n[1]} now")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=200, help="runs per ensemble (default 200)")
    ap.add_argument("--check", action="store_true", help="compare the documents with a fresh run instead of rewriting them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        fresh = measure(args.runs, Path(d))
    problems, seen = [], set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            seen.add(m.group(2))
            if m.group(2) not in fresh:
                problems.append(f"{doc.name}: unknown block {m.group(2)}")
            elif args.check:
                problems += [f"{doc.name}: {p}" for p in check_block(m.group(2), m.group(3), fresh[m.group(2)])]
        if not args.check:
            new = BLOCK.sub(lambda m: m.group(1) + fresh.get(m.group(2), m.group(3)) + m.group(4), text)
            if new != text:
                doc.write_text(new, encoding="utf-8")
                print(f"updated {doc.relative_to(ROOT)}")
    missing = set(fresh) - seen
    if missing:
        problems.append(f"blocks in no document: {sorted(missing)}")
    for p in problems:
        print(p)
    if args.check:
        print(f"{len(seen)} generated blocks checked against a fresh run of {args.runs} runs: "
              f"{'all agree' if not problems else str(len(problems)) + ' disagreements'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
