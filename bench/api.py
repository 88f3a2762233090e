"""API load: concurrent clients creating graphs against `analytics-maestro serve` (gunicorn, local runner).

    python bench/api.py [--clients 20] [--graphs 200] [--workers 2] [--database-url URL]

Starts the service on a free port with the demo inventory in a temporary folder (SQLite store),
then `--clients` threads create `--graphs` graphs in all, each create timed; then waits until every
graph has ended. Prints the create latency (p50, p95, max), the time until the last graph finished,
and how many finished (all of them, or the service lost or failed some).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))
SELECTIONS = (
    {"apps": ["frontend"]},
    {"systems": ["shop"]},
    {"apps": ["checkoutservice"]},
    {"systems": ["backoffice"]},
    {"clients": ["partners"]},
    {"systems": ["platform"]},
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    token: str
    env: dict

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_server(
    var_dir: Path, workers: int = 2, timeout: float = 60.0, database_url: str | None = None, **env_more: str
) -> Server:
    """`serve --demo` on a free port (SQLite under `var_dir`, or `database_url`; `env_more` on top
    of the local runner's environment); returns once /health answers, with a token for the admin."""
    port = free_port()
    env = {**os.environ, "MAESTRO_VAR_DIR": str(var_dir), "MAESTRO_PORT": str(port),
           "MAESTRO_GWORKERS": str(workers), "MAESTRO_RUNNER": "local", **env_more}  # fmt: skip
    env.pop("MAESTRO_DATABASE_URL", None)
    if database_url:
        env["MAESTRO_DATABASE_URL"] = database_url
    log = open(var_dir / "serve.log", "wb")  # noqa: SIM115  (the server's lifetime)
    process = subprocess.Popen([COMMAND, "serve", "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    "the service did not start: " + (var_dir / "serve.log").read_text()[-2000:]
                ) from None
            time.sleep(0.2)
    token = subprocess.run([COMMAND, "token", "local"], env=env, capture_output=True, text=True, check=True)
    return Server(process, base, token.stdout.strip(), env)


def call(server: Server, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {server.token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


@dataclass
class LoadResult:
    latencies: list[float]  # seconds per create
    created: list[str]
    statuses: dict[str, str]
    until_last: float  # seconds from the first create until every graph had ended

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(server: Server, clients: int = 20, graphs: int = 200, timeout: float = 600.0) -> LoadResult:
    def one_client(index: int) -> list[tuple[str, float]]:
        out = []
        for n in range(index, graphs, clients):
            started = time.perf_counter()
            graph = call(server, "POST", "/graphs", {"name": f"load {n}", **SELECTIONS[n % len(SELECTIONS)]})
            out.append((graph["id"], time.perf_counter() - started))
        return out

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        results = [item for part in pool.map(one_client, range(clients)) for item in part]
    created = [graph_id for graph_id, _ in results]
    deadline = started + timeout
    while True:
        page = call(server, "GET", "/graphs?limit=500&owner=local")
        statuses = {item["id"]: item["status"] for item in page["items"]}
        if all(statuses.get(g) in ("finished", "warning", "error") for g in created) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return LoadResult([lat for _, lat in results], created, statuses, time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--graphs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="a PostgreSQL store (an empty database or schema); default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="maestro-api-bench-") as folder:
        server = start_server(Path(folder), args.workers, database_url=args.database_url)
        try:
            result = load(server, args.clients, args.graphs)
        finally:
            server.stop()
    finished = sum(result.statuses.get(g) == "finished" for g in result.created)
    print(
        f"API load: {args.clients} clients, {args.graphs} graphs, gunicorn {args.workers} workers, local runner, "
        + ("PostgreSQL" if args.database_url else "SQLite")
    )
    print(f"  create latency  p50 {result.percentile(50) * 1000:7.1f} ms   p95 {result.percentile(95) * 1000:7.1f} ms"
          f"   max {max(result.latencies) * 1000:7.1f} ms")  # fmt: skip
    print(f"  last graph finished after {result.until_last:.1f} s; finished {finished} of {len(result.created)}"
          f" ({args.graphs / result.until_last * 60:.0f} graphs/min)")  # fmt: skip


if __name__ == "__main__":
    main()
