"""The web layer holds no SQL: every query lives in ``chainbrain.store`` or the analytics module that owns it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import chainbrain.api

API = Path(chainbrain.api.__file__).parent
#: routers whose queries still have to move down (none)
PENDING: set[str] = set()
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|VIEW|INDEX)|"
    r"WITH\s+RECURSIVE|DROP\s+TABLE|ALTER\s+TABLE)\b",
    re.IGNORECASE | re.DOTALL,
)


def _sql_strings(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{path.relative_to(API)}:{node.lineno}: {node.value[:60]!r}")
    return found


def test_the_pattern_finds_sql() -> None:
    assert SQL.search("SELECT id FROM site WHERE x = ?")
    assert SQL.search("insert into audit_log VALUES (?)")
    assert SQL.search(" count(*) FROM x") is None
    assert SQL.search("选择一个环节") is None


def test_no_sql_string_in_the_api_package() -> None:
    files = [p for p in sorted(API.rglob("*.py")) if str(p.relative_to(API)) not in PENDING]
    assert len(files) > 20
    found = [hit for p in files for hit in _sql_strings(p)]
    assert not found, "\n".join(found)
