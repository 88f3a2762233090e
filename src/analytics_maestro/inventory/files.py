"""Reading inventory files (JSON or YAML) into documents, with errors that name the file and the line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from analytics_maestro.gcpause import paused_gc
from analytics_maestro.inventory.problems import InventoryError, Problem, Report, unstorable


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InventoryError([Problem(str(path), f"cannot read the file: {exc.strerror}")]) from None


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


# An inventory nests six levels deep. Far deeper is a mistake or an attack: libyaml's composer
# recurses on the C stack (50,000 levels kill the process), Python's JSON parser stops at its
# recursion limit (about 1,000 levels). Aliases could make a small YAML file stand for billions of
# nodes.
MAX_NESTING = 64
MAX_NODES = 5_000_000
# Only escapes can put NUL or a lone surrogate into a JSON or YAML string (both refuse them raw):
# where none appears, the document needs no search for characters no store can keep.
_ESCAPES = rb"\\(?:0|x00|u0000|U00000000|u[dD][89a-fA-F]|U0000[dD][89a-fA-F])"  # compiled on first use


def parse_document(text: bytes, is_json: bool, where: str) -> Any:
    """A JSON or YAML document; InventoryError naming `where` (and the line) when it is not one, nests
    too deep (YAML: deeper than MAX_NESTING, checked before the document is built), stands for more
    than MAX_NODES values, or holds characters no store can keep (each such string by its path)."""
    if is_json:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
            raise InventoryError([Problem(where, message)]) from None
        except UnicodeDecodeError:
            raise InventoryError([Problem(where, "the file is not UTF-8 text")]) from None
        except RecursionError:
            raise InventoryError([Problem(where, _too_deep("about 1,000"))]) from None
    else:
        doc = _yaml(text, where)
    if re.search(_ESCAPES, text) and (problems := unstorable(doc)):
        raise InventoryError(problems)
    return doc


def parse_documents(text: bytes, how: str, where: str) -> list[Any]:
    """Every document of a text, with `parse_document`'s checks: `yaml` (a stream of documents
    separated by `---`), `json` (one), or `lines` (one JSON document per line, errors by line)."""
    if how == "json":
        return [parse_document(text, True, where)]
    if how == "lines":
        return [
            parse_document(line, True, f"{where}: line {number}")
            for number, line in enumerate(text.splitlines(), 1)
            if line.strip()
        ]
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_yaml(yaml, text, loader, where)
        docs = list(yaml.load_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise InventoryError([_yaml_problem(exc, where)]) from None
    if re.search(_ESCAPES, text) and (problems := unstorable(docs)):
        raise InventoryError(problems)
    return docs


def _yaml_problem(exc: Any, where: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(where, f"{at}invalid YAML: {reason}")


def _yaml(text: bytes, where: str) -> Any:
    import yaml  # only YAML documents pay for it

    # libyaml's loader is ten times faster on large files; PyYAML's wheels include it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_yaml(yaml, text, loader, where)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise InventoryError([_yaml_problem(exc, where)]) from None


def _too_deep(limit: str = str(MAX_NESTING)) -> str:
    return f"the document nests deeper than {limit} levels (an inventory needs about six)"


def _check_yaml(yaml: Any, text: bytes, loader: Any, where: str) -> None:
    """Nesting and size of a YAML document from libyaml's events (its parser keeps its own stack, so
    this pass is safe where building the document would not be), aliases counted at the size of
    what they stand for."""
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    depth, nodes = 0, 0
    sizes: dict[str, int] = {}  # nodes per anchor
    open_anchors: list[tuple[str, int, int]] = []  # (anchor, depth it opened at, nodes before it)
    for event in yaml.parse(text, Loader=loader):
        kind = type(event)
        if kind is yaml.AliasEvent:
            nodes += sizes.get(event.anchor, 1)
        elif kind in starts or kind is yaml.ScalarEvent:
            nodes += 1
            if kind in starts:
                depth += 1
                if depth > MAX_NESTING:
                    raise InventoryError([Problem(where, f"line {event.start_mark.line + 1}: {_too_deep()}")])
                if event.anchor:
                    open_anchors.append((event.anchor, depth, nodes - 1))
            elif event.anchor:
                sizes[event.anchor] = 1
        elif kind in ends:
            if open_anchors and open_anchors[-1][1] == depth:
                anchor, _, before = open_anchors.pop()
                sizes[anchor] = nodes - before
            depth -= 1
        if nodes > MAX_NODES:
            message = f"the document stands for more than {MAX_NODES:,} values (aliases count what they repeat)"
            raise InventoryError([Problem(where, message)])


def load_inventory(path: str | Path, structs: bool = False) -> Report:
    """Read and validate a file; raises InventoryError only when the file cannot be parsed.

    With `structs`, a file with nothing to report is read into the msgspec twins of the models
    (`inventory.structs`, for the drawing path) without importing pydantic at all; any other file
    is validated into the models as usual, with every problem reported."""
    path = Path(path)
    with paused_gc():
        text = read_file(path)
        doc = None
        if structs:
            from analytics_maestro.inventory import structs as fast

            if _is_json(path):
                inventory = fast.decode(text)
            else:
                doc = parse_document(text, False, str(path))
                inventory = fast.convert(doc)
            if inventory is not None:
                return Report(inventory=inventory)  # type: ignore[arg-type]  # the models' fields
        from analytics_maestro.inventory.validate import validate

        return validate(parse_document(text, _is_json(path), str(path)) if doc is None else doc)
