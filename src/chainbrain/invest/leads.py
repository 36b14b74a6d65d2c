"""招商线索: the pipeline 线索 → 洽谈 → 签约 → 投产 → 本地供货, with dates and owners, and how far recommended firms got.

A lead is one firm courted for one segment by one district. Its history is a list of events (stage, date,
owner, note); its stage is the latest event. Stages only move forward (a stage may be skipped), except that a
lead may be dropped (终止) from any stage; dates never go back.

:func:`funnel` answers "did the recommendations work?": for recommended leads and for the others, how many
reached each stage (a lead that reached 签约 also counts under 线索 and 洽谈), and for leads at 本地供货 whether
the store shows it — a site of the firm inside the boundary making the segment, and supply links from it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import duckdb
from typing_extensions import TypedDict

from chainbrain.chain.boundary import parse_boundary
from chainbrain.errors import InvalidInput
from chainbrain.store.records import fetch_dicts, insert_rows, transaction

STAGES = ("lead", "talks", "signed", "producing", "supplying")
STAGE_ZH = {"lead": "线索", "talks": "洽谈", "signed": "签约", "producing": "投产", "supplying": "本地供货",
            "dropped": "终止"}  # fmt: skip
_ZH_STAGE = {v: k for k, v in STAGE_ZH.items()}


class LeadError(InvalidInput, ValueError):
    """A lead or a move that cannot be recorded."""


def parse_stage(text: str) -> str:
    """A stage from its code (talks) or its Chinese name (洽谈)."""
    t = text.strip()
    if t in STAGE_ZH:
        return t
    if t in _ZH_STAGE:
        return _ZH_STAGE[t]
    raise LeadError(f"未知的阶段 {text!r}：可选 {'、'.join(f'{k}（{v}）' for k, v in STAGE_ZH.items())}")


class LeadEvent(TypedDict):
    """One move of a lead: the stage reached, when, by whom, and why."""

    stage: str
    stage_zh: str
    date: dt.date | None
    owner: str | None
    note: str | None


class StageName(TypedDict):
    stage: str
    stage_zh: str


class FunnelGroup(TypedDict):
    """Leads of one kind (recommended or other) and how far they got; ``reached`` counts per stage."""

    leads: int
    moved: int
    moved_ids: list[str]
    dropped: list[str]
    reached: dict[str, int]
    reached_ids: dict[str, list[str]]


class SupplyingCheck(TypedDict):
    """A lead at 本地供货 checked against the store: the firm's local sites and supply links there."""

    lead_id: str
    enterprise_id: str
    segment_id: str | None
    local_sites: list[str]
    local_links: list[str]
    confirmed: bool


class Funnel(TypedDict):
    """How many recommended (and other) leads reached each stage; 本地供货 checked against the store."""

    district: str | None
    stages: list[StageName]
    recommended: FunnelGroup
    other: FunnelGroup
    supplying_checks: list[SupplyingCheck]


@dataclass
class Lead:
    id: str
    enterprise_id: str
    name: str
    segment_id: str | None
    district_code: str | None
    park: str | None
    owner: str | None
    recommended: bool
    rec_score: float | None
    rec_rank: int | None
    stage: str
    stage_zh: str
    stage_date: dt.date | None
    history: list[LeadEvent] = field(default_factory=list)


