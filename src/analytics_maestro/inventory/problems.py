"""What reading an inventory reports: each problem with its path, and the outcome of a validation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

from analytics_maestro.errors import MaestroError

if TYPE_CHECKING:
    from analytics_maestro.model import Inventory


class Problem(msgspec.Struct, frozen=True, order=True):
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


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
