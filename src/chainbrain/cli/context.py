"""Shared CLI plumbing: the store from ``--db``, JSON or Rich output, errors with exit codes.

Rich loads only when something is rendered with it: :data:`console` and :data:`err_console` build their
:class:`rich.console.Console` on first use, so a ``--json`` command never imports Rich.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import duckdb
import typer
from typer.core import TyperCommand

from chainbrain.envsettings import core_settings
from chainbrain.errors import ChainbrainError
from chainbrain.store import connect
from chainbrain.store.connection import StoreLocked

#: options several command groups share, spelled and explained the same everywhere
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
TopOpt = Annotated[int, typer.Option("--top", help="每个列表最多显示的条数")]
DistrictOpt = Annotated[str | None, typer.Option("--district", help="区县代码（6位），如 500111 大足区")]


def _stdout_console() -> Any:
    from rich.console import Console

    out = Console()
    if not out.is_terminal:
        # piped or captured output (make demo | tee, CI logs): do not squeeze Chinese headers into 80 columns
        out = Console(width=160)
    return out


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


class LazyConsole:
    """A :class:`rich.console.Console` made on first use: every attribute read or set goes to it."""

    def __init__(self, make: Callable[[], Any]) -> None:
        object.__setattr__(self, "_make", make)
        object.__setattr__(self, "_console", None)

    def _get(self) -> Any:
        c = object.__getattribute__(self, "_console")
        if c is None:
            c = object.__getattribute__(self, "_make")()
            object.__setattr__(self, "_console", c)
        return c

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._get(), name)

    # special methods are looked up on the type, past __getattr__: Console's own, forwarded
    def __enter__(self) -> Any:
        return self._get().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._get().__exit__(*exc)

    def __repr__(self) -> str:
        return repr(self._get())

    # the settable properties of Console as properties here too, so that a save-and-restore of one (a test's
    # monkeypatch) reads and writes the console's, not an entry of the stand-in's own __dict__
    @property
    def width(self) -> int:
        return int(self._get().width)

    @width.setter
    def width(self, value: int) -> None:
        self._get().width = value

    @property
    def height(self) -> int:
        return int(self._get().height)

    @height.setter
    def height(self, value: int) -> None:
        self._get().height = value

    @property
    def file(self) -> Any:
        return self._get().file

    @file.setter
    def file(self, value: Any) -> None:
        self._get().file = value


console: Any = LazyConsole(_stdout_console)
err_console: Any = LazyConsole(_stderr_console)


@dataclass
class State:
    db: Path | None = None

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else core_settings().db


#: commands that write to the store (the path of command names below ``chainbrain``)
WRITE_COMMANDS = frozenset(
    {
        ("init",),
        ("import",),
        ("synth",),
        ("observe",),
        ("monitor", "snapshot"),
        ("need", "add"),
        ("need", "close"),
        ("offer", "add"),
        ("offer", "close"),
        ("user", "add"),
        ("user", "demo"),
        ("user", "passwd"),
        ("user", "deactivate"),
        ("user", "revoke"),
        ("invest", "leads", "add"),
        ("invest", "leads", "move"),
        ("invest", "leads", "from-recommend"),
    }
)
#: exit code when the store is held by another process (the server)
EXIT_LOCKED = 2


def command_names(ctx: typer.Context) -> tuple[str, ...]:
    """The names of the running command below the root, e.g. ``("need", "add")``."""
    names: list[str] = []
    c: Any = ctx  # typer.Context, then its click parents
    while c is not None and c.parent is not None:
        names.append(c.info_name or "")
        c = c.parent
    return tuple(reversed(names))


def locked_message(path: Path, e: StoreLocked, *, writes: bool) -> str:
    """One line in Chinese: who holds the store, and what to do instead."""
    holder = (
        f"另一个进程（PID {e.pid}，通常是 chainbrain serve）"
        if e.pid
        else "另一个进程（通常是 chainbrain serve）"
    )
    if writes:
        todo = "要写入数据，请在网页端操作（导入文件用「数据导入」页面），或先停止该服务再运行此命令"
    else:
        todo = "DuckDB 不允许其他进程同时读取：请在网页端查看，或先停止该服务再运行此命令"
    return f"数据库 {path} 正被{holder}占用；{todo}。"


def open_store(ctx: typer.Context, *, must_exist: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the store named by ``--db`` / ``CHAINBRAIN_DB``; refuse a missing file for read commands.

    A store held by another process (``chainbrain serve``) fails with one line saying what to do, exit 2.
    """
    state: State = ctx.obj if isinstance(ctx.obj, State) else State()
    path = state.db_path
    if must_exist and not path.exists():
        fail(f"数据库文件不存在：{path}。请先运行 chainbrain --db {path} init --demo", code=1)
    try:
        return connect(path)
    except StoreLocked as e:
        writes = not must_exist or command_names(ctx) in WRITE_COMMANDS
        fail(locked_message(path, e, writes=writes), code=EXIT_LOCKED)


def fail(message: str, *, code: int = 1) -> NoReturn:
    # one line whatever the width (a log line, not a paragraph); the message is text, not Rich markup
    from rich.text import Text

    err_console.print(Text.assemble(("错误：", "bold red"), message), soft_wrap=True)
    raise typer.Exit(code)


class HandledCommand(TyperCommand):
    """A command whose library errors (:class:`~chainbrain.errors.ChainbrainError`) end it the one way:
    their Chinese line in red on stderr (:func:`fail`) and their exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:  # a click context (typer bundles its own click)
        try:
            return super().invoke(ctx)
        except ChainbrainError as e:
            fail(e.message, code=e.exit_code)


class CommandGroup(typer.Typer):
    """A command group whose commands are :class:`HandledCommand` unless told otherwise."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or HandledCommand, **kwargs)


def boundary_text(text: str | None) -> str:
    """A ``--boundary`` value in canonical form (None: the configured default); a bad one fails with exit 1."""
    from chainbrain.chain.boundary import BoundaryError, parse_boundary  # only the commands that take one

    try:
        return parse_boundary(text if text is not None else core_settings().boundary).text
    except BoundaryError as e:
        fail(f"--boundary {e}")


def parse_day(text: str | None) -> dt.date | None:
    """An optional ``--date YYYY-MM-DD`` option as a date; a malformed one fails with exit 1."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"日期 {text!r} 应为 YYYY-MM-DD")


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


def print_data(items: Sequence[Any], **extra: Any) -> None:
    """A list as ``{"data": [...], "count": n, **extra}`` JSON, the shape every ``--json`` list uses."""
    print_json({"data": items, "count": len(items), **extra})


def print_list(
    items: Sequence[Any],
    as_json: bool,
    title: str,
    columns: Sequence[tuple[str, str]],
    row: Callable[[Any], dict[str, Any]],
) -> None:
    """``items`` as ``--json`` data, or as a Rich table of ``row(item)`` for each item."""
    if as_json:
        print_data(items)
    else:
        print_table(title, columns, [row(x) for x in items])


def print_table(
    title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]], *, fmt: dict | None = None
) -> None:
    """Render rows as a Rich table; ``columns`` are (key, 中文表头) pairs, ``fmt`` maps key → formatter."""
    from rich.table import Table

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
