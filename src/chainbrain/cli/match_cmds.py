"""``need``, ``offer``, ``match``: 供需对接 over :mod:`chainbrain.match` — publish needs and offers, rank
the other side, measure the ranking. Thin: parse, call, render (Rich tables in Chinese, or ``--json``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from chainbrain.cli.context import (
    CommandGroup,
    DistrictOpt,
    JsonOpt,
    TopOpt,
    console,
    open_store,
    parse_day,
    print_data,
    print_json,
    print_list,
    print_table,
)
from chainbrain.cli.options import finite
from chainbrain.match import engine, evaluate, records
from chainbrain.units import qty

need_app = CommandGroup(help="采购需求：发布与查看。")
offer_app = CommandGroup(help="供给能力：发布与查看。")
match_app = CommandGroup(help="供需对接：为需求推荐供应商，为供给推荐需求，评测匹配质量。")

SegmentOpt = Annotated[str | None, typer.Option("--segment", help="环节")]


def _csv(text: str | None) -> list[str]:
    """A comma-separated option (ASCII or full-width commas) as a list, blanks dropped."""
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


def _close(ctx: typer.Context, kind: str, record_id: str, noun: str) -> None:
    records.set_state(open_store(ctx), kind, record_id, "closed")
    console.print(f"{noun} {record_id} 已关闭")


@need_app.command("add")
def need_add(
    ctx: typer.Context,
    buyer: Annotated[str, typer.Option("--buyer", help="采购方企业编号")],
    segment: Annotated[str, typer.Option("--segment", help="产业链环节编号")],
    title: Annotated[str, typer.Option("--title", help="标题")],
    spec: Annotated[str, typer.Option("--spec", help="技术要求")] = "",
    volume: Annotated[float | None, typer.Option("--volume", help="年需求量", callback=finite)] = None,
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
            "certifications": _csv(certs), "delivery_district": district, "buyer_site_id": site,
            "need_by": parse_day(need_by), "posted_at": dt.date.today()}  # fmt: skip
    n = records.add_need(open_store(ctx), data)
    console.print(f"已发布需求 {n.id}；查看推荐：chainbrain match need {n.id}")


@need_app.command("close")
def need_close(ctx: typer.Context, need_id: Annotated[str, typer.Argument(help="需求编号")]) -> None:
    """关闭一条采购需求（不再参与匹配）。

    Example:
        chainbrain --db cq.duckdb need close need-h01
    """
    _close(ctx, "need", need_id, "需求")


STATE_ZH = {"open": "开放", "closed": "已关闭"}


@need_app.command("list")
def need_list(ctx: typer.Context,
              buyer: Annotated[str | None, typer.Option("--buyer", help="采购方企业编号")] = None,
              segment: SegmentOpt = None, as_json: JsonOpt = False) -> None:  # fmt: skip
    """采购需求列表。

    Example:
        chainbrain --db cq.duckdb need list --buyer changan
    """
    items = records.list_needs(open_store(ctx), buyer=buyer, segment=segment)
    cols = [("id", "编号"), ("buyer", "采购方"), ("segment", "环节"), ("title", "标题"),
            ("annual_volume", "年需求量"), ("certifications", "资质"), ("state", "状态")]  # fmt: skip
    print_list(items, as_json, "采购需求", cols, _need_row)


def _need_row(n: records.ListedNeed) -> dict[str, Any]:
    return n.model_dump() | {
        "buyer": n.buyer_name or n.buyer_id,
        "segment": n.segment_name or n.segment_id,
        "annual_volume": qty(n.annual_volume, n.volume_unit) if n.annual_volume is not None else None,
        "certifications": "、".join(n.certifications),
        "state": STATE_ZH.get(n.state, n.state),
    }


def _offer_row(o: records.ListedOffer) -> dict[str, Any]:
    return o.model_dump() | {
        "supplier": o.supplier_name or o.supplier_id,
        "segments": "、".join(o.segment_names or o.segment_ids),
        "capacity": qty(o.capacity, o.capacity_unit) if o.capacity is not None else None,
        "certifications": "、".join(o.certifications),
    }


@offer_app.command("add")
def offer_add(
    ctx: typer.Context,
    supplier: Annotated[str, typer.Option("--supplier", help="供应商企业编号")],
    segments: Annotated[str, typer.Option("--segments", help="环节编号，逗号分隔")],
    title: Annotated[str, typer.Option("--title", help="标题")],
    text: Annotated[str, typer.Option("--text", help="产品与能力描述")] = "",
    capacity: Annotated[float | None, typer.Option("--capacity", help="年产能", callback=finite)] = None,
    committed: Annotated[
        float | None, typer.Option("--committed", help="其中已占用", callback=finite)
    ] = None,
    certs: Annotated[str | None, typer.Option("--certs", help="资质，逗号分隔")] = None,
    sites: Annotated[str | None, typer.Option("--sites", help="供货厂区编号，逗号分隔")] = None,
) -> None:
    """发布供给能力。

    Example:
        chainbrain --db cq.duckdb offer add --supplier fill0101 --segments small3.esteer --title 电动助力转向 --capacity 200000 --certs "IATF 16949"
    """
    data = {"supplier_id": supplier, "segment_ids": _csv(segments), "title": title, "text": text,
            "capacity": capacity, "committed": committed, "certifications": _csv(certs),
            "site_ids": _csv(sites), "posted_at": dt.date.today()}  # fmt: skip
    o = records.add_offer(open_store(ctx), data)
    console.print(f"已发布供给 {o.id}；查看可对接需求：chainbrain match offer {o.id}")


@offer_app.command("close")
def offer_close(ctx: typer.Context, offer_id: Annotated[str, typer.Argument(help="供给编号")]) -> None:
    """关闭一条供给能力（不再参与匹配）。

    Example:
        chainbrain --db cq.duckdb offer close offer-catl
    """
    _close(ctx, "offer", offer_id, "供给")


@offer_app.command("list")
def offer_list(ctx: typer.Context,
               supplier: Annotated[str | None, typer.Option("--supplier", help="供应商企业编号")] = None,
               segment: SegmentOpt = None, as_json: JsonOpt = False) -> None:  # fmt: skip
    """供给能力列表。

    Example:
        chainbrain --db cq.duckdb offer list --segment adas.camera
    """
    items = records.list_offers(open_store(ctx), supplier=supplier, segment=segment)
    cols = [("id", "编号"), ("supplier", "供应商"), ("segments", "环节"), ("title", "标题"),
            ("capacity", "年产能"), ("certifications", "资质")]  # fmt: skip
    print_list(items, as_json, "供给能力", cols, _offer_row)


def _match_row(i: int, m: engine.Match) -> dict[str, Any]:
    row: dict[str, Any] = {"rank": i, "id": m.id, "name": m.name, "score": round(m.score * 100, 1),
                           "local": "本地" if m.local else "市外"}  # fmt: skip
    row["why"] = "；".join(
        p.explain for p in m.parts if p.key in ("segment", "certs", "capacity", "distance")
    )
    row.update({p.key: round(p.value, 2) for p in m.parts})
    return row


_MATCH_COLS = [("rank", "序"), ("id", "编号"), ("name", "名称"), ("score", "得分"), ("segment", "环节"),
               ("text", "文本"), ("capacity", "产能"), ("certs", "资质"), ("distance", "距离"), ("local", "本地"),
               ("why", "说明")]  # fmt: skip


def _show_matches(title: str, items: list[engine.Match], as_json: bool) -> None:
    if as_json:
        print_data(items, weights=engine.WEIGHTS)
        return
    print_table(title, _MATCH_COLS, [_match_row(i, m) for i, m in enumerate(items, 1)])


@match_app.command("need")
def match_need(ctx: typer.Context, need_id: Annotated[str, typer.Argument(help="需求编号")], top: TopOpt = 10,
               as_json: JsonOpt = False) -> None:  # fmt: skip
    """为一条采购需求推荐供应商（本地优先），逐项说明理由。

    Example:
        chainbrain --db cq.duckdb match need need-h01 --top 5
    """
    items = engine.rank_suppliers(open_store(ctx), need_id, top=top)
    _show_matches(f"需求 {need_id} 的推荐供应商", items, as_json)


@match_app.command("offer")
def match_offer(ctx: typer.Context, offer_id: Annotated[str, typer.Argument(help="供给编号")], top: TopOpt = 10,
                as_json: JsonOpt = False) -> None:  # fmt: skip
    """为一条供给能力找可对接的采购需求。

    Example:
        chainbrain --db cq.duckdb match offer offer-catl
    """
    items = engine.rank_needs(open_store(ctx), offer_id, top=top)
    _show_matches(f"供给 {offer_id} 可对接的需求", items, as_json)


_KINDS_ZH = (("hand", "手写"), ("demo", "示例"), ("all", "全部"))


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
        flat = [{"variant": r["variant"], **{f"{kind}_{m}": round(r[kind][m], 3) for kind, _ in _KINDS_ZH
                 for m in ("precision_at_k", "mrr")}} for r in rows]  # fmt: skip
        cols = [("variant", "方案")] + [(f"{kind}_{m}", f"{zh}{mz}") for kind, zh in _KINDS_ZH
                for m, mz in (("precision_at_k", f" P@{k}"), ("mrr", " MRR"))]  # fmt: skip
        print_table("匹配质量消融对比", cols, flat)
        return
    out = {}
    for kind, _ in _KINDS_ZH:
        sub = [c for c in cases if kind == "all" or c["kind"] == kind]
        rep = evaluate.evaluate(conn, sub, k=k)
        out[kind] = {"cases": rep.cases, "precision_at_k": rep.precision_at_k, "mrr": rep.mrr,
                     "ceiling": rep.ceiling}  # fmt: skip
    if as_json:
        print_json({"k": k, **out})
        return
    zh = {"hand": "手写中文用例", "demo": "示例数据用例", "all": "全部"}
    rows = [{"kind": zh[key], **{kk: (round(v, 3) if isinstance(v, float) else v) for kk, v in r.items()}}
            for key, r in out.items()]  # fmt: skip
    print_table(f"匹配质量（k={k}）", [("kind", "用例"), ("cases", "条数"), ("precision_at_k", "precision@k"),
                                    ("ceiling", "precision上限"), ("mrr", "MRR")], rows)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(need_app, name="need")
    app.add_typer(offer_app, name="offer")
    app.add_typer(match_app, name="match")
