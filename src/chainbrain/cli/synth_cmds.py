"""``synth``: write a synthetic national-scale chain map into the store (:mod:`chainbrain.synth`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainbrain.battery.scale import ScaleError, synthesize_batteries
from chainbrain.cli.context import HandledCommand, State, console, fail, open_store, print_json, print_table
from chainbrain.cli.core import TABLE_ZH
from chainbrain.synth import synthesize


def synth(
    ctx: typer.Context,
    firms: Annotated[int, typer.Option("--firms", min=10, help="合成企业数")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（同一种子生成同样的数据）")] = 0,
    links: Annotated[
        int | None, typer.Option("--links", min=0, help="供应关系数（默认 10 × 企业数）")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="写入的数据库文件（默认取全局 --db）")] = None,
    batteries: Annotated[
        int, typer.Option("--batteries", min=0, help="另生成合成动力电池包数（每包2模块、8单体）")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成合成的全国规模产业链数据（状态 synthetic），用于规模测试和基准测试。

    企业分布于各省，每家一个或多个场所；整车企业有工厂、车型和 BOM；供应关系默认为企业数的 10 倍。
    请写入新的数据库文件：已有合成数据的库会被拒绝。

    Example:
        chainbrain --db synth.duckdb synth --firms 100000 --seed 42
        chainbrain synth --firms 2000 --links 5000 --seed 1 --db small.duckdb --json
        chainbrain --db synth.duckdb synth --firms 1000 --batteries 100000
    """
    if db is not None:
        ctx.obj = State(db=db)
    conn = open_store(ctx, must_exist=False)
    try:
        report = synthesize(conn, firms, seed=seed, links=links)
        if batteries:
            b = synthesize_batteries(conn, batteries, seed)
            report.counts.update(battery_units=b.units, battery_events=b.events)
    except ScaleError as e:  # the battery generator's own error (not a ChainbrainError)
        fail(str(e))
    finally:
        conn.close()
    if as_json:
        print_json({"seed": report.seed, "counts": report.counts, "seconds": round(report.seconds, 3)})
        return
    print_table(
        f"合成数据已写入 {ctx.obj.db_path}（种子 {seed}，用时 {report.seconds:.1f} 秒）",
        [("table", "数据表"), ("zh", "名称"), ("n", "新增记录数")],
        [{"table": k, "zh": TABLE_ZH.get(k, k), "n": f"{v:,}"} for k, v in report.counts.items()],
    )
    console.print("[yellow]以上均为合成数据（synthetic），不代表任何真实企业。[/]")


def register(app: typer.Typer) -> None:
    app.command("synth", cls=HandledCommand)(synth)
