"""Inventories from other tools: docker-compose, Kubernetes, Backstage, Jaeger and OTLP/JSON. Each
source on two real public projects (files written from their published deployment files, in
tests/sources/), the applications, dependencies, families and entries asserted and drawn; a round
trip of generated inventories through compose, Kubernetes and Backstage files; bad input; the
command line and the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.sources import as_backstage, as_compose, as_kubernetes
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro.cli import main
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.problems import InventoryError
from analytics_maestro.inventory.sources import load_source, read_source
from analytics_maestro.inventory.sources.families import guess
from tests.apiclient import make_world
from tests.conftest import check_golden, examples

HERE = Path(__file__).parent / "sources"


def graph_of(report) -> tuple[dict, set, dict]:
    """Families by id, (source, target, endpoint) triples, entries by system."""
    assert report.ok, report.errors
    inventory = report.inventory
    families = {a.id: a.family for a in inventory.applications}
    edges = {(a.id, d.id, d.endpoint) for a in inventory.applications for d in a.deps}
    return families, edges, {s.id: set(s.entries) for s in inventory.systems}


def test_compose_the_voting_app():
    report = load_source("compose", [str(HERE / "compose/voting-app")])
    families, edges, entries = graph_of(report)
    assert families == {"vote": "Application", "result": "Application", "worker": "Application",
                        "redis": "Cache", "db": "Database"}  # fmt: skip
    assert {(s, t) for s, t, _ in edges} == {("vote", "redis"), ("result", "db"), ("worker", "redis"), ("worker", "db")}
    # the two published front ends open the diagram; the worker, that nothing calls, starts it too
    assert entries == {"voting-app": {"vote", "result", "worker"}}
    assert any("seed" in str(w) and "profile" in str(w) for w in report.warnings)


def test_compose_the_opentelemetry_demo_with_its_env_file():
    families, edges, entries = graph_of(load_source("compose", [str(HERE / "compose/otel-demo/compose.yaml")]))
    assert ("product-catalog", "astronomy-db", "postgres") in edges  # a URL with the password interpolated
    assert ("cart", "valkey-cart", "redis") in edges  # `- VALKEY_ADDR`, from .env, over its well-known port
    assert ("checkout", "kafka", "kafka") in edges and ("checkout", "email", "http") in edges
    assert ("frontend", "otel-collector", "http") in edges
    assert families["valkey-cart"] == "Cache" and families["kafka"] == "Broker"
    assert families["otel-collector"] == "Monitor" and families["astronomy-db"] == "Database"
    assert families["frontend-proxy"] == "Loadbalance"
    assert "frontend-proxy" in entries["opentelemetry-demo"] and "frontend" not in entries["opentelemetry-demo"]
    assert "otel-collector" in {a for a, _, _ in edges} | {t for _, t, _ in edges}
    assert set(entries) == {"opentelemetry-demo", "observability"}  # the label moved the collector


def test_kubernetes_online_boutique():
    report = load_source("kubernetes", [str(HERE / "kubernetes/online-boutique")])
    families, edges, entries = graph_of(report)
    assert {("frontend", t, "grpc") for t in ("cartservice", "checkoutservice", "currencyservice",
                                              "productcatalogservice")} <= edges  # fmt: skip
    assert ("cartservice", "redis-cart", "redis") in edges  # the Service's port named tcp-redis
    assert ("loadgenerator", "frontend", "http") in edges
    assert not any(t == "shoppingassistantservice" for _, t, _ in edges)  # not in these manifests
    assert families["redis-cart"] == "Cache" and families["frontend"] == "Application"
    assert entries == {"default": {"frontend", "loadgenerator"}}  # behind the LoadBalancer; calls it
    assert any("1 ServiceAccount" in str(w) for w in report.warnings)


def test_kubernetes_the_voting_app_as_a_kubectl_list():
    families, edges, entries = graph_of(load_source("kubernetes", [str(HERE / "kubernetes/voting-app/all.yaml")]))
    assert families == {"vote": "Application", "result": "Application", "worker": "Application",
                        "redis": "Cache", "db": "Database"}  # fmt: skip
    assert edges == set()  # its services find each other by names written in their code, not here
    assert {"vote", "result"} <= entries["vote"]  # the NodePort services
    # of the Secret only names were read: its value appears nowhere
    assert "cG9zdGdyZXM" not in json.dumps(
        load_source("kubernetes", [str(HERE / "kubernetes/voting-app")]).inventory.model_dump()
    )


def test_backstage_the_example_catalog_through_its_location():
    report = load_source("backstage", [str(HERE / "backstage/artist-portal/catalog-info.yaml")])
    families, edges, entries = graph_of(report)
    assert {(s, t) for s, t, _ in edges} == {
        ("artist-lookup", "artists-db"), ("www-artist", "artist-lookup"), ("wayback-search", "wayback-archive"),
        ("wayback-archive", "wayback-archive-storage"),
    }  # fmt: skip
    assert families["artists-db"] == "Database"
    assert entries["artist-engagement-portal"] == {"www-artist"}
    names = {s.id: s.name for s in report.inventory.systems}
    assert names["artist-engagement-portal"] == "Artist Engagement Portal"


def test_backstage_online_boutique_by_its_apis():
    families, edges, entries = graph_of(load_source("backstage", [str(HERE / "backstage/online-boutique")]))
    assert ("frontend", "checkoutservice", "api") in edges and ("checkoutservice", "paymentservice", "api") in edges
    assert ("cartservice", "redis-cart", None) in edges and families["redis-cart"] == "Cache"
    assert entries == {"online-boutique": {"frontend"}}


def test_jaeger_dependencies_keep_their_call_counts():
    report = load_source("jaeger", [str(HERE / "jaeger/hotrod.json")])
    families, edges, entries = graph_of(report)
    calls = {(a.id, d.id): d.calls for a in report.inventory.applications for d in a.deps}
    assert calls == {("frontend", "customer"): 12, ("frontend", "driver"): 12, ("frontend", "route"): 120,
                     ("customer", "mysql"): 12, ("driver", "redis-manual"): 164}  # fmt: skip
    assert families["mysql"] == "Database" and families["redis-manual"] == "Cache"
    assert entries == {"traces": {"frontend"}}
    families, edges, entries = graph_of(load_source("jaeger", [str(HERE / "jaeger/otel-demo.json")]))
    assert families["kafka"] == "Broker" and ("fraud-detection", "kafka", None) in edges
    assert "load-generator" in entries["traces"] and "frontend" not in entries["traces"]


def test_otlp_spans_make_services_databases_and_brokers():
    families, edges, entries = graph_of(load_source("otlp", [str(HERE / "otlp/hotrod.json")]))
    assert edges == {("frontend", "customer", "http"), ("frontend", "driver", "grpc"), ("frontend", "route", "http"),
                     ("customer", "mysql", "mysql"), ("driver", "redis", "redis")}  # fmt: skip
    assert families["mysql"] == "Database" and families["redis"] == "Cache" and entries == {"traces": {"frontend"}}
    report = load_source("otlp", [str(HERE / "otlp/otel-demo.jsonl")])
    families, edges, _ = graph_of(report)
    assert ("checkout", "kafka", "kafka") in edges and ("accounting", "kafka", "kafka") in edges
    assert ("product-catalog", "astronomy-db", "postgresql") in edges and families["astronomy-db"] == "Database"
    calls = {(a.id, d.id): d.calls for a in report.inventory.applications for d in a.deps}
    assert calls[("checkout", "kafka")] == 1  # one message, two consumers


@pytest.mark.parametrize(
    ("kind", "path"),
    [("compose", "compose/voting-app"), ("compose", "compose/otel-demo"), ("kubernetes", "kubernetes/online-boutique"),
     ("kubernetes", "kubernetes/voting-app"), ("backstage", "backstage/artist-portal"),
     ("backstage", "backstage/online-boutique"), ("jaeger", "jaeger/hotrod.json"), ("otlp", "otlp/otel-demo.jsonl")],
)  # fmt: skip
def test_each_source_draws_and_imports_from_the_command_line(kind, path, tmp_path):
    out = tmp_path / "d.svg"
    result = CliRunner().invoke(main, ["draw", "--from", kind, str(HERE / path), "--all", "-o", str(out),
                                       "--style", "flat", "--layout-json", str(tmp_path / "l.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    drawn = {n["id"] for n in json.loads((tmp_path / "l.json").read_text())["nodes"]}
    assert drawn == set(graph_of(load_source(kind, [str(HERE / path)]))[0])  # every application is drawn
    database = f"sqlite:///{tmp_path / 'store.db'}"
    result = CliRunner().invoke(
        main, ["import", "--from", kind, str(HERE / path)], env={"MAESTRO_DATABASE_URL": database}
    )
    assert result.exit_code == 0, result.output
    assert "imported" in result.output


@pytest.mark.parametrize(
    ("kind", "path"),
    [("compose", "compose/otel-demo"), ("kubernetes", "kubernetes/online-boutique"),
     ("backstage", "backstage/artist-portal"), ("jaeger", "jaeger/otel-demo.json"), ("otlp", "otlp/hotrod.json")],
)  # fmt: skip
def test_golden_diagrams_of_each_source(kind, path, request, tmp_path):
    """The flat SVG and the layout of one project per source, byte for byte (pytest --update-golden
    after an intended change, then review the diff)."""
    out, layout = tmp_path / "d.svg", tmp_path / "l.json"
    result = CliRunner().invoke(main, ["draw", "--from", kind, str(HERE / path), "--all", "--style", "flat", "-o",
                                       str(out), "--layout-json", str(layout)])  # fmt: skip
    assert result.exit_code == 0, result.output
    stem = f"sources/{kind}-{Path(path).name.split('.')[0]}"
    check_golden(request, f"{stem}-flat.svg", out.read_bytes())
    check_golden(request, f"{stem}.layout.json", layout.read_bytes())


def test_standard_input_and_several_files(tmp_path):
    text = (HERE / "jaeger/hotrod.json").read_bytes()
    result = CliRunner().invoke(main, ["draw", "--from", "jaeger", "-", "--all", "-o", str(tmp_path / "d.svg")],
                                input=text)  # fmt: skip
    assert result.exit_code == 0, result.output and "frontend" in (tmp_path / "d.svg").read_text()
    # a later compose file merges into the earlier one, as `docker compose -f a -f b` does
    base, extra = tmp_path / "compose.yaml", tmp_path / "compose.override.yaml"
    base.write_text("services:\n  web: {image: nginx, ports: ['80:80']}\n  db: {image: postgres}\n")
    extra.write_text("services:\n  web: {environment: {DATABASE_URL: 'postgresql://db/app'}}\n"
                     "  api: {extends: {service: web}, ports: []}\n")  # fmt: skip
    _, edges, _ = graph_of(load_source("compose", [str(base), str(extra)]))
    assert edges == {("web", "db", "postgres"), ("api", "db", "postgres")}
    _, folder_edges, _ = graph_of(load_source("compose", [str(tmp_path)]))
    assert folder_edges == edges


def test_bad_input_names_the_file_and_writes_nothing(tmp_path):
    bad = tmp_path / "compose.yaml"
    bad.write_text("services:\n  web: [unclosed\n")
    result = CliRunner().invoke(main, ["import", "--from", "compose", str(bad)])
    assert result.exit_code == 2 and "compose.yaml" in result.output and "line" in result.output
    assert "Traceback" not in result.output
    other = tmp_path / "notes.yaml"
    other.write_text("title: not a compose file\n")
    with pytest.raises(InventoryError) as caught:
        load_source("compose", [str(other)])
    assert "no `services`" in str(caught.value.problems[0]) and "nothing to draw" in str(caught.value.problems[-1])
    result = CliRunner().invoke(main, ["draw", "--from", "kubernetes", str(tmp_path / "missing.yaml"), "--all", "-o",
                                       str(tmp_path / "d.svg")])  # fmt: skip
    assert result.exit_code == 2 and "missing.yaml" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InventoryError, match="no otlp files in this folder"):
        load_source("otlp", [str(empty)])
    # unknown kinds are counted once; a deep document is refused before it is built
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text("kind: Deployment\nmetadata: {name: a}\n---\nkind: Widget\n---\nkind: Widget\n")
    report = load_source("kubernetes", [str(mixed)])
    assert [str(w) for w in report.warnings] == ["skipped what does not make applications or their links: 2 Widget"]
    deep = tmp_path / "deep.yaml"
    deep.write_text("kind: Deployment\nspec: " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(InventoryError, match="deeper"):
        load_source("kubernetes", [str(deep)])


def test_families_are_guessed_from_images_and_names():
    assert guess("mariadb:11") == "Database" and guess("bitnami/memcached") == "Cache"
    assert guess("nats:2") == "Broker" and guess("traefik:v3") == "Loadbalance" and guess("kong") == "ApiGateway"
    assert guess("quay.io/keycloak/keycloak:25") == "Auth" and guess("hashicorp/consul") == "ServiceDiscovery"
    assert guess("minio/minio") == "ObjectStorage" and guess("grafana/loki:3") == "Logs"
    assert guess("localhost:5000/team/billing:1.0") is None  # a registry's port is not a well-known word


# --- a round trip: generated inventories written as another tool's files and read back --------


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(10, 80), st.integers(1, 10_000))
def test_generated_inventories_survive_compose_kubernetes_and_backstage(n, seed):
    doc = generate(n, seed)
    want_edges = {(a["id"], d["id"]) for a in doc["applications"] for d in a["deps"]}
    want_endpoints = {(a["id"], d["id"], d.get("endpoint")) for a in doc["applications"] for d in a["deps"]}
    want = {a["id"]: (a["family"], a["systems"][0]) for a in doc["applications"]}
    for kind, text, keeps_endpoints in (("compose", as_compose(doc), True), ("kubernetes", as_kubernetes(doc), True),
                                        ("backstage", as_backstage(doc), False)):  # fmt: skip
        report = read_source(kind, [(f"generated.{kind}.yaml", text.encode())])
        assert report.ok, (kind, report.errors[:3])
        got = {a.id: (a.family, a.systems[0]) for a in report.inventory.applications}
        assert got == want, kind
        edges = {(a.id, d.id, d.endpoint) for a in report.inventory.applications for d in a.deps}
        assert {(s, t) for s, t, _ in edges} == want_edges, kind
        if keeps_endpoints:
            assert edges == want_endpoints, kind


# --- the API ----------------------------------------------------------------------------------


def test_the_api_imports_another_tools_file_and_never_follows_its_references(engine, tmp_path):
    world = make_world(engine, tmp_path)
    try:
        alice = world.client("alice")
        body = (HERE / "kubernetes/online-boutique/services.yaml").read_bytes()
        done = alice.post("/inventory?from=kubernetes", data=body, content_type="application/yaml")
        assert done.status_code == 200, done.get_json()
        counts = done.get_json()
        assert counts["created"]["applications"] + counts["updated"]["applications"] == 6
        record = alice.get("/applications/cartservice").get_json()
        assert record["deps"] == [{"id": "redis-cart", "endpoint": "redis", "calls": None}]
        traces = alice.post("/inventory?from=jaeger", data=(HERE / "jaeger/hotrod.json").read_bytes(),
                            content_type="application/json")  # fmt: skip
        assert traces.status_code == 200
        assert alice.get("/applications/frontend").get_json()["deps"][2] == {
            "id": "route",
            "endpoint": None,
            "calls": 120,
        }
        # a Location in an upload is not followed: the server never reads its own disk for it
        secret = tmp_path / "secret.yaml"
        secret.write_text("kind: Component\nmetadata: {name: leaked}\n")
        location = f"kind: Location\nspec: {{target: {secret}}}\n---\nkind: Component\nmetadata: {{name: ok}}\n"
        refused = alice.post("/inventory?from=backstage", data=location.encode(), content_type="application/yaml")
        assert refused.status_code == 400 and "not read" in refused.get_json()["error"]["message"]
        assert alice.get("/applications/leaked").status_code == 404
        bad = alice.post("/inventory?from=compose", data=b"services: [", content_type="application/yaml")
        assert bad.status_code == 400 and "invalid YAML" in bad.get_json()["error"]["message"]
        assert alice.post("/inventory?from=helm", data=b"{}", content_type="application/json").status_code == 400
    finally:
        world.runner.shutdown()


# --- kept in sync ------------------------------------------------------------------------------


def test_importing_a_source_again_reports_what_changed_and_prunes_only_its_own(tmp_path):
    env = {"MAESTRO_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    runner = CliRunner()
    hand = tmp_path / "hand.json"
    hand.write_text(json.dumps({"applications": [{"id": "ledger"}, {"id": "worker", "name": "by hand"}]}))
    project = tmp_path / "vote"
    project.mkdir()
    compose = (HERE / "compose/voting-app/docker-compose.yml").read_text()
    (project / "docker-compose.yml").write_text(compose)
    other = tmp_path / "other.yaml"
    other.write_text("services:\n  cache: {image: redis}\n")

    def run(*args: str):
        result = runner.invoke(main, ["import", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    run(str(hand))
    first = run("--from", "compose", str(project), "--source", "vote")
    assert "+ vote -> redis" in first and "applications: 4 new, 1 updated" in first  # worker was written by hand
    run("--from", "compose", str(other), "--source", "cache")
    # the worker goes, a queue comes; imported again, the report says so, and nothing is removed yet
    (project / "docker-compose.yml").write_text(compose.replace("  worker:", "  queue-worker:"))
    second = run("--from", "compose", str(project), "--source", "vote")
    assert "+ queue-worker" in second and "- worker" in second and "- worker -> db" in second
    assert "no longer in vote were kept; --prune removes them" in second
    again = run("--from", "compose", str(project), "--source", "vote")  # the kept worker is still reported
    assert "+ queue-worker" not in again and "- worker\n" in again
    assert "since the last import of cache: no changes" in run("--from", "compose", str(other), "--source", "cache")
    pruned = run("--from", "compose", str(project), "--source", "vote", "--prune")
    assert "1 removed" in pruned
    from analytics_maestro.inventory.store import open_store

    engine = open_store(env["MAESTRO_DATABASE_URL"])
    with engine.connect() as connection:
        import sqlalchemy as sa

        from analytics_maestro.inventory import schema

        apps = dict(connection.execute(sa.select(schema.applications.c.ext_id, schema.applications.c.source)).all())
    # the import had taken the hand-written worker over, so it went with it; the rest stays
    assert apps == {"ledger": None, "vote": "vote", "result": "vote", "queue-worker": "vote", "redis": "vote",
                    "db": "vote", "cache": "cache"}  # fmt: skip
    refused = runner.invoke(main, ["import", str(hand), "--prune"], env=env)
    assert refused.exit_code == 2 and "go with --from" in refused.output


def test_the_api_reports_and_lists_the_imports_of_a_source(engine, tmp_path):
    world = make_world(engine, tmp_path)
    try:
        carol = world.client("bob")
        first = carol.post("/inventory?from=jaeger&source=hotrod", data=(HERE / "jaeger/hotrod.json").read_bytes(),
                           content_type="application/json").get_json()  # fmt: skip
        assert first["source"] == "hotrod" and first["changes"]["counts"]["added"] == 6
        fewer = json.loads((HERE / "jaeger/hotrod.json").read_text())[:-1]  # the driver stops calling redis
        second = carol.post("/inventory?from=jaeger&source=hotrod&prune=true", data=json.dumps(fewer),
                            content_type="application/json").get_json()  # fmt: skip
        assert second["changes"]["removed"] == ["redis-manual"] and second["removed"]["applications"] == 1
        assert second["changes"]["removed_dependencies"][0]["target"] == "redis-manual"
        listed = carol.get("/inventory/imports").get_json()["items"]
        assert [i["source"] for i in listed] == ["hotrod", "hotrod"] and listed[0]["report"]["pruned"] is True
        assert world.client("alice").get("/inventory/imports").get_json()["items"] == []  # alice's own: none
    finally:
        world.runner.shutdown()


def test_kubernetes_configmaps_namespaces_ingresses_and_labels(tmp_path):
    manifests = tmp_path / "cluster.yaml"
    manifests.write_text("""
