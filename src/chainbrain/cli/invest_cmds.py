"""``invest``, ``cultivate``, ``need``, ``offer``, ``match``: 招商, 培育 and 供需对接 over :mod:`chainbrain.invest`
and :mod:`chainbrain.match`. Thin: parse, call, render (Rich tables in Chinese, or ``--json``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from chainbrain.chain.boundary import BoundaryError, parse_boundary
from chainbrain.cli.context import console, fail, open_store, pct, print_json, print_table
from chainbrain.invest import attract, cultivate, leads, transform
from chainbrain.invest.criteria import TIER_ZH, criteria_table
from chainbrain.match import engine, evaluate, records

invest_app = typer.Typer(help="招商引资：补链强链候选企业推荐、区县招商清单、招商线索跟踪与导出。")
leads_app = typer.Typer(help="招商线索：线索 → 洽谈 → 签约 → 投产 → 本地供货。")
cultivate_app = typer.Typer(help="企业培育：专精特新、小巨人候选名单与传统零部件企业转型。")
need_app = typer.Typer(help="采购需求：发布与查看。")
offer_app = typer.Typer(help="供给能力：发布与查看。")
match_app = typer.Typer(help="供需对接：为需求推荐供应商，为供给推荐需求，评测匹配质量。")
invest_app.add_typer(leads_app, name="leads")

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
TopOpt = Annotated[int, typer.Option("--top", help="每个列表最多显示的条数")]
DistrictOpt = Annotated[str | None, typer.Option("--district", help="区县代码（6位），如 500111 大足区")]
BoundaryOpt = Annotated[str, typer.Option("--boundary", help="本地边界：city、chengyu 或 radius:公里数")]
FLAG_ZH = attract.FLAG_ZH


def _b(text: str) -> str:
    try:
        return parse_boundary(text).text
    except BoundaryError as e:
        fail(f"--boundary {e}")
        raise


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        fail(f"日期 {text!r} 应为 YYYY-MM-DD")
        raise typer.Exit(1) from e


def _cand_row(i: int, c: attract.Candidate) -> dict[str, Any]:
    row = {"rank": i, "segment_id": c.segment_id, "enterprise_id": c.enterprise_id, "name": c.name,
           "score": round(c.score * 100, 1), "district": c.district_name, "park": c.park,
           "gain": None if c.gain is None else round(c.gain * 100, 2)}  # fmt: skip
    row.update({p.key: round(p.value, 2) for p in c.parts})
    return row


_CAND_COLS = [("rank", "序"), ("segment_id", "环节"), ("name", "企业"), ("score", "得分"),
              ("outside_value", "市外采购"), ("rate_gain", "配套率提升"), ("incumbent", "已供货"),
              ("strength", "实力"), ("district_fit", "区县匹配"), ("gain", "提升(百分点)"),
              ("district", "建议区县"), ("park", "建议园区")]  # fmt: skip


def _recommend(
    ctx: typer.Context, segment: str | None, district: str | None, boundary: str, top: int
) -> list:
    try:
        return attract.recommend(
            open_store(ctx), segment=segment, district=district, boundary=_b(boundary), top=top
        )
    except ValueError as e:
        fail(str(e))
        raise


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
        print_json(
            {"data": [t.to_dict() for t in targets], "count": len(targets), "weights": attract.WEIGHTS}
        )
        return
    for t in targets:
        flags = "、".join(FLAG_ZH[f] for f in t.flags)
        rows = [_cand_row(i, c) for i, c in enumerate(t.candidates, 1)]
        print_table(
            f"{t.name}（{t.segment_id}）— {flags}；市外采购 {t.outside_value / 1e8:,.2f} 亿元/年",
            [c for c in _CAND_COLS if c[0] != "segment_id"],
            rows,
        )
        if explain:
            for c in t.candidates:
                console.print(f"[bold]{c.name}[/] 得分 {c.score * 100:.1f}")
                for p in c.parts:
                    ev = "；".join(
                        f"{k}: {', '.join(v[:8])}{' …' if len(v) > 8 else ''}"
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
    print_table(f"区县 {district} 招商清单", _CAND_COLS, [_cand_row(i, c) for i, c in enumerate(cands, 1)])


@invest_app.command("map")
def map_cmd(
    ctx: typer.Context, top: TopOpt = 5, boundary: BoundaryOpt = "city", as_json: JsonOpt = False
) -> None:
    """招商地图：按建议落户区县汇总候选企业、园区与所补环节（供地图页使用）。

    Example:
        chainbrain --db cq.duckdb invest map --json
    """
    groups = attract.by_district(_recommend(ctx, None, None, boundary, top))
    if as_json:
        print_json({"data": groups, "count": len(groups)})
        return
    rows = [{"district": g["district"], "name": g["name"], "count": g["count"], "parks": "、".join(g["parks"]),
             "segments": "、".join(g["segments"]), "top": "、".join(c.name for c in g["candidates"][:3])}
            for g in groups]  # fmt: skip
    cols = [("district", "代码"), ("name", "区县"), ("count", "候选数"), ("parks", "园区"), ("segments", "所补环节"),
            ("top", "重点企业")]  # fmt: skip
    print_table("招商地图（按建议落户区县）", cols, rows)


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
    from openpyxl import Workbook

    targets = _recommend(ctx, None, district, boundary, top)
    wb = Workbook()
    ws = wb.active
    ws.title = "招商清单"
    ws.append([h for _, h in _CAND_COLS])
    for i, c in enumerate(attract.flat(targets), 1):
        r = _cand_row(i, c)
        ws.append([r.get(k) for k, _ in _CAND_COLS])
    ws2 = wb.create_sheet("得分依据")
    ws2.append(["企业", "环节", "分项", "取值", "权重", "得分", "说明", "数据依据"])
    for c in attract.flat(targets):
        for p in c.parts:
            ev = "；".join(f"{k}: {', '.join(v)}" for k, v in p.evidence.items() if v)
            ws2.append(
                [
                    c.name,
                    c.segment_id,
                    p.name_zh,
                    round(p.value, 4),
                    p.weight,
                    round(p.points * 100, 2),
                    p.explain,
                    ev,
                ]
            )
    ws3 = wb.create_sheet("环节缺口")
    ws3.append(["环节", "名称", "问题", "市外采购(亿元/年)", "产能缺口", "供应关系"])
    for t in targets:
        ws3.append([t.segment_id, t.name, "、".join(FLAG_ZH[f] for f in t.flags), round(t.outside_value / 1e8, 2),
                    t.shortfall, ", ".join(t.outside_links)])  # fmt: skip
    try:
        wb.save(path)
    except OSError as e:
        fail(f"无法写入 {path}：{e}")
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
    try:
        items = leads.list_leads(open_store(ctx), district=district, stage=stage)
    except leads.LeadError as e:
        fail(str(e))
        raise
    if as_json:
        print_json({"data": items, "count": len(items)})
        return
    cols = [("id", "编号"), ("name", "企业"), ("segment_id", "环节"), ("district", "区县"), ("park", "园区"),
            ("owner", "负责人"), ("recommended", "系统推荐"), ("stage", "阶段"), ("date", "日期")]  # fmt: skip
    print_table("招商线索", cols, [_lead_row(x) for x in items])


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
    try:
        lid = leads.add_lead(conn, enterprise, segment_id=segment, district_code=district, park=park, owner=owner,
                             date=_day(date))  # fmt: skip
    except leads.LeadError as e:
        fail(str(e))
        raise
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
    try:
        x = leads.advance(open_store(ctx), lead_id, stage, date=_day(date), owner=owner, note=note)
    except leads.LeadError as e:
        fail(str(e))
        raise
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


def _assess_row(a: cultivate.Assessment) -> dict[str, Any]:
    names = {c.key: c.name_zh for c in a.checks}
    return {"enterprise_id": a.enterprise_id, "name": a.name, "district": a.district_code,
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
        print_json({"data": items, "count": len(items), "progress": cultivate.progress(conn)})
        return
    if firm:
        rows = [{"name": c.name_zh, "status": cultivate.STATUS_ZH[c.status], "values": c.values,
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
             firm: Annotated[str | None, typer.Option("--firm", help="只看一家企业的逐项核对")] = None,
             as_json: JsonOpt = False) -> None:  # fmt: skip
    """专精特新中小企业候选名单（按工信部 2022 梯度培育办法逐项核对：满足 / 不满足 / 缺数据）。

    Example:
        chainbrain --db cq.duckdb cultivate zjtx --top 20
        chainbrain --db cq.duckdb cultivate zjtx --firm fill0101
    """
    _tier(ctx, "zjtx", district, top, firm, as_json)


@cultivate_app.command("xjr")
def xjr_cmd(ctx: typer.Context, district: DistrictOpt = None, top: TopOpt = 20,
            firm: Annotated[str | None, typer.Option("--firm", help="只看一家企业的逐项核对")] = None,
            as_json: JsonOpt = False) -> None:  # fmt: skip
    """专精特新“小巨人”候选名单（逐项核对认定条件）。

    Example:
        chainbrain --db cq.duckdb cultivate xjr --district 500106
    """
    _tier(ctx, "xjr", district, top, firm, as_json)


@cultivate_app.command("criteria")
def criteria_cmd(as_json: JsonOpt = False) -> None:
    """认定条件阈值表（一张表，注明出处与是否已在本地核对原文）。

    Example:
        chainbrain cultivate criteria --json
    """
    rows = criteria_table()
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    for r in rows:
        r["verified"] = (
            "已对照转载文本核对" if r["verified_here"] else ("不评估" if not r["assessed"] else "未核对原文")
        )
        r["test"] = "；".join(r["tests"])
    cols = [("tier_zh", "层级"), ("name_zh", "条件"), ("band_zh", "适用"), ("test", "判定"), ("clause", "出处"),
            ("verified", "核对")]  # fmt: skip
    print_table("优质中小企业梯度培育认定条件", cols, rows)


@cultivate_app.command("transform")
def transform_cmd(
    ctx: typer.Context, district: DistrictOpt = None, top: TopOpt = 20, as_json: JsonOpt = False
) -> None:
    """传统零部件企业转型候选：可转向的新能源环节及理由。

    Example:
        chainbrain --db cq.duckdb cultivate transform --top 10
    """
    items = transform.candidates(open_store(ctx), district=district, top=top)
    if as_json:
        print_json({"data": items, "count": len(items)})
        return
    rows = [{"name": c.name, "district": c.district_code, "from": "、".join(c.segments),
             "to": "、".join(f"{t.name}({t.score:.2f})" for t in c.targets[:3]),
             "why": c.targets[0].reasons[0] if c.targets else ""} for c in items]  # fmt: skip
    cols = [
        ("name", "企业"),
        ("district", "区县"),
        ("from", "现有环节"),
        ("to", "可转向（得分）"),
        ("why", "理由"),
    ]
    print_table(f"传统零部件转型候选（2027年目标 {transform.TARGET_FIRMS} 家）", cols, rows)


def _certs(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


@need_app.command("add")
def need_add(
    ctx: typer.Context,
    buyer: Annotated[str, typer.Option("--buyer", help="采购方企业编号")],
    segment: Annotated[str, typer.Option("--segment", help="产业链环节编号")],
    title: Annotated[str, typer.Option("--title", help="标题")],
    spec: Annotated[str, typer.Option("--spec", help="技术要求")] = "",
    volume: Annotated[float | None, typer.Option("--volume", help="年需求量")] = None,
    certs: Annotated[str | None, typer.Option("--certs", help="资质要求，逗号分隔，如 IATF 16949")] = None,
    district: DistrictOpt = None,
    site: Annotated[str | None, typer.Option("--site", help="收货厂区编号")] = None,
    need_by: Annotated[str | None, typer.Option("--need-by", help="需求日期 YYYY-MM-DD")] = None,
) -> None:
    """发布采购需求。

    Example:
        chainbrain --db cq.duckdb need add --buyer changan --segment adas.lidar --title 激光雷达 --spec 905nm前向 --volume 50000 --certs "IATF 16949"
    """
    data = {"buyer_id": buyer, "segment_id": segment, "title": title, "spec": spec, "annual_volume": volume,
            "certifications": _certs(certs), "delivery_district": district, "buyer_site_id": site,
            "need_by": _day(need_by), "posted_at": dt.date.today()}  # fmt: skip
    try:
        n = records.add_need(open_store(ctx), data)
    except records.MatchRecordError as e:
        fail(str(e))
        raise
    console.print(f"已发布需求 {n.id}；查看推荐：chainbrain match need {n.id}")


@need_app.command("close")
def need_close(ctx: typer.Context, need_id: Annotated[str, typer.Argument(help="需求编号")]) -> None:
    """关闭一条采购需求（不再参与匹配）。

    Example:
        chainbrain --db cq.duckdb need close need-h01
    """
    try:
        records.set_state(open_store(ctx), "need", need_id, "closed")
    except records.MatchRecordError as e:
        fail(str(e))
    console.print(f"需求 {need_id} 已关闭")


@need_app.command("list")
def need_list(ctx: typer.Context,
              buyer: Annotated[str | None, typer.Option("--buyer", help="采购方企业编号")] = None,
              segment: Annotated[str | None, typer.Option("--segment", help="环节")] = None,
              as_json: JsonOpt = False) -> None:  # fmt: skip
    """采购需求列表。

    Example:
        chainbrain --db cq.duckdb need list --buyer changan
    """
    items = records.list_needs(open_store(ctx), buyer=buyer, segment=segment)
    if as_json:
        print_json({"data": [n.model_dump(mode="json") for n in items], "count": len(items)})
        return
    cols = [("id", "编号"), ("buyer_id", "采购方"), ("segment_id", "环节"), ("title", "标题"),
            ("annual_volume", "年需求量"), ("certifications", "资质"), ("state", "状态")]  # fmt: skip
    print_table("采购需求", cols, [n.model_dump() for n in items])


@offer_app.command("add")
def offer_add(
    ctx: typer.Context,
    supplier: Annotated[str, typer.Option("--supplier", help="供应商企业编号")],
    segments: Annotated[str, typer.Option("--segments", help="环节编号，逗号分隔")],
    title: Annotated[str, typer.Option("--title", help="标题")],
    text: Annotated[str, typer.Option("--text", help="产品与能力描述")] = "",
    capacity: Annotated[float | None, typer.Option("--capacity", help="年产能")] = None,
    committed: Annotated[float | None, typer.Option("--committed", help="其中已占用")] = None,
    certs: Annotated[str | None, typer.Option("--certs", help="资质，逗号分隔")] = None,
    sites: Annotated[str | None, typer.Option("--sites", help="供货厂区编号，逗号分隔")] = None,
) -> None:
    """发布供给能力。

    Example:
        chainbrain --db cq.duckdb offer add --supplier fill0101 --segments small3.esteer --title 电动助力转向 --capacity 200000 --certs "IATF 16949"
    """
    data = {"supplier_id": supplier, "segment_ids": _certs(segments), "title": title, "text": text,
            "capacity": capacity, "committed": committed, "certifications": _certs(certs),
            "site_ids": _certs(sites), "posted_at": dt.date.today()}  # fmt: skip
    try:
        o = records.add_offer(open_store(ctx), data)
    except records.MatchRecordError as e:
        fail(str(e))
        raise
    console.print(f"已发布供给 {o.id}；查看可对接需求：chainbrain match offer {o.id}")


@offer_app.command("close")
def offer_close(ctx: typer.Context, offer_id: Annotated[str, typer.Argument(help="供给编号")]) -> None:
    """关闭一条供给能力（不再参与匹配）。

    Example:
        chainbrain --db cq.duckdb offer close offer-catl
    """
    try:
        records.set_state(open_store(ctx), "offer", offer_id, "closed")
    except records.MatchRecordError as e:
        fail(str(e))
    console.print(f"供给 {offer_id} 已关闭")


@offer_app.command("list")
def offer_list(ctx: typer.Context,
               supplier: Annotated[str | None, typer.Option("--supplier", help="供应商企业编号")] = None,
               segment: Annotated[str | None, typer.Option("--segment", help="环节")] = None,
               as_json: JsonOpt = False) -> None:  # fmt: skip
    """供给能力列表。

    Example:
        chainbrain --db cq.duckdb offer list --segment adas.camera
    """
    items = records.list_offers(open_store(ctx), supplier=supplier, segment=segment)
    if as_json:
        print_json({"data": [o.model_dump(mode="json") for o in items], "count": len(items)})
        return
    cols = [("id", "编号"), ("supplier_id", "供应商"), ("segment_ids", "环节"), ("title", "标题"),
            ("capacity", "年产能"), ("certifications", "资质")]  # fmt: skip
    print_table("供给能力", cols, [o.model_dump() for o in items])


def _show_matches(title: str, items: list[engine.Match], as_json: bool) -> None:
    if as_json:
        print_json({"data": [asdict(m) for m in items], "count": len(items), "weights": engine.WEIGHTS})
        return
    rows = []
    for i, m in enumerate(items, 1):
        row: dict[str, Any] = {"rank": i, "id": m.id, "name": m.name, "score": round(m.score * 100, 1),
                               "local": "本地" if m.local else "市外"}  # fmt: skip
        row["why"] = "；".join(
            p.explain for p in m.parts if p.key in ("segment", "certs", "capacity", "distance")
        )
        row.update({p.key: round(p.value, 2) for p in m.parts})
        rows.append(row)
    cols = [("rank", "序"), ("id", "编号"), ("name", "名称"), ("score", "得分"), ("segment", "环节"), ("text", "文本"),
            ("capacity", "产能"), ("certs", "资质"), ("distance", "距离"), ("local", "本地"), ("why", "说明")]  # fmt: skip
    print_table(title, cols, rows)


@match_app.command("need")
def match_need(ctx: typer.Context, need_id: Annotated[str, typer.Argument(help="需求编号")], top: TopOpt = 10,
               as_json: JsonOpt = False) -> None:  # fmt: skip
    """为一条采购需求推荐供应商（本地优先），逐项说明理由。

    Example:
        chainbrain --db cq.duckdb match need need-h01 --top 5
    """
    try:
        items = engine.rank_suppliers(open_store(ctx), need_id, top=top)
    except records.MatchRecordError as e:
        fail(str(e))
        raise
    _show_matches(f"需求 {need_id} 的推荐供应商", items, as_json)


@match_app.command("offer")
def match_offer(ctx: typer.Context, offer_id: Annotated[str, typer.Argument(help="供给编号")], top: TopOpt = 10,
                as_json: JsonOpt = False) -> None:  # fmt: skip
    """为一条供给能力找可对接的采购需求。

    Example:
        chainbrain --db cq.duckdb match offer offer-catl
    """
    try:
        items = engine.rank_needs(open_store(ctx), offer_id, top=top)
    except records.MatchRecordError as e:
        fail(str(e))
        raise
    _show_matches(f"供给 {offer_id} 可对接的需求", items, as_json)


@match_app.command("eval")
def match_eval(
    ctx: typer.Context,
    k: Annotated[int, typer.Option("--k", help="precision@k 的 k")] = 5,
    ablation: Annotated[bool, typer.Option("--ablation", help="同时比较各信号单独使用与基线")] = False,
    as_json: JsonOpt = False,
) -> None:
    """用内置评测集测匹配质量：precision@k 与 MRR（手写用例与示例数据用例分开报告）。

    Example:
        chainbrain --db cq.duckdb match eval --json
        chainbrain --db cq.duckdb match eval --ablation
    """
    conn = open_store(ctx)
    cases = evaluate.resolve_cases(conn, evaluate.load_cases())
    if ablation:
        rows = evaluate.ablation(conn, cases, k=k)
        if as_json:
            print_json({"k": k, "data": rows})
            return
        flat = [{"variant": r["variant"], **{f"{kind}_{m}": round(r[kind][m], 3) for kind in ("hand", "demo", "all")
                 for m in ("precision_at_k", "mrr")}} for r in rows]  # fmt: skip
        cols = [("variant", "方案")] + [(f"{kind}_{m}", f"{zh}{mz}") for kind, zh in
                (("hand", "手写"), ("demo", "示例"), ("all", "全部")) for m, mz in
                (("precision_at_k", f" P@{k}"), ("mrr", " MRR"))]  # fmt: skip
        print_table("匹配质量消融对比", cols, flat)
        return
    out = {}
    for kind in ("hand", "demo", "all"):
        sub = [c for c in cases if kind == "all" or c["kind"] == kind]
        rep = evaluate.evaluate(conn, sub, k=k)
        out[kind] = {
            "cases": rep.cases,
            "precision_at_k": rep.precision_at_k,
            "mrr": rep.mrr,
            "ceiling": rep.ceiling,
        }
    if as_json:
        print_json({"k": k, **out})
        return
    zh = {"hand": "手写中文用例", "demo": "示例数据用例", "all": "全部"}
    rows = [{"kind": zh[key], **{kk: (round(v, 3) if isinstance(v, float) else v) for kk, v in r.items()}}
            for key, r in out.items()]  # fmt: skip
    print_table(f"匹配质量（k={k}）", [("kind", "用例"), ("cases", "条数"), ("precision_at_k", "precision@k"),
                                    ("ceiling", "precision上限"), ("mrr", "MRR")], rows)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(invest_app, name="invest")
    app.add_typer(cultivate_app, name="cultivate")
    app.add_typer(need_app, name="need")
    app.add_typer(offer_app, name="offer")
    app.add_typer(match_app, name="match")
