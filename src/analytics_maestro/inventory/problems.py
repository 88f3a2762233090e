"""What reading an inventory reports: each problem with its path, and the outcome of a validation."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from analytics_maestro.errors import MaestroError

if TYPE_CHECKING:
    from analytics_maestro.model import Inventory


class Problem(msgspec.Struct, frozen=True, order=True):
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# What no store can keep: PostgreSQL refuses NUL in text, and no UTF-8 encodes a lone surrogate
# (which JSON's "\ud800" escapes make). Refused at the edge, so that both stores behave alike.
# Compiled when first needed: `draw` never needs it, and compiling costs its start-up.
_unstorable = functools.cache(lambda: re.compile("[\x00\ud800-\udfff]"))


def unstorable(doc: Any, root: str = "") -> list[Problem]:
    r"""Every string of a parsed document (values and keys, at any depth) that holds a character no
    store can keep, with its path.

    >>> for problem in unstorable({"applications": [{"id": "a\x00b", "x\ud800": 1}]}):
    ...     print(problem)
    applications[0]: the key 'x\ud800' holds U+D800, which cannot be stored
    applications[0].id: 'a\x00b' holds U+0000, which cannot be stored
    """
    problems = []
    todo: list[tuple[str, Any]] = [(root, doc)]
    while todo:  # by hand, not by recursion: a document may nest deeply
        path, value = todo.pop()
        if isinstance(value, str):
            if found := _unstorable().search(value):
                what = f"U+{ord(found.group()):04X}"
                problems.append(Problem(path, f"{_shown(value)} holds {what}, which cannot be stored"))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if isinstance(key, str) and (found := _unstorable().search(key)):
                    problems.append(Problem(path, f"the key {_shown(key)} holds U+{ord(found.group()):04X}, which "
                                                  "cannot be stored"))  # fmt: skip
                todo.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            todo.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return problems


def _shown(value: str, most: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= most else text[: most - 3] + "..."


class Report(msgspec.Struct):
    """The outcome of validation: the inventory when there are no errors, and every problem found."""

    errors: list[Problem] = msgspec.field(default_factory=list)
    warnings: list[Problem] = msgspec.field(default_factory=list)
    inventory: Inventory | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class InventoryError(MaestroError, ValueError):
    """An inventory that cannot be used; `problems` lists each, with its path."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
