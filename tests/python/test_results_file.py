"""End-to-end checks of the HDF5 results file written by `sixparty run` (layout: results/README.md).

Runs the built binary on scenarios/status_quo.yaml with a few runs and reads the result with
h5py, xarray (engine="h5netcdf") and pandas.

    SIXPARTY_BIN=build/release/sim/sixparty /usr/bin/python3 -m pytest tests/python -q
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("SIXPARTY_BIN") or REPO / "build" / "release" / "sim" / "sixparty")
SCENARIO = REPO / "scenarios" / "status_quo.yaml"

RUNS = 20
SEED = 7
GROUP = "status_quo"
ACTORS = ["RUS", "DPRK", "PRC", "USA", "ROK", "JPN"]
STATS = ["mean", "sd", "q05", "q25", "q50", "q75", "q95"]
QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.50, "q75": 0.75, "q95": 0.95}
ROOT_ATTRS = ["title", "Conventions", "sixparty_version", "git_revision", "command_line", "started",
              "finished", "rng_algorithm", "threads", "status", "scenarios", "history", "source", "references"]
GROUP_ATTRS = ["scenario_name", "description", "seed", "runs", "decisions", "runs_completed", "status", "record_level",
               "start_year", "end_year", "steps_per_year"]
# attributes that legitimately differ between two runs of the same ensemble
VOLATILE_ATTRS = {"threads", "command_line", "history", "started", "finished", "strings_digest"}  # the digest covers the volatile texts


def sixparty(*args, timeout=60):
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def run_ensemble(out, *extra):
    r = sixparty("run", SCENARIO, "-n", RUNS, "--seed", SEED, "-q", "-o", out, *extra)
    assert r.returncode == 0, r.stderr
    assert out.is_file()
    return out


@pytest.fixture(scope="module")
def traces_file(tmp_path_factory):
    return run_ensemble(tmp_path_factory.mktemp("traces") / "r.h5", "--record", "traces", "--threads", "2")


@pytest.fixture(scope="module")
def summary_file(tmp_path_factory):
    return run_ensemble(tmp_path_factory.mktemp("summary") / "r.h5")


@pytest.fixture(scope="module")
def outcomes_file(tmp_path_factory):
    return run_ensemble(tmp_path_factory.mktemp("outcomes") / "r.h5", "--record", "outcomes")


def A(obj) -> dict:
    """An object's attributes with texts as str (the file's text attributes are netCDF NC_CHAR,
    fixed-length, which h5py returns as bytes)."""
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in obj.attrs.items()}


def open_group(path, sub):
    return xr.open_dataset(path, group=f"{GROUP}/{sub}", engine="h5netcdf")


# --- h5py: metadata ---------------------------------------------------------------------------


def test_root_and_group_attributes(traces_file):
    with h5py.File(traces_file, "r") as f:
        for key in ROOT_ATTRS:
            assert key in f.attrs, key
        assert A(f)["title"] == "sixparty results"
        assert A(f)["Conventions"] == "CF-1.8"
        assert A(f)["status"] == "complete"
        assert A(f)["threads"] == 2
        assert list(A(f)["scenarios"]) == [GROUP]
        assert "--record traces" in A(f)["command_line"]
        assert list(f.keys()) == [GROUP]

        g = f[GROUP]
        for key in GROUP_ATTRS:
            assert key in g.attrs, key
        assert A(g)["scenario_name"] == "status_quo"
        assert A(g)["seed"] == SEED
        assert A(g)["runs"] == RUNS
        assert A(g)["decisions"] == "sampled"  # the default
        assert A(g)["runs_completed"] == RUNS
        assert A(g)["status"] == "complete"
        assert A(g)["record_level"] == "traces"
        assert A(g)["start_year"] == 2005.0 and A(g)["end_year"] == 2030.0
        assert A(g)["steps_per_year"] == 4
        # the provenance texts are string variables of provenance/, not attributes (CF-clean files)
        p = g["provenance"]
        assert list(p["file"].asstr()[()]) == [str(SCENARIO)]
        assert p["scenario_text"].asstr()[0] == SCENARIO.read_text()
        assert "actors" in p["scenario_resolved"].asstr()[()]
        assert not {"scenario_files", "scenario_texts", "scenario_yaml", "scenario_resolved"} & set(g.attrs)
        assert set(g.keys()) == {"provenance", "outcomes", "summary", "traces", "draws"}  # status_quo declares uncertainty
        assert A(g["summary"])["runs"] == RUNS


def test_record_levels_decide_the_subgroups(summary_file, outcomes_file):
    with h5py.File(summary_file, "r") as f:
        assert A(f[GROUP])["record_level"] == "summary"
        assert set(f[GROUP].keys()) == {"provenance", "outcomes", "summary", "draws"}
    with h5py.File(outcomes_file, "r") as f:
        assert A(f[GROUP])["record_level"] == "outcomes"
        assert set(f[GROUP].keys()) == {"provenance", "outcomes", "draws"}


def test_storage_chunking_and_fill(traces_file):
    with h5py.File(traces_file, "r") as f:
        g = f[GROUP]
        o = g["outcomes/final_stability"]
        assert o.dtype == np.float64 and o.chunks == (RUNS, 6)
        assert o.compression == "gzip" and o.compression_opts == 4 and o.shuffle and o.fletcher32
        assert np.isnan(o.fillvalue)
        t = g["traces/trade"]
        assert t.chunks == (1, 100, 6, 6) and t.compression == "gzip" and t.shuffle and t.fletcher32
        s = g["summary/trade"]  # written once: chunked whole (at most 131072 values a chunk) for the checksum
        assert s.chunks is not None and np.prod(s.chunks) <= 131072 and s.compression is None and s.fletcher32
        assert A(g)["text_digest"] > 0
    # the 1.10 file format: checksummed superblock, headers and indexes
    with open(traces_file, "rb") as raw:
        head = raw.read(9)
    assert head[:8] == b"\x89HDF\r\n\x1a\n" and head[8] >= 2  # superblock version 2 or 3


# --- xarray: dimensions, coordinates, attributes --------------------------------------------


@pytest.mark.parametrize("sub,lead", [("outcomes", ("run",)), ("summary", ("stat", "time")),
                                      ("traces", ("run", "time"))])
def test_xarray_opens_each_subgroup_with_named_dimensions(traces_file, sub, lead):
    with open_group(traces_file, sub) as ds:
        assert list(ds["actor"].values) == ACTORS
        assert list(ds["actor_name"].values)[:2] == ["Russia", "North Korea"]
        assert "actor_name" in ds.coords
        if sub != "outcomes":
            assert list(ds["partner"].values) == ACTORS
            assert list(ds["resource"].values) == ["economic", "military", "diplomatic"]
            assert list(ds["resource_unit"].values)[0] == "US$ bn"
            assert len(ds["interest"]) == 7
        if "run" in lead:
            assert list(ds["run"].values) == list(range(RUNS))
        if "time" in lead:
            # a CF time coordinate that xarray decodes to dates; the state recorded for a step is
            # the state at its end (quarters end on the first of April, July, October, January)
            t = ds["time"].values
            assert len(t) == 100 and t[0] == np.datetime64("2005-04-01") and t[-1] == np.datetime64("2030-01-01")
            assert ds["time"].encoding["calendar"] == "proleptic_gregorian"
            assert ds["time"].attrs["standard_name"] == "time"
            y = ds["year"].values  # the same instants as decimal years
            assert y[0] == 2005.25 and y[-1] == 2030.0
            np.testing.assert_allclose(np.diff(y), 0.25)
            assert ds["year"].attrs["display_units"] == "year"
        if "run" in lead:
            assert ds["run"].attrs["standard_name"] == "realization"
        if "stat" in lead:
            assert list(ds["stat"].values) == STATS
        # a core set of variables; the model may record more
        core = ({"collapsed", "collapse_year", "final_stability", "mean_utility", "final_indicator_regime_survival"}
                if sub == "outcomes" else {"stability", "utility", "trade", "trade_share", "aid", "stock", "indicator"})
        assert core <= set(ds.data_vars), core - set(ds.data_vars)
        for name, v in ds.data_vars.items():
            assert v.dims[: len(lead) + 1] == lead + ("actor",), name
            assert v.dims[len(lead) + 1:] in [(), ("partner",), ("resource",), ("interest",)], name
            assert v.dtype == np.float64, name
            assert v.attrs.get("units"), name
            assert v.attrs.get("long_name"), name
        for name, c in ds.coords.items():
            assert c.attrs.get("long_name"), name
            # labels carry no units (CF); numbers do (time's are in its encoding once decoded)
            assert ("units" in c.attrs or "units" in c.encoding) == (c.dtype.kind != "O"), name


def test_pandas_dataframe_from_outcomes(traces_file):
    with open_group(traces_file, "outcomes") as ds:
        # every outcome is a (run, actor) column: the whole group is one table
        assert all(ds[v].dims == ("run", "actor") for v in ds.data_vars)
        df = ds.to_dataframe()
        assert len(df) == RUNS * 6
        assert list(df.index.names) == ["run", "actor"]
        assert "final_indicator_regime_survival" in df.columns
        assert df["final_stability"].notna().all()


# --- summaries against the traces -------------------------------------------------------------


def test_summary_statistics_match_the_traces(traces_file):
    # 20 runs: every t-digest centroid holds one value, so the quantiles are exact (Hazen)
    with open_group(traces_file, "summary") as s, open_group(traces_file, "traces") as t:
        tr = t["stability"].values  # (run, time, actor)
        st = s["stability"]
        assert tr.shape == (RUNS, 100, 6) and np.isfinite(tr).all()
        assert np.allclose(st.sel(stat="mean").values, tr.mean(axis=0), rtol=1e-12, atol=1e-14)
        assert np.allclose(st.sel(stat="sd").values, tr.std(axis=0, ddof=1), rtol=1e-9, atol=1e-14)
        q50 = np.quantile(tr, 0.5, axis=0, method="hazen")
        assert np.allclose(st.sel(stat="q50").values, q50, rtol=1e-12, atol=1e-14)
        # the median of an even count is the same for every definition; q25 tells Hazen apart
        q25 = np.quantile(tr, 0.25, axis=0, method="hazen")
        assert np.allclose(st.sel(stat="q25").values, q25, rtol=1e-12, atol=1e-14)
        assert not np.allclose(q25, np.quantile(tr, 0.25, axis=0, method="linear"))
        for v in s.data_vars:
            x = t[v].values
            for stat, q in QUANTILES.items():
                want = np.quantile(x, q, axis=0, method="hazen")
                assert np.allclose(s[v].sel(stat=stat).values, want, rtol=1e-12, atol=1e-14), (v, stat)


def test_summary_level_gives_the_same_summary_and_outcomes(traces_file, summary_file):
    with h5py.File(traces_file, "r") as a, h5py.File(summary_file, "r") as b:
        for sub in ("summary", "outcomes"):
            ga, gb = a[GROUP][sub], b[GROUP][sub]
            assert set(ga.keys()) == set(gb.keys())
            for name in ga:
                x, y = ga[name][()], gb[name][()]
                assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), (sub, name)


# --- determinism ------------------------------------------------------------------------------


def _attrs(obj):
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in obj.attrs.items()
            if k not in VOLATILE_ATTRS and k not in ("DIMENSION_LIST", "REFERENCE_LIST")}


def test_thread_count_does_not_change_the_results(traces_file, tmp_path):
    one = run_ensemble(tmp_path / "t1.h5", "--record", "traces", "--threads", "1")
    with h5py.File(one, "r") as a, h5py.File(traces_file, "r") as b:
        assert A(a)["threads"] == 1 and A(b)["threads"] == 2
        assert _attrs(a) == _attrs(b)
        names_a, names_b = [], []
        a.visit(names_a.append)
        b.visit(names_b.append)
        assert names_a == names_b
        for name in names_a:
            x, y = a[name], b[name]
            assert _attrs(x) == _attrs(y), name
            if isinstance(x, h5py.Dataset):
                vx, vy = np.asarray(x[()]), np.asarray(y[()])  # (a scalar text reads as bytes)
                assert vx.dtype == vy.dtype and vx.shape == vy.shape, name
                if vx.dtype.kind == "f":
                    assert np.array_equal(vx, vy, equal_nan=True), name
                else:
                    assert np.array_equal(vx, vy), name


def test_interrupt_keeps_the_finished_runs(tmp_path):
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    out = tmp_path / "int.h5"
    runs = 1_000_000  # far more than can finish before the signal
    p = subprocess.Popen([str(BIN), "run", str(SCENARIO), "-n", str(runs), "-q", "--record", "outcomes",
                          "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        # the temporary file exists once the signal handlers are installed
        while not list(tmp_path.glob("int.h5.tmp-*")) and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.01)
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 130, err
    assert "interrupted" in err
    assert out.is_file() and not list(tmp_path.glob("*.tmp-*"))
    with h5py.File(out, "r") as f:
        g = f[GROUP]
        assert A(f)["status"] == "interrupted" and A(g)["status"] == "interrupted"
        done = int(A(g)["runs_completed"])
        assert A(g)["runs"] == runs and 0 < done < runs
        x = g["outcomes/final_stability"]
        assert x.shape == (runs, 6)
        assert np.isfinite(x[:done]).all()
        assert np.isnan(x[done:done + 5000]).all()
        assert np.array_equal(g["outcomes/run"][:done], np.arange(done))


# --- the command line's refusals --------------------------------------------------------------


def test_existing_output_needs_force(outcomes_file):
    before = outcomes_file.read_bytes()
    mtime = outcomes_file.stat().st_mtime_ns
    r = sixparty("run", SCENARIO, "-n", 2, "-q", "--record", "outcomes", "-o", outcomes_file)
    assert r.returncode == 2
    assert "--force" in r.stderr
    assert outcomes_file.read_bytes() == before and outcomes_file.stat().st_mtime_ns == mtime
    assert not list(outcomes_file.parent.glob("*.tmp-*"))


def test_malformed_scenario_is_refused_with_its_location(tmp_path):
    text = SCENARIO.read_text().replace("name: status_quo\n", "name: status_quo\nbogus_key: 3\n", 1)
    assert "bogus_key" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = tmp_path / "out.h5"
    r = sixparty("run", bad, "-n", 2, "-o", out)
    assert r.returncode == 2
    line = next((l for l in r.stderr.splitlines() if "bogus_key" in l), "")
    assert re.match(re.escape(str(bad)) + r":\d+:\d+: ", line), r.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file either


# --- sixparty info ------------------------------------------------------------------------------


def test_info_describes_the_file(traces_file):
    r = sixparty("info", traces_file)
    assert r.returncode == 0, r.stderr
    assert f"{GROUP}/" in r.stdout
    assert f"{RUNS}/{RUNS} runs, status complete, record level traces" in r.stdout
    assert "stability  float (stat=7, time=100, actor=6)  regime stability [1]" in r.stdout


@pytest.mark.parametrize("content", [b"", b"not an HDF5 file\n", b"\x89HDF\r\n\x1a\n" + b"\0" * 100])
def test_info_on_a_non_hdf5_file_is_a_clean_error(tmp_path, content):
    path = tmp_path / "x.h5"
    path.write_bytes(content)
    r = sixparty("info", path)
    assert r.returncode == 2
    assert r.stderr.startswith("sixparty info: ") and str(path) in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    for crash in ("Traceback", "terminate called", "Segmentation", "HDF5-DIAG", "Assertion"):
        assert crash not in r.stderr
    assert r.stdout == ""


# --- references between variables resolve ---------------------------------------------------


def test_units_references_resolve(traces_file):
    with h5py.File(traces_file, "r") as f:
        for sub in ("summary", "traces"):
            g = f[GROUP][sub]
            for name in g:
                m = re.search(r"\(see (\w+)\)", A(g[name]).get("display_units", ""))
                if m:
                    assert m.group(1) in g or m.group(1) in g[name].attrs, (sub, name, m.group(1))


def test_outcomes_has_only_the_dimensions_it_uses(traces_file):
    with open_group(traces_file, "outcomes") as ds:
        used = {d for v in ds.data_vars.values() for d in v.dims}
        assert set(ds.dims) == used
