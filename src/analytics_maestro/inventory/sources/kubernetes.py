"""Kubernetes manifests (multi-document YAML, folders of them, `kubectl get -o yaml` lists, Helm's
rendered output) as an inventory.

Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and bare Pods are
applications, one system per namespace. A Service stands for the workloads its selector picks (in
its namespace); one that picks none (an ExternalName, a managed database) is an application of
its own. Dependencies come from the containers' environment (values, ConfigMap keys they read,
ConfigMaps they load whole) and arguments that name a Service — `svc`, `svc.ns`,
`svc.ns.svc.cluster.local`, in a URL, as `host:port`, or bare in a `*_HOST`-like variable. Of
Secrets only the names are read, never a value. Workloads behind an Ingress, a LoadBalancer or a
NodePort Service are entries. Labels or annotations `maestro.family`, `maestro.system` and
`maestro.entry` say otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics_maestro.inventory.problems import Problem
from analytics_maestro.inventory.sources.common import Loaded, Reading, dedupe, finished, labelled, references, skipped
from analytics_maestro.inventory.sources.families import guess

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "DeploymentConfig")
KNOWN = (*WORKLOADS, "Service", "Ingress", "ConfigMap", "Secret", "List")
CLUSTER = ".svc.cluster.local"


def read(files: Sequence[Loaded]) -> Reading:
    problems: list[Problem] = []
    objects: list[tuple[str, dict]] = []
    unknown: dict[str, int] = {}
    for loaded in files:
        todo = [(f"{loaded.name}: document {i + 1}", doc) for i, doc in enumerate(loaded.documents)]
        while todo:
            where, doc = todo.pop(0)
            if doc is None:
                continue
            if not isinstance(doc, Mapping) or not isinstance(doc.get("kind"), str):
                problems.append(Problem(where, "not a Kubernetes object: no `kind`"))
                continue
            if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
                todo[:0] = [(f"{where}.items[{k}]", item) for k, item in enumerate(doc["items"])]
            elif doc["kind"] in KNOWN:
                objects.append((where, doc))
            else:
                unknown[doc["kind"]] = unknown.get(doc["kind"], 0) + 1
    problems += skipped(unknown, "what does not make applications or their links")
    return Reading(_inventory(objects, problems), problems)


def _meta(obj: Mapping) -> tuple[str, str, dict]:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    labels = {**_strings(meta.get("annotations")), **_strings(meta.get("labels"))}
    return str(meta.get("name") or ""), str(meta.get("namespace") or "default"), labels


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _template(obj: Mapping) -> Mapping:
    """The pod template of a workload (a Pod is its own)."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
    if obj["kind"] == "Pod":
        return obj
    if obj["kind"] == "CronJob":
        spec = (
            ((spec.get("jobTemplate") or {}).get("spec") or {}) if isinstance(spec.get("jobTemplate"), Mapping) else {}
        )
    template = spec.get("template")
    return template if isinstance(template, Mapping) else {}


def _containers(pod: Mapping) -> list[Mapping]:
    spec = pod.get("spec") if isinstance(pod.get("spec"), Mapping) else {}
    found = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    return [c for c in found if isinstance(c, Mapping)]


