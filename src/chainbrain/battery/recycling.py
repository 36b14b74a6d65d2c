"""The recycling picture: retired capacity against what was collected, cascade-used and recycled, per year
and district, in GWh; the collection network per district; recyclers' volumes and the top-two share.

Definitions (one place):

- a flow's capacity is the rated energy (``capacity_kwh``) of the unit the event is recorded on; an event
  on a unit whose ancestor carries the same event is not counted again (a pack recycled and then its cells
  recorded recycled counts once);
- **retired** = ``retired`` events; **collected** = ``collected_in`` events at 回收服务网点 (any actor);
  **cascade** = ``cascade_made``; **recycled** = ``recycled`` (完成再生利用);
- the year and district are those of the event (where the flow happened);
- **cascade share** = cascade / (cascade + recycled) over the same events;
- the collection network = distinct sites of ``collected_in`` / ``collected_out`` events per district;
  coverage = districts with at least one site / all districts of the city (codes starting 50).

Units: kWh in the store, GWh here (÷ 10⁶), the unit written beside every value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

FLOWS = {"retired": "retired", "collected_in": "collected", "cascade_made": "cascade", "recycled": "recycled"}
KWH_PER_GWH = 1_000_000.0


@dataclass(frozen=True)
class FlowRow:
    year: int
    district_code: str | None
    district_name: str | None
    retired_gwh: float
    collected_gwh: float
    cascade_gwh: float
    recycled_gwh: float
    unit: str = "GWh"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RecyclerVolume:
    enterprise_id: str
    name: str | None
    recycled_gwh: float
    share: float | None  # of all recycled capacity; None when nothing was recycled
    unit: str = "GWh"


@dataclass(frozen=True)
class NetworkRow:
    district_code: str
    district_name: str | None
    sites: int


@dataclass(frozen=True)
class RecyclingPicture:
    flows: list[FlowRow]
    recyclers: list[RecyclerVolume]
    network: list[NetworkRow]
    districts_covered: int
    districts_total: int
    cascade_share: float | None
    top2_share: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COUNTED = """
WITH RECURSIVE ev AS (
    SELECT e.id, e.code, e.event, e.actor_id, e.district_code, e.date, u.capacity_kwh, u.parent_code
    FROM battery_event e JOIN battery_unit u ON u.code = e.code
    WHERE e.event IN ('retired', 'collected_in', 'cascade_made', 'recycled')
),
up(id, event, cur, depth) AS (
    SELECT id, event, parent_code, 1 FROM ev WHERE parent_code IS NOT NULL
    UNION ALL
    SELECT up.id, up.event, u.parent_code, up.depth + 1 FROM up JOIN battery_unit u ON u.code = up.cur
    WHERE u.parent_code IS NOT NULL AND up.depth < 8
),
shadowed AS (
    SELECT DISTINCT up.id FROM up JOIN battery_event a ON a.code = up.cur AND a.event = up.event
)
SELECT * FROM ev WHERE id NOT IN (SELECT id FROM shadowed)
"""


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 9) if whole > 0 else None


def _gwh(kwh: float) -> float:
    return round(kwh / KWH_PER_GWH, 12)


def picture(conn: duckdb.DuckDBPyConnection, *, city_prefix: str = "50") -> RecyclingPicture:
    """The whole picture over the store's events."""
    rows = conn.execute(
        f"""
        SELECT year(c.date) AS y, c.district_code, d.name, c.event, sum(coalesce(c.capacity_kwh, 0)),
               count(*) FILTER (WHERE c.capacity_kwh IS NULL)
        FROM ({_COUNTED}) c LEFT JOIN district d ON d.id = c.district_code
        GROUP BY ALL ORDER BY y, c.district_code
        """
    ).fetchall()
    cells: dict[tuple[int, str | None, str | None], dict[str, float]] = {}
    missing = 0
    for y, dcode, dname, event, kwh, n_missing in rows:
        cells.setdefault((int(y), dcode, dname), {})[FLOWS[event]] = float(kwh)
        missing += int(n_missing)
    flows = [
        FlowRow(
            y,
            dc,
            dn,
            _gwh(v.get("retired", 0.0)),
            _gwh(v.get("collected", 0.0)),
            _gwh(v.get("cascade", 0.0)),
            _gwh(v.get("recycled", 0.0)),
        )  # fmt: skip
        for (y, dc, dn), v in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]
    total_recycled = sum(v.get("recycled", 0.0) for v in cells.values())  # kWh
    cascade = sum(v.get("cascade", 0.0) for v in cells.values())
    rec = conn.execute(
        f"""
        SELECT c.actor_id, e.name, sum(coalesce(c.capacity_kwh, 0)) FROM ({_COUNTED}) c
        LEFT JOIN enterprise e ON e.id = c.actor_id
        WHERE c.event = 'recycled' AND c.actor_id IS NOT NULL GROUP BY ALL ORDER BY 3 DESC, 1
        """
    ).fetchall()
    recyclers = [
        RecyclerVolume(r[0], r[1], _gwh(float(r[2])), _share(float(r[2]), total_recycled)) for r in rec
    ]
    net = conn.execute(
        """
        SELECT e.district_code, d.name, count(DISTINCT coalesce(e.site, e.actor_id)) FROM battery_event e
        LEFT JOIN district d ON d.id = e.district_code
        WHERE e.event IN ('collected_in', 'collected_out') AND e.district_code IS NOT NULL
        GROUP BY ALL ORDER BY 1
        """
    ).fetchall()
    network = [NetworkRow(r[0], r[1], int(r[2])) for r in net]
    total_row = conn.execute(
        "SELECT count(*) FROM district WHERE starts_with(id, ?)", [city_prefix]
    ).fetchall()[0]
    total = int(total_row[0]) if total_row else 0
    covered = sum(1 for n in network if n.district_code.startswith(city_prefix))
    top2 = sum(float(r[2]) for r in rec[:2])
    notes = [f"{missing} 条流向事件的电池未记录额定能量，按 0 计"] if missing else []
    return RecyclingPicture(flows, recyclers, network, covered, total, _share(cascade, cascade + total_recycled),
                            _share(top2, total_recycled), notes)  # fmt: skip
