"""Township coverage on points worked by hand: distances from the spherical law of cosines (an
independent formula), the ≤ R rule, the 超充 threshold, the kinds and states that count."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from chainbrain.infra.coverage import township_coverage
from chainbrain.infra.geodesy import EARTH_RADIUS_KM, great_circle_km
from chainbrain.store.records import insert_rows

R = 6371.0088
DAY = dt.date(2025, 6, 30)


def cosine_law_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def test_great_circle_against_hand_values():
    assert EARTH_RADIUS_KM == R
    # one degree of the equator = R·π/180; a quarter meridian = R·π/2
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(R * math.pi / 180, abs=1e-9)  # 111.19508 km
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(10007.5572, abs=1e-3)  # R·π/2
    assert great_circle_km(106.5, 29.5, 106.5, 29.5) == 0.0
    assert great_circle_km(106.5, 29.5, 106.6, 29.6) == pytest.approx(
        cosine_law_km(106.5, 29.5, 106.6, 29.6), rel=1e-9
    )


TOWNS = {  # code: (lon, lat)
    "500112001": (106.5, 29.5),
    "500112002": (106.6, 29.5),  # 0.1° east: R·0.1°·cos 29.5° ≈ 9.678 km
    "500112003": (106.5, 29.6),  # 0.1° north: R·0.1° ≈ 11.120 km
}


def _station(id_: str, lon: float, lat: float, *, kind: str = "ultra", kw: float = 480.0,
             state: str = "operating", opened: dt.date | None = dt.date(2024, 1, 1)) -> dict:  # fmt: skip
    return {"id": id_, "name": id_, "kind": kind, "piles": 2, "guns": 2, "max_power_kw": kw, "operator": None,
            "opened": opened, "state": state, "district_code": "500112", "township_code": None, "lon": lon,
            "lat": lat, "source": "test", "as_of": None, "status": "synthetic"}  # fmt: skip


@pytest.fixture
def towns(fresh_db):
    insert_rows(fresh_db, "township", [
        {"id": c, "name": f"乡镇{c[-1]}", "district_code": "500112", "lon": lon, "lat": lat, "source": "test",
         "status": "synthetic"} for c, (lon, lat) in TOWNS.items()
    ])  # fmt: skip
    return fresh_db


def _covered(cov) -> set[str]:
    return {r.code for r in cov.rows if r.covered}


def test_radius_decides_which_townships_are_covered(towns):
    insert_rows(towns, "charging_station", [_station("S1", 106.5, 29.5)])
    d2 = cosine_law_km(106.5, 29.5, 106.6, 29.5)
    d3 = cosine_law_km(106.5, 29.5, 106.5, 29.6)
    assert d2 == pytest.approx(9.6782, abs=1e-3) and d3 == pytest.approx(11.1195, abs=1e-3)
    cov = township_coverage(towns, radius_km=10, as_of=DAY)
    assert _covered(cov) == {"500112001", "500112002"}
    assert (cov.townships, cov.covered, cov.uncovered, cov.stations) == (3, 2, 1, 1)
    assert cov.percent == pytest.approx(200 / 3)
    by = {r.code: r for r in cov.rows}
    assert by["500112002"].nearest_km == pytest.approx(d2, abs=1e-3)
    assert (
        by["500112003"].nearest_km == pytest.approx(d3, abs=1e-3) and by["500112003"].nearest_station == "S1"
    )
    assert _covered(township_coverage(towns, radius_km=12, as_of=DAY)) == set(TOWNS)
    assert _covered(township_coverage(towns, radius_km=9.6, as_of=DAY)) == {"500112001"}
    # covered means distance ≤ R
    assert "500112002" in _covered(township_coverage(towns, radius_km=d2 + 1e-6, as_of=DAY))
    assert "500112002" not in _covered(township_coverage(towns, radius_km=d2 - 1e-6, as_of=DAY))


def test_only_operating_ultra_stations_over_the_threshold_count(towns):
    insert_rows(towns, "charging_station", [
        _station("old", 106.5, 29.6, kw=360.0),  # labelled 超充 but under 480 kW
        _station("plan", 106.5, 29.6, state="planned", opened=None),
        _station("later", 106.5, 29.6, opened=dt.date(2025, 7, 1)),  # opens after the day asked
        _station("fast", 106.6, 29.5, kind="fast", kw=120.0),
        _station("truck", 106.6, 29.5, kind="truck_ultra", kw=1000.0, state="closed"),
    ])  # fmt: skip
    cov = township_coverage(towns, radius_km=1, as_of=DAY)
    assert cov.stations == 0 and cov.covered == 0 and all(r.nearest_km is None for r in cov.rows)
    # 快充 counts under seed 001's 超快充 reading
    fast = township_coverage(towns, radius_km=1, as_of=DAY, include_fast=True)
    assert fast.stations == 1 and _covered(fast) == {"500112002"}
    # a day later the new 超充 station is open
    assert _covered(township_coverage(towns, radius_km=1, as_of=dt.date(2025, 7, 1))) == {"500112003"}


def test_radius_is_bounded(towns):
    for bad in (0, -1, 201, float("nan")):
        with pytest.raises(ValueError, match="半径"):
            township_coverage(towns, radius_km=bad)


def test_nearest_is_the_dense_haversine_minimum():
    """The dot-product search finds what a per-pair haversine matrix finds (an independent computation)."""
    import math

    import numpy as np

    from chainbrain.infra.coverage import nearest
    from chainbrain.infra.geodesy import EARTH_RADIUS_KM

    rng = np.random.default_rng(7)
    pts = np.column_stack((rng.uniform(105.3, 110.2, 300), rng.uniform(28.2, 32.2, 300)))
    sites = np.column_stack((rng.uniform(105.3, 110.2, 700), rng.uniform(28.2, 32.2, 700)))
    idx, km = nearest(pts, sites)

    def hav(a, b):
        la1, la2, dl = math.radians(a[1]), math.radians(b[1]), math.radians(b[0] - a[0])
        h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))

    for i in range(0, 300, 7):
        dists = [hav(pts[i], s) for s in sites]
        best = min(range(len(sites)), key=dists.__getitem__)
        assert km[i] == pytest.approx(dists[best], abs=1e-9) and dists[int(idx[i])] == pytest.approx(
            dists[best]
        )
