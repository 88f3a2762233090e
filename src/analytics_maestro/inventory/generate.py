"""A synthetic enterprise inventory of about N applications, for demos, tests and benchmarks.

The enterprise is a platform system (auth, logs, monitoring, DNS, discovery, mail) that many
others call, and business systems of 6 to 40 applications each: a front door (CDN, load balancer
or API gateway), a web tier, services that call each other downstream, and data stores. A few
service calls go to another system's front or services, and about one in a hundred goes back
upstream, making a cycle. Applications of the server-backed families run on 0 to 9 servers.
The same (n, seed) always gives the same inventory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

ENDPOINTS = ("https", "http", "grpc")
STORE_ENDPOINT = {"Database": "sql", "Cache": "redis", "Broker": "amqp"}
PROVIDERS = ("aws", "azure", "gcp", "openstack", "on-premise")
REGIONS = ("eu-west-1", "us-east-1", "sa-east-1")
OPERATING_SYSTEMS = (
    {"base": "Linux", "dist": "Ubuntu", "version": "22.04"},
    {"base": "Linux", "dist": "Debian", "version": "12"},
    {"base": "Linux", "dist": "RHEL", "version": "9"},
    {"base": "Windows", "dist": "Server", "version": "2022"},
)
SERVED_FAMILIES = ("Application", "Cache", "Database", "Broker")
PLATFORM_FAMILIES = ("Auth", "Logs", "Monitor", "DNS", "ServiceDiscovery", "SMTP")
STORE_FAMILIES = ("Cache", "Broker", "ObjectStorage", "Serverless", "NAS")
SYSTEM_SIZES = (6, 10, 15, 25, 40)


@dataclass
class _Enterprise:
    rnd: random.Random
    clients: list[dict] = field(default_factory=list)
    systems: list[dict] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    servers: list[dict] = field(default_factory=list)

    def add_app(self, system: dict, provider: str, family: str, name: str) -> dict:
        app = {
            "id": f"app-{len(self.applications)}",
            "name": name,
            "family": family,
            "size": self.rnd.choice(("micro", "small", "medium", "large", "xlarge", "2xlarge")),
            "environment": "staging" if self.rnd.random() < 0.2 else "production",
            "provider": provider,
            "language": self.rnd.choice(("java", "python", "go", "node", None)) if family == "Application" else None,
            "systems": [system["id"]],
            "deps": [],
        }
        self.applications.append(app)
        return app

    def link(self, source: dict, target: dict, endpoint: str | None = None) -> None:
        if source is target or any(d["id"] == target["id"] for d in source["deps"]):
            return
        source["deps"].append({"id": target["id"], "endpoint": endpoint or self.rnd.choice(ENDPOINTS)})

    def add_system(self, name: str, client: str | None) -> dict:
        system = {"id": f"sys-{name}", "name": name, "clients": [client] if client else [], "entries": []}
        self.systems.append(system)
        return system

    def add_servers(self, app: dict) -> None:
        for k in range(self.rnd.choice((0, 1, 1, 2, 2, 3, 4, 6, 9))):
            n = len(self.servers)
            self.servers.append(
                {
                    "id": f"srv-{n}",
                    "hostname": f"{app['name']}-{k:02d}",
                    "ipv4_private": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                    "cpu": self.rnd.choice((1, 2, 4, 8, 16, 32)),
                    "memory": self.rnd.choice((1, 2, 4, 8, 16, 32, 64, 128)),
                    "os": dict(self.rnd.choice(OPERATING_SYSTEMS)),
                    "environment": app["environment"],
                    "datacenter": {"provider": app["provider"], "region": self.rnd.choice(REGIONS)},
                    "role": app["family"].lower(),
                    "applications": [app["id"]],
                }
            )


def _business_system(ent: _Enterprise, number: int, platform: list[dict]) -> None:
    rnd = ent.rnd
    provider = rnd.choice(PROVIDERS)
    system = ent.add_system(f"system-{number}", rnd.choice(ent.clients)["id"])
    first_own = len(ent.applications)
    size = rnd.choice(SYSTEM_SIZES)
    front = ent.add_app(system, provider, rnd.choice(("CDN", "Loadbalance", "ApiGateway")), f"s{number}-edge")
    system["entries"].append(front["id"])
    webs = [ent.add_app(system, provider, "Application", f"s{number}-web-{i}") for i in range(rnd.randint(1, 3))]
    services = [ent.add_app(system, provider, "Application", f"s{number}-svc-{i}") for i in range(max(1, size // 3))]
    stores = [ent.add_app(system, provider, "Database", f"s{number}-db-{i}") for i in range(rnd.randint(1, 3))]
    stores += [
        ent.add_app(system, provider, rnd.choice(STORE_FAMILIES), f"s{number}-infra-{i}")
        for i in range(rnd.randint(0, 3))
    ]
    for web in webs:
        ent.link(front, web, "https")
        for service in rnd.sample(services, min(len(services), rnd.randint(1, 4))):
            ent.link(web, service)
    for i, service in enumerate(services):
        for later in services[i + 1 :]:
            if rnd.random() < 0.15:
                ent.link(service, later, "grpc")
        for store in rnd.sample(stores, min(len(stores), rnd.randint(1, 2))):
            ent.link(service, store, STORE_ENDPOINT.get(store["family"], "tcp"))
        for shared in platform:
            if rnd.random() < 0.08:
                ent.link(service, shared)
        if number > 1 and rnd.random() < 0.06:
            other = rnd.choice(ent.applications[:first_own])
            if other["family"] in ("Application", "ApiGateway", "Loadbalance"):
                ent.link(service, other)
        if i > 0 and rnd.random() < 0.01:
            ent.link(service, services[rnd.randrange(i)], "grpc")


def generate(n: int, seed: int = 1) -> dict:
    """An inventory document of about `n` applications (at least the platform's six).

    >>> inv = generate(200, seed=3)
    >>> 200 <= len(inv["applications"]) < 250 and inv == generate(200, seed=3)
    True
    """
    ent = _Enterprise(random.Random(seed))
    ent.clients = [{"id": f"client-{i}", "name": f"Client {i}"} for i in range(max(1, n // 400))]
    platform_system = ent.add_system("platform", None)
    platform = [ent.add_app(platform_system, "aws", f, f"platform-{f.lower()}") for f in PLATFORM_FAMILIES]
    platform_system["entries"].append(platform[0]["id"])
    number = 0
    while len(ent.applications) < n:
        number += 1
        _business_system(ent, number, platform)
    for app in ent.applications:
        if app["family"] in SERVED_FAMILIES:
            ent.add_servers(app)
    return {
        "clients": ent.clients,
        "systems": ent.systems,
        "applications": ent.applications,
        "servers": ent.servers,
    }


def to_dot(inventory: dict) -> str:
    """The dependency graph as Graphviz DOT (left to right), for side-by-side runs with `dot`."""
    lines = ["digraph G {", "  rankdir=LR;", "  node [shape=box];"]
    for app in inventory["applications"]:
        lines.append(f'  "{app["id"]}" [label="{app["name"]}"];')
    for app in inventory["applications"]:
        lines.extend(f'  "{app["id"]}" -> "{dep["id"]}";' for dep in app["deps"])
    lines.append("}")
    return "\n".join(lines) + "\n"
