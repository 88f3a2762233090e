"""Traces as an inventory: Jaeger's service dependencies and OTLP/JSON trace files.

- **Jaeger** (`/api/dependencies`, or the `dependencies` of its storage): links `{parent, child,
  callCount}`, as a list or under `data`. Each service is an application, each link a dependency.
- **OTLP/JSON** (what an OpenTelemetry collector's file exporter writes: one
  `ExportTraceServiceRequest` per file or per line): a client or producer span whose child is a
  server or consumer span of another service is a dependency of the first service on the second
  (over `rpc.system`, or http); a client span with `db.system` is one on a Database named by the
  system (`db.system`, and `server.address` or `db.name` where given), one with `messaging.system`
  on a Broker, and `peer.service` names a callee no child span shows. A service whose spans start
  traces (a server span without a parent) is an entry.

Both: call counts are summed per dependency and the busiest call kept as the endpoint's note
(`calls` on the dependency). One system, `traces`, unless a resource says `maestro.system`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics_maestro.inventory.problems import Problem
from analytics_maestro.inventory.sources.common import Loaded, Reading, finished
from analytics_maestro.inventory.sources.families import guess

SYSTEM = "traces"
CLIENT, SERVER, PRODUCER, CONSUMER = 3, 2, 4, 5
KINDS = {"SPAN_KIND_CLIENT": CLIENT, "SPAN_KIND_SERVER": SERVER, "SPAN_KIND_PRODUCER": PRODUCER,
         "SPAN_KIND_CONSUMER": CONSUMER, "SPAN_KIND_INTERNAL": 1}  # fmt: skip


class _Graph:
    def __init__(self) -> None:
        self.families: dict[str, str] = {}
        self.calls: dict[tuple[str, str], int] = {}
        self.endpoints: dict[tuple[str, str], str] = {}
        self.entries: set[str] = set()
        self.systems: dict[str, str] = {}

    def service(self, name: str, family: str | None = None) -> None:
        if name not in self.families or (family and self.families[name] == "Application"):
            self.families[name] = family or guess(name) or "Application"

    def link(self, source: str, target: str, calls: int = 1, endpoint: str | None = None) -> None:
        if source == target:
            return
        self.service(source)
        self.service(target)
        self.calls[(source, target)] = self.calls.get((source, target), 0) + max(0, calls)
        if endpoint and (source, target) not in self.endpoints:
            self.endpoints[(source, target)] = endpoint

    def inventory(self) -> dict:
        called = {t for _, t in self.calls}
        apps = []
        for name in sorted(self.families):
            deps = [{"id": t, **({"endpoint": self.endpoints[(s, t)]} if (s, t) in self.endpoints else {}),
                     "calls": self.calls[(s, t)]}
                    for (s, t) in sorted(self.calls) if s == name]  # fmt: skip
            apps.append({"id": name, "name": name, "family": self.families[name],
                         "systems": [self.systems.get(name, SYSTEM)], "deps": deps})  # fmt: skip
        return finished(apps, self.entries or {a["id"] for a in apps if a["id"] not in called and a["deps"]})


def read_jaeger(files: Sequence[Loaded]) -> Reading:
    graph, problems = _Graph(), []
    for loaded in files:
        for doc in loaded.documents:
            links = doc.get("data") if isinstance(doc, Mapping) else doc
            if not isinstance(links, list):
                problems.append(
                    Problem(loaded.name, "not Jaeger dependencies: expected a list of {parent, child, callCount}")
                )
                continue
            for k, link in enumerate(links):
                if not (
                    isinstance(link, Mapping)
                    and isinstance(link.get("parent"), str)
                    and isinstance(link.get("child"), str)
                ):
                    problems.append(Problem(f"{loaded.name}: [{k}]", "expected {parent, child, callCount}"))
                    continue
                count = link.get("callCount", 1)
                graph.link(link["parent"], link["child"], count if isinstance(count, int) else 1)
    return Reading(graph.inventory(), problems)


def _attributes(items: Any) -> dict[str, Any]:
    """OTLP's `[{key, value: {stringValue | intValue | …}}]` as a mapping."""
    out = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("value"), Mapping) and item["value"]:
            out[str(item.get("key"))] = next(iter(item["value"].values()))
    return out


