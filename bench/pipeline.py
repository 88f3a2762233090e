"""Pipeline benchmark: graph runs per minute, and one large run, under the local and Celery runners.

    python bench/pipeline.py [--runs 40] [--small 260] [--large 10000]

Throughput: `--runs` runs of a diagram of about 200 applications (every system of a generated
inventory of `--small` applications), all submitted at once, timed until the last one ends; with
the local runner (2 threads), one Celery worker process and two. Large: one run of every system of
a `--large` inventory, its time and the peak memory of the process that ran it (a worker's pool
process under Celery). Needs RabbitMQ and Redis as the tests do.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.inventory.store import open_store
from analytics_maestro.inventory.validate import validate
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.local import LocalRunner

COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))


def wait(engine, graph_ids: list[str], timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while any(records.get(engine, g).status not in records.ENDED for g in graph_ids):
        if time.monotonic() > deadline:
            raise TimeoutError("runs did not end")
        time.sleep(0.05)
    bad = [records.get(engine, g) for g in graph_ids if records.get(engine, g).status != "finished"]
    if bad:
        raise RuntimeError(f"{len(bad)} runs did not finish: {bad[0].status} {bad[0].message}")


def peak_of_children(pid: int) -> int:
    """The largest peak resident memory (MB) among a process's children (a worker's pool)."""
    peak = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) // 1024)
    return peak


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    from analytics_maestro.celery import app

    app.control.purge()
    workers = [
        subprocess.Popen(
            [COMMAND, "worker", "-c", "1", "-n", f"bench{k}@%h", "--without-gossip", "--without-mingle"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for k in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("workers did not start")
    return workers


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def throughput(engine, submit, runs: int, owner: str) -> float:
    graph_ids = [records.create(engine, GraphRequest(owner=owner, all_systems=True)) for _ in range(runs)]
    started = time.perf_counter()
    for graph_id in graph_ids:
        submit(graph_id, 1)
    wait(engine, graph_ids)
    return runs / (time.perf_counter() - started) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--small", type=int, default=260)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    from analytics_maestro.config import Settings
    from analytics_maestro.pipeline.remote import CeleryRunner

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        engine = open_store(url)
        write_inventory(engine, validate(generate(args.small, seed=1)).inventory, "small")
        write_inventory(engine, validate(generate(args.large, seed=1)).inventory, "large")
        env = {**os.environ, "MAESTRO_DATABASE_URL": url, "MAESTRO_ARTIFACTS_DIR": f"{tmp}/artifacts"}
        probe = records.create(engine, GraphRequest(owner="small", all_systems=True))
        local = LocalRunner(engine, Artifacts(f"{tmp}/artifacts"))
        local.submit(probe, 1).result()
        size = records.get(engine, probe).stats["applications"]
        rows = [("local, 2 threads", throughput(engine, local.submit, args.runs, "small"))]
        local.shutdown()
        celery = CeleryRunner(engine, Settings.from_env())
        for count in (1, 2):
            workers = start_workers(count, env)
            try:
                rows.append((f"celery, {count} worker(s)", throughput(engine, celery.submit, args.runs, "small")))
            finally:
                stop(workers)
        print(f"throughput: {args.runs} runs of a {size}-application diagram")
        for name, per_minute in rows:
            print(f"  {name:<22} {per_minute:7.1f} runs/min")

        script = (
            "import sys, time, resource; from analytics_maestro.inventory.store import open_store; "
            "from analytics_maestro.pipeline.local import LocalRunner; from analytics_maestro.pipeline.artifacts "
            "import Artifacts; from analytics_maestro.pipeline import records; e = open_store(sys.argv[1]); "
            "g = sys.argv[3]; t = time.perf_counter(); r = LocalRunner(e, Artifacts(sys.argv[2]), workers=1); "
            "r.submit(g, 1).result(); print(time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, records.get(e, g).status)"
        )
        large = records.create(engine, GraphRequest(owner="large", all_systems=True))
        out = subprocess.run([sys.executable, "-c", script, url, f"{tmp}/artifacts", large], capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
        print(f"large: every system of {args.large} applications "
              f"({records.get(engine, large).stats['applications']} in the diagram)")  # fmt: skip
        print(f"  local runner           {float(out[0]):7.1f} s, peak {out[1]} MB, {out[2]}")
        workers = start_workers(1, env)
        try:
            large = records.create(engine, GraphRequest(owner="large", all_systems=True))
            started = time.perf_counter()
            celery.submit(large, 1)
            wait(engine, [large])
            elapsed = time.perf_counter() - started
            peak = peak_of_children(workers[0].pid)
        finally:
            stop(workers)
        print(f"  celery, 1 worker       {elapsed:7.1f} s, peak {peak} MB (pool process), finished")


if __name__ == "__main__":
    main()
