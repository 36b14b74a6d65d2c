"""Chain analytics on a small store built by hand (``fixtures.chain``, whose docstring draws it); every
expected figure is worked out in the comments."""

from __future__ import annotations

import math

import pytest

from chainbrain.chain import (
    BoundaryError,
    WhatIfError,
    concentration,
    gaps,
    haversine_km,
    local_rate,
    parse_boundary,
    whatif,
)
from chainbrain.store import memory
from chainbrain.store.records import insert_rows, transaction
from fixtures.chain import LINK, P, build_store


@pytest.fixture
def conn():
    c = memory()
    build_store(c)
    yield c
    c.close()


def rows_by_key(rows):
    return {r.key: r for r in rows}


def test_local_rate_by_oem_city(conn):
    rows = local_rate(conn, "oem")
    assert [r.key for r in rows] == ["OEM1", "OEM2"]  # sorted by total value 6.7e9 > 1.96e9
    o1, o2 = rows
    # OEM1: L1..L5 total 3.0+2.0+1.0+0.5+0.2 = 6.7e9; local L1+L4 = 3.5e9; counts 2 of 5
    assert o1.total_value == pytest.approx(6.7e9)
    assert o1.local_value == pytest.approx(3.5e9)
    assert o1.rate_value == pytest.approx(3.5 / 6.7)
    assert (o1.local_count, o1.total_count, o1.rate_count) == (2, 5, pytest.approx(0.4))
    # OEM2: L6+L7 = 1.96e9; local L7 = 0.36e9 → 0.1837; counts 1 of 2
    assert o2.rate_value == pytest.approx(0.36 / 1.96)
    assert o2.rate_count == pytest.approx(0.5)


def test_local_rate_chengyu_and_all_buyers(conn):
    r = rows_by_key(local_rate(conn, "oem", boundary="chengyu"))
    # Chengdu's S2 is now local: OEM1 local L1+L2+L4 = 5.5e9 of 6.7e9, 3 of 5 links; OEM2 all local
    assert r["OEM1"].rate_value == pytest.approx(5.5 / 6.7)
    assert r["OEM1"].rate_count == pytest.approx(0.6)
    assert r["OEM2"].rate_value == pytest.approx(1.0)
    # buyers=all adds T1 (buys L8 from Chengdu: 0 local of 1.0e9 under the city boundary)
    r = rows_by_key(local_rate(conn, "oem", buyers="all"))
    assert set(r) == {"OEM1", "OEM2", "T1"}
    assert r["T1"].rate_value == 0.0 and r["T1"].total_value == pytest.approx(1.0e9)


def test_local_rate_city_segment_district(conn):
    (city,) = local_rate(conn, "city")
    # OEM buyers in Chongqing: total 6.7+1.96 = 8.66e9, local 3.5+0.36 = 3.86e9, 3 local of 7 links
    assert city.rate_value == pytest.approx(3.86 / 8.66)
    assert city.rate_count == pytest.approx(3 / 7)
    (city_all,) = local_rate(conn, "city", buyers="all")
    # + L8 (1.0e9, outside): 3.86 / 9.66, 3 of 8
    assert city_all.rate_value == pytest.approx(3.86 / 9.66)
    assert city_all.rate_count == pytest.approx(3 / 8)

    seg = local_rate(conn, "segment")
    # bat L1+L2+L6 = 6.6e9 (local 3.0); mot L3+L4+L7 = 1.86e9 (local 0.86); cam L5 0.2e9 (local 0)
    assert [s.key for s in seg] == ["bat", "mot", "cam"]
    assert seg[0].name == "动力电池"
    assert seg[0].rate_value == pytest.approx(3.0 / 6.6)
    assert seg[1].rate_value == pytest.approx(0.86 / 1.86)
    assert seg[2].rate_value == 0.0

    d = rows_by_key(local_rate(conn, "district"))
    # P1 sits in 渝北 (500112): OEM1's figures; P2 in 沙坪坝 (500106): OEM2's
    assert d["500112"].name == "渝北区"
    assert d["500112"].rate_value == pytest.approx(3.5 / 6.7)
    assert d["500106"].rate_value == pytest.approx(0.36 / 1.96)


