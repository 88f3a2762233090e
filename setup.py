"""The compiled parts (the layout's inner loops, the renderer's number formatting); everything else
about the package is in pyproject.toml.

The extensions are optional: without a C compiler the package installs all the same and runs the
Python code they stand in for, which gives the same result, only slower."""

from pathlib import Path

from setuptools import Extension, setup

NATIVE = Path("src/analytics_maestro/layout/native")

setup(
    ext_modules=[
        Extension(
            "analytics_maestro.layout._native",
            # one file per phase of the layout, as its Python modules (see native/native.h)
            sorted(str(path) for path in NATIVE.glob("*.c")),
            depends=[str(NATIVE / "native.h")],
            # no fused multiply-adds: the floating-point results must be those of the Python loops;
            # only the module's init function is exported
            extra_compile_args=["-O2", "-ffp-contract=off", "-fvisibility=hidden"],
            optional=True,
        ),
        Extension(
            "analytics_maestro.render._numbers",
            ["src/analytics_maestro/render/_numbers.c"],
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        ),
    ]
)
