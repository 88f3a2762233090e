"""The domain model: families and their ranks, sizes, roles, field checks, and the modules' examples."""

import doctest
import importlib

import pytest
from pydantic import ValidationError

from analytics_maestro.domain import FAMILIES, SIZES, GraphRequest, Permission, family_rank
from analytics_maestro.model import Application, Inventory, Server

MAESTRO_FAMILIES = {
    "Application", "Loadbalance", "Broker", "Database", "Serverless", "ApiGateway", "ContainerOrchestration",
    "ServiceMesh", "Cache", "CDN", "ObjectStorage", "Monitor", "Logs", "SMTP", "ServiceDiscovery", "VPN",
    "CI/CD", "DNS", "Repository", "Auth", "NAS", "AutoScaling", "AutoScalingPlan", "ServerlessLayer",
    "MachineLearning", "Corporate",
}  # fmt: skip


def test_the_26_families_each_have_a_distinct_rank():
    assert set(FAMILIES) == MAESTRO_FAMILIES
    ranks = [family_rank(f) for f in MAESTRO_FAMILIES]
    assert sorted(ranks) == list(range(26))


def test_entry_ranks_put_front_doors_first_and_unknown_last():
    order = ["CDN", "ApiGateway", "Loadbalance", "NAS", "Application", "Serverless"]
    assert [family_rank(f) for f in order] == list(range(6))
    assert family_rank("Mainframe") == 26 > max(family_rank(f) for f in FAMILIES)


def test_sizes_are_maestros_twelve():
    assert SIZES[0] == "nano" and SIZES[-1] == "64xlarge" and len(SIZES) == 12


def test_records_carry_owner_roles_and_active_flag():
    app = Application.model_validate(
        {"id": "a", "owner": "team-x", "roles": [{"id": "u1", "refs": "users", "role": 3}], "active": False}
    )
    assert app.owner == "team-x" and app.active is False
    assert app.roles[0].role is Permission.WRITE
    with pytest.raises(ValidationError):
        Application.model_validate({"id": "a", "roles": [{"id": "u1", "role": 5}]})


def test_server_rejects_negative_cpu_and_memory():
    with pytest.raises(ValidationError) as exc:
        Server.model_validate({"id": "s", "cpu": -1, "memory": -2})
    assert {e["loc"][0] for e in exc.value.errors()} == {"cpu", "memory"}


def test_dependencies_keep_their_endpoint():
    inv = Inventory.model_validate({"applications": [{"id": "a", "deps": [{"id": "b", "endpoint": "grpc"}]}]})
    assert inv.applications[0].deps[0].endpoint == "grpc"


def test_request_reads_as_owner_unless_principals_given():
    assert GraphRequest(owner="acme").readers() == ("acme",)
    assert GraphRequest(owner="acme", principals=("u2", "team-a", "u2")).readers() == ("team-a", "u2")


@pytest.mark.parametrize(
    "module",
    [
        "analytics_maestro.domain",
        "analytics_maestro.inventory.validate",
        "analytics_maestro.inventory.entry",
        "analytics_maestro.inventory.generate",
        "analytics_maestro.render.common",
    ],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
