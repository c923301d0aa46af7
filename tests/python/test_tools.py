"""Tests of the Python tools: tools/sixparty_results.py, tools/plot and the notebook.

Makes a small paired results file with the built binary (`sixparty compare -n 20`), then checks
the reader module against the file (and against xarray's own netCDF reader), the stored
comparison against a hand computation from the per-run outcomes, that the bootstrap is
reproducible, that tools/plot writes every figure and rejects bad input with exit code 2, and
that the notebook runs clean.

    SIXPARTY_BIN=build/release/sim/sixparty /usr/bin/python3 -m pytest tests/python/test_tools.py -q
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import nbformat
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from support import BIN, REPO, TOOLS, sixparty, tool

PLOT = TOOLS / "plot"
NOTEBOOK = TOOLS / "notebooks" / "status_quo_vs_collapse.ipynb"
BATCH_NOTEBOOK = TOOLS / "notebooks" / "batch.ipynb"

import sixparty_results as sr  # noqa: E402  (support put tools/ on the path)

RUNS = 20
ACTORS = ["RUS", "DPRK", "PRC", "USA", "ROK", "JPN"]
COMPARISON_COLUMNS = ["family", "metric", "actor", "detail", "units", "mean_a", "mean_b", "diff", "ci_low", "ci_high",
                      "runs_q05", "runs_q95", "deterministic", "effect_size"]
PATTERN_COLUMNS = ["description", "source", "tolerance", "note", "known_failure", "class", "claim", "observed",
                   "interval_low", "interval_high", "expected_min", "expected_max", "confidence", "passed", "evaluated"]


def plot(*args):
    """Run tools/plot with this interpreter."""
    return tool("plot", *args)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A paired status_quo/collapse file with its comparison, 20 runs each."""
    out = tmp_path_factory.mktemp("compare") / "c.h5"
    r = sixparty("compare", "-n", RUNS, "-o", out, "--force", "-q")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def outcome_files(tmp_path_factory):
    """Files at record level outcomes: one group only, and two groups without a comparison."""
    d = tmp_path_factory.mktemp("outcomes")
    one, two = d / "one.h5", d / "two.h5"
    r = sixparty("run", "scenarios/status_quo.yaml", "-n", 5, "-q", "--record", "outcomes", "-o", one)
    assert r.returncode == 0, r.stderr
    r = sixparty("run", "scenarios/status_quo.yaml", "scenarios/collapse.yaml", "-n", 5, "-q",
                 "--record", "outcomes", "-o", two)
    assert r.returncode == 0, r.stderr
    return one, two


# ----------------------------------------------------------------------------- the module


def test_module_reads_every_part(results):
    assert sr.list_groups(results) == ["status_quo", "collapse"]
    meta = sr.metadata(results)
    assert meta["title"] == "sixparty results" and meta["status"] == "complete"
    assert meta["scenarios"] == ["status_quo", "collapse"]
    assert sr.metadata(results, "collapse")["runs_completed"] == RUNS

    s = sr.summary(results, "collapse")
    assert list(s.stat.values) == list(sr.STATS)
    assert list(s.actor.values) == ACTORS
    assert s.utility.dims == ("stat", "time", "actor")
    assert s.trade_share.dims == ("stat", "time", "actor", "partner")
    assert s.indicator.dims == ("stat", "time", "actor", "interest")
    assert s.sizes["time"] == 100 and s.sizes["interest"] == 7
    assert {"actor_name", "resource_unit"} <= set(s.coords)
    assert s.refugees.attrs["units"] == "million people"
    assert sr.summary(results, "collapse", ["utility"]).data_vars.keys() == {"utility"}

    o = sr.outcomes(results, "status_quo")
    assert isinstance(o, pd.DataFrame) and o.index.names == ["run", "actor"]
    assert o.shape[0] == RUNS * len(ACTORS)
    assert {"final_utility", "mean_utility", "collapse_year", "refugees", "final_indicator_security",
            "final_trade_share_PRC", "actor_name"} <= set(o.columns)
    assert o.attrs["units"]["collapse_year"] == "year"

    p = sr.patterns(results, "collapse")
    assert list(p.index) == ["P7", "P7b"] and list(p.columns) == PATTERN_COLUMNS
    assert p.passed.dtype == bool and p.evaluated.all()
    assert sr.patterns(results, "status_quo").empty

    c = sr.comparison(results)
    assert list(c.columns) == COMPARISON_COLUMNS
    assert c.index.dtype.kind == "i" and list(c.index) == list(range(len(c)))
    assert c.attrs["a"] == "status_quo" and c.attrs["b"] == "collapse" and c.attrs["paired"] == 1
    assert set(c.family) == {"utility", "indicator", "event", "refugees", "trade_share", "influence", "aid", "gesture", "exchange"}
    assert len(c[c.family == "utility"]) == 2 * len(ACTORS)
    assert sr.comparison(results, "status_quo", "collapse").equals(c)
    assert sr.traces(results, "status_quo") is None


