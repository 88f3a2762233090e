"""Inventories from where architectures already live: docker-compose files, Kubernetes manifests,
a Backstage catalog, Jaeger's dependencies and OTLP/JSON traces.

    load_source(kind, paths) -> Report

Each source reads its files into an inventory document of our own format (`compose.py`,
`kubernetes.py`, `backstage.py`, `traces.py`), which then goes through the same validation as a
file of ours: every problem reported with its file and path, nothing written on error. Folders
are searched for the files a source reads (`PATTERNS`); `-` is standard input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analytics_maestro.gcpause import paused_gc
from analytics_maestro.inventory.files import parse_documents, read_file
from analytics_maestro.inventory.problems import InventoryError, Problem, Report

KINDS = ("compose", "kubernetes", "backstage", "jaeger", "otlp")
# what a folder is searched for, per source (recursively; compose: the folder itself only)
PATTERNS = {
    "compose": ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml", "*compose*.y*ml"),
    "kubernetes": ("*.yaml", "*.yml", "*.json"),
    "backstage": ("catalog-info*.yaml", "catalog-info*.yml", "*.yaml", "*.yml"),
    "jaeger": ("*.json",),
    "otlp": ("*.json", "*.jsonl", "*.ndjson"),
}
MAX_FILES = 10_000


def files_of(kind: str, paths: Sequence[str]) -> list[str]:
    """The files `paths` stand for: each file as given, each folder's files of this source, in name
    order (compose: the base files before the overrides); `-` as given."""
    out: list[str] = []
    for given in paths:
        path = Path(given)
        if given == "-" or not path.is_dir():
            out.append(given)
            continue
        if kind == "compose":
            found = sorted({p for pattern in PATTERNS[kind] for p in path.glob(pattern) if p.is_file()},
                           key=lambda p: ("override" in p.name, p.name))  # fmt: skip
        elif kind == "backstage":
            found = sorted({p for pattern in PATTERNS[kind][:2] for p in path.rglob(pattern) if p.is_file()})
            found = found or sorted({p for pattern in PATTERNS[kind][2:] for p in path.rglob(pattern) if p.is_file()})
        else:
            found = sorted({p for pattern in PATTERNS[kind] for p in path.rglob(pattern) if p.is_file()})
        if not found:
            raise InventoryError(
                [Problem(given, f"no {kind} files in this folder (looked for {', '.join(PATTERNS[kind])})")]
            )
        out += [str(p) for p in found]
    if len(out) > MAX_FILES:
        raise InventoryError([Problem("", f"{len(out):,} files; at most {MAX_FILES:,} are read at once")])
    return out


def load_source(kind: str, paths: Sequence[str], stdin: Callable[[], bytes] | None = None) -> Report:
    """Read `paths` (files, folders, `-`) as `kind` and validate what they make; InventoryError
    when a file cannot be read or parsed, or holds nothing of the source."""
    with paused_gc():  # every document built lives on until the inventory is made
        return read_source(kind, [(name, _bytes(name, stdin)) for name in files_of(kind, paths)])


def read_source(kind: str, named: Sequence[tuple[str, bytes]], follow: bool = True) -> Report:
    """`load_source` over texts already read, each with its name. Without `follow`, the files
    they name (a Location's targets, a Compose `extends.file`) are not read: an upload never
    makes the server read its own disk."""
    from analytics_maestro.inventory.sources import backstage, compose, kubernetes, traces
    from analytics_maestro.inventory.sources.common import Loaded
    from analytics_maestro.inventory.validate import validate

    if kind not in KINDS:
        raise InventoryError([Problem("from", f"{kind!r} is not a source; expected one of {', '.join(KINDS)}")])
    loaded = [Loaded(name, tuple(_parsed(kind, name, text))) for name, text in named]

    def load(path: str) -> Any:
        if not follow:
            raise InventoryError([Problem(path, "a file named by an uploaded one is not read; import both from files")])
        return _parsed(kind, path, read_file(Path(path)))

    if kind == "compose":
        env = Path(named[0][0]).parent / ".env" if named and follow and named[0][0] != "-" else None
        variables = compose.dotenv(read_file(env).decode("utf-8", "replace")) if env and env.is_file() else {}
        reading = compose.read(loaded, lambda path: (load(path) or [None])[0], variables)
    elif kind == "backstage":
        reading = backstage.read(loaded, load)
    elif kind == "kubernetes":
        reading = kubernetes.read(loaded)
    elif kind == "jaeger":
        reading = traces.read_jaeger(loaded)
    else:
        reading = traces.read_otlp(loaded)
    if not reading.document.get("applications"):
        where = ", ".join(name for name, _ in named) or "the input"
        raise InventoryError(
            [*reading.problems, Problem("", f"{where}: nothing to draw: no {kind} applications found")]
        )
    report = validate(reading.document)
    report.warnings[:0] = reading.problems
    return report


def _bytes(name: str, stdin: Callable[[], bytes] | None) -> bytes:
    if name == "-":
        if stdin is None:
            raise InventoryError([Problem("-", "standard input is not available here")])
        return stdin()
    return read_file(Path(name))


def _parsed(kind: str, name: str, text: bytes) -> list[Any]:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        return parse_documents(text, "lines", name)
    if lower.endswith(".json") or (kind in ("jaeger", "otlp") and text.lstrip()[:1] in (b"{", b"[")):
        return parse_documents(text, "lines" if kind == "otlp" and text.count(b"\n{") else "json", name)
    return parse_documents(text, "yaml", name)
