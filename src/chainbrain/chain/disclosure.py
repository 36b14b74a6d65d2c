"""When is an aggregate a single firm's figure in disguise? The threshold rule of statistical disclosure control.

A roll-up of supply-link values (a district's or a segment's purchases, its local and outside parts) is an
aggregate only when enough firms stand behind each part. The 本地配套率 of a district with one OEM plant is
that OEM's rate; the outside purchases of a segment with one outside supplier are that supplier's sales; with
two, each of them learns the other's by subtracting its own. The threshold rule for magnitude tables (Hundepool
et al., *Statistical Disclosure Control*, Wiley 2012: a cell needs at least n contributors, n = 3 being the
usual choice) therefore calls a cell *disclosive* when fewer than :data:`MIN_FIRMS` buyer firms make up its purchases, or
when its local or its outside part comes from one or two supplier firms (a part of zero discloses nothing).

:func:`cells` counts the contributors of every row of a roll-up, with the same link set and the same keys as
:func:`chainbrain.chain.local_rate.rollup_sql` and :func:`chainbrain.chain.gaps.gaps`; readers who may not see
single firms' links get a disclosive row's values withheld (see the API's analytics routes and
:mod:`chainbrain.invest.visibility`); :func:`withheld_keys` adds the secondary suppression a margin needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from chainbrain.chain.boundary import Boundary, parse_boundary
from chainbrain.chain.local_rate import links_sql

MIN_FIRMS = 3
WITHHELD_NOTE = (
    f"少于{MIN_FIRMS}家企业构成的汇总等同于单个企业的采购或销售数据，仅分析员可见"
    "（只剩一项时另隐去一项，以免由合计相减得出）"
)


@dataclass(frozen=True)
class Cell:
    """The firms behind one row of a roll-up, and its value (元, to pick the complement)."""

    buyers: int
    local_suppliers: int
    outside_suppliers: int
    total_value: float

    @property
    def disclosive(self) -> bool:
        few = range(1, MIN_FIRMS)
        return self.buyers < MIN_FIRMS or self.local_suppliers in few or self.outside_suppliers in few


def cells(
    conn: duckdb.DuckDBPyConnection, by: str, boundary: str | Boundary = "city", buyers: str = "oem"
) -> dict[str, Cell]:
    """key → contributors for a roll-up ``by`` segment | district | city (the keys of ``local_rate``).

    A link whose supplier site is not in the store counts as one more outside supplier of its own.
    """
    b = parse_boundary(boundary)
    key = {"segment": "segment_id", "district": "buyer_district", "city": f"'{b.text}'"}.get(by)
    if key is None:
        raise ValueError(f"by must be segment, district or city for a disclosure check: got {by!r}")
    where = "" if by == "district" else "WHERE in_area"  # as in rollup_sql: districts are not cut to the area
    rows = conn.execute(
        f"""SELECT {key} AS key, count(DISTINCT buyer_ent),
                   count(DISTINCT supplier_ent) FILTER (WHERE is_local),
                   count(DISTINCT coalesce(supplier_ent, 'site:' || supplier_site)) FILTER (WHERE NOT is_local),
                   coalesce(sum(value), 0)
            FROM ({links_sql(b, buyers)}) lk {where} GROUP BY 1"""
    ).fetchall()
    return {str(k): Cell(int(n), int(loc), int(out), float(v)) for k, n, loc, out, v in rows}


def withheld_keys(
    conn: duckdb.DuckDBPyConnection, by: str, boundary: str | Boundary = "city", buyers: str = "oem"
) -> set[str]:
    """Rows of a roll-up to withhold: the disclosive ones, plus one more when only one is (the complement).

    With exactly one row withheld, the area total minus the rows shown would give it back, so the smallest
    other row is withheld too (secondary suppression).
    """
    found = cells(conn, by, boundary, buyers)
    out = {k for k, c in found.items() if c.disclosive}
    if len(out) == 1 and by != "city":
        others = sorted((c.total_value, k) for k, c in found.items() if k not in out)
        if others:
            out.add(others[0][1])
    return out
