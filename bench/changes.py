"""Changes benchmark: on generated inventories (all systems), two runs of one graph with 1 % of the
applications removed, 1 % added (each called by one that stays) and 1 % given another family in
between. Prints the time of the diff of the two runs as the service makes it (`stages.changes_of`:
both runs' views and servers read from their artefacts, then compared) against the bound of 0.5 s
at 10,000 applications, and what stable positions do: the share of the applications in both runs
that moved, laid out afresh and with the first run's layout kept, and the time of each layout.

    python bench/changes.py [--sizes 1000 3000 10000] [--seed 1]
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time

from insights import arguments  # run as a script, beside it

from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import layout
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.diagram import PRODUCTS
from analytics_maestro.pipeline.stages import changes_of

SHARE = 0.01


def changed(doc: dict, seed: int) -> dict:
    """The generated document with `SHARE` of its applications removed, added and re-familied."""
    rnd = random.Random(seed)
    apps = doc["applications"]
    entries = {e for system in doc["systems"] for e in system.get("entries", [])}
    k = max(1, round(SHARE * len(apps)))
    gone = set(rnd.sample(sorted(a["id"] for a in apps if a["id"] not in entries), k))
    kept = [dict(a, deps=[d for d in a.get("deps", []) if d["id"] not in gone]) for a in apps if a["id"] not in gone]
    for a in rnd.sample(kept, k):
        a["family"] = "Cache" if a.get("family") != "Cache" else "Database"
    for i, caller in enumerate(rnd.sample(kept, k)):
        new = {"id": f"added-{i}", "name": f"Added service {i}", "systems": list(caller.get("systems", []))}
        caller["deps"] = [*caller["deps"], {"id": new["id"], "endpoint": "http"}]
        kept.append(new)
    servers = [dict(s, applications=[a for a in s.get("applications", []) if a not in gone]) for s in doc["servers"]]
    return {**doc, "applications": kept, "servers": servers}


def run(artifacts: Artifacts, number: int, doc: dict):
    """Run `number` of the bench graph: its view and servers written as the service writes them."""
    catalogue = MemoryInventory(validate(doc).inventory, "bench")
    request = GraphRequest(owner="bench", all_systems=True)
    _, view = lookup(catalogue, request, 10_000)
    servers = catalogue.servers(request, [n.id for n in view.nodes])
    for product, value in (("view", view), ("servers", servers)):
        artifacts.write("bench", number, PRODUCTS[product].file, PRODUCTS[product].dump(value))
    return view


def timed(once):
    started = time.perf_counter()
    value = once()
    return value, time.perf_counter() - started


def moved_share(before, after) -> float:
    old = {c.id: (c.x, c.y) for c in before.cells}
    new = {c.id: (c.x, c.y) for c in after.cells}
    common = old.keys() & new.keys()
    return sum(old[i] != new[i] for i in common) / max(1, len(common))


def main() -> None:
    args = arguments(__doc__)
    print(
        f"{'N':>6} {'nodes':>6} | {'diff s':>7} {'bound':>6} {'changes':>8} | {'moved afresh':>12} {'kept':>6}"
        f" | {'layout s afresh':>15} {'kept':>6}"
    )
    for n in args.sizes:
        doc = generate(n, args.seed)
        with tempfile.TemporaryDirectory() as folder:
            artifacts = Artifacts(folder)
            first = run(artifacts, 1, doc)
            second = run(artifacts, 2, changed(doc, args.seed))
            times = []
            for _ in range(3):
                found, elapsed = timed(lambda artifacts=artifacts: changes_of(artifacts, "bench", 1, 2))
                times.append(elapsed)
        before = layout(first)
        afresh, fresh_time = timed(lambda second=second: layout(second))
        kept, kept_time = timed(lambda second=second, before=before: layout(second, previous=before))
        total = sum(found["counts"].values())
        print(
            f"{n:>6} {len(second.nodes):>6} | {statistics.median(times):7.3f} {'0.5 s':>6} {total:>8} |"
            f" {moved_share(before, afresh):12.1%} {moved_share(before, kept):6.1%} |"
            f" {fresh_time:15.2f} {kept_time:6.2f}"
        )


if __name__ == "__main__":
    main()
