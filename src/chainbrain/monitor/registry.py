"""The target registry: every quantitative target of the bundled plans, with its citation.

The bundled list lives in ``chainbrain/data/targets/targets.json`` (one entry per target: the plan's wording,
unit, value, year, kind, baseline and clause). :func:`load_targets` writes it into the store; other clusters
load their own targets the same way.

Kinds:

- ``level`` — a stock or an annual flow reached by the target year (企业1000家, 年出口1200亿元);
- ``cumulative`` — a running total since the plan's start (累计推广50万辆, 新建10个未来工厂);
- ``increase`` — a change against the baseline year (本地配套率提高20个百分点);
- ``share`` — a percentage (渗透率40%);
- ``range`` — between a minimum and a maximum (各3-5家);
- ``ratio`` — a ratio such as 车桩比4:1 (stored as 4 辆/桩; ``direction = at_most``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import duckdb

from chainbrain.store.records import fetch_dicts, insert_rows, transaction

KINDS = ("level", "cumulative", "increase", "share", "range", "ratio")
KIND_ZH = {
    "level": "水平值",
    "cumulative": "累计值",
    "increase": "增量",
    "share": "比重",
    "range": "区间",
    "ratio": "比例",
}


@dataclass
class Target:
    id: str
    name: str
    unit: str
    value: float
    year: int
    kind: str
    document_id: str
    document: str
    document_status: str
    clause: str
    start_year: int
    source: str
    status: str = "verified"
    max_value: float | None = None
    direction: str = "at_least"
    growth: bool = False
    baseline_value: float | None = None
    baseline_year: int | None = None
    baseline_source: str | None = None
    live: str | None = None
    related: list[str] = field(default_factory=list)
    restates: list[str] = field(default_factory=list)
    also_cited: list[str] = field(default_factory=list)
    note: str | None = None
    as_of: Any = None

    @property
    def citation(self) -> str:
        return f"{self.document}{self.clause}"

    def public(self) -> dict[str, Any]:
        """The ``targets --json`` shape (see issue 3); a range adds ``max``."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "year": self.year,
            "kind": self.kind,
            "baseline": (
                {"value": self.baseline_value, "year": self.baseline_year}
                if self.baseline_value is not None
                else None
            ),
            "source": {"document": self.document, "clause": self.clause, "status": self.document_status},
            "direction": self.direction,
            "live": self.live,
            "related": list(self.related),
            "restates": list(self.restates),
        }
        if self.kind == "range":
            out["max"] = self.max_value
        return out


def _bundle() -> dict[str, Any]:
    text = resources.files("chainbrain.data").joinpath("targets/targets.json").read_text(encoding="utf-8")
    return json.loads(text)


def bundled_targets() -> list[Target]:
    """The bundled Chongqing targets (seeds 002, 003, 004), checked for consistency."""
    data = _bundle()
    docs = data["documents"]
    base = data["baseline_source"]
    out: list[Target] = []
    for raw in data["targets"]:
        doc = docs[raw["document"]]
        baseline = raw.get("baseline")
        t = Target(
            id=raw["id"],
            name=raw["name"],
            unit=raw["unit"],
            value=float(raw["value"]),
            max_value=float(raw["max"]) if "max" in raw else None,
            year=int(raw["year"]),
            kind=raw["kind"],
            direction=raw.get("direction", "at_least"),
            growth=bool(raw.get("growth", False)),
            baseline_value=float(baseline["value"]) if baseline else None,
            baseline_year=int(baseline["year"]) if baseline else None,
            baseline_source=f"{base['title']}，{base['source']}" if baseline else None,
            start_year=int(doc["start_year"]),
            document_id=raw["document"],
            document=doc["title"],
            document_status=doc["doc_status"],
            clause=raw["clause"],
            live=raw.get("live"),
            related=list(raw.get("related", [])),
            restates=list(raw.get("restates", [])),
            also_cited=[f"{c['document']}{c['clause']}" for c in raw.get("also_cited", [])],
            note=raw.get("note") or raw.get("baseline_note"),
            source=doc["source"],
            as_of=doc["date"],
            status="verified",
        )
        _check(t)
        out.append(t)
    ids = [t.id for t in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"targets.json: duplicate target ids {sorted(dupes)}")
    for t in out:
        for other in (*t.related, *t.restates):
            if other not in ids:
                raise ValueError(f"targets.json: {t.id} links to unknown target {other!r}")
    return out


def not_registered() -> list[dict[str, str]]:
    """Figures in the plans deliberately left out of the registry, each with the reason."""
    return list(_bundle().get("not_registered", []))


def _check(t: Target) -> None:
    if t.kind not in KINDS:
        raise ValueError(f"targets.json: {t.id} has unknown kind {t.kind!r}")
    if t.kind == "range" and (t.max_value is None or t.max_value < t.value):
        raise ValueError(f"targets.json: range target {t.id} needs max ≥ value")
    if t.direction not in ("at_least", "at_most"):
        raise ValueError(f"targets.json: {t.id} has unknown direction {t.direction!r}")
    if not t.id.isascii():
        raise ValueError(f"targets.json: target id {t.id!r} must be ASCII")


_COLUMNS = (
    "id name unit value max_value year kind direction growth baseline_value baseline_year baseline_source "
    "start_year document_id document document_status clause live related restates also_cited note source "
    "as_of status"
).split()


def save_targets(conn: duckdb.DuckDBPyConnection, targets: list[Target]) -> int:
    """Insert or replace targets by id, in one transaction."""
    rows = [asdict(t) for t in targets]
    for r in rows:
        r["as_of"] = dt.date.fromisoformat(r["as_of"]) if isinstance(r["as_of"], str) else r["as_of"]
    with transaction(conn):
        insert_rows(conn, "target", rows, replace=True)
    return len(targets)


def load_targets(conn: duckdb.DuckDBPyConnection) -> int:
    """Write the bundled targets into the store (idempotent); return how many."""
    return save_targets(conn, bundled_targets())


def list_targets(conn: duckdb.DuckDBPyConnection, *, document: str | None = None) -> list[Target]:
    """Targets in the store, ordered by document, year and id."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM target"
    params: list[Any] = []
    if document:
        sql += " WHERE document_id = ? OR document LIKE ?"
        params = [document, f"%{document}%"]
    sql += " ORDER BY start_year, document_id, year, id"
    return [Target(**row) for row in fetch_dicts(conn, sql, params)]


def get_target(conn: duckdb.DuckDBPyConnection, target_id: str) -> Target:
    rows = fetch_dicts(conn, f"SELECT {', '.join(_COLUMNS)} FROM target WHERE id = ?", [target_id])
    if not rows:
        raise KeyError(f"未知目标 {target_id!r}（用 chainbrain targets 查看全部目标编号）")
    return Target(**rows[0])