def test_local_rate_by_model_splits_plant_links(conn):
    m = rows_by_key(local_rate(conn, "model"))
    # Plant P1: bat weights M1 100,000×1 : M2 50,000×1 → 2/3 : 1/3
    #           mot weights M1 100,000×1 : M2 50,000×2 → 1/2 : 1/2;  cam only M1 (4×100,000) → 1
    # M1: local 3.0×2/3 + 0.5×1/2 = 2.25e9; total (3.0+2.0)×2/3 + (1.0+0.5)/2 + 0.2 = 4.28333e9
    #     counts: local 2/3 + 1/2 = 7/6; total 2×2/3 + 2×1/2 + 1 = 10/3
    assert m["M1"].local_value == pytest.approx(2.25e9)
    assert m["M1"].total_value == pytest.approx(5.0e9 * 2 / 3 + 0.75e9 + 0.2e9)
    assert m["M1"].local_count == pytest.approx(7 / 6)
    assert m["M1"].total_count == pytest.approx(10 / 3)
    # M2: local 3.0/3 + 0.5/2 = 1.25e9; total 5.0/3 + 0.75 = 2.41667e9
    assert m["M2"].rate_value == pytest.approx(1.25 / (5.0 / 3 + 0.75))
    # M3 alone at P2: OEM2's figures; the split conserves the plant totals
    assert m["M3"].rate_value == pytest.approx(0.36 / 1.96)
    assert m["M1"].total_value + m["M2"].total_value == pytest.approx(6.7e9)


def test_boundaries():
    assert parse_boundary("chengyu").contains_code("510104")
    assert not parse_boundary("chengyu").contains_code("530102")
    assert parse_boundary("city").contains_code("500112")
    assert not parse_boundary("city").contains_code("510104")
    assert parse_boundary(" Radius:50 ").radius_km == 50.0
    for bad in ("town", "radius:", "radius:abc", "radius:-5", "radius:0"):
        with pytest.raises(BoundaryError, match="边界"):
            parse_boundary(bad)
    # 1° of latitude along a meridian: 6371.0088 km × π/180 = 111.1951 km
    assert haversine_km(106.5, 29.5, 106.5, 30.5) == pytest.approx(6371.0088 * math.pi / 180)
    assert haversine_km(106.5, 29.5, 106.5, 30.5) == pytest.approx(111.1951, abs=1e-4)


def test_radius_boundary(conn):
    # S1 is 111.195 km due north of P1; S4 is 0.1° north of P1 (11.12 km) and about 9.67 km east of P2
    # (0.1° × 111.195 × cos 29.6°); S3 and S5 have no coordinates, so they are never local.
    wide = rows_by_key(local_rate(conn, "oem", boundary="radius:112"))
    assert wide["OEM1"].local_value == pytest.approx(3.5e9)  # L1 and L4
    narrow = rows_by_key(local_rate(conn, "oem", boundary="radius:111"))
    assert narrow["OEM1"].local_value == pytest.approx(0.5e9)  # L4 only
    assert narrow["OEM1"].rate_value == pytest.approx(0.5 / 6.7)
    assert narrow["OEM2"].local_value == pytest.approx(0.36e9)  # L7 (9.67 km)
    tight = rows_by_key(local_rate(conn, "oem", boundary="radius:9"))
    assert tight["OEM2"].local_value == 0.0


def test_gaps_city(conn):
    g = gaps(conn)
    assert [r.segment_id for r in g] == ["bat", "mot", "cam"]  # outside value 4.6e9 > 1.0e9 > 0.2e9
    bat, mot, cam = g
    # bat demand: M1 100,000 + M2 50,000 + M3 40,000 = 190,000; local capacity S1 100,000 → short 90,000
    # bought by Chongqing buyers (all): local L1 3.0e9; outside L2+L6+L8 = 4.6e9
    assert bat.demand == 190_000 and bat.local_capacity == 100_000 and bat.shortfall == 90_000
    assert bat.outside_value == pytest.approx(4.6e9) and bat.local_value == pytest.approx(3.0e9)
    assert bat.short and not bat.missing
    assert bat.local_firms == 1 and bat.single_sourced  # T1 only
    assert bat.hhi == pytest.approx(1.0) and bat.concentrated
    # mot demand: 100,000×1 + 50,000×2 + 40,000×1 = 240,000; capacity S4 50,000 → shortfall 190,000
    assert mot.demand == 240_000 and mot.shortfall == 190_000 and mot.short
    assert mot.outside_value == pytest.approx(1.0e9)
    # cam: M1 4 × 100,000 = 400,000 units, no local maker or supplier → missing
    assert cam.demand == 400_000 and cam.missing and not cam.short and cam.local_firms == 0
    assert cam.hhi is None and not cam.concentrated
    assert [r.segment_id for r in gaps(conn, top=1)] == ["bat"]


