"""The ``chainbrain`` command: thin commands over the library, zh-CN output by default.

Each command group lives in its own module with a ``register(app)`` function. The modules load lazily:
:data:`COMMANDS` names every top-level command, the module that registers it and the line
``chainbrain --help`` shows for it, so ``--help`` and any one command import only what they need (one
command module, never jieba, pandas or openpyxl for ``stats``). Adding a command group is one line in
:data:`COMMANDS`::

    ("battery", "battery_cmds", "动力电池：……"),

The listed line must be the first line of the command's own help (its docstring, or the group's
``help=``); tests/test_cli_imports.py renders ``--help`` both ways and fails when they differ.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from chainbrain.cli import fastparams
from chainbrain.cli.context import State

fastparams.install()

#: (top-level name, module under chainbrain.cli whose ``register`` adds it, its line in ``--help``)
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "init",
        "core",
        "创建（或升级）数据库；加 --demo 载入内置的重庆产业链数据，并预先计算、保存供应链韧性结果。",
    ),
    ("stats", "core", "各数据表的记录数。"),
    (
        "import",
        "io_cmds",
        "导入数据表：先逐行检查，全部无误才在一个事务中写入（有任何问题则一条都不写，退出码 2）。",
    ),
    (
        "export",
        "io_cmds",
        "导出数据表为 CSV（UTF-8 带 BOM，Excel 可直接打开）、XLSX 或 JSON；导出的文件可原样再导入。",
    ),
    (
        "template",
        "io_cmds",
        "生成 Excel 导入模板：中文表头（每个表头有批注说明和示例）、下拉选项、示例行和“说明”页。",
    ),
    ("synth", "synth_cmds", "生成合成的全国规模产业链数据（状态 synthetic），用于规模测试和基准测试。"),
    (
        "targets",
        "targets_cmds",
        "规划目标清单：计划原文、单位、目标值、年份、类型、基期与出处（文件与条款）。",
    ),
    ("observe", "targets_cmds", "记录一个目标某期的观测值（只追加；更正须加 --correction）。"),
    (
        "report",
        "targets_cmds",
        "生成目标监测简报：Word（摘要、预警、全部目标表、滑坡目标图表、数据来源）或 Excel（目标与观测）。",
    ),
    ("serve", "web_cmds", "启动网页端与 API（前端页面在 /，API 在 /api/v1，接口文档在 /docs）。"),
    ("chain", "chain_cmds", "产业链图谱分析：本地配套率、补链缺口、供应集中度、新增本地供应商推演。"),
    ("monitor", "targets_cmds", "目标监测预警：各目标状态（达标/正常/预警/滞后）、预测与追赶要求。"),
    ("invest", "invest_cmds", "招商引资：补链强链候选企业推荐、区县招商清单、招商线索跟踪与导出。"),
    ("cultivate", "cultivate_cmds", "企业培育：专精特新、小巨人候选名单与传统零部件企业转型。"),
    ("need", "match_cmds", "采购需求：发布与查看。"),
    ("offer", "match_cmds", "供给能力：发布与查看。"),
    ("match", "match_cmds", "供需对接：为需求推荐供应商，为供给推荐需求，评测匹配质量。"),
    (
        "resilience",
        "resilience_cmds",
        "供应链韧性：恢复时间（TTR）损失与生存时间（TTS）、备份供应商、应急库存。",
    ),
    ("siting", "siting_cmds", "站点选址：集合覆盖（LSCP）、最大覆盖（MCLP）、p-中位、p-中心（HiGHS 求解）。"),
    ("infra", "infra_cmds", "充换电与车路云：站点清单、乡镇街道超充覆盖、车路云建设进度与目标。"),
    ("battery", "battery_cmds", "动力电池溯源：GB/T 34014 电池编码解析、追溯、导入、上报期限与断链检查。"),
    ("events", "events_cmds", "事件监测：新闻实体链接、事件录入与导入、影响测算、预警订阅、事件处置。"),
    (
        "user",
        "web_cmds",
        "网页端用户：添加、列出、改密码、停用、注销全部会话（角色 admin / analyst / enterprise / viewer）。",
    ),
)

_MODULE = {name: module for name, module, _ in COMMANDS}
_LINE = {name: line for name, _, line in COMMANDS}
_built: dict[str, Mapping[str, Any]] = {}


def _module_commands(module: str) -> Mapping[str, Any]:
    """The click commands ``chainbrain.cli.<module>.register`` adds, built once per process."""
    if module not in _built:
        mod = importlib.import_module(f"chainbrain.cli.{module}")
        sub = typer.Typer(rich_markup_mode=app.rich_markup_mode)
        mod.register(sub)
        _built[module] = dict(typer.main.get_group(sub).commands)
    return _built[module]


class _LazyCommands(MutableMapping[str, Any]):
    """A group's sub-commands by name: the eager ones, then every :data:`COMMANDS` name, whose module is
    imported on first access (``--help`` lists them without, see :meth:`LazyGroup.get_command`)."""

    def __init__(self, eager: Mapping[str, Any]) -> None:
        self._eager = dict(eager)

    def peek(self, name: str) -> Any:
        """The command if it is already built, else a stand-in carrying only its name and help line."""
        if name in self._eager:
            return self._eager[name]
        module = _MODULE.get(name)
        if module is None:
            return None
        if module in _built:
            return _built[module][name]
        return TyperCommand(name=name, help=_LINE[name])

    def __getitem__(self, name: str) -> Any:
        if name in self._eager:
            return self._eager[name]
        if name in _MODULE:
            return _module_commands(_MODULE[name])[name]
        raise KeyError(name)

    def __setitem__(self, name: str, cmd: Any) -> None:
        self._eager[name] = cmd

    def __delitem__(self, name: str) -> None:
        del self._eager[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._eager
        yield from (name for name in _MODULE if name not in self._eager)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class LazyGroup(TyperGroup):
    """The root group: sub-commands from :data:`COMMANDS`, each module imported only when its command runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(self.commands)
        self._listing = False

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # the help page lists every command by its registered line, importing none of them
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: TyperGroup's own reads every value

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        commands = self.commands
        if self._listing and isinstance(commands, _LazyCommands):
            return commands.peek(cmd_name)
        return commands.get(cmd_name)


app = typer.Typer(
    name="chainbrain",
    cls=LazyGroup,
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


def load_all() -> None:
    """Import and build every command module (the CLI reference and its tests walk them all)."""
    for module in dict.fromkeys(_MODULE.values()):
        _module_commands(module)


def main() -> None:
    app()
