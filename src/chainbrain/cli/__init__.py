"""The ``chainbrain`` command: thin commands over the library, zh-CN output by default.

Each command group lives in its own module and registers itself on :data:`app` here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainbrain.cli.context import State

app = typer.Typer(
    name="chainbrain",
    help="chainbrain 产业大脑：智能网联新能源汽车产业链图谱、目标监测、本地配套、韧性分析。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB 数据库文件（默认 ./chainbrain.duckdb，或环境变量 CHAINBRAIN_DB）"),
    ] = None,
) -> None:
    """chainbrain 产业大脑命令行。

    Example:
        chainbrain --db cq.duckdb init --demo
        chainbrain --db cq.duckdb stats
    """
    ctx.obj = State(db=db)


def _register() -> None:
    from chainbrain.cli import (
        chain_cmds,
        core,
        events_cmds,
        invest_cmds,
        io_cmds,
        resilience_cmds,
        synth_cmds,
        targets_cmds,
        web_cmds,
    )

    for module in (
        core,
        io_cmds,
        chain_cmds,
        synth_cmds,
        targets_cmds,
        invest_cmds,
        resilience_cmds,
        events_cmds,
        web_cmds,
    ):
        module.register(app)


_register()


def main() -> None:
    app()
