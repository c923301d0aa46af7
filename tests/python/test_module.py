"""The Python module `sixparty` (sim/python/): what it writes is what the program writes, bit for
bit; located errors; progress, the GIL and Ctrl-C; compare, batch (with a resume), the plain model
function, tidy tables; and the module as `cmake --install` installs it.

SIXPARTY_PYTHON_DIR names the folder that holds the built package (default
build/release/python); without it the tests skip, unless SIXPARTY_REQUIRE_MODULE=1 (the test
command sets it), when they fail.

    SIXPARTY_BIN=build/release/sim/sixparty /usr/bin/python3 -m pytest tests/python/test_module.py -q
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from support import BIN, REPO, sixparty as program

PKG_DIR = Path(os.environ.get("SIXPARTY_PYTHON_DIR") or REPO / "build" / "release" / "python")
if not (PKG_DIR / "sixparty" / "__init__.py").exists():
    if os.environ.get("SIXPARTY_REQUIRE_MODULE") == "1":
        raise RuntimeError(f"the Python module was not built: no {PKG_DIR / 'sixparty'} (pybind11-dev, python3-dev?)")
    pytest.skip(f"the Python module was not built (no {PKG_DIR / 'sixparty'}; set SIXPARTY_PYTHON_DIR)", allow_module_level=True)
sys.path.insert(0, str(PKG_DIR))
import sixparty  # noqa: E402

SQ = str(REPO / "scenarios" / "status_quo.yaml")
COLLAPSE = str(REPO / "scenarios" / "collapse.yaml")
# what differs between two writers of the same runs: when, how, with how many threads
VOLATILE = {"@command_line", "@started", "@finished", "@history", "@threads"}


def _value(v):
    """An HDF5 value to compare: numbers as their bytes, texts as str, references skipped (None)."""
    v = np.asarray(v)
    if v.dtype.kind == "V" or (v.dtype.kind == "O" and v.size and isinstance(v.ravel()[0], (h5py.Reference, np.ndarray))):
        return None
    if v.dtype.kind in "OSU":
        return ("text", [x.decode() if isinstance(x, bytes) else str(x) for x in v.ravel()], v.shape)
    return ("num", v.dtype.str, v.shape, v.tobytes())


def contents(path) -> dict:
    """Every dataset and attribute of a file (dimension-scale references aside)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = _value(obj[()])
            for k in obj.attrs:
                out[f"{name}@{k}"] = _value(obj.attrs[k])
        f.visititems(visit)
        for k in f.attrs:
            out[f"@{k}"] = _value(f.attrs[k])
    return out


def assert_same_data(a, b):
    ca, cb = contents(a), contents(b)
    assert set(ca) == set(cb), sorted(set(ca) ^ set(cb))
    differ = sorted(k for k in ca if k not in VOLATILE and ca[k] != cb[k])
    assert not differ, differ


def test_run_writes_what_the_program_writes(tmp_path):
    cli, py = tmp_path / "cli.h5", tmp_path / "py.h5"
    r = program("run", SQ, COLLAPSE, "-n", 12, "--seed", 11, "--threads", 2, "--record", "traces", "-o", cli, "-q")
    assert r.returncode == 0, r.stderr
    res = sixparty.run([SQ, COLLAPSE], runs=12, seed=11, threads=1, record="traces", output=py, progress=False)
    assert res.groups == ["status_quo", "collapse"] and res.path == str(py)
    assert_same_data(cli, py)
    # an existing output is refused unless force=True, and nothing is touched
    before = py.read_bytes()
    with pytest.raises(FileExistsError, match="force=True"):
        sixparty.run(SQ, runs=2, output=py, progress=False)
    assert py.read_bytes() == before


