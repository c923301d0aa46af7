"""sixparty: run the simulator of North East Asian relations from Python.

The same C++ as the ``sixparty`` program (a pybind11 module), so a run from Python holds the same
numbers as ``sixparty run`` with the same scenario, runs and seed, at any thread count::

    import sixparty
    sc = sixparty.load("scenarios/status_quo.yaml", set={"run.runs": 50})
    res = sixparty.run(sc, seed=7)                 # in memory; output="x.h5" keeps a file
    res.outcomes                                   # DataFrame (run, actor): one row per run and actor
    res.summary.utility.sel(stat="q50", actor="RUS")   # xarray: quantiles over runs at each step
    cmp = sixparty.compare("scenarios/status_quo.yaml", "scenarios/collapse.yaml", runs=100)
    cmp.sort_values("effect_size", key=abs, ascending=False).head()
    sixparty.model(**{"actors.DPRK.stability.repression": 0.4})["collapsed.DPRK"]

From the build tree: ``export PYTHONPATH=$PWD/build/release/python`` (then ``import sixparty``);
``cmake --install build/release`` installs it into the Python's dist-packages. Use the Python
that has h5py, pandas and xarray (Debian's ``/usr/bin/python3``).

Long work releases the GIL, shows a progress bar (tqdm) in notebooks and on terminals, and stops
cleanly on Ctrl-C (KeyboardInterrupt): a run file given as ``output`` is then kept, marked
"interrupted", with every finished run; a batch keeps its journal and resumes when run again.

Errors: :class:`InputError` (a ``ValueError``) carries the program's located messages
(``file:line:column: key: ...``); :class:`RunError` a failed run; :class:`ResultsError` a results
file that cannot be read; ``OSError`` an output that cannot be written.
"""
from __future__ import annotations

import builtins
import contextlib
import json
import numbers
import os
import sys
import tempfile
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from . import _config
from ._sixparty import InputError, RunError, Scenario, __version__, git_revision  # noqa: F401
from . import _sixparty as _core

if _config.TOOLS_DIR not in sys.path:
    sys.path.insert(0, _config.TOOLS_DIR)
import sixparty_results as results  # noqa: E402  (the readers: tools/sixparty_results.py)
from sixparty_results import ResultsError  # noqa: E402,F401

__all__ = ["load", "run", "compare", "batch", "open", "model", "make_model", "to_dataframe", "load_experiment",
           "Scenario", "Results", "GroupResults", "BatchResults", "InputError", "RunError", "ResultsError", "results",
           "SCENARIOS_DIR", "__version__"]

#: where the shipped scenarios are (the repository's ``scenarios/``, or the installed copy)
SCENARIOS_DIR = _config.SCENARIOS_DIR


# ----------------------------------------------------------------------------- inputs


def _set_value(v: Any) -> str:
    """A Python value as ``--set`` writes it: numbers round-trip exactly, booleans are YAML's."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return repr(float(v))
    return str(v)


def _sets(set: Mapping[str, Any] | Iterable[str] | None) -> list[str]:
    """``{"run.runs": 10}`` or ``["run.runs=10"]`` -> ``["run.runs=10"]``; ``__`` may stand for
    ``.`` in a key (``actors__DPRK__stability__repression``), so keys can be keyword arguments."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        return [f"{str(k).replace('__', '.')}={_set_value(v)}" for k, v in set.items()]
    if isinstance(set, str):
        return [set]
    return [str(s) for s in set]


def _dict_scenario(data: Mapping, tmp: str) -> str:
    """A scenario given as a dict: written as YAML into `tmp`; relative ``extends`` paths are
    taken from the current directory."""
    import yaml

    data = dict(data)
    ext = data.get("extends")
    if ext is not None:
        many = ext if isinstance(ext, list) else [ext]
        many = [e if os.path.isabs(str(e)) else os.path.abspath(str(e)) for e in many]
        data["extends"] = many if isinstance(ext, list) else many[0]
    path = os.path.join(tmp, f"{data.get('name', 'scenario')}.yaml".replace(os.sep, "_"))
    with builtins.open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True)
    return path


