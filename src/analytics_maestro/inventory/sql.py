"""The SQL store as seen by a graph request: entry resolution's catalogue, and graphlookup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics_maestro.domain import GraphRequest, Subgraph
from analytics_maestro.inventory import schema
from analytics_maestro.inventory.entry import AppRef, Entries, SystemRef, resolve
from analytics_maestro.inventory.lookup import graphlookup
from analytics_maestro.model import Server

_SERVER_FIELDS = ("hostname", "ipv4_private", "ipv4_public", "cpu", "memory", "os", "environment", "datacenter", "role")


def _granted(roles: Iterable[dict] | None, readers: Sequence[str]) -> bool:
    """Systems keep their grants in `roles` (they are few; no index needed)."""
    return any(role.get("id") in readers for role in roles or ())


class SqlInventory:
    """A connection to the store, answering for one owner's records that the requester may read."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def _applications(self, request: GraphRequest, where) -> list[AppRef]:
        apps, grants = schema.applications, schema.application_grants
        readers = request.readers()
        granted = sa.exists().where(grants.c.app_pk == apps.c.pk, grants.c.principal.in_(readers))
        query = sa.select(apps.c.ext_id, apps.c.pk, apps.c.family).where(
            apps.c.owner_id == request.owner,
            apps.c.active.is_(True),
            sa.or_(apps.c.owner_id.in_(readers), granted),
            where,
        )
        return [AppRef(*row) for row in self.connection.execute(query)]

    def applications(self, request: GraphRequest, ids: Sequence[str]) -> list[AppRef]:
        return self._applications(request, schema.applications.c.ext_id.in_(list(ids)))

    def members(self, request: GraphRequest, system: str) -> list[AppRef]:
        links = schema.application_systems
        member = sa.select(links.c.app_pk).where(links.c.owner_id == request.owner, links.c.system_id == system)
        return self._applications(request, schema.applications.c.pk.in_(member))

    def systems(self, request: GraphRequest, ids: Sequence[str] | None) -> list[SystemRef]:
        table = schema.systems
        query = sa.select(table.c.ext_id, table.c.owner_id, table.c.roles, table.c.entries, table.c.clients).where(
            table.c.owner_id == request.owner, table.c.active.is_(True)
        )
        if ids is not None:
            query = query.where(table.c.ext_id.in_(list(ids)))
        readers = request.readers()
        return [
            SystemRef(row.ext_id, tuple(row.entries or ()), tuple(row.clients or ()))
            for row in self.connection.execute(query)
            if row.owner_id in readers or _granted(row.roles, readers)
        ]

    def servers(self, request: GraphRequest, app_ids: Sequence[str]) -> dict[str, tuple[Server, ...]]:
        """enrichment: the readable, active servers of each application, by server id."""
        servers, links = schema.servers, schema.server_applications
        readers = request.readers()
        found: dict[str, dict[str, Server]] = {}
        wanted = sorted(set(app_ids))
        for start in range(0, len(wanted), 5000):
            query = (
                sa.select(links.c.app_id, servers)
                .join(servers, servers.c.pk == links.c.server_pk)
                .where(links.c.owner_id == request.owner, links.c.app_id.in_(wanted[start : start + 5000]))
                .where(servers.c.active.is_(True))
            )
            for row in self.connection.execute(query).mappings():
                if row["owner_id"] not in readers and not _granted(row["roles"], readers):
                    continue
                server = Server.model_validate(
                    {key: row[key] for key in _SERVER_FIELDS if row[key] is not None} | {"id": row["ext_id"]}
                )
                found.setdefault(row["app_id"], {})[server.id] = server
        return {app: tuple(by_id[k] for k in sorted(by_id)) for app, by_id in sorted(found.items())}

    def lookup(self, request: GraphRequest, max_depth: int) -> tuple[Entries, Subgraph]:
        """entry, then graphlookup."""
        entries = resolve(self, request)
        return entries, graphlookup(self.connection, entries.pks, request.readers(), max_depth, entries.ids)
