"""Analytics over the chain map: key figures, local supporting rate, gaps, concentration, what-if.

The numbers come from :mod:`chainbrain.chain`; this router only chooses what a role may see. Roll-ups
over an area (city, district, segment) are aggregates anyone logged in may read; roll-ups per firm
(OEM, vehicle model, OEM × segment concentration) are firm-level values: admins and analysts see all,
an enterprise user sees its own rows, a viewer is refused. An area roll-up that fewer than three firms make up
is a firm-level value too (:mod:`chainbrain.chain.disclosure`): for every role but admin and analyst its values
are withheld (``withheld: true``, ``note`` says why), and such rows come after the others and are not ranked.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field

from chainbrain.api.accounts import User
from chainbrain.api.cache import CHAIN
from chainbrain.api.deps import AnalystUser, CacheDep, ConnDep, CurrentUser, SettingsDep, sees_all_links
from chainbrain.api.routes.common import ERRORS, Page, forbidden
from chainbrain.api.settings import ApiSettings
from chainbrain.chain import (
    BoundaryError,
    Concentration,
    GapRow,
    WhatIfResult,
    city_rate,
    concentration,
    disclosure,
    gaps,
    local_rate,
    whatif,
)
from chainbrain.schema.numbers import FiniteFloat
from chainbrain.store import directory as queries

router = APIRouter(prefix="/analytics", tags=["analytics"], responses=ERRORS)

BoundaryQ = Query(
    None,
    max_length=40,
    description="本地范围：city（重庆市）、chengyu（成渝）或 radius:公里数；默认为服务端设置 CHAINBRAIN_BOUNDARY",
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
    #: null (with ``note``) for roles that may not see single firms when fewer than 3 firms make them up
    local_value: float | None
    total_value: float | None
    boundary: str
    note: str | None = None


class RateRowOut(BaseModel):
    """One roll-up row (values in 元); null values with ``withheld`` when fewer than 3 firms make it up."""

    key: str
    name: str
    local_value: float | None
    total_value: float | None
    rate_value: float | None
    local_count: float | None
    total_count: float | None
    rate_count: float | None
    withheld: bool = False


class RatePage(Page[RateRowOut]):
    note: str | None = None


class GapRowOut(BaseModel):
    """A 补链 row; the link values (and HHI) are null with ``withheld`` when fewer than 3 firms make them up."""

    segment_id: str
    name: str
    unit: str | None
    demand: float
    local_capacity: float
    shortfall: float
    local_value: float | None
    outside_value: float | None
    total_value: float | None
    local_firms: int
    hhi: float | None
    missing: bool
    short: bool
    single_sourced: bool
    concentrated: bool
    withheld: bool = False


class GapPage(Page[GapRowOut]):
    note: str | None = None


_RATE_VALUES = ("local_value", "total_value", "rate_value", "local_count", "total_count", "rate_count")
_GAP_VALUES = ("local_value", "outside_value", "total_value", "hhi")


def _bad_input(e: ValueError) -> HTTPException:
    return HTTPException(422, str(e))


@router.get("/overview", response_model=Overview)
async def read_overview(
    conn: ConnDep, cache: CacheDep, user: CurrentUser, settings: SettingsDep, boundary: str | None = BoundaryQ
) -> Response:
    """Key figures of the cluster and the city-wide local supporting rate."""
    key, view = overview_key(user, settings, boundary)
    boundary = key[1]
    full = view == "all"

    def build() -> Overview:
        try:
            city = cache.get(("city_rate", boundary), lambda: city_rate(conn, boundary), CHAIN)
        except BoundaryError as e:
            raise _bad_input(e) from e
        out = Overview(
            **cache.get("overview", lambda: queries.overview(conn), CHAIN),
            local_rate_value=city.rate_value,
            local_rate_count=city.rate_count,
            local_value=city.local_value,
            total_value=city.total_value,
            boundary=city.name,
        )
        if not full and disclosure.withheld_keys(conn, "city", boundary, "oem"):
            out.local_rate_value = out.local_rate_count = out.local_value = out.total_value = None
            out.note = disclosure.WITHHELD_NOTE
        return out

    return await cache.ajson(key, view, build, CHAIN)


def overview_key(user: User, settings: ApiSettings, boundary: str | None = None) -> tuple[Any, str]:
    """The cache key and role view of the overview (the route and :mod:`chainbrain.api.fastpath`)."""
    return ("overview", boundary or settings.boundary), "all" if sees_all_links(user) else "public"


def local_rate_key(
    user: User, settings: ApiSettings, by: str = "oem", boundary: str | None = None, buyers: str = "oem"
) -> tuple[Any, str]:
    """The cache key and role view of a local-rate roll-up; 403 for a viewer asking for firm-level rows."""
    if by in ("oem", "model") and user.role == "viewer":
        raise forbidden(FIRM_LEVEL_ZH)
    full = sees_all_links(user)
    view = _view(user) if by in ("oem", "model") else ("all" if full else "public")
    return ("local_rate", by, boundary or settings.boundary, buyers), view


def gaps_key(
    user: User,
    settings: ApiSettings,
    boundary: str | None = None,
    buyers: str = "all",
    top: int | None = None,
) -> tuple[Any, str]:
    """The cache key and role view of the gaps list."""
    view = "all" if sees_all_links(user) else "public"
    return ("gaps", boundary or settings.boundary, buyers, top), view


def _view(user: User) -> str:
    """The role view of a result: every row and figure, one firm's rows, or the public aggregates."""
    if sees_all_links(user):
        return "all"
    return f"firm:{user.enterprise_id or ''}" if user.role == "enterprise" else "public"


