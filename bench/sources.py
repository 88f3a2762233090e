"""Sources benchmark: the import of another tool's files, time and peak memory. A generated
inventory of about 5,000 applications written as one Kubernetes list (`kubectl get -o yaml`), and
a generated OTLP/JSON file of 100,000 spans (traces of client and server spans over the same
services, one request per line as a collector's file exporter writes them), each read by
`load_source` in a process of its own.

    python bench/sources.py [--workloads 5000] [--spans 100000]

The writers are also the round trip of tests/test_sources.py: generated inventories written as
compose, Kubernetes and Backstage files and read back.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from analytics_maestro.inventory.generate import generate


def as_compose(doc: dict) -> str:
    """An inventory as a compose file: an endpoint as a URL's scheme, no endpoint as depends_on."""
    services = {}
    for app in doc["applications"]:
        env = {f"DEP_{i}_URL": f"{d['endpoint']}://{d['id']}:1" for i, d in enumerate(app["deps"]) if d.get("endpoint")}
        services[app["id"]] = {
            "image": f"registry.example/{app['id']}:1", "environment": env,
            "depends_on": [d["id"] for d in app["deps"] if not d.get("endpoint")],
            "labels": {"maestro.family": app["family"], "maestro.system": app["systems"][0]},
        }  # fmt: skip
    return yaml.safe_dump({"services": services})


def kubernetes_objects(doc: dict) -> list[dict]:
    """An inventory as Deployments and Services, one namespace per system, dependencies as
    addresses in the environment (`scheme://svc.ns:1`)."""
    home = {a["id"]: a["systems"][0] for a in doc["applications"]}
    objects = []
    for app in doc["applications"]:
        env = [{"name": f"DEP_{i}_ADDR", "value": (f"{d['endpoint']}://" if d.get("endpoint") else "")
                + f"{d['id']}.{home[d['id']]}:1"} for i, d in enumerate(app["deps"])]  # fmt: skip
        meta = {"name": app["id"], "namespace": app["systems"][0], "annotations": {"maestro.family": app["family"]}}
        objects.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": meta,
                "spec": {
                    "template": {
                        "metadata": {"labels": {"app": app["id"]}},
                        "spec": {
                            "containers": [{"name": "main", "image": f"registry.example/{app['id']}:1", "env": env}]
                        },
                    }
                },
            }
        )
        objects.append({"apiVersion": "v1", "kind": "Service",
                        "metadata": {"name": app["id"], "namespace": app["systems"][0]},
                        "spec": {"selector": {"app": app["id"]}, "ports": [{"port": 1}]}})  # fmt: skip
    return objects


def as_kubernetes(doc: dict) -> str:
    return yaml.safe_dump_all(kubernetes_objects(doc))


def as_backstage(doc: dict) -> str:
    """An inventory as Backstage Components, each depending on its dependencies' components."""
    return yaml.safe_dump_all([
        {"kind": "Component",
         "metadata": {"name": a["id"], "title": a["name"], "labels": {"maestro.family": a["family"]}},
         "spec": {"system": a["systems"][0], "dependsOn": [f"component:{d['id']}" for d in a["deps"]]}}
        for a in doc["applications"]
    ])  # fmt: skip


def otlp_lines(doc: dict, spans: int, seed: int = 1) -> str:
    """Requests along the inventory's dependencies as OTLP/JSON lines: per call, a client span in
    the caller and a server span in the callee."""
    rnd = random.Random(seed)
    edges = [(a["id"], d["id"]) for a in doc["applications"] for d in a["deps"]]
    lines, made, trace = [], 0, 0
    while made < spans:
        trace += 1
        source, target = edges[rnd.randrange(len(edges))]
        tid = f"{trace:032x}"

        def span(sid: str, parent: str, kind: int, tid: str = tid) -> dict:
            return {"traceId": tid, "spanId": sid, "parentSpanId": parent, "name": "call", "kind": kind,
                    "attributes": [{"key": "rpc.system", "value": {"stringValue": "grpc"}}]}  # fmt: skip

        lines.append(json.dumps({"resourceSpans": [
            {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": source}}]},
             "scopeSpans": [{"spans": [span(f"{trace:08x}a", "", 3)]}]},
            {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": target}}]},
             "scopeSpans": [{"spans": [span(f"{trace:08x}b", f"{trace:08x}a", 2)]}]},
        ]}))  # fmt: skip
        made += 2
    return "\n".join(lines) + "\n"


def measure(kind: str, path: Path) -> tuple[float, float, int]:
    """Seconds and peak megabytes of reading `path` as `kind` in a fresh process, and applications."""
    code = (
        "import sys, time, resource\n"
        "from analytics_maestro.inventory.sources import load_source\n"
        "t = time.perf_counter()\n"
        f"r = load_source({kind!r}, [{str(path)!r}])\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " len(r.inventory.applications))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", type=int, default=5000)
    parser.add_argument("--spans", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{'source':>10} {'input':>22} {'MB':>6} | {'apps':>6} {'import s':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        doc = generate(args.workloads, 1)
        manifests = Path(folder) / "cluster.yaml"
        manifests.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": kubernetes_objects(doc)}))
        traces = Path(folder) / "traces.jsonl"
        traces.write_text(otlp_lines(generate(1000, 1), args.spans))
        for kind, path, what in (("kubernetes", manifests, f"{len(doc['applications']):,} workloads"),
                                 ("otlp", traces, f"{args.spans:,} spans")):  # fmt: skip
            seconds, peak, apps = measure(kind, path)
            print(f"{kind:>10} {what:>22} {path.stat().st_size / 1e6:6.1f} | {apps:>6} {seconds:9.2f} {peak:8.0f}")


if __name__ == "__main__":
    main()
