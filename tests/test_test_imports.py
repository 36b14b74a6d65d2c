"""Tests share data through ``tests/fixtures/``, never by importing another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def local_module_names() -> set[str]:
    """Names under which a module of tests/ outside ``fixtures/`` could be imported (test_*, conftest)."""
    return {p.stem for p in TESTS.rglob("*.py") if "fixtures" not in p.relative_to(TESTS).parts}


def offending_imports(source: str, local: set[str]) -> list[str]:
    """The imports in ``source`` that reach another test module: by its name, through ``tests.``, or
    relatively (``from .test_x import …``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or ""))
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] in local or (parts[0] == "tests" and len(parts) > 1 and parts[1] != "fixtures"):
                found.append(name)
    return found


def test_the_check_catches_each_form() -> None:
    local = {"test_api", "test_chain", "conftest"}
    src = (
        "from test_api import PASSWORDS\nimport test_chain\nfrom .test_x import y\n"
        "from tests.test_api import build_store\nimport conftest\n"
        "from fixtures.api import PASSWORDS\nfrom tests.fixtures.chain import build_store\nimport json\n"
    )
    assert offending_imports(src, local) == [
        "test_api",
        "test_chain",
        ".test_x",
        "tests.test_api",
        "conftest",
    ]


def test_no_test_module_imports_another() -> None:
    local = local_module_names()
    bad = {
        str(p.relative_to(TESTS)): hits
        for p in sorted(TESTS.rglob("*.py"))
        if (hits := offending_imports(p.read_text(encoding="utf-8"), local))
    }
    assert bad == {}, f"move shared builders to tests/fixtures/: {bad}"


def test_shared_code_lives_in_fixtures() -> None:
    """Every other module beside the tests is a test module or a conftest."""
    loose = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if "fixtures" not in p.relative_to(TESTS).parts
        and not p.name.startswith("test_")
        and p.name != "conftest.py"
    ]
    assert loose == []
