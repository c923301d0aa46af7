"""Scenario discovery: which combinations of uncertain inputs lead to an outcome of interest?

Three methods over a table of inputs X (one row per run, one column per uncertain input or factor)
and a yes/no outcome y (the "cases", e.g. runs in which the DPRK collapsed):

- PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999, "Bump hunting in
  high-dimensional data", Statistics and Computing 9: 123-143), as the EMA Workbench uses it
  for scenario discovery (Bryant and Lempert 2010; Kwakkel 2017): peel a box by small slices
  (alpha of the points inside, from the lower or upper end of one input at a time, whichever
  leaves the highest share of cases inside), record the trajectory of boxes with their
  coverage (the share of all cases that lie inside) and density (the share of the box's runs
  that are cases), pick a box on the coverage/density trade-off, paste it back where that raises
  its density, and test each restriction with a quasi-p-value (the one-sided binomial
  probability of seeing the box's cases if that restriction were dropped).
- CART: a shallow classification tree (scikit-learn), whose leaves are boxes too.
- Feature scoring: extra-trees importances (scikit-learn), one number per input.

The functions take plain numpy/pandas data; ``discovery_data`` builds X and y from a sixparty
batch file (factors and the runs' draws) or a run file (the runs' draws). ``tools/discover`` (and
``sixparty discover``) is the command-line front end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import sixparty_results as sr


@dataclass
class Box:
    """A box: per input its [lower, upper] limits (inclusive), and how it does."""
    lower: np.ndarray
    upper: np.ndarray
    n: int            # runs inside
    cases: int        # cases inside
    coverage: float   # cases inside / all cases
    density: float    # cases inside / runs inside
    mass: float       # runs inside / all runs
    restricted: list = field(default_factory=list)  # indices of the inputs whose limits cut


@dataclass
class PrimResult:
    names: list
    trajectory: list          # Box after every peel (the first is the whole space)
    chosen: int               # index of the box chosen on the trajectory
    box: Box                  # the chosen box after pasting
    quasi_p: dict             # input name -> quasi-p-value of its restriction in `box`
    base_rate: float          # cases / runs overall
    alpha: float
    min_mass: float


def _inside(X, lower, upper):
    return np.all((X >= lower) & (X <= upper), axis=1)


def _box(X, y, lower, upper, lo0, hi0):
    inside = _inside(X, lower, upper)
    n, cases, total = int(inside.sum()), int(y[inside].sum()), int(y.sum())
    restricted = [j for j in range(X.shape[1]) if lower[j] > lo0[j] or upper[j] < hi0[j]]
    return Box(lower.copy(), upper.copy(), n, cases, cases / total if total else 0.0, cases / n if n else 0.0,
               n / len(y), restricted)


def _peel_candidates(X, inside, j, alpha):
    """(side, new limit) for peeling about alpha of the box's points off input j at each end;
    None where ties leave nothing to peel."""
    x = np.sort(X[inside, j])
    k = max(1, int(math.floor(alpha * len(x))))
    out = []
    if k < len(x) and x[k] > x[0]:
        out.append(("lower", x[k]))      # keep x >= x[k]
    if k < len(x) and x[-1 - k] < x[-1]:
        out.append(("upper", x[-1 - k]))  # keep x <= x[-1-k]
    return out


def peel(X, y, alpha=0.05, min_mass=0.05):
    """The peeling trajectory: a list of Boxes from the whole space to the smallest box that
    keeps at least min_mass of the runs."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    lo0, hi0 = X.min(axis=0), X.max(axis=0)
    lower, upper = lo0.copy(), hi0.copy()
    trajectory = [_box(X, y, lower, upper, lo0, hi0)]
    n_min = min_mass * len(y)
    while True:
        inside = _inside(X, lower, upper)
        best = None
        for j in range(X.shape[1]):
            for side, limit in _peel_candidates(X, inside, j, alpha):
                keep = inside & (X[:, j] >= limit if side == "lower" else X[:, j] <= limit)
                n = int(keep.sum())
                if n < n_min or n == int(inside.sum()):
                    continue
                score = (y[keep].mean(), n)  # the highest density left; then the larger box
                if best is None or score > best[0]:
                    best = (score, j, side, limit)
        if best is None:
            return trajectory
        _, j, side, limit = best
        if side == "lower":
            lower[j] = limit
        else:
            upper[j] = limit
        trajectory.append(_box(X, y, lower, upper, lo0, hi0))


