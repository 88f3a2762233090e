"""Domain types: the inventory records (clients, systems, applications, servers) and the lookup result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, StringConstraints

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


Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=1000)]


class Strict(BaseModel):
    """Unknown fields are kept out of the store but not an error: inventories come from many tools."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Role(Strict):
    """A grant on a record to a user or a team."""

    id: Id
    refs: Literal["users", "teams"] = "users"
    role: Permission = Permission.READ


class Record(Strict):
    """What every inventory record has: an id unique within its owner, the owner, grants, a flag."""

    id: Id
    owner: Id | None = None
    roles: tuple[Role, ...] = ()
    active: bool = True


class Client(Record):
    name: Text = ""


class System(Record):
    name: Text = ""
    clients: tuple[Id, ...] = ()
    entries: tuple[Id, ...] = ()


class Dependency(Strict):
    """An edge from the application that lists it to application `id`, over `endpoint` (https, sql...)."""

    id: Id
    endpoint: Text | None = None


class Application(Record):
    name: Text = ""
    family: str = DEFAULT_FAMILY
    size: str = DEFAULT_SIZE
    environment: Text | None = None
    provider: Text | None = None
    language: Text | None = None
    cluster: Text | None = None
    systems: tuple[Id, ...] = ()
    deps: tuple[Dependency, ...] = ()


class OperatingSystem(Strict):
    base: Text | None = None
    dist: Text | None = None
    version: Text | None = None


class Datacenter(Strict):
    provider: Text | None = None
    region: Text | None = None
    zone: Text | None = None
    name: Text | None = None


class Server(Record):
    hostname: Text = ""
    ipv4_private: Text | None = None
    ipv4_public: Text | None = None
    cpu: NonNegativeFloat | None = None
    memory: NonNegativeFloat | None = None
    os: OperatingSystem | None = None
    environment: Text | None = None
    datacenter: Datacenter | None = None
    role: Text | None = None
    applications: tuple[Id, ...] = ()


class Inventory(Strict):
    """The interchange format: what `import` reads and `draw` starts from."""

    clients: tuple[Client, ...] = ()
    systems: tuple[System, ...] = ()
    applications: tuple[Application, ...] = ()
    servers: tuple[Server, ...] = Field(default=())


class GraphRequest(Strict):
    """What a diagram starts from: the applications, systems or clients named in `owner`'s inventory.

    `principals` are who asks: a user id and the ids of the user's teams. The lookup reaches only
    applications owned by one of them or granted to one of them; when not given, the owner asks.
    """

    owner: Id
    principals: tuple[Id, ...] = ()
    apps: tuple[Id, ...] = ()
    systems: tuple[Id, ...] = ()
    clients: tuple[Id, ...] = ()
    all_systems: bool = False

    def readers(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.principals))) if self.principals else (self.owner,)


@dataclass(frozen=True, slots=True)
class Node:
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


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    endpoint: str | None


@dataclass(frozen=True, slots=True)
class Subgraph:
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
    unknown_entries: tuple[str, ...] = field(default=())

    def depths(self) -> dict[str, int]:
        return {n.id: n.depth for n in self.nodes}
