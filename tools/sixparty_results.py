"""Read sixparty results files (HDF5, layout in results/README.md) into xarray and pandas.

A results file holds one group per scenario (``outcomes/``, ``summary/``, ``traces/``,
``patterns/``) and, after ``sixparty compare``, ``comparisons/<a>_vs_<b>``. This module reads
them with xarray's h5netcdf backend (the groups of tables: summaries, outcomes, traces, draws,
patterns, comparisons) and h5py (attributes and the batch tables) and returns plain xarray/pandas
objects, loaded into memory, with the CF ``long_name`` and ``units`` attributes kept. Two conveniences differ
from the file (which ``xarray.open_dataset(path, engine="h5netcdf", group=...)`` reads as CF
says): ``units`` is the human unit (the file's ``display_units`` where it has one, e.g.
``US$ bn/yr``; the UDUNITS form stays in ``cf_units``), and the ``time`` index holds decimal
years (the file's ``year``; its ``time`` counts days since 1 January of the start year).

Example::

    import sys; sys.path.insert(0, "tools")
    import sixparty_results as sr

    path = "results/comparison.h5"            # sixparty compare -n 100
    sr.list_groups(path)                      # ['status_quo', 'collapse']
    s = sr.summary(path, "collapse")          # xr.Dataset (stat, time, actor[, ...])
    s.utility.sel(stat="q50", actor="RUS")    # Russia's median utility over time
    o = sr.outcomes(path, "collapse")         # DataFrame, index (run, actor)
    o.groupby("actor")["final_utility"].mean()
    c = sr.comparison(path)                   # the stored comparison, one row per outcome
    c[c.family == "utility"]
    sr.patterns(path, "collapse")             # P7, P7b: observed, interval, passed
    sr.metadata(path)["command_line"]

A batch file (``sixparty batch``) holds ``design/``, ``runs/``, ``points/``, ``failures/`` and,
after ``sixparty sensitivity``, ``sensitivity/``; pandas joins them in one line::

    path = "results/collapse_drivers.h5"
    df = sr.runs(path).join(sr.design(path), on="point")   # every run with its factor values
    sr.points(path).xs("DPRK", level="actor")["collapsed"]  # collapse probability per point
    sr.sensitivity(path)                                    # S1, ST with intervals, per factor

Every reader raises :class:`ResultsError` (a ``ValueError``) with a message for the user when
the file is missing, is not a regular file, is not HDF5, is not a sixparty results file, lacks
the group asked for, or is damaged: a dataset that cannot be read (the files carry checksums),
of the wrong shape, larger than the readers' memory limit (4096 MiB, or the environment variable
``SIXPARTY_READ_LIMIT_MB``), or texts that do not match the file's ``strings_digest``. The message
names the file and the object. Only the standard library, numpy, pandas, xarray and h5py are
used.
"""

from __future__ import annotations

import functools
import os
import posixpath
import stat

import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import xarray as xr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sixparty_check import read_limit_bytes as _read_limit_bytes  # noqa: E402

_CHECK_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sixparty_check.py")
CHECK_SECONDS = 300
"""How long the integrity check of a file (in its own process) may take."""

__all__ = [
    "ResultsError",
    "list_groups",
    "list_comparisons",
    "metadata",
    "summary",
    "outcomes",
    "traces",
    "patterns",
    "comparison",
    "label",
    "experiment",
    "design",
    "runs",
    "points",
    "failures",
    "series",
    "sensitivity",
]

STATS = ("mean", "sd", "q05", "q25", "q50", "q75", "q95")
"""The statistics of the ``stat`` coordinate of ``summary/``, in file order."""

# HDF5 dimension-scale bookkeeping and netCDF internals: not user attributes
_HIDDEN_ATTRS = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid",
                 "_Netcdf4Coordinates", "_nc3_strict", "_NCProperties", "coordinates"}


class ResultsError(ValueError):
    """A results file cannot be read as asked (missing, not HDF5, no such group, damaged, ...)."""


def _reader(fn):
    """Public readers: a damaged file gives a ResultsError naming the file, never another error."""
    @functools.wraps(fn)
    def wrapper(path, *args, **kwargs):
        try:
            return fn(path, *args, **kwargs)
        except ResultsError:
            raise
        except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError, UnicodeDecodeError) as e:
            raise ResultsError(f"'{os.fspath(path)}' cannot be read (damaged, or not as sixparty writes it): "
                               f"{type(e).__name__}: {e}") from None
    return wrapper