def paste(X, y, box, alpha=0.05):
    """Friedman and Fisher's pasting: widen one limit at a time by about alpha of the box's runs
    (taken from the runs just outside it that meet every other limit) while that raises the
    density; returns the pasted Box."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    lo0, hi0 = X.min(axis=0), X.max(axis=0)
    lower, upper = box.lower.copy(), box.upper.copy()
    current = _box(X, y, lower, upper, lo0, hi0)
    while True:
        best = None
        k = max(1, int(math.floor(alpha * current.n)))
        for j in range(X.shape[1]):
            others = np.ones(len(y), dtype=bool)
            for i in range(X.shape[1]):
                if i != j:
                    others &= (X[:, i] >= lower[i]) & (X[:, i] <= upper[i])
            for side in ("lower", "upper"):
                if side == "lower":
                    outside = np.sort(X[others & (X[:, j] < lower[j]), j])[::-1]
                else:
                    outside = np.sort(X[others & (X[:, j] > upper[j]), j])
                if len(outside) == 0:
                    continue
                limit = outside[min(k, len(outside)) - 1]
                lo, hi = lower.copy(), upper.copy()
                (lo if side == "lower" else hi)[j] = limit
                cand = _box(X, y, lo, hi, lo0, hi0)
                if cand.density > current.density + 1e-12 and (best is None or cand.density > best.density):
                    best = cand
        if best is None:
            return current
        lower, upper, current = best.lower.copy(), best.upper.copy(), best


def simplify(X, y, box):
    """Drop the restrictions the box does not need: while some limit can be lifted without
    lowering the density, lift the one that adds the most coverage (peeling on few cases cuts
    inputs by chance; this undoes the cuts that buy nothing)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    lo0, hi0 = X.min(axis=0), X.max(axis=0)
    current = box
    while True:
        best = None
        for j in current.restricted:
            lo, hi = current.lower.copy(), current.upper.copy()
            lo[j], hi[j] = lo0[j], hi0[j]
            cand = _box(X, y, lo, hi, lo0, hi0)
            if cand.density >= current.density - 1e-12 and (best is None or cand.coverage > best.coverage):
                best = cand
        if best is None:
            return current
        current = best


