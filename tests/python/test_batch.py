"""Tests of batch files from the Python side: the reader functions of tools/sixparty_results.py,
the per-point summaries and the Sobol' indices recomputed by hand from the file, and the
SALib export.

    SIXPARTY_BIN=build/release/sim/sixparty /usr/bin/python3 -m pytest tests/python/test_batch.py -q
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("SIXPARTY_BIN") or REPO / "build" / "release" / "sim" / "sixparty")
sys.path.insert(0, str(REPO / "tools"))
import sixparty_results as sr  # noqa: E402

N, K, RUNS = 16, 3, 4


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    ex = d / "ex.yaml"
    ex.write_text(f"""name: py_sobol
scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
seed: 8
runs_per_point: {RUNS}
design: {{kind: sobol, base_rows: {N}}}
factors:
  - {{name: leverage, path: parameters.leverage.value, range: [5, 20]}}
  - {{name: learning, path: parameters.aid.learning_rate, range: [0.1, 1], distribution: log_uniform}}
  - {{name: bias, path: parameters.stability.bias, range: [-1.5, -0.5]}}
outcomes: [mean_utility.RUS, min_stability.DPRK]
""")
    out = d / "b.h5"
    subprocess.run([BIN, "batch", ex, "-o", out, "-q"], check=True)
    subprocess.run([BIN, "design", ex, "--salib", d / "salib"], check=True, capture_output=True)
    res = subprocess.run([BIN, "sensitivity", out, "--format", "json", "--resamples", "200"], check=True,
                         capture_output=True, text=True)
    return {"dir": d, "out": out, "json": json.loads(res.stdout)}


def test_design_runs_and_points_join(batch):
    out = batch["out"]
    des = sr.design(out)
    assert len(des) == N * (K + 2)
    assert list(des.columns[-K:]) == ["leverage", "learning", "bias"]
    assert des.attrs["paths"]["bias"] == "parameters.stability.bias"
    assert des["leverage"].between(5, 20).all() and des["learning"].between(0.1, 1).all()
    runs = sr.runs(out)
    assert len(runs) == N * (K + 2) * RUNS * 6
    joined = runs.join(des, on="point")  # the one-line join the issue asks for
    assert joined["leverage"].notna().all()
    assert (runs["status"] == 0).all()
    assert sr.failures(out).empty
    # per-point means equal the mean of the point's runs
    pts = sr.points(out)
    by_hand = runs.groupby(["point", "actor"])["mean_utility"].mean()
    assert np.allclose(pts["mean_utility"].sort_index(), by_hand.sort_index(), rtol=0, atol=1e-12)
    assert (pts["runs_ok"] == RUNS).all()
    sd = sr.points(out, "sd")
    by_hand_sd = runs.groupby(["point", "actor"])["min_stability"].std()
    assert np.allclose(sd["min_stability"].sort_index(), by_hand_sd.sort_index(), rtol=0, atol=1e-12)


def test_batch_draws_join_the_runs(batch):
    """the status quo declares uncertain inputs: every run's draws, one row per run, join the
    runs on ``run``; inputs no factor fixes are drawn in every run and differ between runs"""
    out = batch["out"]
    d = sr.batch_draws(out)
    runs = sr.runs(out)
    assert d.index.name == "run" and list(d.index) == sorted(set(runs.index.get_level_values("run")))
    assert "parameters.aid.temperature" in d.columns and d.attrs["units"]["parameters.war.base_hazard"] == "1/yr"
    assert d.notna().all().all()  # no factor of this experiment is a declared input
    joined = runs.xs("RUS", level="actor").join(d)
    assert len(joined) == len(d) and joined["parameters.aid.temperature"].notna().all()
    # common seeds: replicate r of every point draws the same inputs, and replicates differ
    by_rep = joined.groupby("replicate")["parameters.aid.temperature"]
    assert (by_rep.nunique() == 1).all() and joined["parameters.aid.temperature"].nunique() == RUNS


def test_sobol_indices_recomputed_by_hand(batch):
    """The stored indices equal the Saltelli (2010) / Jansen (1999) formulas applied with numpy."""
    out = batch["out"]
    des = sr.design(out)
    y = sr.points(out).xs("DPRK", level="actor")["min_stability"].to_numpy()
    role = des["role"].to_numpy()
    A, B = y[role == -1], y[role == K]
    var = np.var(np.concatenate([A, B]))
    stored = sr.sensitivity(out)
    rows = stored[(stored.outcome == "min_stability.DPRK")].set_index("factor")
    for i, name in enumerate(["leverage", "learning", "bias"]):
        AB = y[role == i]
        st = 0.5 * np.mean((A - AB) ** 2) / var
        centre = np.mean(np.concatenate([A, B]))
        s1 = np.mean((B - centre) * (AB - A)) / var
        assert rows.loc[name, "st"] == pytest.approx(st, rel=1e-9, abs=1e-12)
        assert rows.loc[name, "s1"] == pytest.approx(s1, rel=1e-9, abs=1e-12)
        assert rows.loc[name, "st_low"] <= rows.loc[name, "st_high"]
    # the JSON printout says the same
    js = [r for r in batch["json"]["rows"] if r["outcome"] == "min_stability.DPRK" and r["factor"] == "bias"][0]
    assert js["st"] == pytest.approx(rows.loc["bias", "st"], rel=1e-12)


def test_salib_export_matches_the_design(batch):
    d = batch["dir"]
    problem = json.loads((d / "salib" / "problem.json").read_text())
    assert problem["num_vars"] == K
    assert problem["names"] == ["leverage", "learning", "bias"]
    assert problem["bounds"] == [[5, 20], [0.1, 1], [-1.5, -0.5]]
    assert problem["dists"] == ["unif", "logunif", "unif"]
    sample = np.loadtxt(d / "salib" / "sample.txt")
    assert sample.shape == (N * (K + 2), K)
    des = sr.design(batch["out"])
    assert np.array_equal(sample, des[["leverage", "learning", "bias"]].to_numpy())
    # SALib's layout (calc_second_order=False): A, A_B(1..k), B per base row
    role = des["role"].to_numpy().reshape(N, K + 2)
    assert (role == np.array([-1, 0, 1, 2, K])).all()


def test_reading_a_run_file_as_a_batch_fails_clearly(tmp_path):
    out = tmp_path / "r.h5"
    subprocess.run([BIN, "run", REPO / "scenarios" / "status_quo.yaml", "-n", "2", "--record", "outcomes", "-o", out, "-q"],
                   check=True)
    with pytest.raises(sr.ResultsError, match="not a batch file"):
        sr.design(out)


def test_plot_draws_the_batch_figures(batch, tmp_path):
    out = tmp_path / "figs"
    res = subprocess.run([sys.executable, REPO / "tools" / "plot", batch["out"], "-o", out], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    names = {p.name for p in out.iterdir()}
    for stem in ("design_mean_utility.RUS", "design_min_stability.DPRK",
                 "sensitivity_status_quo_mean_utility.RUS", "sensitivity_status_quo_min_stability.DPRK"):
        assert f"{stem}.png" in names and f"{stem}.svg" in names, stem
        # human labels and the provenance footer (issue 17, item 2); tools/plot keeps SVG text as text
        text = (out / f"{stem}.svg").read_text()
        assert "runs per point" in text and "seed" in text and "sixparty" in text, stem
    assert "Mean utility of RUS" in (out / "design_mean_utility.RUS.svg").read_text()


def test_morris_batch_is_analysed_and_drawn(tmp_path):
    ex = tmp_path / "m.yaml"
    ex.write_text(f"""name: py_morris
scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
runs_per_point: 2
design: {{kind: morris, trajectories: 4, levels: 4}}
factors:
  - {{name: noise, path: parameters.stability.noise_sd, range: [0.02, 0.15]}}
  - {{name: learning, path: parameters.aid.learning_rate, range: [0.1, 1]}}
outcomes: [min_stability.DPRK]
""")
    out = tmp_path / "m.h5"
    subprocess.run([BIN, "batch", ex, "-o", out, "-q"], check=True)
    res = subprocess.run([BIN, "sensitivity", out, "--resamples", "100"], capture_output=True, text=True, check=True)
    assert "Morris elementary effects of min_stability.DPRK" in res.stdout
    sens = sr.sensitivity(out).set_index("factor")
    assert sens.loc["noise", "mu_star"] > sens.loc["learning", "mu_star"]  # the noise moves stability, learning hardly
    # mu* by hand: |EE| = |dy| / |du| along each trajectory
    des, y = sr.design(out), sr.points(out).xs("DPRK", level="actor")["min_stability"]
    with h5py.File(out, "r") as f:
        unit = f["design/unit"][()]
    ee = {0: [], 1: []}
    for p in range(1, len(des)):
        i = des["role"].iloc[p]
        if i >= 0:
            ee[i].append(abs(y.iloc[p] - y.iloc[p - 1]) / abs(unit[p, i] - unit[p - 1, i]))
    assert sens.loc["noise", "mu_star"] == pytest.approx(np.mean(ee[0]), rel=1e-9)
    plot = subprocess.run([sys.executable, REPO / "tools" / "plot", out, "-o", tmp_path / "figs"], capture_output=True, text=True)
    assert plot.returncode == 0, plot.stderr
    assert (tmp_path / "figs" / "sensitivity_status_quo_min_stability.DPRK.png").exists()


def test_policies_and_categorical_factors_through_the_tools(tmp_path):
    """A Sobol' batch with a categorical factor under two policies: the readers, sensitivity,
    the figures, the report, the CSV export and scenario discovery take it (issue 16)."""
    ex = tmp_path / "pc.yaml"
    ex.write_text(f"""name: py_policies
scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
runs_per_point: 3
design: {{kind: sobol, base_rows: 8}}
factors:
  - {{name: repression, path: actors.DPRK.stability.repression, range: [0.4, 0.9]}}
  - {{name: decisions, path: run.decisions, categories: [sampled, expected]}}
policies:
  - {{name: base}}
  - {{name: no_exchange, set: {{mechanisms.exchange: "off"}}}}
outcomes: [mean_utility.RUS]
""")
    out = tmp_path / "pc.h5"
    subprocess.run([BIN, "batch", ex, "-o", out, "-q"], check=True)
    d = sr.design(out)
    assert list(d.attrs["paths"]) == ["repression", "decisions"]
    assert d.attrs["categories"] == {"decisions": ["sampled", "expected"]}
    assert set(d.decisions) == {0.0, 1.0} and list(d.policy.unique()) == ["base", "no_exchange"]
    assert list(d.scenario.unique()) == ["status_quo+base", "status_quo+no_exchange"]
    labelled = sr.design(out, labels=True)
    assert list(labelled.decisions.cat.categories) == ["sampled", "expected"]
    assert (labelled.decisions.cat.codes == d.decisions.astype(int)).all()
    assert sr.experiment(out)["policies"] == ["base", "no_exchange"]
    res = subprocess.run([BIN, "sensitivity", out, "--resamples", "50"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "scenario 'status_quo+base'" in res.stdout and "scenario 'status_quo+no_exchange'" in res.stdout
    figs = tmp_path / "figs"
    for cmd in (["plot", out, "-o", figs], ["report", out, "-o", tmp_path / "r.html"], ["export", out, "-o", tmp_path / "csv"]):
        r = subprocess.run([sys.executable, REPO / "tools" / cmd[0], *map(str, cmd[1:])], capture_output=True, text=True)
        assert r.returncode == 0, (cmd[0], r.stderr)
    design_csv = pd.read_csv(next((tmp_path / "csv").rglob("design.csv")), comment=None)
    assert "policy" in design_csv.columns and set(design_csv.factor) == {"repression", "decisions"}
    median = sr.runs(out).xs("RUS", level="actor").mean_utility.median()
    r = subprocess.run([BIN, "discover", out, "--outcome", "mean_utility.RUS", "--threshold", repr(median), "--no-figure",
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    inputs = json.loads(r.stdout)["inputs"]
    assert {"policy", "decisions", "repression"} <= set(inputs)


def test_declared_series_per_point(tmp_path):
    ex = tmp_path / "s.yaml"
    ex.write_text(f"""name: py_series
scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
runs_per_point: 7
design: {{kind: latin_hypercube, points: 3}}
factors:
  - {{name: repression, path: actors.DPRK.stability.repression, range: [0.4, 0.9]}}
series: [stability.DPRK]
""")
    out = tmp_path / "s.h5"
    subprocess.run([BIN, "batch", ex, "-o", out, "-q"], check=True)
    per_point, per_run = sr.series(out), sr.series(out, runs=True)
    assert per_point["stability.DPRK"].dims == ("point", "stat", "time")
    assert list(per_point.stat.values) == ["mean", "q05", "q25", "q50", "q75", "q95"]
    assert per_point.time.values[0] == 2005.25 and per_point.time.values[-1] == 2030.0
    runs = per_run["stability.DPRK"].values.reshape(3, 7, -1)
    np.testing.assert_allclose(per_point["stability.DPRK"].sel(stat="mean").values, runs.mean(axis=1), rtol=1e-13)
    for q, name in ((0.05, "q05"), (0.5, "q50"), (0.95, "q95")):  # type 7, numpy's default
        np.testing.assert_allclose(per_point["stability.DPRK"].sel(stat=name).values, np.quantile(runs, q, axis=1), rtol=1e-13)
    assert per_point["stability.DPRK"].attrs["long_name"].startswith("regime stability of DPRK")
    with pytest.raises(sr.ResultsError, match="has no series"):
        sr.series(_no_series_batch(tmp_path))


def _no_series_batch(tmp_path):
    ex = tmp_path / "n.yaml"
    ex.write_text(f"""scenarios: {REPO / 'scenarios' / 'status_quo.yaml'}
runs_per_point: 1
design: {{kind: factorial}}
factors: [{{path: parameters.leverage.value, levels: [5, 10]}}]
""")
    out = tmp_path / "n.h5"
    subprocess.run([BIN, "batch", ex, "-o", out, "-q"], check=True)
    return out
