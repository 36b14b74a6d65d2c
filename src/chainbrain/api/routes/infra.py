"""充换电与车路云: stations, township coverage, the 车路云 rollout and the infrastructure targets.

Infrastructure data are public within the deployment: every logged-in role reads them (nothing here is
confidential — no firm's purchasing data, only facilities and counts).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from chainbrain.api.deps import CacheDep, ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page
from chainbrain.schema.numbers import FiniteFloat

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


class ProposalIn(BaseModel):
    """选址建议的参数：新增超充站数、覆盖半径，以及示意的站点规模假设。"""

    count: int = Field(50, ge=1, le=500, description="新增超充站数（1–500）")
    radius_km: FiniteFloat | None = Field(None, gt=0, le=50, description="覆盖半径（公里），默认 5")
    kind: str = Field("ultra", pattern=r"^(ultra|超充)$", description="站点类型：目前仅 超充（ultra）")
    arrivals_per_vehicle: FiniteFloat = Field(
        0.01, gt=0, le=1, description="示意：每辆新能源车在高峰小时到站充电的概率（次/小时）"
    )
    session_minutes: FiniteFloat = Field(20.0, gt=0, le=240, description="示意：平均充电时长（分钟）")
    max_p_wait: FiniteFloat = Field(0.2, gt=0, le=1, description="等待概率上限（Erlang C）")
    include_pipeline: bool = Field(False, description="登记的在建、规划超充站视为已选址")


class SizingOut(BaseModel):
    guns: int
    arrivals_per_hour: float
    offered_erlangs: float
    p_wait: float
    mean_wait_minutes: float
    utilisation: float


class ProposedSiteOut(BaseModel):
    rank: int
    township_code: str
    township_name: str
    district_code: str
    district_name: str | None
    lon: float
    lat: float
    new_townships: int
    new_weight: float
    newly_covered: list[str]
    sizing: SizingOut


class ProposalOut(BaseModel):
    count: int
    radius_km: float
    as_of: dt.date
    existing_stations: int
    townships: int
    covered_before: int
    covered_after: int
    percent_before: float | None
    percent_after: float | None
    weight_total: float
    weight_before: float
    weight_after: float
    include_pipeline: bool
    pipeline_stations: int
    covered_pipeline: int
    weight_pipeline: float
    needed: int
    status: str
    note: str | None
    seconds: float
    weight_basis: str
    arrivals_per_vehicle: float
    session_minutes: float
    max_p_wait: float
    illustrative: bool = Field(description="需求权重与站点规模假设为示意")
    sites: list[ProposedSiteOut]


class PlanYearOut(BaseModel):
    year: int
    stations: int
    added: int
    added_sites: list[str]
    covered_townships: int
    coverage_pct: float
    demand_coverage: float
    mean_km: float | None
    model: str
    status: str


class BuildPlanOut(BaseModel):
    target: int
    year: int
    radius_km: float
    as_of: dt.date
    existing_stations: int
    building: int
    planned: int
    townships: int
    covered_now: int
    coverage_pct_now: float | None
    weight_basis: str
    status: str
    note: str | None
    years: list[PlanYearOut]


@router.post("/proposals")
def create_proposal(conn: ConnDep, user: CurrentUser, body: ProposalIn) -> ProposalOut:
    """选址建议: the ``count`` new 超充站 sites that newly cover the most township demand within the radius
    (MCLP, existing operating 超充站 kept), with before/after coverage and Erlang C sizing. Computes only —
    nothing is written, so every logged-in role may ask; the solve has a time limit and ``status`` /
    ``note`` say when the answer is not proven optimal."""
    from chainbrain.infra.planning import propose_sites
    from chainbrain.siting.errors import InputError

    try:
        p = propose_sites(
            conn,
            count=body.count,
            radius_km=body.radius_km,
            arrivals_per_vehicle=body.arrivals_per_vehicle,
            session_minutes=body.session_minutes,
            max_p_wait=body.max_p_wait,
            include_pipeline=body.include_pipeline,
        )
    except InputError as e:
        raise _bad(str(e)) from e
    sites = [ProposedSiteOut(**(vars(s) | {"sizing": SizingOut(**vars(s.sizing))})) for s in p.sites]
    fields = {k: v for k, v in vars(p).items() if k != "sites"}
    return ProposalOut(
        **fields,
        percent_before=p.percent_before,
        percent_after=p.percent_after,
        illustrative=True,
        sites=sites,
    )


#: what the build plan reads (:func:`chainbrain.infra.planning.yearly_plan`): its cache entry goes stale on a
#: write to any of them
PLAN_READS = frozenset({"charging_station", "township", "nev_fleet", "district"})


def plan_for(conn: ConnDep, cache: CacheDep, target: int, year: int, radius_km: float | None) -> BuildPlanOut:
    """The build plan of today (a MIP solve of seconds), computed once per store state and day."""
    from chainbrain.infra.planning import yearly_plan

    def compute() -> BuildPlanOut:
        plan = yearly_plan(conn, target=target, year=year, radius_km=radius_km)
        fields = {k: v for k, v in vars(plan).items() if k != "years"}
        return BuildPlanOut(**fields, years=[PlanYearOut(**vars(y)) for y in plan.years])

    return cache.get(("infra.plan", target, year, radius_km, dt.date.today()), compute, PLAN_READS)


@router.get("/plan")
def read_plan(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    target: Annotated[int, Query(ge=1, le=100_000, description="目标超充站数（座）")] = 2000,
    year: Annotated[int, Query(ge=2000, le=2100, description="目标年份")] = 2027,
    radius_km: Annotated[float | None, Query(gt=0, le=50, description="覆盖半径（公里），默认 5")] = None,
) -> BuildPlanOut:
    """建设计划: year by year from the operating 超充站 today to ``target`` by ``year`` — stations added each
    year and the township coverage reached (MCLP while coverage can grow, then p-median)."""
    from chainbrain.siting.errors import InputError

    try:
        return plan_for(conn, cache, target, year, radius_km)
    except InputError as e:
        raise _bad(str(e)) from e
