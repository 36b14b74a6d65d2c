"""Shared CLI plumbing: the store from ``--db``, JSON or Rich output, errors with exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from chainbrain.settings import get_settings
from chainbrain.store import connect

console = Console()
if not console.is_terminal:
    # piped or captured output (make demo | tee, CI logs): do not squeeze Chinese headers into 80 columns
    console = Console(width=160)
err_console = Console(stderr=True)


@dataclass
class State:
    db: Path | None = None

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else get_settings().db


def open_store(ctx: typer.Context, *, must_exist: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the store named by ``--db`` / ``CHAINBRAIN_DB``; refuse a missing file for read commands."""
    state: State = ctx.obj if isinstance(ctx.obj, State) else State()
    path = state.db_path
    if must_exist and not path.exists():
        fail(f"数据库文件不存在：{path}。请先运行 chainbrain --db {path} init --demo", code=1)
    return connect(path)


def fail(message: str, *, code: int = 1) -> None:
    err_console.print(f"[bold red]错误：[/]{message}")
    raise typer.Exit(code)


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(o)
    raise TypeError(f"cannot encode {type(o).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=_default, indent=2) + "\n")


def print_table(
    title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]], *, fmt: dict | None = None
) -> None:
    """Render rows as a Rich table; ``columns`` are (key, 中文表头) pairs, ``fmt`` maps key → formatter."""
    fmt = fmt or {}
    table = Table(title=title, show_lines=False)
    for _, header in columns:
        table.add_column(header)
    for r in rows:
        cells = []
        for key, _ in columns:
            v = r.get(key)
            if key in fmt and v is not None:
                cells.append(fmt[key](v))
            else:
                cells.append("" if v is None else str(v))
        table.add_row(*cells)
    console.print(table)


def pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def yi(v: float) -> str:
    """元 → 亿元 with two decimals."""
    return f"{v / 1e8:,.2f}"
