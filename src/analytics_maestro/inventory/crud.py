"""Single records of the store, read back as the model types: list with filters, get, delete, dependents.

Writes go through the importer (`write_inventory`), so a record written by the API is stored exactly
as the same record in an imported file. Who may see a record is the read policy's (`policy.VISIBLE`:
its owner is one of the `readers`, or one of them holds a grant on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics_maestro.inventory import policy, schema
from analytics_maestro.model import Application, Client, Record, Server, System


@dataclass(frozen=True)
class Kind:
    name: str
    table: sa.Table
    model: type[Record]
    filters: tuple[str, ...]  # columns a list may filter on, by equality


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("clients", schema.clients, Client, ()),
        Kind("systems", schema.systems, System, ()),
        Kind("applications", schema.applications, Application, ("family", "environment", "provider", "language")),
        Kind("servers", schema.servers, Server, ("environment", "role")),
    )
}
_SKIP = {"pk", "owner_id", "ext_id"}


def _children(connection: Connection, kind: Kind, pks: Sequence[int]) -> dict[int, dict[str, list]]:
    """The list fields kept in child tables, for the records `pks`."""
    out: dict[int, dict[str, list]] = {pk: {} for pk in pks}
    if not pks:
        return out
    if kind.name == "applications":
        deps, systems = schema.dependencies, schema.application_systems
        rows = connection.execute(
            sa.select(deps).where(deps.c.app_pk.in_(pks)).order_by(deps.c.app_pk, deps.c.position)
        )
        for row in rows:
            dep = {"id": row.target_id, "endpoint": row.endpoint}
            if row.calls is not None:
                dep["calls"] = row.calls
            out[row.app_pk].setdefault("deps", []).append(dep)
        rows = connection.execute(
            sa.select(systems).where(systems.c.app_pk.in_(pks)).order_by(systems.c.app_pk, systems.c.position)
        )
        for row in rows:
            out[row.app_pk].setdefault("systems", []).append(row.system_id)
    elif kind.name == "servers":
        links = schema.server_applications
        rows = connection.execute(
            sa.select(links).where(links.c.server_pk.in_(pks)).order_by(links.c.server_pk, links.c.position)
        )
        for row in rows:
            out[row.server_pk].setdefault("applications", []).append(row.app_id)
    return out


def models(connection: Connection, kind: Kind, rows: Sequence[Any]) -> list[Record]:
    """The records of rows of `kind`'s table, with their list fields."""
    children = _children(connection, kind, [row.pk for row in rows])
    out = []
    for row in rows:
        fields = {key: value for key, value in row._mapping.items() if key not in _SKIP and value is not None}
        out.append(kind.model.model_validate(
            {**fields, **children[row.pk], "id": row.ext_id, "owner": row.owner_id}
        ))  # fmt: skip
    return out


def like_text(text: str) -> str:
    r"""`text` for a LIKE pattern whose escape is a backslash: `%`, `_` and `\` match themselves.

    >>> print(like_text("50%_off\\now"))
    50\%\_off\\now
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def readable(record: Record, readers: Sequence[str]) -> bool:
    """Whether `readers` may see the record (active or not): the store's read policy."""
    return policy.predicate(policy.VISIBLE, readers, record.owner)(record)


def get_record(connection: Connection, kind: Kind, owner: str, ext_id: str) -> Record | None:
    table = kind.table
    row = connection.execute(sa.select(table).where(table.c.owner_id == owner, table.c.ext_id == ext_id)).one_or_none()
    return models(connection, kind, [row])[0] if row is not None else None


@dataclass(frozen=True)
class Page:
    items: list[Record]
    total: int


def list_records(
    connection: Connection,
    kind: Kind,
    owner: str,
    readers: Sequence[str],
    *,
    q: str | None = None,
    equal: dict[str, str] | None = None,
    system: str | None = None,
    application: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """One page of the owner's records that `readers` may read, in id order."""
    table = kind.table
    where = [table.c.owner_id == owner]
    if q:
        pattern = f"%{like_text(q.lower())}%"
        name = table.c.hostname if kind.name == "servers" else table.c.name
        where.append(sa.or_(sa.func.lower(table.c.ext_id).like(pattern, escape="\\"),
                            sa.func.lower(name).like(pattern, escape="\\")))  # fmt: skip
    for column, value in (equal or {}).items():
        where.append(table.c[column] == value)
    if active is not None:
        where.append(table.c.active.is_(active))
    if system and kind.name == "applications":
        links = schema.application_systems
        where.append(table.c.pk.in_(sa.select(links.c.app_pk).where(links.c.owner_id == owner,
                                                                    links.c.system_id == system)))  # fmt: skip
    if application and kind.name == "servers":
        hosts = schema.server_applications
        where.append(table.c.pk.in_(sa.select(hosts.c.server_pk).where(hosts.c.owner_id == owner,
                                                                      hosts.c.app_id == application)))  # fmt: skip
    where.append(policy.where(policy.VISIBLE, table, readers, connection.dialect.name))
    total = connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    rows = connection.execute(sa.select(table).where(*where).order_by(table.c.ext_id).limit(limit).offset(offset))
    return Page(models(connection, kind, rows.all()), total)


def delete_record(connection: Connection, kind: Kind, owner: str, ext_id: str) -> bool:
    table = kind.table
    done = connection.execute(sa.delete(table).where(table.c.owner_id == owner, table.c.ext_id == ext_id))
    return done.rowcount == 1


def dependents(connection: Connection, owner: str, app_id: str, readers: Sequence[str]) -> list[dict]:
    """The owner's applications that list `app_id` as a dependency and `readers` may read."""
    apps, deps = schema.applications, schema.dependencies
    rows = connection.execute(
        sa.select(apps.c.ext_id, apps.c.name, deps.c.endpoint)
        .join(deps, deps.c.app_pk == apps.c.pk)
        .where(
            apps.c.owner_id == owner, deps.c.target_id == app_id,
            policy.where(policy.VISIBLE, apps, readers, connection.dialect.name),
        )
        .order_by(apps.c.ext_id, deps.c.position)
    )  # fmt: skip
    return [{"id": row.ext_id, "name": row.name, "endpoint": row.endpoint} for row in rows]