def _binom_sf(k, n, p):
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (exact for the sizes here)."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(p) +
            (n - i) * math.log1p(-p) for i in range(k, n + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def quasi_p_values(X, y, box, names):
    """Per restricted input: the one-sided binomial probability of at least the box's cases among
    its runs if the box without that restriction held the same share of cases (EMA Workbench's
    quasi-p-value; small: the restriction matters)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    out = {}
    for j in box.restricted:
        lo, hi = box.lower.copy(), box.upper.copy()
        lo[j], hi[j] = X[:, j].min(), X[:, j].max()
        wider = _inside(X, lo, hi)
        p0 = y[wider].mean() if wider.any() else 0.0
        out[names[j]] = _binom_sf(box.cases, box.n, p0)
    return out


def f_score(box):
    """The harmonic mean of coverage and density (the F1 score of the box as a classifier of
    cases: density is its precision, coverage its recall)."""
    c, d = box.coverage, box.density
    return 2 * c * d / (c + d) if c + d > 0 else 0.0


def prim(X, y, names=None, alpha=0.05, min_mass=0.05, min_coverage=None):
    """Peel; choose a box on the trajectory: the one with the best balance of coverage and density
    (largest f_score), or with min_coverage the densest whose coverage is at least that; paste it,
    drop the restrictions it does not need (simplify), and test the rest. X: runs x inputs; y:
    True for a case."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    names = list(names) if names is not None else [f"x{j}" for j in range(X.shape[1])]
    if len(y) == 0 or not y.any() or y.all():
        raise ValueError("PRIM needs runs with and without the outcome of interest")
    trajectory = peel(X, y, alpha, min_mass)
    if min_coverage is None:
        chosen = max(range(len(trajectory)), key=lambda k: (f_score(trajectory[k]), -k))
    else:
        eligible = [k for k, b in enumerate(trajectory) if b.coverage >= min_coverage] or [0]
        chosen = max(eligible, key=lambda k: (trajectory[k].density, -k))
    box = simplify(X, y, paste(X, y, trajectory[chosen], alpha))
    return PrimResult(names, trajectory, chosen, box, quasi_p_values(X, y, box, names), float(y.mean()), alpha, min_mass)


def draw_tradeoff(ax, result):
    """PRIM's trade-off on a matplotlib Axes: coverage against density of every box of the
    trajectory (coloured by the inputs it restricts), the chosen box before and after pasting and
    simplifying, the base rate. Returns the scatter, for a colour bar."""
    t = result.trajectory
    sc = ax.scatter([b.coverage for b in t], [b.density for b in t], c=[len(b.restricted) for b in t], cmap="viridis",
                    s=18, zorder=2)
    ax.plot([b.coverage for b in t], [b.density for b in t], color="lightgray", lw=0.8, zorder=1)
    chosen, box = t[result.chosen], result.box
    ax.scatter([chosen.coverage], [chosen.density], marker="*", s=180, color="crimson", zorder=3,
               label=f"chosen box (before pasting): coverage {chosen.coverage:.2f}, density {chosen.density:.2f}")
    ax.scatter([box.coverage], [box.density], marker="D", s=40, facecolor="none", edgecolor="crimson", zorder=3,
               label=f"pasted, unneeded limits dropped: coverage {box.coverage:.2f}, density {box.density:.2f}")
    ax.axhline(result.base_rate, color="gray", ls=":", lw=1, label=f"base rate {result.base_rate:.2f}")
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7, loc="upper right")
    return sc


def cart(X, y, names, max_depth=3, min_leaf=None, seed=0):
    """A classification tree's leaves as boxes: [(rules, runs, cases, density, coverage)],
    densest first. rules: [(name, '<=' or '>', threshold)]."""
    from sklearn.tree import DecisionTreeClassifier  # Debian python3-sklearn

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    min_leaf = min_leaf or max(5, int(0.02 * len(y)))
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_leaf, random_state=seed).fit(X, y)
    t = tree.tree_
    leaves = []

    def walk(node, rules, mask):
        if t.children_left[node] == -1:
            n, cases = int(mask.sum()), int(y[mask].sum())
            leaves.append((rules, n, cases, cases / n if n else 0.0, cases / max(1, int(y.sum()))))
            return
        j, thr = t.feature[node], t.threshold[node]
        walk(t.children_left[node], rules + [(names[j], "<=", thr)], mask & (X[:, j] <= thr))
        walk(t.children_right[node], rules + [(names[j], ">", thr)], mask & (X[:, j] > thr))

    walk(0, [], np.ones(len(y), dtype=bool))
    return sorted(leaves, key=lambda leaf: (-leaf[3], -leaf[2]))


def feature_scores(X, y, names, seed=0, trees=500):
    """Extra-trees importances (mean decrease in impurity), largest first, as a Series."""
    from sklearn.ensemble import ExtraTreesClassifier  # Debian python3-sklearn

    forest = ExtraTreesClassifier(n_estimators=trees, random_state=seed, min_samples_leaf=2, n_jobs=1)
    forest.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=bool))
    return pd.Series(forest.feature_importances_, index=list(names), name="importance").sort_values(ascending=False)


# ----------------------------------------------------------------------------- from sixparty files


class DiscoveryError(ValueError):
    """A request that the file cannot answer (unknown outcome, no uncertain inputs, ...)."""


def _case_rule(values, threshold, below):
    finite = values[np.isfinite(values)]
    if threshold is None:
        if not set(np.unique(finite)) <= {0.0, 1.0}:
            raise DiscoveryError("the outcome is not 0/1: say which runs are cases with --threshold X "
                                 "(cases: above X, or below X with --below)")
        return values == 1, "= 1"
    return (values < threshold if below else values > threshold), (f"< {threshold:g}" if below else f"> {threshold:g}")


