"""The inventory records as msgspec Structs: how `draw` reads a file that has nothing to report.

`draw` reads a whole file, which is almost always valid. Validating it into the pydantic models of
`model` costs more than laying it out: importing pydantic and building the models' schemas alone
take as long as the layout of 3,000 applications, and `json.loads` then `validate` twice that.
msgspec decodes JSON straight into these Structs, typed and checked in C.

They have the models' fields, defaults and constraints, and stand in for them on the drawing path
(lookup, layout, render read attributes only). A test holds the two together, field by field and on
generated documents. A document that these do not take as it is (anything msgspec rejects, or
anything `validate` would warn about: an unknown section, family or size, a repeated id, a reference
to nothing) gets None here and goes through `validate`, which reports every problem at once.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Literal

import msgspec

from analytics_maestro.domain import DEFAULT_FAMILY, DEFAULT_SIZE, FAMILIES, SIZES, Permission

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=1000)]
# at most the largest float: a number past it (`1e400`) reads as infinity, which no store keeps
NonNegativeFloat = Annotated[float, msgspec.Meta(ge=0, le=sys.float_info.max)]


# Frozen like the models; `gc=False`: the records hold strings, tuples and other records, never a
# cycle, so the collector need not track the hundreds of thousands a large inventory makes.
class Strict(msgspec.Struct, frozen=True, gc=False):
    pass


class Role(Strict):
    id: Id
    refs: Literal["users", "teams"] = "users"
    role: Permission = Permission.READ


class Record(Strict):
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
    id: Id
    endpoint: Text | None = None
    calls: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)] | None = None


class Application(Record):
    name: Text = ""
    family: str = DEFAULT_FAMILY
    size: str = DEFAULT_SIZE
    environment: Text | None = None
    provider: Text | None = None
    language: Text | None = None
    cluster: Text | None = None
    team: Text | None = None
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


class Inventory(Strict, forbid_unknown_fields=True):  # an unknown section is a warning: `validate` says it
    clients: tuple[Client, ...] = ()
    systems: tuple[System, ...] = ()
    applications: tuple[Application, ...] = ()
    servers: tuple[Server, ...] = ()


_DECODER = msgspec.json.Decoder(Inventory)
_FAMILIES, _SIZES = frozenset(FAMILIES), frozenset(SIZES)


def decode(data: bytes) -> Inventory | None:
    """The inventory in a JSON document, or None when `validate` has something to say about it."""
    try:
        inventory = _DECODER.decode(data)
    except msgspec.MsgspecError:
        return None
    return inventory if _nothing_to_report(inventory) else None


def convert(doc: Any) -> Inventory | None:
    """The same for a parsed document (YAML): strict, so that only what pydantic takes unchanged passes."""
    try:
        inventory = msgspec.convert(doc, Inventory, strict=True)
    except msgspec.MsgspecError:
        return None
    return inventory if _nothing_to_report(inventory) else None


def _nothing_to_report(inventory: Inventory) -> bool:
    """No unknown family or size, no repeated id, every reference known: `validate`'s checks, in C."""
    apps, systems, clients = inventory.applications, inventory.systems, inventory.clients
    app_ids = {a.id for a in apps}
    system_ids = {s.id for s in systems}
    client_ids = {c.id for c in clients}
    return (
        len(app_ids) == len(apps)
        and len(system_ids) == len(systems)
        and len(client_ids) == len(clients)
        and len({s.id for s in inventory.servers}) == len(inventory.servers)
        and _FAMILIES.issuperset([a.family for a in apps])
        and _SIZES.issuperset([a.size for a in apps])
        and app_ids.issuperset([d.id for a in apps for d in a.deps])
        and system_ids.issuperset([s for a in apps for s in a.systems])
        and app_ids.issuperset([e for s in systems for e in s.entries])
        and client_ids.issuperset([c for s in systems for c in s.clients])
        and app_ids.issuperset([a for s in inventory.servers for a in s.applications])
    )
