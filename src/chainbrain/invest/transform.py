"""转型升级: traditional (fuel-vehicle) parts firms whose capabilities fit NEV segments.

Traditional firms: inside the boundary, not OEMs, carrying the label 传统零部件 or making only segments of the
传统动力总成 (``ice``) and 传统零部件 (``parts``) branches (by their sites and main segment).

Fits come from the bundled rule table ``data/invest/transform_rules.csv`` (one row per rule: from a segment
— the firm makes it or something under it — or from a process capability named in ``firm_attr.capabilities``,
to a target NEV segment, with the reason). The plan asks for 150 such firms by 2027 (渝链智擎 二(三)).

A firm's score for a target segment is 0.5 × evidence + 0.5 × pull: evidence = min(1, rules that point
there / 2); pull = what buyers inside the area buy of the target from outside (:func:`chain.gaps.gaps`,
all buyers) over the largest such value among all the targets considered. Each firm shows its best target
first; firms rank by their best score.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import duckdb

from chainbrain.chain.boundary import parse_boundary
from chainbrain.chain.gaps import gaps
from chainbrain.invest.cultivate import firm_facts
from chainbrain.invest.fit import segment_parents, segment_root

TRADITIONAL_ROOTS = ("ice", "parts")
CLAUSE = "《重庆市智能网联新能源汽车产业链“渝链智擎”行动计划(2025—2027)》二(三) 持续推进转型升级"
TARGET_FIRMS = 150


@dataclass(frozen=True)
class Rule:
    from_type: str  # segment | capability
    from_value: str
    to_segment: str
    why: str


@cache
def rules() -> tuple[Rule, ...]:
    """The bundled transformation rules."""
    text = (
        resources.files("chainbrain.data.invest").joinpath("transform_rules.csv").read_text(encoding="utf-8")
    )
    out = []
    for i, r in enumerate(csv.DictReader(text.splitlines()), start=2):
        if r["from_type"] not in ("segment", "capability"):
            raise ValueError(
                f"transform_rules.csv row {i}: from_type {r['from_type']!r} is not segment|capability"
            )
        out.append(Rule(r["from_type"], r["from_value"], r["to_segment"], r["why"]))
    return tuple(out)


@dataclass
class Target:
    segment_id: str
    name: str
    score: float
    evidence: float
    pull: (
        float | None
    )  # None with outside_value, and ``note``, in a role's view (chainbrain.invest.visibility)
    outside_value: float | None
    reasons: list[str] = field(default_factory=list)  # "来自 X：why"
    note: str | None = None


@dataclass
class TransformCandidate:
    enterprise_id: str
    name: str
    district_code: str
    segments: list[str]
    capabilities: list[str]
    score: float
    targets: list[Target]
    #: names of ``segments`` (same order) and of the district
    segment_names: list[str] = field(default_factory=list)
    district_name: str | None = None


def _under(parents: dict[str, str | None], seg: str, ancestor: str) -> bool:
    cur: str | None = seg
    while cur is not None:
        if cur == ancestor:
            return True
        cur = parents.get(cur)
    return False


def candidates(
    conn: duckdb.DuckDBPyConnection,
    *,
    boundary: str = "city",
    district: str | None = None,
    top: int | None = None,
) -> list[TransformCandidate]:
    """Traditional firms with the NEV segments they could move to, best first (see the module)."""
    b = parse_boundary(boundary)
    parents = segment_parents(conn)
    names = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall())
    makes: dict[str, set[str]] = {}
    for eid, seg in conn.execute(
        "SELECT enterprise_id, segment_id FROM site WHERE segment_id IS NOT NULL"
    ).fetchall():
        makes.setdefault(eid, set()).add(seg)
    pull_of = {g.segment_id: g.outside_value for g in gaps(conn, b)}
    found: list[tuple[dict[str, Any], dict[str, list[str]]]] = []
    for f in firm_facts(conn).values():
        if not b.contains_code(f["district_code"]) or (district and f["district_code"] != district):
            continue
        if "OEM" in (f["roles"] or []):
            continue
        segs = set(makes.get(f["id"], set()))
        if f["main_segment_id"]:
            segs.add(f["main_segment_id"])
        only_old = bool(segs) and all(segment_root(parents, s) in TRADITIONAL_ROOTS for s in segs)
        if "传统零部件" not in f["labels"] and not only_old:
            continue
        hits: dict[str, list[str]] = {}
        for r in rules():
            if r.from_type == "segment" and any(_under(parents, s, r.from_value) for s in segs):
                hits.setdefault(r.to_segment, []).append(
                    f"来自{names.get(r.from_value, r.from_value)}：{r.why}"
                )
            elif r.from_type == "capability" and any(r.from_value in c for c in f["capabilities"]):
                hits.setdefault(r.to_segment, []).append(f"具备{r.from_value}能力：{r.why}")
        f["_segs"] = sorted(segs)
        found.append((f, hits))
    v_max = max((pull_of.get(t, 0.0) for _, hits in found for t in hits), default=0.0)
    out = []
    for f, hits in found:
        targets = []
        for seg, reasons in hits.items():
            if seg in f["_segs"]:  # already makes it
                continue
            ev = min(1.0, len(reasons) / 2)
            v = pull_of.get(seg, 0.0)
            pull = v / v_max if v_max else 0.0
            targets.append(Target(seg, names.get(seg, seg), 0.5 * ev + 0.5 * pull, ev, pull, v, reasons))
        targets.sort(key=lambda t: (-t.score, t.segment_id))
        out.append(
            TransformCandidate(
                enterprise_id=f["id"],
                name=f["short_name"] or f["name"],
                district_code=f["district_code"],
                segments=f["_segs"],
                capabilities=f["capabilities"],
                score=targets[0].score if targets else 0.0,
                targets=targets,
                segment_names=[names.get(x, x) for x in f["_segs"]],
                district_name=f.get("district_name"),
            )
        )
    out.sort(key=lambda c: (-c.score, c.enterprise_id))
    return out[:top] if top else out
