"""scenarios/scenario.schema.json: a valid JSON Schema that accepts every shipped scenario and
rejects typical mistakes; its enums and parameter table follow the C++ sources.

Run: /usr/bin/python3 -m pytest tests/python  (needs python3-jsonschema and python3-yaml)
"""

import copy
import json
import re
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SCHEMA_PATH = SCENARIOS / "scenario.schema.json"


# PyYAML implements YAML 1.1 (yes/no are booleans, 1e3 is a string, `<<` merges, dates are
# timestamps); sixparty reads scalars with yaml-cpp and parses numbers itself, close to the
# YAML 1.2 core schema. This loader resolves plain scalars the same way, and refuses duplicate
# keys as sixparty does.
class Yaml12Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_DROP = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
         "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^-?[0-9]+$"), list("-0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def load_yaml(text):
    return yaml.load(text, Loader=Yaml12Loader)


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def validator(schema):
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def test_schema_is_a_valid_schema(schema):
    cls = jsonschema.validators.validator_for(schema, default=None)
    assert cls is not None, "the schema names no known $schema dialect"
    cls.check_schema(schema)


def test_loader_reads_numbers_like_sixparty():
    doc = load_yaml("a: 1e3\nb: +.5\nc: 'NO'\nNO: yes\nd: 7\ne: -.inf\n")
    assert doc == {"a": 1000.0, "b": 0.5, "c": "NO", "NO": "yes", "d": 7, "e": float("-inf")}
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: 1\na: 2\n")


SCENARIO_FILES = sorted(SCENARIOS.rglob("*.yaml"))


def test_there_are_scenarios():
    assert SCENARIO_FILES, f"no *.yaml under {SCENARIOS}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_shipped_scenario_is_valid(validator, path):
    doc = load_yaml(path.read_text(encoding="utf-8"))
    found = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors(validator, doc)]
    assert not found, "\n".join(found)


MINIMAL = {
    "time": {"start": 2000, "end": 2010, "steps_per_year": 4},
    "dimensions": ["security", "economy"],
    "resources": {"money": {"kind": "economic", "unit": "US$ bn"}},
    "actors": {
        "A": {"output": 100, "interests": {"security": 1, "economy": 0.5}},
        "B": {"output": 50, "interests": {"economy": 1}},
    },
    "relations": {"default": {"affinity": 0}, "A<->B": {"rivalry": 0.3}, "A->B": {"sanction": 0.5}},
    "events": [{"at": 2005, "scale": {"actors.A.resources.money.income": 0.5},
                "set": {"relations.A->B.affinity": -0.5}, "shock": {"B": -0.2}}],
    "parameters": {"aid": {"temperature": 0.5}},
    "run": {"runs": 10, "seed": 7},
}


def test_minimal_document_is_valid(validator):
    assert not errors(validator, MINIMAL)


def test_extending_document_may_omit_required_keys(validator):
    child = {"extends": "status_quo.yaml", "actors": {"DPRK": {"growth": -0.02}}, "run": {"runs": 10}}
    assert not errors(validator, child)
    # an empty interests map merges into the base's weights and changes nothing
    assert not errors(validator, {**child, "actors": {"DPRK": {"interests": {}}}})
    del child["extends"]
    assert errors(validator, child)


def bad(**changes):
    """MINIMAL with changes applied; a key 'a__b__c' sets a nested value, None deletes it."""
    doc = copy.deepcopy(MINIMAL)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = doc
        for p in parents:
            node = node[p]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return doc


@pytest.mark.parametrize("doc", [
    pytest.param(bad(colour="red"), id="unknown top-level key"),
    pytest.param(bad(actors__A__interests={"security": -0.5}), id="negative interest weight"),
    pytest.param(bad(resources__money={"kind": "financial"}), id="unknown resource kind"),
    pytest.param(bad(actors=None), id="missing required key without extends"),
    pytest.param(bad(dimensions=["security", "prestige"]), id="unknown dimension"),
    pytest.param(bad(dimensions=[]), id="no dimensions"),
    pytest.param(bad(actors={}), id="no actors"),
    pytest.param(bad(actors__A__autonomy=1.5), id="autonomy out of range"),
    pytest.param(bad(actors__A__output=0), id="output not positive"),
    pytest.param(bad(actors__A__interests={"security": float("inf")}), id="infinite weight"),
    pytest.param(bad(actors={"A-1": {"output": 1, "interests": {"security": 1}}}), id="bad actor id"),
    pytest.param(bad(relations={"A->B": {"rivalry": 0.5}}), id="rivalry on a one-way relation"),
    pytest.param(bad(relations={"A->A": {"affinity": 0.5}}), id="relation with itself"),
    pytest.param(bad(relations={"A-B": {"affinity": 0.5}}), id="bad relation key"),
    pytest.param(bad(events=[{"at": 2005, "name": "nothing"}]), id="event that changes nothing"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.stability.initial": 0.5}}]), id="bad event path"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.growth": 0.9}}]), id="event set out of range"),
    pytest.param(bad(events=[{"at": 2005, "scale": {"actors.A.output": -1}}]), id="negative scale"),
    pytest.param(bad(parameters={"aid": {"temprature": 0.5}}), id="unknown parameter"),
    pytest.param(bad(parameters={"trade": {"gains_rate": 2}}), id="parameter out of range"),
    pytest.param(bad(time={"start": 2000, "end": 2010, "steps_per_year": 0}), id="zero steps per year"),
    pytest.param(bad(run={"runs": 0}), id="zero runs"),
    pytest.param(bad(description=["a", "list"]), id="description not a scalar"),
    pytest.param(bad(actors__A__interests={}), id="empty interests"),
    pytest.param(bad(actors__A__interests={"security": 0, "economy": 0}), id="all interest weights zero"),
    pytest.param(bad(resources={"money.bag": {"kind": "economic"}}), id="resource name not an id"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.output": 2e9}}]), id="event set output above 1e9"),
])
def test_bad_documents_are_rejected(validator, doc):
    assert errors(validator, doc)


# --- the schema follows the C++ sources ------------------------------------------------------

def _cpp(rel):
    return (ROOT / rel).read_text(encoding="utf-8")


def _names(source, function):
    m = re.search(function + r"\(\)\s*\{.*?names\s*=\s*\{(.*?)\};", source, re.S)
    assert m, f"{function} not found"
    return re.findall(r'"([^"]+)"', m.group(1))


def test_enums_follow_spec_reader(schema):
    src = _cpp("sim/scenario/spec_reader.cpp")
    props = schema["properties"]
    assert props["dimensions"]["items"]["enum"] == _names(src, "indicator_names")
    assert props["resources"]["additionalProperties"]["properties"]["kind"]["enum"] == \
        _names(src, "resource_kind_names")


def test_parameters_follow_the_catalogue(schema):
    rows = re.findall(r'SP_PARAM\(\s*(\w+),\s*(\w+),\s*"[^"]*",\s*([-+0-9.eE]+),\s*([-+0-9.eE]+),\s*([-+0-9.eE]+),',
                      _cpp("models/parameters.cpp"))
    assert rows, "no SP_PARAM rows found in models/parameters.cpp"
    catalogue = {(m, n): (float(d), float(lo), float(hi)) for m, n, d, lo, hi in rows}
    models = schema["properties"]["parameters"]["properties"]
    in_schema = {(m, n): (float(p["default"]), float(p["minimum"]), float(p["maximum"]))
                 for m, spec in models.items() for n, p in spec["properties"].items()}
    assert in_schema == catalogue
