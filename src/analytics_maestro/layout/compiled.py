"""The one place that chooses between the layout's compiled loops and the Python loops.

The compiled loops (`native/`, one C file per phase, built as the extension `_native` where a C
compiler was at hand) take the same steps as the Python ones (the same moves, ties, floating-point
operations and work spent), so a layout is byte-identical either way. Each phase module keeps its
Python loops as the reference, named `python_…`, and enters them through a facade of the same name
without the prefix, which asks `loops()` here which to run. `python_loops()` runs a block with the
Python loops (tests hold the two together; a context variable, so other threads are untouched).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from types import ModuleType

try:
    from analytics_maestro.layout import _native as native
except ImportError:  # pragma: no cover - installed without a C compiler
    native = None

_PYTHON_ONLY = contextvars.ContextVar("python_only", default=False)


def loops() -> ModuleType | None:
    """The compiled loops, or None where the Python loops are to run."""
    return None if _PYTHON_ONLY.get() else native


@contextlib.contextmanager
def python_loops() -> Iterator[None]:
    """Run the block with the Python loops, compiled ones built or not."""
    token = _PYTHON_ONLY.set(True)
    try:
        yield
    finally:
        _PYTHON_ONLY.reset(token)
