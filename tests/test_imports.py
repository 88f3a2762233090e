"""The package's import graph: no cycle between modules, data flowing one way between packages, and
the drawing path free of the store, the service and the validation library."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "analytics_maestro"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(top_level_only: bool = True) -> dict[str, set[str]]:
    """Module → the modules it imports: those run when the module is imported (not inside functions
    nor for type checkers only), or with `top_level_only=False` every import anywhere in it."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        body = tree.body if top_level_only else list(ast.walk(tree))
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` imports that module; `from module import name`, the module
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                           for a in node.names]  # fmt: skip
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph`, or [] when it has none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return exc.args[1]
    return []


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) in (["a", "c", "b", "a"], ["a", "b", "c", "a"],
                                                         ["b", "a", "c", "b"], ["c", "b", "a", "c"])  # fmt: skip
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others():
    assert cycle(import_graph()) == []


def test_nor_through_imports_made_inside_functions():
    graph = import_graph(top_level_only=False)
    # a package's __init__ may name the modules below it (the runners); what counts is reaching back
    graph = {a: {b for b in targets if not b.startswith(a + ".")} for a, targets in graph.items()}
    assert cycle(graph) == []


def test_the_pipeline_never_imports_the_workers_module():
    graph = import_graph(top_level_only=False)
    assert [m for m, targets in graph.items() if m.startswith("analytics_maestro.pipeline")
            and "analytics_maestro.celery" in targets] == []  # fmt: skip


def test_pure_packages_import_nothing_from_the_service():
    graph = import_graph(top_level_only=False)
    service = ("analytics_maestro.web", "analytics_maestro.pipeline", "analytics_maestro.celery",
               "analytics_maestro.inventory")  # fmt: skip
    for pure in ("layout", "analytics", "render"):
        for module in [m for m in graph if m.startswith(f"analytics_maestro.{pure}")]:
            bad = sorted(t for t in graph[module] if t.startswith(service))
            assert bad == [], f"{module} imports {bad}"


def test_the_drawing_path_loads_no_store_no_service_and_no_pydantic():
    code = (
        "import sys, analytics_maestro.cli, analytics_maestro.pipeline.diagram, analytics_maestro.inventory.memory;"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('sqlalchemy', 'pydantic', 'flask', 'celery') or m.startswith('analytics_maestro.web'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
