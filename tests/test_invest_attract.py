"""招商: score parts and rankings on a store small enough to work out by hand (tests/invest_cases.py).

The store: OEM plant p1 (渝北) buys battery packs only from outside — L1 from catl 6亿元 (100 kWh), L2 from
bat2 2亿元 (50 kWh) — and lidars from local loc1 (L3, 1亿元) and from outside lid2 (L4, 3亿元, 300 件).
T = 12亿元 of OEM purchases, 1亿元 local: city rate 1/12. V(电池包) = 8亿 = V_max, V(激光雷达) = 3亿;
G_max = V_max / T = 2/3.
"""

from __future__ import annotations

import pytest

from chainbrain.chain.whatif import whatif
from chainbrain.invest.attract import WEIGHTS, by_district, flat, recommend, strength
from fixtures.invest import attract_store


@pytest.fixture
def conn():
    c = attract_store()
    yield c
    c.close()


def _parts(c):
    return {p.key: p.value for p in c.parts}


def test_segments_are_the_flagged_gaps_ranked_by_best_candidate(conn):
    targets = recommend(conn)
    assert [t.segment_id for t in targets] == ["battery.pack", "adas.lidar"]
    assert targets[0].flags == ["missing"]
    assert "single_sourced" in targets[1].flags
    assert targets[0].outside_value == pytest.approx(8e8)
    assert targets[0].outside_links == ["L1", "L2"]


def test_score_parts_worked_by_hand(conn):
    packs = recommend(conn, segment="battery.pack")[0]
    assert [c.enterprise_id for c in packs.candidates] == ["catl", "bat2", "bat3"]
    catl, bat2, bat3 = packs.candidates
    # catl: capacity 80 kWh takes 80 of L1's 100 kWh at 6e6 元/kWh = 4.8亿 → gain 4.8/12 = 0.4; 0.4 / (2/3) = 0.6
    # incumbent 6/8 = 0.75; strength 0.5·min(1, 400万/100万) + 0.5·0.4 (上市) = 0.7
    # fit 璧山: 0.5·policy 1 (渝西) + 0.3·proximity 0 (no point) + 0.2·park 0.5 (a park, other branch) = 0.6
    assert _parts(catl) == pytest.approx(
        {"outside_value": 1.0, "rate_gain": 0.6, "incumbent": 0.75, "strength": 0.7, "district_fit": 0.6}
    )
    # 0.25 + 0.30·0.6 + 0.15·0.75 + 0.15·0.7 + 0.15·0.6 = 0.7375
    assert catl.score == pytest.approx(0.7375)
    assert catl.district == "500120" and catl.park == "璧山高新区"
    # bat2: no site capacity → its 50 kWh shipped; whatif takes 50 of L1 = 3亿 → 0.25 → 0.375
    assert bat2.capacity == 50 and bat2.capacity_basis == "现向本地整车供货量"
    # 0.25 + 0.30·0.375 + 0.15·0.25 + 0.15·(0.5·0.2) + 0.15·0.6 = 0.505
    assert bat2.score == pytest.approx(0.505)
    # bat3: capacity unknown → no gain; strength 0.5·(5000/10000) + 0.5·(0.2+0.1) = 0.4
    assert bat3.gain is None and _parts(bat3)["rate_gain"] == 0
    assert bat3.score == pytest.approx(0.25 + 0.15 * 0.4 + 0.15 * 0.6)


def test_lidar_candidate_and_fit_in_the_central_city(conn):
    lidar = recommend(conn, segment="adas.lidar")[0]
    (lid2,) = lidar.candidates  # loc1 is local: not a candidate
    # fit 渝北: policy 1 (中心城区 智能驾驶) + proximity 1 (0 km) ·0.3 + park 1 (OEM park) ·0.2 = 1.0
    assert _parts(lid2) == pytest.approx(
        {"outside_value": 0.375, "rate_gain": 0.375, "incumbent": 1.0, "strength": 0.4, "district_fit": 1.0}
    )
    assert lid2.score == pytest.approx(0.25 * 0.375 + 0.30 * 0.375 + 0.15 + 0.06 + 0.15)
    assert lid2.park == "两江新区"


def test_gain_equals_whatif(conn):
    catl = recommend(conn, segment="battery.pack")[0].candidates[0]
    wi = whatif(conn, "battery.pack", catl.capacity, catl.district, "city")
    assert catl.gain == wi.city_after.rate_value - wi.city_before.rate_value
    assert catl.rate_before == wi.city_before.rate_value and catl.rate_after == wi.city_after.rate_value
    gain_part = next(p for p in catl.parts if p.key == "rate_gain")
    assert gain_part.evidence["links"] == [d.link_id for d in wi.displaced_links]


