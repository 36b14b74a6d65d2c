"""本地配套率 — the local supporting rate, rolled up by OEM, vehicle model, segment, district or city.

Definitions (the plans' 本地配套率; see docs/architecture.md, "One definition per notion"):

* A buyer's **value-weighted rate** is the value of its supply links whose supplier site is local, over the
  value of all its supply links; the **count-weighted rate** is local links over all links. Rates are
  fractions 0–1, ``None`` when the denominator is 0. *Local* is set by the boundary (:mod:`.boundary`).
* ``buyers="oem"`` (default) keeps only links whose buyer site belongs to an enterprise with the OEM role,
  so a battery pack is not counted twice (once when the pack maker buys cells, once when the OEM buys the
  pack); ``buyers="all"`` keeps every link.

Roll-ups (``by``):

``oem``
    One row per buyer enterprise — the OEMs with ``buyers="oem"``, every buying firm with ``"all"`` — over
    the links of all its sites, wherever they are.
``model``
    A plant builds several models; each link of a plant for segment *s* is split among the plant's models
    in proportion to ``annual_volume × qty`` of their BOM lines for *s*. When no model of the plant has a
    BOM line for *s* (say, logistics), the link is split by ``annual_volume`` alone. Counts are split the
    same way, so a model's link counts may be fractional. Links of sites without models are left out.
``district``
    One row per buyer-site district.
``segment``
    The area's purchases (buyer sites inside the area: Chongqing, or 成渝 for ``chengyu``) by segment.
``city``
    One row: every link whose buyer site lies inside the area.

Rows are sorted by total value (largest first), then key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from chainbrain.chain.boundary import Boundary, parse_boundary
from chainbrain.store import keys

BY = ("oem", "model", "segment", "district", "city")
BUYERS = ("oem", "all")


@dataclass
class RateRow:
    """One roll-up row; values in 元."""

    key: str
    name: str
    local_value: float
    total_value: float
    rate_value: float | None
    local_count: float
    total_count: float
    rate_count: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


#: the enterprises with the OEM role
OEM_SQL = "SELECT id FROM enterprise WHERE list_contains(roles, 'OEM')"
_OEM_NAMES_SQL = "SELECT id, short_name, name FROM enterprise WHERE list_contains(roles, 'OEM')"


def links_sql(boundary: Boundary, buyers: str) -> str:
    """SQL (a SELECT) of the supply links in scope, one row per link.

    Columns: link_id, segment_id, value, volume, buyer_site, buyer_ent, buyer_district, supplier_site,
    supplier_ent, is_local, in_area. A supplier site missing from the store is never local.
    """
    if buyers not in BUYERS:
        raise ValueError(f"buyers must be one of {', '.join(BUYERS)}: got {buyers!r}")
    oem_filter = ""
    if buyers == "oem":
        oem_filter = f"WHERE b.enterprise_id IN ({OEM_SQL})"
    return f"""
        SELECT l.id AS link_id, l.segment_id, l.annual_value AS value, l.volume,
               b.id AS buyer_site, b.enterprise_id AS buyer_ent, b.district_code AS buyer_district,
               l.supplier_site_id AS supplier_site, s.enterprise_id AS supplier_ent,
               {boundary.local_link_sql("b", "s")} AS is_local,
               {boundary.area_sql("b")} AS in_area
        FROM supply_link l
        JOIN site b ON b.id = l.buyer_site_id
        LEFT JOIN site s ON s.id = l.supplier_site_id
        {oem_filter}
    """


def scoped_links_sql(
    boundary: Boundary, buyers: str, *, in_area_only: bool = False, keyed: bool = False
) -> str:
    """SQL of the links in scope for the roll-ups and the gaps: :func:`links_sql`'s rows (only those with
    ``in_area`` when ``in_area_only``) and its columns, except that ``supplier_ent`` is set for local links
    only, and that with ``keyed`` there is no ``link_id`` and ``supplier_site`` (nothing reads them).

    For the district-code boundaries (city, chengyu) a supplier site is local by its own district, so the
    buyer sites are filtered first (OEM, in the area) and the links meet only the local sites — two small
    hash tables instead of two joins against every site. ``keyed`` joins them on the sites' integer keys
    (:mod:`chainbrain.store.keys`; the caller checks that every row has its key), which spares reading and
    hashing 1,000,000 site-id strings. Radius boundaries need both sites' coordinates and take
    :func:`links_sql` as it is.
    """
    if boundary.kind == "radius":
        sql = links_sql(boundary, buyers)
        return f"SELECT * FROM ({sql}) WHERE in_area" if in_area_only else sql
    if buyers not in BUYERS:
        raise ValueError(f"buyers must be one of {', '.join(BUYERS)}: got {buyers!r}")
    conds = []
    if buyers == "oem":
        conds.append(f"b.enterprise_id IN ({OEM_SQL})")
    if in_area_only:
        conds.append(boundary.area_sql("b"))
    where = "WHERE " + " AND ".join(conds) if conds else ""
    if keyed:
        return f"""
        SELECT l.segment_id, l.annual_value AS value, l.volume,
               b.id AS buyer_site, b.enterprise_id AS buyer_ent, b.district_code AS buyer_district,
               s.enterprise_id AS supplier_ent, s.k IS NOT NULL AS is_local, b.in_area
        FROM supply_link l
        JOIN (SELECT b.k, b.id, b.enterprise_id, b.district_code, {boundary.area_sql("b")} AS in_area
              FROM site b {where}) b ON b.k = l.buyer_k
        LEFT JOIN (SELECT s.k, s.enterprise_id FROM site s WHERE {boundary.local_site_sql("s")}) s
               ON s.k = l.supplier_k
    """
    return f"""
        SELECT l.id AS link_id, l.segment_id, l.annual_value AS value, l.volume,
               b.id AS buyer_site, b.enterprise_id AS buyer_ent, b.district_code AS buyer_district,
               l.supplier_site_id AS supplier_site, s.enterprise_id AS supplier_ent,
               s.id IS NOT NULL AS is_local, b.in_area
        FROM supply_link l
        JOIN (SELECT b.id, b.enterprise_id, b.district_code, {boundary.area_sql("b")} AS in_area
              FROM site b {where}) b ON b.id = l.buyer_site_id
        LEFT JOIN (SELECT s.id, s.enterprise_id FROM site s WHERE {boundary.local_site_sql("s")}) s
               ON s.id = l.supplier_site_id
    """


_SUMS = """
    sum(CASE WHEN is_local THEN value ELSE 0 END) AS local_value,
    sum(value) AS total_value,
    sum(CASE WHEN is_local THEN 1 ELSE 0 END) AS local_count,
    count(*) AS total_count