def load(source: str | os.PathLike | Mapping | Scenario, set: Mapping[str, Any] | Iterable[str] | None = None) -> Scenario:
    """A validated scenario from a YAML file (or a dict with the same keys), with overrides.

    ``set`` overrides values as ``--set`` does: ``{"run.runs": 10, "parameters.aid.temperature": 0.2}``
    (or a list of ``"path=value"``). Raises :class:`InputError` listing every error with its
    location (``file:line:column``) and what was expected, as ``sixparty validate`` prints them.
    """
    if isinstance(source, Scenario):
        if set:
            raise ValueError("set= applies when a scenario is loaded from its file; load(path, set=...)")
        return source
    if isinstance(source, Mapping):
        with tempfile.TemporaryDirectory(prefix="sixparty-") as tmp:
            return _core.load(_dict_scenario(source, tmp), _sets(set))
    path = os.fspath(source)
    if not os.path.exists(path):
        raise InputError(f"'{path}': no such scenario file")
    return _core.load(path, _sets(set))


def load_experiment(path: str | os.PathLike) -> dict:
    """Reads and validates an experiment file: its name, design, points, runs and factors."""
    return _core.load_experiment(os.fspath(path))


# ----------------------------------------------------------------------------- progress


def _want_bar(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _tqdm():
    """tqdm's notebook bar where widgets work, else its text bar (None without tqdm)."""
    try:
        if "ipykernel" in sys.modules:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm
            return tqdm
    except ImportError:
        pass
    try:
        from tqdm import tqdm
        return tqdm
    except ImportError:
        return None


class _Bar:
    """A progress bar per named stage (scenario, or batch), fed with (done, total)."""

    def __init__(self, show: bool, callback: Callable[[dict], Any] | None = None):
        self.tqdm = _tqdm() if show else None
        self.callback = callback
        self.bar = None
        self.stage = None

    def update(self, stage: str, done: int, total: int, info: dict) -> None:
        if self.callback is not None:
            self.callback(info)
        if self.tqdm is None:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = self.tqdm(total=total, desc=stage, unit="run", leave=True)
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _progress(progress):
    """progress=None (a bar in notebooks and on terminals), True, False, or a callable that gets
    each report as a dict."""
    if callable(progress):
        return _Bar(False, progress)
    return _Bar(_want_bar(progress))


# ----------------------------------------------------------------------------- results


class GroupResults:
    """One scenario's ensemble: ``outcomes`` (DataFrame indexed by run and actor), ``summary``
    (xarray: statistics over runs at each step), ``draws`` (DataFrame: each run's draws of the
    uncertain inputs), ``traces`` (xarray, every run and step, or None), ``patterns``
    (DataFrame), ``metadata`` (dict) and ``provenance`` (the scenario texts as run)."""

    _TABLES = ("outcomes", "summary", "draws", "traces", "patterns", "metadata", "provenance")

    def __init__(self, path: str | None, group: str):
        self.path, self.group = path, group
        self._cache: dict = {}

    def _get(self, what: str):
        if what not in self._cache:
            if self.path is None:
                raise ResultsError(f"'{self.group}': {what} was not kept in memory")
            reader = getattr(results, what)
            self._cache[what] = reader(self.path, self.group)
        return self._cache[what]

    def _load_all(self) -> None:
        for what in self._TABLES:
            try:
                self._get(what)
            except ResultsError:
                self._cache[what] = None  # e.g. no summary at record="outcomes"

    outcomes = property(lambda self: self._get("outcomes"), doc="per-run outcomes, indexed by (run, actor)")
    summary = property(lambda self: self._get("summary"), doc="xr.Dataset (stat, time, actor[, ...]); None at record='outcomes'")
    draws = property(lambda self: self._get("draws"), doc="per-run draws of the uncertain inputs (columns: their paths)")
    traces = property(lambda self: self._get("traces"), doc="xr.Dataset of every run and step (record='traces'), else None")
    patterns = property(lambda self: self._get("patterns"), doc="the declared patterns: observed, interval, passed")
    metadata = property(lambda self: self._get("metadata"), doc="the group's attributes: seed, runs, decisions, ...")
    provenance = property(lambda self: self._get("provenance"), doc="scenario files, texts and the resolved scenario")

    def __repr__(self) -> str:
        where = self.path or "memory"
        return f"<sixparty.GroupResults '{self.group}' ({where})>"


class Results:
    """The ensembles of one run (a results file): ``groups``, ``res[group]`` and, for a single
    scenario, its tables directly (``res.outcomes``, ``res.summary``, ...). ``path`` is the file,
    or None when the results are held in memory."""

    def __init__(self, path: str | None, groups: Sequence[str], info: dict | None = None):
        self.path = path
        self.groups = list(groups)
        self.info = info or {}
        self._groups = {g: GroupResults(path, g) for g in self.groups}

    def __getitem__(self, group: str) -> GroupResults:
        if group not in self._groups:
            raise KeyError(f"no scenario group '{group}' (groups: {', '.join(self.groups)})")
        return self._groups[group]

    def __iter__(self):
        return iter(self._groups.values())

    def _only(self) -> GroupResults:
        if len(self.groups) != 1:
            raise AttributeError(f"{len(self.groups)} scenario groups ({', '.join(self.groups)}): pick one, res['{self.groups[0]}']")
        return self._groups[self.groups[0]]

    outcomes = property(lambda self: self._only().outcomes, doc=GroupResults.outcomes.__doc__)
    summary = property(lambda self: self._only().summary, doc=GroupResults.summary.__doc__)
    draws = property(lambda self: self._only().draws, doc=GroupResults.draws.__doc__)
    traces = property(lambda self: self._only().traces, doc=GroupResults.traces.__doc__)
    patterns = property(lambda self: self._only().patterns, doc=GroupResults.patterns.__doc__)
    metadata = property(lambda self: self._only().metadata, doc=GroupResults.metadata.__doc__)

    def _detach(self) -> None:
        """Read everything into memory and forget the file."""
        for g in self._groups.values():
            g._load_all()
            g.path = None
        self.path = None

    def __repr__(self) -> str:
        return f"<sixparty.Results {self.groups} ({self.path or 'memory'})>"


class BatchResults:
    """A batch results file: ``design`` (factor values per point), ``runs`` (every run's
    outcomes), ``points`` (statistics per point), ``series`` (declared time series per point),
    ``failures``, ``sensitivity`` (after ``sixparty sensitivity``), ``experiment`` (the
    experiment's text and settings)."""

    def __init__(self, path: str, info: dict | None = None):
        self.path = path
        self.info = info or {}

    design = property(lambda self: results.design(self.path, labels=True), doc="the design, categorical factors as their categories")
    runs = property(lambda self: results.runs(self.path))
    failures = property(lambda self: results.failures(self.path))
    draws = property(lambda self: results.batch_draws(self.path))
    experiment = property(lambda self: results.experiment(self.path))

    def points(self, stat: str = "mean") -> pd.DataFrame:
        """Per-point statistics of every outcome (``stat``: mean or sd)."""
        return results.points(self.path, stat)

    def series(self, variables=None, runs: bool = False):
        """The declared series: per point (point, stat, time), or every run's (``runs=True``)."""
        return results.series(self.path, variables, runs)

    @property
    def sensitivity(self) -> pd.DataFrame:
        return results.sensitivity(self.path)

    def __repr__(self) -> str:
        return f"<sixparty.BatchResults ({self.path})>"


def open(path: str | os.PathLike) -> Results | BatchResults:  # noqa: A001 (the module's reader, as h5py.File or xarray's open)
    """A results file written by ``sixparty run``/``compare``/``batch`` (or this module), read
    lazily: each table is read when first asked for."""
    path = os.fspath(path)
    meta = results.metadata(path)
    if meta.get("kind") == "experiment":
        return BatchResults(path)
    return Results(path, results.list_groups(path))


# ----------------------------------------------------------------------------- running


def _scenarios(scenarios, set) -> list[Scenario]:
    many = scenarios if isinstance(scenarios, (list, tuple)) else [scenarios]
    if not many:
        raise ValueError("no scenario to run")
    return [load(s, set) if not isinstance(s, Scenario) else load(s) for s in many]


def _output(output, force: bool) -> str:
    out = os.fspath(output)
    if os.path.lexists(out):
        if not os.path.isfile(out):
            raise FileExistsError(f"'{out}' exists and is not a regular file; expected a path for a new or regular file")
        if not force:
            raise FileExistsError(f"'{out}' exists; expected a new path, or force=True to overwrite it")
    d = os.path.dirname(out)
    if d and not os.path.isdir(d):
        raise FileNotFoundError(f"the output directory '{d}' does not exist")
    return out


@contextlib.contextmanager
def _destination(output, force: bool, name: str):
    """(path, temporary): the output file asked for (checked), or a temporary one removed after."""
    if output is not None:
        yield _output(output, force), False
        return
    with tempfile.TemporaryDirectory(prefix="sixparty-") as tmp:
        yield os.path.join(tmp, name), True


def _run_into(scenarios, out: str, progress, **options) -> dict:
    """The ensembles into `out` by the C++ core, with a progress bar per scenario."""
    bar = _progress(progress)
    try:
        return _core.run(scenarios, out, progress=lambda r: bar.update(r["scenario"], r["done"], r["total"], r), **options)
    finally:
        bar.close()


def _command(name: str, **kw) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in kw.items() if v is not None)
    return f"python: sixparty.{name}({args})"


