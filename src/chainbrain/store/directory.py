"""Read queries behind the list and profile routes (directory data, not analytics).

Analytics (local rate, gaps, concentration, what-if, targets) come from the library packages; this
module only pages and filters the stored records and joins the names a page shows beside an id.
"""

from __future__ import annotations

from typing import Any

import duckdb

from chainbrain.chain.boundary import in_city_sql
from chainbrain.store.records import fetch_dicts

#: ids of a segment and every segment below it
_SUBTREE = (
    "WITH RECURSIVE sub(id) AS (SELECT id FROM segment WHERE id = ?"
    " UNION ALL SELECT s.id FROM segment s JOIN sub ON s.parent_id = sub.id)"
)


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    """The first row of ``sql``, or None when there is none (a profile route then answers 404)."""
    rows = fetch_dicts(conn, sql, params)
    return rows[0] if rows else None


class _Filter:
    """WHERE conditions and their parameters, built up one optional filter at a time."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list[Any] = []
        self.prefix = ""

    def add(self, condition: str, *params: Any) -> None:
        self.where.append(condition)
        self.params.extend(params)

    def subtree(self, segment: str, condition: str) -> None:
        """Keep rows whose ``condition`` holds for ``sub``, the segment and every segment below it."""
        self.prefix = _SUBTREE + " "
        self.add(condition, segment)

    def page(
        self, conn: duckdb.DuckDBPyConnection, select: str, order_by: str, page: int, size: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of ``select`` under these filters in ``order_by`` order, and how many rows match in all."""
        sql = self.prefix + select + (" WHERE " + " AND ".join(self.where) if self.where else "")
        row = conn.execute(f"SELECT count(*) FROM ({sql}) AS x", self.params).fetchone()
        total = int(row[0]) if row else 0
        paged = f"{sql} ORDER BY {order_by} LIMIT ? OFFSET ?"
        return fetch_dicts(conn, paged, [*self.params, size, (page - 1) * size]), total


