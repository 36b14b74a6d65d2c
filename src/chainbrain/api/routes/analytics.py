"""Analytics over the chain map: key figures, local supporting rate, gaps, concentration, what-if.

The numbers come from :mod:`chainbrain.chain`; this router only chooses what a role may see. Roll-ups
over an area (city, district, segment) are aggregates anyone logged in may read; roll-ups per firm
(OEM, vehicle model, OEM × segment concentration) are firm-level values: admins and analysts see all,
an enterprise user sees its own rows, a viewer is refused.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field

from chainbrain.api import queries
from chainbrain.api.accounts import User
from chainbrain.api.cache import CHAIN
from chainbrain.api.deps import AnalystUser, CacheDep, ConnDep, CurrentUser, sees_all_links
from chainbrain.api.routes.common import ERRORS, Page, forbidden
from chainbrain.chain import (
    BoundaryError,
    Concentration,
    GapRow,
    RateRow,
    WhatIfError,
    WhatIfResult,
    city_rate,
    concentration,
    gaps,
    local_rate,
    whatif,
)

router = APIRouter(prefix="/analytics", tags=["analytics"], responses=ERRORS)

BoundaryQ = Query(
    "city", max_length=40, description="本地范围：city（重庆市）、chengyu（成渝）或 radius:公里数"
)
FIRM_LEVEL_ZH = "按企业或车型的配套数据属于企业机密，只读用户只能查看全市、区县或环节的汇总"


class Overview(BaseModel):
    """The cockpit's key figures. Counts in 家 / 个 / 款; nev_volume in 辆 per year; values in 元."""

    enterprises: int
    oems: int
    parts_firms: int = Field(description="零部件企业（一、二、三级供应商），含市外")
    local_parts_firms: int = Field(description="重庆（区划代码 50 开头）的零部件企业，即规划“零部件企业”口径")
    unverified_enterprises: int = Field(description="数据状态为示意或合成的企业数")
    unverified_links: int = Field(description="数据状态为示意或合成的供应关系数")
    chain_leaders: int
    specialised: int
    sites: int
    vehicle_models: int
    nev_volume: float
    supply_links: int
    segments: int
    local_rate_value: float | None = Field(description="全市（按边界）价值口径本地配套率，0–1")
    local_rate_count: float | None
    local_value: float
    total_value: float
    boundary: str


def _bad_input(e: ValueError) -> HTTPException:
    return HTTPException(422, str(e))


@router.get("/overview", response_model=Overview)
async def read_overview(
    conn: ConnDep, cache: CacheDep, user: CurrentUser, boundary: str = BoundaryQ
) -> Response:
    """Key figures of the cluster and the city-wide local supporting rate."""

    def build() -> Overview:
        try:
            city = cache.get(("city_rate", boundary), lambda: city_rate(conn, boundary), CHAIN)
        except BoundaryError as e:
            raise _bad_input(e) from e
        return Overview(
            **cache.get("overview", lambda: queries.overview(conn), CHAIN),
            local_rate_value=city.rate_value,
            local_rate_count=city.rate_count,
            local_value=city.local_value,
            total_value=city.total_value,
            boundary=city.name,
        )

    return await cache.ajson(("overview", boundary), "all", build, CHAIN)


def _view(user: User) -> str:
    """The role view of a firm-level result: every row, or the rows of one firm."""
    return "all" if sees_all_links(user) else f"firm:{user.enterprise_id or ''}"


def _own_keys(conn: ConnDep, user: User, by: str) -> set[str]:
    """Row keys of the roll-up ``by`` that belong to an enterprise user's firm."""
    if by == "oem":
        return {user.enterprise_id or ""}
    rows, _ = queries.vehicle_models(conn, oem=user.enterprise_id, page=1, size=500)
    return {r["id"] for r in rows}


@router.get("/local-rate", response_model=Page[RateRow])
async def read_local_rate(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    by: Literal["oem", "model", "segment", "district", "city"] = Query("oem", description="汇总口径"),
    boundary: str = BoundaryQ,
    buyers: Literal["oem", "all"] = Query("oem", description="oem：只算整车企业的采购；all：所有采购方"),
) -> Response:
    """本地配套率 by OEM, vehicle model, segment, district or the whole city (value- and count-weighted)."""
    if by in ("oem", "model") and user.role == "viewer":
        raise forbidden(FIRM_LEVEL_ZH)
    firm_level = by in ("oem", "model")

    def build() -> Page[RateRow]:
        try:
            key = ("local_rate", by, boundary, buyers)
            rows = cache.get(key, lambda: local_rate(conn, by, boundary, buyers), CHAIN)
        except BoundaryError as e:
            raise _bad_input(e) from e
        if firm_level and not sees_all_links(user):
            keys = _own_keys(conn, user, by)
            rows = [r for r in rows if r.key in keys]
        return Page(data=rows, count=len(rows))

    view = _view(user) if firm_level else "all"
    return await cache.ajson(("local_rate", by, boundary, buyers), view, build, CHAIN)


@router.get("/gaps", response_model=Page[GapRow])
async def read_gaps(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    boundary: str = BoundaryQ,
    buyers: Literal["oem", "all"] = Query("all", description="all：所有采购方；oem：只算整车企业"),
    top: int | None = Query(None, ge=1, le=1000, description="只返回前 N 个环节"),
) -> Response:
    """补链: segments the area needs with too little local supply, ranked by outside purchases."""

    def build() -> Page[GapRow]:
        try:
            rows = gaps(conn, boundary, buyers=buyers, top=top)
        except BoundaryError as e:
            raise _bad_input(e) from e
        return Page(data=rows, count=len(rows))

    return await cache.ajson(("gaps", boundary, buyers, top), "all", build, CHAIN)


@router.get("/concentration")
def read_concentration(conn: ConnDep, cache: CacheDep, user: CurrentUser) -> Concentration:
    """强链: supplier concentration (HHI) per OEM × segment and the single-sourced BOM lines."""
    if user.role == "viewer":
        raise forbidden(FIRM_LEVEL_ZH)
    result = cache.get("concentration", lambda: concentration(conn), CHAIN)
    if not sees_all_links(user):
        own = user.enterprise_id
        result = Concentration(
            pairs=[p for p in result.pairs if p.oem_id == own],
            single_sourced_lines=[x for x in result.single_sourced_lines if own in (x.oem_id, x.supplier_id)],
        )
    return result


class WhatIfIn(BaseModel):
    segment: str = Field(min_length=1, max_length=64, description="产业链环节编号")
    capacity: float = Field(gt=0, le=1e12, description="新增本地产能（环节单位/年）")
    district: str | None = Field(None, pattern=r"^\d{6}$", description="新供应商所在区县代码")
    boundary: str = Field("city", max_length=40)


@router.post("/whatif")
def run_whatif(body: WhatIfIn, conn: ConnDep, user: AnalystUser) -> WhatIfResult:
    """What if a new local supplier of a segment opened: the local rate before and after (nothing is written)."""
    try:
        return whatif(conn, body.segment, body.capacity, body.district, body.boundary)
    except (WhatIfError, BoundaryError) as e:
        raise _bad_input(e) from e
