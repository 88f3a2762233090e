"""Validation of an inventory document: every problem at once, each with its path, before anything is written.

Errors (missing or ill-typed fields, duplicate ids, negative cpu) stop an import. Warnings (a
dependency on an unknown application, an unknown family or size) are reported and the import goes
on with a documented fallback: family `Application`, size `medium`, dangling references kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from analytics_maestro.domain import DEFAULT_FAMILY, DEFAULT_SIZE, FAMILIES, SIZES
from analytics_maestro.inventory.problems import InventoryError, Problem, Report
from analytics_maestro.model import Inventory

SECTIONS = ("clients", "systems", "applications", "servers")
_FAMILY_BY_LOWER = {name.lower(): name for name in FAMILIES}
_MAX_SHOWN = 60


def path_of(loc: Iterable[Any]) -> str:
    """Render a pydantic location as a path.

    >>> path_of(("applications", 12, "deps", 0, "id"))
    'applications[12].deps[0].id'
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        message = err["msg"]
        if err["type"] != "missing" and not isinstance(err.get("input"), dict | list):
            message = f"{_shown(err.get('input'))} is not valid: {message}"
        problems.append(Problem(path_of(loc), message))
    return problems


def _items(doc: Mapping, section: str) -> list[tuple[int, Mapping]]:
    value = doc.get(section)
    return [(i, item) for i, item in enumerate(value)] if isinstance(value, list) else []


def _normalise(doc: dict, report: Report) -> None:
    """Replace unknown families and sizes by their fallbacks, with a warning each."""
    for i, app in _items(doc, "applications"):
        if not isinstance(app, dict):
            continue
        family = app.get("family")
        if family is not None and family not in FAMILIES:
            fallback = _FAMILY_BY_LOWER.get(str(family).lower(), DEFAULT_FAMILY)
            report.warnings.append(
                Problem(
                    f"applications[{i}].family",
                    f"unknown family {_shown(family)}, using {fallback!r} (expected one of: {', '.join(FAMILIES)})",
                )
            )
            app["family"] = fallback
        size = app.get("size")
        if size is not None and size not in SIZES:
            report.warnings.append(
                Problem(
                    f"applications[{i}].size",
                    f"unknown size {_shown(size)}, using {DEFAULT_SIZE!r} (expected one of: {', '.join(SIZES)})",
                )
            )
            app["size"] = DEFAULT_SIZE


def _ids(doc: Mapping, section: str, report: Report) -> set[str]:
    """The ids of a section; a repeated id is an error naming both places."""
    items = _items(doc, section)
    distinct = _distinct_ids(items)
    if distinct is not None:
        return distinct
    first: dict[str, int] = {}
    for i, item in items:
        ident = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(ident, str):
            continue
        if ident in first:
            report.errors.append(
                Problem(f"{section}[{i}].id", f"duplicate id {ident!r} (first at {section}[{first[ident]}])")
            )
        else:
            first[ident] = i
    return set(first)


def _distinct_ids(items: list[tuple[int, Mapping]]) -> set[str] | None:
    """The ids of the usual section (every item has a string id, all distinct) in one pass; None
    for anything else, which the item by item check reports."""
    try:
        idents = [item["id"] for _, item in items]
        distinct = set(idents)
    except (TypeError, KeyError, IndexError):
        return None
    return distinct if len(distinct) == len(idents) and set(map(type, distinct)) <= {str} else None


def _references(doc: Mapping, section: str, key: str, known: set[str], kind: str, report: Report) -> None:
    # A large inventory has a hundred thousand references: paths are made for the unknown only,
    # and a section whose references are all known is seen through in one pass.
    items = _items(doc, section)
    if _all_known(items, key, known):
        return
    for i, item in items:
        refs = item.get(key) if isinstance(item, Mapping) else None
        if not isinstance(refs, list):
            continue
        for j, ref in enumerate(refs):
            is_record = ref.__class__ is dict or (ref.__class__ is not str and isinstance(ref, Mapping))
            target = ref.get("id") if is_record else ref
            if target.__class__ is str and target not in known:
                path = f"{section}[{i}].{key}[{j}]" + (".id" if is_record else "")
                report.warnings.append(Problem(path, f"unknown {kind} {_shown(target)}"))


