"""scenarios/experiment.schema.json: a valid JSON Schema that accepts every shipped experiment,
rejects typical mistakes as `sixparty design` does, and follows the C++ reader's keys and enums.

Run: /usr/bin/python3 -m pytest tests/python  (needs python3-jsonschema and python3-yaml)
"""

import copy
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "scenarios" / "experiment.schema.json"
EXPERIMENTS = sorted((ROOT / "scenarios" / "experiments").glob("*.yaml"))
BIN = Path(os.environ.get("SIXPARTY_BIN") or ROOT / "build" / "release" / "sim" / "sixparty")
SOURCE = (ROOT / "sim" / "experiment" / "experiment_reader.cpp").read_text()


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_there_are_example_experiments():
    names = {p.stem for p in EXPERIMENTS}
    assert {"collapse_drivers", "russia_rivalry", "donor_screening"} <= names


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.name)
def test_shipped_experiment_is_valid(validator, path):
    doc = yaml.safe_load(path.read_text())
    found = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not found, "\n".join(found)
    if BIN.exists():
        res = subprocess.run([BIN, "design", path], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr


GOOD = {
    "scenarios": "../status_quo.yaml",
    "design": {"kind": "sobol", "base_rows": 8},
    "factors": [{"path": "parameters.leverage.value", "range": [5, 20]}],
}

BAD = [
    ("unknown top-level key", lambda d: d.update(runs=3)),
    ("no design", lambda d: d.pop("design")),
    ("unknown design", lambda d: d["design"].update(kind="grid")),
    ("sobol without base_rows", lambda d: d["design"].pop("base_rows")),
    ("sobol with points", lambda d: d["design"].update(points=4)),
    ("factor without path", lambda d: d["factors"][0].pop("path")),
    ("factor with range and levels", lambda d: d["factors"][0].update(levels=[1, 2])),
    ("range of one value", lambda d: d["factors"][0].update(range=[5])),
    ("unknown distribution", lambda d: d["factors"][0].update(distribution="normal")),
    ("odd morris levels", lambda d: d.update(design={"kind": "morris", "trajectories": 4, "levels": 3})),
    ("runs_per_point 0", lambda d: d.update(runs_per_point=0)),
    ("seeds neither common nor independent", lambda d: d.update(seeds="shared")),
    ("a factor named like a design column", lambda d: d["factors"][0].update(name="seed")),
    ("a seed of 2^63", lambda d: d.update(seed=2**63)),
    ("policies and levers", lambda d: d.update(policies=[{"name": "a"}],
                                               levers=[{"path": "parameters.aid.temperature", "levels": [0.1, 0.5]}])),
    ("a policy named with a slash", lambda d: d.update(policies=[{"name": "a/b"}])),
    ("a policy with a list value", lambda d: d.update(policies=[{"name": "a", "set": {"parameters.aid.temperature": [1]}}])),
    ("a lever of one level", lambda d: d.update(levers=[{"path": "parameters.aid.temperature", "levels": [0.1]}])),
    ("categories and a range", lambda d: d["factors"][0].update(categories=["on", "off"])),
    ("a repeated category", lambda d: d["factors"].append({"path": "mechanisms.exchange", "categories": ["on", "on"]})),
]


def test_levers_and_policies_are_valid(validator, tmp_path):
    for extra in ({"levers": [{"name": "t", "path": "parameters.aid.temperature", "levels": [0.1, 0.5]},
                              {"path": "mechanisms.exchange", "levels": ["on", "off"]}]},
                  {"policies": [{"name": "base"}, {"name": "engage", "set": {"parameters.aid.temperature": 0.2}}],
                   "factors": [{"path": "parameters.leverage.value", "range": [5, 20]},
                               {"name": "decide", "path": "run.decisions", "categories": ["sampled", "expected"]}]}):
        doc = copy.deepcopy(GOOD)
        doc.update(extra)
        assert not list(validator.iter_errors(doc))
        if BIN.exists():
            doc["scenarios"] = str(ROOT / "scenarios" / "status_quo.yaml")
            path = tmp_path / "ok.yaml"
            path.write_text(yaml.safe_dump(doc))
            res = subprocess.run([BIN, "design", path], capture_output=True, text=True)
            assert res.returncode == 0, res.stderr
            assert "policy " in res.stdout


@pytest.mark.parametrize("what,change", BAD, ids=[b[0] for b in BAD])
def test_schema_and_program_reject(validator, tmp_path, what, change):
    doc = copy.deepcopy(GOOD)
    change(doc)
    assert list(validator.iter_errors(doc)), f"the schema accepts: {what}"
    if BIN.exists():
        doc["scenarios"] = str(ROOT / "scenarios" / "status_quo.yaml")
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(doc))
        res = subprocess.run([BIN, "design", path], capture_output=True, text=True)
        assert res.returncode == 2, f"sixparty design accepts: {what}"
        assert "bad.yaml:" in res.stderr


def test_schema_follows_the_reader():
    schema = json.loads(SCHEMA_PATH.read_text())
    top = re.search(r'keys = \{("name".*?)\};', SOURCE, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', top)) == set(schema["properties"])
    kinds = re.search(r'kinds = \{(.*?)\};', SOURCE, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', kinds)) == set(schema["properties"]["design"]["properties"]["kind"]["enum"])
    dkeys = re.search(r'dkeys = \{(.*?)\};', SOURCE, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', dkeys)) == set(schema["properties"]["design"]["properties"])
    header = (ROOT / "sim" / "experiment" / "experiment.hpp").read_text()
    reserved = re.search(r'kReservedFactorNames = \{(.*?)\};', header, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', reserved)) | {"."} == set(schema["properties"]["factors"]["items"]["properties"]["name"]["not"]["enum"])
    fkeys = re.search(r'read_factor.*?keys = \{(.*?)\};', SOURCE, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', fkeys)) == set(schema["properties"]["factors"]["items"]["properties"])
