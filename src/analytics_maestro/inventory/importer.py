"""Writing a validated inventory into the store: one transaction, records upserted by (owner, id).

Records of the file replace the stored records with the same id (their lists too); records the file
does not name are left as they are. Either the whole file is written or nothing is.

An import from another tool's files names its `source` (`compose:docker-compose.yml`): its
applications and systems remember it, what changed since the source's last import is reported
(applications and dependencies added, removed, changed) and kept in `imports`, and with `prune`
the applications and systems of that source that it no longer holds are removed — never a record
of another source or one written by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics_maestro.analytics.changes import Changes, diff, snapshot_of_records
from analytics_maestro.inventory import crud, schema
from analytics_maestro.inventory.store import refresh_statistics
from analytics_maestro.model import Application, Client, Inventory, Record, Server, System

CHUNK = 2000
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ImportSummary:
    created: dict[str, int]
    updated: dict[str, int]
    removed: dict[str, int] = field(default_factory=dict)  # by `prune`
    changes: Changes | None = None  # of a source, since its last import

    def __str__(self) -> str:
        parts = [
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated"
            + (f", {self.removed[kind]} removed" if self.removed.get(kind) else "")
            for kind in self.created
        ]
        return "; ".join(parts)


def _chunks(rows: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _roles(record: Record) -> list[dict]:
    return [role.model_dump(mode="json") for role in record.roles]


def _base(record: Record, owner: str) -> dict:
    return {"owner_id": owner, "ext_id": record.id, "active": record.active, "roles": _roles(record)}


def _client_row(client: Client, owner: str) -> dict:
    return {**_base(client, owner), "name": client.name}


def _system_row(system: System, owner: str) -> dict:
    return {**_base(system, owner), "name": system.name, "clients": list(system.clients),
            "entries": list(system.entries)}  # fmt: skip


def _application_row(app: Application, owner: str) -> dict:
    fields = ("name", "family", "size", "environment", "provider", "language", "cluster", "team", "shared")
    return {**_base(app, owner), **{name: getattr(app, name) for name in fields}}


def _server_row(server: Server, owner: str) -> dict:
    fields = ("hostname", "ipv4_private", "ipv4_public", "cpu", "memory", "environment", "role")
    row = {**_base(server, owner), **{name: getattr(server, name) for name in fields}}
    row["os"] = server.os.model_dump(mode="json", exclude_none=True) if server.os else None
    row["datacenter"] = server.datacenter.model_dump(mode="json", exclude_none=True) if server.datacenter else None
    return row


def _application_children(app: Application, pk: int, owner: str) -> dict[sa.Table, list[dict]]:
    return {
        schema.dependencies: [
            {"app_pk": pk, "position": i, "target_id": dep.id, "endpoint": dep.endpoint, "calls": dep.calls}
            for i, dep in enumerate(app.deps)
        ],
        schema.application_systems: [
            {"app_pk": pk, "position": i, "owner_id": owner, "system_id": system}
            for i, system in enumerate(app.systems)
        ],
        schema.application_grants: [
            {"app_pk": pk, "principal": principal, "role": role} for principal, role in _grants(app, owner).items()
        ],
    }


def _grants(record: Record, owner: str) -> dict[str, int]:
    """The strongest role per principal other than the owner (who can always read)."""
    out: dict[str, int] = {}
    for role in record.roles:
        if role.id != owner:
            out[role.id] = max(out.get(role.id, 0), int(role.role))
    return out


def _server_children(server: Server, pk: int, owner: str) -> dict[sa.Table, list[dict]]:
    return {
        schema.server_applications: [
            {"server_pk": pk, "position": i, "owner_id": owner, "app_id": app}
            for i, app in enumerate(server.applications)
        ]
    }


def _upsert(
    connection: Connection,
    table: sa.Table,
    owner: str,
    rows: list[dict],
    child_tables: Sequence[sa.Table] = (),
    progress: Progress | None = None,
) -> tuple[dict[str, int], int, int]:
    """Insert new rows, update existing ones; returns ext_id -> pk, and the new and updated counts.

    Child rows of updated records are deleted here; the caller inserts the new ones.
    """
    existing = dict(connection.execute(sa.select(table.c.ext_id, table.c.pk).where(table.c.owner_id == owner)).all())
    new = [row for row in rows if row["ext_id"] not in existing]
    old = [{**row, "_pk": existing[row["ext_id"]]} for row in rows if row["ext_id"] in existing]
    for chunk in _chunks(new):
        connection.execute(sa.insert(table), list(chunk))
        if progress:
            progress(table.name, len(chunk))
    if old:
        columns = {name: sa.bindparam(name) for name in rows[0] if name not in ("owner_id", "ext_id")}
        update = sa.update(table).where(table.c.pk == sa.bindparam("_pk")).values(**columns)
        for chunk in _chunks(old):
            connection.execute(update, list(chunk))
            pks = [row["_pk"] for row in chunk]
            for child in child_tables:
                key = next(iter(child.foreign_keys)).parent
                connection.execute(sa.delete(child).where(key.in_(pks)))
            if progress:
                progress(table.name, len(chunk))
    if new:
        existing = dict(
            connection.execute(sa.select(table.c.ext_id, table.c.pk).where(table.c.owner_id == owner)).all()
        )
    return existing, len(new), len(old)


def _insert_children(connection: Connection, children: dict[sa.Table, list[dict]]) -> None:
    for table, rows in children.items():
        for chunk in _chunks(rows, CHUNK * 2):
            connection.execute(sa.insert(table), list(chunk))


def write_inventory(
    engine: Engine,
    inventory: Inventory,
    owner: str,
    progress: Progress | None = None,
    analyze: bool = True,
    source: str | None = None,
    prune: bool = False,
) -> ImportSummary:
    """Write every record of `inventory` for `owner`, in one transaction; `analyze` refreshes the
    planner's statistics afterwards (worth it after a bulk import, not after one record). With
    `source`, the records remember it, the changes since its last import are reported and kept,
    and with `prune` what it no longer holds is removed."""
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    removed: dict[str, int] = {}
    changes = None
    tag = {"source": source} if source is not None else {}
    with engine.begin() as connection:
        before = _of_source(connection, owner, source) if source is not None else None
        for table, records, row in (
            (schema.clients, inventory.clients, _client_row),
            (schema.systems, inventory.systems, lambda r, o: {**_system_row(r, o), **tag}),
        ):
            _, created[table.name], updated[table.name] = _upsert(
                connection, table, owner, [row(r, owner) for r in records], progress=progress
            )

        app_children = (schema.dependencies, schema.application_systems, schema.application_grants)
        pks, created["applications"], updated["applications"] = _upsert(
            connection, schema.applications, owner,
            [{**_application_row(a, owner), **tag} for a in inventory.applications], app_children, progress,
        )  # fmt: skip
        children: dict[sa.Table, list[dict]] = {table: [] for table in app_children}
        for app in inventory.applications:
            for table, rows in _application_children(app, pks[app.id], owner).items():
                children[table].extend(rows)
        _insert_children(connection, children)

        pks, created["servers"], updated["servers"] = _upsert(
            connection, schema.servers, owner,
            [_server_row(s, owner) for s in inventory.servers], (schema.server_applications,), progress,
        )  # fmt: skip
        server_children: dict[sa.Table, list[dict]] = {schema.server_applications: []}
        for server in inventory.servers:
            server_children[schema.server_applications].extend(
                _server_children(server, pks[server.id], owner)[schema.server_applications]
            )
        _insert_children(connection, server_children)
        if source is not None:
            changes = diff(before, snapshot_of_records(inventory.applications))
            if prune:
                for table, kept in ((schema.applications, inventory.applications), (schema.systems, inventory.systems)):
                    removed[table.name] = _prune(connection, table, owner, source, {r.id for r in kept})
            report = {"changes": msgspec.to_builtins(changes), "counts": changes.counts(), "pruned": prune,
                      "created": created, "updated": updated, "removed": removed}  # fmt: skip
            connection.execute(sa.insert(schema.imports), {"owner_id": owner, "source": source,
                                                           "created_at": time.time(), "report": report})  # fmt: skip
    if analyze:
        refresh_statistics(engine)
    return ImportSummary(created, updated, removed, changes)


def _of_source(connection: Connection, owner: str, source: str):
    """The snapshot (`analytics.changes`) of the applications `owner` has from `source`."""
    table = schema.applications
    rows = connection.execute(sa.select(table).where(table.c.owner_id == owner, table.c.source == source)).all()
    return snapshot_of_records(crud.models(connection, crud.KINDS["applications"], rows))


def _prune(connection: Connection, table: sa.Table, owner: str, source: str, kept: set[str]) -> int:
    """Remove `owner`'s records of `table` from `source` that are not `kept`; how many."""
    found = connection.execute(
        sa.select(table.c.pk, table.c.ext_id).where(table.c.owner_id == owner, table.c.source == source)
    ).all()
    gone = [pk for pk, ext_id in found if ext_id not in kept]
    for chunk in _chunks(gone):
        connection.execute(sa.delete(table).where(table.c.pk.in_(list(chunk))))
    return len(gone)
