"""The inventory records (clients, systems, applications, servers) as files and the API validate them."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from analytics_maestro.domain import DEFAULT_FAMILY, DEFAULT_SIZE, Permission

Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=1000)]
# at most the largest float: a number past it (`1e400`) reads as infinity, which no store keeps
NonNegativeFloat = Annotated[float, Field(ge=0, le=sys.float_info.max)]


class Strict(BaseModel):
    """Unknown fields are kept out of the store but not an error: inventories come from many tools."""

    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)


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
    """An edge from the application that lists it to application `id`, over `endpoint` (https, sql...);
    `calls`: how many calls traces saw on it, where a source counts them."""

    id: Id
    endpoint: Text | None = None
    calls: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None


class Application(Record):
    name: Text = ""
    family: str = DEFAULT_FAMILY
    size: str = DEFAULT_SIZE
    environment: Text | None = None
    provider: Text | None = None
    language: Text | None = None
    cluster: Text | None = None
    team: Text | None = None  # who owns it (a Backstage owner, a `maestro.team` label)
    # on the rail of shared infrastructure always (true) or never (false); absent: the rail's rule
    shared: bool | None = None
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