def run(scenario, runs: int | None = None, seed: int | None = None, threads: int = 0, record: str = "summary",
        output: str | os.PathLike | None = None, force: bool = False, set=None, check: bool = False,
        progress=None) -> Results:
    """Runs each scenario's Monte Carlo ensemble, as ``sixparty run`` does.

    scenario: a :class:`Scenario`, a path, a dict, or a list of them (one group each).
    runs, seed: the ensemble's size and seed (default: each scenario's ``run.runs``, ``run.seed``).
    threads: worker threads (0: all cores); the numbers do not depend on it.
    record: ``"outcomes"``, ``"summary"`` (default) or ``"traces"`` (every run and step).
    output: a results file to write (kept; refused if it exists unless ``force``); without it the
    results are read into memory and no file is left.
    set: overrides for scenarios given as paths or dicts (see :func:`load`).
    progress: None (a bar in notebooks and on terminals), True, False, or a callable that gets
    each report as a dict (scenario, index, done, total).

    Returns :class:`Results`. Ctrl-C stops at the next block of runs and raises
    KeyboardInterrupt; an ``output`` file then holds every finished run, marked interrupted.
    """
    scs = _scenarios(scenario, set)
    cmd = _command("run", scenario=[s.name for s in scs], runs=runs, seed=seed, record=record)
    with _destination(output, force, "results.h5") as (out, temporary):
        info = _run_into(scs, out, progress, runs=runs or 0, seed=seed, threads=threads, record=record, check=check, command=cmd)
        res = Results(out, results.list_groups(out), info)
        if temporary:
            res._detach()
        return res