def add_lead(
    conn: duckdb.DuckDBPyConnection,
    enterprise_id: str,
    *,
    segment_id: str | None = None,
    district_code: str | None = None,
    park: str | None = None,
    owner: str | None = None,
    date: dt.date | None = None,
    recommended: bool = False,
    rec_score: float | None = None,
    rec_rank: int | None = None,
    note: str | None = None,
    lead_id: str | None = None,
    source: str = "用户录入",
    status: str = "illustrative",
) -> str:
    """Open a lead at stage 线索; returns its id."""
    found = conn.execute("SELECT count(*) FROM enterprise WHERE id = ?", [enterprise_id]).fetchone()
    if not found or not found[0]:
        raise LeadError(f"企业 {enterprise_id} 不存在")
    if segment_id:
        found = conn.execute("SELECT count(*) FROM segment WHERE id = ?", [segment_id]).fetchone()
        if not found or not found[0]:
            raise LeadError(f"产业链环节 {segment_id} 不存在")
    lid = lead_id or "lead-" + uuid.uuid4().hex[:10]
    day = date or dt.date.today()
    row = {"id": lid, "enterprise_id": enterprise_id, "segment_id": segment_id, "district_code": district_code,
           "park": park, "owner": owner, "recommended": recommended, "rec_score": rec_score, "rec_rank": rec_rank,
           "rec_date": day if recommended else None, "note": note, "source": source, "as_of": day, "status": status}  # fmt: skip
    ev = {"id": f"{lid}-0", "lead_id": lid, "stage": "lead", "date": day, "owner": owner, "note": note,
          "source": source, "as_of": day, "status": status}  # fmt: skip
    try:
        with transaction(conn):
            insert_rows(conn, "invest_lead", [row])
            insert_rows(conn, "invest_lead_event", [ev])
    except duckdb.ConstraintException as e:
        raise LeadError(f"线索 {lid} 已存在：{e}") from e
    return lid


def advance(
    conn: duckdb.DuckDBPyConnection,
    lead_id: str,
    stage: str,
    *,
    date: dt.date | None = None,
    owner: str | None = None,
    note: str | None = None,
    source: str = "用户录入",
    status: str = "illustrative",
) -> Lead:
    """Move a lead to ``stage`` (forward only, or 终止) on ``date``."""
    stage = parse_stage(stage)
    lead = get_lead(conn, lead_id)
    day = date or dt.date.today()
    if lead.stage == "dropped":
        raise LeadError(f"线索 {lead_id} 已终止，不能再推进")
    if stage != "dropped" and STAGES.index(stage) <= STAGES.index(lead.stage):
        raise LeadError(f"线索 {lead_id} 已处于「{lead.stage_zh}」，不能回到或停留在「{STAGE_ZH[stage]}」")
    if lead.stage_date and day < lead.stage_date:
        raise LeadError(f"日期 {day} 早于上一阶段日期 {lead.stage_date}")
    n = len(lead.history)
    insert_rows(conn, "invest_lead_event", [{
        "id": f"{lead_id}-{n}", "lead_id": lead_id, "stage": stage, "date": day, "owner": owner or lead.owner,
        "note": note, "source": source, "as_of": day, "status": status}])  # fmt: skip
    return get_lead(conn, lead_id)


def _leads(conn: duckdb.DuckDBPyConnection, where: str = "", params: list | None = None) -> list[Lead]:
    rows = fetch_dicts(
        conn,
        "SELECT l.*, coalesce(e.short_name, e.name) AS name FROM invest_lead l"
        f" LEFT JOIN enterprise e ON e.id = l.enterprise_id {where} ORDER BY l.id",
        params or [],
    )
    events = fetch_dicts(conn, "SELECT * FROM invest_lead_event ORDER BY lead_id, date, id")
    hist: dict[str, list[LeadEvent]] = {}
    for ev in events:
        hist.setdefault(ev["lead_id"], []).append(
            {"stage": ev["stage"], "stage_zh": STAGE_ZH[ev["stage"]], "date": ev["date"], "owner": ev["owner"],
             "note": ev["note"]})  # fmt: skip
    out = []
    for r in rows:
        h = hist.get(r["id"], [])
        last: Any = h[-1] if h else {"stage": "lead", "date": None}
        out.append(Lead(r["id"], r["enterprise_id"], r["name"] or r["enterprise_id"], r["segment_id"],
                        r["district_code"], r["park"], r["owner"], bool(r["recommended"]), r["rec_score"],
                        r["rec_rank"], last["stage"], STAGE_ZH[last["stage"]], last["date"], h))  # fmt: skip
    return out


