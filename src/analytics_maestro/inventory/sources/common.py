"""What the sources share: the references to another workload's host in a configuration value,
the endpoint a scheme or a well-known port names, and the document every source is read into.

    references(key, value, resolve) -> [(target, endpoint), ...]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from analytics_maestro.inventory.problems import Problem
from analytics_maestro.inventory.sources.families import family_of

# well-known ports: the endpoint a dependency over them is drawn with
PORTS = {
    80: "http", 443: "https", 8080: "http", 8443: "https",
    5432: "postgres", 3306: "mysql", 1433: "mssql", 1521: "oracle", 27017: "mongodb", 9042: "cassandra",
    6379: "redis", 11211: "memcached", 5672: "amqp", 5671: "amqps", 9092: "kafka", 4222: "nats", 1883: "mqtt",
    50051: "grpc", 4317: "grpc", 4318: "http", 9200: "http", 25: "smtp", 587: "smtp", 2181: "zookeeper",
    8500: "http", 8761: "http", 2379: "grpc", 389: "ldap", 636: "ldaps", 53: "dns",
}  # fmt: skip
SCHEMES = {"postgresql": "postgres", "jdbc:postgresql": "postgres", "jdbc:mysql": "mysql", "mongodb+srv": "mongodb",
           "rediss": "redis", "mysql+pymysql": "mysql", "postgresql+psycopg2": "postgres", "ws": "http",
           "wss": "https"}  # fmt: skip
# keys whose value may be a bare host name (no scheme, no port)
_HOST_KEY = re.compile(r"(?:^|_)(HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|ADDRS|SERVER|SERVERS|URL|URI|URLS|ENDPOINT|"
                       r"ENDPOINTS|BROKER|BROKERS|SERVICE|HOSTPORT|HOST_PORT|NODES?)$", re.IGNORECASE)  # fmt: skip
_TOKEN = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.:-]*?)://)?(?:[^@/\s,;]*@)?"
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)(?::(?P<port>\d{1,5}))?(?=$|[/\s,;?#])"
)


def endpoint_of(scheme: str | None, port: int | None) -> str | None:
    """The endpoint a scheme names (normalised), else a well-known port, else none.

    >>> endpoint_of("postgresql", None), endpoint_of(None, 6379), endpoint_of(None, 1234), endpoint_of("GRPC", 80)
    ('postgres', 'redis', None, 'grpc')
    """
    if scheme:
        scheme = scheme.lower()
        return SCHEMES.get(scheme, scheme.removeprefix("jdbc:"))
    return PORTS.get(port) if port is not None else None


def references(
    key: str,
    value: object,
    resolve: Callable[[str], str | None],
    named: Callable[[str, int], str | None] | None = None,
) -> list[tuple[str, str | None]]:
    """Every workload a configuration value names, with its endpoint: URLs (`http://cart:7070`),
    `host:port` pairs, and a bare host where the key says it holds one (`*_HOST`, `*_ADDR`, …).
    `resolve` maps a host name to a workload's id (None: not one of ours); the endpoint is the
    URL's scheme, else what `named(target, port)` calls the port (a Service's port name), else a
    well-known port's.

    >>> hosts = {"cart": "cart", "db": "db", "kafka": "kafka"}.get
    >>> references("CART_URL", "http://cart:7070/api", hosts), references("DB", "postgresql://u:p@db/x", hosts)
    ([('cart', 'http')], [('db', 'postgres')])
    >>> references("KAFKA_ADDR", "kafka", hosts), references("USER", "db", hosts), references("X", "db:5432", hosts)
    ([('kafka', None)], [], [('db', 'postgres')])
    """
    if not isinstance(value, str) or len(value) > 4096:
        return []
    bare = bool(_HOST_KEY.search(key))
    found: list[tuple[str, str | None]] = []
    for match in _TOKEN.finditer(value):
        scheme, host, port = match.group("scheme"), match.group("host"), match.group("port")
        if not (scheme or port or bare):
            continue
        start = match.start()
        if start > 0 and value[start - 1] not in " ,;=\t\n\"'(":
            continue  # inside another token (a path, a file name)
        target = resolve(host)
        if target is not None:
            number = int(port) if port and int(port) < 65536 else None
            by_name = named(target, number) if named and number and not scheme else None
            found.append((target, by_name or endpoint_of(scheme, number)))
    return found


def dedupe(deps: Iterable[tuple[str, str | None]], own: str) -> list[dict]:
    """Dependencies as the inventory writes them: one per target (the first endpoint known), never
    on the application itself, in target order."""
    best: dict[str, str | None] = {}
    for target, endpoint in deps:
        if target != own and (target not in best or (best[target] is None and endpoint is not None)):
            best[target] = endpoint
    return [{"id": t, **({"endpoint": e} if e else {})} for t, e in sorted(best.items())]


class Loaded(msgspec.Struct, frozen=True):
    """A file of a source: its name (as given) and its parsed documents."""

    name: str
    documents: tuple[Any, ...]


class Reading(msgspec.Struct):
    """What a source reads into: an inventory document (our format), and the problems met."""

    document: dict
    problems: list[Problem] = msgspec.field(default_factory=list)


def labelled(app: dict, labels: Mapping[str, str]) -> dict:
    """An application as its labels or annotations say: `maestro.family` (a family's name),
    `maestro.system`, `maestro.team`, `maestro.entry` (true or false, kept as `entry` for the
    source to use).

    >>> labelled({"id": "a", "family": "Application", "systems": ["x"]}, {"maestro.family": "cache"})
    {'id': 'a', 'family': 'Cache', 'systems': ['x']}
    """
    family = family_of(labels.get("maestro.family"))
    if family:
        app["family"] = family
    if system := labels.get("maestro.system"):
        app["systems"] = [system]
    if team := labels.get("maestro.team"):
        app["team"] = team
    if (entry := labels.get("maestro.entry")) is not None:
        app["entry"] = str(entry).strip().lower() in ("true", "1", "yes", "on")
    return app


def finished(apps: list[dict], entries: Iterable[str], names: Mapping[str, str] | None = None) -> dict:
    """The inventory document of a source: its applications in id order, the `entries` (as each
    one's `maestro.entry` label left them: true adds it, false takes it away), and one system per
    system named, with its entries and its name from `names`. What the entries do not reach
    starts the diagram too (`_starts`), so that every application is drawn."""
    chosen = set(entries)
    for app in apps:
        forced = app.pop("entry", None)
        if forced is True:
            chosen.add(app["id"])
        elif forced is False:
            chosen.discard(app["id"])
    apps.sort(key=lambda a: a["id"])
    chosen |= _starts(apps, chosen)
    systems = sorted({s for app in apps for s in app["systems"]})
    opening = {s: sorted(a["id"] for a in apps if a["id"] in chosen and s in a["systems"]) for s in systems}
    names = names or {}
    return {
        "systems": [{"id": s, "name": names.get(s, s), "entries": opening[s]} for s in systems],
        "applications": apps,
    }


def _starts(apps: list[dict], entries: set[str]) -> set[str]:
    """The applications the entries do not reach that nothing unreached calls (where none, as in
    a cycle, the first by id), until every application is reached.

    >>> apps = [{"id": "a", "deps": [{"id": "b"}]}, {"id": "b", "deps": []}, {"id": "w", "deps": [{"id": "b"}]},
    ...         {"id": "x", "deps": [{"id": "y"}]}, {"id": "y", "deps": [{"id": "x"}]}]
    >>> sorted(_starts(apps, {"a"}))
    ['w', 'x']
    """
    calls = {a["id"]: [d["id"] for d in a["deps"]] for a in apps}
    added: set[str] = set()
    seen: set[str] = set()
    todo = [e for e in sorted(entries) if e in calls]
    while True:
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(t for t in calls[current] if t in calls and t not in seen)
        left = [a for a in sorted(calls) if a not in seen]
        if not left:
            return added
        called = {t for a in left for t in calls[a]}
        starts = [a for a in left if a not in called] or left[:1]
        added.update(starts)
        todo = list(starts)


def skipped(kinds: Mapping[str, int], what: str) -> list[Problem]:
    """One warning that counts the objects of each kind a source skips, none when it skips none.

    >>> [str(p) for p in skipped({"Widget": 2, "Gadget": 1}, "objects that make no application")]
    ['skipped objects that make no application: 1 Gadget, 2 Widget']
    """
    if not kinds:
        return []
    return [Problem("", f"skipped {what}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))]
