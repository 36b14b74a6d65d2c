"""培育: 专精特新 and 小巨人 candidate lists, each firm checked line by line against :mod:`criteria`.

A check is ``met``, ``missed`` or ``unknown`` (缺数据). Atoms combine as their criterion says: for ``all``, one
missed atom misses the criterion, all met meet it, anything else is unknown; for ``any`` it is the reverse.
One inference is allowed for missing data: a firm founded fewer years ago than a years-in-the-niche threshold
cannot meet it (the niche cannot be older than the firm), so it misses; an older firm without the figure stays
unknown.

Candidates are firms inside the boundary that are not OEMs, do not already hold the tier's label, and are not
known to be too large for an SME. They rank (:func:`rank_key`) by

1. criteria met (most first), then missed (fewest), then unknown (fewest);
2. the margin to the thresholds (largest first): per numeric atom with a known figure the relative headroom
   h = (value − threshold) / |threshold| for ``>=`` and (threshold − value) / |threshold| for ``<=`` / ``<``,
   squashed to h / (1 + |h|) in (−1, 1) (monotone, so twice the threshold (h = 1 → 0.5) still ranks below
   eight times it (h = 7 → 0.875), and no single huge figure outweighs the rest); a criterion's margin is the least h of its atoms when all must hold, the largest when
   any may; the firm's margin is the mean over its met and missed criteria that have one. The SME line is left
   out (being far below it is no merit) and so are yes/no tests. A firm well clear of every line ranks above
   one that scrapes through; among firms that miss a test, the one nearest to passing it comes first;
3. the R&D share of revenue (``rd_share``, largest first; unknown last);
4. the name, then the id (code-point order, so the list never falls back to district codes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
from typing_extensions import TypedDict

from chainbrain.chain.boundary import parse_boundary
from chainbrain.invest.criteria import (
    TIER_TARGET,
    TIER_ZH,
    Atom,
    Criterion,
    atom_zh,
    criteria,
    fact_zh,
    field_zh,
)
from chainbrain.store.records import fetch_dicts

STATUS_ZH = {"met": "满足", "missed": "不满足", "unknown": "缺数据"}
_LABEL_OF_TIER = {"zjtx": ("专精特新", "小巨人"), "xjr": ("小巨人",)}


#: one figure of a firm a criterion reads (revenue 元, a share, a count, a yes/no), None when unknown
FactValue = bool | int | float | str | None


class TierProgress(TypedDict):
    """Firms inside the boundary holding a tier's label now, against the plan's goal."""

    tier: str
    tier_zh: str
    count: int
    target: int
    unit: str
    ids: list[str]


@dataclass
class Check:
    """The result of one criterion for one firm."""

    key: str
    name_zh: str
    status: str  # met | missed | unknown (| withheld in a role's view, see :mod:`.visibility`)
    values: dict[str, FactValue]  # the firm's figures the test read
    tests: list[str]  # the thresholds, as text
    clause: str
    reason: str = ""
    band_zh: str = ""  # the revenue band of a tiered test, also in ``name_zh``
    #: headroom to the thresholds (see the module docstring), None without a numeric figure or for the SME line
    margin: float | None = None
    #: ``values`` and ``tests`` as a reader reads them: 从业人员 88 人；研发投入占比 ≥ 3%
    values_zh: list[str] = field(default_factory=list)
    tests_zh: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.values_zh:
            self.values_zh = [fact_zh(k, v) for k, v in self.values.items()]


@dataclass
class TierAssessment:
    """One firm against one tier."""

    enterprise_id: str
    name: str
    district_code: str
    tier: str
    checks: list[Check]
    met: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # only in a role's view, see :mod:`.visibility`
    score: float = 0.0  # met / number of criteria
    #: mean headroom of the met and missed criteria (module docstring, rank 2); None when none has one
    margin: float | None = None
    #: R&D expense / revenue of the latest year (rank 3); None when unknown or withheld from the reader
    rd_share: float | None = None
    attr_source: str | None = None
    attr_status: str | None = None
    district_name: str | None = None


def firm_facts(conn: duckdb.DuckDBPyConnection, ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every firm's figures: ``enterprise`` joined with ``firm_attr``, plus ``is_zjtx``."""
    rows = fetch_dicts(
        conn,
        "SELECT e.id, e.name, e.short_name, e.district_code, e.roles, e.labels, e.revenue, e.employees,"
        " e.founded, e.main_segment_id, a.year, a.years_in_field, a.main_business_share, a.rd_expense,"
        " a.rd_staff_share, a.rd_share, a.rd_share_prev, a.revenue_growth, a.equity_financing,"
        " a.patents_class1, a.debt_ratio, a.market_share, a.rd_institution, a.capabilities,"
        " a.source AS attr_source, a.status AS attr_status, d.name AS district_name"
        " FROM enterprise e LEFT JOIN firm_attr a ON a.enterprise_id = e.id"
        " LEFT JOIN district d ON d.id = e.district_code ORDER BY e.id",
    )
    out = {}
    for r in rows:
        if ids is not None and r["id"] not in ids:
            continue
        labels = list(r["labels"] or [])
        r["labels"] = labels
        r["is_zjtx"] = "专精特新" in labels or "小巨人" in labels
        r["capabilities"] = list(r["capabilities"] or [])
        out[r["id"]] = r
    return out


