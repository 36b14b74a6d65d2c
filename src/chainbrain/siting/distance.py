"""Distances for siting: great-circle km, an importable road-distance matrix, and a detour factor.

Great-circle distance is the haversine formula on a sphere of radius :data:`EARTH_RADIUS_KM` = 6371.0088 km,
the IUGG mean Earth radius R₁ = (2a + b)/3 of the WGS 84 ellipsoid (Moritz, "Geodetic Reference System
1980", *Journal of Geodesy* 74:128–133, 2000). On a sphere the haversine form is exact; against the
ellipsoid it errs by at most about 0.5 %, far below the uncertainty of where a station can actually be put.

Road distance is longer than the straight line. Where no road matrix is at hand, a planner multiplies the
great-circle distance by a *detour factor* (circuity). :data:`DEFAULT_DETOUR_FACTOR` = 1.3 is the middle of
the range measured between origin–destination pairs on real road networks: Ballou, Rahardja & Sakai,
"Selected country circuity factors for road travel distance estimation", *Transportation Research Part A*
36(9):843–848, 2002, report 1.12–1.65 by country (about 1.2–1.4 for most); Boscoe, Henry & Zdeb, "A
nationwide comparison of driving distance versus straight-line distance", *Professional Geographer*
64(2):188–196, 2012, find 1.18–1.4 for US counties. Chongqing's mountains and rivers push real detours to
the high end; import a road matrix (:func:`read_road_matrix`) when the answer depends on it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from chainbrain.errors import os_reason
from chainbrain.siting.errors import InputError

#: IUGG mean Earth radius (km), R₁ of GRS 80 / WGS 84
EARTH_RADIUS_KM = 6371.0088

#: road km per great-circle km when no road matrix is available (see the module docstring for the sources)
DEFAULT_DETOUR_FACTOR = 1.3


def great_circle_km(
    lon1: np.ndarray | Sequence[float] | float,
    lat1: np.ndarray | Sequence[float] | float,
    lon2: np.ndarray | Sequence[float] | float,
    lat2: np.ndarray | Sequence[float] | float,
) -> np.ndarray:
    """Haversine great-circle distance in km between points given in degrees; numpy broadcasting applies."""
    lam1, phi1, lam2, phi2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2))
    h = np.sin((phi2 - phi1) / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_matrix_km(
    from_lonlat: np.ndarray, to_lonlat: np.ndarray, *, detour_factor: float = 1.0
) -> np.ndarray:
    """Great-circle km from each row of ``from_lonlat`` (m×2, lon/lat degrees) to each of ``to_lonlat`` (n×2),
    times ``detour_factor`` (1.0: straight line; :data:`DEFAULT_DETOUR_FACTOR` for an estimate of road km)."""
    a = np.asarray(from_lonlat, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(to_lonlat, dtype=np.float64).reshape(-1, 2)
    check_lonlat(a)
    check_lonlat(b)
    if not (math.isfinite(detour_factor) and 1.0 <= detour_factor <= 5.0):
        raise InputError(f"绕行系数应在 1 到 5 之间，收到 {detour_factor!r}")
    d = great_circle_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])
    return d * detour_factor if detour_factor != 1.0 else d


def check_lonlat(points: np.ndarray) -> None:
    """Raise :class:`InputError` unless every point is a finite lon in [-180, 180] and lat in [-90, 90]."""
    if points.size == 0:
        return
    bad = ~(np.isfinite(points).all(axis=1) & (np.abs(points[:, 0]) <= 180) & (np.abs(points[:, 1]) <= 90))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"第 {i + 1} 个点的经纬度无效：{points[i, 0]!r}, {points[i, 1]!r}")


def read_road_matrix(
    path: Path, from_ids: Sequence[str], to_ids: Sequence[str], *, missing: float = np.inf
) -> np.ndarray:
    """A road-distance matrix (km) read from a CSV with header ``from,to,km``, rows in ``from_ids`` order and
    columns in ``to_ids`` order. Pairs the file does not list get ``missing`` (default: unreachable, +inf);
    a pair listed twice, an unknown id, or a km that is not a finite number in [0, 20000] is an error naming
    the file, row, column and value."""
    fi = {s: k for k, s in enumerate(from_ids)}
    ti = {s: k for k, s in enumerate(to_ids)}
    out = np.full((len(from_ids), len(to_ids)), missing, dtype=np.float64)
    seen: set[tuple[int, int]] = set()
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            cols = [c.strip() for c in (reader.fieldnames or [])]
            lacking = [c for c in ("from", "to", "km") if c not in cols]
            if lacking:
                raise InputError(f"{path.name}：缺少列 {'、'.join(lacking)}（应为 from,to,km）")
            for rowno, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                a, b, km = row["from"], row["to"], row["km"]
                if a not in fi:
                    raise InputError(f"{path.name} 第 {rowno} 行 from 列：未知的点 {a!r}")
                if b not in ti:
                    raise InputError(f"{path.name} 第 {rowno} 行 to 列：未知的点 {b!r}")
                try:
                    v = float(km)
                except ValueError as e:
                    raise InputError(f"{path.name} 第 {rowno} 行 km 列：{km!r} 不是数字") from e
                if not (math.isfinite(v) and 0.0 <= v <= 20000.0):
                    raise InputError(f"{path.name} 第 {rowno} 行 km 列：{km!r} 应在 0 到 20000 之间")
                key = (fi[a], ti[b])
                if key in seen:
                    raise InputError(f"{path.name} 第 {rowno} 行：{a!r} → {b!r} 重复出现")
                seen.add(key)
                out[key] = v
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"无法读取 {path}：{os_reason(e)}") from e
    return out
