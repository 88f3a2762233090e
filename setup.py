"""The compiled part of the layout engine; everything else about the package is in pyproject.toml.

The extension is optional: without a C compiler the package installs all the same and the layout
runs its pure-Python loops, which give the same result, only slower."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "analytics_maestro.layout._native",
            ["src/analytics_maestro/layout/_native.c"],
            # no fused multiply-adds: the floating-point results must be those of the Python loops
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
