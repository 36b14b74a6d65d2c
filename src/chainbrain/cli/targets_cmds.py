"""``targets``, ``monitor``, ``observe`` and ``report``: the plan-target cockpit over :mod:`chainbrain.monitor`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from chainbrain.cli.context import (
    CommandGroup,
    HandledCommand,
    console,
    fail,
    open_store,
    print_json,
    print_table,
)
from chainbrain.io.problems import ImportRejected
from chainbrain.monitor.observations import observations, observe
from chainbrain.monitor.registry import KIND_ZH, get_target, list_targets
from chainbrain.monitor.status import assess, assess_all, summary, warnings
from chainbrain.report.data import fmt

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="评估日期 YYYY-MM-DD（默认今天）", show_default=False)
]

monitor_app = CommandGroup(help="目标监测预警：各目标状态（达标/正常/预警/滞后）、预测与追赶要求。")


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        fail(f"--as-of 应为 YYYY-MM-DD，实际为 {text!r}（{e}）", code=2)


def _num(v: float | None) -> str:
    return "" if v is None else fmt(v)


def targets_cmd(
    ctx: typer.Context,
    document: Annotated[
        str | None, typer.Option("--document", help="只看某份文件（编号或标题中的字）", show_default=False)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """规划目标清单：计划原文、单位、目标值、年份、类型、基期与出处（文件与条款）。

    Example:
        chainbrain --db cq.duckdb targets
        chainbrain --db cq.duckdb targets --document 渝链智擎 --json
    """
    rows = list_targets(open_store(ctx), document=document)
    if as_json:
        print_json({"data": [t.public() for t in rows], "count": len(rows)})
        return
    print_table(
        f"规划目标（{len(rows)} 项）",
        [
            ("id", "编号"),
            ("name", "目标"),
            ("target", "目标值"),
            ("year", "年份"),
            ("kind", "类型"),
            ("baseline", "基期"),
            ("cite", "出处"),
        ],
        [
            {
                "id": t.id,
                "name": t.name,
                "target": (
                    f"{_num(t.value)}–{_num(t.max_value)}{t.unit}"
                    if t.max_value is not None
                    else f"{'≤' if t.direction == 'at_most' else ''}{_num(t.value)}{t.unit}"
                ),
                "year": f"{t.year}年",
                "kind": KIND_ZH[t.kind],
                "baseline": f"{t.baseline_year}年 {_num(t.baseline_value)}"
                if t.baseline_value is not None
                else "",
                "cite": f"{t.document}{t.clause}（{t.document_status}）",
            }
            for t in rows
        ],
    )


@monitor_app.callback(invoke_without_command=True)
def monitor_cmd(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    only_warnings: Annotated[
        bool, typer.Option("--warnings", help="只列预警和滞后目标（按严重程度）")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """各目标的状态、最新值、计划路径要求值与预测值；--warnings 只列需要关注的目标。

    Example:
        chainbrain --db cq.duckdb monitor
        chainbrain --db cq.duckdb monitor --warnings --json
        chainbrain --db cq.duckdb monitor snapshot
    """
    if ctx.invoked_subcommand is not None:
        return
    found = assess_all(open_store(ctx), as_of=_date(as_of))
    rows = warnings(found) if only_warnings else found
    if as_json:
        print_json({"data": [a.to_dict() for a in rows], "count": len(rows), "summary": summary(found)})
        return
    counts = "，".join(f"{k} {v}" for k, v in summary(found).items())
    print_table(
        f"目标监测（{counts}）",
        [
            ("id", "编号"),
            ("status", "状态"),
            ("latest_s", "最新值"),
            ("required_now", "路径要求(今)"),
            ("projected_s", "预测(目标年)"),
            ("target_s", "目标"),
            ("next_s", "下期应达到"),
            ("reason", "依据"),
        ],
        [
            a.to_dict()
            | {
                "latest_s": f"{_num(a.latest)}（{a.latest_period}）" if a.latest is not None else "",
                "projected_s": _num(a.projected),
                "target_s": f"{_num(a.value)}{a.unit}（{a.year}）",
                "next_s": f"{_num(a.catch_up[0]['level'])}（{a.catch_up[0]['period']}）"
                if a.catch_up
                else "",
            }
            for a in rows
        ],
        fmt={"required_now": _num},
    )


@monitor_app.command("snapshot")
def snapshot_cmd(ctx: typer.Context, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """从数据库计算可实时测量的目标（零部件企业数、专精特新、渝西企业、本地配套率变化等）并记录为观测。

    Example:
        chainbrain --db cq.duckdb monitor snapshot
        chainbrain --db cq.duckdb monitor snapshot --as-of 2026-10-31 --json
    """
    from chainbrain.monitor.live import snapshot

    try:
        res = snapshot(open_store(ctx), as_of=_date(as_of))
    except ImportRejected as e:
        fail(f"快照被拒绝：{e}", code=2)
        return
    data = [r.__dict__ for r in res]
    if as_json:
        print_json({"data": data, "count": len(data)})
        return
    print_table(
        "数据库快照",
        [
            ("target_id", "目标"),
            ("indicator", "指标"),
            ("period", "期间"),
            ("value", "数值"),
            ("skipped_reason", "未写入原因"),
        ],
        data,
        fmt={"value": _num},
    )


@monitor_app.command("show")
def show_cmd(ctx: typer.Context, target_id: str, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """一个目标的全部观测（含被更正的旧记录）、评估结果和每期追赶要求。

    Example:
        chainbrain --db cq.duckdb monitor show yulian27_parts_firms
    """
    conn = open_store(ctx)
    try:
        target = get_target(conn, target_id)
    except KeyError as e:
        fail(str(e.args[0]), code=2)
        return
    history = observations(conn, target_id, include_superseded=True)
    a = assess(target, [o for o in history if not o.superseded], as_of=_date(as_of))
    if as_json:
        print_json({"target": target.public(), "assessment": a.to_dict(), "observations": history})
        return
    console.print(f"[bold]{target.name}[/]  {target.document}{target.clause}")
    console.print(f"状态：[bold]{a.status}[/]（{a.reason}）；预测方法：{a.method or '—'}")
    print_table(
        "观测记录",
        [
            ("period", "期间"),
            ("value", "数值"),
            ("source", "来源"),
            ("as_of", "截至"),
            ("status", "状态"),
            ("superseded", "已被更正"),
        ],
        [o.__dict__ | {"superseded": "是" if o.superseded else ""} for o in history],
        fmt={"value": _num},
    )
    if a.catch_up:
        print_table(
            "追赶要求（每期末应达到）",
            [("period", "期间"), ("level", "应达到")],
            [{"period": c["period"], "level": c["level"]} for c in a.catch_up],
            fmt={"level": _num},
        )


def observe_cmd(
    ctx: typer.Context,
    target_id: Annotated[str, typer.Argument(help="目标编号（见 chainbrain targets）")],
    period: Annotated[str, typer.Argument(help="期间：2025（年）、2025Q3（季度）或 2025-09（月）")],
    value: Annotated[str, typer.Argument(help="数值，用目标的单位")],
    source: Annotated[str, typer.Option("--source", help="来源：文件、文号或网址")],
    as_of: AsOfOpt = None,
    unit: Annotated[str | None, typer.Option("--unit", help="单位（填写时须与目标单位一致）")] = None,
    correction: Annotated[bool, typer.Option("--correction", help="更正已有数值（旧记录保留）")] = False,
    status: Annotated[str, typer.Option("--status", help="verified | illustrative | synthetic")] = "verified",
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
) -> None:
    """记录一个目标某期的观测值（只追加；更正须加 --correction）。

    Example:
        chainbrain --db cq.duckdb observe yulian27_exports 2026Q3 950 --source "市商务委月报" --as-of 2026-10-20
        chainbrain --db cq.duckdb observe yulian27_exports 2026Q3 962 --source "更正" --correction
    """
    conn = open_store(ctx)
    try:
        n = observe(
            conn, target_id, period, value, source=source, as_of=_date(as_of), unit=unit,
            correction=correction, status=status, note=note,
        )  # fmt: skip
    except ImportRejected as e:
        for p in e.problems:
            console.print(f"[red]{p.column}[/]（{p.value}）：{p.reason}")
        fail("未写入任何数据", code=2)
        return
    console.print("已记录" if n else "与已有数值相同，未重复记录")


def report_cmd(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件 .docx 或 .xlsx")],
    fmt: Annotated[str | None, typer.Option("--format", help="docx | xlsx（默认按文件扩展名）")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """生成目标监测简报：Word（摘要、预警、全部目标表、滑坡目标图表、数据来源）或 Excel（目标与观测）。

    Example:
        chainbrain --db cq.duckdb report --format docx -o 目标监测简报.docx
        chainbrain --db cq.duckdb report --format xlsx -o 目标监测.xlsx
    """
    kind = (fmt or output.suffix.lstrip(".")).lower()
    if kind not in ("docx", "xlsx"):
        fail(f"--format 应为 docx 或 xlsx，实际为 {kind!r}", code=2)
    from chainbrain.report import FontMissing, write_docx, write_xlsx

    conn = open_store(ctx)
    try:
        if kind == "docx":
            write_docx(conn, output, as_of=_date(as_of))
        else:
            write_xlsx(conn, output, as_of=_date(as_of))
    except FontMissing as e:
        fail(str(e), code=1)
    console.print(f"已生成 {output}")


def register(app: typer.Typer) -> None:
    app.command("targets", cls=HandledCommand)(targets_cmd)
    app.add_typer(monitor_app, name="monitor")
    app.command("observe", cls=HandledCommand)(observe_cmd)
    app.command("report", cls=HandledCommand)(report_cmd)