def _own_keys(conn: ConnDep, user: User, by: str) -> set[str]:
    """Row keys of the roll-up ``by`` that belong to an enterprise user's firm."""
    if by == "oem":
        return {user.enterprise_id or ""}
    rows, _ = queries.vehicle_models(conn, oem=user.enterprise_id, page=1, size=500)
    return {r["id"] for r in rows}


@router.get("/local-rate", response_model=RatePage)
async def read_local_rate(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    settings: SettingsDep,
    by: Literal["oem", "model", "segment", "district", "city"] = Query("oem", description="汇总口径"),
    boundary: str | None = BoundaryQ,
    buyers: Literal["oem", "all"] = Query("oem", description="oem：只算整车企业的采购；all：所有采购方"),
) -> Response:
    """本地配套率 by OEM, vehicle model, segment, district or the whole city (value- and count-weighted)."""
    cache_key, view = local_rate_key(user, settings, by, boundary, buyers)
    boundary = cache_key[2]
    firm_level = by in ("oem", "model")
    full = sees_all_links(user)

    def build() -> RatePage:
        try:
            key = ("local_rate", by, boundary, buyers)
            rows = cache.get(key, lambda: local_rate(conn, by, boundary, buyers), CHAIN)
        except BoundaryError as e:
            raise _bad_input(e) from e
        if firm_level and not full:
            keys = _own_keys(conn, user, by)
            rows = [r for r in rows if r.key in keys]
        out = [RateRowOut(**r.to_dict()) for r in rows]
        if firm_level or full:
            return RatePage(data=out, count=len(out))
        hidden = disclosure.withheld_keys(conn, by, boundary, buyers)
        for r in out:
            if r.key in hidden:
                r.withheld = True
                for f in _RATE_VALUES:
                    setattr(r, f, None)
        # withheld rows last and by key: the order by value would bound what they hide
        out.sort(key=lambda r: (r.withheld, r.key if r.withheld else ""))
        return RatePage(data=out, count=len(out), note=disclosure.WITHHELD_NOTE if hidden else None)

    return await cache.ajson(cache_key, view, build, CHAIN)


@router.get("/gaps", response_model=GapPage)
async def read_gaps(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    settings: SettingsDep,
    boundary: str | None = BoundaryQ,
    buyers: Literal["oem", "all"] = Query("all", description="all：所有采购方；oem：只算整车企业"),
    top: int | None = Query(None, ge=1, le=1000, description="只返回前 N 个环节"),
) -> Response:
    """补链: segments the area needs with too little local supply, ranked by outside purchases."""
    key, view = gaps_key(user, settings, boundary, buyers, top)
    boundary = key[1]
    full = view == "all"
    cut = top if full else None  # for other roles the cut comes after the withheld rows are moved down

    def build() -> GapPage:
        try:
            rows: list[GapRow] = gaps(conn, boundary, buyers=buyers, top=cut)
        except BoundaryError as e:
            raise _bad_input(e) from e
        out = [GapRowOut(**asdict(r)) for r in rows]
        if full:
            return GapPage(data=out, count=len(out))
        hidden = disclosure.withheld_keys(conn, "segment", boundary, buyers)
        for g in out:
            if g.segment_id in hidden:
                g.withheld = True
                for f in _GAP_VALUES:
                    setattr(g, f, None)
        out.sort(
            key=lambda g: (
                g.withheld,
                -g.shortfall if g.withheld else 0.0,
                g.segment_id if g.withheld else "",
            )
        )
        out = out[:top] if top else out
        return GapPage(data=out, count=len(out), note=disclosure.WITHHELD_NOTE if hidden else None)

    return await cache.ajson(key, view, build, CHAIN)


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
    capacity: FiniteFloat = Field(gt=0, le=1e12, description="新增本地产能（环节单位/年）")
    district: str | None = Field(None, pattern=r"^\d{6}$", description="新供应商所在区县代码")
    boundary: str | None = Field(
        None, max_length=40, description="本地范围；默认为服务端设置 CHAINBRAIN_BOUNDARY"
    )


@router.post("/whatif")
def run_whatif(body: WhatIfIn, conn: ConnDep, user: AnalystUser, settings: SettingsDep) -> WhatIfResult:
    """What if a new local supplier of a segment opened: the local rate before and after (nothing is written)."""
    return whatif(conn, body.segment, body.capacity, body.district, body.boundary or settings.boundary)
