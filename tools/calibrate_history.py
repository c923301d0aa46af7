#!/usr/bin/python3
"""Calibration search for scenarios/historical_1980_2005.yaml (kept so it can be rerun and audited).

The calibration documented in models/ODD.md ("Calibration") was a seeded random search, then a
local search around the best point, over a few scenario inputs and model parameters, each within
a stated range. A candidate's score is the squared relative error against the targets Q1-Q6 plus a
penalty of 2 for every declared pattern that is not met, so every pattern constrains the fit. Each
candidate is a 16-run ensemble (outcomes only) run through `sixparty run`; the best is rerun with
40 runs. The inputs are replaced in a copy of the scenario text, so the search writes nothing in
the repository; apply the result by hand, rounded, with a comment saying what it was calibrated on.

    /usr/bin/python3 tools/calibrate_history.py [SEED] [CANDIDATES]
"""
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SIXPARTY_BIN", os.path.join(ROOT, "build/release/sim/sixparty"))
SCENARIO = os.path.join(ROOT, "scenarios/historical_1980_2005.yaml")

# name -> (text in the scenario, format of the replacement, range)
INPUTS = {
    "dprc": ("  PRC<->DPRK: {distance: 1.85}", "  PRC<->DPRK: {{distance: {:.2f}}}", (0.8, 2.0)),
    "drow": ("  ROW<->DPRK: {distance: 4.4}", "  ROW<->DPRK: {{distance: {:.2f}}}", (3.0, 8.0)),
    "s80": ("  ROW->DPRK: {sanction: 0.2}", "  ROW->DPRK: {{sanction: {:.2f}}}", (0.0, 0.4)),
    "s85": ("relations.JPN->DPRK.sanction: 0.4, relations.ROW->DPRK.sanction: 0.4}",
            "relations.JPN->DPRK.sanction: {0:.2f}, relations.ROW->DPRK.sanction: {0:.2f}}}", (0.3, 0.85)),
    "a84": ("add: {relations.DPRK->RUS.affinity: 0.9, relations.RUS->DPRK.affinity: 0.9}",
            "add: {{relations.DPRK->RUS.affinity: {0:.2f}, relations.RUS->DPRK.affinity: {0:.2f}}}", (0.2, 1.0)),
    "inc": ("economic: {stock: 3.9, income: 3.9, spendable: 0.5}",
            "economic: {{stock: {0:.2f}, income: {0:.2f}, spendable: 0.5}}", (2.0, 6.0)),
    "g99": ("set: {actors.RUS.growth: 0.0}", "set: {{actors.RUS.growth: {:.3f}}}", (0.0, 0.06)),
}
PARAMETERS = {  # model parameters, set with --set
    "trade.subsidy_elasticity": (1.0, 6.0),
    "gesture.visibility_gain": (0.3, 5.0),
    "gesture.prestige_gain": (0.0, 0.3),
    "gesture.temperature": (0.1, 1.0),
}
TARGETS = {"Q1": 0.261, "Q2": 0.568, "Q3": 0.049, "Q4": 0.428, "Q5": 0.25, "Q6": 1.0}
ROW = re.compile(r"\s+(\w+)\s+(pass|FAIL|n/a)\s+(\S+)\s+\[")


def evaluate(x, runs, base):
    text = base
    for k, (old, fmt, _) in INPUTS.items():
        if old not in text:
            sys.exit(f"calibrate: '{old}' is not in the scenario; update INPUTS")
        text = text.replace(old, fmt.format(x[k]))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "candidate.yaml")
        open(path, "w").write(text)
        args = [BIN, "run", path, "-n", str(runs), "-o", os.path.join(tmp, "c.h5"), "--record", "outcomes"]
        for name in PARAMETERS:
            args += ["--set", f"parameters.{name}={x[name]:.4f}"]
        out = subprocess.run(args, capture_output=True, text=True).stdout
    return {m.group(1): (m.group(2), float(m.group(3))) for m in map(ROW.match, out.splitlines()) if m}


def score(results):
    s = sum(((results[k][1] - t) / t) ** 2 for k, t in TARGETS.items() if k in results)
    return s + 2 * sum(1 for v in results.values() if v[0] != "pass")


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    candidates = int(sys.argv[2]) if len(sys.argv) > 2 else 140
    random.seed(seed)
    base = open(SCENARIO).read()
    space = {k: v[2] for k, v in INPUTS.items()}
    space.update(PARAMETERS)
    current = {}
    for k, (old, _, _) in INPUTS.items():  # the scenario's values are the starting point
        current[k] = float(re.findall(r"[-\d.]+", old.split(":", 1)[1])[-1 if k != "inc" else 0])
    defaults = subprocess.run([BIN, "params"], capture_output=True, text=True).stdout.splitlines()
    for name in PARAMETERS:
        model, par = name.split(".")
        row = next(line.split() for line in defaults if line.split()[:2] == [model, par])
        current[name] = float(row[3])
    best = (score(evaluate(current, 16, base)), dict(current))
    for it in range(candidates):
        if it < candidates // 3:
            cand = {k: random.uniform(*r) for k, r in space.items()}
        else:
            cand = {k: min(r[1], max(r[0], best[1][k] + random.gauss(0, 0.15 * (r[1] - r[0])))) for k, r in space.items()}
        sc = score(evaluate(cand, 16, base))
        if sc < best[0]:
            best = (sc, cand)
            print(it, round(sc, 4), {k: round(v, 3) for k, v in cand.items()}, flush=True)
    print("best", {k: round(v, 3) for k, v in best[1].items()})
    for k, v in evaluate(best[1], 40, base).items():
        print(f"  {k:5} {v[0]:5} {v[1]:.4g}")


if __name__ == "__main__":
    main()
