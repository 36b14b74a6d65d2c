"""Trace one battery code: the unit, the units above it (module, pack), the units below it, its events,
the vehicle it sits in, and its reporting duties as of a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from chainbrain.battery import codes, ledger, trees
from chainbrain.battery.duties import ReportCheck, check_reports


class NotTraced(LookupError):
    """The code is not in the store (zh-CN message; says whether the code itself is valid)."""


@dataclass(frozen=True)
class Trace:
    code: str
    unit: ledger.BatteryUnit
    parents: list[ledger.BatteryUnit]
    children: list[ledger.BatteryUnit]
    events: list[ledger.BatteryEvent]
    vin: str | None
    oem_id: str | None
    reports: list[ReportCheck]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "unit": self.unit.to_dict(),
            "parents": [u.to_dict() for u in self.parents],
            "children": [u.to_dict() for u in self.children],
            "events": [e.to_dict() for e in self.events],
            "vehicle": {"vin": self.vin, "oem_id": self.oem_id},
            "reports": [r.to_dict() for r in self.reports],
        }


def trace(
    conn: duckdb.DuckDBPyConnection, code: str, as_of: dt.date | None = None, *, stored_trees: bool = True
) -> Trace:
    """The unit ``code`` with its parents (nearest first), children (breadth first) and events (by date).

    The vehicle is the VIN/OEM of the unit or the nearest unit above it that records one. ``reports``
    checks the duties of the unit's and its children's events as of ``as_of`` (default today).

    The unit's stored tree (:mod:`chainbrain.battery.trees`: two point reads) answers when it is regular;
    otherwise (or with ``stored_trees=False``) the tables are walked level by level — both give the same
    answer.
    """
    code = code.strip()
    stored = trees.read(conn, code) if stored_trees else None
    unit = stored.unit(code) if stored is not None else ledger.unit(conn, code)
    if unit is None:
        parsed = codes.parse(code)
        why = "编码格式正确" if parsed.valid else "编码本身也有误：" + "；".join(parsed.errors)
        raise NotTraced(f"电池编码 {code} 不在库中（{why}）")
    if stored is not None:
        parents = stored.ancestors(code, unit)
        kids = [] if unit.kind == "cell" else stored.children(code)  # nothing sits below a cell
    else:
        parents = ledger.ancestors(conn, code, unit)
        kids = [] if unit.kind == "cell" else ledger.children(conn, code)
    carriers = [unit, *parents]
    vin = next((u.vin for u in carriers if u.vin), None)
    oem = next((u.oem_id for u in carriers if u.oem_id), None)
    # who reports for each unit of the tree: the nearest OEM on it or above it, all already fetched
    by_code = {u.code: u for u in (*carriers, *kids)}

    def nearest_oem(c: str) -> str | None:
        for _ in range(10):
            u = by_code.get(c)
            if u is None:
                return None
            if u.oem_id:
                return u.oem_id
            if not u.parent_code:
                return None
            c = u.parent_code
        return None

    tree = [code, *(k.code for k in kids)]
    evs = stored.events(tree) if stored is not None else ledger.events(conn, tree)
    oems = {c: nearest_oem(c) for c in tree}
    reports = check_reports(conn, as_of or dt.date.today(), events=evs, oems=oems)
    return Trace(code, unit, parents, kids, [e for e in evs if e.code == code], vin, oem, reports)
