#!/usr/bin/env python3
"""How much a scenario's outcomes vary between runs: the share of outcome cells that hardly vary.

A cell is one actor's value of one numeric outcome column of ``outcomes/`` (``final_stability``
of the DPRK, ``mean_utility`` of Russia, ...). A cell "varies by less than 1 %" when its standard
deviation over runs is at most 1 % of the absolute value of its mean; it "does not vary" when
every run gives the same value. Cells of an actor toward itself (``mean_aid_RUS`` of Russia, its
own trade share, influence and gestures) are zero by construction and left out. With fixed inputs
and expected decisions most cells hardly vary: the runs differ only by the model's own noise.
Declared uncertainty (``uncertainty:``) and sampled decisions (``run.decisions``) widen them;
``--set 'uncertainty={}' --set run.decisions=expected`` measures a scenario without either.

    /usr/bin/python3 tools/input_spread.py scenarios/status_quo.yaml [-n 200] [--set PATH=VALUE]...

Prints one line: ``SCENARIO: K of N outcome cells vary by less than 1 % across R runs (M not at
all; S cells of an actor toward itself left out)``.
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
    """(cells varying by less than 1 %, cells not varying at all, cells, self cells left out) of an outcomes table"""
    columns = [c for c in outcomes.columns if outcomes[c].dtype.kind == "f"]
    low = same = total = own = 0
    for column in columns:
        for actor, group in outcomes.groupby("actor"):
            if column.endswith("_" + str(actor)):
                own += 1  # toward itself: zero by construction
                continue
            x = group[column].to_numpy()
            if not np.all(np.isfinite(x)):
                continue
            total += 1
            if np.all(x == x[0]):
                same += 1
            if x.std() <= 0.01 * abs(x.mean()):
                low += 1
    return low, same, total, own


def measure(scenario, runs=200, sets=(), binary=None):
    """runs the scenario and returns (group, low, same, total, own) as spread() counts them"""
    binary = binary or os.environ.get("SIXPARTY_BIN", str(ROOT / "build" / "release" / "sim" / "sixparty"))
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "spread.h5"
        flags = [x for s in sets for x in ("--set", s)]
        r = subprocess.run([binary, "run", str(scenario), "-n", str(runs), "--record", "outcomes", "-o", str(out),
                            "-q", *flags], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sixparty run: exit {r.returncode}\n{r.stderr}")
        group = sr.list_groups(out)[0]
        return (group, *spread(sr.outcomes(out, group)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", "--runs", type=int, default=200)
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    args = ap.parse_args()
    group, low, same, total, own = measure(args.scenario, args.runs, args.set)
    print(f"{group}: {low} of {total} outcome cells vary by less than 1 % across {args.runs} runs "
          f"({same} not at all; {own} cells of an actor toward itself left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