def test_in_memory_results(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    res = sixparty.run(SQ, runs=20, seed=4, progress=False)
    assert res.path is None and list(tmp_path.iterdir()) == []  # nothing left behind
    o = res.outcomes
    assert o.shape[0] == 20 * 6 and list(o.index.names) == ["run", "actor"]
    assert set(o.index.get_level_values("actor")) == {"RUS", "DPRK", "PRC", "USA", "ROK", "JPN"}
    s = res.summary
    assert "utility" in s and s.utility.sel(stat="q50", actor="RUS").shape == (s.sizes["time"],)
    assert res.traces is None  # not recorded at record="summary"
    assert res.metadata["seed"] == 4
    # the same numbers as the file the program writes
    cli = tmp_path.parent / f"{tmp_path.name}-cli.h5"
    assert program("run", SQ, "-n", 20, "--seed", 4, "-o", cli, "-q").returncode == 0
    ref = sixparty.open(cli)
    assert ref.outcomes.equals(o)
    assert ref.summary.identical(s)
    cli.unlink()


def test_load_raises_the_programs_located_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {SQ}\nname: bad\nrun:\n  runs: -1\nparameters:\n  aid:\n    temprature: 0.2\n")
    with pytest.raises(sixparty.InputError) as e:
        sixparty.load(bad)
    v = program("validate", bad)
    assert v.returncode == 2
    message = str(e.value)
    assert f"{bad}:4:" in message and f"{bad}:7:" in message  # file:line:column
    assert "temprature" in message and "expected" in message
    for line in v.stderr.splitlines()[:-1]:
        assert line in message  # the program's messages, word for word
    with pytest.raises(sixparty.InputError, match="no such scenario file"):
        sixparty.load(tmp_path / "missing.yaml")
    # a --set value with a wrong type is located on the override
    with pytest.raises(sixparty.InputError, match="run.runs"):
        sixparty.load(SQ, set={"run.runs": "many"})


def test_load_from_a_dict_and_overrides():
    sc = sixparty.load({"extends": SQ, "name": "weaker_repression"}, set={"run.runs": 7, "run.seed": 3})
    assert (sc.name, sc.runs, sc.seed) == ("weaker_repression", 7, 3)
    assert sc.actors == ["RUS", "DPRK", "PRC", "USA", "ROK", "JPN"] and sc.start_year == 2005
    assert "weaker_repression" in sc.resolved_yaml
    same = sixparty.load(SQ, set=["run.runs=7"])
    assert same.runs == 7 and "Scenario 'status_quo'" in repr(same)


def test_progress_released_gil_and_ctrl_c(tmp_path):
    reports, ticks, stop = [], [0], [False]

    def count():
        while not stop[0]:
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    started = time.monotonic()
    sixparty.run(SQ, runs=300, seed=2, record="outcomes", progress=reports.append)
    took = time.monotonic() - started
    stop[0] = True
    t.join()
    assert reports and reports[-1]["done"] == reports[-1]["total"] == 300
    assert [r["done"] for r in reports] == sorted(r["done"] for r in reports)
    # another Python thread ran meanwhile (the GIL was released): about one tick per ms
    assert ticks[0] > 0.2 * took * 1000, (ticks[0], took)

    # Ctrl-C: the run stops at the next block, the file keeps every finished run
    out = tmp_path / "stopped.h5"
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sixparty.run(SQ, runs=1_000_000, seed=2, record="outcomes", output=out, progress=False)
    timer.join()
    meta = sixparty.results.metadata(str(out))
    assert meta["status"] == "interrupted"
    done = sixparty.results.metadata(str(out), "status_quo")["runs_completed"]
    assert 0 < done < 1_000_000
    assert len(sixparty.open(out).outcomes) == done * 6


def test_compare_matches_the_program(tmp_path):
    out = tmp_path / "cmp.h5"
    df = sixparty.compare(SQ, COLLAPSE, runs=16, seed=5, output=out, progress=False)
    r = program("compare", SQ, COLLAPSE, "-n", 16, "--seed", 5, "-o", tmp_path / "cli.h5", "--format", "json", "-q")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert len(df) == len(rows) and df.attrs["paired"] and df.attrs["runs"] == 16
    for (_, a), b in zip(df.iterrows(), rows):
        for k, v in b.items():
            if v is None:  # JSON's null (an effect size of runs that do not vary) is NaN in the table
                assert np.isnan(a[k]), (k, a[k])
            else:
                assert a[k] == v, (k, a[k], v)
    # the comparison is stored in the output, as the program stores it
    stored = sixparty.results.comparison(str(out))
    assert np.array_equal(stored["diff"].to_numpy(), df["diff"].to_numpy())
    # stored groups compare the same way
    again = sixparty.compare(f"{out}:status_quo", (str(out), "collapse"))
    assert np.array_equal(again["diff"].to_numpy(), df["diff"].to_numpy())
    with pytest.raises(ValueError, match="not one of each"):
        sixparty.compare(SQ, f"{out}:collapse")


def interrupt_once_started(ex, out):
    """sixparty.batch stopped by Ctrl-C (a real SIGINT) once some of its runs are journaled."""
    sent = []

    def ctrl_c(s):
        if not sent and 0 < s["runs_done"] < s["runs_total"]:
            sent.append(s["runs_done"])
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        sixparty.batch(ex, output=out, progress=ctrl_c)
    assert sent


def _experiment(d: Path, runs: int) -> Path:
    ex = d / "ex.yaml"
    ex.write_text(f"""name: py_levels
scenarios: {SQ}
seed: 21
runs_per_point: {runs}
design: {{kind: factorial}}
factors:
  - {{name: leverage, path: parameters.leverage.value, levels: [5, 10, 20]}}
  - {{name: bias, path: parameters.stability.bias, levels: [-1.5, -1.0, -0.5]}}
outcomes: [mean_utility.RUS, collapsed.DPRK]
""")
    return ex


def test_batch_runs_resumes_and_matches_the_program(tmp_path):
    ex = _experiment(tmp_path, 200)
    info = sixparty.load_experiment(ex)
    assert info["points"] == 9 and info["runs"] == 1800 and [f["name"] for f in info["factors"]] == ["leverage", "bias"]
    # Ctrl-C once some runs are journaled, then the same call again: it resumes from the journal
    out = tmp_path / "py.h5"
    interrupt_once_started(ex, out)
    assert not out.exists() and Path(f"{out}.journal").exists()
    res = sixparty.batch(ex, output=out, threads=1, progress=False)
    assert 0 < res.info["runs_resumed"] < 1800 and res.info["runs_done"] == 1800 and not Path(f"{out}.journal").exists()
    cli = tmp_path / "cli.h5"
    r = program("batch", ex, "-o", cli, "-q")
    assert r.returncode == 0, r.stderr
    same = subprocess.run([sys.executable, str(REPO / "tests" / "cli" / "same_batch_data.py"), str(cli), str(out)],
                          capture_output=True, text=True)
    assert same.returncode == 0, same.stderr
    b = sixparty.open(out)
    assert isinstance(b, sixparty.BatchResults)
    assert len(b.design) == 9 and len(b.runs) == 1800 * 6  # (run, actor) rows
    assert sixparty.batch(ex, output=out, progress=False).info["already_complete"]
    with pytest.raises(sixparty.InputError):
        bad = tmp_path / "bad.yaml"
        bad.write_text(ex.read_text().replace("levels: [5, 10, 20]", "levels: []"))
        sixparty.batch(bad, output=tmp_path / "bad.h5", progress=False)


def test_model_is_a_plain_function():
    f = sixparty.make_model(SQ, runs=8, seed=9)
    a = f(**{"parameters.aid.temperature": 0.2})
    assert 0 <= a["collapsed.DPRK"] <= 1 and "final_utility.RUS" in a
    same = lambda x, y: pd.Series(x).equals(pd.Series(y))  # noqa: E731 (NaN where no run defines it, e.g. collapse_year)
    assert same(f(parameters__aid__temperature=0.2), a)  # the same inputs, the same numbers
    # the mean over the runs of the same ensemble run directly
    res = sixparty.run(sixparty.load(SQ, set={"parameters.aid.temperature": 0.2}), runs=8, seed=9, record="outcomes",
                       progress=False)
    # the same runs; pandas' groupby and Series means sum in different orders (an ulp apart)
    assert a["final_utility.RUS"] == pytest.approx(res.outcomes.xs("RUS", level="actor")["final_utility"].mean(), rel=1e-14)
    g = sixparty.make_model(SQ, runs=8, seed=9, outcomes=["collapsed.DPRK", "final_utility.RUS"])
    assert g(**{"parameters.aid.temperature": 0.2}) == {k: a[k] for k in ("collapsed.DPRK", "final_utility.RUS")}
    assert not same(f(**{"parameters.aid.temperature": 0.9}), a)  # the input reaches the model
    with pytest.raises(sixparty.InputError, match="temprature"):
        f(**{"parameters.aid.temprature": 0.2})


def test_to_dataframe_is_long_with_units(tmp_path):
    res = sixparty.run(SQ, runs=3, seed=1, record="outcomes", progress=False)
    long = sixparty.to_dataframe(res)
    assert list(long.columns[:4]) == ["group", "run", "actor", "actor_name"]
    assert set(long.columns) >= {"variable", "value", "units"}
    wide = res.outcomes.drop(columns="actor_name")
    assert len(long) == wide.size
    back = long.pivot_table(index=["run", "actor"], columns="variable", values="value", sort=False, dropna=False)
    assert np.array_equal(back.loc[wide.index, wide.columns].to_numpy(), wide.to_numpy(), equal_nan=True)
    assert (long.loc[long.variable == "refugees", "units"] == "million people").all()


def test_readme_line_and_installed_module(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(PKG_DIR))
    line = "import sixparty; print(sixparty.run('scenarios/status_quo.yaml', runs=50).outcomes)"
    r = subprocess.run([sys.executable, "-c", line], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "[300 rows x" in r.stdout
    # cmake --install: the module, the tools and the scenarios under a prefix; run from elsewhere
    build = PKG_DIR.parent
    prefix = tmp_path / "prefix"
    inst = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr
    site = [p for p in prefix.glob("lib/python3*/*-packages") if (p / "sixparty").is_dir()]
    assert len(site) == 1
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site[0])
    code = ("import sixparty, os; print(sixparty.__file__); print(sixparty.SCENARIOS_DIR); "
            "r = sixparty.run(os.path.join(sixparty.SCENARIOS_DIR, 'status_quo.yaml'), runs=4, progress=False); "
            "print(len(r.outcomes))")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    file, scenarios, rows = r.stdout.split()
    assert file.startswith(str(prefix)) and scenarios.startswith(str(prefix)) and rows == "24"


def test_levers_crossed_with_uncertainties_date_factor_and_imported_design(tmp_path):
    """Issue 16's experiment: levers (policies) crossed with an imported design over an uncertain
    input and an event's date; it runs, resumes after Ctrl-C to the program's data, and analyses."""
    (tmp_path / "design.csv").write_text("repression,frontier_date\n0.5,2007.3\n0.7,2011.8\n0.9,2009.1\n0.6,2013.6\n")
    ex = tmp_path / "levers.yaml"
    ex.write_text(f"""name: levers
scenarios: {SQ}
seed: 5
seeds: independent
runs_per_point: 200
design: {{kind: imported, file: design.csv}}
factors:
  - {{name: repression, path: actors.DPRK.stability.repression}}
  - {{name: frontier_date, path: events.1.at}}
levers:
  - {{name: aid_temp, path: parameters.aid.temperature, levels: [0.1, 0.5]}}
  - {{name: exchange, path: mechanisms.exchange, levels: [on, off]}}
outcomes: [collapsed.DPRK, mean_utility.RUS]
""")
    info = sixparty.load_experiment(ex)
    assert info["points"] == 16 and info["runs"] == 3200
    out = tmp_path / "py.h5"
    interrupt_once_started(ex, out)
    res = sixparty.batch(ex, output=out, progress=False)
    assert 0 < res.info["runs_resumed"] < 3200
    cli = tmp_path / "cli.h5"
    assert program("batch", ex, "-o", cli, "-q").returncode == 0
    same = subprocess.run([sys.executable, str(REPO / "tests" / "cli" / "same_batch_data.py"), str(cli), str(out)],
                          capture_output=True, text=True)
    assert same.returncode == 0, same.stderr
    d = res.design
    assert list(d.policy.unique()) == ["aid_temp=0.1,exchange=on", "aid_temp=0.1,exchange=off",
                                       "aid_temp=0.5,exchange=on", "aid_temp=0.5,exchange=off"]
    assert d.scenario.iloc[4] == "status_quo+aid_temp=0.1,exchange=off"
    # every policy meets the same design rows, the dates snapped to the quarter, with the same seeds
    rows = d.groupby("policy", sort=False)
    for col in ("repression", "frontier_date", "seed"):
        assert all(list(g[col]) == list(d[col][:4]) for _, g in rows), col
    assert list(d.frontier_date[:4]) == [2007.25, 2011.75, 2009.0, 2013.5]
    # ... and so the same draws of the uncertain inputs, replicate by replicate
    draws = res.draws.join(res.runs.xs("RUS", level="actor")[["point", "replicate"]])
    draws["row"], draws["policy"] = draws.point % 4, draws.point // 4
    per = draws.drop(columns="point").set_index(["policy", "row", "replicate"]).sort_index()
    for q in (1, 2, 3):
        assert np.array_equal(per.loc[0].to_numpy(), per.loc[q].to_numpy(), equal_nan=True)
    # the lever makes a difference: without exchange, nothing is given back for aid
    pts = res.points().xs("RUS", level="actor")
    off = d.index[d.policy.str.endswith("exchange=off")]
    assert (pts.loc[off, "mean_exchange_DPRK"] == 0).all()
    # analyses: scenario discovery takes the policy as an input, beside the factors and draws
    r = program("discover", out, "--outcome", "mean_utility.RUS", "--threshold", "0.5", "--format", "json", "--no-figure")
    assert r.returncode == 0, r.stderr
    assert "policy" in json.loads(r.stdout)["inputs"]