def _group_ref(x) -> tuple[str, str] | None:
    """("FILE.h5", "GROUP") for "FILE.h5:GROUP", a (file, group) pair or a GroupResults with a file."""
    if isinstance(x, GroupResults):
        if x.path is None:
            raise ValueError(f"'{x.group}' is held in memory; compare scenarios, or run with output= to compare stored groups")
        return x.path, x.group
    if isinstance(x, tuple) and len(x) == 2:
        return os.fspath(x[0]), str(x[1])
    if isinstance(x, str) and ":" in x and not x.endswith((".yaml", ".yml")):
        f, g = x.rsplit(":", 1)
        return f, g
    return None


def _comparison_frame(text: str) -> pd.DataFrame:
    data = json.loads(text)
    df = pd.DataFrame(data.pop("rows"))
    df.index.name = "row"
    df.attrs.update(data)
    return df


def compare(a, b, runs: int | None = None, seed: int | None = None, threads: int = 0, output=None, force: bool = False,
            set=None, progress=None) -> pd.DataFrame:
    """Compares two futures as ``sixparty compare`` does: one row per outcome (family, metric,
    actor, detail, units, mean_a, mean_b, diff = b - a, its 95 % interval ci_low..ci_high, the
    5-95 % range of the paired run differences, effect_size), in compare's file order.

    a, b: scenarios (paths, dicts or :class:`Scenario`), run as a paired ensemble (one seed:
    ``seed``, or a's ``run.seed``), with ``output`` keeping the file (the comparison stored in
    it, as the program stores it); or stored groups ("FILE.h5:GROUP", (file, group) or
    ``res[group]`` of results with a file). ``df.attrs`` holds a, b, paired, runs, confidence.
    """
    ra, rb = _group_ref(a), _group_ref(b)
    if (ra is None) != (rb is None):
        raise ValueError("expected two scenarios or two stored groups, not one of each")
    if ra is not None:
        return _comparison_frame(_core.compare(ra[0], ra[1], rb[0], rb[1], seed))
    sa, sb = _scenarios([a], set)[0], _scenarios([b], set)[0]
    shared = seed if seed is not None else sa.seed
    with _destination(output, force, "comparison.h5") as (out, temporary):
        _run_into([sa, sb], out, progress, runs=runs or 0, seed=shared, threads=threads, record="summary",
                  command=_command("compare", a=sa.name, b=sb.name, runs=runs, seed=shared))
        ga, gb = results.list_groups(out)
        return _comparison_frame(_core.compare(out, ga, out, gb, shared, store="" if temporary else out))


