"""An inventory held in memory, for `draw` from a file alone: the same answers as the SQL store.

It follows the store's rules to the letter: one owner (the file's), only active applications that
the requester may read, dependencies resolved within the owner, minimum depths within the depth
limit. Tests compare the two on generated inventories.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from analytics_maestro.domain import Edge, GraphRequest, Node, Subgraph
from analytics_maestro.inventory import policy
from analytics_maestro.inventory.entry import AppRef, Entries, SystemRef

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Application, Inventory, Record, Server


class MemoryInventory:
    def __init__(self, inventory: Inventory, owner: str):
        self.owner = owner
        self.apps: dict[str, Application] = {a.id: a for a in inventory.applications}
        self.pk = {a.id: i for i, a in enumerate(inventory.applications)}
        self.systems_by_id = {s.id: s for s in inventory.systems}
        self._cached_for: GraphRequest | None = None
        self._cached_reader: Callable[[Record], bool] = lambda record: False
        self.servers_of: dict[str, list[Server]] = {}
        for server in sorted(inventory.servers, key=attrgetter("id")):
            apps = server.applications
            for app in dict.fromkeys(apps) if len(apps) > 1 else apps:
                self.servers_of.setdefault(app, []).append(server)
        self.members_of: dict[str, list[str]] = {}
        for app in inventory.applications:
            for system in app.systems:
                self.members_of.setdefault(system, []).append(app.id)

    def _reader(self, request: GraphRequest) -> Callable[[Record], bool]:
        """Whether `request` may read a record, with what depends on the request alone worked out
        once per request (a large lookup asks tens of thousands of times)."""
        if self._cached_for is not request:
            self._cached_for, self._cached_reader = request, self._make_reader(request)
        return self._cached_reader

    def _make_reader(self, request: GraphRequest) -> Callable[[Record], bool]:
        if request.owner != self.owner:
            return lambda record: False
        return policy.predicate(policy.REACHABLE, request.readers(), self.owner)

    def _refs(self, request: GraphRequest, ids: Sequence[str]) -> list[AppRef]:
        apps = (self.apps.get(i) for i in dict.fromkeys(ids))
        readable = self._reader(request)
        return [AppRef(a.id, self.pk[a.id], a.family) for a in apps if a and readable(a)]

    def applications(self, request: GraphRequest, ids: Sequence[str]) -> list[AppRef]:
        return self._refs(request, ids)

    def members(self, request: GraphRequest, system: str) -> list[AppRef]:
        return self._refs(request, self.members_of.get(system, ()))

    def systems(self, request: GraphRequest, ids: Sequence[str] | None) -> list[SystemRef]:
        chosen = self.systems_by_id.values() if ids is None else (self.systems_by_id.get(i) for i in ids)
        readable = self._reader(request)
        return [SystemRef(s.id, s.entries, s.clients, s.name) for s in chosen if s is not None and readable(s)]

    def servers(self, request: GraphRequest, app_ids: Sequence[str]) -> dict[str, tuple[Server, ...]]:
        """enrichment: the readable, active servers of each application, by server id."""
        out = {}
        readable = self._reader(request)
        for app in app_ids:
            found = tuple(filter(readable, self.servers_of.get(app, ())))
            if found:
                out[app] = found
        return out

    def graphlookup(self, request: GraphRequest, entries: Entries, max_depth: int) -> Subgraph:
        """A breadth-first graphlookup."""
        readable = self._reader(request)

        def reachable(ident: str) -> Application | None:
            app = self.apps.get(ident)
            return app if app is not None and readable(app) else None

        depth = {e: 0 for e in entries.ids}
        queue = deque(entries.ids)
        truncated = False
        while queue:
            current = queue.popleft()
            for dep in self.apps[current].deps:
                if dep.id in depth or reachable(dep.id) is None:
                    continue
                if depth[current] == max_depth:
                    truncated = True
                    continue
                depth[dep.id] = depth[current] + 1
                queue.append(dep.id)
        edges, missing = set(), set()
        for source in depth:
            for dep in self.apps[source].deps:
                edge = Edge(source, dep.id, dep.endpoint)
                if dep.id in depth:
                    edges.add(edge)
                elif reachable(dep.id) is None:
                    missing.add(edge)
        nodes = sorted((_node(self.apps[i], d) for i, d in depth.items()), key=lambda n: (n.depth, n.id))
        key = lambda e: (e.source, e.target, e.endpoint or "")  # noqa: E731
        return Subgraph(
            entries=entries.ids,
            nodes=tuple(nodes),
            edges=tuple(sorted(edges, key=key)),
            missing=tuple(sorted(missing, key=key)),
            truncated=truncated,
        )


def _node(app: Application, depth: int) -> Node:
    return Node(
        app.id, depth, app.name, app.family, app.size, app.environment, app.provider, app.language, app.cluster,
        app.systems, shared=app.shared, team=app.team,
    )  # fmt: skip
