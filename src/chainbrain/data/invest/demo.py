"""Illustrative 招商 / 培育 / 对接 data for the demo store: firm figures, offers, needs and leads.

Everything here is ``illustrative`` (plausible, not real) and says so in its ``source``:

* ``firm_attr`` — for every Chongqing non-OEM firm whose revenue the demo gives: the figures the MIIT
  criteria read, drawn from a random generator seeded by the firm id (stable whatever else changes), with
  about one figure in seven left unknown so the lists show 缺数据; process capabilities for traditional parts
  firms (from their main segment).
* ``offer`` — the named firms the seeds cite, and about 40% of the other firms, offer their main segment with
  Chinese product terms (``segment_terms.csv``); capacity is their sites' capacity, committed is what those
  sites already ship.
* ``need`` — each OEM plant in Chongqing posts needs for the three segments it buys most from outside, plus
  the hand-written needs of the matching evaluation set.
* ``invest_lead`` / ``invest_lead_event`` — ``leads.csv``: ten leads on the national suppliers the seeds name.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from typing import Any

import duckdb

from chainbrain.chain.boundary import in_city_sql
from chainbrain.data.invest.files import read_text, segment_terms
from chainbrain.store.records import fetch_dicts, insert_rows, transaction

SEED = 20250716
AS_OF = dt.date(2025, 12, 31)
SRC_ATTR = "chainbrain 示例数据：培育指标按企业规模随机生成（按企业编号固定种子），非真实数据"
SRC_OFFER = "chainbrain 示例数据：供给能力按主营环节模板生成，非真实发布"
SRC_NEED = "chainbrain 示例数据：按示例车型BOM与市外采购生成的采购需求，非真实发布"
SRC_LEAD = "chainbrain 示例数据：招商线索为示意，非真实项目进展"

#: process capabilities a traditional firm of a segment may have (keys of transform_rules.csv)
CAPABILITIES = {
    "parts.castings": ["铝压铸", "精密齿轮", "铸造"],
    "parts.chassis": ["液压制动", "液压转向", "冲压"],
    "parts.body": ["冲压", "焊装"],
    "parts.electrical": ["电子装配", "线束"],
    "parts.interior": ["注塑", "电子装配"],
    "ice.engine": ["铝压铸", "精密齿轮", "水泵"],
    "ice.transmission": ["精密齿轮", "铝压铸"],
}


def _rng(eid: str, what: str) -> random.Random:
    return random.Random(f"{SEED}:{what}:{eid}")


def _maybe(rng: random.Random, v: Any) -> Any:
    return None if rng.random() < 0.15 else v


def firm_attrs(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = fetch_dicts(
        conn,
        f"SELECT id, revenue, founded, main_segment_id FROM enterprise WHERE {in_city_sql('district_code')}"
        " AND NOT list_contains(roles, 'OEM') AND revenue IS NOT NULL ORDER BY id",
    )
    out = []
    for r in rows:
        g = _rng(r["id"], "attr")
        age = AS_OF.year - r["founded"] if r["founded"] else g.randint(3, 25)
        rd = g.uniform(0.01, 0.09)
        caps = CAPABILITIES.get(r["main_segment_id"] or "", [])
        out.append({
            "enterprise_id": r["id"], "year": AS_OF.year,
            "years_in_field": _maybe(g, float(max(age - g.randint(0, 5), 0))),
            "main_business_share": _maybe(g, round(g.uniform(0.55, 0.98), 3)),
            "rd_expense": _maybe(g, round(r["revenue"] * rd, 1)),
            "rd_staff_share": _maybe(g, round(g.uniform(0.05, 0.45), 3)),
            "rd_share": _maybe(g, round(rd, 4)),
            "rd_share_prev": _maybe(g, round(rd * g.uniform(0.8, 1.2), 4)),
            "revenue_growth": _maybe(g, round(g.uniform(-0.05, 0.30), 3)),
            "equity_financing": _maybe(g, round(g.choice([0.0, 0.0, g.uniform(500, 12000)]), 1)),
            "patents_class1": _maybe(g, g.randint(0, 12)),
            "debt_ratio": _maybe(g, round(g.uniform(0.25, 0.80), 3)),
            "market_share": _maybe(g, round(g.uniform(0.01, 0.20), 3)),
            "rd_institution": _maybe(g, g.random() < 0.6),
            "capabilities": sorted(g.sample(caps, k=min(len(caps), g.randint(1, 2)))) if caps else [],
            "source": SRC_ATTR, "as_of": AS_OF, "status": "illustrative",
        })  # fmt: skip
    return out


def offers(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    terms = segment_terms()
    names = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall())
    firms = fetch_dicts(
        conn,
        "SELECT id, name, short_name, main_segment_id, status FROM enterprise"
        " WHERE NOT list_contains(roles, 'OEM') AND main_segment_id IS NOT NULL ORDER BY id",
    )
    shipped = dict(
        conn.execute(
            "SELECT supplier_site_id, sum(coalesce(volume, 0)) FROM supply_link GROUP BY 1"
        ).fetchall()
    )
    sites: dict[str, list[dict]] = {}
    for s in fetch_dicts(conn, "SELECT id, enterprise_id, segment_id, capacity FROM site ORDER BY id"):
        sites.setdefault(s["enterprise_id"], []).append(s)
    out = []
    for f in firms:
        seg = f["main_segment_id"]
        g = _rng(f["id"], "offer")
        if seg not in terms or (f["status"] != "verified" and g.random() >= 0.4):
            continue
        words, certs = terms[seg]
        mine = [s for s in sites.get(f["id"], []) if s["segment_id"] == seg]
        caps = [s["capacity"] for s in mine if s["capacity"] is not None]
        picked = g.sample(words, k=min(len(words), 3))
        out.append({
            "id": f"offer-{f['id']}", "supplier_id": f["id"], "segment_ids": [seg],
            "title": f"{names.get(seg, seg)}：{picked[0]}",
            "text": f"{f['short_name'] or f['name']}可为整车及一级供应商批量提供{names.get(seg, seg)}，"
                    f"主要产品与技术：{'、'.join(picked)}。",
            "capacity": sum(caps) if caps else None,
            "committed": sum(shipped.get(s["id"], 0.0) for s in mine) if caps else None,
            "capacity_unit": None, "certifications": [c for c in certs if g.random() < 0.8],
            "site_ids": [s["id"] for s in mine], "state": "open", "posted_at": dt.date(2025, g.randint(1, 12), 1),
            "source": SRC_OFFER, "as_of": AS_OF, "status": "illustrative",
        })  # fmt: skip
    return out


def needs(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    terms = segment_terms()
    names = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall())
    top = fetch_dicts(
        conn,
        f"""WITH o AS (
               SELECT b.id AS plant, b.enterprise_id AS buyer, b.district_code, l.segment_id, sum(l.annual_value) AS v
               FROM supply_link l JOIN site b ON b.id = l.buyer_site_id JOIN site s ON s.id = l.supplier_site_id
               JOIN enterprise e ON e.id = b.enterprise_id
               WHERE list_contains(e.roles, 'OEM') AND {in_city_sql("b.district_code")}
                 AND NOT {in_city_sql("s.district_code")} GROUP BY ALL)
           SELECT *, row_number() OVER (PARTITION BY plant ORDER BY v DESC, segment_id) AS k FROM o
           QUALIFY k <= 3 ORDER BY plant, k""",
    )
    demand = {
        (r[0], r[1]): r[2]
        for r in conn.execute(
            "SELECT m.site_id, bl.segment_id, sum(m.annual_volume * bl.qty) FROM vehicle_model m"
            " JOIN bom_line bl ON bl.model_id = m.id GROUP BY 1, 2"
        ).fetchall()
    }
    out = []
    for r in top:
        seg = r["segment_id"]
        words, certs = terms.get(seg, ([names.get(seg, seg)], ["IATF 16949"]))
        g = _rng(f"{r['plant']}:{seg}", "need")
        out.append({
            "id": f"need-{r['plant']}-{seg}", "buyer_id": r["buyer"], "buyer_site_id": r["plant"],
            "segment_id": seg, "title": f"{names.get(seg, seg)}本地配套需求",
            "spec": f"现从市外采购{names.get(seg, seg)}约{r['v'] / 1e8:.1f}亿元/年，寻求本地供应商，"
                    f"要求：{'、'.join(g.sample(words, k=min(len(words), 3)))}",
            "annual_volume": demand.get((r["plant"], seg)), "volume_unit": None,
            "certifications": certs[:1] or ["IATF 16949"], "delivery_district": r["district_code"],
            "need_by": dt.date(2026, g.randint(1, 12), 1), "state": "open", "posted_at": dt.date(2025, 11, 1),
            "source": SRC_NEED, "as_of": AS_OF, "status": "illustrative",
        })  # fmt: skip
    ents = {r[0] for r in conn.execute("SELECT id FROM enterprise").fetchall()}
    for c in json.loads(read_text("match_eval.json"))["cases"]:
        n = c["need"]
        if c["kind"] != "hand" or n["buyer_id"] not in ents:
            continue
        out.append({
            "id": f"need-{c['id']}", "volume_unit": None, "annual_volume": None, "buyer_site_id": None,
            "delivery_district": None, "need_by": None, "certifications": [], **n, "state": "open",
            "posted_at": dt.date(2025, 12, 1), "source": "chainbrain 示例数据：手写中文需求（对接评测集）",
            "as_of": AS_OF, "status": "illustrative",
        })  # fmt: skip
    return out


def leads(conn: duckdb.DuckDBPyConnection) -> tuple[list[dict], list[dict]]:
    ents = {r[0] for r in conn.execute("SELECT id FROM enterprise").fetchall()}
    rows, events = [], []
    for r in csv.DictReader(read_text("leads.csv").splitlines()):
        if r["enterprise_id"] not in ents:
            continue
        evs = [e.split(":") for e in r["events"].split(";")]
        first = dt.date.fromisoformat(evs[0][1])
        rows.append({
            "id": r["id"], "enterprise_id": r["enterprise_id"], "segment_id": r["segment_id"],
            "district_code": r["district_code"], "park": r["park"] or None, "owner": r["owner"],
            "recommended": r["recommended"] == "true", "rec_score": None, "rec_rank": None,
            "rec_date": first if r["recommended"] == "true" else None, "note": r["note"] or None,
            "source": SRC_LEAD, "as_of": AS_OF, "status": "illustrative",
        })  # fmt: skip
        for i, (stage, day) in enumerate(evs):
            events.append({"id": f"{r['id']}-{i}", "lead_id": r["id"], "stage": stage,
                           "date": dt.date.fromisoformat(day), "owner": r["owner"], "note": None,
                           "source": SRC_LEAD, "as_of": AS_OF, "status": "illustrative"})  # fmt: skip
    return rows, events


def load_demo_invest(conn: duckdb.DuckDBPyConnection, *, own_transaction: bool = True) -> dict[str, int]:
    """Add the illustrative 招商/培育/对接 rows to a store that holds the demo (after ``load_demo``'s rows).

    Runs in its own transaction; pass ``own_transaction=False`` when calling from inside another one (DuckDB
    has no nested transactions). Returns row counts per table.
    """
    lead_rows, lead_events = leads(conn)
    rows = {
        "firm_attr": firm_attrs(conn),
        "offer": offers(conn),
        "need": needs(conn),
        "invest_lead": lead_rows,
        "invest_lead_event": lead_events,
    }
    if not own_transaction:
        return {t: insert_rows(conn, t, r) for t, r in rows.items()}
    with transaction(conn):
        return {t: insert_rows(conn, t, r) for t, r in rows.items()}
