"""entry: resolve a graph request (applications, systems or clients) into entry applications.

A system's entries are the applications it lists, where any of them exists, is active and is
readable. A system that lists none (or none that resolve) gets its entries guessed: its
applications of the best-ranked family present (see `domain.FAMILIES` for the order: CDN,
ApiGateway, Loadbalance, then NAS, Application, Serverless, ...; unknown families last). A client
stands for every system that names it among its clients.

The rules are written once, here, over a `Catalogue`: the SQL store and the in-memory inventory
of `draw` each answer its three questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import msgspec

from analytics_maestro.domain import GraphRequest, Subgraph, family_rank


class AppRef(msgspec.Struct, frozen=True, gc=False):
    id: str
    pk: int
    family: str


class SystemRef(msgspec.Struct, frozen=True, gc=False):
    id: str
    entries: tuple[str, ...]
    clients: tuple[str, ...]
    name: str = ""


class Catalogue(Protocol):
    """What entry resolution asks of an inventory; every answer is limited to the owner's active
    records that the request's principals may read."""

    def applications(self, request: GraphRequest, ids: Sequence[str]) -> list[AppRef]: ...

    def systems(self, request: GraphRequest, ids: Sequence[str] | None) -> list[SystemRef]:
        """The named systems, or all of them when `ids` is None."""
        ...

    def members(self, request: GraphRequest, system: str) -> list[AppRef]: ...


class Entries(msgspec.Struct, frozen=True):
    """The entry applications of a request, and what in the request did not resolve."""

    ids: tuple[str, ...]
    pks: tuple[int, ...]
    guessed: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    problems: tuple[str, ...] = ()


def guess_entries(apps: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The ids of the applications of the best-ranked family, sorted.

    >>> guess_entries([("db", "Database"), ("lb", "Loadbalance"), ("lb2", "Loadbalance")])
    ('lb', 'lb2')
    """
    apps = list(apps)
    if not apps:
        return ()
    best = min(family_rank(family) for _, family in apps)
    return tuple(sorted(ident for ident, family in apps if family_rank(family) == best))


def _system_entries(catalogue: Catalogue, request: GraphRequest, systems: Sequence[SystemRef]):
    """Entry ids per system, listed or guessed, and which were guessed."""
    listed = {s.id: s.entries for s in systems}
    wanted = sorted({e for entries in listed.values() for e in entries})
    found = {r.id: r for r in catalogue.applications(request, wanted)}
    out: dict[str, tuple[str, ...]] = {}
    guessed: dict[str, tuple[str, ...]] = {}
    for system in sorted(listed):
        resolved = tuple(e for e in listed[system] if e in found)
        if not resolved:
            candidates = catalogue.members(request, system)
            resolved = guess_entries((r.id, r.family) for r in candidates)
            guessed[system] = resolved
            found.update({r.id: r for r in candidates if r.id in resolved})
        out[system] = resolved
    return out, guessed, found


def resolve(catalogue: Catalogue, request: GraphRequest) -> Entries:
    """The entry applications of `request`, in request order, each once."""
    problems: list[str] = []
    found: dict[str, AppRef] = {}
    order: list[str] = []
    guessed: dict[str, tuple[str, ...]] = {}

    if request.apps:
        found.update({r.id: r for r in catalogue.applications(request, request.apps)})
        problems += [f"apps: unknown application {a!r}" for a in request.apps if a not in found]
        order += [a for a in request.apps if a in found]

    system_ids: list[str] = list(request.systems)
    if request.all_systems:
        system_ids += sorted(s.id for s in catalogue.systems(request, None))
    if request.clients:
        all_systems = catalogue.systems(request, None)
        for client in request.clients:
            named = sorted(s.id for s in all_systems if client in s.clients)
            if not named:
                problems.append(f"clients: no system of client {client!r}")
            system_ids += named
    if system_ids:
        rows = catalogue.systems(request, sorted(set(system_ids)))
        known = {r.id for r in rows}
        problems += [f"systems: unknown system {s!r}" for s in request.systems if s not in known]
        per_system, guessed, more = _system_entries(catalogue, request, rows)
        found.update(more)
        for system in dict.fromkeys(system_ids):
            entries = per_system.get(system, ())
            if system in known and not entries:
                problems.append(f"systems: system {system!r} has no applications to start from")
            order += entries

    ids = tuple(dict.fromkeys(order))
    return Entries(ids=ids, pks=tuple(found[i].pk for i in ids), guessed=guessed, problems=tuple(problems))


def lookup(catalogue, request: GraphRequest, max_depth: int) -> tuple[Entries, Subgraph]:
    """entry, then graphlookup, on a catalogue that answers both (the SQL store, an inventory in
    memory)."""
    entries = resolve(catalogue, request)
    return entries, catalogue.graphlookup(request, entries, max_depth)
