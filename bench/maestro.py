"""Maestro mode: a Maestro-shaped inventory drawn through a stub of Maestro Server (the Data App,
the Analytics Front, Centrifugo: `tests.maestro_stub`, a real HTTP server), beside the same graph
drawn from our own store.

    python -m bench.maestro [--apps 1000] [--runs 3]

Generates `--apps` applications (all systems as entry points), loads them into the stub as the
Data App keeps them (ObjectIds, `roles`, references), and starts `serve` (gunicorn, local runner)
in Maestro mode. Times server-app's `POST /graph` until the front gets the SVG and until the Data
App holds the outcome; then starts `serve` on its own store with the same inventory imported and
times `POST /graphs` until the graph is finished. Prints the medians of `--runs` runs and the ratio.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import jwt
from bench.api import COMMAND, call, start_server
from tests.maestro_stub import MaestroStub, maestro_documents, object_id

from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.validate import validate

SECRET, NOAUTH, OWNER = "bench-private-secret-0123456789abcdef", "bench-noauth", "5f00000000000000000000be"


def through_maestro(doc: dict, runs: int, folder: Path) -> tuple[list[float], list[float], list[float], int]:
    inventory = validate(doc).inventory
    stub = MaestroStub(SECRET, NOAUTH, "bench-ws").start()
    stub.load(maestro_documents(inventory, OWNER))
    (folder / "maestro").mkdir()
    server = start_server(folder / "maestro", **stub.env(), MAESTRO_HOST="127.0.0.1")
    token = "JWT " + jwt.encode({"app": "server-app", "noauth": NOAUTH}, SECRET, algorithm="HS256")
    pushed, ended, answering, total = [], [], [], 0
    try:
        for run in range(runs):
            graph_id = object_id("bench", str(run))
            body = {"_id": graph_id, "owner_id": OWNER, "type": "bussiness", "clients": [], "systems": [], "apps": []}
            request = urllib.request.Request(f"{server.base}/graph", data=json.dumps(body).encode(), method="POST")
            request.add_header("Content-Type", "application/json")
            request.add_header("Authorization", token)
            started = time.monotonic()
            with urllib.request.urlopen(request, timeout=60):
                pass
            graph = stub.status(graph_id, timeout=600)
            assert graph["status"] == "finished", graph
            pushed.append(stub.pushed[graph_id].at - started)
            ended.append(max(c.at for c in stub.of("/data/graphs")) - started)
            total = int(stub.pushed[graph_id].form["total"])
            answering.append(sum(c.took for c in stub.calls))
            stub.reset()
    finally:
        server.stop()
        stub.stop()
    return pushed, ended, answering, total


def from_our_store(doc: dict, runs: int, folder: Path) -> tuple[list[float], int]:
    (folder / "own").mkdir()
    server = start_server(folder / "own")
    try:
        path = folder / "inventory.json"
        path.write_text(json.dumps(doc))
        subprocess.run([COMMAND, "import", str(path)], env={**server.env, "MAESTRO_OWNER": "local"}, check=True,
                       capture_output=True)  # fmt: skip
        systems = sorted(s["id"] for s in doc["systems"])
        times, total = [], 0
        for run in range(runs):
            started = time.monotonic()
            graph = call(server, "POST", "/graphs", {"name": f"bench {run}", "systems": systems})
            while graph["status"] not in ("finished", "warning", "error"):
                time.sleep(0.02)
                graph = call(server, "GET", f"/graphs/{graph['id']}")
            times.append(time.monotonic() - started)
            assert graph["status"] == "finished", graph
            total = graph["stats"]["applications"]
    finally:
        server.stop()
    return times, total


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    doc = generate(args.apps, seed=1)
    with tempfile.TemporaryDirectory(prefix="maestro-mode-bench-") as folder:
        pushed, ended, answering, drawn = through_maestro(doc, args.runs, Path(folder))
        own, own_drawn = from_our_store(doc, args.runs, Path(folder))
    mid = statistics.median
    print(f"Maestro mode: {args.apps} generated applications, all systems ({drawn} drawn; {own_drawn} from our store), "
          f"median of {args.runs} runs, serve (gunicorn, local runner)")  # fmt: skip
    ours = mid(ended) - mid(answering)
    print(f"  POST /graph -> SVG in the front        {mid(pushed):6.2f} s")
    print(f"  POST /graph -> outcome in the Data App {mid(ended):6.2f} s   (the stub answering {mid(answering):.2f} s"
          f" of it: Maestro's side, in Python; ours {ours:.2f} s)")  # fmt: skip
    print(f"  POST /graphs -> finished, own store    {mid(own):6.2f} s   (Maestro mode / own store "
          f"{mid(ended) / mid(own):.2f}x; without the stub's time {ours / mid(own):.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
