"""Families guessed from what a source says about a workload: its image, its name, its kind, the
systems a trace names. The first rule whose word appears wins; a label or annotation
`maestro.family` (any source that has labels) overrides every guess.

    guess(*hints) -> family | None
"""

from __future__ import annotations

import re

from analytics_maestro.domain import FAMILIES

# (family, words): a word matches a whole token of a hint (split on anything but letters and digits)
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Database",
        (
            "postgres",
            "postgresql",
            "postgis",
            "mysql",
            "mariadb",
            "mongo",
            "mongodb",
            "cassandra",
            "scylla",
            "cockroach",
            "cockroachdb",
            "couchdb",
            "couchbase",
            "neo4j",
            "mssql",
            "sqlserver",
            "oracle",
            "clickhouse",
            "influxdb",
            "timescaledb",
            "dynamodb",
            "db",
            "database",
            "sqlite",
            "arangodb",
            "rethinkdb",
            "tidb",
            "vitess",
            "yugabyte",
            "firestore",
            "spanner",
        ),
    ),
    ("Cache", ("redis", "memcached", "valkey", "keydb", "dragonfly", "hazelcast", "varnish", "cache")),
    (
        "Broker",
        (
            "rabbitmq",
            "kafka",
            "nats",
            "activemq",
            "artemis",
            "pulsar",
            "redpanda",
            "mosquitto",
            "emqx",
            "nsq",
            "sqs",
            "sns",
            "pubsub",
            "queue",
            "broker",
            "amqp",
            "mqtt",
            "eventhub",
            "kinesis",
        ),
    ),
    ("ObjectStorage", ("minio", "s3", "bucket", "gcs", "ceph", "seaweedfs", "azurite")),
    (
        "Monitor",
        (
            "prometheus",
            "grafana",
            "jaeger",
            "zipkin",
            "tempo",
            "otel",
            "opentelemetry",
            "collector",
            "alertmanager",
            "datadog",
            "newrelic",
            "statsd",
            "telegraf",
            "cadvisor",
            "exporter",
            "monitor",
            "monitoring",
            "metrics",
            "tracing",
        ),
    ),
    (
        "Logs",
        (
            "elasticsearch",
            "opensearch",
            "loki",
            "fluentd",
            "fluentbit",
            "fluent",
            "logstash",
            "kibana",
            "graylog",
            "splunk",
            "vector",
            "promtail",
            "logs",
            "logging",
        ),
    ),
    (
        "Auth",
        (
            "keycloak",
            "dex",
            "hydra",
            "oauth",
            "oauth2",
            "oidc",
            "auth",
            "authentication",
            "identity",
            "sso",
            "ldap",
            "openldap",
            "vault",
            "authelia",
            "authentik",
            "cognito",
            "okta",
        ),
    ),
    ("ServiceDiscovery", ("consul", "eureka", "etcd", "discovery", "nacos", "zookeeper")),
    ("ApiGateway", ("kong", "tyk", "apigateway", "gateway", "apisix", "krakend", "zuul", "ambassador", "emissary")),
    (
        "Loadbalance",
        (
            "nginx",
            "haproxy",
            "traefik",
            "envoy",
            "caddy",
            "lb",
            "loadbalancer",
            "balancer",
            "proxy",
            "ingress",
            "httpd",
            "apache",
        ),
    ),
    ("CDN", ("cdn", "cloudfront", "fastly", "akamai", "cloudflare")),
    ("SMTP", ("smtp", "mail", "mailhog", "mailpit", "postfix", "mailcatcher", "sendgrid", "ses")),
    ("DNS", ("dns", "coredns", "bind", "route53", "powerdns", "dnsmasq")),
    ("ServiceMesh", ("istio", "linkerd", "istiod", "mesh")),
    ("CI/CD", ("jenkins", "gitlab", "drone", "argocd", "argo", "tekton", "concourse", "teamcity", "buildkite")),
    ("Repository", ("nexus", "artifactory", "harbor", "gitea", "gogs", "verdaccio")),
    ("MachineLearning", ("tensorflow", "pytorch", "mlflow", "kubeflow", "triton", "ollama", "jupyter")),
    ("VPN", ("vpn", "openvpn", "wireguard", "tailscale")),
    ("NAS", ("nfs", "nas", "samba")),
    ("Serverless", ("lambda", "knative", "openfaas")),
)
_WORD = re.compile(r"[a-z0-9]+")
_FAMILY = {name.lower(): name for name in FAMILIES}


def guess(*hints: str | None) -> str | None:
    """The family the first hint (an image, then a name, …) that any rule recognises points to;
    None when none does. An image is read without its registry and tag, its own name first.

    >>> guess("docker.io/library/postgres:16-alpine"), guess("bitnami/redis", "cart-cache")
    ('Database', 'Cache')
    >>> guess("ghcr.io/acme/checkout:1.2", "checkout"), guess(None, "otel-collector")
    (None, 'Monitor')
    """
    for hint in hints:
        if not hint:
            continue
        name = _image_name(hint).lower()
        # an image's own name (`loki` of `grafana/loki`) before its organisation's
        for words in (set(_WORD.findall(name.rsplit("/", 1)[-1])), set(_WORD.findall(name))):
            for family, known in RULES:
                if words & set(known):
                    return family
    return None


def _image_name(hint: str) -> str:
    """An image reference without its registry host and tag (`ghcr.io/a/b:1` -> `a/b`)."""
    head, _, rest = hint.partition("/")
    if rest and ("." in head or ":" in head or head == "localhost"):
        hint = rest
    return hint.split("@", 1)[0].rsplit(":", 1)[0] if ":" in hint.split("/")[-1] or "@" in hint else hint


def family_of(value: str | None) -> str | None:
    """A family named by a label (`maestro.family`), in any case; None when it names none."""
    return _FAMILY.get(value.strip().lower()) if value else None
