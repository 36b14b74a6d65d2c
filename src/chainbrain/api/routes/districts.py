"""区县: Chongqing's 38 districts with firms, plants and NEV output, and their boundaries as GeoJSON."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Query

from chainbrain.api import queries
from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, Provenance, not_found

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


@lru_cache(maxsize=1)
def _geojson() -> dict[str, Any]:
    from chainbrain.data import district_geojson

    data = district_geojson()
    return json.loads(data) if isinstance(data, str) else data


@router.get("")
def read_districts(
    conn: ConnDep,
    user: CurrentUser,
    all_places: bool = Query(False, description="true 时包括重庆以外的区县"),
) -> Page[DistrictOut]:
    """Districts (Chongqing's 38 by default) with the firms seated there, plants and NEV output."""
    rows = queries.districts(conn, city_only=not all_places)
    return Page(data=[DistrictOut(**r) for r in rows], count=len(rows))


@router.get("/geojson")
def read_district_geojson(user: CurrentUser) -> dict[str, Any]:
    """Boundaries of Chongqing's districts (GeoJSON FeatureCollection; properties carry code and name)."""
    return _geojson()


@router.get("/{district_id}")
def read_district(district_id: str, conn: ConnDep, user: CurrentUser) -> DistrictOut:
    """One district."""
    row = queries.district(conn, district_id)
    if row is None:
        raise not_found("区县", district_id)
    return DistrictOut(**row)