def get_lead(conn: duckdb.DuckDBPyConnection, lead_id: str) -> Lead:
    found = _leads(conn, "WHERE l.id = ?", [lead_id])
    if not found:
        raise LeadError(f"线索 {lead_id} 不存在")
    return found[0]


def list_leads(
    conn: duckdb.DuckDBPyConnection, *, district: str | None = None, stage: str | None = None
) -> list[Lead]:
    """Leads, filtered by the courting district and by current stage."""
    out = _leads(conn, "WHERE (? IS NULL OR l.district_code = ?)", [district, district])
    if stage:
        try:
            s = parse_stage(stage)
        except LeadError as e:
            raise LeadError(e.message, param="stage") from None
        out = [x for x in out if x.stage == s]
    return out


def _reached(lead: Lead) -> set[str]:
    """Stages a lead has reached, counting skipped ones below its furthest stage."""
    done = [STAGES.index(h["stage"]) for h in lead.history if h["stage"] in STAGES]
    top = max(done, default=0)
    return set(STAGES[: top + 1])


def funnel(conn: duckdb.DuckDBPyConnection, *, district: str | None = None, boundary: str = "city") -> Funnel:
    """How many recommended (and other) leads reached each stage; 本地供货 checked against the store."""
    b = parse_boundary(boundary)
    leads = list_leads(conn, district=district)
    groups: dict[str, list[Lead]] = {"recommended": [x for x in leads if x.recommended],
                                     "other": [x for x in leads if not x.recommended]}  # fmt: skip
    out: dict[str, FunnelGroup] = {}
    for g, items in groups.items():
        counts = {s: [x.id for x in items if s in _reached(x)] for s in STAGES}
        moved = [x.id for x in items if len(_reached(x)) > 1]
        out[g] = {"leads": len(items), "moved": len(moved), "moved_ids": moved,
                  "dropped": [x.id for x in items if x.stage == "dropped"],
                  "reached": {s: len(ids) for s, ids in counts.items()}, "reached_ids": counts}  # fmt: skip
    checks: list[SupplyingCheck] = []
    for x in leads:
        if "supplying" not in _reached(x):
            continue
        sites = [r["id"] for r in fetch_dicts(
            conn, "SELECT id, district_code FROM site WHERE enterprise_id = ? AND segment_id = ? ORDER BY id",
            [x.enterprise_id, x.segment_id]) if b.contains_code(r["district_code"])]  # fmt: skip
        links = [r["id"] for r in fetch_dicts(
            conn, "SELECT id FROM supply_link WHERE supplier_site_id IN ? AND segment_id = ? ORDER BY id",
            [sites, x.segment_id])] if sites else []  # fmt: skip
        checks.append({"lead_id": x.id, "enterprise_id": x.enterprise_id, "segment_id": x.segment_id,
                       "local_sites": sites, "local_links": links, "confirmed": bool(sites and links)})  # fmt: skip
    return Funnel(district=district, stages=[StageName(stage=s, stage_zh=STAGE_ZH[s]) for s in STAGES],
                  recommended=out["recommended"], other=out["other"], supplying_checks=checks)  # fmt: skip


def leads_from_recommendations(
    conn: duckdb.DuckDBPyConnection,
    candidates: list[Any],
    *,
    district: str | None = None,
    owner: str | None = None,
    date: dt.date | None = None,
) -> list[str]:
    """Open a recommended lead for each :class:`chainbrain.invest.attract.Candidate`, ranked in list order.

    A firm already courted for the same segment by the same district is skipped.
    """
    existing = {(x.enterprise_id, x.segment_id, x.district_code) for x in list_leads(conn)}
    ids = []
    for rank, c in enumerate(candidates, start=1):
        where = district or c.district
        if (c.enterprise_id, c.segment_id, where) in existing:
            continue
        ids.append(add_lead(conn, c.enterprise_id, segment_id=c.segment_id, district_code=where,
                            park=c.park, owner=owner, date=date, recommended=True, rec_score=c.score,
                            rec_rank=rank, note="chainbrain 招商推荐"))  # fmt: skip
    return ids