# Source: shop/templates/api.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config, namespace: shop}
data: {ORDERS_URL: "http://orders.billing.svc.cluster.local:8080/v1", LOG_LEVEL: info}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: db-config, namespace: shop}
data: {host: "pg.shop"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}, annotations: {maestro.family: ApiGateway}}
    spec:
      containers:
        - name: api
          image: acme/api:1
          envFrom: [{configMapRef: {name: api-config}}]
          env: [{name: DB_HOST, valueFrom: {configMapKeyRef: {name: db-config, key: host}}}]
          args: ["--cache=redis://cache:6379"]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 80, name: http}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: shop}
spec: {template: {metadata: {labels: {app: pg}}, spec: {containers: [{name: pg, image: "postgres:16"}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: pg, namespace: shop}
spec: {selector: {app: pg}, ports: [{port: 5432}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop, labels: {maestro.entry: "false"}}
spec: {template: {metadata: {labels: {app: cache}}, spec: {containers: [{name: c, image: "valkey/valkey:8"}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: invoices, namespace: billing}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: invoices}}
        spec: {containers: [{name: run, image: acme/invoices:1, env: [{name: ORDERS_ADDR, value: "orders:8080"}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: billing}
spec: {template: {metadata: {labels: {app: orders}}, spec: {containers: [{name: o, image: acme/orders:1}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: orders, namespace: billing}
spec: {selector: {app: orders}, ports: [{port: 8080, appProtocol: grpc}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec: {rules: [{http: {paths: [{path: /, backend: {service: {name: api, port: {number: 80}}}}]}}]}
---
apiVersion: v1
kind: Service
metadata: {name: payments-psp, namespace: billing}
spec: {type: ExternalName, externalName: api.stripe.com}
""")
    report = load_source("kubernetes", [str(manifests)])
    families, edges, entries = graph_of(report)
    assert ("api", "orders", "http") in edges  # a ConfigMap loaded whole, a name in another namespace
    assert ("api", "pg", None) in edges  # a ConfigMap key, a bare host in a *_HOST variable
    assert ("api", "cache", "redis") in edges  # an argument
    assert ("invoices", "orders", "grpc") in edges  # the Service's appProtocol
    assert families["api"] == "ApiGateway" and families["pg"] == "Database" and families["cache"] == "Cache"
    assert families["payments-psp"] == "Application"  # a Service of its own: nothing behind it here
    assert entries["shop"] == {"api"} and "cache" not in entries["shop"]  # the Ingress's; the label's no
    assert entries["billing"] == {"invoices", "payments-psp"}  # nothing calls them
    assert not any(t == "info" for _, t, _ in edges)


def test_an_owner_or_a_team_label_is_the_applications_team(tmp_path):
    report = load_source("backstage", [str(HERE / "backstage/artist-portal")])
    assert {a.id: a.team for a in report.inventory.applications}["artist-lookup"] == "team-a"
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web: {image: nginx, labels: {maestro.team: storefront}}\n")
    out = tmp_path / "d.svg"
    result = CliRunner().invoke(main, ["draw", "--from", "compose", str(compose), "--all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert '<tspan class="team">storefront</tspan>' in out.read_text()  # in the tooltip
    database = f"sqlite:///{tmp_path / 'store.db'}"
    assert CliRunner().invoke(main, ["import", "--from", "compose", str(compose)],
                              env={"MAESTRO_DATABASE_URL": database}).exit_code == 0  # fmt: skip
    from analytics_maestro.domain import GraphRequest
    from analytics_maestro.inventory.entry import lookup
    from analytics_maestro.inventory.sql import SqlInventory
    from analytics_maestro.inventory.store import open_store

    with open_store(database).connect() as connection:  # and read back by the store's lookup
        _, found = lookup(SqlInventory(connection), GraphRequest(owner="local", apps=("web",)), 5)
    assert [n.team for n in found.nodes] == ["storefront"]
