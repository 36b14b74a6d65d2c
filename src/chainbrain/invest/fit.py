"""Where should a firm making segment *s* settle? The fit of a Chongqing district and its parks.

fit(d, s) = 0.5 × policy + 0.3 × proximity + 0.2 × park, each part 0–1:

``policy``
    1 when the plans point the segment to the district, else 0. The rules (:data:`FOCUS`) are the
    渝链智擎 行动计划 二(七): 中心城区 for the high-value intelligent and electronic parts (智能座舱, 智能驾驶,
    智能底盘, 智能车控, 汽车软件, 汽车芯片); 渝西地区 for parts and assemblies (零部件总成部件); 万州, 涪陵, 长寿,
    綦江 (incl. 万盛经开区, whose land lies in 綦江's code 500110) and 南川 for batteries and their materials and for
    lightweight parts and materials.
``proximity``
    1 − (value-weighted mean distance from the district's point to the OEM plants that buy the segment from
    outside) / 200 km, floored at 0. 200 km is about the drive from 中心城区 to the far edge of 渝西.
``park``
    the "1+N" park system (发展规划 五(七): one vehicle park, N parts parks): 1 when a park in the district hosts
    an OEM plant or a firm of the same chain branch, 0.5 when the district has some other park, 0 when no site
    in the district names a park. The park suggested is the one with most sites of the segment's branch,
    else the OEM park, else the busiest park.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from chainbrain.chain.boundary import haversine_km, in_city_sql
from chainbrain.errors import InvalidInput
from chainbrain.store.records import fetch_dicts

FIT_WEIGHTS = {"policy": 0.5, "proximity": 0.3, "park": 0.2}
PROXIMITY_KM = 200.0
D4_27 = "《重庆市智能网联新能源汽车产业链“渝链智擎”行动计划(2025—2027)》二(七)"
D3_57 = "《重庆市建设世界级智能网联新能源汽车产业集群发展规划(2022—2030年)》五(七) “1+N”园区体系"


class InvestError(InvalidInput, ValueError):
    """A segment or district asked for that the 招商 analysis does not know (message in zh-CN)."""


@dataclass(frozen=True)
class Focus:
    """A plan rule: these districts for these chain branches (segment roots)."""

    label_zh: str
    region: str | None  # district.region to match, or None
    yuxi: bool  # match district.yuxi
    codes: tuple[str, ...]  # explicit district codes
    roots: tuple[str, ...]  # top-level segment ids (branches) the rule covers; () = every part branch
    clause: str


#: part branches: everything except vehicles, infrastructure and services
PART_ROOTS = (
    "big3", "battery", "motor", "edrive", "econtrol", "small3", "thermal", "rex", "ice", "fuelcell", "adas",
    "cockpit", "chassis", "control", "v2x", "chip", "software", "lightweight", "parts",
)  # fmt: skip

FOCUS: tuple[Focus, ...] = (
    Focus("中心城区：智能座舱、智能驾驶、智能底盘、智能车控、汽车软件、汽车芯片", "中心城区", False, (),
          ("cockpit", "adas", "chassis", "control", "software", "chip"), D4_27),
    Focus("渝西地区：零部件总成部件聚链成群", None, True, (), PART_ROOTS, D4_27),
    Focus("万州、涪陵、长寿、綦江（万盛）、南川：动力电池及原材料、轻量化零部件及先进材料", None, False,
          ("500101", "500102", "500115", "500110", "500119"), ("battery", "lightweight"), D4_27),
)  # fmt: skip


@dataclass
class DistrictFit:
    district: str
    name: str
    fit: float
    policy: float
    proximity: float
    park: float
    mean_km: float | None
    rules: list[str] = field(default_factory=list)  # the FOCUS labels that matched
    clause: str = ""
    park_name: str | None = None
    parks: list[str] = field(default_factory=list)
    park_sites: list[str] = field(default_factory=list)  # evidence: sites in the suggested park
    buyer_sites: list[str] = field(default_factory=list)  # evidence: the plants the distance was taken to


def segment_parents(conn: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """segment id → parent id."""
    return dict(conn.execute("SELECT id, parent_id FROM segment").fetchall())


def segment_root(parents: dict[str, str | None], segment: str) -> str:
    """The top-level segment (chain branch) above ``segment``; the segment itself when it is a root."""
    seen, cur = set(), segment
    while parents.get(cur) and cur not in seen:
        seen.add(cur)
        cur = str(parents[cur])
    return cur


def policy_rules(district: dict[str, Any], root: str) -> list[Focus]:
    """The FOCUS rules that point ``root``'s branch to ``district`` (a row of the district table)."""
    out = []
    for f in FOCUS:
        hit = (
            (f.region is not None and district.get("region") == f.region)
            or (f.yuxi and bool(district.get("yuxi")))
            or district["id"] in f.codes
        )
        if hit and root in f.roots:
            out.append(f)
    return out