def as_the_module_reads(ds: xr.Dataset) -> xr.Dataset:
    """xarray's CF reading with the two conveniences the module documents: ``units`` is the human
    unit (the file's display_units; the UDUNITS form as cf_units), the time index decimal years."""
    ds = ds.copy()
    for name, v in ds.variables.items():
        if "display_units" in v.attrs:
            a = dict(v.attrs)
            a["cf_units"], a["units"] = a["units"], a.pop("display_units")
            v.attrs = a
    if "year" in ds.coords:
        year = ds["year"].variable
        ds = ds.drop_vars("year").assign_coords(time=("time", year.values, dict(year.attrs)))
    return ds


def test_module_matches_xarray_netcdf_reader(results):
    """The h5py reader gives what xarray's h5netcdf engine gives (if that engine is installed),
    but for the documented conveniences."""
    pytest.importorskip("h5netcdf")
    for group in ("status_quo/summary", "collapse/outcomes", "collapse/patterns"):
        ref = xr.open_dataset(results, group=group, engine="h5netcdf").load()
        if group.endswith("summary"):
            assert ref.time.dtype.kind == "M"  # xarray decodes the CF time to dates
        xr.testing.assert_identical(sr._read_dataset(results, group), as_the_module_reads(ref))


def test_module_reads_traces(tmp_path):
    out = tmp_path / "t.h5"
    r = sixparty("run", "scenarios/status_quo.yaml", "-n", 2, "-q", "--record", "traces", "-o", out)
    assert r.returncode == 0, r.stderr
    t = sr.traces(out, "status_quo", ["utility", "trade"])
    assert set(t.data_vars) == {"utility", "trade"}
    assert t.utility.dims == ("run", "time", "actor") and t.sizes["run"] == 2
    # the summary mean is the mean of the traces
    s = sr.summary(out, "status_quo", "utility")
    np.testing.assert_allclose(s.utility.sel(stat="mean"), t.utility.mean("run"), rtol=1e-12)


def test_module_errors(results, tmp_path):
    text = tmp_path / "x.txt"
    text.write_text("not a results file")
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = [1.0]
    for call, match in [(lambda: sr.list_groups(tmp_path / "missing.h5"), "no such file"),
                        (lambda: sr.list_groups(text), "not an HDF5 file"),
                        (lambda: sr.list_groups(foreign), "not a sixparty results file"),
                        (lambda: sr.summary(results, "nope"), "no scenario group 'nope'"),
                        (lambda: sr.comparison(results, "collapse", "status_quo"), "no comparison")]:
        with pytest.raises(sr.ResultsError, match=match):
            call()


# ----------------------------------------------------------------------------- the comparison


