"""scenarios/scenario.schema.json: a valid JSON Schema that accepts every shipped scenario and
rejects typical mistakes; its keys, enums, event paths, pattern variables and parameter table
follow the C++ sources. With the built binary (SIXPARTY_BIN, default build/release/sim/sixparty)
the example documents are also checked with `sixparty validate`.

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
SCENARIOS = ROOT / "scenarios"
SCHEMA_PATH = SCENARIOS / "scenario.schema.json"
BIN = Path(os.environ.get("SIXPARTY_BIN") or ROOT / "build" / "release" / "sim" / "sixparty")


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


SCENARIO_FILES = sorted(p for p in SCENARIOS.rglob("*.yaml") if "experiments" not in p.parts)


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


# every key added since MINIMAL was written: actor population, frontier, nuclear and reform
# drive, refugee borders, distances, a scheduled collapse, the newer event targets, the newer
# parameter models and a pattern of every expression kind
FULL = {
    "name": "full",
    "time": {"start": 2000, "end": 2010, "steps_per_year": 4},
    "dimensions": ["security", "economy", "regional_stability", "nonproliferation"],
    "resources": {"money": {"kind": "economic", "unit": "US$ bn"}, "arms": {"kind": "military"}},
    "actors": {
        "A": {"output": 100, "population": 50, "frontier": 5, "nuclear": 0.3, "reform_drive": 0.1,
              "interests": {"security": 1, "nonproliferation": 1},
              "resources": {"money": {"stock": 1, "income": 1, "spendable": 0.5}}},
        "B": {"output": 50, "interests": {"economy": 1, "regional_stability": 0.5}},
    },
    "relations": {"default": {"distance": 3}, "A<->B": {"distance": 0.5, "rivalry": 0.3},
                  "A->B": {"subsidy": 0.5, "sanction": 0.2}, "B->A": {"border": 0.6}},
    "events": [
        {"at": 2004, "collapse": "B"},
        {"at": 2005, "collapse": ["A"], "scale": {"actors.A.frontier": 0.9},
         "set": {"actors.A.nuclear": 0.5, "actors.A.population": 60, "actors.A.reform_drive": 1,
                 "relations.B->A.border": 0.4, "relations.A<->B.sanction": 0.5}},
    ],
    "parameters": {"refugees": {"share": 0.2}, "war": {"base_hazard": 0}, "leverage": {"value": 5}},
    "mechanisms": {"war": True, "exchange": False},
    "uncertainty": {"interests": {"concentration": 50, "actors": {"A": 20}, "source": "a judgement"},
                    "values": {"parameters.aid.temperature": {"log_uniform": [0.1, 0.5], "source": "a judgement"},
                               "actors.A.output": {"normal": [100, 10], "source": "a judgement"}},
                    "events": {"size": 0.2, "date_steps": 1, "source": "a judgement"}},
    "patterns": [
        {"id": "M", "description": "A trades with B", "source": "a test", "tolerance": "any trade", "class": "target",
         "value": {"mean": {"variable": "trade", "actor": "A", "partner": "B", "from": 2000, "to": 2004}},
         "expect": {"min": 0}},
        {"id": "R", "class": "test", "fails_without": ["gestures", "motives"],
         "value": {"ratio": [{"at": {"variable": "stock", "actor": "A", "resource": "money", "year": 2004}},
                             {"sum": [{"constant": 1}, {"input": {"actor": "A", "interest": "security"}}]}]},
         "expect": {"min": 0, "max": 1e6, "confidence": 0.9}},
        {"id": "D", "class": "identity", "known_failure": "a test of the key",
         "value": {"difference": [
             {"at": {"variable": "indicator", "actor": "B", "interest": "economy", "year": 2010}},
             {"mean": {"variable": "refugees", "actor": "A", "from": 2004, "to": 2010}}]},
         "expect": {"max": 1}},
        {"id": "P", "class": "test", "fails_without": "war",
         "value": {"paired_difference": {"baseline": "other", "of": {
             "mean": {"variable": "utility", "actor": "A", "from": 2005, "to": 2010}}}},
         "expect": {"max": 0}},
    ],
    "run": {"runs": 10, "seed": 7},
}


def sixparty_validate(doc, tmp_path):
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return subprocess.run([str(BIN), "validate", str(path)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("doc", [MINIMAL, FULL], ids=["minimal", "full"])
def test_example_document_is_valid(validator, doc):
    found = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors(validator, doc)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("doc", [MINIMAL, FULL], ids=["minimal", "full"])
def test_example_document_passes_sixparty_validate(doc, tmp_path):
    r = sixparty_validate(doc, tmp_path)
    assert r.returncode == 0, r.stderr


def test_extending_document_may_omit_required_keys(validator):
    child = {"extends": "status_quo.yaml", "actors": {"DPRK": {"growth": -0.02}}, "run": {"runs": 10}}
    assert not errors(validator, child)
    # an empty interests map merges into the base's weights and changes nothing
    assert not errors(validator, {**child, "actors": {"DPRK": {"interests": {}}}})
    # so does an empty resources map
    assert not errors(validator, {**child, "resources": {}})
    del child["extends"]
    assert errors(validator, child)


def changed(base, **changes):
    """base with changes applied; a key 'a__b__c' sets a nested value (a number indexes a list),
    None deletes it."""
    doc = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key = int(last) if isinstance(node, list) else last
        if value is None:
            del node[key]
        else:
            node[key] = value
    return doc


def bad(**changes):
    return changed(MINIMAL, **changes)


def bad_full(**changes):
    return changed(FULL, **changes)


MEAN_A = {"mean": {"variable": "utility", "actor": "A", "from": 2000, "to": 2010}}

BAD_DOCUMENTS = [
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
    pytest.param(bad(relations={"A->B": {"distance": 2}}), id="distance on a one-way relation"),
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
    pytest.param(bad(run={"decisions": "maybe"}), id="unknown decisions"),
    pytest.param(bad(description=["a", "list"]), id="description not a scalar"),
    pytest.param(bad(actors__A__interests={}), id="empty interests"),
    pytest.param(bad(actors__A__interests={"security": 0, "economy": 0}), id="all interest weights zero"),
    pytest.param(bad(resources={"money.bag": {"kind": "economic"}}), id="resource name not an id"),
    pytest.param(bad(resources={}), id="no resources"),
    pytest.param(bad(resources={"arms": {"kind": "military"}}), id="no economic resource"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.output": 2e9}}]), id="event set output above 1e9"),
    # newer actor, relation and event keys
    pytest.param(bad(actors__A__population=0), id="population not positive"),
    pytest.param(bad(actors__A__frontier=2e5), id="frontier above 1e5"),
    pytest.param(bad(actors__A__nuclear=1.5), id="nuclear out of range"),
    pytest.param(bad(actors__A__reform_drive=11), id="reform drive out of range"),
    pytest.param(bad(relations={"A<->B": {"distance": 0}}), id="distance not positive"),
    pytest.param(bad(relations={"A<->B": {"distance": 60}}), id="distance above 50"),
    pytest.param(bad(relations={"A->B": {"border": 1.2}}), id="border out of range"),
    pytest.param(bad(events=[{"at": 2005, "set": {"relations.A<->B.distance": 2}}]), id="distance is no event target"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.population": 2e5}}]), id="event set population above 1e5"),
    pytest.param(bad(events=[{"at": 2005, "set": {"actors.A.reform_drive": 11}}]), id="event set reform drive above 10"),
    pytest.param(bad(events=[{"at": 2005, "collapse": []}]), id="empty collapse list"),
    pytest.param(bad(events=[{"at": 2005, "collapse": {"A": 1}}]), id="collapse not an id or list"),
    # patterns
    pytest.param(bad_full(patterns__0__value={**MEAN_A, "constant": 1}), id="pattern with two expression keys"),
    pytest.param(bad_full(patterns__0__value={}), id="pattern with an empty expression"),
    pytest.param(bad_full(patterns__0__value={"median": MEAN_A["mean"]}), id="unknown expression kind"),
    pytest.param(bad_full(patterns__0__value={"ratio": [MEAN_A, MEAN_A, MEAN_A]}), id="ratio of three"),
    pytest.param(bad_full(patterns__0__value={"sum": [MEAN_A, {"paired_difference": {"baseline": "x", "of": MEAN_A}}]}),
                 id="paired difference inside an expression"),
    pytest.param(bad_full(patterns__0__value={"paired_difference": {"baseline": "x", "of": {
        "paired_difference": {"baseline": "y", "of": MEAN_A}}}}), id="paired difference inside another"),
    pytest.param(bad_full(patterns__0__value={"paired_difference": {"of": MEAN_A}}), id="paired difference without baseline"),
    pytest.param(bad_full(patterns__0__value={"mean": {"variable": "trade", "actor": "A", "from": 2000, "to": 2010}}),
                 id="dyadic variable without partner"),
    pytest.param(bad_full(patterns__0__value={"mean": {**MEAN_A["mean"], "partner": "B"}}),
                 id="partner of a per-actor variable"),
    pytest.param(bad_full(patterns__0__value={"mean": {**MEAN_A["mean"], "variable": "utilty"}}), id="unknown variable"),
    pytest.param(bad_full(patterns__0__value={"mean": {"variable": "utility", "actor": "A", "year": 2005}}),
                 id="mean with a year"),
    pytest.param(bad_full(patterns__0__value={"input": {"actor": "A", "interest": "prestige"}}), id="input of no dimension"),
    pytest.param(bad_full(patterns__0__value={"constant": "1"}), id="constant not a number"),
    pytest.param(bad_full(patterns__0__expect={}), id="expect without min or max"),
    pytest.param(bad_full(patterns__0__expect={"min": 0, "confidence": 0.3}), id="confidence below 0.5"),
    pytest.param(bad_full(patterns__0__expect={"min": 0, "confidence": 1}), id="confidence of 1"),
    pytest.param(bad_full(patterns__0__id=None), id="pattern without id"),
    pytest.param(bad_full(patterns__0__expect=None), id="pattern without expect"),
    pytest.param(bad_full(patterns__0__colour="red"), id="unknown pattern key"),
    pytest.param(bad_full(patterns={"M": FULL["patterns"][0]}), id="patterns not a list"),
    pytest.param(bad_full(patterns__0__class=None), id="pattern without class"),
    pytest.param(bad_full(patterns__0__class="evidence"), id="unknown pattern class"),
    pytest.param(bad_full(patterns__1__fails_without=None), id="test pattern without fails_without"),
    pytest.param(bad_full(patterns__1__fails_without=["gesture"]), id="unknown mechanism in fails_without"),
    pytest.param(bad_full(patterns__1__fails_without=["balancing+gesture"]), id="unknown mechanism in a joint fails_without"),
    pytest.param(bad_full(patterns__0__fails_without=["war"]), id="fails_without on a target pattern"),
    pytest.param(bad_full(patterns__0__scheduled_by="an event"), id="scheduled_by on a target pattern"),
    pytest.param(bad_full(patterns__0__class="scheduled"), id="scheduled pattern without scheduled_by"),
    pytest.param(bad_full(mechanisms={"wars": False}), id="unknown mechanism"),
    pytest.param(bad_full(mechanisms={"war": 0}), id="mechanism switch not on or off"),
    pytest.param(bad_full(uncertainty__interests__concentration=0), id="Dirichlet concentration 0"),
    pytest.param(bad_full(uncertainty__values={"actors.A.output": {"uniform": [1, 2]}}), id="uncertain value without source"),
    pytest.param(bad_full(uncertainty__values={"actors.A.output": {"uniform": [1, 2], "normal": [1, 1], "source": "x"}}),
                 id="two distributions"),
    pytest.param(bad_full(uncertainty__events__size=1.5), id="event size jitter too large"),
    pytest.param(bad_full(uncertainty__colour=1), id="unknown uncertainty key"),
]


@pytest.mark.parametrize("doc", BAD_DOCUMENTS)
def test_bad_documents_are_rejected(validator, doc):
    assert errors(validator, doc)


@pytest.mark.parametrize("doc", BAD_DOCUMENTS)
def test_bad_documents_are_rejected_by_sixparty_too(doc, tmp_path):
    r = sixparty_validate(doc, tmp_path)
    assert r.returncode == 2, r.stdout


# --- the schema follows the C++ sources ------------------------------------------------------

def _cpp(rel):
    return (ROOT / rel).read_text(encoding="utf-8")


def _names(source, function):
    m = re.search(function + r"\(\)\s*\{.*?names\s*=\s*\{(.*?)\};", source, re.S)
    assert m, f"{function} not found"
    return re.findall(r'"([^"]+)"', m.group(1))


def _strings(text):
    return re.findall(r'"([^"]+)"', text)


def _body(source, signature):
    """the text of a C++ function, from its signature to the next function at column 0"""
    start = source.index(signature)
    m = re.search(r"\n\}\n", source[start:])
    return source[start:start + m.end()]


def _key_list(source, signature, name="keys"):
    m = re.search(r"\b" + name + r"\s*=\s*\{(.*?)\};", _body(source, signature), re.S)
    assert m, f"{name} not found in {signature}"
    return _strings(m.group(1))


def _actor_schema(schema):
    return schema["properties"]["actors"]["patternProperties"]["^[A-Za-z0-9_]{1,32}$"]


def _relation_schemas(schema):
    rel = schema["properties"]["relations"]
    return [rel["properties"]["default"], *rel["patternProperties"].values()]


def test_enums_follow_spec_reader(schema):
    src = _cpp("sim/scenario/spec_reader.cpp")
    props = schema["properties"]
    dims = _names(src, "indicator_names")
    assert props["dimensions"]["items"]["enum"] == dims
    assert _actor_schema(schema)["properties"]["interests"]["propertyNames"]["enum"] == dims
    expr = schema["definitions"]["expression"]["properties"]
    assert expr["input"]["properties"]["interest"]["enum"] == dims
    assert expr["mean"]["properties"]["interest"]["enum"] == dims
    assert expr["at"]["properties"]["interest"]["enum"] == dims
    assert props["resources"]["additionalProperties"]["properties"]["kind"]["enum"] == \
        _names(src, "resource_kind_names")


def test_keys_follow_spec_reader(schema):
    src = _cpp("sim/scenario/spec_reader.cpp")
    props = schema["properties"]
    top = re.search(r"\bkScenarioKeys\s*=\s*\{(.*?)\};", _cpp("sim/scenario/tree.hpp"), re.S).group(1)
    assert "kScenarioKeys" in _body(src, "ScenarioSpec read_spec(")
    assert set(props) - {"extends"} == set(_strings(top))
    assert set(_actor_schema(schema)["properties"]) == set(_key_list(src, "void read_actor("))
    relation_keys = set(_key_list(src, "void read_relation_values("))
    for entry in _relation_schemas(schema):
        assert set(entry["properties"]) == relation_keys
    assert set(props["events"]["items"]["properties"]) == set(_key_list(src, "bool read_event(", "ekeys"))
    pattern = props["patterns"]["items"]
    assert set(pattern["properties"]) == set(_key_list(src, "bool read_pattern(", "pkeys"))
    expr = schema["definitions"]["expression"]["properties"]
    kinds = _key_list(src, "void read_expr(", "kinds")
    assert set(expr) | {"paired_difference"} == set(kinds)
    assert set(schema["definitions"]["paired_difference"]["properties"]) == {"paired_difference"}
    # the keys of mean and at: the two inline lists in read_expr, mean's first
    mean_keys, at_keys = re.findall(r"std::vector<std::string>\{([^}]*)\}", _body(src, "void read_expr("))[:2]
    assert set(expr["mean"]["properties"]) == set(_strings(mean_keys))
    assert set(expr["at"]["properties"]) == set(_strings(at_keys))
    # run: the keys read_run accepts, and the decisions that decisions_name spells
    run_keys = re.search(r"\{(\"runs\"[^}]*)\}", _body(src, "void read_run(")).group(1)
    assert set(props["run"]["properties"]) == set(_strings(run_keys))
    line = re.search(r"const char\* decisions_name\(.*", _cpp("sim/scenario/compile.cpp")).group(0)
    names = re.findall(r'"(\w+)"', line)
    assert set(props["run"]["properties"]["decisions"]["enum"]) == set(names)


def test_symmetric_relation_keys_follow_validate(schema):
    """validate.cpp refuses these on 'A->B'; the schema forbids them there and nowhere else"""
    symmetric = set(re.findall(r'(\w+) is symmetric; expected it on', _cpp("sim/scenario/validate.cpp")))
    assert symmetric == {"rivalry", "distance"}
    one_way = schema["properties"]["relations"]["patternProperties"]["^[A-Za-z0-9_]{1,32}->[A-Za-z0-9_]{1,32}$"]
    assert {k for k, v in one_way["properties"].items() if v.get("not") == {}} == symmetric
    for entry in _relation_schemas(schema):
        if entry is not one_way:
            assert not any(v.get("not") == {} for v in entry["properties"].values())


def test_event_paths_follow_compile(schema):
    body = _body(_cpp("sim/scenario/compile.cpp"), "std::optional<EventTarget> resolve_target(")
    lists = re.findall(r"vars = \{(.*?)\};", body, re.S)
    assert len(lists) == 2, "expected the actor and the relation variable lists in resolve_target"
    actor_vars, relation_vars = (re.findall(r'\{"(\w+)", TargetVar::', x) for x in lists)
    for key in ("set", "scale", "add"):
        pattern = schema["properties"]["events"]["items"]["properties"][key]["propertyNames"]["pattern"]
        groups = re.findall(r"\(([a-z_|]+)\)", pattern)
        assert set(groups[0].split("|")) == set(actor_vars), key
        assert set(groups[-1].split("|")) == set(relation_vars), key


def test_pattern_variables_follow_record(schema):
    src = _cpp("sim/experiment/record.cpp")
    body = src[src.index("step_variables()"):src.index("outcome_variables()")]
    recorded = re.findall(r'\{"(\w+)",\s*"[^"]*",\s*"[^"]*",\s*Shape::(\w+)', body)
    assert recorded, "no step variables found in sim/experiment/record.cpp"
    qualifier = {"actor": None, "actor_resource": "resource", "actor_dimension": "interest", "dyad": "partner"}
    expr = schema["definitions"]["expression"]["properties"]
    for kind in ("mean", "at"):
        leaf = expr[kind]
        assert leaf["properties"]["variable"]["enum"] == [name for name, _ in recorded], kind
        for name, shape in recorded:
            rules = [r for r in leaf["allOf"] if name in r["if"]["properties"]["variable"]["enum"]]
            assert len(rules) == 1, (kind, name)
            then = rules[0]["then"]
            need = qualifier[shape]
            assert then.get("required", []) == ([need] if need else []), (kind, name)
            forbidden = {r["required"][0] for r in then["not"]["anyOf"]}
            assert forbidden == {"partner", "resource", "interest"} - {need}, (kind, name)


def test_parameters_follow_the_catalogue(schema):
    rows = re.findall(r'SP_PARAM\(\s*(\w+),\s*(\w+),\s*"[^"]*",\s*([-+0-9.eE]+),\s*([-+0-9.eE]+),\s*([-+0-9.eE]+),',
                      _cpp("sim/scenario/parameters.cpp"))
    assert rows, "no SP_PARAM rows found in sim/scenario/parameters.cpp"
    catalogue = {(m, n): (float(d), float(lo), float(hi)) for m, n, d, lo, hi in rows}
    models = schema["properties"]["parameters"]["properties"]
    in_schema = {(m, n): (float(p["default"]), float(p["minimum"]), float(p["maximum"]))
                 for m, spec in models.items() for n, p in spec["properties"].items()}
    assert in_schema == catalogue


def test_schema_mechanisms_are_those_of_sixparty(schema):
    """the schema's `mechanisms` keys, and the names fails_without accepts, are `sixparty mechanisms`'s"""
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    out = subprocess.run([str(BIN), "mechanisms"], capture_output=True, text=True, timeout=60, check=True).stdout
    names = [line.split()[0] for line in out.splitlines()[1:] if line and not line.startswith(" ")]
    assert names and "gestures" in names
    assert list(schema["properties"]["mechanisms"]["properties"]) == names
    fails = schema["properties"]["patterns"]["items"]["properties"]["fails_without"]["anyOf"]
    assert fails[0]["enum"] == names and fails[1]["items"]["anyOf"][0]["enum"] == names
    # substitutes removed together: "a+b" of names, and nothing else
    joint = re.compile(fails[2]["pattern"])
    assert fails[1]["items"]["anyOf"][1] == fails[2]
    assert joint.match("balancing+soft_balancing") and joint.match(f"{names[0]}+{names[1]}+{names[2]}")
    assert all(joint.match(f"{a}+{b}") for a in names for b in names)  # every name is in the alternation
    assert not joint.match("balancing") and not joint.match("balancing+") and not joint.match("balancing+gesture")
