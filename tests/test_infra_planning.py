"""选址建议 and the build plan on a case worked by hand.

Seven townships on the meridian 106.5° E, at the km given below north of 29.5° N (along a meridian the
great-circle distance is the difference in km). District 500112 has 600 NEVs over four townships (150
each), 500113 has 300 over three (100 each). The one operating 超充站 stands at A. Radius 5 km.

    A 0 | B 12  C 16  G 20.9 | D 40  E 44  F 48.9        (B–C 4, C–G 4.9, D–E 4, E–F 4.9 km)

Within 5 km: site C covers B, C, G (450); site E covers D, E, F (300); B covers B, C; G covers C, G; D
covers D, E; F covers E, F. So one new site is C (450 newly covered), two are C and E (everything), and a
third adds nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from chainbrain.infra.planning import propose_sites, yearly_plan
from chainbrain.siting.errors import InputError
from chainbrain.store.records import insert_rows

KM_PER_DEG = 6371.0088 * 3.141592653589793 / 180  # along a meridian
DAY = dt.date(2025, 6, 30)
TOWNS = {  # name: (code, district, km north)
    "A": ("500112001", "500112", 0.0),
    "B": ("500112002", "500112", 12.0),
    "C": ("500112003", "500112", 16.0),
    "G": ("500112004", "500112", 20.9),
    "D": ("500113001", "500113", 40.0),
    "E": ("500113002", "500113", 44.0),
    "F": ("500113003", "500113", 48.9),
}
CODE = {k: v[0] for k, v in TOWNS.items()}


def _lat(km: float) -> float:
    return 29.5 + km / KM_PER_DEG


def _station(id_: str, km: float, *, kind: str = "ultra", state: str = "operating") -> dict:
    return {"id": id_, "name": id_, "kind": kind, "piles": 2, "guns": 2, "max_power_kw": 600.0, "operator": None,
            "opened": dt.date(2024, 1, 1) if state == "operating" else None, "state": state,
            "district_code": "500112", "township_code": None, "lon": 106.5, "lat": _lat(km), "source": "test",
            "as_of": None, "status": "synthetic"}  # fmt: skip


@pytest.fixture
def line(fresh_db):
    insert_rows(fresh_db, "township", [
        {"id": code, "name": f"乡镇{name}", "district_code": d, "lon": 106.5, "lat": _lat(km), "source": "test",
         "status": "synthetic"} for name, (code, d, km) in TOWNS.items()
    ])  # fmt: skip
    insert_rows(fresh_db, "nev_fleet", [
        {"id": f"F{d}", "district_code": d, "period_end": dt.date(2024, 12, 31), "vehicles": v, "source": "test",
         "status": "synthetic"} for d, v in (("500112", 600), ("500113", 300))
    ])  # fmt: skip
    insert_rows(fresh_db, "charging_station", [
        _station("S-A", 0.0),
        _station("S-fast", 16.0, kind="fast"),  # a 快充 station at C does not count
        _station("S-plan", 44.0, state="planned"),  # nor does a planned one at E
        _station("S-build", 40.0, state="building"),
    ])  # fmt: skip
    return fresh_db


def test_one_site_goes_where_it_covers_most(line):
    p = propose_sites(line, count=1, radius_km=5, as_of=DAY)
    assert p.status == "optimal" and p.note is None
    assert (p.existing_stations, p.townships, p.covered_before, p.covered_after) == (1, 7, 1, 4)
    assert (p.weight_total, p.weight_before, p.weight_after) == pytest.approx((900, 150, 600))
    [s] = p.sites
    assert (s.township_code, s.township_name, s.district_code, s.new_townships) == (
        CODE["C"],
        "乡镇C",
        "500112",
        3,
    )
    assert sorted(s.newly_covered) == sorted([CODE["B"], CODE["C"], CODE["G"]])
    assert s.new_weight == pytest.approx(450)
    # Erlang C by hand: λ = 0.01 × 450 = 4.5 /h, 20-minute sessions → a = 1.5 Erlangs;
    # C(2) = 0.6429, C(3) = 0.2368 > 0.2, C(4) = 0.07459 → 4 guns; W_q = C / (4·3 − 4.5) h = 0.5967 min
    assert s.sizing.guns == 4
    assert s.sizing.arrivals_per_hour == pytest.approx(4.5)
    assert s.sizing.offered_erlangs == pytest.approx(1.5)
    assert s.sizing.p_wait == pytest.approx(0.074585, abs=1e-6)
    assert s.sizing.mean_wait_minutes == pytest.approx(0.59668, abs=1e-5)
    assert p.percent_before == pytest.approx(100 / 7) and p.percent_after == pytest.approx(400 / 7)


def test_two_sites_cover_everything_and_a_third_is_not_listed(line):
    p = propose_sites(line, count=2, radius_km=5, as_of=DAY)
    assert [s.township_code for s in p.sites] == [CODE["C"], CODE["E"]]  # ranked by newly covered weight
    assert (p.covered_after, p.weight_after, p.needed) == (7, pytest.approx(900), 2)
    # site E: λ = 3 /h, a = 1 Erlang; C(2) = 1/3 > 0.2, C(3) = 0.0909 → 3 guns
    assert p.sites[1].sizing.guns == 3 and p.sites[1].sizing.p_wait == pytest.approx(1 / 11)
    p3 = propose_sites(line, count=3, radius_km=5, as_of=DAY)
    assert [s.township_code for s in p3.sites] == [CODE["C"], CODE["E"]] and p3.needed == 2
    assert p3.note is not None and "只需 2 座" in p3.note


def test_the_pipeline_counts_as_sited_when_asked(line):
    # building at D (40) and planned at E (44) cover D, E and F: only C is left to propose
    p = propose_sites(line, count=2, radius_km=5, as_of=DAY, include_pipeline=True)
    assert (p.pipeline_stations, p.covered_before, p.covered_pipeline, p.covered_after) == (2, 1, 4, 7)
    assert (p.weight_before, p.weight_pipeline, p.weight_after) == pytest.approx((150, 450, 900))
    assert [s.township_code for s in p.sites] == [CODE["C"]] and p.needed == 1
    assert p.note is not None and "只需 1 座" in p.note
    off = propose_sites(line, count=2, radius_km=5, as_of=DAY)
    assert (off.pipeline_stations, off.covered_pipeline) == (0, 1)


def test_a_wider_radius_counts_more_as_covered_before(line):
    # at 13 km the station at A covers B (12 km) too; one site near C/G and one in D–F cover the rest
    p = propose_sites(line, count=2, radius_km=13, as_of=DAY)
    assert p.covered_before == 2 and p.weight_before == pytest.approx(300)
    assert p.covered_after == 7 and p.weight_after == pytest.approx(900) and p.needed == 2


def test_year_by_year_plan_to_a_target(line):
    plan = yearly_plan(line, target=3, year=2027, radius_km=5, as_of=DAY)
    assert (plan.existing_stations, plan.building, plan.planned, plan.covered_now) == (1, 1, 1, 1)
    assert [(y.year, y.stations, y.added) for y in plan.years] == [(2026, 2, 1), (2027, 3, 1)]
    assert [y.added_sites for y in plan.years] == [[CODE["C"]], [CODE["E"]]]
    assert [y.covered_townships for y in plan.years] == [4, 7]
    assert plan.years[0].coverage_pct == pytest.approx(400 / 7) and plan.years[1].coverage_pct == 100
    assert plan.years[0].demand_coverage == pytest.approx(600 / 900)
    assert plan.status == "optimal" and plan.note is None
    assert all(y.model == "MCLP" for y in plan.years)


def test_plan_already_met_and_bad_input(line):
    plan = yearly_plan(line, target=1, year=2026, as_of=DAY)
    assert plan.years == [] and plan.note is not None and "已达到" in plan.note
    with pytest.raises(InputError, match="候选点"):
        yearly_plan(line, target=9, year=2026, as_of=DAY)  # 8 new stations, 7 township points
    with pytest.raises(InputError, match="目标年份"):
        yearly_plan(line, target=3, year=2024, as_of=DAY)
    same = yearly_plan(line, target=3, year=2025, as_of=DAY)  # within the target year: one step
    assert [(y.year, y.stations, y.added) for y in same.years] == [(2025, 3, 2)]
    for bad in (0, 501):
        with pytest.raises(InputError, match="建议站点数"):
            propose_sites(line, count=bad, as_of=DAY)
    for r in (0.0, float("nan"), float("inf"), 51.0):
        with pytest.raises(InputError, match="半径"):
            propose_sites(line, count=1, radius_km=r, as_of=DAY)


def test_no_fleet_data_weighs_every_township_one(fresh_db):
    insert_rows(fresh_db, "township", [
        {"id": code, "name": name, "district_code": d, "lon": 106.5, "lat": _lat(km), "source": "test",
         "status": "synthetic"} for name, (code, d, km) in TOWNS.items()
    ])  # fmt: skip
    p = propose_sites(fresh_db, count=1, radius_km=5, as_of=DAY)
    # no station at all: C and E each cover three townships; the weights tie, so check the count only
    assert p.existing_stations == 0 and p.covered_before == 0 and p.covered_after == 3
    assert p.weight_after == 3 and "权重为 1" in p.weight_basis
