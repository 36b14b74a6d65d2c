"""What if a new local supplier opened? The local supporting rate before and after, computed on the fly.

:func:`whatif` adds, in thought only, a supplier of ``segment`` with ``capacity`` units per year inside the
area (in district D when given, placed at the district's centroid from the district table). It takes over
outside supply of that segment to the area's OEM buyer sites:

* **Candidates**: supply links of the segment whose buyer site belongs to an OEM and lies inside the area
  (Chongqing; 成渝 for ``chengyu``), and whose supplier is not local to that buyer. Under a radius boundary
  with a district given, the new site must also be within the radius of the buyer; without a district the
  new site is taken as local to every buyer in the area.
* **Units and value**: a link's units are its ``volume``; when volume is missing they are its value divided
  by the BOM unit value of the buyer plant's models for the segment (weighted by annual_volume × qty). A
  link with neither is left alone (listed in ``skipped_links``). Displaced units move at the link's own
  unit value (value / units), so a buyer's total purchase value does not change; only its local part grows.
* **Sharing the capacity**: largest outside purchases (by value) first, ties by link id; each link is taken
  whole while capacity lasts, the last one partly. This is how a new plant would win business — by
  going after the biggest contracts — and it gives the upper end of the gain.
* **Counts**: a link taken whole becomes local (local count + 1); a link taken partly stays and the new
  supplier's share is a new local link (local and total count + 1).

Nothing is written to the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import duckdb

from chainbrain.chain.boundary import Boundary, haversine_km, parse_boundary
from chainbrain.chain.local_rate import RateRow, city_rate, links_sql, local_rate, ratio
from chainbrain.errors import InvalidInput
from chainbrain.store.records import fetch_dicts


class WhatIfError(InvalidInput, ValueError):
    """The scenario cannot be evaluated as asked."""


@dataclass
class DisplacedLink:
    link_id: str
    buyer_site: str
    buyer_ent: str
    supplier_site: str
    units: float
    unit_value: float
    value: float
    whole: bool


@dataclass
class OemChange:
    key: str
    name: str
    total_value: float
    local_value_before: float
    local_value_after: float
    rate_value_before: float | None
    rate_value_after: float | None
    rate_count_before: float | None
    rate_count_after: float | None
    displaced_value: float


@dataclass
class WhatIfResult:
    segment: str
    capacity: float
    district: str | None
    boundary: str
    used_capacity: float
    displaced_value: float
    city_before: RateRow
    city_after: RateRow
    #: city_after.rate_value − city_before.rate_value (a fraction: 0.012 = 1.2 个百分点)
    rate_value_gain: float | None
    oems: list[OemChange] = field(default_factory=list)
    displaced_links: list[DisplacedLink] = field(default_factory=list)
    skipped_links: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_CANDIDATES = """
    WITH lk AS ({links}),
    plant_uv AS (
        SELECT m.site_id, sum(m.annual_volume * bl.qty * bl.unit_value)
                          / nullif(sum(m.annual_volume * bl.qty), 0) AS uv
        FROM vehicle_model m JOIN bom_line bl ON bl.model_id = m.id
        WHERE bl.segment_id = ? AND bl.unit_value IS NOT NULL GROUP BY m.site_id
    )
    SELECT lk.link_id, lk.buyer_site, lk.buyer_ent, lk.supplier_site, lk.value, lk.volume,
           b.lon, b.lat, plant_uv.uv
    FROM lk JOIN site b ON b.id = lk.buyer_site LEFT JOIN plant_uv ON plant_uv.site_id = lk.buyer_site
    WHERE lk.in_area AND NOT lk.is_local AND lk.segment_id = ?
    ORDER BY lk.value DESC, lk.link_id
"""


def _placement(
    conn: duckdb.DuckDBPyConnection, b: Boundary, district: str | None
) -> tuple[float, float] | None:
    """The new site's (lon, lat), or None when no district is given; checks the district fits the boundary."""
    if district is None:
        return None
    rows = fetch_dicts(conn, "SELECT id, lon, lat FROM district WHERE id = ?", [district])
    if not rows:
        raise WhatIfError(f"区县代码 {district} 不在行政区划表中")
    if b.kind != "radius" and not b.contains_code(district):
        raise WhatIfError(f"区县 {district} 不在边界 {b.text}（{b.label_zh}）之内，新供应商不算本地")
    lon, lat = rows[0]["lon"], rows[0]["lat"]
    if lon is None or lat is None:
        if b.kind == "radius":
            raise WhatIfError(f"区县 {district} 没有坐标，无法按半径边界 {b.text} 判断是否本地")
        return None
    return float(lon), float(lat)


@dataclass(frozen=True)
class Baseline:
    """The rates before any change, for one boundary: the same for every what-if on an unchanged store,
    so a caller running many (the 招商 ranking) reads them once (:func:`baseline`) and passes them in."""

    boundary: str
    city: RateRow
    oems: list[RateRow]
    local_oems: frozenset[str]


