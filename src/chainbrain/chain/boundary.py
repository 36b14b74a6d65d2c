"""Where "local" ends: the boundary of the local supporting rate (本地配套率) and of the gap analysis.

Three kinds of boundary, parsed from text by :func:`parse_boundary`:

``city``
    Chongqing municipality: a site is inside when its district code starts with ``50``.
``chengyu``
    The Chengdu–Chongqing economic circle (成渝地区双城经济圈): Chongqing plus the 15 Sichuan prefectures
    5101 成都, 5103 自贡, 5105 泸州, 5106 德阳, 5107 绵阳, 5109 遂宁, 5110 内江, 5111 乐山, 5113 南充,
    5114 眉山, 5115 宜宾, 5116 广安, 5117 达州, 5118 雅安, 5120 资阳 — matched by code prefix. The plan
    (2021) leaves out a few counties of 达州, 雅安 (and the far-north and south-east of Chongqing); this
    boundary ignores those exclusions and takes the whole prefectures and the whole municipality.
``radius:KM``
    A supplier site is local to a buyer site when the great-circle (haversine) distance between them is at
    most KM kilometres. A site without coordinates is never local. For area roll-ups (the "city" row, the
    local OEM plants of the gap analysis) the area is Chongqing; a site counts as local capacity when it
    lies within KM of at least one OEM plant in Chongqing.

Each boundary renders itself as SQL boolean expressions over site-table aliases, so the analytics run in
DuckDB without pulling rows into Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chainbrain.errors import InvalidInput

#: mean Earth radius (IUGG), km
EARTH_RADIUS_KM = 6371.0088

#: the one definition of "local" by district code: 重庆市's codes (GB/T 2260) start with 50
CITY_PREFIX = "50"
CITY_PREFIXES: tuple[str, ...] = (CITY_PREFIX,)
CHENGYU_SICHUAN: tuple[str, ...] = (
    "5101",
    "5103",
    "5105",
    "5106",
    "5107",
    "5109",
    "5110",
    "5111",
    "5113",
    "5114",
    "5115",
    "5116",
    "5117",
    "5118",
    "5120",
)
CHENGYU_PREFIXES: tuple[str, ...] = CITY_PREFIXES + CHENGYU_SICHUAN


class BoundaryError(InvalidInput, ValueError):
    """A boundary string that cannot be parsed."""


@dataclass(frozen=True)
class Boundary:
    """A parsed boundary; ``kind`` is city, chengyu or radius (then ``radius_km`` is set)."""

    kind: str
    radius_km: float | None = None

    @property
    def text(self) -> str:
        """The canonical string form (``city``, ``chengyu``, ``radius:50``)."""
        if self.kind == "radius":
            return f"radius:{self.radius_km:g}"
        return self.kind

    @property
    def label_zh(self) -> str:
        if self.kind == "city":
            return "重庆市"
        if self.kind == "chengyu":
            return "成渝地区双城经济圈"
        return f"重庆市（{self.radius_km:g}公里半径）"

    @property
    def area_prefixes(self) -> tuple[str, ...]:
        """District-code prefixes of the area whose buyers the roll-ups cover."""
        return CHENGYU_PREFIXES if self.kind == "chengyu" else CITY_PREFIXES

    def area_sql(self, site: str) -> str:
        """SQL: the site aliased ``site`` lies in the area (Chongqing for city and radius)."""
        return prefix_sql(f"{site}.district_code", self.area_prefixes)

    def local_link_sql(self, buyer: str, supplier: str) -> str:
        """SQL: the supplier site is local to the buyer site (never NULL)."""
        if self.kind == "radius":
            assert self.radius_km is not None, "a radius boundary always carries radius_km"
            d = haversine_sql(f"{buyer}.lon", f"{buyer}.lat", f"{supplier}.lon", f"{supplier}.lat")
            return f"coalesce({d} <= {float(self.radius_km)!r}, false)"
        return prefix_sql(f"{supplier}.district_code", self.area_prefixes)

    def local_site_sql(self, site: str, plants: str = "local_plant") -> str:
        """SQL: the site counts as local capacity.

        For radius boundaries this needs a relation ``plants`` (columns lon, lat) holding the area's OEM
        plants; the site is local when it lies within the radius of at least one of them.
        """
        if self.kind == "radius":
            assert self.radius_km is not None, "a radius boundary always carries radius_km"
            d = haversine_sql("p.lon", "p.lat", f"{site}.lon", f"{site}.lat")
            return f"EXISTS (SELECT 1 FROM {plants} p WHERE {d} <= {float(self.radius_km)!r})"
        return prefix_sql(f"{site}.district_code", self.area_prefixes)

    def contains_code(self, district_code: str) -> bool:
        """Whether a district code lies in the area."""
        return district_code.startswith(self.area_prefixes)


def in_city_sql(column: str) -> str:
    """SQL: the district code ``column`` lies in 重庆市 (NULL when the code is NULL, like ``LIKE``)."""
    return f"starts_with({column}, '{CITY_PREFIX}')"


def in_city(district_code: str | None) -> bool:
    """Whether a district code lies in 重庆市 (a missing code does not)."""
    return district_code is not None and district_code.startswith(CITY_PREFIX)


def prefix_sql(column: str, prefixes: tuple[str, ...]) -> str:
    """SQL: ``column`` starts with one of ``prefixes`` (digits only, so inlining them is safe)."""
    for p in prefixes:
        if not p.isdigit():
            raise BoundaryError(f"district-code prefix must be digits: {p!r}")
    parts = [f"starts_with({column}, '{p}')" for p in prefixes]
    return "coalesce(" + " OR ".join(parts) + ", false)"


def haversine_sql(lon1: str, lat1: str, lon2: str, lat2: str) -> str:
    """SQL expression: haversine distance in km between two points given in degrees."""
    return (
        f"(2 * {EARTH_RADIUS_KM!r} * asin(sqrt("
        f"pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two points in degrees (the formula :func:`haversine_sql` uses)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlam = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def parse_boundary(text: str | Boundary) -> Boundary:
    """``city`` | ``chengyu`` | ``radius:KM`` (KM > 0) → :class:`Boundary`; anything else raises."""
    if isinstance(text, Boundary):
        return text
    if not isinstance(text, str):
        raise BoundaryError(f"boundary must be text, got {type(text).__name__}")
    t = text.strip().lower()
    if t in ("city", "chengyu"):
        return Boundary(t)
    if t.startswith("radius:"):
        raw = t.split(":", 1)[1].strip()
        try:
            km = float(raw)
        except ValueError as e:
            raise BoundaryError(
                f"边界 {text!r} 的半径不是数字：{raw!r}（应为 radius:公里数，如 radius:50）"
            ) from e
        if not math.isfinite(km) or km <= 0:
            raise BoundaryError(f"边界 {text!r} 的半径必须是正数（公里）")
        return Boundary("radius", km)
    raise BoundaryError(f"无法识别的边界 {text!r}：应为 city、chengyu 或 radius:公里数（如 radius:50）")
