"""补链 / 强链: segments the area needs but lacks (gaps), and how concentrated supply is.

Gaps (:func:`gaps`), one row per segment the area needs — a BOM line of a local OEM plant, or a
purchase by a buyer site inside the area:

* ``demand`` — units per year implied by the BOM lines of the models built at OEM plants inside the area
  (Σ annual_volume × qty);
* ``local_capacity`` — Σ capacity of the sites inside the boundary that make the segment (unknown
  capacity counts as 0);
* ``shortfall`` = max(demand − local_capacity, 0);
* ``local_value`` / ``outside_value`` — what buyer sites inside the area buy from local / outside
  supplier sites. Every buyer counts here by default (``buyers="all"``): a cell gap shows up in the pack
  maker's purchases, not the OEM's;
* ``local_firms`` — enterprises that make the segment at a site inside the boundary or supply it locally
  to a buyer inside the area;
* ``hhi`` — Herfindahl–Hirschman index of the local supplier firms' shares of ``local_value`` (0–1).

Flags: ``missing`` (needed, and no local firm makes or supplies it), ``short`` (not missing, and
local capacity below demand), ``single_sourced`` (exactly one local firm), ``concentrated`` (HHI > 0.25:
the US DOJ/FTC *Horizontal Merger Guidelines* (2010, §5.3) call a market with HHI above 2,500 on the
0–10,000 scale "highly concentrated"; 0.25 is the same threshold on the 0–1 scale). Rows are ranked by
outside value, then shortfall.

Concentration (:func:`concentration`): per OEM × segment over the OEM's links wherever its suppliers are,
the number of supplier firms and the HHI of their value shares; and the single-sourced BOM lines — a
model × segment whose plant buys the segment from exactly one supplier firm.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from chainbrain.chain.boundary import Boundary, parse_boundary
from chainbrain.chain.local_rate import OEM_SQL, links_sql, scoped_links_sql
from chainbrain.store import keys
from chainbrain.store.records import fetch_dicts

#: DOJ/FTC Horizontal Merger Guidelines (2010) §5.3: HHI > 2500 (of 10,000) is "highly concentrated"
HHI_CONCENTRATED = 0.25


@dataclass
class GapRow:
    segment_id: str
    name: str
    unit: str | None
    demand: float
    local_capacity: float
    shortfall: float
    local_value: float
    outside_value: float
    total_value: float
    local_firms: int
    hhi: float | None
    missing: bool
    short: bool
    single_sourced: bool
    concentrated: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PairConcentration:
    oem_id: str
    oem_name: str
    segment_id: str
    segment_name: str
    supplier_firms: int
    total_value: float
    hhi: float | None
    single_sourced: bool
    concentrated: bool


@dataclass
class SingleSourcedLine:
    model_id: str
    model_name: str
    oem_id: str
    segment_id: str
    segment_name: str
    supplier_id: str
    supplier_name: str
    value: float


@dataclass
class Concentration:
    pairs: list[PairConcentration] = field(default_factory=list)
    single_sourced_lines: list[SingleSourcedLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def local_plants_sql(boundary: Boundary) -> str:
    """SELECT of the OEM plants inside the area: the sites where vehicle models are built."""
    return f"""SELECT DISTINCT p.id, p.lon, p.lat FROM vehicle_model m JOIN site p ON p.id = m.site_id
               WHERE {boundary.area_sql("p")}"""


def gaps_sql(boundary: Boundary, buyers: str = "all", *, keyed: bool = False) -> str:
    """The gaps' SELECT; ``keyed`` joins links and sites on the sites' integer keys (``scoped_links_sql``)."""
    if keyed and boundary.kind != "radius":
        return _keyed_district_gaps_sql(boundary, buyers)
    return f"""
    WITH local_plant AS ({local_plants_sql(boundary)}),
    demand AS (
        SELECT bl.segment_id, sum(m.annual_volume * bl.qty) AS demand
        FROM vehicle_model m JOIN bom_line bl ON bl.model_id = m.id
        WHERE m.site_id IN (SELECT id FROM local_plant) GROUP BY bl.segment_id
    ),
    lsite AS (
        SELECT st.segment_id, st.enterprise_id, coalesce(st.capacity, 0) AS capacity
        FROM site st WHERE st.segment_id IS NOT NULL AND {boundary.local_site_sql("st")}
    ),
    cap AS (SELECT segment_id, sum(capacity) AS capacity FROM lsite GROUP BY segment_id),
    lk AS ({scoped_links_sql(boundary, buyers, in_area_only=True, keyed=keyed)}),
    -- one pass over the links: per segment and local supplier firm (outside links: one row per segment)
    by_sup AS (
        SELECT segment_id, is_local, supplier_ent, sum(value) AS v FROM lk WHERE in_area
        GROUP BY segment_id, is_local, supplier_ent
    ),
    bought AS (
        SELECT segment_id, sum(v) AS total_value,
               sum(CASE WHEN is_local THEN v ELSE 0 END) AS local_value,
               sum(CASE WHEN is_local THEN 0 ELSE v END) AS outside_value
        FROM by_sup GROUP BY segment_id
    ),
    local_sup AS (
        SELECT segment_id, supplier_ent, v FROM by_sup WHERE is_local AND supplier_ent IS NOT NULL
    ),
    hhi AS (
        SELECT segment_id, sum(v * v) / (sum(v) * sum(v)) AS hhi
        FROM local_sup GROUP BY segment_id HAVING sum(v) > 0
    ),
    firms AS (
        SELECT segment_id, count(DISTINCT ent) AS n FROM (
            SELECT segment_id, supplier_ent AS ent FROM local_sup
            UNION SELECT segment_id, enterprise_id FROM lsite
        ) GROUP BY segment_id
    ),
    segs AS (SELECT segment_id FROM demand UNION SELECT segment_id FROM bought)
    SELECT segs.segment_id, coalesce(sg.name_zh, segs.segment_id) AS name, sg.unit,
           coalesce(demand.demand, 0) AS demand, coalesce(cap.capacity, 0) AS local_capacity,
           coalesce(bought.local_value, 0) AS local_value,
           coalesce(bought.outside_value, 0) AS outside_value,
           coalesce(bought.total_value, 0) AS total_value,
           coalesce(firms.n, 0) AS local_firms, hhi.hhi
    FROM segs
    LEFT JOIN segment sg ON sg.id = segs.segment_id
    LEFT JOIN demand ON demand.segment_id = segs.segment_id
    LEFT JOIN cap ON cap.segment_id = segs.segment_id
    LEFT JOIN bought ON bought.segment_id = segs.segment_id
    LEFT JOIN firms ON firms.segment_id = segs.segment_id
    LEFT JOIN hhi ON hhi.segment_id = segs.segment_id
    """


def _keyed_district_gaps_sql(boundary: Boundary, buyers: str) -> str:
    """:func:`gaps_sql` for a district-code boundary (city, chengyu) on integer site keys, same columns.

    There the area's buyer sites, its plants and the local capacity and supplier sites are one set of
    sites (those whose district code lies in the area), so the site table is read once, into ``loc``; the
    links are read once, and the bought values, the local suppliers' HHI and the firm counts come from a
    single group-by of their per-segment × local-supplier-firm sums, with no list of segments built apart.
    """
    if buyers not in ("oem", "all"):
        raise ValueError(f"buyers must be one of oem, all: got {buyers!r}")
    oem = f" WHERE enterprise_id IN ({OEM_SQL})" if buyers == "oem" else ""
    seg = "coalesce(d.segment_id, bo.segment_id)"
    return f"""
    WITH loc AS MATERIALIZED (
        SELECT st.k, st.id, st.enterprise_id, st.segment_id, coalesce(st.capacity, 0) AS capacity
        FROM site st WHERE {boundary.area_sql("st")}
    ),
    demand AS (
        SELECT bl.segment_id, sum(m.annual_volume * bl.qty) AS demand
        FROM vehicle_model m JOIN bom_line bl ON bl.model_id = m.id
        WHERE m.site_id IN (SELECT id FROM loc) GROUP BY bl.segment_id
    ),
    -- per segment and local supplier firm (outside links: one row per segment, supplier_ent NULL)
    by_sup AS (
        SELECT l.segment_id, s.k IS NOT NULL AS is_local, s.enterprise_id AS supplier_ent,
               sum(l.annual_value) AS v
        FROM supply_link l JOIN (SELECT k FROM loc{oem}) b ON b.k = l.buyer_k
        LEFT JOIN (SELECT k, enterprise_id FROM loc) s ON s.k = l.supplier_k
        GROUP BY ALL
    ),
    bought AS (
        SELECT segment_id, sum(v) AS total_value, sum(v) FILTER (WHERE is_local) AS local_value,
               sum(v) FILTER (WHERE NOT is_local) AS outside_value,
               sum(v * v) FILTER (WHERE is_local) AS local_sq
        FROM by_sup GROUP BY segment_id
    ),
    firms AS (
        SELECT segment_id, count(DISTINCT ent) AS n FROM (
            SELECT segment_id, supplier_ent AS ent FROM by_sup WHERE is_local
            UNION ALL SELECT segment_id, enterprise_id FROM loc WHERE segment_id IS NOT NULL
        ) GROUP BY segment_id
    ),
    cap AS (SELECT segment_id, sum(capacity) AS capacity FROM loc WHERE segment_id IS NOT NULL GROUP BY segment_id)
    SELECT {seg} AS segment_id, coalesce(sg.name_zh, {seg}) AS name, sg.unit,
           coalesce(d.demand, 0) AS demand, coalesce(cap.capacity, 0) AS local_capacity,
           coalesce(bo.local_value, 0) AS local_value, coalesce(bo.outside_value, 0) AS outside_value,
           coalesce(bo.total_value, 0) AS total_value, coalesce(firms.n, 0) AS local_firms,
           CASE WHEN bo.local_value > 0 THEN bo.local_sq / (bo.local_value * bo.local_value) END AS hhi
    FROM demand d FULL JOIN bought bo ON bo.segment_id = d.segment_id
    LEFT JOIN segment sg ON sg.id = {seg}
    LEFT JOIN cap ON cap.segment_id = {seg}
    LEFT JOIN firms ON firms.segment_id = {seg}
    """


def gaps(
    conn: duckdb.DuckDBPyConnection,
    boundary: str | Boundary = "city",
    *,
    buyers: str = "all",
    top: int | None = None,
) -> list[GapRow]:
    """Per-segment gaps of the area, ranked by outside value then shortfall (see the module)."""
    b = parse_boundary(boundary)
    out = []
    for r in fetch_dicts(conn, gaps_sql(b, buyers, keyed=keys.complete(conn))):
        demand, cap = float(r["demand"]), float(r["local_capacity"])
        firms = int(r["local_firms"])
        hhi = None if r["hhi"] is None else float(r["hhi"])
        missing = firms == 0
        out.append(
            GapRow(
                segment_id=r["segment_id"],
                name=r["name"],
                unit=r["unit"],
                demand=demand,
                local_capacity=cap,
                shortfall=max(demand - cap, 0.0),
                local_value=float(r["local_value"]),
                outside_value=float(r["outside_value"]),
                total_value=float(r["total_value"]),
                local_firms=firms,
                hhi=hhi,
                missing=missing,
                short=not missing and cap < demand,
                single_sourced=firms == 1,
                concentrated=hhi is not None and hhi > HHI_CONCENTRATED,
            )
        )
    out.sort(key=lambda g: (-g.outside_value, -g.shortfall, g.segment_id))
    return out[:top] if top is not None else out


_PAIRS_SQL = f"""
    WITH lk AS ({links_sql(Boundary("city"), "oem")}),
    f AS (
        SELECT buyer_ent, segment_id, coalesce(supplier_ent, 'site:' || supplier_site) AS ent, sum(value) AS v
        FROM lk GROUP BY buyer_ent, segment_id, ent
    )
    SELECT f.buyer_ent AS oem_id, coalesce(e.short_name, e.name, f.buyer_ent) AS oem_name,
           f.segment_id, coalesce(sg.name_zh, f.segment_id) AS segment_name,
           count(*) AS supplier_firms, sum(v) AS total_value,
           CASE WHEN sum(v) > 0 THEN sum(v * v) / (sum(v) * sum(v)) END AS hhi
    FROM f LEFT JOIN enterprise e ON e.id = f.buyer_ent LEFT JOIN segment sg ON sg.id = f.segment_id
    GROUP BY ALL ORDER BY oem_id, total_value DESC, f.segment_id
