"""Pausing Python's cyclic garbage collector while large inventories and graphs are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring it afterwards.

    Building a large inventory allocates millions of objects that all live on; the collector would
    scan them again and again for nothing (validating 100,000 applications and their servers takes
    7.7 s with it, 1.5 s without). Reference counting still frees everything as usual.

    With `freeze`, what exists at the end is moved out of the collector's sight before it restarts
    (for a command that is about to exit): otherwise its first pass scans all of it once more.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()