# ----------------------------------------------------------------------------- low level


def _open(path) -> h5py.File:
    """Open ``path`` read-only, checking that it is a sixparty results file."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ResultsError(f"'{path}': no such file")
    if os.path.isdir(path):
        raise ResultsError(f"'{path}' is a directory, not a results file")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ResultsError(f"'{path}' is not a regular file (a pipe or a device?); expected a results file")
    if not h5py.is_hdf5(path):
        raise ResultsError(f"'{path}' is not an HDF5 file; expected a results file written by sixparty")
    _check_isolated(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ResultsError(f"'{path}': cannot open ({e})") from None
    if _attr_value(f.attrs.get("title")) != "sixparty results":
        f.close()
        raise ResultsError(f"'{path}' is an HDF5 file but not a sixparty results file")
    return f


_checked_files: dict = {}


def _check_isolated(path: str) -> None:
    """The integrity check of ``tools/sixparty_check.py`` in a separate process (the HDF5 library
    can crash on a damaged index; here that is a ResultsError, not the end of the caller). A
    file is checked once per (path, size, modification time)."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if key in _checked_files:
        return
    try:
        r = subprocess.run([sys.executable, _CHECK_SCRIPT, path], capture_output=True, text=True, timeout=CHECK_SECONDS)
    except subprocess.TimeoutExpired:
        raise ResultsError(f"'{path}' is damaged: the HDF5 library was still reading it after {CHECK_SECONDS} s") from None
    if r.returncode < 0:
        raise ResultsError(f"'{path}' is damaged: reading it crashed the HDF5 library (signal {-r.returncode})")
    if r.returncode != 0:
        lines = r.stderr.strip().splitlines()
        raise ResultsError(lines[-1] if lines else f"'{path}' is damaged (the check exited {r.returncode})")
    _checked_files[key] = True


