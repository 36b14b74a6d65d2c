"""Reference data: China's county-level divisions, Chongqing's 38 with regions and points, the taxonomy."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import duckdb
import pytest

from chainbrain.data import district_geojson, load_reference
from chainbrain.data.geo import contains

ROOT = Path(__file__).resolve().parents[1]


def _cq(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    return conn.execute(
        "SELECT id, name, region, yuxi, lon, lat FROM district WHERE id LIKE '50%' ORDER BY id"
    ).fetchall()


def test_chongqing_has_its_38_divisions_with_regions(fresh_db: duckdb.DuckDBPyConnection) -> None:
    load_reference(fresh_db)
    rows = _cq(fresh_db)
    names = {r[1]: r for r in rows}
    # 26 区 + 8 县 + 4 自治县 = 38 (重庆市行政区划, 2016 onwards)
    assert len(rows) == 38
    assert sum(n.endswith("自治县") for n in names) == 4
    assert sum(n.endswith("县") and not n.endswith("自治县") for n in names) == 8
    assert sum(n.endswith("区") for n in names) == 26
    assert names["渝中区"][0] == "500103"
    assert names["彭水苗族土家族自治县"][0] == "500243"
    assert names["梁平区"][0] == "500155" and names["武隆区"][0] == "500156"
    regions = {}
    for r in rows:
        regions[r[2]] = regions.get(r[2], 0) + 1
    assert regions == {"中心城区": 9, "主城新区": 12, "渝东北": 11, "渝东南": 6}
    yuxi = {r[1] for r in rows if r[3]}
    assert yuxi == {
        "涪陵区", "长寿区", "江津区", "合川区", "永川区", "南川区",
        "綦江区", "大足区", "璧山区", "铜梁区", "潼南区", "荣昌区",
    }  # fmt: skip


def test_every_chongqing_point_lies_inside_its_polygon(fresh_db: duckdb.DuckDBPyConnection) -> None:
    load_reference(fresh_db)
    for code, name, _, _, lon, lat in _cq(fresh_db):
        assert contains(code, lon, lat), (code, name, lon, lat)
    # 渝中区 is the small peninsula around (106.55, 29.55)
    yuzhong = next(r for r in _cq(fresh_db) if r[0] == "500103")
    assert abs(yuzhong[4] - 106.55) < 0.05 and abs(yuzhong[5] - 29.55) < 0.05


def test_geojson_has_the_38_current_codes(fresh_db: duckdb.DuckDBPyConnection) -> None:
    load_reference(fresh_db)
    geo = district_geojson()
    drawn = {f["properties"]["code"]: f["properties"]["name"] for f in geo["features"]}
    assert drawn == {r[0]: r[1] for r in _cq(fresh_db)}
    for f in geo["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    district_geojson()["features"].clear()  # a copy: the next call is whole again
    assert len(district_geojson()["features"]) == 38


def test_national_divisions_and_idempotent_reload(fresh_db: duckdb.DuckDBPyConnection) -> None:
    first = load_reference(fresh_db)
    second = load_reference(fresh_db)
    assert first == second
    assert first["districts"] > 2800  # about 2,850 county-level divisions in China
    row = fresh_db.execute("SELECT name, province, city, status FROM district WHERE id = '350902'").fetchone()
    assert row == ("蕉城区", "福建省", "宁德市", "verified")
    assert (
        fresh_db.execute("SELECT count(*) FROM district WHERE NOT regexp_matches(id, '^\\d{6}$')").fetchone()[
            0
        ]
        == 0
    )


def test_taxonomy_segments_cite_the_plans(fresh_db: duckdb.DuckDBPyConnection) -> None:
    load_reference(fresh_db)
    rows = fresh_db.execute(
        "SELECT id, parent_id, level, clause, source, unit, status FROM segment"
    ).fetchall()
    assert len(rows) >= 60
    level = {r[0]: r[2] for r in rows}
    for sid, parent, lvl, clause, source, unit, status in rows:
        assert re.fullmatch(r"[a-z0-9_.]+", sid)
        if status == "verified":
            assert clause.startswith("《") and source.startswith("《"), sid
        else:  # a division no plan clause names (tests/test_data_provenance.py checks which)
            assert status == "illustrative" and clause is None and source.startswith("示意"), sid
        assert unit, sid
        assert lvl == (1 if parent is None else level[parent] + 1), sid
    names = {r[0] for r in rows}
    for sid in ("battery.cell", "battery.pack", "adas.lidar", "adas.radar4d", "v2x.tbox", "chip.soc",
                "software.middleware", "lightweight.cfrp", "services.recycling", "energy.hydrogen"):  # fmt: skip
        assert sid in names


def test_echarts_ring_decoding_by_hand() -> None:
    spec = importlib.util.spec_from_file_location("vendor_geo", ROOT / "scripts" / "vendor_geo.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # "ABCA" from offset (100, 200): 'A' = 65-64 = 1 -> zig-zag (1>>1) ^ -(1&1) = -1 -> x = 99;
    # 'B' = 2 -> (2>>1) ^ 0 = 1 -> y = 201; 'C' = 3 -> 1 ^ -1 = -2 -> x = 97; 'A' -> -1 -> y = 200.
    # Divided by 1024: (0.096680, 0.196289), (0.094727, 0.195313); the ring is closed with the first point.
    ring = mod.decode_ring("ABCA", [100, 200])
    assert len(ring) == 3 and ring[0] == ring[-1]
    expected = [(99 / 1024, 201 / 1024), (97 / 1024, 200 / 1024)]
    for (x, y), (ex, ey) in zip(ring[:2], expected, strict=True):
        assert abs(x - ex) < 1e-6 and abs(y - ey) < 1e-6


def test_demo_loads_over_reference_but_not_twice(fresh_db: duckdb.DuckDBPyConnection) -> None:
    from chainbrain.data import load_demo

    load_reference(fresh_db)  # what `init` does first
    counts = load_demo(fresh_db)
    assert counts["districts"] == load_reference(fresh_db)["districts"]
    n = fresh_db.execute("SELECT count(*) FROM enterprise").fetchone()
    with pytest.raises(ValueError, match="enterprise"):
        load_demo(fresh_db)
    assert fresh_db.execute("SELECT count(*) FROM enterprise").fetchone() == n
