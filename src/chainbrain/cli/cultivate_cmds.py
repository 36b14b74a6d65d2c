"""``cultivate``: 培育 over :mod:`chainbrain.invest` — 专精特新 and 小巨人 candidates checked clause by clause
against the criteria, and traditional parts firms that could move into new-energy segments. Thin: parse,
call, render (Rich tables in Chinese, or ``--json``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from chainbrain.cli.context import (
    CommandGroup,
    DistrictOpt,
    JsonOpt,
    TopOpt,
    console,
    fail,
    open_store,
    pct,
    print_data,
    print_list,
    print_table,
)
from chainbrain.invest import cultivate, transform
from chainbrain.invest.criteria import TIER_ZH, criteria_table

cultivate_app = CommandGroup(help="企业培育：专精特新、小巨人候选名单与传统零部件企业转型。")

FirmOpt = Annotated[str | None, typer.Option("--firm", help="只看一家企业的逐项核对")]


def _assess_row(a: cultivate.TierAssessment) -> dict[str, Any]:
    names = {c.key: c.name_zh for c in a.checks}
    return {"enterprise_id": a.enterprise_id, "name": a.name, "district": a.district_name or a.district_code,
            "met": len(a.met), "missed": "；".join(names[k] for k in a.missed),
            "unknown": "；".join(names[k] for k in a.unknown), "score": pct(a.score)}  # fmt: skip


def _tier(
    ctx: typer.Context, tier: str, district: str | None, top: int, firm: str | None, as_json: bool
) -> None:
    conn = open_store(ctx)
    if firm:
        facts = cultivate.firm_facts(conn, [firm])
        if not facts:
            fail(f"企业 {firm} 不存在")
        items = [cultivate.assess(facts[firm], tier)]
    else:
        items = cultivate.candidates(conn, tier, district=district, top=top)
    if as_json:
        print_data(items, progress=cultivate.progress(conn))
        return
    if firm:
        rows = [{"name": c.name_zh, "status": cultivate.STATUS_ZH[c.status], "values": "；".join(c.values_zh),
                 "clause": c.clause, "reason": c.reason} for c in items[0].checks]  # fmt: skip
        cols = [
            ("name", "条件"),
            ("status", "结果"),
            ("values", "企业数据"),
            ("clause", "出处"),
            ("reason", "说明"),
        ]
        print_table(f"{items[0].name}：{TIER_ZH[tier]}认定条件逐项核对", cols, rows)
        return
    cols = [("enterprise_id", "编号"), ("name", "企业"), ("district", "区县"), ("met", "满足数"), ("score", "满足率"),
            ("missed", "不满足"), ("unknown", "缺数据")]  # fmt: skip
    print_table(f"{TIER_ZH[tier]}候选名单", cols, [_assess_row(a) for a in items])
    for p in cultivate.progress(conn):
        if p["tier"] == tier:
            console.print(
                f"现有{p['tier_zh']} {p['count']} 家，2027年目标 {p['target']} 家（渝链智擎 二(四)）"
            )


@cultivate_app.command("zjtx")
def zjtx_cmd(ctx: typer.Context, district: DistrictOpt = None, top: TopOpt = 20,
             firm: FirmOpt = None,
             as_json: JsonOpt = False) -> None:  # fmt: skip
    """专精特新中小企业候选名单（按工信部 2022 梯度培育办法逐项核对：满足 / 不满足 / 缺数据）。

    Example:
        chainbrain --db cq.duckdb cultivate zjtx --top 20
        chainbrain --db cq.duckdb cultivate zjtx --firm fill0101
    """
    _tier(ctx, "zjtx", district, top, firm, as_json)


@cultivate_app.command("xjr")
def xjr_cmd(ctx: typer.Context, district: DistrictOpt = None, top: TopOpt = 20,
            firm: FirmOpt = None,
            as_json: JsonOpt = False) -> None:  # fmt: skip
    """专精特新“小巨人”候选名单（逐项核对认定条件）。

    Example:
        chainbrain --db cq.duckdb cultivate xjr --district 500106
    """
    _tier(ctx, "xjr", district, top, firm, as_json)


def _criterion_row(r: dict[str, Any]) -> dict[str, Any]:
    verified = (
        "已对照转载文本核对" if r["verified_here"] else ("不评估" if not r["assessed"] else "未核对原文")
    )
    return {**r, "verified": verified, "test": "；".join(r["tests"])}


@cultivate_app.command("criteria")
def criteria_cmd(as_json: JsonOpt = False) -> None:
    """认定条件阈值表（一张表，注明出处与是否已在本地核对原文）。

    Example:
        chainbrain cultivate criteria --json
    """
    cols = [("tier_zh", "层级"), ("name_zh", "条件"), ("band_zh", "适用"), ("test", "判定"), ("clause", "出处"),
            ("verified", "核对")]  # fmt: skip
    print_list(criteria_table(), as_json, "优质中小企业梯度培育认定条件", cols, _criterion_row)


def _transform_row(c: transform.TransformCandidate) -> dict[str, Any]:
    return {"name": c.name, "district": c.district_name or c.district_code,
            "from": "、".join(c.segment_names or c.segments),
            "to": "、".join(f"{t.name}({t.score:.2f})" for t in c.targets[:3]),
            "why": c.targets[0].reasons[0] if c.targets else ""}  # fmt: skip


@cultivate_app.command("transform")
def transform_cmd(
    ctx: typer.Context, district: DistrictOpt = None, top: TopOpt = 20, as_json: JsonOpt = False
) -> None:
    """传统零部件企业转型候选：可转向的新能源环节及理由。

    Example:
        chainbrain --db cq.duckdb cultivate transform --top 10
    """
    items = transform.candidates(open_store(ctx), district=district, top=top)
    cols = [
        ("name", "企业"),
        ("district", "区县"),
        ("from", "现有环节"),
        ("to", "可转向（得分）"),
        ("why", "理由"),
    ]
    print_list(
        items, as_json, f"传统零部件转型候选（2027年目标 {transform.TARGET_FIRMS} 家）", cols, _transform_row
    )


def register(app: typer.Typer) -> None:
    app.add_typer(cultivate_app, name="cultivate")
