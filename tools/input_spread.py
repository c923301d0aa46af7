#!/usr/bin/env python3
"""How much a scenario's outcomes vary between runs: the share of outcome cells that hardly vary.

A cell is one actor's value of one numeric outcome column of ``outcomes/`` (``final_stability``
of the DPRK, ``mean_utility`` of Russia, ...). A cell "varies by less than 1 %" when its standard
deviation over runs is at most 1 % of the absolute value of its mean; it "does not vary" when
every run gives the same value. With fixed inputs most cells hardly vary: the runs differ only by
the model's own noise. Declared uncertainty (``uncertainty:`` in the scenario) should widen them.

    /usr/bin/python3 tools/input_spread.py scenarios/status_quo.yaml [-n 200] [--set PATH=VALUE]...

Prints one line: ``SCENARIO: K of N outcome cells vary by less than 1 % across R runs (M not at all)``.
Needs h5py, pandas, xarray (Debian's /usr/bin/python3) and a built sixparty (SIXPARTY_BIN, or
build/release/sim/sixparty).
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import sixparty_results as sr  # noqa: E402


def spread(outcomes):
    """(cells varying by less than 1 %, cells not varying at all, cells) of an outcomes table"""
    columns = [c for c in outcomes.columns if outcomes[c].dtype.kind == "f"]
    low = same = total = 0
    for column in columns:
        for _, group in outcomes.groupby("actor"):
            x = group[column].to_numpy()
            if not np.all(np.isfinite(x)):
                continue
            total += 1
            if np.all(x == x[0]):
                same += 1
            if x.std() <= 0.01 * abs(x.mean()):
                low += 1
    return low, same, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", "--runs", type=int, default=200)
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    args = ap.parse_args()
    binary = os.environ.get("SIXPARTY_BIN", str(ROOT / "build" / "release" / "sim" / "sixparty"))
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "spread.h5"
        sets = [x for s in args.set for x in ("--set", s)]
        r = subprocess.run([binary, "run", args.scenario, "-n", str(args.runs), "--record", "outcomes", "-o", str(out),
                            "-q", *sets], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sixparty run: exit {r.returncode}\n{r.stderr}")
        group = sr.list_groups(out)[0]
        low, same, total = spread(sr.outcomes(out, group))
    print(f"{group}: {low} of {total} outcome cells vary by less than 1 % across {args.runs} runs ({same} not at all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