def batch(experiment: str | os.PathLike, output: str | os.PathLike | None = None, threads: int = 0, fresh: bool = False,
          shard: tuple[int, int] | None = None, check: bool = False, progress=None) -> BatchResults:
    """Runs an experiment's design as ``sixparty batch`` does: every run journaled, so a batch
    stopped (Ctrl-C, a crash) resumes when called again with the same output; ``fresh`` starts
    over. output: default ``results/<experiment name>.h5`` as the program names it.
    shard: (K, N) runs the K-th of N parts (1-based), for ``sixparty merge``.

    Returns :class:`BatchResults` (``info`` holds the status: runs done, resumed, failed, points
    none of whose runs finished). Raises :class:`RunError` when every run of a point failed
    (the file is written, so ``failures`` says why).
    """
    path = os.fspath(experiment)
    if not os.path.exists(path):
        raise InputError(f"'{path}': no such experiment file")
    ex = load_experiment(path)
    k, n = (1, 1) if shard is None else shard
    if output is None:
        output = os.path.join("results", ex["name"].replace("/", "_").replace(".", "_")
                              + (f"_shard{k}of{n}" if n > 1 else "") + ".h5")
    out = os.fspath(output)
    d = os.path.dirname(out)
    if d and not os.path.isdir(d):
        raise FileNotFoundError(f"the output directory '{d}' does not exist")
    bar = _progress(progress)

    def report(s):
        if s["writing"]:
            bar.update(f"writing {out}", s["rows_written"], s["runs_total"], s)
        else:
            bar.update(ex["name"], s["runs_done"], s["runs_total"], s)

    try:
        info = _core.batch(path, out, threads=threads, fresh=fresh, shard=k - 1, shards=n, check=check,
                           command=_command("batch", experiment=path, output=out), progress=report)
    finally:
        bar.close()
    if info["empty_points"]:
        p, why = info["empty_points"][0]
        raise RunError(f"sixparty.batch: every run of {len(info['empty_points'])} points failed, so they have no result "
                       f"(point {p}: {why.strip()}); '{out}' lists them in failures")
    return BatchResults(out, info)


