"""What changed between two diagrams: applications and dependencies added, removed or changed.
Pure functions over snapshots of what a diagram shows.

    snapshot(view, servers) -> Snapshot
    snapshot_of_layout(grid) -> Snapshot
    diff(old, new) -> Changes

A **snapshot** holds, per application (per server, in the infrastructure view), the fields a
reader sees — name, family, environment, provider, team, systems, the servers it runs on (or, for a
server, the applications it runs) — and, per dependency (source, target), its endpoints. A layout
file knows ids, edges and positions only, so its snapshot has no fields, and two layouts also
tell which applications moved.

A dependency is one (source, target) pair; it *changed* when its endpoints did. An application
*changed* when one of its fields did; the change lists each field with its old and new value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from analytics_maestro.domain import Subgraph

FIELDS = ("name", "family", "environment", "provider", "team", "systems", "servers", "hosts")

Value = str | tuple[str, ...] | None


class Snapshot(msgspec.Struct, frozen=True):
    applications: dict[str, dict[str, Value]]  # id -> field -> value
    dependencies: dict[tuple[str, str], tuple[str, ...]]  # (source, target) -> endpoints
    positions: dict[str, tuple[float, float]] = {}  # id -> (x, y), from a layout only


class FieldChange(msgspec.Struct, frozen=True):
    field: str
    old: Value
    new: Value


class Changed(msgspec.Struct, frozen=True):
    id: str
    fields: tuple[FieldChange, ...]


class Dependency(msgspec.Struct, frozen=True):
    source: str
    target: str
    endpoints: tuple[str, ...]


class ChangedDependency(msgspec.Struct, frozen=True):
    source: str
    target: str
    old: tuple[str, ...]  # endpoints before
    new: tuple[str, ...]  # and after


class Changes(msgspec.Struct, frozen=True):
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Changed, ...]
    added_dependencies: tuple[Dependency, ...]
    removed_dependencies: tuple[Dependency, ...]
    changed_dependencies: tuple[ChangedDependency, ...]
    moved: tuple[str, ...] = ()  # applications in both whose position changed (layouts only)

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.changed, self.added_dependencies,
                        self.removed_dependencies, self.changed_dependencies))  # fmt: skip

    def counts(self) -> dict[str, int]:
        """How many of each kind of change."""
        return {name: len(getattr(self, name)) for name in self.__struct_fields__}

    def as_json(self) -> dict[str, Any]:
        """The changes as the API and `diff --json` give them: every list, and their `counts`."""
        return {**msgspec.to_builtins(self), "counts": self.counts()}

    def lines(self) -> list[str]:
        """The changes as text, one line each."""
        out = [f"+ {ident}" for ident in self.added] + [f"- {ident}" for ident in self.removed]
        for change in self.changed:
            out.append(f"~ {change.id}: " + "; ".join(f"{f.field} {_shown(f.old)} -> {_shown(f.new)}"
                                                     for f in change.fields))  # fmt: skip
        out += [f"+ {d.source} -> {d.target}{_via(d.endpoints)}" for d in self.added_dependencies]
        out += [f"- {d.source} -> {d.target}{_via(d.endpoints)}" for d in self.removed_dependencies]
        out += [f"~ {d.source} -> {d.target}: endpoint {_shown(d.old)} -> {_shown(d.new)}"
                for d in self.changed_dependencies]  # fmt: skip
        if self.moved:
            out.append(
                f"moved: {len(self.moved)} ({', '.join(self.moved[:10])}{', ...' if len(self.moved) > 10 else ''})"
            )
        return out


def _shown(value: Value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(v or "(none)" for v in value) + "]"
    return "(none)" if value in (None, "") else str(value)


def _via(endpoints: tuple[str, ...]) -> str:
    named = [e for e in endpoints if e]
    return f" ({', '.join(named)})" if named else ""


def _endpoints(pairs: Iterable[tuple[str, str, str | None]]) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for source, target, endpoint in pairs:
        pair, point = (source, target), endpoint or ""
        known = found.get(pair)
        if known is None:
            found[pair] = (point,)
        elif point not in known:
            found[pair] = tuple(sorted((*known, point)))
    return found


def snapshot(view: Subgraph, servers: Mapping[str, Iterable[str]] | None = None) -> Snapshot:
    """What a drawn view shows: its nodes' fields and its dependencies. `servers` names the servers
    each application runs on (`server_names`).

    >>> from analytics_maestro.domain import Node, Edge
    >>> s = snapshot(Subgraph(("web",), (Node("web", 0, "Web"), Node("db", 1)), (Edge("web", "db", "sql"),)))
    >>> s.applications["web"]["name"], s.dependencies
    ('Web', {('web', 'db'): ('sql',)})
    """
    servers = servers or {}
    applications = {}
    for node in view.nodes:
        applications[node.id] = {
            **_fields(node), "servers": tuple(sorted(servers.get(node.id, ()))), "hosts": tuple(sorted(node.hosts)),
        }  # fmt: skip
    return Snapshot(applications, _endpoints((e.source, e.target, e.endpoint) for e in view.edges))


def _fields(app: Any) -> dict[str, Value]:
    return {"name": app.name or app.id, "family": app.family, "environment": app.environment,
            "provider": app.provider, "team": app.team, "systems": tuple(app.systems)}  # fmt: skip


def snapshot_of_records(applications: Iterable[Any]) -> Snapshot:
    """What inventory records say (applications, each with `id`, `name`, `family`, `environment`,
    `provider`, `systems` and `deps`): their fields and their dependencies."""
    applications = list(applications)
    return Snapshot(
        {a.id: _fields(a) for a in applications},
        _endpoints((a.id, d.id, d.endpoint) for a in applications for d in a.deps),
    )


class _Named(msgspec.Struct):
    """A server record as JSON, read for its name only (every other field skipped unread)."""

    id: str
    hostname: str | None = None


def server_names(document: bytes | str) -> dict[str, list[str]]:
    """The servers of each application by name (hostname, else id), from the JSON of their
    records by application (the enrichment artefact).

    >>> server_names(b'{"web": [{"id": "s1", "hostname": "web-01", "cpu": 2}, {"id": "s2", "hostname": ""}]}')
    {'web': ['web-01', 's2']}
    """
    found = msgspec.json.decode(document, type=dict[str, list[_Named]])
    return {app: [s.hostname or s.id for s in group] for app, group in found.items()}


def snapshot_of_layout(grid) -> Snapshot:
    """What a layout (a `Grid`) shows: ids, dependencies and positions, no fields."""
    return Snapshot(
        {cell.id: {} for cell in sorted(grid.cells, key=lambda c: c.id)},
        _endpoints((r.source, r.target, r.endpoint) for r in grid.routes),
        {cell.id: (cell.x, cell.y) for cell in grid.cells},
    )


def diff(old: Snapshot, new: Snapshot) -> Changes:
    """What changed from `old` to `new`, each list in id order.

    >>> from analytics_maestro.domain import Node, Edge
    >>> before = snapshot(Subgraph(("web",), (Node("web", 0), Node("db", 1)), (Edge("web", "db", "sql"),)))
    >>> after = snapshot(Subgraph(("web",), (Node("web", 0, family="Web"), Node("q", 1)), (Edge("web", "q", None),)))
    >>> found = diff(before, after)
    >>> found.added, found.removed, [(c.id, c.fields) for c in found.changed]
    (('q',), ('db',), [('web', (FieldChange(field='family', old='Application', new='Web'),))])
    >>> [(d.source, d.target) for d in found.added_dependencies + found.removed_dependencies]
    [('web', 'q'), ('web', 'db')]
    """
    was, now = old.applications, new.applications
    changed = []
    for ident in sorted(was.keys() & now.keys()):
        if was[ident] == now[ident]:
            continue
        fields = tuple(
            FieldChange(name, was[ident].get(name), now[ident].get(name))
            for name in FIELDS
            if name in was[ident] and name in now[ident] and was[ident][name] != now[ident][name]
        )
        if fields:
            changed.append(Changed(ident, fields))
    before, after = old.dependencies, new.dependencies
    moved = tuple(
        ident
        for ident in sorted(old.positions.keys() & new.positions.keys())
        if old.positions[ident] != new.positions[ident]
    )
    return Changes(
        added=tuple(sorted(now.keys() - was.keys())),
        removed=tuple(sorted(was.keys() - now.keys())),
        changed=tuple(changed),
        added_dependencies=tuple(Dependency(*pair, after[pair]) for pair in sorted(after.keys() - before.keys())),
        removed_dependencies=tuple(Dependency(*pair, before[pair]) for pair in sorted(before.keys() - after.keys())),
        changed_dependencies=tuple(
            ChangedDependency(*pair, before[pair], after[pair])
            for pair in sorted(before.keys() & after.keys())
            if before[pair] != after[pair]
        ),
        moved=moved,
    )