def _parks(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return fetch_dicts(
        conn,
        "SELECT s.id, s.district_code, s.park, s.segment_id,"
        " list_contains(e.roles, 'OEM') AND s.id IN (SELECT site_id FROM vehicle_model) AS oem_plant"
        " FROM site s JOIN enterprise e ON e.id = s.enterprise_id"
        f" WHERE s.park IS NOT NULL AND {in_city_sql('s.district_code')} ORDER BY s.id",
    )


def district_fits(
    conn: duckdb.DuckDBPyConnection,
    segment: str,
    buyers: list[tuple[str, float, float | None, float | None]],
    districts: list[str] | None = None,
) -> list[DistrictFit]:
    """Fit of every Chongqing district (or of ``districts``) for ``segment``, best first.

    ``buyers`` are the OEM plants buying the segment from outside: (site id, value 元, lon, lat).
    """
    parents = segment_parents(conn)
    root = segment_root(parents, segment)
    rows = fetch_dicts(
        conn, f"SELECT id, name, region, yuxi, lon, lat FROM district WHERE {in_city_sql('id')} ORDER BY id"
    )
    if districts is not None:
        unknown = set(districts) - {r["id"] for r in rows}
        if unknown:
            raise InvestError(
                f"区县代码 {sorted(unknown)} 不是重庆市的区县（行政区划表中没有）", param="district"
            )
        rows = [r for r in rows if r["id"] in districts]
    parks_all = _parks(conn)
    roots = {p["segment_id"]: segment_root(parents, p["segment_id"]) for p in parks_all if p["segment_id"]}
    located = [(b, v, lon, lat) for b, v, lon, lat in buyers if lon is not None and lat is not None]
    out = []
    for d in rows:
        rules = policy_rules(d, root)
        policy = 1.0 if rules else 0.0
        mean_km = None
        proximity = 0.0
        if located and d["lon"] is not None and d["lat"] is not None:
            tot = sum(v for _, v, _, _ in located)
            if tot > 0:
                mean_km = (
                    sum(v * haversine_km(d["lon"], d["lat"], lon, lat) for _, v, lon, lat in located) / tot
                )
                proximity = max(0.0, 1.0 - mean_km / PROXIMITY_KM)
        mine = [p for p in parks_all if p["district_code"] == d["id"]]
        names = sorted({p["park"] for p in mine})
        same = [p for p in mine if p["segment_id"] and roots.get(p["segment_id"]) == root]
        oem = [p for p in mine if p["oem_plant"]]
        park, park_name, park_sites = 0.0, None, []
        if same or oem:
            park = 1.0
            pick = same or oem
            counts: dict[str, int] = {}
            for p in pick:
                counts[p["park"]] = counts.get(p["park"], 0) + 1
            park_name = sorted(counts, key=lambda k: (-counts[k], k))[0]
            park_sites = [p["id"] for p in pick if p["park"] == park_name]
        elif mine:
            park = 0.5
            counts = {}
            for p in mine:
                counts[p["park"]] = counts.get(p["park"], 0) + 1
            park_name = sorted(counts, key=lambda k: (-counts[k], k))[0]
            park_sites = [p["id"] for p in mine if p["park"] == park_name]
        w = FIT_WEIGHTS
        fit = w["policy"] * policy + w["proximity"] * proximity + w["park"] * park
        out.append(
            DistrictFit(
                district=d["id"],
                name=d["name"],
                fit=fit,
                policy=policy,
                proximity=proximity,
                park=park,
                mean_km=mean_km,
                rules=[f.label_zh for f in rules],
                clause=D4_27 if rules else "",
                park_name=park_name,
                parks=names,
                park_sites=park_sites,
                buyer_sites=[b for b, _, _, _ in located],
            )
        )
    out.sort(key=lambda f: (-f.fit, f.district))
    return out
