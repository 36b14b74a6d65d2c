"""充换电与车路云: stations, township coverage, the 车路云 rollout and the infrastructure targets.

Infrastructure data are public within the deployment: every logged-in role reads them (nothing here is
confidential — no firm's purchasing data, only facilities and counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field, computed_field

from chainbrain.api.deps import CacheDep, ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, answer, answers, derived
from chainbrain.infra.coverage import Coverage, TownshipCover
from chainbrain.infra.planning import BuildPlanResult, PlanYear, Proposal, ProposedSite, Sizing
from chainbrain.infra.progress import TargetProgress
from chainbrain.infra.stations import KindCount, Station
from chainbrain.infra.v2x import DistrictRollout, OemVehicles, Rollout
from chainbrain.schema.numbers import FiniteFloat
from chainbrain.settings import infra_today

router = APIRouter(prefix="/infra", tags=["infra"], responses=ERRORS)

AsOf = Annotated[
    dt.date | None,
    Query(description="按此日期已投用的站点计算（缺省：服务器设置 CHAINBRAIN_INFRA_AS_OF，否则今天）"),
]


@derived
class StationOut(Station):
    pass


@derived
class KindCountOut(KindCount):
    pass


@derived
class TownshipCoverOut(TownshipCover):
    pass


@derived
class CoverageOut(Coverage):
    """Township coverage: the summary, and the townships as a page (``data``, ``count``)."""

    rows: Annotated[list[TownshipCoverOut], Field(exclude=True)] = field(default_factory=list)  # type: ignore[assignment]
    uncovered = computed_field(Coverage.uncovered)
    percent = computed_field(Coverage.percent)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def data(self) -> list[TownshipCoverOut]:
        return self.rows

    @computed_field  # type: ignore[prop-decorator]
    @property
    def count(self) -> int:
        return len(self.rows)


@derived
class DistrictRolloutOut(DistrictRollout):
    km = computed_field(DistrictRollout.km)


@derived
class OemVehiclesOut(OemVehicles):
    pass


@derived
class RolloutOut(Rollout):
    districts: list[DistrictRolloutOut] = field(default_factory=list)  # type: ignore[assignment]
    oems: list[OemVehiclesOut] = field(default_factory=list)  # type: ignore[assignment]
    km = computed_field(Rollout.km)


@derived
class TargetProgressOut(TargetProgress):
    pass


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

    rows = list_stations(conn, category=category, kind=kind, district=district, state=state)
    return Page(data=answers(StationOut, rows), count=len(rows))


@router.get("/stations/kinds")
def read_station_kinds(conn: ConnDep, user: CurrentUser) -> Page[KindCountOut]:
    """Stations of each kind: all, operating, and piles of the operating ones."""
    from chainbrain.infra.stations import kind_counts

    rows = kind_counts(conn)
    return Page(data=answers(KindCountOut, rows), count=len(rows))


@router.get("/coverage")
def read_coverage(
    conn: ConnDep,
    user: CurrentUser,
    radius_km: Annotated[float | None, Query(gt=0, le=200, description="覆盖半径（公里），默认 5")] = None,
    include_fast: Annotated[bool, Query(description="快充站也计入（超快充口径）")] = False,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$", description="区县代码")] = None,
    as_of: AsOf = None,
) -> CoverageOut:
    """Townships covered / not covered by an operating ultra-fast station within the radius."""
    from chainbrain.infra.coverage import township_coverage

    cov = township_coverage(
        conn, radius_km=radius_km, include_fast=include_fast, district=district, as_of=as_of
    )
    return answer(CoverageOut, cov)


@router.get("/v2x")
def read_v2x(conn: ConnDep, user: CurrentUser) -> RolloutOut:
    """The 车路云 rollout: sensing intersections and covered km by district, vehicles by OEM."""
    from chainbrain.infra.v2x import rollout

    r = rollout(conn)
    return answer(RolloutOut, r)


@router.get("/targets")
def read_infra_targets(conn: ConnDep, user: CurrentUser) -> Page[TargetProgressOut]:
    """Infrastructure targets: the registry's live value beside the monitor's status and projection."""
    from chainbrain.infra.progress import infra_targets

    rows = infra_targets(conn)
    return Page(data=answers(TargetProgressOut, rows), count=len(rows))


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
    as_of: dt.date | None = Field(
        None, description="按此日期已投用的站点计算（缺省：服务器设置 CHAINBRAIN_INFRA_AS_OF，否则今天）"
    )


@derived
class SizingOut(Sizing):
    pass


@derived
class ProposedSiteOut(ProposedSite):
    sizing: SizingOut


@derived
class ProposalOut(Proposal):
    sites: list[ProposedSiteOut] = field(default_factory=list)  # type: ignore[assignment]
    percent_before = computed_field(Proposal.percent_before)
    percent_after = computed_field(Proposal.percent_after)

    illustrative = computed_field(description="需求权重与站点规模假设为示意")(Proposal.illustrative)


@derived
class PlanYearOut(PlanYear):
    pass


@derived
class BuildPlanOut(BuildPlanResult):
    years: list[PlanYearOut] = field(default_factory=list)  # type: ignore[assignment]


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
            as_of=body.as_of,
        )
    except InputError as e:
        raise _bad(str(e)) from e
    return answer(ProposalOut, p)


#: what the build plan reads (:func:`chainbrain.infra.planning.yearly_plan`): its cache entry goes stale on a
#: write to any of them
PLAN_READS = frozenset({"charging_station", "township", "nev_fleet", "district"})


def plan_for(
    conn: ConnDep,
    cache: CacheDep,
    target: int,
    year: int,
    radius_km: float | None,
    as_of: dt.date | None = None,
) -> BuildPlanOut:
    """The build plan as of ``as_of`` (default: the infrastructure day, ``CHAINBRAIN_INFRA_AS_OF`` or today;
    a MIP solve of seconds), computed once per store state and day."""
    from chainbrain.infra.planning import yearly_plan

    day = as_of or infra_today()

    def compute() -> BuildPlanOut:
        return answer(
            BuildPlanOut, yearly_plan(conn, target=target, year=year, radius_km=radius_km, as_of=day)
        )

    return cache.get(("infra.plan", target, year, radius_km, day), compute, PLAN_READS)


@router.get("/plan")
def read_plan(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    target: Annotated[int, Query(ge=1, le=100_000, description="目标超充站数（座）")] = 2000,
    year: Annotated[int, Query(ge=2000, le=2100, description="目标年份")] = 2027,
    radius_km: Annotated[float | None, Query(gt=0, le=50, description="覆盖半径（公里），默认 5")] = None,
    as_of: AsOf = None,
) -> BuildPlanOut:
    """建设计划: year by year from the operating 超充站 today to ``target`` by ``year`` — stations added each
    year and the township coverage reached (MCLP while coverage can grow, then p-median)."""
    from chainbrain.siting.errors import InputError

    try:
        return plan_for(conn, cache, target, year, radius_km, as_of)
    except InputError as e:
        raise _bad(str(e)) from e