def baseline(conn: duckdb.DuckDBPyConnection, boundary: str | Boundary = "city") -> Baseline:
    """The city and per-OEM rates of the store as it is, and the OEMs with a plant inside the area."""
    b = parse_boundary(boundary)
    local_oems = frozenset(
        r["buyer_ent"]
        for r in fetch_dicts(conn, f"SELECT DISTINCT buyer_ent FROM ({links_sql(b, 'oem')}) WHERE in_area")
    )
    return Baseline(b.text, city_rate(conn, b, "oem"), local_rate(conn, "oem", b, "oem"), local_oems)


def whatif(
    conn: duckdb.DuckDBPyConnection,
    segment: str,
    capacity: float,
    district: str | None = None,
    boundary: str | Boundary = "city",
    base: Baseline | None = None,
) -> WhatIfResult:
    """Local supporting rate before/after a new local supplier of ``segment`` (units/year; see the module).

    ``base``: the store's :func:`baseline` for this boundary, when the caller already has it."""
    b = parse_boundary(boundary)
    if base is not None and base.boundary != b.text:
        raise ValueError(f"baseline for boundary {base.boundary!r} given for {b.text!r}")
    if not capacity > 0:
        raise WhatIfError(f"新增产能必须为正数，实际为 {capacity}")
    known = conn.execute(
        "SELECT (SELECT count(*) FROM segment WHERE id = ?) + (SELECT count(*) FROM supply_link "
        "WHERE segment_id = ?)",
        [segment, segment],
    ).fetchone()
    if not known or known[0] == 0:
        raise WhatIfError(f"未知的产业链环节 {segment!r}：环节表和供应关系中都没有")
    place = _placement(conn, b, district)

    sql = _CANDIDATES.format(links=links_sql(b, "oem"))
    remaining = float(capacity)
    displaced: list[DisplacedLink] = []
    skipped: list[str] = []
    for r in fetch_dicts(conn, sql, [segment, segment]):
        if remaining <= 0:
            break
        value = float(r["value"])
        if r["volume"] is not None and r["volume"] > 0:
            units = float(r["volume"])
        elif r["uv"] is not None and r["uv"] > 0:
            units = value / float(r["uv"])
        else:
            skipped.append(r["link_id"])
            continue
        if b.kind == "radius" and place is not None:
            if r["lon"] is None or r["lat"] is None:
                continue
            if haversine_km(place[0], place[1], float(r["lon"]), float(r["lat"])) > float(b.radius_km or 0):
                continue
        take = min(units, remaining)
        remaining -= take
        unit_value = value / units
        displaced.append(
            DisplacedLink(
                link_id=r["link_id"],
                buyer_site=r["buyer_site"],
                buyer_ent=r["buyer_ent"],
                supplier_site=r["supplier_site"],
                units=take,
                unit_value=unit_value,
                value=take * unit_value,
                whole=take >= units,
            )
        )

    base = base or baseline(conn, b)
    before = base.city
    after = _apply(before, displaced)
    oems = []
    for row in base.oems:
        if row.key not in base.local_oems:
            continue
        mine = [d for d in displaced if d.buyer_ent == row.key]
        new = _apply(row, mine)
        oems.append(
            OemChange(
                key=row.key,
                name=row.name,
                total_value=row.total_value,
                local_value_before=row.local_value,
                local_value_after=new.local_value,
                rate_value_before=row.rate_value,
                rate_value_after=new.rate_value,
                rate_count_before=row.rate_count,
                rate_count_after=new.rate_count,
                displaced_value=sum(d.value for d in mine),
            )
        )
    oems.sort(key=lambda o: (-o.displaced_value, -o.total_value, o.key))
    return WhatIfResult(
        segment=segment,
        capacity=float(capacity),
        district=district,
        boundary=b.text,
        used_capacity=float(capacity) - remaining,
        displaced_value=sum(d.value for d in displaced),
        city_before=before,
        city_after=after,
        rate_value_gain=None
        if before.rate_value is None or after.rate_value is None
        else after.rate_value - before.rate_value,
        oems=oems,
        displaced_links=displaced,
        skipped_links=skipped,
    )


def _apply(row: RateRow, displaced: list[DisplacedLink]) -> RateRow:
    """A roll-up row after moving ``displaced`` value to local (total value unchanged)."""
    lv = row.local_value + sum(d.value for d in displaced)
    whole = sum(1 for d in displaced if d.whole)
    part = len(displaced) - whole
    lc = row.local_count + whole + part
    tc = row.total_count + part
    return replace(
        row,
        local_value=lv,
        rate_value=ratio(lv, row.total_value),
        local_count=lc,
        total_count=tc,
        rate_count=ratio(lc, tc),
    )
