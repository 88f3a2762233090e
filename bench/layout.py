"""Layout benchmark: our engine against Graphviz `dot` on the same generated inventories.

    python bench/layout.py [--sizes 100 1000 3000 10000] [--seeds 1 2 3] [--dot-timeout 600]

For each size and seed it generates an inventory, takes the graph `draw --all` draws (every
system's entries and all they reach) and writes it as DOT too. It prints:

- layout: our layout time in-process (lookup result in, Grid out), and `dot -Tplain`'s on the same
  graph, with the ratio; then our iso rendering time and the SVG's size;
- crossings, overlaps and edges through nodes of both, by the project's own measure
  (`analytics_maestro.layout.quality`), ours with the rail of shared infrastructure (the default)
  and with every edge a line (`--shared none`); also the crossings of `dot` held to our rule that
  the entries open the first column (`rank=source`), the like-for-like comparison;
- readability: the names cut in our flat and iso drawings, and the iso drawing's captions that
  touch a tile or another caption (`iso.caption_collisions`, with and without a box per system;
  0 is the aim for both), and the aspect of the flat drawing (width over height; 1:3 to 3:1 is the aim);
- draw: the whole `analytics-maestro draw` process (start-up, reading the file, lookup, layout,
  SVG) against `dot -Tsvg` on the same graph and on the whole inventory graph (orphan
  applications that no entry reaches included, as `generate --dot` writes it), with ratios and our
  peak memory. A command that takes under ten seconds runs up to five times (ours and `dot`'s
  alike) and the median is shown: single runs on a shared machine vary by a fifth.

The real architectures of examples/ and the demo come first, the same figures per example, and
last the landscape level (`--level systems`) of the 3,000-application inventory: how many systems,
and the font size its names get when the whole of it is fitted to a 1440x900 screen.

`dot` runs are skipped above --dot-timeout seconds (reported as such).
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

import analytics_maestro
from analytics_maestro.domain import GraphRequest, Subgraph
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate, to_dot
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import layout
from analytics_maestro.layout.grid import Grid
from analytics_maestro.layout.quality import from_layout_json, from_plain, measure
from analytics_maestro.render import exports
from analytics_maestro.render.iso import caption_collisions
from analytics_maestro.render.labels import ROW, UNIT

COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))
SVG = "{http://www.w3.org/2000/svg}"


# Starts the command and reports its time and peak memory. It runs in a small interpreter of its own
# because Linux counts, in a child's peak, the memory of the process it was forked from: measured
# from here, the command would carry this benchmark's own memory.
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run(args: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (MB) of a command, which must succeed."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, check=True)
    elapsed, peak_kb, code = done.stdout.split()[-3:]
    if code != "0":
        raise RuntimeError(f"{' '.join(args)} failed with exit code {code}")
    return float(elapsed), int(peak_kb) // 1024


REPEAT_UNDER = 10.0  # seconds of runs, after which a command is not run again
REPEATS = 5


def median_time(once: Callable[[], float | None]) -> float | None:
    """The median time of up to REPEATS runs of `once`, while they add up to under REPEAT_UNDER
    seconds; None when a run timed out."""
    times = [once()]
    while times[-1] is not None and len(times) < REPEATS and sum(times) < REPEAT_UNDER:
        times.append(once())
    return None if None in times else statistics.median(times)


def run_dot(args: list[str], timeout: float) -> float | None:
    started = time.perf_counter()
    try:
        subprocess.run(args, check=True, timeout=timeout, capture_output=True)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - started


def subgraph_dot(graph: Subgraph, first: Sequence[str] = ()) -> str:
    """The graph in DOT; the nodes in `first` (the entries our layout puts in column 0) are held in
    dot's first rank too when given, so that both drawings obey the same rule."""
    lines = ["digraph G {", "  rankdir=LR;", "  node [shape=box];"]
    lines += [f'  "{node.id}";' for node in graph.nodes]
    lines += [f'  "{edge.source}" -> "{edge.target}";' for edge in graph.edges]
    if first:
        lines.append("  { rank=source; " + " ".join(f'"{ident}";' for ident in first) + " }")
    return "\n".join([*lines, "}"]) + "\n"


def cut_labels(svg: str) -> int:
    """How many labels of a drawing (of applications, and of systems' cards) end in an ellipsis
    (tooltips aside)."""
    root = ET.fromstring(svg)
    cut = 0
    for group in root.iter(f"{SVG}g"):
        if group.get("class") in ("apps", "labels"):
            for label in group.iter(f"{SVG}text"):
                if label.get("class", "label") in ("label", "system") and "".join(label.itertext()).endswith("…"):
                    cut += 1
    return cut


def aspect(grid: Grid) -> float:
    """Width over height of the flat drawing."""
    return grid.width * UNIT / max(1.0, grid.rows * ROW)


def first_column(grid: Grid) -> list[str]:
    """The entries our layout puts in column 0."""
    entries = set(grid.entries)
    return sorted(cell.id for cell in grid.cells if cell.col == 0 and cell.id in entries)


