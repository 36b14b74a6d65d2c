"""``init`` and ``stats``."""

from __future__ import annotations

from typing import Annotated

import typer

from chainbrain.cli.context import HandledCommand, console, fail, open_store, print_json, print_table
from chainbrain.store.records import counts

TABLE_ZH = {
    "districts": "行政区划",
    "segments": "产业链环节",
    "enterprises": "企业",
    "sites": "厂区/场所",
    "vehicle_models": "车型",
    "bom_lines": "BOM 行",
    "supply_links": "供应关系",
    "targets": "规划目标",
    "observations": "目标观测值",
}


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="载入内置的重庆示例数据")] = False,
) -> None:
    """创建（或升级）数据库；加 --demo 载入内置的重庆产业链数据，并预先计算、保存供应链韧性结果。

    Example:
        chainbrain --db cq.duckdb init --demo
    """
    conn = open_store(ctx, must_exist=False)
    if demo:
        from chainbrain.data import load_demo

        try:
            load_demo(conn)
        except ValueError as e:
            fail(str(e), code=1)
        from chainbrain.resilience.dbnet import stored_sweep

        # the 供应链韧性 page then answers from the store on the server's first start
        with console.status("正在预先计算供应链韧性（每个场所中断的损失与生存时间）…"):
            stored_sweep(conn)
    else:
        from chainbrain.data import load_reference

        load_reference(conn)
    n = counts(conn)
    console.print(f"数据库已就绪：{ctx.obj.db_path}（企业 {n['enterprises']} 家，场所 {n['sites']} 个）")


def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """各数据表的记录数。

    Example:
        chainbrain stats --json
    """
    conn = open_store(ctx)
    n = counts(conn)
    extra = counts(conn, ["target", "observation"])
    n.update({"targets": extra["target"], "observations": extra["observation"]})
    if as_json:
        print_json(n)
        return
    print_table(
        "数据统计",
        [("table", "数据表"), ("zh", "名称"), ("n", "记录数")],
        [{"table": k, "zh": TABLE_ZH.get(k, k), "n": v} for k, v in n.items()],
    )


def register(app: typer.Typer) -> None:
    app.command("init", cls=HandledCommand)(init)
    app.command("stats", cls=HandledCommand)(stats)
