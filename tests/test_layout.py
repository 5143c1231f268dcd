"""The benchmarks stand on their own: they never import the tests.

The tests use the benchmarks (the harness, the servers' helpers); were the
benchmarks to import the tests as well, neither could change without the
other, and ``python -m benchmarks.run`` would need the test tools installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def imported_modules(source: str) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``source`` names."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def imports_tests(modules: set[str]) -> set[str]:
    return {name for name in modules if name == "tests" or name.startswith("tests.")}


def test_the_check_sees_both_ways_of_importing_the_tests() -> None:
    source = "import tests.factories\nfrom tests import servers\nimport testsuite\n"
    assert imports_tests(imported_modules(source)) == {"tests.factories", "tests"}


def test_no_benchmark_module_imports_the_tests() -> None:
    modules = sorted(BENCHMARKS.rglob("*.py"))
    assert BENCHMARKS / "run.py" in modules  # the folder really was searched
    offenders = {
        str(path.relative_to(BENCHMARKS.parent)): sorted(found)
        for path in modules
        if (found := imports_tests(imported_modules(path.read_text())))
    }
    assert offenders == {}
