"""tools/export and `sixparty export` (issue 16, item 3): tidy CSV tables that read back to the
numbers of the results file exactly.

Run: /usr/bin/python3 -m pytest tests/python/test_export.py
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support import sixparty, tool

import sixparty_results as sr  # noqa: E402  (support put tools/ on the path)


def export(*args):
    return tool("export", *args)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A paired status_quo/collapse file (8 runs) with its comparison, exported whole."""
    d = tmp_path_factory.mktemp("export")
    h5 = d / "c.h5"
    r = sixparty("compare", "-n", 8, "-o", h5, "--force", "-q")
    assert r.returncode == 0, r.stderr
    out = d / "csv"
    r = export(h5, "-o", out)
    assert r.returncode == 0, r.stderr
    return h5, out, r.stdout


def test_every_table_is_written(compared):
    h5, out, stdout = compared
    names = sorted(Path(line).name for line in stdout.splitlines())
    expected = sorted([f"{g}_{t}.csv" for g in ("status_quo", "collapse") for t in ("outcomes", "summary", "draws")]
                      + ["collapse_patterns.csv", "comparison_status_quo_vs_collapse.csv"])
    assert names == expected  # status_quo declares no patterns: no empty file
    assert sorted(p.name for p in out.iterdir()) == expected


def test_outcomes_read_back_exactly(compared):
    h5, out, _ = compared
    o = sr.outcomes(h5, "collapse")
    df = pd.read_csv(out / "collapse_outcomes.csv", float_precision="round_trip")
    assert list(df.columns) == ["run", "actor", "actor_name", "variable", "long_name", "units", "value"]
    wide = df.pivot(index=["run", "actor"], columns="variable", values="value")
    values = o.drop(columns=["actor_name"])
    wide = wide.reindex(index=values.index, columns=values.columns)
    np.testing.assert_array_equal(wide.to_numpy(float), values.to_numpy(float))  # NaN where NaN, else exact
    units = df.drop_duplicates("variable").set_index("variable")["units"].fillna("")
    assert units.to_dict() == {k: v for k, v in o.attrs["units"].items()}


def test_summary_draws_patterns_and_comparison_read_back(compared):
    h5, out, _ = compared
    s = sr.summary(h5, "status_quo")
    df = pd.read_csv(out / "status_quo_summary.csv", keep_default_na=False, na_values=[""], float_precision="round_trip",
                     low_memory=False)
    trade = df[df.variable == "trade_share"].pivot_table(index=["stat", "time", "actor", "partner"], values="value",
                                                          aggfunc="first")
    expected = s.trade_share.to_series()
    expected.index = expected.index.set_names(["stat", "time", "actor", "partner"])
    got = trade["value"].reindex(expected.index)
    np.testing.assert_array_equal(got.to_numpy(float), expected.to_numpy(float))
    assert set(df.variable) == set(s.data_vars)
    d = sr.draws(h5, "status_quo")
    dl = pd.read_csv(out / "status_quo_draws.csv", float_precision="round_trip")
    np.testing.assert_array_equal(dl.pivot(index="run", columns="quantity", values="value")[d.columns].to_numpy(),
                                  d.to_numpy())
    p = pd.read_csv(out / "collapse_patterns.csv", float_precision="round_trip")
    assert list(p.pattern) == list(sr.patterns(h5, "collapse").index)
    c = pd.read_csv(out / "comparison_status_quo_vs_collapse.csv", float_precision="round_trip")
    ref = sr.comparison(h5)
    np.testing.assert_array_equal(c["diff"].to_numpy(float), ref["diff"].to_numpy(float))
    np.testing.assert_array_equal(c["ci_low"].to_numpy(float), ref["ci_low"].to_numpy(float))


def test_the_program_writes_the_same_files_and_limits(compared, tmp_path):
    h5, out, _ = compared
    mine = tmp_path / "p"
    r = sixparty("export", h5, "-o", mine, "--group", "collapse", "--table", "outcomes", "--table", "comparison")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["collapse_outcomes.csv", "comparison_status_quo_vs_collapse.csv"]
    for p in mine.iterdir():
        assert p.read_bytes() == (out / p.name).read_bytes(), p.name
    r = sixparty("export", h5, "-o", mine, "--group", "collapse", "--table", "outcomes")
    assert r.returncode == 2 and "sixparty export: " in r.stderr and "--force" in r.stderr
    r = sixparty("export", h5, "-o", mine, "--group", "collapse", "--table", "outcomes", "--force")
    assert r.returncode == 0, r.stderr


def test_bad_input(compared, tmp_path):
    h5, _, _ = compared
    text = tmp_path / "x.txt"
    text.write_text("not a results file")
    for args, message in (([tmp_path / "missing.h5"], "no such file"), ([text], "not an HDF5 file"),
                          ([h5, "--group", "nope"], "no scenario group 'nope'"),
                          ([h5, "--table", "nope"], "unknown table(s) nope")):
        r = export(*args, "-o", tmp_path / "o")
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
    assert not (tmp_path / "o").exists()
    blocked = tmp_path / "file"
    blocked.write_text("")
    r = export(h5, "-o", blocked / "dir", "--table", "patterns")
    assert r.returncode == 3 and "cannot create" in r.stderr


def test_batch_tables(tmp_path):
    out = tmp_path / "b.h5"
    r = sixparty("batch", "tests/data/fuzz/batch_seed.yaml", "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    r = sixparty("sensitivity", out, "--resamples", "50")
    assert r.returncode == 0, r.stderr
    csv = tmp_path / "csv"
    r = export(out, "-o", csv)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in csv.iterdir()) == ["design.csv", "points.csv", "runs.csv", "sensitivity.csv"]
    d = sr.design(out)
    dl = pd.read_csv(csv / "design.csv", float_precision="round_trip")
    factors = [c for c in d.columns if c not in ("scenario", "seed", "role", "group")]
    np.testing.assert_array_equal(dl.pivot(index="point", columns="factor", values="value")[factors].to_numpy(),
                                  d[factors].to_numpy())
    runs = sr.runs(out)
    rl = pd.read_csv(csv / "runs.csv", float_precision="round_trip")
    outcome = [c for c in runs.columns if c not in ("point", "replicate", "status")][0]
    got = rl[rl.outcome == outcome].set_index(["run", "actor"])["value"].reindex(runs.index)
    np.testing.assert_array_equal(got.to_numpy(float), runs[outcome].to_numpy(float))
    indices = set(pd.read_csv(csv / "sensitivity.csv")["index"])
    assert {"s1", "st"} <= indices or {"mu_star", "sigma"} <= indices
