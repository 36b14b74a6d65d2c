"""Where synthetic firms sit: the store's districts, topped up with plausible codes for other provinces.

District codes come from the store's district table when it has rows. Provinces it does not cover get
plausible 6-digit codes (the real 2-digit province prefix, prefecture 01–08 — for Sichuan real prefecture
codes, six inside 成渝 and two outside — and county 01–05), written to the district table as
``synthetic`` rows so that names and centroids resolve. Firms are spread over provinces with the weights
below (a rough picture of where China's auto-parts firms are, not a statistic).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from chainbrain.chain.boundary import CHENGYU_SICHUAN

#: (prefix, name, capital lon, capital lat, weight)
PROVINCES: tuple[tuple[str, str, float, float, float], ...] = (
    ("11", "北京市", 116.40, 39.90, 2.0),
    ("12", "天津市", 117.20, 39.13, 2.0),
    ("13", "河北省", 114.48, 38.03, 3.0),
    ("14", "山西省", 112.55, 37.87, 1.0),
    ("15", "内蒙古自治区", 111.67, 40.82, 1.0),
    ("21", "辽宁省", 123.43, 41.80, 3.0),
    ("22", "吉林省", 125.32, 43.90, 3.0),
    ("23", "黑龙江省", 126.63, 45.75, 1.0),
    ("31", "上海市", 121.47, 31.23, 6.0),
    ("32", "江苏省", 118.78, 32.07, 12.0),
    ("33", "浙江省", 120.15, 30.28, 12.0),
    ("34", "安徽省", 117.27, 31.86, 5.0),
    ("35", "福建省", 119.30, 26.08, 3.0),
    ("36", "江西省", 115.89, 28.68, 2.0),
    ("37", "山东省", 117.00, 36.65, 7.0),
    ("41", "河南省", 113.65, 34.76, 4.0),
    ("42", "湖北省", 114.31, 30.52, 5.0),
    ("43", "湖南省", 113.00, 28.21, 3.0),
    ("44", "广东省", 113.27, 23.13, 10.0),
    ("45", "广西壮族自治区", 108.33, 22.84, 2.0),
    ("46", "海南省", 110.35, 20.02, 0.3),
    ("50", "重庆市", 106.55, 29.56, 6.0),
    ("51", "四川省", 104.07, 30.67, 4.0),
    ("52", "贵州省", 106.71, 26.57, 1.0),
    ("53", "云南省", 102.73, 25.04, 1.0),
    ("54", "西藏自治区", 91.11, 29.97, 0.1),
    ("61", "陕西省", 108.95, 34.27, 2.0),
    ("62", "甘肃省", 103.73, 36.03, 0.5),
    ("63", "青海省", 101.78, 36.62, 0.2),
    ("64", "宁夏回族自治区", 106.27, 38.47, 0.3),
    ("65", "新疆维吾尔自治区", 87.68, 43.77, 0.5),
)
MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass
class DistrictPool:
    """Candidate districts as parallel arrays, with the sampling weight of each."""

    codes: np.ndarray  # <U6
    lon: np.ndarray
    lat: np.ndarray
    province: np.ndarray  # index into PROVINCES
    weight: np.ndarray  # sums to 1
    new_rows: list[dict]  # synthetic district rows to write


def _prefectures(prefix: str) -> list[str]:
    if prefix in MUNICIPALITIES:
        return [prefix + "01", prefix + "02"]
    if prefix == "51":
        return [*CHENGYU_SICHUAN[:6], "5119", "5132"]  # six inside 成渝, two outside
    return [f"{prefix}{k:02d}" for k in range(1, 9)]


def district_pool(conn: duckdb.DuckDBPyConnection, rng: np.random.Generator, source: str) -> DistrictPool:
    """The districts firms may sit in (see the module docstring)."""
    existing = conn.execute(
        "SELECT id, lon, lat FROM district WHERE regexp_matches(id, '^[0-9]{6}$')"
    ).fetchall()
    by_prefix = {p[0]: i for i, p in enumerate(PROVINCES)}
    codes, lons, lats, provs, rows = [], [], [], [], []
    covered = set()
    for code, lon, lat in existing:
        pi = by_prefix.get(code[:2])
        if pi is None:
            continue
        _, _, plon, plat, _ = PROVINCES[pi]
        covered.add(code[:2])
        codes.append(code)
        lons.append(plon if lon is None else lon)
        lats.append(plat if lat is None else lat)
        provs.append(pi)
    known = {c for c, _, _ in existing}
    for pi, (prefix, name, plon, plat, _) in enumerate(PROVINCES):
        if prefix in covered:
            continue
        for pref in _prefectures(prefix):
            for county in range(1, 6):
                code = f"{pref}{county:02d}"
                if code in known:
                    continue
                lon = round(plon + rng.normal(0, 0.8), 4)
                lat = round(plat + rng.normal(0, 0.6), 4)
                codes.append(code)
                lons.append(lon)
                lats.append(lat)
                provs.append(pi)
                rows.append(
                    dict(
                        id=code,
                        name=f"{name}合成区县{code}",
                        province=name,
                        city=None if prefix in MUNICIPALITIES else f"{name}合成地市{pref}",
                        yuxi=False,
                        lon=lon,
                        lat=lat,
                        source=source,
                        status="synthetic",
                    )
                )
    prov = np.array(provs, dtype=np.int64)
    pw = np.array([p[4] for p in PROVINCES])
    per_prov = np.bincount(prov, minlength=len(PROVINCES))
    w = pw[prov] / per_prov[prov]
    return DistrictPool(
        codes=np.array(codes, dtype="<U6"),
        lon=np.array(lons, dtype=np.float64),
        lat=np.array(lats, dtype=np.float64),
        province=prov,
        weight=w / w.sum(),
        new_rows=rows,
    )
