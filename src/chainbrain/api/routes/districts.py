"""区县: Chongqing's 38 districts with firms, plants and NEV output, and their boundaries as GeoJSON."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, Provenance, not_found
from chainbrain.store import directory as queries

router = APIRouter(prefix="/districts", tags=["districts"], responses=ERRORS)


class DistrictOut(Provenance):
    id: str
    name: str
    province: str
    city: str | None
    region: str | None
    yuxi: bool
    lon: float | None
    lat: float | None
    firms: int
    sites: int
    firms_with_sites: int
    nev_volume: float


#: a position: longitude, latitude (degrees)
Position = list[int | float]


class DistrictShapeName(BaseModel):
    code: str = Field(description="区划代码（6位）")
    name: str


class Polygon(BaseModel):
    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class MultiPolygon(BaseModel):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


class DistrictFeature(BaseModel):
    type: Literal["Feature"]
    properties: DistrictShapeName
    geometry: Annotated[Polygon | MultiPolygon, Field(discriminator="type")]


class DistrictShapes(BaseModel):
    """A GeoJSON FeatureCollection of the districts' boundaries."""

    type: Literal["FeatureCollection"]
    features: list[DistrictFeature]


@lru_cache(maxsize=1)
def _geojson() -> DistrictShapes:
    from chainbrain.data import district_geojson

    data = district_geojson()
    return DistrictShapes.model_validate(json.loads(data) if isinstance(data, str) else data)


@router.get("")
def read_districts(
    conn: ConnDep,
    user: CurrentUser,
    all_places: bool = Query(False, description="true 时包括重庆以外的区县"),
    code: list[str] | None = Query(
        None, max_length=500, description="只列这些区划代码（可重复，如 code=320214&code=500112）"
    ),
) -> Page[DistrictOut]:
    """Districts (Chongqing's 38 by default) with the firms seated there, plants and NEV output."""
    rows = queries.districts(conn, city_only=not all_places, codes=code)
    return Page(data=[DistrictOut(**r) for r in rows], count=len(rows))


@router.get("/geojson")
def read_district_geojson(user: CurrentUser) -> DistrictShapes:
    """Boundaries of Chongqing's districts (GeoJSON FeatureCollection; properties carry code and name)."""
    return _geojson()


@router.get("/{district_id}")
def read_district(district_id: str, conn: ConnDep, user: CurrentUser) -> DistrictOut:
    """One district."""
    row = queries.district(conn, district_id)
    if row is None:
        raise not_found("区县", district_id)
    return DistrictOut(**row)
