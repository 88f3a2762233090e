"""Artefacts of graph runs on the local disk: one folder per graph and run, files written whole.

Stages pass ids, not documents: each reads what earlier stages wrote here and writes its own
result, so a 10,000-node diagram never travels through a message broker.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Artifacts:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def folder(self, graph_id: str, run: int) -> Path:
        if not _SAFE.match(graph_id):
            raise ValueError(f"unsafe graph id {graph_id!r}")
        return self.root / graph_id / str(run)

    def path(self, graph_id: str, run: int, name: str) -> Path:
        return self.folder(graph_id, run) / name

    def write(self, graph_id: str, run: int, name: str, data: bytes | str) -> Path:
        """Write through a temporary file and rename: a reader never sees half a file."""
        path = self.path(graph_id, run, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.partial")
        partial.write_bytes(data.encode() if isinstance(data, str) else data)
        partial.replace(path)
        return path

    def remove(self, graph_id: str) -> None:
        """Every run's artefacts of a graph."""
        shutil.rmtree(self.folder(graph_id, 0).parent, ignore_errors=True)

    def read(self, graph_id: str, run: int, name: str) -> bytes:
        return self.path(graph_id, run, name).read_bytes()

    def write_json(self, graph_id: str, run: int, name: str, value: Any) -> None:
        self.write(graph_id, run, name, json.dumps(value, sort_keys=True, separators=(",", ":")))

    def read_json(self, graph_id: str, run: int, name: str) -> Any:
        return json.loads(self.read(graph_id, run, name))