# ----------------------------------------------------------------------------- a plain model function


def _default_scenario() -> str:
    return os.path.join(SCENARIOS_DIR, "status_quo.yaml")


def make_model(scenario: str | os.PathLike | Mapping | None = None, runs: int | None = None, seed: int | None = None,
               threads: int = 0, outcomes: Sequence[str] | None = None) -> Callable[..., dict]:
    """A plain function ``f(**inputs) -> {outcome: value}`` for the EMA Workbench, SALib or a
    hand-written loop.

    Each keyword is a ``--set`` path (``f(**{"parameters.aid.temperature": 0.2})``, or with ``__``
    for ``.``: ``f(parameters__aid__temperature=0.2)``); each call runs the scenario's ensemble
    (``runs``, ``seed``: default the scenario's) and returns the mean over runs of every outcome
    per actor, named ``<outcome>.<actor>`` (``collapsed.DPRK`` is the probability of collapse,
    ``final_utility.RUS`` Russia's mean final utility); ``outcomes`` keeps only those named.
    The same inputs and seed give the same numbers, bit for bit.
    """
    base = scenario if scenario is not None else _default_scenario()
    keep = None if outcomes is None else list(outcomes)

    def model(**inputs) -> dict:
        sc = load(base, set=inputs)
        res = run(sc, runs=runs, seed=seed, threads=threads, record="outcomes", progress=False)
        df = res.outcomes.drop(columns=["actor_name"], errors="ignore")
        means = df.groupby(level="actor", sort=False).mean()
        out = {f"{col}.{actor}": float(means.at[actor, col]) for col in means.columns for actor in means.index}
        if keep is not None:
            missing = [k for k in keep if k not in out]
            if missing:
                raise KeyError(f"no outcome {', '.join(missing)} (outcomes are <variable>.<actor>, e.g. collapsed.DPRK)")
            out = {k: out[k] for k in keep}
        return out

    model.__doc__ = make_model.__doc__
    return model


def model(**inputs) -> dict:
    """The status quo scenario as a plain function: ``model(**{"--set path": value}) ->
    {"<outcome>.<actor>": mean over runs}``, with the scenario's runs and seed. See
    :func:`make_model` for another scenario, size, seed or a choice of outcomes."""
    return make_model()(**inputs)


def to_dataframe(res: Results | GroupResults | BatchResults, table: str = "outcomes") -> pd.DataFrame:
    """A long-format (tidy) table: one row per value, with its unit, as ``sixparty export`` writes
    CSV. Tables of a run: outcomes, draws, patterns; of a batch: design, runs, points."""
    if isinstance(res, BatchResults):
        if table not in ("design", "runs", "points", "failures", "draws"):
            raise ValueError(f"table='{table}'; a batch has design, runs, points, failures, draws")
        df = res.points() if table == "points" else getattr(res, table)
        return _long(df)
    groups = list(res) if isinstance(res, Results) else [res]
    if table not in ("outcomes", "draws", "patterns"):
        raise ValueError(f"table='{table}'; a run has outcomes, draws, patterns")
    frames = []
    for g in groups:
        df = _long(getattr(g, table))
        df.insert(0, "group", g.group)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _long(df: pd.DataFrame) -> pd.DataFrame:
    units = df.attrs.get("units", {})
    keys = [n for n in df.index.names if n is not None]
    flat = df.reset_index() if keys else df.reset_index(drop=True)
    text = [c for c in flat.columns if c not in keys and flat[c].dtype == object]
    ids = keys + [c for c in text if c == "actor_name"]
    values = [c for c in flat.columns if c not in ids and c not in text]
    long = flat.melt(id_vars=ids, value_vars=values, var_name="variable", value_name="value")
    long["units"] = long["variable"].map(lambda v: units.get(v, ""))
    return long