def _attr_value(v):
    """An HDF5 attribute as a plain Python value (str, int, float, list)."""
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        return [_attr_value(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _attrs(obj) -> dict:
    """User attributes of an HDF5 object as a dict of plain values."""
    return {k: _attr_value(v) for k, v in obj.attrs.items() if k not in _HIDDEN_ATTRS}


def _var_attrs(obj) -> dict:
    """A variable's attributes with ``units`` the human unit: the file's ``display_units`` where
    UDUNITS has no form of it (``US$ bn/yr``), the UDUNITS form kept as ``cf_units``."""
    a = _attrs(obj)
    shown = a.pop("display_units", None)
    if shown is not None:
        a["cf_units"] = a.get("units", "")
        a["units"] = shown
    return a


def _read_values(ds: h5py.Dataset) -> np.ndarray:
    """A dataset's values; variable-length strings come back as an object array of str. The
    size is checked against the memory limit before reading, and a read error (a checksum or
    decompression failure) names the object."""
    where = f"'{ds.file.filename}': {ds.name}"
    text = h5py.check_string_dtype(ds.dtype) is not None
    need = ds.size * (64 if text else ds.dtype.itemsize)
    if need > _read_limit_bytes():
        raise ResultsError(f"{where} would need {need >> 20} MiB, over the readers' limit of "
                           f"{_read_limit_bytes() >> 20} MiB (raise it with SIXPARTY_READ_LIMIT_MB if the file is sound)")
    if not text and ds.dtype.kind not in "fiu":
        raise ResultsError(f"{where} is neither numbers nor text (damaged?)")
    try:
        if text:
            return np.asarray(ds.asstr()[()], dtype=object)
        return ds[()]
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ResultsError(f"{where} cannot be read (damaged: {e})") from None


def _group(f: h5py.File, path: str, what: str) -> h5py.Group:
    """The group ``path`` of ``f``, or a ResultsError naming what is missing."""
    if path not in f or not isinstance(f[path], h5py.Group):
        raise ResultsError(f"'{f.filename}' has no {what} '{path}'")
    return f[path]


def _read_dataset(path, subgroup: str, variables=None) -> xr.Dataset:
    """Read one subgroup (e.g. ``status_quo/summary``) into an in-memory xarray Dataset.

    The file is CF-clean netCDF-4, so xarray's h5netcdf backend decodes it (dimension scales,
    ``coordinates`` such as ``actor_name`` and ``resource_unit``); times are left as numbers and
    fill values as stored. On top: the check that the file is a sound sixparty file (``_open``),
    the readers' memory limit before anything is read, the human ``units`` (:func:`_var_attrs`) and
    the ``time`` index in decimal years. ``variables`` restricts the data variables read (their
    coordinates are always read).
    """
    with _open(path) as f:
        g = _group(f, subgroup, "group")
        data = [k for k, d in g.items() if isinstance(d, h5py.Dataset) and _attr_value(d.attrs.get("CLASS")) != "DIMENSION_SCALE"]
    where = f"'{os.fspath(path)}:{subgroup}'"
    with xr.open_dataset(os.fspath(path), group=subgroup, engine="h5netcdf", decode_times=False, mask_and_scale=False,
                         decode_timedelta=False) as lazy:
        if variables is not None:
            variables = [variables] if isinstance(variables, str) else list(variables)
            unknown = sorted(set(variables) - set(data))
            if unknown:
                raise ResultsError(f"{where} has no variable(s) {', '.join(unknown)}")
            chosen = lazy[[v for v in lazy.data_vars if v in variables]]
            # every dimension's coordinate stays, as in the file (a figure may ask for interest)
            lazy = chosen.assign_coords({k: lazy[k] for k in lazy.dims if k in lazy.coords and k not in chosen.coords})
        need = sum(v.size * (64 if v.dtype.kind == "O" else v.dtype.itemsize) for v in lazy.variables.values())
        if need > _read_limit_bytes():
            raise ResultsError(f"{where} would need {need >> 20} MiB, over the readers' limit of "
                               f"{_read_limit_bytes() >> 20} MiB (raise it with SIXPARTY_READ_LIMIT_MB if the file is sound)")
        try:
            ds = lazy.load()
        except (OSError, ValueError, RuntimeError, UnicodeDecodeError) as e:
            raise ResultsError(f"{where} cannot be read (damaged: {e})") from None
    for v in ds.variables.values():
        v.attrs = {k: _attr_value(x) for k, x in v.attrs.items() if k not in _HIDDEN_ATTRS}
        shown = v.attrs.pop("display_units", None)
        if shown is not None:
            v.attrs["cf_units"] = v.attrs.get("units", "")
            v.attrs["units"] = shown
        v.encoding = {}
    ds.attrs = {k: _attr_value(x) for k, x in ds.attrs.items() if k not in _HIDDEN_ATTRS}
    if "time" in ds.coords and "year" in ds.variables:
        # the time index in decimal years (the file's CF time counts days)
        year = ds["year"].variable
        ds = ds.drop_vars("year").assign_coords(time=year)
    return ds


# ----------------------------------------------------------------------------- public API


@_reader
def metadata(path, group: str | None = None) -> dict:
    """Root attributes of the file (``group=None``), or a scenario group's attributes.

    Values are plain Python (``str``, ``int``, ``float``, lists for string arrays), e.g.
    ``metadata(p)["scenarios"]`` or ``metadata(p, "collapse")["seed"]``.
    """
    with _open(path) as f:
        if group is None:
            return _attrs(f)
        return _attrs(_group(f, group, "scenario group"))


def _texts(g: h5py.Group, name: str) -> list:
    return [str(x) for x in np.asarray(_read_values(g[name]), dtype=object).ravel()] if name in g else []


@_reader
def provenance(path, group: str) -> dict:
    """A scenario group's provenance texts (its ``provenance/`` group): ``scenario_files`` (the
    file as given, then those it extends), ``scenario_texts`` (each as read) and
    ``scenario_resolved`` (the scenario as run, after ``extends`` and ``--set``)."""
    with _open(path) as f:
        g = _group(f, f"{group}/provenance", "provenance group")
        resolved = _texts(g, "scenario_resolved")
        return {"scenario_files": _texts(g, "file"), "scenario_texts": _texts(g, "scenario_text"),
                "scenario_resolved": resolved[0] if resolved else ""}


@_reader
def list_groups(path) -> list[str]:
    """The scenario group names, in the order they were run (root attribute ``scenarios``)."""
    return [str(g) for g in metadata(path).get("scenarios", [])]


@_reader
def list_comparisons(path) -> dict[str, dict]:
    """Stored comparisons: ``{name: attributes}`` of every ``comparisons/<a>_vs_<b>`` group."""
    with _open(path) as f:
        if "comparisons" not in f:
            return {}
        return {name: _attrs(g) for name, g in f["comparisons"].items() if isinstance(g, h5py.Group)}


def _scenario_group(path, group: str) -> str:
    """Check that ``group`` is one of the file's scenario groups; returns it."""
    groups = list_groups(path)
    if group not in groups:
        raise ResultsError(f"'{os.fspath(path)}' has no scenario group '{group}' "
                           f"(groups: {', '.join(groups) or 'none'})")
    return group


@_reader
def summary(path, group: str, variables=None) -> xr.Dataset:
    """The group's ``summary/`` as an xr.Dataset: statistics across runs at every step.

    Variables are ``(stat, time, actor[, partner | resource | interest])`` with
    ``stat`` in :data:`STATS`; ``actor_name`` and ``resource_unit`` are coordinates. Raises
    ResultsError if the group was recorded at level ``outcomes`` (no summary).
    """
    _scenario_group(path, group)
    return _read_dataset(path, f"{group}/summary", variables)


@_reader
def traces(path, group: str, variables=None) -> xr.Dataset | None:
    """The group's ``traces/`` (every run, every step) as an xr.Dataset, or None if not recorded.

    Traces can be large (≈ 300 kB per run); pass ``variables`` (a name or a list) to read only
    some of them. Only the completed runs are returned.
    """
    _scenario_group(path, group)
    with _open(path) as f:
        if "traces" not in f[group]:
            return None
        done = int(_attr_value(f[group].attrs.get("runs_completed", 0)))
    return _read_dataset(path, f"{group}/traces", variables).isel(run=slice(0, done))


@_reader
def outcomes(path, group: str) -> pd.DataFrame:
    """The group's per-run outcomes as a DataFrame indexed by (run, actor).

    One column per outcome variable (``final_utility``, ``collapse_year``,
    ``final_indicator_<interest>``, ...) plus ``actor_name``. Only completed runs are kept (an
    interrupted file has NaN rows beyond ``runs_completed``). ``df.attrs["units"]`` and
    ``df.attrs["long_name"]`` map each column to its CF attributes.
    """
    _scenario_group(path, group)
    with _open(path) as f:
        done = int(_attr_value(f[group].attrs.get("runs_completed", 0)))
        runs = f[group]["outcomes/run"].shape[0] if "outcomes/run" in f[group] else 0
    if not 0 <= done <= runs:
        raise ResultsError(f"'{os.fspath(path)}:{group}': runs_completed {done} is not in [0, {runs}] (damaged?)")
    ds = _read_dataset(path, f"{group}/outcomes").isel(run=slice(0, done))
    df = ds.to_dataframe()
    # put actor_name last, keep the file's variable order otherwise
    df = df[[c for c in ds.data_vars if c in df.columns] + ["actor_name"]]
    df.attrs["units"] = {k: v.attrs.get("units", "") for k, v in ds.data_vars.items()}
    df.attrs["long_name"] = {k: v.attrs.get("long_name", k) for k, v in ds.data_vars.items()}
    return df


@_reader
def patterns(path, group: str) -> pd.DataFrame:
    """The group's ``patterns/`` as a DataFrame indexed by pattern id (empty if it has none).

    Columns: description, source, tolerance, note, known_failure, class, claim, observed,
    interval_low, interval_high, expected_min, expected_max, confidence, passed, evaluated;
    ``passed`` and ``evaluated`` are booleans. ``class`` says what the pattern is evidence of
    (target, input, scheduled, identity, test) and ``claim`` the mechanisms (test) or events
    (scheduled) without which it must fail, as checked by ``sixparty audit``. A pattern that was not evaluated stores 0 in observed and the interval:
    check ``evaluated`` (and ``note``) first.
    """
    _scenario_group(path, group)
    with _open(path) as f:
        present = "patterns" in f[group]
    if not present:
        return pd.DataFrame(index=pd.Index([], name="pattern", dtype=object))
    df = _read_dataset(path, f"{group}/patterns").to_dataframe()
    for col in ("passed", "evaluated"):
        if col in df:
            df[col] = df[col] == 1
    return df


@_reader
def draws(path, group: str) -> pd.DataFrame:
    """The group's ``draws/``: one row per run, one column per uncertain input (empty if the
    scenario declares no uncertainty). Columns are the quantities' names: a scenario path
    (``parameters.aid.temperature``), ``interests.ACTOR.DIMENSION`` or ``events.NAME@STEP.size|step``.
    Join with ``outcomes(path, group)`` on ``run`` to ask which unknowns drive an outcome.
    ``df.attrs["units"]`` maps each column to its unit (files written before units were stored
    give none).
    """
    _scenario_group(path, group)
    with _open(path) as f:
        present = "draws" in f[group]
    if not present:
        return pd.DataFrame(index=pd.Index([], name="run", dtype="int64"))
    ds = _read_dataset(path, f"{group}/draws")
    df = ds["value"].to_pandas()
    if "units" in ds:
        df.attrs["units"] = {str(q): str(u) for q, u in zip(ds["quantity"].values, ds["units"].values)}
    return df


@_reader
def audit(path) -> xr.Dataset:
    """The pattern audit stored by ``sixparty audit -o FILE`` (``audit/patterns``).

    Dimensions ``pattern`` ("scenario:id") and ``ablation`` (``baseline``, ``no_<mechanism>``,
    ``no_<a>+<b>`` for mechanisms a test removes together, ``no_event_<k>``, ``no_events_<pattern>``); variables ``passed`` (1, 0, NaN when the pattern
    cannot be evaluated), ``observed`` and ``claimed`` (1 where the pattern's class says it must
    fail) over both, and per pattern ``class``, ``claim``, ``verified`` and ``problem``. The
    attributes hold the runs, the seed and the count of independent tests.
    """
    with _open(path) as f:
        _group(f, "audit/patterns", "a pattern audit (run `sixparty audit SCENARIO -o FILE`)")
    return _read_dataset(path, "audit/patterns")


def _comparison_name(path, a: str | None, b: str | None) -> str:
    """The name of the stored comparison of ``a`` and ``b`` (groups or scenario names)."""
    found = list_comparisons(path)
    if not found:
        raise ResultsError(f"'{os.fspath(path)}' holds no comparison; add one with "
                           f"`sixparty compare {os.fspath(path)}:A {os.fspath(path)}:B`")

    def names(x):
        # a comparison's a/b attributes are scenario names; accept group names too
        if x is None:
            return None
        out = {x}
        if x in list_groups(path):
            out.add(str(metadata(path, x).get("scenario_name", x)))
        return out

    na, nb = names(a), names(b)
    hits = [n for n, at in found.items()
            if (na is None or at.get("a") in na) and (nb is None or at.get("b") in nb)]
    if len(hits) == 1:
        return hits[0]
    listing = ", ".join(sorted(found))
    if not hits:
        raise ResultsError(f"'{os.fspath(path)}' has no comparison of {a or 'any'} against "
                           f"{b or 'any'} (comparisons: {listing})")
    raise ResultsError(f"'{os.fspath(path)}' holds several comparisons ({listing}); give a and b")


@_reader
def comparison(path, a: str | None = None, b: str | None = None) -> pd.DataFrame:
    """The stored comparison ``comparisons/<a>_vs_<b>`` as a DataFrame, one row per outcome.

    With ``a`` and ``b`` None the file must hold exactly one comparison. Columns: family,
    metric, actor, detail, mean_a, mean_b, diff (b - a; the mean paired difference when
    paired), ci_low, ci_high (95 % percentile bootstrap), effect_size (d_av). The index is the
    integer ``row``; ``df.attrs`` holds the comparison's attributes (a, b, paired, runs,
    bootstrap_resamples, bootstrap_seed, confidence, difference) and ``name``.
    """
    name = _comparison_name(path, a, b)
    ds = _read_dataset(path, f"comparisons/{name}")
    df = ds.to_dataframe()
    df.index = df.index.astype(int)
    df.attrs.update(ds.attrs)
    df.attrs["name"] = name
    return df


def label(var: xr.DataArray | None = None, *, long_name: str | None = None, units: str | None = None,
          short: bool = False) -> str:
    """An axis label ``long_name [units]`` from a variable's CF attributes (no brackets for a
    dimensionless unit, "1").

    ``short=True`` drops a parenthesised remark from the long name (``year at the end of the
    step (flows are those of the step)`` -> ``year at the end of the step``).
    """
    if var is not None:
        long_name = long_name or var.attrs.get("long_name", var.name)
        units = units if units is not None else var.attrs.get("units", "")
    text = str(long_name or "")
    if short and " (" in text:
        text = text.split(" (", 1)[0]
    # a dimensionless quantity ("1") gets no unit in brackets
    return f"{text} [{units}]" if units and units != "1" else text


# ----------------------------------------------------------------------------- batch files


def _batch(f: h5py.File) -> None:
    if _attr_value(f.attrs.get("kind")) != "experiment":
        raise ResultsError(f"'{f.filename}' is not a batch file (written by sixparty batch)")


def _columns(g: h5py.Group, n: int, rows: int, skip=()) -> dict:
    """The (row, actor) float datasets of a group, by name, in file order. A 2-D dataset of
    another shape or type is a damaged file, not a column to leave out."""
    out = {}
    for k, d in g.items():
        if not isinstance(d, h5py.Dataset) or d.ndim != 2 or k in skip:
            continue
        if d.shape != (rows, n) or d.dtype.kind != "f":
            raise ResultsError(f"'{g.file.filename}': {d.name} has shape {d.shape} and type {d.dtype}; "
                               f"expected ({rows}, {n}) floats (damaged?)")
        out[k] = _read_values(d)
    return out


@_reader
def experiment(path) -> dict:
    """A batch file's experiment attributes: ``name``, ``design``, ``outcomes`` (a list),
    ``scenario_names``, ``runs_per_point``, ..., and from ``/experiment/provenance``: ``yaml``
    (the experiment's text) and ``scenario_resolved`` (each scenario as the points start from)."""
    with _open(path) as f:
        _batch(f)
        info = _attrs(f["experiment"])
        if "provenance" in f["experiment"]:
            pg = f["experiment/provenance"]
            text = _texts(pg, "experiment_text")
            info["yaml"] = text[0] if text else ""
            info["scenario_resolved"] = _texts(pg, "scenario_resolved")
    for key in ("outcomes", "scenario_names", "scenario_files", "policies", "scenario_policies"):
        if isinstance(info.get(key), str):
            info[key] = [info[key]]
    return info


@_reader
def design(path, labels: bool = False) -> pd.DataFrame:
    """A batch file's design: one row per point (index ``point``), with ``scenario`` (its
    name), ``seed``, ``role`` and ``group`` (Sobol'/Morris bookkeeping), ``policy`` (the point's
    policy, in experiments with policies or levers; the scenario's name is then
    ``<scenario>+<policy>``) and one column per factor holding the factor's value. A categorical
    factor's value is its category's index (``df.attrs["categories"]`` maps the factor to its
    categories), or with ``labels=True`` the category (a pandas Categorical). The factors are
    ``list(df.attrs["paths"])``. ``df.attrs["paths"]`` maps each factor to its scenario path."""
    with _open(path) as f:
        _batch(f)
        d = f["design"]
        names = list(_read_values(d["factor"]))
        scen = _attr_value(f["experiment"].attrs["scenario_names"])
        scen = [scen] if isinstance(scen, str) else scen
        df = pd.DataFrame({"scenario": [scen[int(k)] for k in _read_values(d["scenario"])], "seed": _read_values(d["seed"]),
                           "role": _read_values(d["role"]), "group": _read_values(d["group"])},
                          index=pd.Index(_read_values(d["point"]), name="point"))
        policies = _attr_value(f["experiment"].attrs.get("scenario_policies"))
        if policies is not None:  # an experiment with policies (levers): each point's policy
            policies = [policies] if isinstance(policies, str) else policies
            df["policy"] = [policies[int(k)] for k in _read_values(d["scenario"])]
        cats = {}
        for name in names:
            df[name] = _read_values(d[name])
            categories = _attr_value(d[name].attrs.get("categories"))
            if categories is not None:  # a categorical factor: value k is categories[k]
                cats[name] = [categories] if isinstance(categories, str) else list(categories)
                if labels:
                    df[name] = pd.Categorical.from_codes(df[name].to_numpy().astype(int), categories=cats[name])
        df.attrs["paths"] = dict(zip(names, _read_values(d["factor_path"])))
        df.attrs["categories"] = cats
        return df


@_reader
def runs(path) -> pd.DataFrame:
    """A batch file's per-run outcomes, indexed by (run, actor): ``point``, ``replicate``,
    ``status`` (0 finished, 1 failed) and one column per outcome (NaN for failed runs)."""
    with _open(path) as f:
        _batch(f)
        g = f["runs"]
        actors = list(_read_values(g["actor"]))
        n, rows = len(actors), g["run"].shape[0]
        index = pd.MultiIndex.from_product([_read_values(g["run"]), actors], names=["run", "actor"])
        data = {k: np.repeat(_read_values(g[k]), n) for k in ("point", "replicate", "status")}
        data.update({k: v.reshape(rows * n) for k, v in _columns(g, n, rows).items()})
        return pd.DataFrame(data, index=index)


@_reader
def batch_draws(path) -> pd.DataFrame:
    """A batch file's ``draws/``: one row per run (indexed by ``run``, as ``runs(path)``), one
    column per uncertain input of the experiment's scenarios; NaN where the run's point does not
    draw that input (a factor fixes it). ``df.attrs["units"]`` maps each column to its unit. Empty
    if no scenario of the experiment declares uncertainty."""
    with _open(path) as f:
        _batch(f)
        if "draws" not in f:
            return pd.DataFrame(index=pd.Index([], name="run", dtype="int64"))
        g = f["draws"]
        names = [str(q) for q in _read_values(g["quantity"])]
        df = pd.DataFrame(_read_values(g["value"]), index=pd.Index(_read_values(g["run"]), name="run"), columns=names)
        df.attrs["units"] = dict(zip(names, (str(u) for u in _read_values(g["units"]))))
        return df


@_reader
def points(path, stat: str = "mean") -> pd.DataFrame:
    """Per-point summaries over each point's finished runs, indexed by (point, actor): one
    column per outcome (``stat`` is ``"mean"`` or ``"sd"``), plus ``runs_ok``."""
    if stat not in ("mean", "sd"):
        raise ResultsError(f"stat '{stat}': expected 'mean' or 'sd'")
    with _open(path) as f:
        _batch(f)
        g = f["points"]
        actors = list(_read_values(g["actor"]))
        n, pts = len(actors), _read_values(g["point"])
        index = pd.MultiIndex.from_product([pts, actors], names=["point", "actor"])
        data = {k: v.reshape(len(pts) * n) for k, v in _columns(g[stat], n, len(pts)).items()}
        data["runs_ok"] = np.repeat(_read_values(g["runs_ok"]), n)
        return pd.DataFrame(data, index=index)


@_reader
def series(path, variables=None, runs: bool = False) -> xr.Dataset:
    """A batch file's declared series (``series:`` in the experiment): per point, the mean and
    quantiles across its finished runs at every step, ``(point, stat, time)`` with ``stat`` in
    mean, q05, q25, q50, q75, q95; with ``runs=True`` every run's values, ``(run, time)``. The
    variables are named ``VARIABLE.ACTOR`` (``stability.DPRK``); ``time`` holds decimal years.
    Raises ResultsError if the experiment declared no series."""
    with _open(path) as f:
        _batch(f)
        if "series" not in f:
            raise ResultsError(f"'{os.fspath(path)}' has no series (declare them with series: [VARIABLE.ACTOR, ...] in the experiment)")
    return _read_dataset(path, "series/runs" if runs else "series/points", variables)


@_reader
def failures(path) -> pd.DataFrame:
    """The failed runs of a batch: ``point``, ``replicate``, ``seed`` and ``message``."""
    with _open(path) as f:
        _batch(f)
        g = f["failures"]
        return pd.DataFrame({k: _read_values(g[k]) for k in ("point", "replicate", "seed", "message")})


@_reader
def sensitivity(path) -> pd.DataFrame:
    """Stored sensitivity indices (``sixparty sensitivity``), one row per (scenario, outcome,
    factor): ``s1``, ``s1_low``, ``s1_high``, ``st``, ``st_low``, ``st_high`` for Sobol' designs,
    ``mu_star``, ``mu_star_low``, ``mu_star_high``, ``mu``, ``sigma`` for Morris designs."""
    with _open(path) as f:
        _batch(f)
        if "sensitivity" not in f:
            raise ResultsError(f"'{f.filename}' has no sensitivity indices; run sixparty sensitivity on it first")
        frames = []
        for scenario, sg in f["sensitivity"].items():
            for outcome, g in sg.items():
                cols = {k: _read_values(d) for k, d in g.items() if k != "factor" and isinstance(d, h5py.Dataset)}
                df = pd.DataFrame(cols)
                df.insert(0, "factor", _read_values(g["factor"]))
                df.insert(0, "outcome", outcome)
                df.insert(0, "scenario", scenario)
                frames.append(df)
        return pd.concat(frames, ignore_index=True)
