"""Validation of inventory documents: every error and warning at once, each with its path."""

import copy

from analytics_maestro.inventory.validate import validate


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