def dot_crossings(source: str, tmp: Path, timeout: float) -> tuple[float | None, int | None]:
    """`dot -Tplain`'s time and crossings on a DOT source, None for both past the timeout."""
    (tmp / "graph.dot").write_text(source)
    elapsed = run_dot(["dot", "-Tplain", str(tmp / "graph.dot"), "-o", str(tmp / "graph.plain")], timeout)
    if elapsed is None:
        return None, None
    return elapsed, measure(*from_plain((tmp / "graph.plain").read_text())).crossings


def bench(n: int, seed: int, tmp: Path, dot_timeout: float) -> dict:
    doc = generate(n, seed)
    inventory = tmp / f"inventory-{n}-{seed}.json"
    inventory.write_text(json.dumps(doc))
    report = validate(doc)
    catalogue = MemoryInventory(report.inventory, "bench")
    request = GraphRequest(owner="bench", all_systems=True)
    _, graph = lookup(catalogue, request, 10_000)
    nodes = {node.id: node for node in graph.nodes}
    servers = catalogue.servers(request, sorted(nodes))
    gc.disable()
    started = time.perf_counter()
    grid = layout(graph)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    svg_text = exports.svg(grid, nodes, servers, "iso")
    render = time.perf_counter() - started
    gc.enable()
    row = {"n": n, "seed": seed, "nodes": len(graph.nodes), "edges": len(graph.edges), "layout_s": ours}
    row["render_s"], row["svg_mb"] = render, len(svg_text.encode()) / 1e6
    row["ours"] = measure(*from_layout_json(grid.to_json())).as_dict()
    row["none_crossings"] = measure(*layout(graph, shared=()).measurable()).crossings
    row["rail"], row["aspect"] = len(grid.rail), aspect(grid)
    row["cut"] = cut_labels(svg_text) + cut_labels(exports.svg(grid, nodes, servers, "flat"))
    systems = {node.id: node.systems[0] for node in graph.nodes if node.systems}
    row["iso"] = caption_collisions(grid, nodes) + caption_collisions(layout(graph, systems), nodes)

    (tmp / "same.dot").write_text(subgraph_dot(graph))
    (tmp / "whole.dot").write_text(to_dot(doc))
    row["dot_plain_s"] = run_dot(["dot", "-Tplain", str(tmp / "same.dot"), "-o", str(tmp / "same.plain")], dot_timeout)
    row["dot"] = measure(*from_plain((tmp / "same.plain").read_text())).as_dict() if row["dot_plain_s"] else None
    _, row["dot_first_crossings"] = dot_crossings(subgraph_dot(graph, first_column(grid)), tmp, dot_timeout)

    svg = tmp / "ours.svg"
    peaks: list[int] = []

    def draw() -> float:
        elapsed, peak = run([COMMAND, "draw", str(inventory), "--all", "--max-depth", "10000", "-o", str(svg)])
        peaks.append(peak)
        return elapsed

    row["draw_s"] = median_time(draw)
    row["draw_mb"] = max(peaks)
    same = ["dot", "-Tsvg", str(tmp / "same.dot"), "-o", str(tmp / "same.svg")]
    row["dot_svg_same_s"] = median_time(lambda: run_dot(same, dot_timeout))
    whole = ["dot", "-Tsvg", str(tmp / "whole.dot"), "-o", str(tmp / "whole.svg")]
    row["dot_svg_whole_s"] = median_time(lambda: run_dot(whole, dot_timeout))
    return row


def architectures(tmp: Path) -> list[dict]:
    """Crossings, ours (with the rail and without) and dot's, cut names and aspect, on the real
    architectures under examples/ and the demo."""
    from analytics_maestro.inventory.files import load_inventory

    root = Path(__file__).resolve().parent.parent
    rows = []
    for path in [*sorted((root / "examples").glob("*.yaml")), root / "src/analytics_maestro/demo/inventory.yaml"]:
        report = load_inventory(path)
        catalogue = MemoryInventory(report.inventory, "bench")
        request = GraphRequest(owner="bench", all_systems=True)
        _, graph = lookup(catalogue, request, 40)
        nodes = {node.id: node for node in graph.nodes}
        servers = catalogue.servers(request, sorted(nodes))
        grid = layout(graph)
        systems = {node.id: node.systems[0] for node in graph.nodes if node.systems}  # a box per system, as `draw`
        _, theirs = dot_crossings(subgraph_dot(graph), tmp, 60)
        _, theirs_first = dot_crossings(subgraph_dot(graph, first_column(grid)), tmp, 60)
        rows.append({
            "name": path.name, "nodes": len(graph.nodes), "rail": len(grid.rail),
            "crossings": measure(*grid.measurable()).crossings,
            "none": measure(*layout(graph, shared=()).measurable()).crossings, "dot": theirs, "dot1": theirs_first,
            "boxes": measure(*layout(graph, systems).measurable()).crossings,
            "cut": sum(cut_labels(exports.svg(grid, nodes, servers, style)) for style in ("iso", "flat")),
            "iso": caption_collisions(grid, nodes) + caption_collisions(layout(graph, systems), nodes),
            "aspect": aspect(grid),
        })  # fmt: skip
    return rows