def _atom(a: Atom, facts: dict[str, Any]) -> str:
    v = facts.get(a.field)
    if v is None:
        return "unknown"
    if a.op == ">=":
        ok = v >= a.threshold
    elif a.op == "<=":
        ok = v <= a.threshold
    elif a.op == "<":
        ok = v < a.threshold
    elif a.op == "==":
        ok = v == a.threshold
    else:
        raise ValueError(f"criterion operator {a.op!r} is not one of >=, <=, <, ==")
    return "met" if ok else "missed"


def _headroom(a: Atom, v: Any) -> float | None:
    """How far ``v`` is past (positive) or short of (negative) the atom's threshold, relative, in (-1, 1)."""
    if isinstance(v, bool) or isinstance(a.threshold, bool) or not isinstance(v, int | float):
        return None
    t = float(a.threshold)
    if a.op == ">=":
        h = (v - t) / abs(t) if t else None
    elif a.op in ("<=", "<"):
        h = (t - v) / abs(t) if t else None
    else:
        return None
    return None if h is None else h / (1.0 + abs(h))


def _margin(c: Criterion, facts: dict[str, Any], status: str) -> float | None:
    if status not in ("met", "missed") or c.key.endswith(".sme"):
        return None
    hs = [h for a in c.atoms if (h := _headroom(a, facts.get(a.field))) is not None]
    if not hs:
        return None
    return min(hs) if c.combine == "all" else max(hs)


def firm_margin(checks: list[Check]) -> float | None:
    """The mean margin of the checks that have one (see the module docstring), or None."""
    ms = [ch.margin for ch in checks if ch.margin is not None and ch.status in ("met", "missed")]
    return sum(ms) / len(ms) if ms else None


def rank_key(a: TierAssessment) -> tuple[Any, ...]:
    """The sort key of a candidate list (module docstring): best first."""
    return (
        -len(a.met),
        len(a.missed),
        len(a.unknown),
        -(a.margin if a.margin is not None else -2.0),  # margins lie in (-1, 1); unknown after them
        -(a.rd_share if a.rd_share is not None else -1.0),
        a.name,
        a.enterprise_id,
    )


def _combine(statuses: list[str], how: str) -> str:
    if how == "all":
        if "missed" in statuses:
            return "missed"
        return "met" if all(s == "met" for s in statuses) else "unknown"
    if "met" in statuses:
        return "met"
    return "missed" if statuses and all(s == "missed" for s in statuses) else "unknown"


def _in_band(c: Criterion, revenue: float | None) -> bool | None:
    if c.applies is None:
        return True
    if revenue is None:
        return None
    lo, hi = c.applies
    return (lo is None or revenue >= lo) and (hi is None or revenue < hi)


