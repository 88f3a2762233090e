"""The layout engine: a looked-up subgraph in, a Grid out. Pure: no I/O."""

from analytics_maestro.layout.engine import layout
from analytics_maestro.layout.grid import Cell, Grid, Route

__all__ = ["Cell", "Grid", "Route", "layout"]
