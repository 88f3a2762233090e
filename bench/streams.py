"""Progress streams against the API: `serve` (gunicorn, 2 workers) with graphs waiting for a worker
(the Celery runner, on a queue of its own that no worker takes from, so that no run uses the
processor while /health is measured), `--streams` clients each holding a progress stream
(`GET /graphs/<id>/events`, reconnecting as EventSource does, opened over 5 s as pages load, closed
at the run's end as the graph page does), then `/health` asked every 20 ms for `--seconds` while
they are open. Prints /health's p50 and p99 (bound: 100 ms at 1,000 streams) and how many stream
connections were made.

    python bench/streams.py [--streams 1000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench.api import start_server

OPENING = 5.0  # seconds over which the streams open


async def hold(host: str, port: int, path: str, token: str, start: float, until: float, counts: dict) -> None:
    """One EventSource, opened at `start`: the stream read to its end, then again (after its `retry`)."""
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < until:
        retry = 0.2
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                         "Accept: text/event-stream\r\n\r\n".encode())  # fmt: skip
            await writer.drain()
            counts["connections"] += 1
            while time.monotonic() < until:
                line = await asyncio.wait_for(reader.readline(), timeout=max(0.1, until - time.monotonic()))
                if not line:
                    break
                if line.startswith(b"retry: "):
                    retry = int(line[7:]) / 1000
                if line.startswith(b"event: end"):  # the run ended: the page closes its EventSource
                    writer.close()
                    return
                if line.startswith(b"0\r\n"):  # the chunked body ended
                    break
            writer.close()
        except (TimeoutError, OSError):
            pass
        await asyncio.sleep(retry)


async def health(base: str, since: float, until: float) -> list[float]:
    """/health's answer times from `since` (every stream open) to `until`."""
    await asyncio.sleep(max(0.0, since - time.monotonic()))
    times = []
    while time.monotonic() < until:
        started = time.perf_counter()
        await asyncio.to_thread(lambda: urllib.request.urlopen(f"{base}/health", timeout=30).read())
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    return times


def _drop(env: dict, queue: str) -> None:
    """The bench's queue and the tasks waiting in it, gone from the broker."""
    from celery import Celery

    with Celery(broker=env.get("CELERY_BROKER_URL") or "amqp://guest:guest@127.0.0.1:5672//").connection() as c:
        c.default_channel.queue_delete(queue)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket per stream
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.streams + 256)), hard))
    with tempfile.TemporaryDirectory() as folder:
        queue = f"bench-streams-{uuid.uuid4().hex[:8]}"
        server = start_server(Path(folder), workers=2, MAESTRO_RUNNER="celery", MAESTRO_QUEUE=queue)
        try:
            systems = ["shop", "backoffice", "platform"]

            def create(k: int) -> str:
                body = json.dumps({"systems": [systems[k % 3]]}).encode()
                request = urllib.request.Request(f"{server.base}/graphs", data=body, method="POST")
                request.add_header("Authorization", f"Bearer {server.token}")
                request.add_header("Content-Type", "application/json")
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.load(response)["id"]

            graphs = [create(k) for k in range(30)]  # queued: nothing takes them
            host, port = server.base.removeprefix("http://").split(":")
            counts = {"connections": 0}

            async def measure() -> list[float]:
                # the streams open over OPENING seconds (as pages load), then /health is asked
                now = time.monotonic()
                opened, until = now + OPENING, now + OPENING + args.seconds
                holders = [
                    hold(host, int(port), f"/graphs/{graphs[k % len(graphs)]}/events", server.token,
                         now + OPENING * k / args.streams, until, counts)
                    for k in range(args.streams)
                ]  # fmt: skip
                *_, times = await asyncio.gather(*holders, health(server.base, opened, until))
                return times

            times = sorted(asyncio.run(measure()))
        finally:
            server.stop()
            _drop(server.env, queue)
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(f"{'streams':>8} {'connections':>11} | {'health n':>8} {'p50 ms':>7} {'p99 ms':>7} {'bound':>6}")
    print(
        f"{args.streams:>8} {counts['connections']:>11} | {len(times):>8} {statistics.median(times) * 1000:7.1f}"
        f" {p99 * 1000:7.1f} {'100 ms':>6}"
    )


if __name__ == "__main__":
    main()