"""

_SPLIT_SUMS = """
    sum(CASE WHEN is_local THEN value * f ELSE 0 END) AS local_value,
    sum(value * f) AS total_value,
    sum(CASE WHEN is_local THEN f ELSE 0 END) AS local_count,
    sum(f) AS total_count
"""

#: per (plant site, segment, model): the model's share of the plant's links for the segment
MODEL_SPLIT_SQL = """
    bomw AS (
        SELECT m.site_id, bl.segment_id, m.id AS model_id, m.annual_volume * bl.qty AS w
        FROM vehicle_model m JOIN bom_line bl ON bl.model_id = m.id
    ),
    bomf AS (
        SELECT site_id, segment_id, model_id, w / sum(w) OVER (PARTITION BY site_id, segment_id) AS f
        FROM bomw QUALIFY sum(w) OVER (PARTITION BY site_id, segment_id) > 0
    ),
    volf AS (
        SELECT site_id, id AS model_id, annual_volume / sum(annual_volume) OVER (PARTITION BY site_id) AS f
        FROM vehicle_model QUALIFY sum(annual_volume) OVER (PARTITION BY site_id) > 0
    ),
    split AS (
        SELECT lk.*, bomf.model_id, bomf.f
        FROM lk JOIN bomf ON bomf.site_id = lk.buyer_site AND bomf.segment_id = lk.segment_id
        UNION ALL
        SELECT lk.*, volf.model_id, volf.f
        FROM lk JOIN volf ON volf.site_id = lk.buyer_site
        WHERE NOT EXISTS (
            SELECT 1 FROM bomf WHERE bomf.site_id = lk.buyer_site AND bomf.segment_id = lk.segment_id
        )
    )