def test_gaps_chengyu(conn):
    g = {r.segment_id: r for r in gaps(conn, "chengyu")}
    # Chengdu's S2 is local now: bat capacity 100,000 + 200,000 ≥ demand 190,000; local firms T1, T2
    # local bat value: L1 3.0 (T1), L2 2.0 + L6 1.6 + L8 1.0 = 4.6 (T2) → shares 3/7.6, 4.6/7.6
    bat = g["bat"]
    assert bat.local_capacity == 300_000 and bat.shortfall == 0 and not bat.short
    assert bat.outside_value == 0.0 and bat.local_firms == 2 and not bat.single_sourced
    assert bat.hhi == pytest.approx((3.0 / 7.6) ** 2 + (4.6 / 7.6) ** 2)


def test_hhi_and_concentration_by_hand():
    conn = memory()
    sites = [("P", "O", "500112"), ("A", "FA", "500106"), ("B", "FB", "500106")]
    sites += [("C", "FC", "500112"), ("D", "FD", "310115")]
    with transaction(conn):
        insert_rows(
            conn,
            "enterprises",
            [
                dict(
                    id=e,
                    name=f"{e}公司",
                    district_code=d,
                    roles=["OEM" if e == "O" else "Tier1"],
                    labels=[],
                    **P,
                )
                for _, e, d in sites
            ],
        )
        insert_rows(
            conn,
            "sites",
            [
                dict(
                    id=s, enterprise_id=e, name=s, district_code=d, segment_id=None if s == "P" else "x", **P
                )
                for s, e, d in sites
            ],
        )
        values = {"A": 5e8, "B": 3e8, "C": 2e8, "D": 10e8}
        insert_rows(
            conn,
            "supply_links",
            [
                dict(
                    id=f"L{s}", buyer_site_id="P", supplier_site_id=s, segment_id="x", annual_value=v, **LINK
                )
                for s, v in values.items()
            ],
        )
    (x,) = gaps(conn)
    # local firms' value shares 5/10, 3/10, 2/10 → HHI 0.25 + 0.09 + 0.04 = 0.38 > 0.25
    assert x.hhi == pytest.approx(0.38) and x.concentrated and x.local_firms == 3
    (pair,) = concentration(conn).pairs
    # all four firms: 10/20, 5/20, 3/20, 2/20 → 0.25 + 0.0625 + 0.0225 + 0.01 = 0.345
    assert pair.supplier_firms == 4 and pair.hhi == pytest.approx(0.345) and pair.concentrated
    assert not pair.single_sourced


def test_concentration_single_sourced_lines(conn):
    c = concentration(conn)
    pairs = {(p.oem_id, p.segment_id): p for p in c.pairs}
    # OEM1 bat: T1 3.0, T2 2.0 → 0.6² + 0.4² = 0.52; mot: T3 1.0, T4 0.5 → (2/3)² + (1/3)² = 5/9
    assert pairs["OEM1", "bat"].hhi == pytest.approx(0.52)
    assert pairs["OEM1", "mot"].hhi == pytest.approx(5 / 9)
    assert pairs["OEM1", "cam"].single_sourced and pairs["OEM1", "cam"].hhi == pytest.approx(1.0)
    assert pairs["OEM2", "bat"].single_sourced and pairs["OEM2", "mot"].single_sourced
    assert ("T1", "bat") not in pairs  # concentration looks at OEM buyers only
    # BOM lines whose plant buys the segment from one firm: M3 bat (T2, 1.6e9), M3 mot (T4, 0.36e9),
    # M1 cam (T5, 0.2e9); M1/M2 bat and mot have two firms each
    lines = [(s.model_id, s.segment_id, s.supplier_id, s.value) for s in c.single_sourced_lines]
    assert lines == [("M3", "bat", "T2", 1.6e9), ("M3", "mot", "T4", 0.36e9), ("M1", "cam", "T5", 0.2e9)]


