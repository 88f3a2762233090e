"""entry: resolve a graph request (applications, systems or clients) into entry applications.

A system's entries are the applications it lists, where any of them exists, is active and is
readable. A system that lists none (or none that resolve) gets its entries guessed: its
applications of the best-ranked family present (see `model.FAMILIES` for the order: CDN,
ApiGateway, Loadbalance, then NAS, Application, Serverless, ...; unknown families last). A client
stands for every system that names it among its clients.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics_maestro.inventory import schema
from analytics_maestro.model import GraphRequest, family_rank


@dataclass(frozen=True)
class Entries:
    """The entry applications of a request, and what in the request did not resolve."""

    ids: tuple[str, ...]
    pks: tuple[int, ...]
    guessed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def _granted(roles: Iterable[dict], readers: Sequence[str]) -> bool:
    """Systems and clients keep their grants in `roles` (they are few; no index needed)."""
    return any(role.get("id") in readers for role in roles or ())


def _systems(connection: Connection, request: GraphRequest, ids: Sequence[str] | None) -> list[sa.Row]:
    """Active systems of the owner that the requester may read; all of them when `ids` is None."""
    readers = request.readers()
    query = sa.select(schema.systems).where(
        schema.systems.c.owner_id == request.owner, schema.systems.c.active.is_(True)
    )
    if ids is not None:
        query = query.where(schema.systems.c.ext_id.in_(ids))
    rows = connection.execute(query).all()
    return [r for r in rows if r.owner_id in readers or _granted(r.roles, readers)]


def _applications(connection: Connection, request: GraphRequest, where) -> list[sa.Row]:
    """Active applications of the owner that the requester may read, matching `where`."""
    apps, grants = schema.applications, schema.application_grants
    readers = request.readers()
    granted = sa.exists().where(grants.c.app_pk == apps.c.pk, grants.c.principal.in_(readers))
    query = sa.select(apps.c.pk, apps.c.ext_id, apps.c.family).where(
        apps.c.owner_id == request.owner,
        apps.c.active.is_(True),
        sa.or_(apps.c.owner_id.in_(readers), granted),
        where,
    )
    return connection.execute(query).all()


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


def _system_entries(connection: Connection, request: GraphRequest, systems: Sequence[sa.Row]):
    """Entry ids per system, listed or guessed, and which were guessed."""
    listed = {s.ext_id: list(s.entries or ()) for s in systems}
    wanted = sorted({e for entries in listed.values() for e in entries})
    found = {
        r.ext_id: r for r in _applications(connection, request, schema.applications.c.ext_id.in_(wanted))
    }
    out: dict[str, tuple[str, ...]] = {}
    guessed: dict[str, tuple[str, ...]] = {}
    for system in sorted(listed):
        resolved = tuple(e for e in listed[system] if e in found)
        if not resolved:
            members = schema.application_systems
            member_of = schema.applications.c.pk.in_(
                sa.select(members.c.app_pk).where(
                    members.c.owner_id == request.owner, members.c.system_id == system
                )
            )
            candidates = _applications(connection, request, member_of)
            resolved = guess_entries((r.ext_id, r.family) for r in candidates)
            guessed[system] = resolved
            found.update({r.ext_id: r for r in candidates if r.ext_id in resolved})
        out[system] = resolved
    return out, guessed, found


def resolve(connection: Connection, request: GraphRequest) -> Entries:
    """The entry applications of `request`, in request order, each once."""
    problems: list[str] = []
    found: dict[str, sa.Row] = {}
    order: list[str] = []
    guessed: dict[str, tuple[str, ...]] = {}

    if request.apps:
        rows = _applications(connection, request, schema.applications.c.ext_id.in_(request.apps))
        found.update({r.ext_id: r for r in rows})
        problems += [f"apps: unknown application {a!r}" for a in request.apps if a not in found]
        order += [a for a in request.apps if a in found]

    system_ids: list[str] = list(request.systems)
    if request.all_systems:
        system_ids += sorted(s.ext_id for s in _systems(connection, request, None))
    if request.clients:
        all_systems = _systems(connection, request, None)
        for client in request.clients:
            named = sorted(s.ext_id for s in all_systems if client in (s.clients or ()))
            if not named:
                problems.append(f"clients: no system of client {client!r}")
            system_ids += named
    if system_ids:
        rows = _systems(connection, request, system_ids)
        known = {r.ext_id for r in rows}
        problems += [f"systems: unknown system {s!r}" for s in request.systems if s not in known]
        per_system, guessed, more = _system_entries(connection, request, rows)
        found.update(more)
        for system in dict.fromkeys(system_ids):
            entries = per_system.get(system, ())
            if system in known and not entries:
                problems.append(f"systems: system {system!r} has no applications to start from")
            order += entries

    ids = tuple(dict.fromkeys(order))
    return Entries(ids=ids, pks=tuple(found[i].pk for i in ids), guessed=guessed, problems=tuple(problems))