def _all_known(items: list[tuple[int, Mapping]], key: str, known: set[str]) -> bool:
    """Whether every reference under `key` (an id, or a record with an `id`) is a known id, tested
    in comprehensions and C. False means: look at each (also for anything unexpected, which the
    item by item check and the model report)."""
    try:
        refs = [ref for _, item in items if key in item for ref in item[key]]
        try:
            return known.issuperset(refs)
        except TypeError:  # records, {id, endpoint}, are not hashable
            return known.issuperset([ref["id"] for ref in refs])
    except (TypeError, KeyError, IndexError, AttributeError):
        return False


# Records in one document: a store takes more, in several imports; one document past this is a
# mistake or an attack, refused before its records are built.
MAX_RECORDS = 2_000_000


def validate(doc: Any, references: bool = True, max_records: int | None = None) -> Report:
    """Check a parsed inventory document; `report.inventory` is set when it has no errors.

    `references=False` skips the warnings about ids the document does not define (for a single
    record, whose references point into the store rather than into the document). A document of
    more than `max_records` records (`MAX_RECORDS`) is refused before any of them is checked."""
    report = Report()
    if not isinstance(doc, dict):
        report.errors.append(
            Problem("", f"an inventory is a mapping with {', '.join(SECTIONS)}; got {type(doc).__name__}")
        )
        return report
    for key in sorted(set(doc) - set(SECTIONS)):
        report.warnings.append(Problem(str(key), f"unknown section, ignored (expected {', '.join(SECTIONS)})"))
    doc = {key: doc[key] for key in SECTIONS if key in doc}
    most = MAX_RECORDS if max_records is None else max_records
    records = sum(len(value) for value in doc.values() if isinstance(value, list))
    if records > most:
        report.errors.append(Problem("", f"{records:,} records; at most {most:,} are read in one document: split it"))
        return report
    doc = _copy_applications(doc)
    _normalise(doc, report)

    ids = {section: _ids(doc, section, report) for section in SECTIONS}
    if references:
        _check_references(doc, ids, report)

    try:
        inventory = Inventory.model_validate(doc)
    except ValidationError as exc:
        report.errors.extend(_pydantic_problems(exc))
    else:
        if not report.errors:
            report.inventory = inventory
    report.errors.sort(key=_problem_order)
    report.warnings.sort(key=_problem_order)
    return report


def _check_references(doc: Mapping, ids: Mapping[str, set[str]], report: Report) -> None:
    _references(doc, "applications", "deps", ids["applications"], "application", report)
    _references(doc, "applications", "systems", ids["systems"], "system", report)
    _references(doc, "systems", "entries", ids["applications"], "application", report)
    _references(doc, "systems", "clients", ids["clients"], "client", report)
    _references(doc, "servers", "applications", ids["applications"], "application", report)


def validate_record(section: str, doc: Any) -> tuple[Any, list[Problem]]:
    """One record of `section` (as the API receives it): the checks and fallbacks of a file, with
    paths relative to the record. Returns the record and its warnings; raises InventoryError."""
    report = validate({section: [doc]}, references=False)
    prefix = f"{section}[0]"

    def relative(problems: list[Problem]) -> list[Problem]:
        return [Problem(p.path.removeprefix(prefix).removeprefix("."), p.message) for p in problems]

    if not report.ok:
        raise InventoryError(relative(report.errors))
    return getattr(report.inventory, section)[0], relative(report.warnings)


def _copy_applications(doc: dict) -> dict:
    """Normalising writes into application records: work on copies, the caller's document stays."""
    apps = doc.get("applications")
    if isinstance(apps, list):
        doc = {**doc, "applications": [dict(a) if isinstance(a, dict) else a for a in apps]}
    return doc


def _problem_order(problem: Problem) -> tuple:
    """Document order: applications[2] before applications[10]."""
    key: list = []
    for part in problem.path.replace("]", "").replace("[", ".").split("."):
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    section = problem.path.split("[", 1)[0].split(".", 1)[0]
    rank = SECTIONS.index(section) if section in SECTIONS else -1
    return (rank, key, problem.message)
