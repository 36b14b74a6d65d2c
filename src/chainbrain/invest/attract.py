"""招商: for every gap or weak segment, the firms outside the boundary worth attracting, with a score in parts.

Segments: the rows of :func:`chainbrain.chain.gaps.gaps` flagged missing, short, single-sourced or
concentrated, whose OEM buyers inside the area buy some of it from outside or whose local capacity falls short.

Candidates for segment *s*: firms with no site making *s* inside the boundary that make *s* at a site outside
it, or already supply *s* to an OEM plant inside the area from outside, or name *s* as their main segment.
Their capacity for the thought plant is the sum of their outside sites' capacities for *s*; failing that, the
units they now ship to the area's OEMs; failing that, unknown (no local-rate gain can be computed).

The score is Σ weight × part, each part 0–1 (:data:`WEIGHTS`, total 0–1, shown ×100):

``outside_value`` (0.25)
    V_s / V_max: what the area's OEMs buy of *s* from outside (元/年, evidence: those links), over the
    largest such value among all flagged segments.
``rate_gain`` (0.30)
    the city local-rate gain from :func:`chainbrain.chain.whatif.whatif` with the firm's capacity placed in
    the best-fitting district, over G_max = V_max / T (T: all OEM purchases of the area, so G_max is the gain
    of bringing the biggest outside segment home whole). Evidence: the links whatif displaces.
``incumbent`` (0.15)
    the firm's share of V_s: it already supplies local OEMs from outside (evidence: its links).
``strength`` (0.15)
    0.5 × size + 0.5 × labels; size = min(1, revenue / 100亿元) (employees / 10,000 when revenue is
    unknown); labels = min(1, Σ points: 上市 0.4, 链主 0.4, 单项冠军 0.3, 小巨人 0.3, 专精特新 0.2, 高新技术 0.1).
    With neither revenue nor head count the size is unknown, so the part is missing (缺数据, ``missing`` set,
    value and points None), not 0: the total is then the sum of the other parts and ``score_note`` says so
    (the total is marked, not rescaled, so a firm is never ranked up for what is not known of it).
``district_fit`` (0.15)
    :func:`chainbrain.invest.fit.district_fits` of the best district (or of the district asked for).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from chainbrain.chain.boundary import parse_boundary
from chainbrain.chain.gaps import gaps
from chainbrain.chain.local_rate import links_sql
from chainbrain.chain.whatif import Baseline, WhatIfError, WhatIfResult, baseline, whatif
from chainbrain.invest.fit import DistrictFit, InvestError, district_fits, segment_parents, segment_root
from chainbrain.store.records import fetch_dicts
from chainbrain.units import qty

WEIGHTS = {
    "outside_value": 0.25,
    "rate_gain": 0.30,
    "incumbent": 0.15,
    "strength": 0.15,
    "district_fit": 0.15,
}
PART_ZH = {
    "outside_value": "本地整车市外采购额",
    "rate_gain": "本地配套率提升",
    "incumbent": "已向本地整车供货",
    "strength": "企业实力",
    "district_fit": "区县园区匹配",
}
LABEL_POINTS = {"上市": 0.4, "链主": 0.4, "单项冠军": 0.3, "小巨人": 0.3, "专精特新": 0.2, "高新技术": 0.1}
SIZE_REVENUE = 1_000_000.0  # 万元 = 100亿元
SIZE_EMPLOYEES = 10_000.0
MISSING_ZH = "缺数据"


@dataclass
class Part:
    """One named part of a score: the raw figure, its 0–1 value, weight, points, and the ids it came from.

    ``value`` and ``points`` are None only in a role's view that withholds the part (``withheld`` then says
    why, see :mod:`chainbrain.invest.visibility`); :func:`recommend` always fills them.
    """

    key: str
    name_zh: str
    raw: float | None
    unit: str
    value: float | None
    weight: float
    points: float | None
    explain: str
    evidence: dict[str, list[str]] = field(default_factory=dict)
    withheld: str | None = None
    #: why the part could not be computed (缺数据: the firm's figures it needs are unknown); value None
    missing: str | None = None
    #: the sub-scores a part is made of (strength: size, labels; district_fit: policy, proximity, park)
    detail: dict[str, int | float] = field(default_factory=dict)


@dataclass
class Candidate:
    enterprise_id: str
    name: str
    home_district: str
    segment_id: str
    capacity: float | None
    capacity_basis: str
    district: str | None
    district_name: str | None
    park: str | None
    score: float
    parts: list[Part]
    rate_before: float | None = None
    rate_after: float | None = None
    gain: float | None = None
    #: set in a role's view whose score leaves withheld parts out (see :mod:`chainbrain.invest.visibility`)
    score_note: str | None = None
    #: the segment's Chinese name and the unit of ``capacity`` (the segment's unit)
    segment_name: str = ""
    capacity_unit: str | None = None


@dataclass
class SegmentTargets:
    segment_id: str
    name: str
    flags: list[str]
    outside_value: float | None  # None only in a role's view that withholds it (chainbrain.invest.visibility)
    shortfall: float
    unit: str | None
    outside_links: list[str]
    candidates: list[Candidate]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


FLAG_ZH = {"missing": "缺失", "short": "产能不足", "single_sourced": "单一来源", "concentrated": "高度集中"}
#: what the keys of :attr:`Part.evidence` hold, in Chinese
EVIDENCE_ZH = {
    "links": "供应关系",
    "sites": "场所",
    "enterprises": "企业",
    "labels": "标签",
    "districts": "区县",
}


def strength(
    revenue: float | None, employees: int | None, labels: list[str]
) -> tuple[float | None, float | None, float]:
    """(strength, size, labels) per the module docstring; strength and size are None when the size is unknown."""
    lab = min(1.0, sum(LABEL_POINTS.get(x, 0.0) for x in labels))
    if revenue is not None:
        size = min(1.0, revenue / SIZE_REVENUE)
    elif employees is not None:
        size = min(1.0, employees / SIZE_EMPLOYEES)
    else:
        return None, None, lab
    return 0.5 * size + 0.5 * lab, size, lab


def _outside_links(conn: duckdb.DuckDBPyConnection, b: Any) -> list[dict[str, Any]]:
    return fetch_dicts(
        conn,
        f"SELECT lk.*, s.lon, s.lat FROM ({links_sql(b, 'oem')}) lk JOIN site s ON s.id = lk.buyer_site"
        " WHERE lk.in_area AND NOT lk.is_local ORDER BY lk.value DESC, lk.link_id",
    )


def _firms_for(conn: duckdb.DuckDBPyConnection, b: Any, segment: str, links: list[dict]) -> list[dict]:
    """Candidate firms for a segment with their outside capacity, sites and incumbent links."""
    sites = fetch_dicts(
        conn,
        "SELECT s.id, s.enterprise_id, s.district_code, s.capacity, s.capacity_unit FROM site s"
        " WHERE s.segment_id = ? ORDER BY s.id",
        [segment],
    )
    local_firms = {s["enterprise_id"] for s in sites if b.contains_code(s["district_code"])}
    firms: dict[str, dict] = {}

    def entry(eid: str) -> dict:
        return firms.setdefault(
            eid, {"sites": [], "capacity": None, "links": [], "link_value": 0.0, "units": 0.0}
        )

    for s in sites:
        if s["enterprise_id"] in local_firms:
            continue
        f = entry(s["enterprise_id"])
        f["sites"].append(s["id"])
        if s["capacity"] is not None:
            f["capacity"] = (f["capacity"] or 0.0) + float(s["capacity"])
    for lk in links:
        eid = lk["supplier_ent"]
        if eid is None or eid in local_firms:
            continue
        f = entry(eid)
        f["links"].append(lk["link_id"])
        f["link_value"] += float(lk["value"])
        if lk["volume"] is not None:
            f["units"] += float(lk["volume"])
    for r in fetch_dicts(
        conn, "SELECT id, district_code FROM enterprise WHERE main_segment_id = ?", [segment]
    ):
        if r["id"] not in local_firms and not b.contains_code(r["district_code"]):
            entry(r["id"])
    return [{"id": k, **v} for k, v in sorted(firms.items())]


def _flags(g: Any) -> list[str]:
    return [k for k in ("missing", "short", "single_sourced", "concentrated") if getattr(g, k)]


def recommend(
    conn: duckdb.DuckDBPyConnection,
    *,
    segment: str | None = None,
    district: str | None = None,
    boundary: str = "city",
    top: int | None = 10,
) -> list[SegmentTargets]:
    """Ranked candidates per flagged segment (see the module). ``district`` scores every firm for that district."""
    b = parse_boundary(boundary)
    parents = segment_parents(conn)
    links = _outside_links(conn, b)
    row = conn.execute(
        f"SELECT coalesce(sum(value), 0) FROM ({links_sql(b, 'oem')}) WHERE in_area"
    ).fetchone()
    total = float(row[0]) if row else 0.0
    by_seg: dict[str, list[dict]] = {}
    for lk in links:
        by_seg.setdefault(lk["segment_id"], []).append(lk)
    flagged = []
    for g in gaps(conn, b):
        if segment_root(parents, g.segment_id) == "vehicle" or not _flags(g):
            continue
        v = sum(float(lk["value"]) for lk in by_seg.get(g.segment_id, []))
        if v > 0 or g.shortfall > 0:
            flagged.append((g, v))
    if segment is not None and segment not in {g.segment_id for g, _ in flagged}:
        if segment not in parents:
            raise InvestError(f"未知的产业链环节 {segment!r}", param="segment")
    v_max = max((v for _, v in flagged), default=0.0)
    g_max = v_max / total if total else 0.0
    ents = {r["id"]: r for r in fetch_dicts(conn, "SELECT * FROM enterprise")}
    base = baseline(conn, b)  # the rates before: one read for every candidate's what-if
    out = []
    for g, v in flagged:
        if segment is not None and g.segment_id != segment:
            continue
        seg_links = by_seg.get(g.segment_id, [])
        buyers: dict[str, list] = {}
        for lk in seg_links:
            cur = buyers.setdefault(lk["buyer_site"], [lk["buyer_site"], 0.0, lk["lon"], lk["lat"]])
            cur[1] += float(lk["value"])
        fits = district_fits(conn, g.segment_id, [tuple(x) for x in buyers.values()],
                             [district] if district else None)  # fmt: skip
        best = fits[0] if fits else None
        cands = []
        for f in _firms_for(conn, b, g.segment_id, seg_links):
            e = ents.get(f["id"])
            if e is None:
                continue
            cands.append(_score(conn, b, g, v, v_max, g_max, f, e, best, seg_links, base))
        cands.sort(key=lambda c: (-c.score, c.enterprise_id))
        out.append(
            SegmentTargets(
                segment_id=g.segment_id,
                name=g.name,
                flags=_flags(g),
                outside_value=v,
                shortfall=g.shortfall,
                unit=g.unit,
                outside_links=[lk["link_id"] for lk in seg_links],
                candidates=cands[:top] if top else cands,
            )
        )
    out.sort(
        key=lambda s: (
            -(s.candidates[0].score if s.candidates else 0.0),
            -(s.outside_value or 0.0),
            s.segment_id,
        )
    )
    return out


def _score(
    conn: duckdb.DuckDBPyConnection,
    b: Any,
    g: Any,
    v: float,
    v_max: float,
    g_max: float,
    f: dict,
    e: dict,
    best: DistrictFit | None,
    seg_links: list[dict],
    base: Baseline,
) -> Candidate:
    parts: list[Part] = []

    def add(
        key: str, raw: float | None, unit: str, value: float, explain: str, ev: dict, **detail: float
    ) -> None:
        w = WEIGHTS[key]
        parts.append(Part(key, PART_ZH[key], raw, unit, value, w, w * value, explain, ev, detail=detail))

    link_ids = [lk["link_id"] for lk in seg_links]
    add(
        "outside_value",
        v,
        "元/年",
        v / v_max if v_max else 0.0,
        f"本地整车企业从市外采购{g.name} {v / 1e8:.2f} 亿元/年（{len(link_ids)} 条供应关系）",
        {"links": link_ids},
    )
    capacity, basis = f["capacity"], "外地工厂产能"
    if capacity is None and f["units"] > 0:
        capacity, basis = f["units"], "现向本地整车供货量"
    wi: WhatIfResult | None = None
    why_not = "产能未知，无法测算本地配套率提升"
    if capacity is not None and capacity > 0:
        try:
            wi = whatif(conn, g.segment_id, capacity, best.district if best else None, b, base)
        except WhatIfError as err:  # e.g. a radius boundary and a district without a point
            why_not = f"无法测算本地配套率提升：{err}"
    if wi is not None and wi.city_before.rate_value is not None and wi.city_after.rate_value is not None:
        gain = wi.city_after.rate_value - wi.city_before.rate_value
        add(
            "rate_gain",
            gain,
            "比例",
            min(1.0, gain / g_max) if g_max else 0.0,
            f"按产能 {qty(capacity, g.unit)} 在本地设厂，全市本地配套率 {wi.city_before.rate_value:.2%} → "
            f"{wi.city_after.rate_value:.2%}（+{gain * 100:.2f} 个百分点）",
            {"links": [d.link_id for d in wi.displaced_links], "sites": f["sites"]},
        )
    else:
        gain = None
        add("rate_gain", None, "比例", 0.0, why_not, {"sites": f["sites"]})
    share = f["link_value"] / v if v else 0.0
    add(
        "incumbent",
        f["link_value"],
        "元/年",
        share,
        (
            f"已从市外向本地整车供货 {f['link_value'] / 1e8:.2f} 亿元/年，占市外采购的 {share:.0%}"
            if f["links"]
            else "尚未向本地整车供货"
        ),
        {"links": f["links"]},
    )
    labels = list(e["labels"] or [])
    st, size, lab = strength(e["revenue"], e["employees"], labels)
    tags = f"标签：{'、'.join(labels) or '无'}"
    if st is None or size is None:
        parts.append(
            Part("strength", PART_ZH["strength"], None, "", None, WEIGHTS["strength"], None,
                 f"缺数据：营收和从业人数均未知，无法评价企业规模，本项不计入得分；{tags}（标签分 {lab:.2f}）",
                 {"enterprises": [e["id"]], "labels": labels}, missing=MISSING_ZH, detail={"labels": lab})
        )  # fmt: skip
    else:
        rev = f"营收 {e['revenue'] / 1e4:,.0f} 亿元" if e["revenue"] is not None else "营收未知"
        add(
            "strength",
            st,
            "",
            st,
            f"{rev}；{tags}（规模 {size:.2f}，标签 {lab:.2f}）",
            {"enterprises": [e["id"]], "labels": labels},
            size=size,
            labels=lab,
        )
    if best is not None:
        add(
            "district_fit",
            best.fit,
            "",
            best.fit,
            f"{best.name}：政策{'匹配' if best.policy else '未明确'}（{'；'.join(best.rules) or '—'}），"
            + (f"距采购整车厂平均 {best.mean_km:.0f} 公里，" if best.mean_km is not None else "")
            + f"园区 {best.park_name or '无'}",
            {"districts": [best.district], "sites": sorted(set(best.park_sites + best.buyer_sites))},
            policy=best.policy,
            proximity=best.proximity,
            park=best.park,
        )
    else:
        add("district_fit", None, "", 0.0, "没有可选区县", {})
    return Candidate(
        enterprise_id=e["id"],
        name=e["short_name"] or e["name"],
        home_district=e["district_code"],
        segment_id=g.segment_id,
        capacity=capacity,
        capacity_basis=basis if capacity is not None else "未知",
        district=best.district if best else None,
        district_name=best.name if best else None,
        park=best.park_name if best else None,
        score=sum(p.points or 0.0 for p in parts),
        parts=parts,
        score_note=missing_note(parts),
        rate_before=wi.city_before.rate_value if wi else None,
        rate_after=wi.city_after.rate_value if wi else None,
        gain=gain,
        segment_name=g.name,
        capacity_unit=g.unit,
    )  # fmt: skip


def missing_note(parts: list[Part]) -> str | None:
    """What a total leaves out for lack of data (缺数据), or None when every part could be computed."""
    gone = [p for p in parts if p.missing]
    if not gone:
        return None
    share = sum(p.weight for p in gone)
    return (
        f"得分不含{'、'.join(p.name_zh for p in gone)}（{MISSING_ZH}，共占权重 {share:.0%}）："
        f"得分为其余各项之和，满分 {100 * (1 - share):.0f}"
    )


def flat(targets: list[SegmentTargets]) -> list[Candidate]:
    """Every candidate of every segment in one list, best first (the per-district 招商 list)."""
    out = [c for t in targets for c in t.candidates]
    out.sort(key=lambda c: (-c.score, c.enterprise_id, c.segment_id))
    return out


def by_district(targets: list[SegmentTargets]) -> list[dict[str, Any]]:
    """The 招商地图: per suggested district, its candidates (best first) and the segments they would fill
    (``segments`` their ids, ``segment_names`` their names in the same order).

    Each candidate sits in the district that fits its segment best (see :mod:`chainbrain.invest.fit`), so a
    district's list is the firms chainbrain would steer there. Districts with most candidate points first.
    """
    groups: dict[str, dict[str, Any]] = {}
    for c in flat(targets):
        if c.district is None:
            continue
        g = groups.setdefault(
            c.district,
            {
                "district": c.district,
                "name": c.district_name,
                "parks": set(),
                "segments": [],
                "segment_names": [],
                "candidates": [],
            },
        )
        g["candidates"].append(c)
        if c.segment_id not in g["segments"]:
            g["segments"].append(c.segment_id)
            g["segment_names"].append(c.segment_name or c.segment_id)
        if c.park:
            g["parks"].add(c.park)
    out = []
    for g in groups.values():
        g["parks"] = sorted(g["parks"])
        g["count"] = len(g["candidates"])
        g["total_score"] = sum(c.score for c in g["candidates"])
        out.append(g)
    out.sort(key=lambda g: (-g["total_score"], g["district"]))
    return out