"""

_SINGLE_SQL = """
    WITH pl AS (
        SELECT l.buyer_site_id, l.segment_id, s.enterprise_id AS ent, sum(l.annual_value) AS v
        FROM supply_link l JOIN site s ON s.id = l.supplier_site_id
        WHERE l.buyer_site_id IN (SELECT site_id FROM vehicle_model)
        GROUP BY l.buyer_site_id, l.segment_id, s.enterprise_id
    ),
    one AS (
        SELECT buyer_site_id, segment_id, any_value(ent) AS ent, sum(v) AS v
        FROM pl GROUP BY buyer_site_id, segment_id HAVING count(*) = 1
    )
    SELECT bl.model_id, m.brand || ' ' || m.name AS model_name, m.oem_id, bl.segment_id,
           coalesce(sg.name_zh, bl.segment_id) AS segment_name, one.ent AS supplier_id,
           coalesce(e.short_name, e.name, one.ent) AS supplier_name, one.v AS value
    FROM bom_line bl JOIN vehicle_model m ON m.id = bl.model_id
    JOIN one ON one.buyer_site_id = m.site_id AND one.segment_id = bl.segment_id
    LEFT JOIN segment sg ON sg.id = bl.segment_id LEFT JOIN enterprise e ON e.id = one.ent
    ORDER BY value DESC, bl.model_id, bl.segment_id
"""


def concentration(conn: duckdb.DuckDBPyConnection) -> Concentration:
    """Supplier concentration per OEM × segment, and the single-sourced BOM lines (see the module)."""
    pairs = []
    for r in fetch_dicts(conn, _PAIRS_SQL):
        hhi = None if r["hhi"] is None else float(r["hhi"])
        n = int(r["supplier_firms"])
        pairs.append(
            PairConcentration(
                oem_id=r["oem_id"],
                oem_name=r["oem_name"],
                segment_id=r["segment_id"],
                segment_name=r["segment_name"],
                supplier_firms=n,
                total_value=float(r["total_value"]),
                hhi=hhi,
                single_sourced=n == 1,
                concentrated=hhi is not None and hhi > HHI_CONCENTRATED,
            )
        )
    lines = [SingleSourcedLine(**{**r, "value": float(r["value"])}) for r in fetch_dicts(conn, _SINGLE_SQL)]
    return Concentration(pairs=pairs, single_sourced_lines=lines)