def segments(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every segment with the firms, sites and capacity that make it directly (not its children)."""
    return fetch_dicts(
        conn,
        "SELECT g.id, g.parent_id, g.name_zh, g.name_en, g.level, g.stream, g.kind, g.unit, g.clause,"
        " g.source, g.as_of, g.status,"
        " count(DISTINCT s.enterprise_id) AS firms, count(s.id) AS sites,"
        f" count(s.id) FILTER (WHERE {in_city_sql('s.district_code')}) AS local_sites,"
        " sum(s.capacity) AS capacity"
        " FROM segment g LEFT JOIN site s ON s.segment_id = g.id"
        " GROUP BY ALL ORDER BY g.level, g.id",
    )


def segment(conn: duckdb.DuckDBPyConnection, segment_id: str) -> dict[str, Any] | None:
    rows = [r for r in segments(conn) if r["id"] == segment_id]
    return rows[0] if rows else None


_ENT_SELECT = (
    "SELECT e.id, e.credit_code, e.name, e.short_name, e.district_code, d.name AS district_name,"
    " e.roles, e.labels, e.main_segment_id, g.name_zh AS main_segment_name, e.revenue, e.employees,"
    " e.founded, e.note, e.source, e.as_of, e.status,"
    " (SELECT count(*) FROM site t WHERE t.enterprise_id = e.id) AS site_count"
    " FROM enterprise e LEFT JOIN district d ON d.id = e.district_code"
    " LEFT JOIN segment g ON g.id = e.main_segment_id"
)


def search_enterprises(
    conn: duckdb.DuckDBPyConnection,
    *,
    q: str | None = None,
    segment: str | None = None,
    district: str | None = None,
    role: str | None = None,
    label: str | None = None,
    by_revenue: bool = True,
    page: int = 1,
    size: int = 20,
) -> tuple[list[dict[str, Any]], int]:
    """Firms matching every given filter, and how many match in all.

    Largest revenue first when ``by_revenue``, else by id: a reader who may not see revenue must not get
    the order either (it ranks firms by the hidden figure).

    ``q`` matches the name, short name, id or credit code (substring, case-insensitive);
    ``segment`` matches the firm's main segment or any of its sites' segments, with sub-segments;
    ``district`` matches the registered seat or any site.
    """
    f = _Filter()
    if segment:
        f.subtree(
            segment,
            "(e.main_segment_id IN (SELECT id FROM sub) OR EXISTS (SELECT 1 FROM site t"
            " WHERE t.enterprise_id = e.id AND t.segment_id IN (SELECT id FROM sub)))",
        )
    if q:
        like = f"%{q.strip()}%"
        f.add(
            "(e.name ILIKE ? OR e.short_name ILIKE ? OR e.id ILIKE ? OR e.credit_code ILIKE ?)", *[like] * 4
        )
    if district:
        f.add(
            "(e.district_code = ? OR EXISTS (SELECT 1 FROM site t WHERE t.enterprise_id = e.id"
            " AND t.district_code = ?))",
            district,
            district,
        )
    if role:
        f.add("list_contains(e.roles, ?)", role)
    if label:
        f.add("list_contains(e.labels, ?)", label)
    order = "e.revenue DESC NULLS LAST, e.id" if by_revenue else "e.id"
    return f.page(conn, _ENT_SELECT, order, page, size)


def enterprise(conn: duckdb.DuckDBPyConnection, enterprise_id: str) -> dict[str, Any] | None:
    return _one(conn, _ENT_SELECT + " WHERE e.id = ?", [enterprise_id])


_SITE_SELECT = (
    "SELECT t.id, t.enterprise_id, e.name AS enterprise_name, e.short_name AS enterprise_short_name,"
    " t.name, t.district_code, d.name AS district_name, t.park, t.lon, t.lat, t.segment_id,"
    " g.name_zh AS segment_name, t.capacity, t.capacity_unit, t.source, t.as_of, t.status"
    " FROM site t JOIN enterprise e ON e.id = t.enterprise_id LEFT JOIN district d ON d.id = t.district_code"
    " LEFT JOIN segment g ON g.id = t.segment_id"
)


def sites(
    conn: duckdb.DuckDBPyConnection,
    *,
    enterprise: str | None = None,
    district: str | None = None,
    segment: str | None = None,
    page: int = 1,
    size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    f = _Filter()
    if segment:
        f.subtree(segment, "t.segment_id IN (SELECT id FROM sub)")
    if enterprise:
        f.add("t.enterprise_id = ?", enterprise)
    if district:
        f.add("t.district_code = ?", district)
    return f.page(conn, _SITE_SELECT, "t.id", page, size)


def site(conn: duckdb.DuckDBPyConnection, site_id: str) -> dict[str, Any] | None:
    return _one(conn, _SITE_SELECT + " WHERE t.id = ?", [site_id])


_MODEL_SELECT = (
    "SELECT m.id, m.oem_id, e.name AS oem_name, e.short_name AS oem_short_name, m.site_id,"
    " t.name AS site_name, t.district_code, m.brand, m.name, m.powertrain, m.annual_volume, m.price,"
    " m.year, m.source, m.as_of, m.status FROM vehicle_model m JOIN enterprise e ON e.id = m.oem_id"
    " LEFT JOIN site t ON t.id = m.site_id"
)


def vehicle_models(
    conn: duckdb.DuckDBPyConnection,
    *,
    oem: str | None = None,
    powertrain: str | None = None,
    page: int = 1,
    size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    f = _Filter()
    if oem:
        f.add("m.oem_id = ?", oem)
    if powertrain:
        f.add("m.powertrain = ?", powertrain)
    return f.page(conn, _MODEL_SELECT, "m.annual_volume DESC, m.id", page, size)


_LINK_SELECT = (
    "SELECT l.id, l.segment_id, g.name_zh AS segment_name,"
    " l.buyer_site_id, bs.enterprise_id AS buyer_id, be.name AS buyer_name, be.short_name AS buyer_short_name,"
    " bs.district_code AS buyer_district_code, bs.name AS buyer_site_name, bd.name AS buyer_district_name,"
    " l.supplier_site_id, ss.name AS supplier_site_name, ss.enterprise_id AS supplier_id, se.name AS supplier_name,"
    " se.short_name AS supplier_short_name, ss.district_code AS supplier_district_code,"
    f" sd.name AS supplier_district_name, {in_city_sql('ss.district_code')} AS supplier_in_city,"
    " l.annual_value, l.share, l.volume, l.since, l.evidence, l.confidence, l.source, l.as_of, l.status"
    " FROM supply_link l JOIN site bs ON bs.id = l.buyer_site_id JOIN enterprise be ON be.id = bs.enterprise_id"
    " JOIN site ss ON ss.id = l.supplier_site_id JOIN enterprise se ON se.id = ss.enterprise_id"
    " LEFT JOIN district sd ON sd.id = ss.district_code LEFT JOIN district bd ON bd.id = bs.district_code"
    " LEFT JOIN segment g ON g.id = l.segment_id"
)


def supply_links(
    conn: duckdb.DuckDBPyConnection,
    *,
    involving: str | None = None,
    buyer: str | None = None,
    supplier: str | None = None,
    segment: str | None = None,
    page: int = 1,
    size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Supply links, biggest first. ``involving`` keeps links where that firm is buyer or supplier."""
    f = _Filter()
    if segment:
        f.subtree(segment, "l.segment_id IN (SELECT id FROM sub)")
    if involving:
        f.add("(bs.enterprise_id = ? OR ss.enterprise_id = ?)", involving, involving)
    if buyer:
        f.add("bs.enterprise_id = ?", buyer)
    if supplier:
        f.add("ss.enterprise_id = ?", supplier)
    return f.page(conn, _LINK_SELECT, "l.annual_value DESC, l.id", page, size)


def supply_link(conn: duckdb.DuckDBPyConnection, link_id: str) -> dict[str, Any] | None:
    return _one(conn, _LINK_SELECT + " WHERE l.id = ?", [link_id])


def districts(
    conn: duckdb.DuckDBPyConnection, *, city_only: bool = True, codes: list[str] | None = None
) -> list[dict[str, Any]]:
    """Districts with the firms seated there, the sites there and their capacity count (``codes``: only those)."""
    where = f" WHERE {in_city_sql('d.id')}" if city_only else ""
    if codes is not None:
        where = (where + " AND" if where else " WHERE") + " d.id IN (SELECT unnest(?::VARCHAR[]))"
    return fetch_dicts(
        conn,
        "SELECT d.id, d.name, d.province, d.city, d.region, d.yuxi, d.lon, d.lat, d.source, d.as_of, d.status,"
        " (SELECT count(*) FROM enterprise e WHERE e.district_code = d.id) AS firms,"
        " (SELECT count(*) FROM site t WHERE t.district_code = d.id) AS sites,"
        " (SELECT count(DISTINCT t.enterprise_id) FROM site t WHERE t.district_code = d.id) AS firms_with_sites,"
        " (SELECT coalesce(sum(m.annual_volume), 0) FROM vehicle_model m JOIN site t ON t.id = m.site_id"
        "  WHERE t.district_code = d.id AND m.powertrain IN ('BEV', 'EREV', 'PHEV', 'FCEV')) AS nev_volume"
        f" FROM district d{where} ORDER BY d.id",
        [codes] if codes is not None else [],
    )


def place_names(conn: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """Code → name a reader knows (:func:`chainbrain.units.place_name`) for the codes in the division table."""
    from chainbrain.units import place_name

    rows = conn.execute(
        "SELECT id, name, province, city FROM district WHERE id IN (SELECT unnest(?::VARCHAR[]))", [codes]
    ).fetchall()
    return {r[0]: place_name(r[0], r[1], r[2], r[3]) for r in rows}


def district_name(conn: duckdb.DuckDBPyConnection, district_id: str) -> str | None:
    """The name of a district in the division table, or None when the code is not there."""
    row = conn.execute("SELECT name FROM district WHERE id = ?", [district_id]).fetchone()
    return str(row[0]) if row else None


def district(conn: duckdb.DuckDBPyConnection, district_id: str) -> dict[str, Any] | None:
    rows = [r for r in districts(conn, city_only=False) if r["id"] == district_id]
    return rows[0] if rows else None


def overview(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Key figures of the cockpit that are plain counts and sums of the stored records."""
    row = fetch_dicts(
        conn,
        "SELECT (SELECT count(*) FROM enterprise) AS enterprises,"
        " (SELECT count(*) FROM enterprise WHERE list_contains(roles, 'OEM')) AS oems,"
        " (SELECT count(*) FROM enterprise WHERE list_has_any(roles, ['Tier1', 'Tier2', 'Tier3']))"
        "  AS parts_firms,"
        f" (SELECT count(*) FROM enterprise WHERE {in_city_sql('district_code')}"
        "  AND list_has_any(roles, ['Tier1', 'Tier2', 'Tier3'])) AS local_parts_firms,"
        " (SELECT count(*) FROM enterprise WHERE status <> 'verified') AS unverified_enterprises,"
        " (SELECT count(*) FROM supply_link WHERE status <> 'verified') AS unverified_links,"
        " (SELECT count(*) FROM enterprise WHERE list_contains(labels, '链主')) AS chain_leaders,"
        # one definition with 培育 and the live target (monitor.live.zjtx_firms): Chongqing firms, 小巨人 included
        f" (SELECT count(*) FROM enterprise WHERE {in_city_sql('district_code')}"
        "  AND list_has_any(labels, ['专精特新', '小巨人'])) AS specialised,"
        " (SELECT count(*) FROM site) AS sites,"
        " (SELECT count(*) FROM vehicle_model) AS vehicle_models,"
        " (SELECT coalesce(sum(annual_volume), 0) FROM vehicle_model"
        "  WHERE powertrain IN ('BEV', 'EREV', 'PHEV', 'FCEV')) AS nev_volume,"
        " (SELECT count(*) FROM supply_link) AS supply_links,"
        " (SELECT count(*) FROM segment) AS segments",
    )[0]
    return {k: (int(v) if isinstance(v, int) else float(v)) for k, v in row.items()}


def enterprise_of_site(conn: duckdb.DuckDBPyConnection, site_id: str) -> str | None:
    row = conn.execute("SELECT enterprise_id FROM site WHERE id = ?", [site_id]).fetchone()
    return row[0] if row else None