def _inventory(objects: list[tuple[str, dict]], problems: list[Problem]) -> dict:
    by_kind: dict[str, list[tuple[str, dict]]] = {}
    for where, obj in objects:
        by_kind.setdefault(obj["kind"], []).append((where, obj))
    workloads = []  # (name, namespace, labels, pod labels, pod)
    for kind in WORKLOADS:
        for _, obj in by_kind.get(kind, []):
            name, namespace, labels = _meta(obj)
            pod = _template(obj)
            if not name:
                continue
            pod_meta = pod.get("metadata") if isinstance(pod.get("metadata"), Mapping) else {}
            pod_labels = _strings(pod_meta.get("labels"))
            said = {**_strings(pod_meta.get("annotations")), **pod_labels, **labels}  # the workload's own win
            workloads.append((name, namespace, said, pod_labels, pod, kind))
    counts: dict[str, int] = {}
    for name, *_ in workloads:
        counts[name] = counts.get(name, 0) + 1
    ident = {(w[1], w[0]): (w[0] if counts[w[0]] == 1 else f"{w[0]}.{w[1]}") for w in workloads}
    labelled_pods: dict[tuple[str, str, str], set[str]] = {}  # (namespace, label, value) -> workload ids
    for name, namespace, _, pod_labels, *_ in workloads:
        for key, value in pod_labels.items():
            labelled_pods.setdefault((namespace, key, value), set()).add(ident[(namespace, name)])
    # services: the workloads each stands for, and the names it answers to
    hosts: dict[str, dict[str, list[str]]] = {}  # namespace -> host -> workload ids (own namespace first)
    entries: set[str] = set()
    services: dict[tuple[str, str], list[str]] = {}
    protocols: dict[tuple[str, int], str] = {}  # (workload, port) -> what its Service calls the port
    extra = []  # services that stand for no workload: applications of their own
    for _, obj in by_kind.get("Service", []):
        name, namespace, labels = _meta(obj)
        spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
        selector = _strings(spec.get("selector"))
        picked = [labelled_pods.get((namespace, k, v), set()) for k, v in selector.items()]
        chosen = sorted(set.intersection(*picked)) if picked else []
        if not chosen and name:
            own = name if name not in counts else f"{name}.{namespace}"
            extra.append((own, name, namespace, labels, spec))
            chosen = [own]
        services[(namespace, name)] = chosen
        for port in spec.get("ports") or []:
            if isinstance(port, Mapping) and isinstance(port.get("port"), int):
                protocol = _protocol(port.get("appProtocol") or port.get("name"))
                for target in chosen:
                    if protocol:
                        protocols.setdefault((target, port["port"]), protocol)
        if spec.get("type") in ("LoadBalancer", "NodePort"):
            entries.update(chosen)
    for (namespace, name), chosen in services.items():
        for host in (f"{name}.{namespace}", f"{name}.{namespace}.svc", f"{name}.{namespace}{CLUSTER}"):
            hosts.setdefault("*", {})[host] = chosen
        hosts.setdefault(namespace, {})[name] = chosen
    for _, obj in by_kind.get("Ingress", []):
        _, namespace, _ = _meta(obj)
        for backend in _backends(obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}):
            entries.update(services.get((namespace, backend), ()))
    configmaps = {(_meta(o)[1], _meta(o)[0]): _strings(o.get("data")) for _, o in by_kind.get("ConfigMap", [])}

    def resolver(namespace: str):
        def resolve(host: str) -> str | None:
            found = hosts.get(namespace, {}).get(host) or hosts.get("*", {}).get(host)
            return found[0] if found else None

        return resolve

    def named(target: str, port: int) -> str | None:
        return protocols.get((target, port))

    apps = []
    for name, namespace, labels, _, pod, _kind in workloads:
        own = ident[(namespace, name)]
        resolve = resolver(namespace)
        found: list[tuple[str, str | None]] = []
        spec = pod.get("spec") if isinstance(pod.get("spec"), Mapping) else {}
        main = next((c["image"] for c in spec.get("containers") or [] if isinstance(c, Mapping)
                     and isinstance(c.get("image"), str)), None)  # fmt: skip
        for container in _containers(pod):
            for pair in container.get("env") or []:
                if not isinstance(pair, Mapping):
                    continue
                key = str(pair.get("name", ""))
                source = pair.get("valueFrom") if isinstance(pair.get("valueFrom"), Mapping) else {}
                ref = source.get("configMapKeyRef") if isinstance(source.get("configMapKeyRef"), Mapping) else None
                if ref is not None:
                    value = configmaps.get((namespace, str(ref.get("name"))), {}).get(str(ref.get("key")))
                else:
                    value = pair.get("value")
                found += references(key, value, resolve, named)
            for loaded in container.get("envFrom") or []:
                ref = loaded.get("configMapRef") if isinstance(loaded, Mapping) else None
                if isinstance(ref, Mapping):
                    for key, value in configmaps.get((namespace, str(ref.get("name"))), {}).items():
                        found += references(key, value, resolve, named)
            for arg in [*(container.get("args") or []), *(container.get("command") or [])]:
                found += references("ARG", str(arg).split("=", 1)[-1], resolve, named)
        hints = (main, labels.get("app.kubernetes.io/name"),
                 labels.get("app.kubernetes.io/component"), name)  # fmt: skip
        apps.append(labelled({
            "id": own, "name": name, "family": guess(*hints) or "Application", "systems": [namespace],
            "deps": dedupe(found, own),
        }, labels))  # fmt: skip
    for own, name, namespace, labels, spec in extra:
        external = spec.get("externalName") if isinstance(spec.get("externalName"), str) else None
        apps.append(labelled({"id": own, "name": name, "family": guess(external, name) or "Application",
                              "systems": [namespace], "deps": []}, labels))  # fmt: skip
    return finished(apps, entries)


PROTOCOLS = ("grpc-web", "grpc", "https", "http2", "http", "redis", "mongo", "mysql", "postgres", "kafka", "amqp")


def _protocol(name: object) -> str | None:
    """What a Service port's name or appProtocol says it speaks (`grpc`, `http-metrics`, `tcp-redis`).

    >>> _protocol("grpc"), _protocol("http-metrics"), _protocol("tcp-redis"), _protocol("tcp")
    ('grpc', 'http', 'redis', None)
    >>> _protocol("kubernetes.io/h2c")
    'http2'
    """
    if not isinstance(name, str):
        return None
    lower = name.lower().replace("kubernetes.io/h2c", "http2")
    return next((p for p in PROTOCOLS if lower == p or lower.startswith(p + "-") or lower.endswith("-" + p)), None)


def _backends(spec: Mapping) -> list[str]:
    """The Service names an Ingress sends to (networking.k8s.io/v1 and the older v1beta1)."""
    out = []
    backends = [spec.get("defaultBackend"), spec.get("backend")]
    for rule in spec.get("rules") or []:
        if isinstance(rule, Mapping) and isinstance(rule.get("http"), Mapping):
            backends += [p.get("backend") for p in rule["http"].get("paths") or [] if isinstance(p, Mapping)]
    for backend in backends:
        if isinstance(backend, Mapping):
            service = backend.get("service")
            name = service.get("name") if isinstance(service, Mapping) else backend.get("serviceName")
            if isinstance(name, str):
                out.append(name)
    return out
