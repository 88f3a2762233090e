"""A Backstage software catalog (`catalog-info.yaml` files, multi-document; `Location` entities
whose targets are local files are followed) as an inventory.

Components and Resources are applications, their owner kept as their team (a Resource's family
from its `spec.type`: database, queue, cache, bucket …), Systems are systems; `spec.dependsOn`,
`spec.consumesApis` (each API through the components that provide it) and `spec.subcomponentOf`
(the whole on its parts) are dependencies. An application nothing depends on opens its system.
Labels or annotations `maestro.family`, `maestro.system`, `maestro.team` and `maestro.entry` say
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from analytics_maestro.inventory.problems import Problem
from analytics_maestro.inventory.sources.common import Loaded, Reading, dedupe, finished, labelled, skipped
from analytics_maestro.inventory.sources.families import guess

APPLICATIONS = ("Component", "Resource")
KNOWN = (*APPLICATIONS, "System", "API", "Location", "Domain", "Group", "User", "Template")
RESOURCE_TYPES = {
    "database": "Database", "db": "Database", "postgres": "Database", "mysql": "Database", "queue": "Broker",
    "topic": "Broker", "kafka-topic": "Broker", "message-queue": "Broker", "cache": "Cache", "bucket": "ObjectStorage",
    "s3-bucket": "ObjectStorage", "storage": "ObjectStorage", "search": "Logs", "cdn": "CDN", "dns": "DNS",
    "load-balancer": "Loadbalance", "api-gateway": "ApiGateway", "identity": "Auth",
}  # fmt: skip


def read(files: Sequence[Loaded], load: Callable[[str], Sequence[Any]]) -> Reading:
    """The inventory of catalog files; `load(path)` reads a file a Location targets."""
    problems: list[Problem] = []
    entities: list[tuple[str, Mapping]] = []
    queue, seen = list(files), {f.name for f in files}
    unknown: dict[str, int] = {}
    while queue:
        loaded = queue.pop(0)
        for i, doc in enumerate(loaded.documents):
            where = f"{loaded.name}: document {i + 1}"
            if doc is None:
                continue
            if not isinstance(doc, Mapping) or not isinstance(doc.get("kind"), str):
                problems.append(Problem(where, "not a catalog entity: no `kind`"))
                continue
            if doc["kind"] == "Location":
                spec = doc.get("spec") if isinstance(doc.get("spec"), Mapping) else {}
                targets = [spec.get("target"), *(spec.get("targets") or [])]
                for target in (t for t in targets if isinstance(t, str)):
                    if "://" in target:
                        problems.append(Problem(where, f"target {target!r} is not a local file; not followed"))
                        continue
                    path = str(PurePath(loaded.name).parent / target.removeprefix("./"))
                    if path not in seen:
                        seen.add(path)
                        queue.append(Loaded(path, tuple(load(path))))
            elif doc["kind"] in KNOWN:
                entities.append((where, doc))
            else:
                unknown[doc["kind"]] = unknown.get(doc["kind"], 0) + 1
    problems += skipped(unknown, "entities of kinds that make no application")
    return Reading(_inventory(entities), problems)


def _ref(ref: Any, default_kind: str) -> tuple[str, str] | None:
    """(kind, name) of an entity reference `[kind:][namespace/]name`, kinds in lower case."""
    if not isinstance(ref, str) or not ref:
        return None
    kind, _, rest = ref.rpartition(":") if ":" in ref else (default_kind, "", ref)
    return kind.lower() or default_kind, rest.rpartition("/")[2].lower()


def _inventory(entities: list[tuple[str, Mapping]]) -> dict:
    parts = []
    for _, doc in entities:
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), Mapping) else {}
        spec = doc.get("spec") if isinstance(doc.get("spec"), Mapping) else {}
        name = str(meta.get("name") or "")
        if name:
            labels = {str(k): str(v) for source in (meta.get("annotations"), meta.get("labels"))
                      if isinstance(source, Mapping) for k, v in source.items()}  # fmt: skip
            parts.append((doc["kind"], name, meta, spec, labels))
    names: dict[str, int] = {}
    for kind, name, *_ in parts:
        if kind in APPLICATIONS:
            names[name.lower()] = names.get(name.lower(), 0) + 1
    ident = {(kind.lower(), name.lower()): name if names[name.lower()] == 1 else f"{kind.lower()}-{name}"
             for kind, name, *_ in parts if kind in APPLICATIONS}  # fmt: skip
    providers: dict[str, list[str]] = {}
    for kind, name, _, spec, _ in parts:
        if kind == "Component":
            for api in spec.get("providesApis") or []:
                if (found := _ref(api, "api")) is not None:
                    providers.setdefault(found[1], []).append(ident[("component", name.lower())])
    system_names = {name.lower(): str(meta.get("title") or name) for kind, name, meta, *_ in parts if kind == "System"}
    system_ids = {name.lower(): name for kind, name, *_ in parts if kind == "System"}
    # a component is made of its subcomponents: it depends on them
    parts_of: dict[str, list[str]] = {}
    for kind, name, _, spec, _ in parts:
        whole = _ref(spec.get("subcomponentOf"), "component") if kind == "Component" else None
        if whole is not None and whole in ident:
            parts_of.setdefault(ident[whole], []).append(ident[("component", name.lower())])
    apps, called = [], set()
    for kind, name, meta, spec, labels in parts:
        if kind not in APPLICATIONS:
            continue
        own = ident[(kind.lower(), name.lower())]
        found: list[tuple[str, str | None]] = [(part, None) for part in parts_of.get(own, [])]
        for ref in spec.get("dependsOn") or []:
            target = _ref(ref, "component")
            if target is not None and (target := ident.get(target) or ident.get(("resource", target[1]))):
                found.append((target, None))
        for api in spec.get("consumesApis") or []:
            target = _ref(api, "api")
            if target is not None and target[0] != "api":  # a component or resource named directly
                found += [(ident[target], "api")] if target in ident else []
            elif target is not None:
                found += [(p, "api") for p in providers.get(target[1], [])]
        system = _ref(spec.get("system"), "system")
        home = system_ids.get(system[1], system[1]) if system else "catalog"
        kind_type = str(spec.get("type") or "").lower()
        family = RESOURCE_TYPES.get(kind_type) if kind == "Resource" else None
        deps = dedupe(found, own)
        called.update(d["id"] for d in deps)
        owner = spec.get("owner") if isinstance(spec.get("owner"), str) else ""  # `group:default/team-a`
        team = owner.rpartition(":")[2].rpartition("/")[2]
        apps.append(labelled({
            "id": own, "name": str(meta.get("title") or name), **({"team": team} if team else {}),
            "family": family or guess(name, kind_type if kind == "Resource" else None) or "Application",
            "systems": [home], "deps": deps,
        }, labels))  # fmt: skip
    kinds = {ident[(kind.lower(), name.lower())]: kind for kind, name, *_ in parts if kind in APPLICATIONS}
    roots = [a["id"] for a in apps if kinds[a["id"]] == "Component" and a["id"] not in called]
    return finished(apps, roots, {system_ids.get(k, k): v for k, v in system_names.items()})
