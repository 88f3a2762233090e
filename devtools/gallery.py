"""The gallery in docs/: each example drawn by us (flat and iso) beside Graphviz `dot`'s drawing of
the same graph (our DOT export: label-sized boxes, the protocol on each edge), as PNG.

    .venv/bin/python devtools/gallery.py        # needs Graphviz's `dot` on the PATH

Writes docs/gallery/<example>-{flat,iso,dot}.png (and -landscape.png for an example of two systems
or more) and docs/gallery.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))


def main() -> None:
    out = ROOT / "docs" / "gallery"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "examples").glob("*.yaml")):
            name = path.stem
            for style in ("flat", "iso"):
                subprocess.run(
                    [COMMAND, "draw", str(path), "--all", "--style", style, "-o", f"{tmp}/{name}.svg",
                     "--png", str(out / f"{name}-{style}.png"), "--layout-json", f"{tmp}/{name}.json"],
                    check=True, capture_output=True,
                )  # fmt: skip
            layout = json.loads(Path(f"{tmp}/{name}.json").read_text())
            # with two systems or more, the landscape too: one card per system
            landscape = len(layout.get("containers", ())) > 0
            if landscape:
                subprocess.run(
                    [COMMAND, "draw", str(path), "--all", "--level", "systems", "--style", "flat",
                     "-o", f"{tmp}/{name}-landscape.svg", "--png", str(out / f"{name}-landscape.png")],
                    check=True, capture_output=True,
                )  # fmt: skip
            dot = f"{tmp}/{name}.dot"
            subprocess.run([COMMAND, "draw", str(path), "--all", "--format", "dot", "-o", dot], check=True)
            subprocess.run(["dot", "-Tpng", "-Gdpi=96", dot, "-o", str(out / f"{name}-dot.png")], check=True)
            title = path.read_text().splitlines()[0].lstrip("# ").split(" (")[0]
            rows.append((name, title, len(layout["nodes"]), len(layout["edges"]), layout.get("rail", []), landscape))
    lines = [
        "# Gallery",
        "",
        "Every example of `examples/`, drawn by `analytics-maestro draw --all` (flat, then iso) and by",
        "Graphviz `dot` from our DOT export of the same graph (label-sized boxes, the protocol on each edge).",
        "Made by `devtools/gallery.py`; the figures behind them are in `make bench`. [Before and",
        "after](before-after.md) shows three of them as they were drawn before whole names, the rail and packing.",
        "",
    ]
    for name, title, nodes, edges, rail, landscape in rows:
        shared = f"; on the rail: {', '.join(rail)}" if rail else ""
        lines += [
            f"## {title}",
            "",
            f"`examples/{name}.yaml`: {nodes} applications, {edges} dependencies{shared}.",
            "",
            "| ours, flat | dot |\n|---|---|",
            f"| ![ours, flat](gallery/{name}-flat.png) | ![dot](gallery/{name}-dot.png) |",
            "",
            f"Ours, iso: ![ours, iso](gallery/{name}-iso.png)",
            "",
        ]
        if landscape:
            lines += [f"Its landscape (`--level systems`): ![landscape](gallery/{name}-landscape.png)", ""]
    (ROOT / "docs" / "gallery.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