def test_comparison_matches_hand_computation(results):
    c = sr.comparison(results)
    oa, ob = sr.outcomes(results, "status_quo"), sr.outcomes(results, "collapse")

    # Russia's final utility, by hand
    a = oa.xs("RUS", level="actor")["final_utility"]
    b = ob.xs("RUS", level="actor")["final_utility"]
    row = c[(c.metric == "final_utility") & (c.actor == "RUS")].iloc[0]
    assert row.mean_a == pytest.approx(a.mean(), rel=1e-12)
    assert row.mean_b == pytest.approx(b.mean(), rel=1e-12)
    assert row["diff"] == pytest.approx((b - a).mean(), rel=1e-12, abs=1e-15)
    assert row.effect_size == pytest.approx(row["diff"] / ((a.std(ddof=1) + b.std(ddof=1)) / 2), rel=1e-9)
    assert row.ci_low <= row["diff"] <= row.ci_high
    # a numpy percentile bootstrap of the paired differences gives an interval of about that width
    d = (b - a).values
    rng = np.random.default_rng(1)
    boot = d[rng.integers(0, len(d), (4000, len(d)))].mean(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    assert 0.6 < (row.ci_high - row.ci_low) / (high - low) < 1.6

    # every row: the means and the paired difference of its outcome column
    for _, r in c.iterrows():
        xa = oa.xs(r.actor, level="actor")[r.metric]
        xb = ob.xs(r.actor, level="actor")[r.metric]
        if r.family in ("event", "refugees"):
            xa, xb = xa.fillna(0), xb.fillna(0)
        assert r.mean_a == pytest.approx(xa.mean(), rel=1e-9, abs=1e-12), (r.metric, r.actor)
        assert r.mean_b == pytest.approx(xb.mean(), rel=1e-9, abs=1e-12), (r.metric, r.actor)
        assert r["diff"] == pytest.approx((xb - xa).mean(), rel=1e-9, abs=1e-12), (r.metric, r.actor)
        assert r.ci_low <= r["diff"] + 1e-12 and r["diff"] <= r.ci_high + 1e-12, (r.metric, r.actor)


def test_bootstrap_is_reproducible(results, tmp_path):
    f = tmp_path / "c.h5"
    shutil.copy(results, f)
    stored = sr.comparison(f)
    args = ["compare", f"{f}:status_quo", f"{f}:collapse", "--format", "json", "-q", "-o", f]  # stored into f, named
    first, second = sixparty(*args), sixparty(*args)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    rows = pd.DataFrame(json.loads(first.stdout)["rows"])
    np.testing.assert_allclose(rows[["ci_low", "ci_high"]].to_numpy(float),
                               stored[["ci_low", "ci_high"]].to_numpy(float), rtol=1e-12, atol=1e-15)
    # the comparison stored again is the same table
    pd.testing.assert_frame_equal(sr.comparison(f), stored)
    # another bootstrap seed moves the intervals, not the means
    other = pd.DataFrame(json.loads(sixparty(*args, "--seed", 99).stdout)["rows"])
    np.testing.assert_array_equal(other["diff"], rows["diff"])
    assert not np.allclose(other.ci_low, rows.ci_low)


# ----------------------------------------------------------------------------- tools/plot


def expected_figures(results):
    """Names (without extension) of every figure tools/plot draws for a full comparison file."""
    interests = sr.summary(results, "status_quo", "utility").interest.values
    return (["fan_utility"] + [f"fan_indicator_{d}" for d in interests]
            + ["outcomes_utility", "outcomes_events", "trade_partners_DPRK", "influence_over_DPRK", "refugees",
               "forest_utility", "forest_indicators"])


def check_figures(outdir, names, stdout):
    """Every named figure exists as a non-trivial PNG and SVG and was printed, and nothing else was."""
    written = {Path(line).name for line in stdout.splitlines()}
    for name in names:
        png, svg = outdir / f"{name}.png", outdir / f"{name}.svg"
        assert png.name in written and svg.name in written, name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000, name
        assert b"<svg" in svg.read_bytes()[:2000] and svg.stat().st_size > 5000, name
    assert len(written) == 2 * len(names)


def test_plot_writes_every_figure(results, tmp_path):
    out = tmp_path / "figures"
    r = plot(results, "-o", out)
    assert r.returncode == 0, r.stderr
    check_figures(out, expected_figures(results), r.stdout)


def load_plot():
    """tools/plot as a module (it has no .py suffix)."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("sixparty_plot", str(PLOT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("sixparty_plot", loader))
    loader.exec_module(module)
    return module


def test_comparison_figures_say_what_their_intervals_are(results):
    """issue 11: a forest plot names its bar (Monte Carlo error) and its line (spread of runs),
    draws the spread of the runs' differences, and draws rows in which no run differs hollow"""
    p = load_plot()
    cmp = sr.comparison(results)
    a, b = cmp.attrs["a"], cmp.attrs["b"]
    scenarios = [p.Scenario(results, g, c) for g, c in ((a, "C0"), (b, "C1"))]
    fig = p.forest_indicators_figure(cmp, scenarios)
    title = fig._suptitle.get_text()
    assert "bootstrap interval of the mean difference (Monte Carlo error)" in title
    assert "5-95 % of the runs' paired differences (how far runs differ)" in title
    assert "hollow: no run differs" in title
    rows = cmp[cmp.family == "indicator"]
    same = int(rows.deterministic.astype(bool).sum())
    assert 0 < same < len(rows)  # the comparison has both kinds of rows
    hollow = [line for ax in fig.axes for line in ax.get_lines()
              if line.get_markerfacecolor() == "none" and len(line.get_xdata())]
    assert sum(len(line.get_xdata()) for line in hollow) == same
    spans = sum(len(c.get_segments()) for ax in fig.axes for c in ax.collections
                if type(c).__name__ == "LineCollection" and c.get_linewidth()[0] == 0.6)
    assert spans == len(rows) - same
    p.plt.close(fig)


def svg_text(path):
    """The text of an SVG figure (tools/plot keeps text as text), with XML entities decoded."""
    import html
    import re
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", path.read_text(), flags=re.S)))


def test_figures_brief(results, tmp_path):
    """issue 17, item 2, on the files tools/plot draws: a footer with version, file, runs and seed
    under every figure; band captions that say what a band is and why runs differ; the war split
    where runs with and without a war are both common; no '[1]' labels; a plain year axis"""
    out = tmp_path / "figures"
    r = plot(results, "-o", out)
    assert r.returncode == 0, r.stderr
    root = sr.metadata(results)
    p = load_plot()
    groups = [p.Scenario(results, g, c) for g, c in (("status_quo", "C0"), ("collapse", "C1"))]
    for name in expected_figures(results):
        text = svg_text(out / f"{name}.svg")
        assert f"sixparty {root['sixparty_version']}" in text, name
        assert f"file {results.name}" in text, name
        for s in groups:
            assert f"{s.group}: {RUNS} runs, seed {s.attrs['seed']}" in text, name
        assert "[1]" not in text, name
        assert "year at the end of the step" not in text, name
    fan = svg_text(out / "fan_utility.svg")
    assert "where the runs lie (not an interval of the mean)" in fan
    assert "uncertain inputs drawn per run" in fan and "one scale for all panels" in fan
    # the collapse future has wars in some runs and not in others (about a third)
    collapse = groups[1]
    assert collapse.bimodal()
    assert f"collapse: {100 * collapse.war_share():.0f} % of runs have a war" in fan
    assert "x the runs with one" in svg_text(out / "outcomes_utility.svg")


def test_figures_share_scales_and_sort_by_effect(results):
    """one scale for the panels of one quantity; forest rows sorted by the size of the effect"""
    p = load_plot()
    cmp = sr.comparison(results)
    scenarios = [p.Scenario(results, g, c) for g, c in (("status_quo", "C0"), ("collapse", "C1"))]
    fig = p.fan_figure(scenarios, "utility", focus="DPRK")
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert len(panels) == len(ACTORS)
    assert len({ax.get_ylim() for ax in panels}) == 1
    p.plt.close(fig)
    fig = p.forest_utility_figure(cmp, scenarios)
    order = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    rows = cmp[cmp.family == "utility"]
    size = {a: rows[rows.actor == a]["diff"].abs().max() for a in order}
    assert sorted(order, key=lambda a: -size[a]) == order and len(order) == len(ACTORS)
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    p.plt.close(fig)
    fig = p.forest_indicators_figure(cmp, scenarios)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len({ax.get_xlim() for ax in shown}) == 1
    for ax in shown:
        metric = f"final_indicator_{ax.get_title().replace(' ', '_')}"
        r = cmp[(cmp.family == "indicator") & cmp.metric.isin([metric, metric.replace("final_", "mean_")])]
        order = [t.get_text() for t in ax.get_yticklabels()]
        size = {a: r[r.actor == a]["diff"].abs().max() for a in order}
        assert sorted(order, key=lambda a: -size[a]) == order, ax.get_title()
    p.plt.close(fig)


def test_sensitivity_flags():
    """S1 above 1 or below 0 and rare outcomes are flagged, in words and in red on the figure"""
    import pandas as pd
    p = load_plot()
    rows = pd.DataFrame({"factor": ["a", "b", "c"], "s1": [1.2, -0.1, 0.3], "s1_low": [0.9, -0.3, 0.1],
                         "s1_high": [1.5, 0.1, 0.5], "st": [1.0, 0.2, 0.4], "st_low": [0.8, 0.1, 0.2],
                         "st_high": [1.2, 0.3, 0.6]})
    flags = p.sensitivity_flags(rows, nonzero=0.01)
    assert len(flags) == 3
    assert flags[0].startswith("a: S1 = 1.20 > 1") and flags[1].startswith("b: S1 = -0.10 < 0")
    assert "rare outcome: nonzero in 1.0 % of runs" in flags[2]
    assert p.sensitivity_flags(rows.iloc[[2]], nonzero=0.5) == []
    fig = p.sensitivity_figure(rows, "s", "collapsed.DPRK", nonzero=0.01)
    red = [t.get_text() for t in fig.texts if t.get_color() == "red"]
    assert len(red) == 1 and red[0].count("! ") == 3
    assert sum(1 for ax in fig.axes for t in ax.texts if t.get_text() == "!") == 2
    assert "Collapsed of DPRK" in fig.axes[0].get_title()
    p.plt.close(fig)


def test_plot_one_group_and_no_comparison(outcome_files, tmp_path):
    one, two = outcome_files
    r = plot(one, "-o", tmp_path / "one")
    assert r.returncode == 0, r.stderr
    assert "one scenario group" in r.stderr and "no summary" in r.stderr
    check_figures(tmp_path / "one", ["outcomes_utility", "outcomes_events"], r.stdout)

    r = plot(two, "-o", tmp_path / "two", "--a", "status_quo", "--b", "collapse")
    assert r.returncode == 0, r.stderr
    assert "holds no comparison" in r.stderr and "forest plots are skipped" in r.stderr
    check_figures(tmp_path / "two", ["outcomes_utility", "outcomes_events"], r.stdout)


def test_plot_bad_input(results, tmp_path):
    text = tmp_path / "x.txt"
    text.write_text("not a results file")
    cases = [([tmp_path / "missing.h5"], "no such file"),
             ([text], "not an HDF5 file"),
             ([results, "--a", "status_quo", "--b", "nope"], "no scenario group 'nope'"),
             ([results, "--a", "status_quo"], "give both --a and --b")]
    for args, message in cases:
        r = plot(*args, "-o", tmp_path / "figures")
        assert r.returncode == 2, (args, r.stderr)
        assert message in r.stderr, (args, r.stderr)
        assert r.stdout == ""
    assert not (tmp_path / "figures").exists()


# ----------------------------------------------------------------------------- the notebook


def kernel_for_this_python(tmp_path):
    """A kernelspec running this interpreter: an installed one, else one written to ``tmp_path``.

    Returns (kernel name, KernelSpecManager). Only ipykernel is needed, not a `jupyter` command
    or a kernel installed for the user (a fresh Debian 12 with python3-ipykernel has
    /usr/share/jupyter/kernels/python3, but nothing is assumed).
    """
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager()
    me = os.path.realpath(sys.executable)
    for name, spec in sorted(ksm.get_all_specs().items(), key=lambda kv: kv[0] != "python3"):
        argv = spec["spec"].get("argv") or [""]
        exe = shutil.which(argv[0]) or argv[0]
        if spec["spec"].get("language") == "python" and os.path.realpath(exe) == me:
            return name, ksm
    kernels = tmp_path / "kernels" / "sixparty-python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (sixparty tests)", "language": "python"}))
    return "sixparty-python3", KernelSpecManager(kernel_dirs=[str(kernels.parent)])


