"""entry: requests by applications, systems and clients, and the guess by family rank."""

import pytest

from analytics_maestro.domain import FAMILIES, GraphRequest
from analytics_maestro.inventory import entry
from analytics_maestro.inventory.sql import SqlInventory
from tests.conftest import load


def resolve(engine, owner="acme", **request):
    with engine.connect() as connection:
        return entry.resolve(SqlInventory(connection), GraphRequest(owner=owner, **request))


DOC = {
    "clients": [{"id": "c1"}, {"id": "c2"}],
    "systems": [
        {"id": "shop", "clients": ["c1"], "entries": ["shop-cdn"]},
        {"id": "erp", "clients": ["c1", "c2"]},
        {"id": "stale", "entries": ["gone", "off"]},
        {"id": "empty"},
    ],
    "applications": [
        {"id": "shop-cdn", "family": "CDN", "systems": ["shop"]},
        {"id": "erp-db", "family": "Database", "systems": ["erp"]},
        {"id": "erp-lb-b", "family": "Loadbalance", "systems": ["erp"]},
        {"id": "erp-lb-a", "family": "Loadbalance", "systems": ["erp"]},
        {"id": "erp-app", "family": "Application", "systems": ["erp"]},
        {"id": "off", "family": "CDN", "active": False, "systems": ["stale"]},
        {"id": "stale-nas", "family": "NAS", "systems": ["stale"]},
        {"id": "stale-app", "family": "Application", "systems": ["stale"]},
    ],
}


def test_by_applications_keeps_request_order_and_reports_unknown(engine):
    load(engine, DOC)
    found = resolve(engine, apps=("erp-db", "nope", "shop-cdn", "erp-db"))
    assert found.ids == ("erp-db", "shop-cdn") and len(found.pks) == 2
    assert found.problems == ("apps: unknown application 'nope'",)


def test_a_systems_listed_entries_are_used(engine):
    load(engine, DOC)
    found = resolve(engine, systems=("shop",))
    assert found.ids == ("shop-cdn",) and found.guessed == {}


def test_a_system_without_entries_gets_its_best_ranked_family(engine):
    load(engine, DOC)
    found = resolve(engine, systems=("erp",))
    assert found.ids == ("erp-lb-a", "erp-lb-b") and found.guessed == {"erp": ("erp-lb-a", "erp-lb-b")}


def test_entries_that_do_not_resolve_fall_back_to_the_guess(engine):
    load(engine, DOC)
    # `gone` does not exist and `off` is inactive: NAS ranks before Application.
    assert resolve(engine, systems=("stale",)).ids == ("stale-nas",)


def test_by_client_means_all_its_systems(engine):
    load(engine, DOC)
    assert resolve(engine, clients=("c1",)).ids == ("erp-lb-a", "erp-lb-b", "shop-cdn")
    assert resolve(engine, clients=("c2",)).ids == ("erp-lb-a", "erp-lb-b")
    assert resolve(engine, clients=("c3",)).problems == ("clients: no system of client 'c3'",)


def test_all_systems(engine):
    load(engine, DOC)
    found = resolve(engine, all_systems=True)
    assert found.ids == ("erp-lb-a", "erp-lb-b", "shop-cdn", "stale-nas")
    assert found.problems == ("systems: system 'empty' has no applications to start from",)


def test_unknown_and_other_owners_systems_are_reported(engine):
    load(engine, DOC)
    load(
        engine,
        {"systems": [{"id": "theirs", "entries": ["x"]}], "applications": [{"id": "x"}]},
        owner="other",
    )
    found = resolve(engine, systems=("theirs", "shop"))
    assert found.ids == ("shop-cdn",) and found.problems == ("systems: unknown system 'theirs'",)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_can_be_guessed_and_unknown_ranks_last(family):
    apps = [("a", family), ("z", "SomethingNew")]
    assert entry.guess_entries(apps) == ("a",)
    assert entry.guess_entries([("z", "SomethingNew")]) == ("z",)