def test_whatif_by_hand(conn):
    w = whatif(conn, "bat", 70_000, district="500106")
    # outside bat to Chongqing OEM plants, largest first: L2 (2.0e9, 40,000 units, 50,000 元 each) then
    # L6 (1.6e9, no volume → BOM unit value of M3 40,000 → 40,000 units). L8's buyer is not an OEM.
    # 70,000 units: L2 whole (2.0e9), then 30,000 of L6 at 40,000 = 1.2e9 → displaced 3.2e9
    assert [(d.link_id, d.units, d.whole) for d in w.displaced_links] == [
        ("L2", 40_000, True),
        ("L6", 30_000, False),
    ]
    assert w.displaced_value == pytest.approx(3.2e9) and w.used_capacity == 70_000
    # city: 3.86/8.66 → (3.86+3.2)/8.66; counts 3/7 → L2 becomes local, the L6 part is a new local link: 5/8
    assert w.city_before.rate_value == pytest.approx(3.86 / 8.66)
    assert w.city_after.rate_value == pytest.approx(7.06 / 8.66)
    assert w.city_after.rate_count == pytest.approx(5 / 8)
    assert w.rate_value_gain == pytest.approx(3.2 / 8.66)
    o = {c.key: c for c in w.oems}
    assert o["OEM1"].rate_value_after == pytest.approx(5.5 / 6.7)
    assert o["OEM1"].rate_count_after == pytest.approx(3 / 5)
    assert o["OEM2"].rate_value_after == pytest.approx(1.56 / 1.96)
    assert o["OEM2"].rate_count_after == pytest.approx(2 / 3)
    # more capacity than outside supply: only 80,000 units can move, 3.6e9 元
    big = whatif(conn, "bat", 200_000)
    assert big.used_capacity == 80_000 and big.displaced_value == pytest.approx(3.6e9)
    # nothing was written
    assert conn.execute("SELECT count(*) FROM supply_link").fetchone()[0] == 8


def test_whatif_errors(conn):
    with pytest.raises(WhatIfError, match="530102"):
        whatif(conn, "bat", 1000, district="530102")
    with pytest.raises(WhatIfError, match="999999"):
        whatif(conn, "bat", 1000, district="999999")
    with pytest.raises(WhatIfError, match="nope"):
        whatif(conn, "nope", 1000)
    with pytest.raises(WhatIfError):
        whatif(conn, "bat", 0)


def test_gaps_radius(conn):
    g = {r.segment_id: r for r in gaps(conn, "radius:100")}
    # local plants P1, P2; S1 is 111.2 km from P1 and 100.5 km from P2 (0.9° north = 100.08 km, 0.1° east
    # ≈ 9.67 km): outside 100 km of both, and no bat link is within 100 km → bat has no local firm
    assert g["bat"].local_capacity == 0 and g["bat"].missing
    # S4 is 11.1 km from P1 and 9.7 km from P2: local capacity 50,000; local links L4 + L7 = 0.86e9
    assert g["mot"].local_capacity == 50_000 and g["mot"].local_value == pytest.approx(0.86e9)
    g = {r.segment_id: r for r in gaps(conn, "radius:112")}
    assert g["bat"].local_capacity == 100_000 and not g["bat"].missing