def landscape_fit(n: int, seed: int) -> tuple[int, float]:
    """The systems of the landscape of a generated inventory, and the font size of the smallest of
    their names when the whole flat drawing, legend included, is fitted to 1440x900."""
    from analytics_maestro.pipeline.diagram import make_diagram

    catalogue = MemoryInventory(validate(generate(n, seed)).inventory, "bench")
    request = GraphRequest(owner="bench", all_systems=True, level="systems")
    diagram = make_diagram(catalogue, request, style="flat")
    root = ET.fromstring(diagram.svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text") if t.get("class") == "system"]
    return len(diagram.layout.cells), min(sizes) * min(1440 / width, 900 / height)


def ratio(theirs: float | None, ours: float) -> str:
    return f"{theirs / ours:6.1f}x" if theirs else "   n/a"


def seconds(value: float | None) -> str:
    return f"{value:7.2f}" if value is not None else "timeout"


def shown(value: object) -> str:
    return "n/a" if value is None else str(value)


def print_table(rows: list[dict]) -> None:
    print(
        f"{'N':>6} {'seed':>4} {'nodes':>6} | {'layout s':>8} {'dot s':>7} {'ratio':>7} | {'crossings':>9} {'none':>7}"
        f" {'dot':>7} {'dot[1]':>7} {'overlaps':>8} {'through':>7} {'rail':>4} {'cut':>3} {'iso':>3} {'aspect':>6}"
        f" | {'iso s':>5}"
        f" {'SVG MB':>6} | {'draw s':>6} {'dot svg':>7} {'ratio':>7} {'whole':>7} {'ratio':>7} {'peak MB':>7}"
    )
    for r in rows:
        dot = r["dot"] or {}
        print(
            f"{r['n']:>6} {r['seed']:>4} {r['nodes']:>6} | {r['layout_s']:8.2f} {seconds(r['dot_plain_s'])}"
            f" {ratio(r['dot_plain_s'], r['layout_s'])} | {r['ours']['crossings']:>9} {r['none_crossings']:>7}"
            f" {shown(dot.get('crossings')):>7} {shown(r['dot_first_crossings']):>7} {r['ours']['overlaps']:>8}"
            f" {r['ours']['through_nodes']:>7} {r['rail']:>4} {r['cut']:>3} {r['iso']:>3} {r['aspect']:6.2f}"
            f" | {r['render_s']:5.2f} {r['svg_mb']:6.1f} | {r['draw_s']:6.2f}"
            f" {seconds(r['dot_svg_same_s'])} {ratio(r['dot_svg_same_s'], r['draw_s'])}"
            f" {seconds(r['dot_svg_whole_s'])} {ratio(r['dot_svg_whole_s'], r['draw_s'])} {r['draw_mb']:>7}"
        )
    print("crossings: ours with the rail of shared infrastructure; none: ours with every edge a line (--shared none).")
    print("dot[1]: dot with our column-0 entries held in its first rank (rank=source), the same rule as ours.")
    print("rail: nodes on the rail; cut: names cut in the iso and flat drawings; iso: iso captions on a tile or")
    print("another caption (without, then with a box per system, summed); aspect: the flat drawing's w/h.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[100, 1000, 3000, 10_000])
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--dot-timeout", type=float, default=600)
    parser.add_argument("--json", type=Path, help="Also write the rows as JSON here.")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # The command is timed as a user runs it: byte-compiled, as pip compiles what it installs. An
    # editable install under PYTHONDONTWRITEBYTECODE would compile every module on every run.
    compileall.compile_dir(Path(analytics_maestro.__file__).parent, quiet=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"{'architecture':<28} {'nodes':>5} {'rail':>4} {'crossings':>9} {'boxes':>5} {'none':>5} {'dot':>5}"
            f" {'dot[1]':>6} {'rail/dot':>8} {'cut':>3} {'iso':>3} {'aspect':>6}"
        )
        for a in architectures(Path(tmp)):
            half = f"{a['crossings'] / a['dot']:8.2f}" if a["dot"] else f"{'-':>8}"
            print(
                f"{a['name']:<28} {a['nodes']:>5} {a['rail']:>4} {a['crossings']:>9} {a['boxes']:>5} {a['none']:>5}"
                f" {shown(a['dot']):>5} {shown(a['dot1']):>6} {half} {a['cut']:>3} {a['iso']:>3} {a['aspect']:6.2f}"
            )
        print("crossings: with the rail; boxes: with the rail and a box per system (what `draw` gives where there")
        print("are two systems or more); none: every edge a line (--shared none).\n")
        for n in args.sizes:
            for seed in args.seeds if n < 10_000 else args.seeds[:1]:
                rows.append(bench(n, seed, Path(tmp), args.dot_timeout))
                print(f"measured N={n} seed={seed}", file=sys.stderr, flush=True)
    print_table(rows)
    if 3000 in args.sizes:
        systems, font = landscape_fit(3000, args.seeds[0])
        print(f"\nlandscape of N=3000: {systems} systems; fitted to 1440x900, names at {font:.1f} px (aim: 10 px)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
