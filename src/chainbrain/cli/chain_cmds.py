"""``chain``: local supporting rate, gaps, supplier concentration and what-if, over :mod:`chainbrain.chain`."""

from __future__ import annotations

from typing import Annotated

import typer

from chainbrain.chain import (
    concentration,
    gaps,
    local_rate,
    parse_boundary,
    whatif,
)
from chainbrain.chain.local_rate import BUYERS, BY
from chainbrain.cli.context import (
    CommandGroup,
    boundary_text,
    console,
    fail,
    open_store,
    pct,
    print_json,
    print_table,
    yi,
)
from chainbrain.cli.options import finite

chain_app = CommandGroup(help="产业链图谱分析：本地配套率、补链缺口、供应集中度、新增本地供应商推演。")

BY_ZH = {"oem": "整车企业", "model": "车型", "segment": "产业链环节", "district": "区县", "city": "全市"}

BoundaryOpt = Annotated[
    str | None,
    typer.Option(
        "--boundary", help="本地边界：city（重庆市）、chengyu（成渝地区双城经济圈）或 radius:公里数"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _n(v: float) -> str:
    return f"{v:,.0f}"


@chain_app.command("local-rate")
def local_rate_cmd(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="汇总维度：oem | model | segment | district | city")
    ] = "oem",
    boundary: BoundaryOpt = None,
    buyers: Annotated[
        str, typer.Option("--buyers", help="采购方：oem（仅整车企业，默认，避免重复计算）或 all（全部）")
    ] = "oem",
    as_json: JsonOpt = False,
) -> None:
    """本地配套率（金额加权与数量加权），按整车企业、车型、环节、区县或全市汇总。

    Example:
        chainbrain --db cq.duckdb chain local-rate --by oem
        chainbrain --db cq.duckdb chain local-rate --by segment --boundary chengyu --json
    """
    if by not in BY:
        fail(f"--by 应为 {' | '.join(BY)}，实际为 {by!r}")
    if buyers not in BUYERS:
        fail(f"--buyers 应为 {' | '.join(BUYERS)}，实际为 {buyers!r}")
    b = boundary_text(boundary)
    rows = [r.to_dict() for r in local_rate(open_store(ctx), by, b, buyers)]
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    print_table(
        f"本地配套率（按{BY_ZH[by]}，边界 {parse_boundary(b).label_zh}）",
        [
            ("key", "编号"),
            ("name", "名称"),
            ("local_value", "本地采购额(亿元)"),
            ("total_value", "采购总额(亿元)"),
            ("rate_value", "本地配套率(金额)"),
            ("local_count", "本地供应关系(条)"),
            ("total_count", "供应关系(条)"),
            ("rate_count", "本地配套率(数量)"),
        ],
        rows,
        fmt={
            "local_value": yi,
            "total_value": yi,
            "rate_value": pct,
            "rate_count": pct,
            "local_count": lambda v: f"{v:,.1f}" if by == "model" else f"{v:,.0f}",
            "total_count": lambda v: f"{v:,.1f}" if by == "model" else f"{v:,.0f}",
        },
    )


@chain_app.command("gaps")
def gaps_cmd(
    ctx: typer.Context,
    boundary: BoundaryOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="只显示外购额最大的前 N 个环节")] = None,
    as_json: JsonOpt = False,
) -> None:
    """补链缺口：本地整车需求、本地产能、缺口、外购额、本地供应企业数与集中度（HHI）。

    Example:
        chainbrain --db cq.duckdb chain gaps --top 15
        chainbrain --db cq.duckdb chain gaps --boundary chengyu --json
    """
    b = boundary_text(boundary)
    rows = [g.to_dict() for g in gaps(open_store(ctx), b, top=top)]
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    for r in rows:
        flags = [
            ("missing", "空白"),
            ("short", "产能不足"),
            ("single_sourced", "单一来源"),
            ("concentrated", "高度集中"),
        ]
        r["flags"] = "、".join(zh for k, zh in flags if r[k])
    print_table(
        f"补链缺口（边界 {parse_boundary(b).label_zh}，按外购额排序）",
        [
            ("segment_id", "环节"),
            ("name", "名称"),
            ("unit", "单位"),
            ("demand", "本地需求"),
            ("local_capacity", "本地产能"),
            ("shortfall", "缺口"),
            ("outside_value", "外购额(亿元)"),
            ("local_value", "本地采购额(亿元)"),
            ("local_firms", "本地企业(家)"),
            ("hhi", "HHI"),
            ("flags", "判断"),
        ],
        rows,
        fmt={
            "demand": _n,
            "local_capacity": _n,
            "shortfall": _n,
            "outside_value": yi,
            "local_value": yi,
            "hhi": lambda v: f"{v:.2f}",
        },
    )


