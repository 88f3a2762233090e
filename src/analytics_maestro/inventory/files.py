"""Reading inventory files (JSON or YAML) into documents, with errors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analytics_maestro.gcpause import paused_gc
from analytics_maestro.inventory.validate import InventoryError, Problem, Report, validate


def read_document(path: str | Path) -> Any:
    """Parse a JSON or YAML file (by its suffix; YAML otherwise, since JSON is YAML too)."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise InventoryError([Problem(str(path), f"cannot read the file: {exc.strerror}")]) from None
    if path.suffix.lower() == ".json":
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


def load_inventory(path: str | Path) -> Report:
    """Read and validate a file; raises InventoryError only when the file cannot be parsed."""
    with paused_gc():
        return validate(read_document(path))
