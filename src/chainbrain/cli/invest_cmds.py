"""``invest``: 招商 over :mod:`chainbrain.invest` — recommendations, district lists, the map, leads. Thin:
parse, call, render (Rich tables in Chinese, or ``--json``).

培育 (``cultivate``) lives in :mod:`chainbrain.cli.cultivate_cmds` and 供需对接 (``need``, ``offer``,
``match``) in :mod:`chainbrain.cli.match_cmds`; :func:`register` adds them too, so one call registers the
whole 招商/培育/对接 area."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from chainbrain.cli import cultivate_cmds, match_cmds
from chainbrain.cli.context import (
    CommandGroup,
    DistrictOpt,
    JsonOpt,
    TopOpt,
    boundary_text,
    console,
    fail,
    open_store,
    parse_day,
    print_data,
    print_json,
    print_list,
    print_table,
)
from chainbrain.errors import os_reason
from chainbrain.invest import attract, leads
from chainbrain.invest.export import CAND_COLS, cand_row, write_xlsx
from chainbrain.store import directory

invest_app = CommandGroup(help="招商引资：补链强链候选企业推荐、区县招商清单、招商线索跟踪与导出。")
leads_app = CommandGroup(help="招商线索：线索 → 洽谈 → 签约 → 投产 → 本地供货。")
invest_app.add_typer(leads_app, name="leads")

BoundaryOpt = Annotated[str, typer.Option("--boundary", help="本地边界：city、chengyu 或 radius:公里数")]
FLAG_ZH = attract.FLAG_ZH


def _recommend(
    ctx: typer.Context, segment: str | None, district: str | None, boundary: str, top: int
) -> list:
    return attract.recommend(
        open_store(ctx), segment=segment, district=district, boundary=boundary_text(boundary), top=top
    )


@invest_app.command("recommend")
def recommend_cmd(
    ctx: typer.Context,
    segment: Annotated[str | None, typer.Option("--segment", help="只看一个环节，如 battery.pack")] = None,
    district: DistrictOpt = None,
    top: TopOpt = 5,
    boundary: BoundaryOpt = "city",
    explain: Annotated[bool, typer.Option("--explain", help="逐项列出得分依据")] = False,
    as_json: JsonOpt = False,
) -> None:
    """补链强链招商推荐：每个缺口/薄弱环节的市外候选企业，得分分项可追溯到数据。

    Example:
        chainbrain --db cq.duckdb invest recommend --top 3
        chainbrain --db cq.duckdb invest recommend --segment battery.pack --district 500110 --explain
    """
    targets = _recommend(ctx, segment, district, boundary, top)
    if as_json:
        print_data([t.to_dict() for t in targets], weights=attract.WEIGHTS)
        return
    for t in targets:
        flags = "、".join(FLAG_ZH[f] for f in t.flags)
        rows = [cand_row(i, c) for i, c in enumerate(t.candidates, 1)]
        print_table(
            f"{t.name} — {flags}；市外采购 {t.outside_value / 1e8:,.2f} 亿元/年",
            [c for c in CAND_COLS if c[0] != "segment_name"],
            rows,
        )
        if explain:
            for c in t.candidates:
                console.print(f"[bold]{c.name}[/] 得分 {c.score * 100:.1f}")
                for p in c.parts:
                    ev = "；".join(
                        f"{attract.EVIDENCE_ZH.get(k, k)}: {', '.join(v[:8])}{' …' if len(v) > 8 else ''}"
                        for k, v in p.evidence.items()
                        if v
                    )
                    console.print(
                        f"  {p.name_zh} {p.value:.2f}×{p.weight:.2f}={p.points * 100:.1f}：{p.explain}  [dim]{ev}[/]"
                    )


@invest_app.command("district")
def district_cmd(
    ctx: typer.Context,
    district: Annotated[str, typer.Argument(help="区县代码（6位）")],
    top: TopOpt = 20,
    boundary: BoundaryOpt = "city",
    as_json: JsonOpt = False,
) -> None:
    """区县招商清单：该区县的补链缺口，以及按该区县匹配度重新打分的候选企业。

    Example:
        chainbrain --db cq.duckdb invest district 500111 --top 10
    """
    targets = _recommend(ctx, None, district, boundary, 0)
    cands = attract.flat(targets)[:top]
    if as_json:
        print_json({"district": district, "gaps": [{k: v for k, v in t.to_dict().items() if k != "candidates"}
                                                   for t in targets], "data": cands, "count": len(cands)})  # fmt: skip
        return
    name = directory.district_name(open_store(ctx), district) or f"区县 {district}"
    print_table(f"{name}招商清单", CAND_COLS, [cand_row(i, c) for i, c in enumerate(cands, 1)])


def _map_row(g: dict[str, Any]) -> dict[str, Any]:
    return {"district": g["district"], "name": g["name"], "count": g["count"], "parks": "、".join(g["parks"]),
            "segments": "、".join(g["segment_names"]), "top": "、".join(c.name for c in g["candidates"][:3])}  # fmt: skip


@invest_app.command("map")
def map_cmd(
    ctx: typer.Context, top: TopOpt = 5, boundary: BoundaryOpt = "city", as_json: JsonOpt = False
) -> None:
    """招商地图：按建议落户区县汇总候选企业、园区与所补环节（供地图页使用）。

    Example:
        chainbrain --db cq.duckdb invest map --json
    """
    groups = attract.by_district(_recommend(ctx, None, None, boundary, top))
    cols = [("name", "区县"), ("count", "候选数"), ("parks", "园区"), ("segments", "所补环节"),
            ("top", "重点企业")]  # fmt: skip
    print_list(groups, as_json, "招商地图（按建议落户区县）", cols, _map_row)


@invest_app.command("export")
def export_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="输出的 .xlsx 文件")],
    district: DistrictOpt = None,
    top: TopOpt = 10,
    boundary: BoundaryOpt = "city",
) -> None:
    """把招商清单导出为 Excel（清单、得分依据、环节缺口三个工作表），供区县招商团队使用。

    Example:
        chainbrain --db cq.duckdb invest export 大足区招商清单.xlsx --district 500111
    """
    targets = _recommend(ctx, None, district, boundary, top)
    try:
        write_xlsx(targets, path)
    except OSError as e:
        fail(f"无法写入 {path}：{os_reason(e)}")
    console.print(
        f"已导出 {path}（候选 {sum(len(t.candidates) for t in targets)} 条，环节 {len(targets)} 个）"
    )


def _lead_row(x: leads.Lead) -> dict[str, Any]:
    return {"id": x.id, "name": x.name, "segment_id": x.segment_id, "district": x.district_code, "park": x.park,
            "owner": x.owner, "recommended": "是" if x.recommended else "否", "stage": x.stage_zh,
            "date": x.stage_date}  # fmt: skip


@leads_app.command("list")
def leads_list(
    ctx: typer.Context, district: DistrictOpt = None,
    stage: Annotated[str | None, typer.Option("--stage", help="当前阶段：线索/洽谈/签约/投产/本地供货/终止")] = None,
    as_json: JsonOpt = False,
) -> None:  # fmt: skip
    """招商线索列表及其当前阶段。

    Example:
        chainbrain --db cq.duckdb invest leads list --district 500112
    """
    items = leads.list_leads(open_store(ctx), district=district, stage=stage)
    cols = [("id", "编号"), ("name", "企业"), ("segment_id", "环节"), ("district", "区县"), ("park", "园区"),
            ("owner", "负责人"), ("recommended", "系统推荐"), ("stage", "阶段"), ("date", "日期")]  # fmt: skip
    print_list(items, as_json, "招商线索", cols, _lead_row)


@leads_app.command("add")
def leads_add(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="企业编号")],
    segment: Annotated[str | None, typer.Option("--segment", help="招引环节")] = None,
    district: DistrictOpt = None,
    park: Annotated[str | None, typer.Option("--park", help="园区")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="负责人/团队")] = None,
    date: Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD，默认今天")] = None,
) -> None:
    """新建一条招商线索（阶段：线索）。

    Example:
        chainbrain --db cq.duckdb invest leads add catl --segment battery.pack --district 500110 --owner 綦江区招商局
    """
    conn = open_store(ctx)
    lid = leads.add_lead(conn, enterprise, segment_id=segment, district_code=district, park=park, owner=owner,
                         date=parse_day(date))  # fmt: skip
    console.print(f"已新建线索 {lid}")


@leads_app.command("move")
def leads_move(
    ctx: typer.Context,
    lead_id: Annotated[str, typer.Argument(help="线索编号")],
    stage: Annotated[str, typer.Argument(help="新阶段：洽谈/签约/投产/本地供货/终止（或 talks 等）")],
    date: Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD，默认今天")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="记录人")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
) -> None:
    """推进线索到新阶段（只能向前，或终止）。

    Example:
        chainbrain --db cq.duckdb invest leads move lead-catl-qj 投产 --date 2026-05-01
    """
    x = leads.advance(open_store(ctx), lead_id, stage, date=parse_day(date), owner=owner, note=note)
    console.print(f"线索 {x.id}（{x.name}）已进入「{x.stage_zh}」，日期 {x.stage_date}")


@leads_app.command("from-recommend")
def leads_from_recommend(
    ctx: typer.Context,
    district: Annotated[str, typer.Option("--district", help="区县代码（6位）")],
    top: TopOpt = 5,
    owner: Annotated[str | None, typer.Option("--owner", help="负责人/团队")] = None,
) -> None:
    """把区县招商清单的前 N 家企业登记为“系统推荐”线索，以便日后核对推荐效果。

    Example:
        chainbrain --db cq.duckdb invest leads from-recommend --district 500111 --top 5 --owner 大足区招商局
    """
    conn = open_store(ctx)
    cands = attract.flat(_recommend(ctx, None, district, "city", 0))[:top]
    ids = leads.leads_from_recommendations(conn, cands, district=district, owner=owner)
    console.print(f"已登记 {len(ids)} 条推荐线索：{'、'.join(ids) or '无（均已存在）'}")


@leads_app.command("report")
def leads_report(ctx: typer.Context, district: DistrictOpt = None, as_json: JsonOpt = False) -> None:
    """推荐效果：系统推荐与其他线索各有多少走到了每个阶段；“本地供货”与库中数据核对。

    Example:
        chainbrain --db cq.duckdb invest leads report --json
    """
    f = leads.funnel(open_store(ctx), district=district)
    if as_json:
        print_json(f)
        return
    rows = [{"stage": s["stage_zh"], "rec": f["recommended"]["reached"][s["stage"]],
             "other": f["other"]["reached"][s["stage"]]} for s in f["stages"]]  # fmt: skip
    print_table(
        "招商线索漏斗（到达该阶段的线索数）",
        [("stage", "阶段"), ("rec", "系统推荐"), ("other", "其他")],
        rows,
    )
    r = f["recommended"]
    console.print(
        f"系统推荐线索 {r['leads']} 条，其中 {r['moved']} 条已推进到“线索”之后，终止 {len(r['dropped'])} 条。"
    )
    for ch in f["supplying_checks"]:
        ok = "已核实" if ch["confirmed"] else "库中未见本地厂区及供货关系"
        console.print(
            f"  本地供货核对 {ch['lead_id']}：{ok}（厂区 {ch['local_sites']}，供应关系 {ch['local_links']}）"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(invest_app, name="invest")
    cultivate_cmds.register(app)
    match_cmds.register(app)
