"""The SQL store as seen by a graph request: entry resolution's catalogue, and graphlookup."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics_maestro.domain import GraphRequest, Subgraph
from analytics_maestro.inventory import policy, schema
from analytics_maestro.inventory.entry import AppRef, Entries, SystemRef
from analytics_maestro.inventory.lookup import graphlookup
from analytics_maestro.model import Server

_SERVER_FIELDS = ("hostname", "ipv4_private", "ipv4_public", "cpu", "memory", "os", "environment", "datacenter", "role")


class SqlInventory:
    """A connection to the store, answering for one owner's records that the requester may read."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def _reachable(self, table: sa.Table, request: GraphRequest):
        return policy.where(policy.REACHABLE, table, request.readers(), self.connection.dialect.name)

    def _applications(self, request: GraphRequest, where) -> list[AppRef]:
        apps = schema.applications
        query = sa.select(apps.c.ext_id, apps.c.pk, apps.c.family).where(
            apps.c.owner_id == request.owner, self._reachable(apps, request), where
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
        query = sa.select(table.c.ext_id, table.c.entries, table.c.clients, table.c.name).where(
            table.c.owner_id == request.owner, self._reachable(table, request)
        )
        if ids is not None:
            query = query.where(table.c.ext_id.in_(list(ids)))
        return [
            SystemRef(row.ext_id, tuple(row.entries or ()), tuple(row.clients or ()), row.name or "")
            for row in self.connection.execute(query)
        ]

    def servers(self, request: GraphRequest, app_ids: Sequence[str]) -> dict[str, tuple[Server, ...]]:
        """enrichment: the readable, active servers of each application, by server id."""
        servers, links = schema.servers, schema.server_applications
        found: dict[str, dict[str, Server]] = {}
        wanted = sorted(set(app_ids))
        for start in range(0, len(wanted), 5000):
            query = (
                sa.select(links.c.app_id, servers)
                .join(servers, servers.c.pk == links.c.server_pk)
                .where(links.c.owner_id == request.owner, links.c.app_id.in_(wanted[start : start + 5000]))
                .where(self._reachable(servers, request))
            )
            for row in self.connection.execute(query).mappings():
                server = Server.model_validate(
                    {key: row[key] for key in _SERVER_FIELDS if row[key] is not None} | {"id": row["ext_id"]}
                )
                found.setdefault(row["app_id"], {})[server.id] = server
        return {app: tuple(by_id[k] for k in sorted(by_id)) for app, by_id in sorted(found.items())}

    def graphlookup(self, request: GraphRequest, entries: Entries, max_depth: int) -> Subgraph:
        return graphlookup(self.connection, entries.pks, request.readers(), max_depth, entries.ids)