def test_district_filter_scores_fit_for_that_district(conn):
    # 万州 for battery packs: policy 1 (万州 rule), no point, no park → 0.5
    catl = recommend(conn, segment="battery.pack", district="500101")[0].candidates[0]
    assert catl.district == "500101" and _parts(catl)["district_fit"] == pytest.approx(0.5)
    assert catl.score == pytest.approx(0.7375 - 0.15 * 0.1)


def test_flat_list_and_weights():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    # neither revenue nor head count: the size is unknown, so the part is unknown (not 0.5 from labels alone)
    assert strength(None, None, ["上市", "链主", "小巨人"]) == (None, None, pytest.approx(1.0))
    assert strength(None, 2500, []) == pytest.approx((0.125, 0.25, 0.0))


def test_unknown_size_is_missing_data_not_zero(conn):
    conn.execute("UPDATE enterprise SET revenue = NULL, employees = NULL WHERE id = 'catl'")
    catl = next(c for c in recommend(conn, segment="battery.pack")[0].candidates if c.enterprise_id == "catl")
    part = next(p for p in catl.parts if p.key == "strength")
    assert part.missing == "缺数据" and part.value is None and part.points is None
    assert "缺数据" in part.explain and "上市" in part.explain
    # the other four parts as in test_score_parts_worked_by_hand: 0.25 + 0.18 + 0.1125 + 0.09 = 0.6325
    assert catl.score == pytest.approx(0.6325)
    # strength weighs 0.15: the total says it leaves 15% out and is out of 85
    assert catl.score_note is not None
    assert "企业实力" in catl.score_note and "15%" in catl.score_note and "满分 85" in catl.score_note
    others = [c for c in recommend(conn, segment="battery.pack")[0].candidates if c.enterprise_id != "catl"]
    assert all(c.score_note is None for c in others)


def test_flat_orders_all_segments(conn):
    ids = [(c.enterprise_id, c.segment_id) for c in flat(recommend(conn))]
    assert ids == [
        ("catl", "battery.pack"),
        ("lid2", "adas.lidar"),
        ("bat2", "battery.pack"),
        ("bat3", "battery.pack"),
    ]


def test_top_and_unknown_segment(conn):
    assert len(recommend(conn, top=1)[0].candidates) == 1
    with pytest.raises(ValueError, match="未知的产业链环节"):
        recommend(conn, segment="nope")


def test_map_groups_candidates_by_suggested_district(conn):
    groups = {g["district"]: g for g in by_district(recommend(conn))}
    # battery packs fit 璧山 best (0.6), lidars 渝北 (1.0): see the two tests above
    assert [c.enterprise_id for c in groups["500120"]["candidates"]] == ["catl", "bat2", "bat3"]
    assert groups["500120"]["segments"] == ["battery.pack"] and groups["500120"]["parks"] == ["璧山高新区"]
    assert groups["500112"]["count"] == 1 and groups["500112"]["total_score"] == pytest.approx(0.56625)
    assert list(groups) == ["500120", "500112"]  # 0.7375 + 0.505 + 0.40 = 1.6425 > 0.56625


def test_radius_boundary_without_a_point_explains_the_missing_gain(conn):
    # 璧山 (the best district for packs) has no point: whatif cannot place the plant within 50 km of p1
    targets = {t.segment_id: t for t in recommend(conn, boundary="radius:50")}
    catl = next(c for c in targets["battery.pack"].candidates if c.enterprise_id == "catl")
    assert catl.gain is None and "没有坐标" in catl.parts[1].explain
    # lidars: 渝北 is at p1 (0 km), so the thought plant is local to p1; loc1's site has no point, so under a
    # radius L3 is an outside purchase too: 500 件 take L4 (300) and L3 (100) whole → 0 → 4亿 / 12亿
    lid2 = targets["adas.lidar"].candidates[0]
    wi = whatif(conn, "adas.lidar", 500.0, "500112", "radius:50")
    assert lid2.gain == wi.city_after.rate_value - wi.city_before.rate_value == pytest.approx(4 / 12)


def test_district_fit_parts(conn):
    from chainbrain.invest.fit import district_fits

    # one buyer plant 1° of latitude north of 渝北's point: 6371.0088 km × π/180 = 111.195 km → 1 − 111.195/200
    fits = {f.district: f for f in district_fits(conn, "adas.lidar", [("p1", 1e8, 106.6, 30.7)])}
    yb = fits["500112"]
    assert yb.policy == 1.0 and yb.park == 1.0 and yb.park_name == "两江新区"
    assert yb.mean_km == pytest.approx(111.195, abs=0.01)
    assert yb.fit == pytest.approx(0.5 + 0.3 * (1 - 111.195 / 200) + 0.2, abs=1e-4)
    # 万州: batteries and materials only → no policy for lidars, no point, no park
    assert fits["500101"].fit == 0.0
    with pytest.raises(ValueError, match="不是重庆市的区县"):
        district_fits(conn, "adas.lidar", [], ["320505"])