@pytest.mark.parametrize("notebook", [NOTEBOOK, BATCH_NOTEBOOK])
def test_notebook_is_stored_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def execute_notebook(tmp_path, monkeypatch, env, notebook=NOTEBOOK):
    """Run every cell of the notebook with ``env`` set; returns its stream text and outputs."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    name, ksm = kernel_for_this_python(tmp_path)
    for k in ("SIXPARTY_RESULTS", "SIXPARTY_A", "SIXPARTY_B", "SIXPARTY_FOCUS", "SIXPARTY_HIGHLIGHT", "SIXPARTY_BATCH",
              "SIXPARTY_OUTCOME", "SIXPARTY_THRESHOLD", "SIXPARTY_BELOW"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, str(v))
    monkeypatch.setenv("SIXPARTY_BIN", str(BIN))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(notebook, as_version=4)
    km = AsyncKernelManager(kernel_name=name, kernel_spec_manager=ksm)
    client = NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    return text, images


def test_notebook_executes(results, tmp_path, monkeypatch):
    """the default story: status quo against collapse, from the comparison stored in the file; the
    file named relative to the repository"""
    rel = os.path.relpath(results, REPO)
    text, images = execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_RESULTS": rel})
    assert str(results) in text and "comparing collapse against status_quo" in text and "P7 observed" in text
    assert len(images) >= 4


def test_notebook_takes_any_file_and_groups(tmp_path, monkeypatch):
    """issue 16: another file (a run of status_quo and reform, no stored comparison, no collapse
    group, no P7), the groups and the focus actor given as parameters"""
    two = tmp_path / "two.h5"
    r = sixparty("run", "scenarios/status_quo.yaml", "scenarios/reform.yaml", "-n", 10, "-q", "-o", two)
    assert r.returncode == 0, r.stderr
    text, images = execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_RESULTS": two, "SIXPARTY_A": "status_quo",
                                                            "SIXPARTY_B": "reform", "SIXPARTY_FOCUS": "ROK",
                                                            "SIXPARTY_HIGHLIGHT": "PRC"})
    assert "comparing reform against status_quo" in text and "reform declares no P7" in text
    assert len(images) >= 4
    # a file that does not exist is a clear error, not a subprocess failure
    from nbclient.exceptions import CellExecutionError
    with pytest.raises(CellExecutionError, match="no results file"):
        execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_RESULTS": tmp_path / "missing.h5"})


def small_batch(tmp_path, design, outcomes):
    ex = tmp_path / "ex.yaml"
    ex.write_text(f"""name: nb
scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
seed: 4
runs_per_point: 4
design: {design}
factors:
  - {{name: bias, path: parameters.stability.bias, range: [-1.5, -0.5]}}
  - {{name: leverage, path: parameters.leverage.value, range: [5, 20]}}
  - {{name: learning, path: parameters.aid.learning_rate, range: [0.1, 1], distribution: log_uniform}}
outcomes: {outcomes}
""")
    out = tmp_path / "b.h5"
    r = sixparty("batch", ex, "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    return out


def test_batch_notebook_walks_a_sobol_batch(tmp_path, monkeypatch):
    """issue 16, item 2: the batch notebook on a Sobol' design, its first outcome by default (a
    continuous one: the cases are its lowest fifth); the file is not changed"""
    pytest.importorskip("sklearn")
    out = small_batch(tmp_path, "{kind: sobol, base_rows: 16}", "[min_stability.DPRK, mean_utility.RUS]")
    before = out.read_bytes()
    text, images = execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_BATCH": out}, BATCH_NOTEBOOK)
    assert "experiment 'nb', outcome min_stability.DPRK" in text and "design sobol: 80 points x 4 runs" in text
    assert "runs: 320 finished, 0 failed" in text
    assert "hazard" not in text and "bias" in text and "cases: the lowest fifth of min_stability.DPRK" in text
    assert "PRIM box: coverage" in text and "feature scores:" in text
    assert len(images) == 3  # outcome against factors, Sobol' indices, PRIM trade-off
    assert out.read_bytes() == before


def test_batch_notebook_takes_another_design_and_outcome(tmp_path, monkeypatch):
    """the same notebook on a Latin hypercube (no sensitivity estimator), another outcome and a
    threshold given as a parameter; a missing file is a clear error"""
    pytest.importorskip("sklearn")
    out = small_batch(tmp_path, "{kind: latin_hypercube, points: 40}", "[min_stability.DPRK, mean_utility.RUS]")
    util = sr.runs(out).xs("RUS", level="actor")["mean_utility"]
    text, images = execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_BATCH": out, "SIXPARTY_OUTCOME": "mean_utility.RUS",
                                                            "SIXPARTY_THRESHOLD": float(util.median())}, BATCH_NOTEBOOK)
    assert "outcome mean_utility.RUS" in text and "a latin_hypercube design has no sensitivity estimator" in text
    assert f"mean_utility.RUS > {float(util.median()):g}" in text and "PRIM box" in text
    assert len(images) == 2
    from nbclient.exceptions import CellExecutionError
    with pytest.raises(CellExecutionError, match="no batch file"):
        execute_notebook(tmp_path, monkeypatch, {"SIXPARTY_BATCH": tmp_path / "missing.h5"}, BATCH_NOTEBOOK)


def test_draws_of_uncertain_inputs_join_the_outcomes(tmp_path):
    """a scenario with `uncertainty:` stores every run's draws; they join the outcomes on run"""
    scen = tmp_path / "unc.yaml"
    scen.write_text(f"extends: {REPO / 'scenarios' / 'status_quo.yaml'}\nname: unc\n"
                    "uncertainty:\n  values:\n"
                    "    parameters.aid.temperature: {uniform: [0.1, 0.4], source: a test}\n"
                    "    actors.DPRK.stability.repression: {normal: [0.85, 0.1], source: a test}\n",
                    encoding="utf-8")
    out = tmp_path / "u.h5"
    r = sixparty("run", scen, "-n", 30, "--record", "outcomes", "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    d = sr.draws(out, "unc")
    # the two declared here (the second replaces status_quo's own) join the status quo's declarations
    assert d.shape[0] == 30 and d.index.name == "run"
    assert {"actors.DPRK.stability.repression", "parameters.aid.temperature"} <= set(d.columns)
    assert d.shape[1] > 2
    assert d["parameters.aid.temperature"].between(0.1, 0.4).all()
    units = d.attrs["units"]
    assert set(units) == set(d.columns)
    assert units["parameters.aid.temperature"] == "1" and units["parameters.war.base_hazard"] == "1/yr"
    assert units["actors.RUS.resources.economic.income"] == "US$ bn/yr"
    assert all(units[c] == "step" for c in d.columns if c.endswith(".step"))
    assert d["actors.DPRK.stability.repression"].between(0, 1).all()
    assert d["parameters.aid.temperature"].nunique() == 30
    o = sr.outcomes(out, "unc").reset_index()
    joined = o[o.actor == "DPRK"].merge(d.reset_index(), on="run")
    assert len(joined) == 30


def test_comparison_says_what_kind_of_number_each_row_is(tmp_path):
    """Monte Carlo interval of the mean difference, spread of the per-run differences, and rows
    with no spread marked deterministic, with neither interval nor star"""
    r = sixparty("compare", "-n", 30, "-o", tmp_path / "c.h5", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = pd.DataFrame(json.loads(r.stdout)["rows"])
    refugees = rows[(rows.family == "refugees") & (rows.actor == "PRC")].iloc[0]
    assert bool(refugees.deterministic)           # 10 % of the population, in every run
    rus = rows[(rows.metric == "mean_utility") & (rows.actor == "RUS")].iloc[0]
    assert not bool(rus.deterministic)
    assert rus.runs_q05 <= rus.ci_low <= rus["diff"] <= rus.ci_high <= rus.runs_q95
    t = sixparty("compare", "-n", 30, "-o", tmp_path / "t.h5", "-q")
    lines = [x for x in t.stdout.splitlines() if "deterministic" in x and x.startswith("  ")]
    assert lines and not any(x.rstrip().endswith("*") for x in lines if "deterministic:" not in x)
    assert "its 95 % interval is the Monte Carlo error of that mean" in t.stdout


def test_input_spread_counts_cells_that_hardly_vary(tmp_path):
    """tools/input_spread.py: declared uncertainty and sampled decisions leave fewer cells that hardly vary"""
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    env = {**os.environ, "SIXPARTY_BIN": str(BIN)}

    def low(path, *sets):
        r = subprocess.run([sys.executable, str(REPO / "tools" / "input_spread.py"), str(path), "-n", "30",
                            *[x for s in sets for x in ("--set", s)]],
                           capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
        assert r.returncode == 0, r.stderr
        words = r.stdout.split()
        assert "outcome cells vary by less than 1 % across 30 runs" in r.stdout
        return int(words[1]), int(words[3])

    # the shipped status quo declares its uncertainty: without it and with expected decisions, then
    # with its declared uncertainty, then with sampled decisions alone
    sq = REPO / "scenarios" / "status_quo.yaml"
    fixed, cells = low(sq, "uncertainty={}", "run.decisions=expected")
    uncertain, cells_u = low(sq, "run.decisions=expected")
    sampled, _ = low(sq, "uncertainty={}")
    assert cells == cells_u and 0 < uncertain < fixed
    assert sampled < fixed  # sampled decisions alone make runs differ