def _kind(value: Any) -> int:
    return KINDS.get(value, 0) if isinstance(value, str) else value if isinstance(value, int) else 0


def read_otlp(files: Sequence[Loaded]) -> Reading:
    graph, problems = _Graph(), []
    spans: dict[tuple[str, str], tuple[str, int, dict]] = {}  # (trace, span) -> (service, kind, attributes)
    children: list[tuple[str, str, str, int, dict]] = []  # (trace, parent, service, kind, attributes)
    count = 0
    for loaded in files:
        for doc in loaded.documents:
            if not isinstance(doc, Mapping) or not isinstance(doc.get("resourceSpans"), list):
                problems.append(Problem(loaded.name, "not OTLP/JSON traces: no `resourceSpans`"))
                continue
            for resource_spans in doc["resourceSpans"]:
                if not isinstance(resource_spans, Mapping):
                    continue
                resource = _attributes((resource_spans.get("resource") or {}).get("attributes"))
                service = str(resource.get("service.name") or "unknown_service")
                graph.service(service)
                if isinstance(resource.get("maestro.system"), str):
                    graph.systems[service] = resource["maestro.system"]
                scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans") or []
                for scope in scopes if isinstance(scopes, list) else []:
                    for span in (scope.get("spans") or []) if isinstance(scope, Mapping) else []:
                        if not isinstance(span, Mapping):
                            continue
                        count += 1
                        trace, own, parent = (str(span.get(k) or "") for k in ("traceId", "spanId", "parentSpanId"))
                        kind, attributes = _kind(span.get("kind")), _attributes(span.get("attributes"))
                        spans[(trace, own)] = (service, kind, attributes)
                        if parent:
                            children.append((trace, parent, service, kind, attributes))
                        elif kind in (SERVER, CONSUMER):
                            graph.entries.add(service)
    linked: set[tuple[str, str]] = set()
    for trace, parent, service, kind, attributes in children:
        caller = spans.get((trace, parent))
        if (
            caller is None
            or caller[0] == service
            or caller[1] not in (CLIENT, PRODUCER)
            or kind not in (SERVER, CONSUMER)
        ):
            continue
        endpoint = str(caller[2].get("rpc.system") or attributes.get("rpc.system") or "") or (
            "http" if any(k.startswith("http.") for k in caller[2]) else None
        )
        if kind == CONSUMER or caller[1] == PRODUCER:
            broker = str(caller[2].get("messaging.system") or attributes.get("messaging.system") or "")
            if broker:  # through the broker: the producer on it (once per message), the consumer on it
                graph.service(broker, "Broker")
                if (trace, parent) not in linked:
                    graph.link(caller[0], broker, 1, broker)
                graph.link(service, broker, 1, broker)
                linked.add((trace, parent))
                continue
        graph.link(caller[0], service, 1, endpoint)
        linked.add((trace, parent))
    for (trace, own), (service, kind, attributes) in spans.items():
        if kind not in (CLIENT, PRODUCER) or (trace, own) in linked:
            continue
        if system := attributes.get("db.system"):
            target = str(
                attributes.get("server.address")
                or attributes.get("net.peer.name")
                or attributes.get("db.name")
                or system
            )
            graph.service(target, "Database" if guess(str(system)) in (None, "Database") else guess(str(system)))
            graph.link(service, target, 1, str(system))
        elif system := attributes.get("messaging.system"):
            graph.service(str(system), "Broker")
            graph.link(service, str(system), 1, str(system))
        elif peer := attributes.get("peer.service"):
            graph.link(service, str(peer), 1, str(attributes.get("rpc.system") or "") or None)
    if not count and not problems:
        problems.append(Problem("", "the files hold no spans"))
    return Reading(graph.inventory(), problems)
