"""The layout's inner loops compiled (`_native.c`), or None where the package was installed without
a C compiler.

The compiled loops take the same steps as the Python ones they stand in for (the same moves, ties,
floating-point operations and work spent), so a layout is byte-identical either way; the Python
loops are the reference, and tests hold the two together. Callers look `native` up at each call,
so a test can set it to None to run the Python loops."""

try:
    from analytics_maestro.layout import _native as native
except ImportError:  # pragma: no cover - installed without a C compiler
    native = None
