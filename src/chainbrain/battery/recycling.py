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
  coverage = districts with at least one site / all districts of the city (codes starting 50);
- a **leading recycler (头部企业)** — for the target of 渝链智擎 二(十四) "到2027年,累计培育动力电池回收利用
  行业头部企业2家" — is a recycler whose recycled capacity is at least :data:`LEADING_SHARE` (20 %) of all
  capacity recycled in the store. The plan does not define 头部企业; this share threshold is chainbrain's
  working definition (documented in ``docs/battery.md``), so at most five firms can qualify at once.

``year`` restricts every figure to the events of that year. ``status`` is the weakest provenance of the
events counted (flows and network) and of their units, so a picture drawn from the bundled illustrative or
from synthetic batteries says so.

Units: kWh in the store, GWh here (÷ 10⁶), the unit written beside every value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from chainbrain.chain.boundary import CITY_PREFIX

FLOWS = {"retired": "retired", "collected_in": "collected", "cascade_made": "cascade", "recycled": "recycled"}
KWH_PER_GWH = 1_000_000.0
#: a recycler with at least this share of the recycled capacity counts as 头部企业 (chainbrain's definition)
LEADING_SHARE = 0.20


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
    year: int | None = None
    leading_share: float = LEADING_SHARE
    leading_recyclers: int = 0  # recyclers at or above ``leading_share`` of the recycled capacity
    #: the weakest provenance (synthetic < illustrative < verified) of the events counted and their units;
    #: None when no event is counted
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COUNTED = """
WITH RECURSIVE ev AS (
    SELECT e.id, e.code, e.event, e.actor_id, e.district_code, e.date, u.capacity_kwh, u.parent_code,
           e.status AS event_status, u.status AS unit_status
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


#: provenance from weakest to strongest: a figure is only as sure as the least sure record it counts
_STATUS_ORDER = ("synthetic", "illustrative", "verified")


def _weakest(statuses: set[str | None]) -> str | None:
    for st in _STATUS_ORDER:
        if st in statuses:
            return st
    return None


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 9) if whole > 0 else None


def _gwh(kwh: float) -> float:
    return round(kwh / KWH_PER_GWH, 12)


def picture(
    conn: duckdb.DuckDBPyConnection, *, year: int | None = None, city_prefix: str = CITY_PREFIX
) -> RecyclingPicture:
    """The whole picture over the store's events (``year``: that year's events only)."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValueError(f"年份应在 2000–2100 之间，实际为 {year}")
    in_year = "year(c.date) = ?" if year is not None else "TRUE"
    args: list[object] = [year] if year is not None else []
    rows = conn.execute(
        f"""
        SELECT year(c.date) AS y, c.district_code, d.name, c.event, sum(coalesce(c.capacity_kwh, 0)),
               count(*) FILTER (WHERE c.capacity_kwh IS NULL)
        FROM ({_COUNTED}) c LEFT JOIN district d ON d.id = c.district_code
        WHERE {in_year}
        GROUP BY ALL ORDER BY y, c.district_code
        """,
        args,
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
        WHERE c.event = 'recycled' AND c.actor_id IS NOT NULL AND {in_year} GROUP BY ALL ORDER BY 3 DESC, 1
        """,
        args,
    ).fetchall()
    recyclers = [
        RecyclerVolume(r[0], r[1], _gwh(float(r[2])), _share(float(r[2]), total_recycled)) for r in rec
    ]
    net_year = in_year.replace("c.date", "e.date")
    net = conn.execute(
        f"""
        SELECT e.district_code, d.name, count(DISTINCT coalesce(e.site, e.actor_id)) FROM battery_event e
        LEFT JOIN district d ON d.id = e.district_code
        WHERE e.event IN ('collected_in', 'collected_out') AND e.district_code IS NOT NULL
          AND {net_year}
        GROUP BY ALL ORDER BY 1
        """,
        args,
    ).fetchall()
    network = [NetworkRow(r[0], r[1], int(r[2])) for r in net]
    marks = conn.execute(
        f"""
        SELECT DISTINCT c.event_status, c.unit_status FROM ({_COUNTED}) c WHERE {in_year}
        UNION
        SELECT DISTINCT e.status, NULL FROM battery_event e
        WHERE e.event IN ('collected_in', 'collected_out') AND e.district_code IS NOT NULL AND {net_year}
        """,
        args + args,
    ).fetchall()
    status = _weakest({st for row in marks for st in row if st is not None})
    total_row = conn.execute(
        "SELECT count(*) FROM district WHERE starts_with(id, ?)", [city_prefix]
    ).fetchall()[0]
    total = int(total_row[0]) if total_row else 0
    covered = sum(1 for n in network if n.district_code.startswith(city_prefix))
    top2 = sum(float(r[2]) for r in rec[:2])
    notes = [f"{missing} 条流向事件的电池未记录额定能量，按 0 计"] if missing else []
    leading = sum(1 for r in rec if total_recycled > 0 and float(r[2]) >= LEADING_SHARE * total_recycled)
    return RecyclingPicture(flows, recyclers, network, covered, total, _share(cascade, cascade + total_recycled),
                            _share(top2, total_recycled), notes, year, LEADING_SHARE, leading, status)  # fmt: skip


def leading_recyclers(conn: duckdb.DuckDBPyConnection) -> float:
    """Live indicator ``battery_leading_recyclers`` (家): recyclers with at least :data:`LEADING_SHARE` of the
    capacity recycled in the store, over all years (the target counts firms cultivated 累计 by 2027)."""
    return float(picture(conn).leading_recyclers)