"""


def rollup_sql(by: str, boundary: Boundary, buyers: str, *, keyed: bool = False) -> str:
    """The full SELECT for a roll-up; columns key, name, local_value, total_value, local_count, total_count.

    ``keyed``: join on the sites' integer keys (see :func:`scoped_links_sql`).
    """
    scoped = scoped_links_sql(boundary, buyers, in_area_only=by in ("segment", "city"), keyed=keyed)
    base = f"WITH lk AS ({scoped})"
    order = "ORDER BY total_value DESC, key"
    if by == "oem":
        # with OEM buyers only, their names come from the OEMs alone, not from a scan of every firm's name
        names = f"({_OEM_NAMES_SQL})" if buyers == "oem" else "enterprise"
        return f"""{base}
            SELECT g.buyer_ent AS key, coalesce(e.short_name, e.name, g.buyer_ent) AS name, g.* EXCLUDE (buyer_ent)
            FROM (SELECT buyer_ent, {_SUMS} FROM lk GROUP BY buyer_ent) g
            LEFT JOIN {names} e ON e.id = g.buyer_ent {order}"""
    if by == "district":
        return f"""{base}
            SELECT g.buyer_district AS key, coalesce(d.name, g.buyer_district) AS name,
                   g.* EXCLUDE (buyer_district)
            FROM (SELECT buyer_district, {_SUMS} FROM lk GROUP BY buyer_district) g
            LEFT JOIN district d ON d.id = g.buyer_district {order}"""
    if by == "segment":
        return f"""{base}
            SELECT g.segment_id AS key, coalesce(sg.name_zh, g.segment_id) AS name, g.* EXCLUDE (segment_id)
            FROM (SELECT segment_id, {_SUMS} FROM lk WHERE in_area GROUP BY segment_id) g
            LEFT JOIN segment sg ON sg.id = g.segment_id {order}"""
    if by == "model":
        return f"""{base}, {MODEL_SPLIT_SQL}
            SELECT g.model_id AS key, coalesce(m.brand || ' ' || m.name, g.model_id) AS name,
                   g.* EXCLUDE (model_id)
            FROM (SELECT model_id, {_SPLIT_SUMS} FROM split GROUP BY model_id) g
            LEFT JOIN vehicle_model m ON m.id = g.model_id {order}"""
    if by == "city":
        return f"""{base}
            SELECT '{boundary.text}' AS key, '{boundary.label_zh}' AS name,
                   coalesce(sum(CASE WHEN is_local THEN value ELSE 0 END), 0) AS local_value,
                   coalesce(sum(value), 0) AS total_value,
                   coalesce(sum(CASE WHEN is_local THEN 1 ELSE 0 END), 0) AS local_count,
                   count(*) AS total_count
            FROM lk WHERE in_area"""
    raise ValueError(f"by must be one of {', '.join(BY)}: got {by!r}")


def local_rate(
    conn: duckdb.DuckDBPyConnection,
    by: str = "oem",
    boundary: str | Boundary = "city",
    buyers: str = "oem",
) -> list[RateRow]:
    """The local supporting rate rolled up ``by`` oem | model | segment | district | city (see the module)."""
    b = parse_boundary(boundary)
    sql = rollup_sql(by, b, buyers, keyed=keys.complete(conn))
    cur = conn.execute(sql)
    names = [d[0] for d in cur.description]
    rows = []
    for tup in cur.fetchall():
        r = dict(zip(names, tup, strict=True))
        lv, tv = float(r["local_value"] or 0.0), float(r["total_value"] or 0.0)
        lc, tc = float(r["local_count"] or 0.0), float(r["total_count"] or 0.0)
        if by != "model":  # whole links: keep the counts integral
            lc, tc = int(lc), int(tc)
        rows.append(
            RateRow(
                key=str(r["key"]),
                name=str(r["name"]),
                local_value=lv,
                total_value=tv,
                rate_value=ratio(lv, tv),
                local_count=lc,
                total_count=tc,
                rate_count=ratio(lc, tc),
            )
        )
    return rows


def city_rate(
    conn: duckdb.DuckDBPyConnection, boundary: str | Boundary = "city", buyers: str = "oem"
) -> RateRow:
    """The single area row of :func:`local_rate` (``by="city"``)."""
    return local_rate(conn, "city", boundary, buyers)[0]
