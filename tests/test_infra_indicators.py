"""Live infrastructure indicators against counts worked out independently: by hand on a small store, and
on the demo store by plain Python over the raw rows (no SQL aggregation, no shared helper)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from chainbrain.data.infra import COVER_BY, COVER_KM, ULTRA_SERIES
from chainbrain.infra import indicators as ind
from chainbrain.infra.coverage import township_coverage
from chainbrain.infra.progress import infra_targets
from chainbrain.monitor.observations import observations
from chainbrain.store.records import fetch_dicts, insert_rows

R = 6371.0088


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2, dl = math.radians(a[1]), math.radians(b[1]), math.radians(b[0] - a[0])
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def _st(id_, kind, kw, state="operating", piles=2):
    return {"id": id_, "name": id_, "kind": kind, "piles": piles, "guns": piles, "max_power_kw": kw,
            "opened": dt.date(2025, 1, 1) if state == "operating" else None, "state": state,
            "district_code": "500112", "lon": 106.5, "lat": 29.5, "source": "t", "status": "synthetic"}  # fmt: skip


def test_indicators_on_a_hand_made_store(fresh_db):
    db = fresh_db
    insert_rows(db, "charging_station", [
        _st("a", "ultra", 480, piles=4), _st("b", "ultra", 600, piles=6), _st("c", "ultra", 360, piles=2),
        _st("d", "truck_ultra", 1000, piles=4), _st("e", "truck_ultra", 1000, state="building"),
        _st("f", "fast", 120, piles=10), _st("g", "ultra", 720, state="closed"),
    ])  # fmt: skip
    # 超充站: a, b, d (c is under 480 kW, e not built, g closed); 重卡: d; piles of operating: 4+6+2+4+10
    assert ind.supercharging_stations(db) == 3
    assert ind.heavy_truck_stations(db) == 1
    assert ind.public_piles(db) == 26
    with pytest.raises(LookupError, match="保有量"):
        ind.public_vehicle_charger_ratio(db)
    insert_rows(db, "nev_fleet", [
        {"id": "f1", "district_code": "500112", "period_end": dt.date(2025, 12, 31), "vehicles": 50, "source": "t", "status": "synthetic"},
        {"id": "f2", "district_code": "500112", "period_end": dt.date(2026, 6, 30), "vehicles": 104, "source": "t", "status": "synthetic"},
        {"id": "f3", "district_code": "500105", "period_end": dt.date(2026, 6, 30), "vehicles": 26, "source": "t", "status": "synthetic"},
    ])  # fmt: skip
    assert ind.public_vehicle_charger_ratio(db) == pytest.approx((104 + 26) / 26)  # latest per district: 5.0
    insert_rows(db, "v2x_vehicles", [
        {"id": "v1", "oem": "甲", "period_end": dt.date(2026, 3, 31), "vehicles": 100, "source": "t", "status": "synthetic"},
        {"id": "v2", "oem": "甲", "period_end": dt.date(2026, 6, 30), "vehicles": 150, "source": "t", "status": "synthetic"},
        {"id": "v3", "oem": "乙", "period_end": dt.date(2026, 3, 31), "vehicles": 40, "source": "t", "status": "synthetic"},
    ])  # fmt: skip
    assert ind.ota_cooperative_vehicles(db) == 190  # 甲's latest 150 + 乙's 40; not a sum over periods
    with pytest.raises(LookupError, match="乡镇"):
        ind.township_coverage_pct(db)


def test_demo_indicators_match_counts_from_the_raw_rows(demo_db):
    db = demo_db
    stations = fetch_dicts(db, "SELECT * FROM charging_station")
    ultra = [s for s in stations if s["state"] == "operating" and s["kind"] in ("ultra", "truck_ultra")
             and s["max_power_kw"] >= 480]  # fmt: skip
    assert ind.supercharging_stations(db) == len(ultra) == 1550  # demo series, 2026Q3
    assert ind.heavy_truck_stations(db) == sum(s["kind"] == "truck_ultra" for s in ultra) == 3
    swap = fetch_dicts(db, "SELECT state FROM swap_station")
    assert ind.swap_stations(db) == sum(s["state"] == "operating" for s in swap)
    hyd = fetch_dicts(db, "SELECT state FROM hydrogen_station")
    assert ind.hydrogen_stations(db) == sum(s["state"] == "operating" for s in hyd) == 6
    xs = fetch_dicts(db, "SELECT state FROM sensing_intersection")
    assert ind.sensing_intersections(db) == sum(x["state"] == "operating" for x in xs) == 335
    roads = fetch_dicts(db, "SELECT km, state FROM v2x_road")
    assert ind.connected_road_km(db) == pytest.approx(
        sum(r["km"] for r in roads if r["state"] == "operating")
    )
    assert ind.connected_road_km(db) == pytest.approx(1650)
    latest: dict[str, tuple[dt.date, int]] = {}
    for v in fetch_dicts(db, "SELECT oem, period_end, vehicles FROM v2x_vehicles"):
        if v["oem"] not in latest or v["period_end"] > latest[v["oem"]][0]:
            latest[v["oem"]] = (v["period_end"], v["vehicles"])
    assert ind.ota_cooperative_vehicles(db) == sum(n for _, n in latest.values()) == 18400
    fleet: dict[str, tuple[dt.date, int]] = {}
    for f in fetch_dicts(db, "SELECT district_code, period_end, vehicles FROM nev_fleet"):
        if f["district_code"] not in fleet or f["period_end"] > fleet[f["district_code"]][0]:
            fleet[f["district_code"]] = (f["period_end"], f["vehicles"])
    piles = sum(s["piles"] for s in stations if s["state"] == "operating")
    ratio = sum(n for _, n in fleet.values()) / piles
    assert ind.public_vehicle_charger_ratio(db) == pytest.approx(ratio)
    assert 4.5 < ratio < 5.5  # the demo series' 车桩比 (5.2 at 2025Q4)


def test_demo_township_coverage_against_brute_force(demo_db):
    db = demo_db
    towns = fetch_dicts(db, "SELECT id, lon, lat FROM township")
    assert len(towns) == 1031
    st = fetch_dicts(db, "SELECT kind, max_power_kw, state, opened, lon, lat FROM charging_station")
    day = dt.date(2026, 10, 31)
    ultra = [(s["lon"], s["lat"]) for s in st if s["state"] == "operating" and s["opened"] <= day
             and s["kind"] in ("ultra", "truck_ultra") and s["max_power_kw"] >= 480]  # fmt: skip
    lo, hi = 5.0 - 1e-6, 5.0 + 1e-6  # a township this close to the edge would make the check ambiguous
    covered = 0
    for t in towns:
        d = min(_km((t["lon"], t["lat"]), p) for p in ultra)
        assert not (lo < d < hi)
        covered += d <= 5.0
    cov = township_coverage(db, radius_km=5, as_of=day)
    assert cov.covered == covered and 0 < cov.uncovered
    assert ind.township_coverage_pct(db) == pytest.approx(100 * covered / 1031)


def test_demo_is_consistent_with_the_seeds(demo_db):
    # seed 001: every township and street had 超快充 coverage in 2024
    cov = township_coverage(demo_db, radius_km=COVER_KM, as_of=COVER_BY, include_fast=True)
    assert cov.covered == cov.townships == 1031
    # the 超充 series of the demo observations, quarter by quarter, from the opening dates
    for q, n in ULTRA_SERIES.items():
        y, k = int(q[:4]), int(q[5])
        end = dt.date(y, 3 * k, 31 if k in (1, 4) else 30)
        row = demo_db.execute(
            "SELECT count(*) FROM charging_station WHERE state = 'operating' AND opened <= ?"
            " AND kind IN ('ultra', 'truck_ultra') AND max_power_kw >= 480",
            [end],
        ).fetchone()
        assert row[0] == n, q
    statuses = {r[0] for r in demo_db.execute("SELECT DISTINCT status FROM charging_station").fetchall()}
    assert statuses == {"illustrative"}


def test_snapshot_records_the_live_values_and_targets_report_progress(demo_db):
    snap = {o.period: o for o in observations(demo_db, "yulian27_supercharging_stations")}
    assert snap["2026-10"].value == 1550 and snap["2026-10"].status == "illustrative"
    by = {t.target_id: t for t in infra_targets(demo_db, as_of=dt.date(2026, 10, 31))}
    t = by["yulian27_supercharging_stations"]
    assert (t.live_value, t.target, t.latest) == (1550, 2000, 1550)
    assert t.progress == pytest.approx(1550 / 2000) and t.citation.endswith("二(十一)")
    assert by["yulian27_sensing_intersections"].citation.endswith("二(十三)")
    ratio = by["eco25_public_vehicle_charger_ratio"]
    assert ratio.direction == "at_most" and ratio.progress == pytest.approx(4 / ratio.live_value)
    assert set(by) == {
        "yulian27_supercharging_stations", "yulian27_heavy_truck_stations", "cluster30_township_charging_coverage",
        "eco25_swap_stations", "eco25_hydrogen_stations", "eco25_public_vehicle_charger_ratio",
        "yulian27_sensing_intersections", "yulian27_connected_road_km", "yulian27_ota_cooperative_vehicles",
    }  # fmt: skip
