"""充换电与车路云: stations, township coverage, the 车路云 rollout and the infrastructure targets.

Infrastructure data are public within the deployment: every logged-in role reads them (nothing here is
confidential — no firm's purchasing data, only facilities and counts).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page

router = APIRouter(prefix="/infra", tags=["infra"], responses=ERRORS)


class StationOut(BaseModel):
    id: str
    name: str
    category: str
    kind: str
    kind_zh: str
    ultra: bool
    piles: int | None
    guns: int | None
    max_power_kw: float | None
    operator: str | None
    opened: dt.date | None
    state: str
    state_zh: str
    district_code: str
    district_name: str | None
    township_code: str | None
    township_name: str | None
    lon: float
    lat: float
    source: str
    as_of: dt.date | None
    status: str


class KindCountOut(BaseModel):
    category: str
    kind: str
    kind_zh: str
    stations: int
    operating: int
    piles: int


class TownshipCoverOut(BaseModel):
    code: str
    name: str
    district_code: str
    district_name: str | None
    lon: float
    lat: float
    covered: bool
    nearest_km: float | None
    nearest_station: str | None
    point_status: str


class CoverageOut(Page[TownshipCoverOut]):
    radius_km: float
    as_of: dt.date
    include_fast: bool
    threshold_kw: float
    stations: int
    townships: int
    covered: int
    uncovered: int
    percent: float | None


class DistrictRolloutOut(BaseModel):
    district_code: str
    district_name: str | None
    intersections: int
    km_city: float
    km_highway: float
    km: float


class OemVehiclesOut(BaseModel):
    oem: str
    period_end: dt.date
    vehicles: int
    status: str


class RolloutOut(BaseModel):
    intersections: int
    km_city: float
    km_highway: float
    km: float
    vehicles: int
    districts: list[DistrictRolloutOut]
    oems: list[OemVehiclesOut]
    statuses: list[str]


class TargetProgressOut(BaseModel):
    target_id: str
    name: str
    indicator: str
    indicator_label: str
    unit: str
    target: float
    year: int
    direction: str
    citation: str
    live_value: float | None
    live_note: str | None
    progress: float | None
    status: str
    latest: float | None
    latest_period: str | None
    projected: float | None
    reason: str


def _bad(message: str) -> HTTPException:
    return HTTPException(422, message)


@router.get("/stations")
def read_stations(
    conn: ConnDep,
    user: CurrentUser,
    category: Annotated[
        str | None, Query(description="charging 充电站 / swap 换电站 / hydrogen 加氢站")
    ] = None,
    kind: Annotated[
        str | None, Query(description="充电站类型：超充、快充、慢充、重卡超充（中文或英文）")
    ] = None,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$", description="区县代码")] = None,
    state: Annotated[
        str | None, Query(description="运营状态：planned / building / operating / closed")
    ] = None,
) -> Page[StationOut]:
    """Stations of the registry (charging, swap, hydrogen), filtered."""
    from chainbrain.infra.stations import list_stations
    from chainbrain.infra.vocab import lookup

    canonical = None
    if kind is not None:
        canonical = lookup("kind").get(kind.lower())
        if canonical is None:
            raise _bad(f"kind 不是可选值：{kind}（可选：超充、快充、慢充、重卡超充）")
    if state is not None and state not in ("planned", "building", "operating", "closed"):
        raise _bad(f"state 不是可选值：{state}")
    try:
        rows = list_stations(conn, category=category, kind=canonical, district=district, state=state)
    except ValueError as e:
        raise _bad(str(e)) from e
    return Page(data=[StationOut(**vars(r)) for r in rows], count=len(rows))


@router.get("/stations/kinds")
def read_station_kinds(conn: ConnDep, user: CurrentUser) -> Page[KindCountOut]:
    """Stations of each kind: all, operating, and piles of the operating ones."""
    from chainbrain.infra.stations import kind_counts

    rows = kind_counts(conn)
    return Page(data=[KindCountOut(**vars(r)) for r in rows], count=len(rows))


@router.get("/coverage")
def read_coverage(
    conn: ConnDep,
    user: CurrentUser,
    radius_km: Annotated[float | None, Query(gt=0, le=200, description="覆盖半径（公里），默认 5")] = None,
    include_fast: Annotated[bool, Query(description="快充站也计入（超快充口径）")] = False,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$", description="区县代码")] = None,
) -> CoverageOut:
    """Townships covered / not covered by an operating ultra-fast station within the radius."""
    from chainbrain.infra.coverage import township_coverage

    cov = township_coverage(conn, radius_km=radius_km, include_fast=include_fast, district=district)
    return CoverageOut(
        data=[TownshipCoverOut(**vars(r)) for r in cov.rows],
        count=len(cov.rows),
        radius_km=cov.radius_km,
        as_of=cov.as_of,
        include_fast=cov.include_fast,
        threshold_kw=cov.threshold_kw,
        stations=cov.stations,
        townships=cov.townships,
        covered=cov.covered,
        uncovered=cov.uncovered,
        percent=cov.percent,
    )


@router.get("/v2x")
def read_v2x(conn: ConnDep, user: CurrentUser) -> RolloutOut:
    """The 车路云 rollout: sensing intersections and covered km by district, vehicles by OEM."""
    from chainbrain.infra.v2x import rollout

    r = rollout(conn)
    return RolloutOut(
        intersections=r.intersections,
        km_city=r.km_city,
        km_highway=r.km_highway,
        km=r.km,
        vehicles=r.vehicles,
        districts=[DistrictRolloutOut(**vars(d), km=d.km) for d in r.districts],
        oems=[OemVehiclesOut(**vars(o)) for o in r.oems],
        statuses=r.statuses,
    )


@router.get("/targets")
def read_infra_targets(conn: ConnDep, user: CurrentUser) -> Page[TargetProgressOut]:
    """Infrastructure targets: the registry's live value beside the monitor's status and projection."""
    from chainbrain.infra.progress import infra_targets

    rows = infra_targets(conn)
    return Page(data=[TargetProgressOut(**vars(t)) for t in rows], count=len(rows))