def discovery_data(path, outcome, threshold=None, below=False, group=None, with_draws=None):
    """(X, y, description) for an outcome ``VARIABLE.ACTOR`` (e.g. ``collapsed.DPRK``) of a batch
    file (inputs: the factors, and the uncertain inputs the runs drew) or of a run file's scenario
    group (inputs: the runs' draws). Failed runs, and inputs that are missing for some runs, are
    left out. y marks the cases: value 1 for a 0/1 outcome, else above (below) the threshold.

    In a batch with common seeds (``seeds: common``, the default) every point's replicate r draws
    the same inputs, so a draw takes only runs_per_point values and stands for its replicate's
    whole random stream: the draws are then left out unless with_draws is True (with independent
    seeds they are in unless with_draws is False)."""
    if "." not in outcome:
        raise DiscoveryError(f"--outcome {outcome}: expected VARIABLE.ACTOR, e.g. collapsed.DPRK")
    var, actor = outcome.rsplit(".", 1)
    try:
        sr.experiment(path)
        batch = True
    except sr.ResultsError:
        batch = False
    if batch:
        runs = sr.runs(path)
        if var not in runs.columns:
            raise DiscoveryError(f"--outcome {outcome}: the batch has no outcome '{var}'; it has: "
                                 f"{', '.join(c for c in runs.columns if c not in ('point', 'replicate', 'status'))}")
        actors = list(runs.index.get_level_values("actor").unique())
        if actor not in actors:
            raise DiscoveryError(f"--outcome {outcome}: no actor '{actor}'; expected one of: {', '.join(actors)}")
        r = runs.xs(actor, level="actor")
        r = r[r.status == 0]
        design = sr.design(path)
        factors = list(design.attrs["paths"])
        X = design.loc[r.point.values, factors].set_index(r.index)
        if "policy" in design and design["policy"].nunique() > 1:
            # the policy (levers) as an input: its index in the experiment's list of policies
            order = [str(p) for p in sr.experiment(path).get("policies", [])]
            X.insert(0, "policy", [order.index(p) for p in design.loc[r.point.values, "policy"]])
        common = str(sr.experiment(path).get("seeds", "common")) == "common"
        draws = sr.batch_draws(path) if (with_draws if with_draws is not None else not common) else None
        if draws is not None and not draws.empty:
            X = X.join(draws.drop(columns=[c for c in draws.columns if c in factors]), how="left")
        values = r[var].to_numpy(dtype=float)
        what = f"{len(r)} finished runs of the batch" + (", the factors alone (common seeds)" if draws is None else "")
    else:
        groups = [group] if group else sr.list_groups(path)
        chosen = None
        for g in groups:
            if not sr.draws(path, g).empty:
                chosen = g
                break
        if chosen is None:
            raise DiscoveryError(f"'{path}' has no uncertain inputs to discover with (a run file needs a scenario "
                                 f"with `uncertainty:`, a batch file factors)")
        o = sr.outcomes(path, chosen)
        if var not in o.columns:
            raise DiscoveryError(f"--outcome {outcome}: no outcome '{var}' in {chosen}")
        actors = list(o.index.get_level_values("actor").unique())
        if actor not in actors:
            raise DiscoveryError(f"--outcome {outcome}: no actor '{actor}'; expected one of: {', '.join(actors)}")
        o = o.xs(actor, level="actor")
        X = sr.draws(path, chosen).loc[o.index]
        values = o[var].to_numpy(dtype=float)
        what = f"{len(o)} runs of {chosen}"
    X = X.loc[:, X.notna().all() & (X.nunique() > 1)]  # inputs every run has, and that vary
    if X.shape[1] == 0:
        raise DiscoveryError("no input varies over the runs")
    y, rule = _case_rule(values, threshold, below)
    keep = np.isfinite(values) if threshold is not None else np.ones(len(values), dtype=bool)
    return X[keep], np.asarray(y)[keep], f"{outcome} {rule}, over {what}"