def test_whatif_radius(conn):
    # the new site sits at 沙坪坝's centroid (106.46, 29.54): 5.90 km from P1 and 8.84 km from P2
    # (haversine_km). Within 10 km only L4 (no: 11.1 km) and L7 (9.7 km) are local before: 0.36e9.
    # Outside bat links, largest first: L1 (3.0e9, 60,000 units, 111 km), L2 (2.0e9, 40,000), L6 (1.6e9)
    # 70,000 units: L1 whole (3.0e9), then 10,000 of L2 at 50,000 = 0.5e9 → displaced 3.5e9
    w = whatif(conn, "bat", 70_000, district="500106", boundary="radius:10")
    assert [(d.link_id, d.units) for d in w.displaced_links] == [("L1", 60_000), ("L2", 10_000)]
    assert w.displaced_value == pytest.approx(3.5e9)
    assert w.city_before.local_value == pytest.approx(0.36e9)
    assert w.city_after.local_value == pytest.approx(3.86e9)
    # within 5 km of neither plant: nothing can move
    w = whatif(conn, "bat", 70_000, district="500106", boundary="radius:5")
    assert w.displaced_value == 0 and w.used_capacity == 0


def test_model_split_falls_back_to_volume():
    conn = memory()
    with transaction(conn):
        insert_rows(
            conn,
            "enterprises",
            [
                dict(id=e, name=f"{e}公司", district_code=d, roles=[r], labels=[], **P)
                for e, r, d in [("O", "OEM", "500112"), ("FX", "Tier1", "500106"), ("FY", "Tier1", "310115")]
            ],
        )
        insert_rows(
            conn,
            "sites",
            [
                dict(id=s, enterprise_id=e, name=s, district_code=d, **P)
                for s, e, d in [("P", "O", "500112"), ("X", "FX", "500106"), ("Y", "FY", "310115")]
            ],
        )
        insert_rows(
            conn,
            "vehicle_models",
            [
                dict(id=m, oem_id="O", site_id="P", brand="B", name=m, powertrain="BEV", annual_volume=v, **P)
                for m, v in [("A", 30_000), ("B", 10_000)]
            ],
        )
        insert_rows(conn, "bom_lines", [dict(id="A-x", model_id="A", segment_id="x", qty=1, **P)])
        insert_rows(
            conn,
            "supply_links",
            [
                dict(
                    id="Lx", buyer_site_id="P", supplier_site_id="X", segment_id="x", annual_value=1e8, **LINK
                ),
                dict(
                    id="Ly", buyer_site_id="P", supplier_site_id="Y", segment_id="y", annual_value=4e8, **LINK
                ),
            ],
        )
    m = rows_by_key(local_rate(conn, "model"))
    # x: only A has it in its BOM → all 1e8 (local) to A. y: in no BOM → by volume 30,000 : 10,000
    # A: local 1e8, total 1e8 + 3e8 = 4e8 → 0.25; counts local 1, total 1 + 0.75
    assert m["A"].total_value == pytest.approx(4e8) and m["A"].rate_value == pytest.approx(0.25)
    assert m["A"].total_count == pytest.approx(1.75) and m["A"].local_count == pytest.approx(1.0)
    # B: 1e8 of y, nothing local
    assert m["B"].total_value == pytest.approx(1e8) and m["B"].rate_value == 0.0


def test_demo_smoke(request):
    """On the bundled Chongqing data: the roll-ups add up to the city row (no fixed figures)."""
    try:
        conn = request.getfixturevalue("demo_db")
    except RuntimeError as e:
        pytest.skip(f"bundled demo data not available yet: {e}")
    (city,) = local_rate(conn, "city")
    assert city.total_value > 0 and 0 <= city.rate_value <= 1
    # segment rows cover the same links (OEM buyers inside the city) as the city row
    seg = local_rate(conn, "segment")
    assert sum(r.total_value for r in seg) == pytest.approx(city.total_value)
    assert sum(r.local_value for r in seg) == pytest.approx(city.local_value)
    cq = [r for r in local_rate(conn, "district") if r.key.startswith("50")]
    assert sum(r.total_count for r in cq) == city.total_count
    assert local_rate(conn, "oem") and gaps(conn)
    assert all(0 <= (p.hhi or 0) <= 1 for p in concentration(conn).pairs)


def test_empty_store():
    conn = memory()
    (city,) = local_rate(conn, "city")
    assert (city.total_value, city.rate_value, city.rate_count) == (0.0, None, None)
    assert local_rate(conn, "oem") == [] and gaps(conn) == []
    c = concentration(conn)
    assert c.pairs == [] and c.single_sourced_lines == []