def _check(c: Criterion, facts: dict[str, Any], year: int) -> Check:
    tests = [f"{a.field} {a.op} {a.threshold}{a.unit}" for a in c.atoms]
    values = {a.field: facts.get(a.field) for a in c.atoms}
    if not c.assessed:
        return Check(c.key, c.name_zh, "unknown", values, tests, c.cited_clause, c.note,
                     tests_zh=[atom_zh(a) for a in c.atoms])  # fmt: skip
    statuses = [_atom(a, facts) for a in c.atoms]
    reason = ""
    for i, a in enumerate(c.atoms):
        founded = facts.get("founded")
        if a.field == "years_in_field" and statuses[i] == "unknown" and founded is not None:
            age = year - int(founded)
            values["firm_age"] = age
            if age < float(a.threshold):
                statuses[i] = "missed"
                reason = f"企业成立仅{age}年，细分市场年限不可能达到{a.threshold:g}年"
    status = _combine(statuses, c.combine)
    if status == "unknown" and not reason:
        reason = "缺少：" + "、".join(
            field_zh(a.field) for a, s in zip(c.atoms, statuses, strict=True) if s == "unknown"
        )
    name = f"{c.name_zh}（{c.band_zh}）" if c.band_zh else c.name_zh
    return Check(
        c.key, name, status, values, tests, c.cited_clause, reason, c.band_zh, _margin(c, facts, status),
        tests_zh=[atom_zh(a) for a in c.atoms],
    )


def assess(facts: dict[str, Any], tier: str, *, year: int | None = None) -> TierAssessment:
    """Check one firm (a row of :func:`firm_facts`) against every criterion of ``tier``."""
    year = year or facts.get("year") or dt.date.today().year
    checks: list[Check] = []
    by_key: dict[str, list[Criterion]] = {}
    for c in criteria(tier):
        by_key.setdefault(c.key, []).append(c)
    for key, lines in by_key.items():
        banded = [c for c in lines if _in_band(c, facts.get("revenue")) is not False]
        if len(banded) == 1:
            checks.append(_check(banded[0], facts, int(year)))
        else:  # a tiered test and the revenue is unknown: the band cannot be chosen
            checks.append(Check(key, lines[0].name_zh, "unknown", {"revenue": None}, [], lines[0].cited_clause,
                                "缺少营业收入，无法确定适用的研发投入档位"))  # fmt: skip
    out = TierAssessment(facts["id"], facts["name"], facts["district_code"], tier, checks)
    for ch in checks:
        getattr(out, ch.status).append(ch.key)
    out.score = len(out.met) / len(checks) if checks else 0.0
    out.margin = firm_margin(checks)
    rd = facts.get("rd_share")
    out.rd_share = float(rd) if isinstance(rd, int | float) and not isinstance(rd, bool) else None
    out.attr_source = facts.get("attr_source")
    out.attr_status = facts.get("attr_status")
    out.district_name = facts.get("district_name")
    return out


def candidates(
    conn: duckdb.DuckDBPyConnection,
    tier: str,
    *,
    boundary: str = "city",
    district: str | None = None,
    top: int | None = None,
    year: int | None = None,
) -> list[TierAssessment]:
    """Firms that could be put forward for ``tier`` (zjtx | xjr), best first; see the module docstring."""
    if tier not in TIER_ZH:
        raise ValueError(f"未知的培育层级 {tier!r}：应为 zjtx（专精特新）或 xjr（小巨人）")
    b = parse_boundary(boundary)
    found = []
    for f in firm_facts(conn).values():
        if not b.contains_code(f["district_code"]) or (district and f["district_code"] != district):
            continue
        if "OEM" in (f["roles"] or []):
            continue
        if any(lab in f["labels"] for lab in _LABEL_OF_TIER[tier]):
            continue
        a = assess(f, tier, year=year)
        if f"{tier}.sme" in a.missed:
            continue
        found.append(a)
    found.sort(key=rank_key)
    return found[:top] if top else found


def progress(conn: duckdb.DuckDBPyConnection, *, boundary: str = "city") -> list[TierProgress]:
    """Firms inside the boundary holding each label now, against the plan's 2027 goal."""
    b = parse_boundary(boundary)
    facts = [f for f in firm_facts(conn).values() if b.contains_code(f["district_code"])]
    out: list[TierProgress] = []
    for tier, labels in _LABEL_OF_TIER.items():
        held = [f["id"] for f in facts if any(lab in f["labels"] for lab in labels)]
        out.append({"tier": tier, "tier_zh": TIER_ZH[tier], "count": len(held), "target": TIER_TARGET[tier],
                    "unit": "家", "ids": held})  # fmt: skip
    return out
