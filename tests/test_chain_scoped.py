"""The roll-ups' and gaps' lean link set is the general one: same links, same flags, for every boundary."""

from __future__ import annotations

import pytest

from chainbrain.chain.boundary import parse_boundary
from chainbrain.chain.local_rate import links_sql, scoped_links_sql

COLS = "link_id, segment_id, value, volume, buyer_site, buyer_ent, buyer_district, supplier_site, is_local, in_area"


@pytest.mark.parametrize("boundary", ["city", "chengyu", "radius:50"])
@pytest.mark.parametrize("buyers", ["oem", "all"])
@pytest.mark.parametrize("in_area_only", [False, True])
def test_scoped_links_match_the_general_join(demo_db, boundary, buyers, in_area_only):
    b = parse_boundary(boundary)
    where = "WHERE in_area" if in_area_only else ""
    general = demo_db.execute(
        f"SELECT {COLS} FROM ({links_sql(b, buyers)}) {where} ORDER BY link_id"
    ).fetchall()
    scoped = demo_db.execute(
        f"SELECT {COLS} FROM ({scoped_links_sql(b, buyers, in_area_only=in_area_only)}) ORDER BY link_id"
    ).fetchall()
    assert len(general) > 100
    assert scoped == general
    # the supplier firm is kept where the gaps read it: on local links
    local_ent = f"""SELECT link_id, supplier_ent FROM ({{}}) WHERE is_local {"AND in_area" if in_area_only else ""}
                    ORDER BY link_id"""
    assert demo_db.execute(
        local_ent.format(scoped_links_sql(b, buyers, in_area_only=in_area_only))
    ).fetchall() == (demo_db.execute(local_ent.format(links_sql(b, buyers))).fetchall())


def test_a_supplier_site_missing_from_the_store_is_never_local(demo_db):
    demo_db.execute(
        "INSERT INTO supply_link (id, buyer_site_id, supplier_site_id, segment_id, annual_value, source, status) "
        "SELECT 'L-missing', buyer_site_id, 'no-such-site', segment_id, 1.0, 'test', 'synthetic' "
        "FROM supply_link ORDER BY id LIMIT 1"
    )
    for boundary in ("city", "chengyu"):
        sql = scoped_links_sql(parse_boundary(boundary), "all")
        row = demo_db.execute(
            f"SELECT is_local, supplier_ent FROM ({sql}) WHERE link_id = 'L-missing'"
        ).fetchone()
        assert row == (False, None)


def test_scoped_links_reject_unknown_buyers():
    with pytest.raises(ValueError, match="buyers"):
        scoped_links_sql(parse_boundary("city"), "everyone")
