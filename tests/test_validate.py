"""Validation of inventory documents: every error and warning at once, each with its path."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro.inventory import validate as validation
from analytics_maestro.inventory.validate import validate
from tests.conftest import examples


def good() -> dict:
    return {
        "clients": [{"id": "acme", "name": "ACME"}],
        "systems": [{"id": "shop", "name": "Shop", "clients": ["acme"], "entries": ["cdn"]}],
        "applications": [
            {"id": "cdn", "name": "cdn", "family": "CDN", "size": "large", "systems": ["shop"],
             "deps": [{"id": "web", "endpoint": "https"}]},
            {"id": "web", "name": "web", "family": "Application", "deps": [{"id": "db", "endpoint": "sql"}]},
            {"id": "db", "name": "db", "family": "Database"},
        ],
        "servers": [{"id": "s1", "hostname": "s1", "cpu": 4, "memory": 16, "applications": ["web"],
                     "os": {"base": "Linux"}, "datacenter": {"provider": "aws", "region": "us-east-1"}}],
    }  # fmt: skip


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_good_inventory_has_no_problems():
    report = validate(good())
    assert report.ok and report.warnings == []
    assert [a.id for a in report.inventory.applications] == ["cdn", "web", "db"]


def test_every_error_is_reported_with_its_path():
    doc = good()
    doc["applications"].append({"name": "no-id"})  # [3]
    doc["applications"].append({"id": "web", "name": "again"})  # [4] duplicate
    doc["applications"][1]["deps"].append({"endpoint": "https"})  # deps[1] without id
    doc["applications"][2]["active"] = "perhaps"
    doc["servers"][0]["cpu"] = -2
    doc["systems"][0]["entries"] = "cdn"
    report = validate(doc)
    assert not report.ok and report.inventory is None
    text = lines(report.errors)
    assert "applications[3].id: Field required" in text
    assert "applications[4].id: duplicate id 'web' (first at applications[1])" in text
    assert "applications[1].deps[1].id: Field required" in text
    assert any(t.startswith("applications[2].active: 'perhaps' is not valid") for t in text)
    assert any(t.startswith("servers[0].cpu: -2 is not valid") and "greater than or equal to 0" in t for t in text)
    assert any(t.startswith("systems[0].entries: 'cdn' is not valid") for t in text)
    assert len(text) == 6


def test_errors_come_in_document_order():
    doc = good()
    doc["applications"] = [{"id": f"a{i}", "name": 3} for i in range(12)]
    paths = [p.path for p in validate(doc).errors]
    assert paths == [f"applications[{i}].name" for i in range(12)]


def test_warnings_fall_back_and_keep_the_inventory():
    doc = good()
    doc["applications"][1]["deps"].append({"id": "x", "endpoint": "grpc"})
    doc["applications"][2]["family"] = "Mainframe"
    doc["applications"][2]["size"] = "huge"
    doc["applications"][0]["family"] = "cdn"
    doc["servers"][0]["applications"].append("ghost")
    report = validate(doc)
    assert report.ok
    text = lines(report.warnings)
    assert "applications[1].deps[1].id: unknown application 'x'" in text
    assert any(t.startswith("applications[2].family: unknown family 'Mainframe', using 'Application'") for t in text)
    assert any(t.startswith("applications[2].size: unknown size 'huge', using 'medium'") for t in text)
    assert any(t.startswith("applications[0].family: unknown family 'cdn', using 'CDN'") for t in text)
    assert "servers[0].applications[1]: unknown application 'ghost'" in text
    db = report.inventory.applications[2]
    assert (db.family, db.size) == ("Application", "medium")
    assert report.inventory.applications[1].deps[1].id == "x"


def test_validation_does_not_change_the_callers_document():
    doc = good()
    doc["applications"][2]["family"] = "Mainframe"
    before = copy.deepcopy(doc)
    validate(doc)
    assert doc == before


def test_a_document_that_is_not_a_mapping_is_one_clear_error():
    report = validate([1, 2])
    assert lines(report.errors) == ["an inventory is a mapping with clients, systems, applications, servers; got list"]


def test_unknown_sections_are_a_warning():
    doc = good()
    doc["networks"] = []
    assert lines(validate(doc).warnings) == [
        "networks: unknown section, ignored (expected clients, systems, applications, servers)"
    ]


def test_long_values_are_shortened_in_messages():
    doc = good()
    doc["applications"][0]["family"] = "F" * 500
    (warning,) = validate(doc).warnings
    assert "F" * 100 not in str(warning) and "'FFFFF" in str(warning) and "..." in str(warning)


# Odd shapes a file may hold where ids and references are expected
odd_value = st.one_of(
    st.sampled_from(["cdn", "web", "db", "shop", "acme", "s1", "nope", "w", "e"]),
    st.integers(-2, 2),
    st.none(),
    st.just([]),
    st.just({}),
)
reference = st.one_of(
    odd_value, st.fixed_dictionaries({"id": odd_value}), st.fixed_dictionaries({"endpoint": odd_value})
)
references = st.one_of(st.lists(reference, max_size=4), odd_value)


@st.composite
def odd_documents(draw):
    doc = good()
    for section, key in (("applications", "deps"), ("applications", "systems"), ("systems", "entries"),
                         ("systems", "clients"), ("servers", "applications")):  # fmt: skip
        for item in doc[section]:
            if draw(st.booleans()):
                item[key] = draw(references)
    for section in ("clients", "systems", "applications", "servers"):
        for item in doc[section]:
            if draw(st.integers(0, 3)) == 0:
                item["id"] = draw(odd_value)
        if draw(st.integers(0, 4)) == 0:
            doc[section].append(draw(st.one_of(odd_value, st.just({"id": "web"}))))
    return doc


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(odd_documents())
def test_one_pass_checks_report_what_the_item_by_item_checks_report(monkeypatch, doc):
    """A large inventory's ids and references are checked in one pass when they are all well
    formed; whatever the document holds, the problems are those of the checks item by item."""
    fast = validate(copy.deepcopy(doc))
    with monkeypatch.context() as patch:
        patch.setattr(validation, "_all_known", lambda *args: False)
        patch.setattr(validation, "_distinct_ids", lambda items: None)
        slow = validate(copy.deepcopy(doc))
    assert (lines(fast.errors), lines(fast.warnings)) == (lines(slow.errors), lines(slow.warnings))
