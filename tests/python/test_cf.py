"""CF-clean files (issue 17, item 4): every `units` attribute parses in UDUNITS-2 (Debian
udunits-bin's `udunits2`), `ncdump -h` (Debian netcdf-bin) reads each kind of file the program
writes and its header stays readable (no scenario YAML in attributes), time is a CF time
coordinate and runs are realizations.

Without udunits2 or ncdump the tests are skipped, unless SIXPARTY_REQUIRE_CF_TOOLS=1 (the test
command sets it; tools/setup.sh --tests installs both).
"""

import os
import shutil
import subprocess

import h5py
import pytest

from support import REPO, sixparty


def need(program):
    path = shutil.which(program)
    if path is None:
        if os.environ.get("SIXPARTY_REQUIRE_CF_TOOLS") == "1":
            pytest.fail(f"no {program}, and SIXPARTY_REQUIRE_CF_TOOLS=1 (tools/setup.sh --tests installs it)")
        pytest.skip(f"no {program} (Debian udunits-bin / netcdf-bin)")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One file of each kind: a run with traces, a stored comparison, a batch with its
    sensitivity indices, an audit."""
    d = tmp_path_factory.mktemp("cf")
    sq, col = REPO / "scenarios" / "status_quo.yaml", REPO / "scenarios" / "collapse.yaml"
    out = {"run": d / "run.h5", "compare": d / "cmp.h5", "batch": d / "batch.h5", "audit": d / "audit.h5"}
    r = sixparty("run", sq, "-n", 4, "--record", "traces", "-o", out["run"], "-q")
    assert r.returncode == 0, r.stderr
    r = sixparty("compare", sq, col, "-n", 4, "-o", out["compare"], "-q")
    assert r.returncode == 0, r.stderr
    ex = d / "ex.yaml"
    ex.write_text(f"""name: cf
scenarios: {sq}
seed: 3
runs_per_point: 2
design: {{kind: sobol, base_rows: 4}}
factors:
  - {{name: leverage, path: parameters.leverage.value, range: [5, 20]}}
  - {{name: bias, path: parameters.stability.bias, range: [-1.5, -0.5]}}
outcomes: [mean_utility.RUS, refugees.PRC]
""")
    r = sixparty("batch", ex, "-o", out["batch"], "-q")
    assert r.returncode == 0, r.stderr
    r = sixparty("sensitivity", out["batch"], "--resamples", 50)
    assert r.returncode == 0, r.stderr
    r = sixparty("audit", REPO / "scenarios" / "historical_1980_2005.yaml", "-n", 2, "-o", out["audit"], "-q")
    assert r.returncode in (0, 4) and out["audit"].is_file(), r.stderr  # 4: two runs fail some audits
    return out


def units_attributes(path):
    """{units: [object, ...]} over every object of the file; and the string datasets with units."""
    found, on_strings = {}, []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if "units" in obj.attrs:
                u = obj.attrs["units"]
                found.setdefault(u.decode() if isinstance(u, bytes) else str(u), []).append(name)
                if isinstance(obj, h5py.Dataset) and h5py.check_string_dtype(obj.dtype) is not None:
                    on_strings.append(name)
        f.visititems(visit)
    return found, on_strings


@pytest.mark.parametrize("kind", ["run", "compare", "batch", "audit"])
def test_every_units_attribute_parses_in_udunits(files, kind):
    udunits2 = need("udunits2")
    found, on_strings = units_attributes(files[kind])
    assert found, "no units at all"
    bad = {}
    for units, where in found.items():
        r = subprocess.run([udunits2, "-H", units, "-W", ""], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=30)
        if r.returncode != 0 or "recognize" in r.stderr + r.stdout:
            bad[units] = where[:3]
    assert not bad, f"units UDUNITS cannot parse: {bad}"
    assert not on_strings, f"text variables with units: {on_strings[:5]}"


def test_the_udunits_check_can_fail():
    """The check above would see a unit UDUNITS does not know (the units the files had before)."""
    udunits2 = need("udunits2")
    for units in ("US$ bn/yr", "million people", "diplomatic units/yr"):
        r = subprocess.run([udunits2, "-H", units, "-W", ""], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=30)
        assert r.returncode != 0 or "recognize" in r.stderr + r.stdout, units


@pytest.mark.parametrize("kind", ["run", "compare", "batch", "audit"])
def test_ncdump_reads_a_readable_header(files, kind):
    ncdump = need("ncdump")
    r = subprocess.run([ncdump, "-h", str(files[kind])], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    header = r.stdout
    # the scenario and experiment texts are variables now: no YAML floods the header
    assert "actors:" not in header and "relations:" not in header
    longest = max(header.splitlines(), key=len)
    assert len(longest) < 400, longest[:200]
    assert ':Conventions = "CF-1.8"' in header
    for attr in ("history", "source", "references"):
        assert f":{attr} = " in header, attr


def test_time_is_a_cf_time_coordinate_and_runs_are_realizations(files):
    ncdump = need("ncdump")
    r = subprocess.run([ncdump, "-h", str(files["run"])], capture_output=True, text=True, timeout=60)
    header = r.stdout
    # in summary/ and traces/; as text attributes (NC_CHAR), which ncdump -t needs to read dates
    assert header.count('\ttime:units = "days since 2005-01-01 00:00:00"') == 2
    assert header.count('\ttime:calendar = "proleptic_gregorian"') == 2
    assert header.count('time:standard_name = "time"') == 2
    assert header.count('run:standard_name = "realization"') == 3  # outcomes, traces, draws
    # the values: the ends of the quarters, as dates
    r = subprocess.run([ncdump, "-t", "-v", "time", "-g", "summary", str(files["run"])], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    data = " ".join(r.stdout.split("data:", 1)[1].split())
    assert data.startswith('time = "2005-04-01", "2005-07-01", "2005-10-01", "2006-01-01",'), data[:200]
    assert '"2030-01-01" ;' in data
