"""What a diagram is made of, free of any validation library: Maestro's families and sizes, the
request a diagram starts from, and the lookup's result. The drawing path (lookup, layout, render)
imports these alone; the inventory records that files and the API validate are in `model`."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import msgspec

# Maestro's 26 application families, in the order the entry guess ranks them: when a system names
# no entries, its applications of the best-ranked family present become the entries. The front
# doors come first (CDN before the gateway before the balancer it fronts), then what users reach
# directly, then middle tiers, and the back ends that are never an entry point last.
FAMILIES: tuple[str, ...] = (
    "CDN",
    "ApiGateway",
    "Loadbalance",
    "NAS",
    "Application",
    "Serverless",
    "ServiceMesh",
    "ContainerOrchestration",
    "AutoScaling",
    "AutoScalingPlan",
    "Broker",
    "Cache",
    "Database",
    "ObjectStorage",
    "MachineLearning",
    "Auth",
    "SMTP",
    "DNS",
    "VPN",
    "ServiceDiscovery",
    "Monitor",
    "Logs",
    "CI/CD",
    "Repository",
    "ServerlessLayer",
    "Corporate",
)
FAMILY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(FAMILIES)}
DEFAULT_FAMILY = "Application"

SIZES: tuple[str, ...] = (
    "nano",
    "micro",
    "small",
    "medium",
    "large",
    "xlarge",
    "2xlarge",
    "4xlarge",
    "8xlarge",
    "16xlarge",
    "32xlarge",
    "64xlarge",
)
DEFAULT_SIZE = "medium"


def family_rank(family: str) -> int:
    """Rank of a family for the entry guess; lower is more likely an entry, unknown families last.

    >>> family_rank("CDN") < family_rank("Database") < family_rank("no-such-family")
    True
    """
    return FAMILY_RANK.get(family, len(FAMILIES))


class Permission(IntEnum):
    """Maestro's role levels on a record."""

    READ = 1
    WRITE = 3
    ADMIN = 7


class GraphRequest(msgspec.Struct, frozen=True):
    """What a diagram starts from: the applications, systems or clients named in `owner`'s inventory.

    `principals` are who asks: a user id and the ids of the user's teams. The lookup reaches only
    applications owned by one of them or granted to one of them; when not given, the owner asks.
    `shared` names the applications drawn on the rail (shared infrastructure); None leaves it to
    the inventory and the rail's rule, and an empty tuple puts nothing there. `level` is what the
    diagram shows: `applications`, or `systems` (the landscape: one node per system). `aspect` is
    the width over the height that the parts of the drawing are packed to (None: 16:10).
    `containers`: a box around each system's applications (each place's servers, in the infra
    view), where the diagram has two or more.
    """

    owner: str
    principals: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    all_systems: bool = False
    shared: tuple[str, ...] | None = None
    level: str = "applications"
    aspect: float | None = None
    containers: bool = True

    def readers(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.principals))) if self.principals else (self.owner,)

    def to_dict(self) -> dict[str, Any]:
        """As stored with a graph record (JSON)."""
        return {
            "owner": self.owner, "principals": list(self.principals), "apps": list(self.apps),
            "systems": list(self.systems), "clients": list(self.clients), "all_systems": self.all_systems,
        } | ({} if self.shared is None else {"shared": list(self.shared)}) | (
            {} if self.level == "applications" else {"level": self.level}
        ) | ({} if self.aspect is None else {"aspect": self.aspect}) | (
            {} if self.containers else {"containers": False}
        )  # fmt: skip

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> GraphRequest:
        return cls(
            owner=doc["owner"], principals=tuple(doc.get("principals", ())), apps=tuple(doc.get("apps", ())),
            systems=tuple(doc.get("systems", ())), clients=tuple(doc.get("clients", ())),
            all_systems=bool(doc.get("all_systems", False)),
            shared=None if doc.get("shared") is None else tuple(doc["shared"]),
            level=doc.get("level", "applications"), aspect=doc.get("aspect"),
            containers=bool(doc.get("containers", True)),
        )  # fmt: skip


# What the colours of a diagram's tiles can tell (`render.common.Colouring`)
COLOURINGS = ("provider", "system", "environment")


class Node(msgspec.Struct, frozen=True, gc=False):
    """An application reached by the lookup, at its minimum dependency depth from the entries.

    A plain record rather than an `Application`: a diagram needs these fields only, and a lookup
    builds tens of thousands of them.
    """

    id: str
    depth: int
    name: str = ""
    family: str = DEFAULT_FAMILY
    size: str = DEFAULT_SIZE
    environment: str | None = None
    provider: str | None = None
    language: str | None = None
    cluster: str | None = None
    systems: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # in the infrastructure view, the applications a server runs
    shared: bool | None = None  # the inventory's word on the rail: always (True), never (False), or the rule
    summary: str = ""  # in the landscape, what a system holds (its families), for the tooltip
    team: str | None = None  # who owns it
    system_box: str | None = None  # in the landscape, the system this node is the box of


class Edge(msgspec.Struct, frozen=True, gc=False):
    source: str
    target: str
    endpoint: str | None


class Subgraph(msgspec.Struct, frozen=True):
    """The lookup result: nodes sorted by (depth, id), edges sorted by (source, target, endpoint).

    `missing` are dependencies of reached applications whose target the owner does not have, or
    has inactive, or the requester may not read: drawn as warnings, never followed. `truncated` is
    true when the depth limit cut off applications that exist.
    """

    entries: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    missing: tuple[Edge, ...] = ()
    truncated: bool = False
    unknown_entries: tuple[str, ...] = ()

    def depths(self) -> dict[str, int]:
        return {n.id: n.depth for n in self.nodes}
