"""The compiled parts (the layout's inner loops, the renderer's number formatting); everything else
about the package is in pyproject.toml.

The extensions are optional: without a C compiler the package installs all the same and runs the
Python code they stand in for, which gives the same result, only slower."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "analytics_maestro.layout._native",
            ["src/analytics_maestro/layout/_native.c"],
            # no fused multiply-adds: the floating-point results must be those of the Python loops
            extra_compile_args=["-O2", "-ffp-contract=off"],
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
