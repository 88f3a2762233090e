"""Insights benchmark: on generated inventories (all systems), the time of the whole insights block
(`analytics.insights.insights`, the servers' single points of failure included) and of the blast
radius of the application with the most dependents, against the bounds of 1 s and 50 ms at
10,000 applications.

    python bench/insights.py [--sizes 1000 3000 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

from analytics_maestro.analytics.insights import blast_radius, insights
from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate


def median_of(runs: int, once) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def arguments(description: str) -> argparse.Namespace:
    """`--sizes` (generated inventories of about these many applications) and `--seed`."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[1000, 3000, 10_000])
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__)
    print(
        f"{'N':>6} {'nodes':>6} {'edges':>6} | {'insights s':>10} {'bound':>6} | {'blast ms':>8} {'bound':>6}"
        f" {'of':>12}"
    )
    for n in args.sizes:
        catalogue = MemoryInventory(validate(generate(n, args.seed)).inventory, "bench")
        request = GraphRequest(owner="bench", all_systems=True)
        _, graph = lookup(catalogue, request, 10_000)
        hosts: dict[str, list[str]] = {}
        for app, group in catalogue.servers(request, [n.id for n in graph.nodes]).items():
            for server in group:
                hosts.setdefault(server.id, []).append(app)
        found = insights(graph, hosts)
        whole = median_of(3, lambda graph=graph, hosts=hosts: insights(graph, hosts))
        busiest = found.fan_in[0].id if found.fan_in else graph.nodes[0].id
        blast = median_of(5, lambda graph=graph, busiest=busiest: blast_radius(graph, busiest))
        print(f"{n:>6} {len(graph.nodes):>6} {len(graph.edges):>6} | {whole:10.3f} {'1 s':>6} |"
              f" {blast * 1000:8.1f} {'50 ms':>6} {busiest:>12}")  # fmt: skip


if __name__ == "__main__":
    main()
