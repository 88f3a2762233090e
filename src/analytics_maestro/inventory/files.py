"""Reading inventory files (JSON or YAML) into documents, with errors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analytics_maestro.gcpause import paused_gc
from analytics_maestro.inventory.problems import InventoryError, Problem, Report


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InventoryError([Problem(str(path), f"cannot read the file: {exc.strerror}")]) from None


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def _parse(path: Path, text: bytes) -> Any:
    """Parse a JSON or YAML document (by the file's suffix; YAML otherwise, since JSON is YAML too)."""
    if _is_json(path):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
            raise InventoryError([Problem(str(path), message)]) from None
        except UnicodeDecodeError:
            raise InventoryError([Problem(str(path), "the file is not UTF-8 text")]) from None
    import yaml  # only YAML files pay for it

    # libyaml's loader is ten times faster on large files; PyYAML's wheels include it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise InventoryError([Problem(str(path), f"{where}invalid YAML: {reason}")]) from None


def load_inventory(path: str | Path, structs: bool = False) -> Report:
    """Read and validate a file; raises InventoryError only when the file cannot be parsed.

    With `structs`, a file with nothing to report is read into the msgspec twins of the models
    (`inventory.structs`, for the drawing path) without importing pydantic at all; any other file
    is validated into the models as usual, with every problem reported."""
    path = Path(path)
    with paused_gc():
        text = _read(path)
        doc = None
        if structs:
            from analytics_maestro.inventory import structs as fast

            if _is_json(path):
                inventory = fast.decode(text)
            else:
                doc = _parse(path, text)
                inventory = fast.convert(doc)
            if inventory is not None:
                return Report(inventory=inventory)  # type: ignore[arg-type]  # the models' fields
        from analytics_maestro.inventory.validate import validate

        return validate(_parse(path, text) if doc is None else doc)
