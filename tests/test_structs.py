"""The drawing path's reader (msgspec Structs) against the models: the same shapes, the same records,
and every document it cannot take as it is left to `validate`."""

import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro import model
from analytics_maestro.domain import FAMILIES, SIZES
from analytics_maestro.inventory import structs
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.validate import validate
from tests.conftest import examples

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def _normal(schema):
    """A JSON Schema without what the two libraries write differently and that does not change what
    validates: titles and descriptions, the order of alternatives, an empty `required`, the type beside an enum."""
    if isinstance(schema, dict):
        out = {k: _normal(v) for k, v in schema.items() if k not in ("title", "description", "additionalProperties")}
        if out.get("required") == []:
            del out["required"]
        if "enum" in out:
            out.pop("type", None)
        return out
    if isinstance(schema, list):
        return sorted((_normal(v) for v in schema), key=lambda v: json.dumps(v, sort_keys=True))
    return schema


def test_the_structs_have_the_models_fields_types_defaults_and_limits():
    ours = _normal(json.loads(msgspec.json.encode(msgspec.json.schema(structs.Inventory))))["$defs"]
    theirs = _normal(model.Inventory.model_json_schema())
    theirs = {**theirs.pop("$defs"), "Inventory": theirs}
    assert set(ours) == set(theirs)
    for name in sorted(theirs):
        assert ours[name] == theirs[name], name


def _dump(inventory) -> dict:
    """Either kind of inventory as plain JSON data."""
    if isinstance(inventory, model.Inventory):
        return inventory.model_dump(mode="json")
    return json.loads(msgspec.json.encode(inventory))


# Documents near the edges of what is valid: wrong types, empty and long ids, negative and
# boolean numbers, unknown families, sizes and sections, repeated ids, dangling references.
_ids = st.sampled_from(["a", "b", "c", "", "x" * 200, "x" * 201, "é" * 200, "🦀" * 201])
_texts = st.one_of(st.none(), st.text(max_size=5), st.just("t" * 1001), st.integers(), st.booleans())
_numbers = st.one_of(st.none(), st.floats(allow_nan=False), st.integers(-3, 10**20), st.booleans(), st.just("4"))
_roles = st.lists(
    st.fixed_dictionaries(
        {"id": _ids},
        optional={"refs": st.sampled_from(["users", "teams", "robots"]), "role": st.sampled_from([1, 3, 7, 2, "1"])},
    ),
    max_size=2,
)
_record = {"id": _ids}
_common = {"owner": st.one_of(st.none(), _ids), "roles": _roles, "active": st.one_of(st.booleans(), st.just(1))}
_apps = st.fixed_dictionaries(
    _record,
    optional={
        **_common,
        "name": _texts,
        "family": st.sampled_from([*FAMILIES[:3], "database", "Nope", None]),
        "size": st.sampled_from([*SIZES[:3], "huge", 3]),
        "provider": _texts,
        "systems": st.lists(_ids, max_size=2),
        "deps": st.lists(
            st.one_of(st.fixed_dictionaries({"id": _ids}, optional={"endpoint": _texts}), _ids), max_size=3
        ),
        "extra": st.integers(),
    },
)
_servers = st.fixed_dictionaries(
    _record,
    optional={
        **_common,
        "hostname": _texts,
        "cpu": _numbers,
        "memory": _numbers,
        "os": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"base": _texts, "version": _texts})),
        "datacenter": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"region": _texts})),
        "applications": st.lists(_ids, max_size=2),
    },
)
_systems = st.fixed_dictionaries(
    _record, optional={**_common, "name": _texts, "entries": st.lists(_ids, max_size=2), "clients": st.lists(_ids)}
)
_clients = st.fixed_dictionaries(_record, optional={**_common, "name": _texts})
_documents = st.fixed_dictionaries(
    {},
    optional={
        "clients": st.lists(_clients, max_size=2),
        "systems": st.lists(_systems, max_size=2),
        "applications": st.lists(_apps, max_size=4),
        "servers": st.lists(_servers, max_size=2),
        "elsewhere": st.just([]),
    },
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_a_document_read_fast_is_one_that_validate_takes_without_a_word_and_the_same(doc):
    report = validate(doc)
    for fast in (structs.decode(json.dumps(doc).encode()), structs.convert(doc)):
        if fast is not None:
            assert report.ok and report.warnings == [], report.errors + report.warnings
            assert _dump(fast) == _dump(report.inventory)


def test_documents_with_nothing_to_report_are_read_fast():
    for doc in (generate(300, 1), generate(300, 2)):
        report = validate(doc)
        assert report.ok and report.warnings == []
        fast = structs.decode(json.dumps(doc).encode())
        assert fast is not None and _dump(fast) == _dump(report.inventory)
    for path in EXAMPLES:
        doc = yaml.safe_load(path.read_text())
        fast = structs.convert(doc)
        assert fast is not None and _dump(fast) == _dump(validate(doc).inventory), path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["applications"][0].update(family="database"), "unknown family 'database', using 'Database'"),
        (lambda d: d["applications"][0].update(size="huge"), "unknown size 'huge'"),
        (lambda d: d["applications"][0]["deps"].append({"id": "nowhere"}), "unknown application 'nowhere'"),
        (lambda d: d.update(elsewhere=[]), "unknown section"),
        (lambda d: d["servers"][0].update(cpu=-1), "greater than or equal to 0"),
        (lambda d: d["applications"].append(dict(d["applications"][0])), "duplicate id"),
    ],
)
def test_a_file_with_something_to_report_is_validated_into_the_models(tmp_path, change, expected):
    doc = generate(40, 1)
    doc["applications"][0].setdefault("deps", [])
    change(doc)
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(doc))
    assert structs.decode(path.read_bytes()) is None
    report = load_inventory(path, structs=True)
    assert expected in "\n".join(map(str, report.errors + report.warnings))
    if report.ok:
        assert isinstance(report.inventory, model.Inventory)


def test_draw_reads_a_file_without_importing_pydantic(tmp_path):
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(generate(60, 3)))
    script = (
        "import sys\n"
        "from analytics_maestro.cli import main\n"
        f"main(['draw', {str(path)!r}, '--all', '-o', {str(tmp_path / 'out.svg')!r}], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "out.svg").read_text().startswith("<svg")