@chain_app.command("concentration")
def concentration_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """供应集中度：各整车企业 × 环节的供应企业数与 HHI，以及单一来源的 BOM 行（车型 × 环节）。

    Example:
        chainbrain --db cq.duckdb chain concentration
        chainbrain --db cq.duckdb chain concentration --json
    """
    c = concentration(open_store(ctx))
    if as_json:
        print_json(
            {
                "data": c.to_dict()["pairs"],
                "count": len(c.pairs),
                "single_sourced_lines": c.to_dict()["single_sourced_lines"],
            }
        )
        return
    print_table(
        "整车企业 × 环节 供应集中度",
        [
            ("oem_name", "整车企业"),
            ("segment_name", "环节"),
            ("supplier_firms", "供应企业(家)"),
            ("total_value", "采购额(亿元)"),
            ("hhi", "HHI"),
            ("single_sourced", "单一来源"),
        ],
        [p.__dict__ for p in c.pairs],
        fmt={"total_value": yi, "hhi": lambda v: f"{v:.2f}", "single_sourced": lambda v: "是" if v else ""},
    )
    print_table(
        f"单一来源的 BOM 行（{len(c.single_sourced_lines)} 行）",
        [
            ("model_name", "车型"),
            ("segment_name", "环节"),
            ("supplier_name", "唯一供应企业"),
            ("value", "采购额(亿元)"),
        ],
        [s.__dict__ for s in c.single_sourced_lines],
        fmt={"value": yi},
    )


@chain_app.command("whatif")
def whatif_cmd(
    ctx: typer.Context,
    segment: Annotated[str, typer.Option("--segment", help="新增本地供应商的产业链环节编号")],
    capacity: Annotated[float, typer.Option("--capacity", help="年产能（该环节单位/年）", callback=finite)],
    district: Annotated[str | None, typer.Option("--district", help="落地区县代码（6位），如 500112")] = None,
    boundary: BoundaryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """推演：新增一家本地供应商（环节、年产能、区县）后全市及各整车企业本地配套率的变化。不改动数据库。

    Example:
        chainbrain --db cq.duckdb chain whatif --segment battery.pack --capacity 200000 --district 500112
    """
    b = boundary_text(boundary)
    w = whatif(open_store(ctx), segment, capacity, district=district, boundary=b)
    if as_json:
        print_json(w.to_dict())
        return
    before, after = w.city_before, w.city_after
    console.print(
        f"新增 [bold]{segment}[/] 本地产能 {_n(capacity)}，实际替代外购 {_n(w.used_capacity)}，"
        f"替代金额 {yi(w.displaced_value)} 亿元（{len(w.displaced_links)} 条供应关系）"
    )
    console.print(
        f"{parse_boundary(b).label_zh}本地配套率(金额)：{_rate(before.rate_value)} → {_rate(after.rate_value)}"
        + (f"（提高 {w.rate_value_gain * 100:.2f} 个百分点）" if w.rate_value_gain is not None else "")
        + "；"
        f"(数量)：{_rate(before.rate_count)} → {_rate(after.rate_count)}"
    )
    if w.skipped_links:
        console.print(f"[yellow]{len(w.skipped_links)} 条外购关系缺少数量和 BOM 单价，未计入[/]")
    print_table(
        "各整车企业本地配套率变化",
        [
            ("name", "整车企业"),
            ("total_value", "采购总额(亿元)"),
            ("rate_value_before", "本地配套率(金额)·前"),
            ("rate_value_after", "本地配套率(金额)·后"),
            ("displaced_value", "替代金额(亿元)"),
        ],
        [o.__dict__ for o in w.oems],
        fmt={"total_value": yi, "rate_value_before": pct, "rate_value_after": pct, "displaced_value": yi},
    )


def _rate(v: float | None) -> str:
    return "—" if v is None else pct(v)


def register(app: typer.Typer) -> None:
    app.add_typer(chain_app, name="chain")
