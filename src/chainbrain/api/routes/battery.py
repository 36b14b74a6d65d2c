"""动力电池溯源: codes, traces, reporting deadlines, broken chains, the recycling picture and passports,
over :mod:`chainbrain.battery`.

Who sees what:

- admins and analysts: every battery, every report check, the passport at ``authority`` level;
- enterprise users: only their own batteries — a unit whose maker or OEM (its own, or that of a unit above
  it) is their firm — and only the report checks their firm must file; their own passports up to
  ``authorised``, others' at ``public``;
- viewers (and anonymous readers where allowed): code parsing, the recycling picture (aggregates) and
  public passports; traces, report checks and broken chains answer 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field, computed_field

from chainbrain.api.accounts import User
from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, answer, answers, derived
from chainbrain.battery import codes, ledger
from chainbrain.battery.duties import (
    ActorCompliance,
    BrokenLink,
    ReportCheck,
    board_sql,
    broken_chains,
    check_reports,
)
from chainbrain.battery.passport import AUDIENCES, PassportError, passport
from chainbrain.battery.recycling import FlowRow, NetworkRow, RecyclerVolume, RecyclingPicture, picture
from chainbrain.battery.trace import NotTraced, trace

router = APIRouter(prefix="/battery", tags=["battery"], responses=ERRORS)

CodePath = Annotated[str, Path(min_length=1, max_length=40, description="电池编码（24位，梯次利用17位）")]
AsOfQuery = Annotated[dt.date | None, Query(description="判断上报期限的日期（默认今天）")]
VIEWER_DENIED = "只读用户只能查看编码解析、回收利用汇总和公开的电池护照"
NOT_YOURS = "只能查看本企业生产或装车的电池"


@derived
class BatteryCodeOut(codes.ParsedCode):
    problems: Annotated[tuple[codes.CodeProblem, ...], Field(exclude=True)] = ()
    valid = computed_field(codes.ParsedCode.valid)
    errors = computed_field(codes.ParsedCode.errors)  # type: ignore[arg-type]  # mypy reads the property as its getter


@derived
class BatteryUnitOut(ledger.BatteryUnit):
    pass


class BatteryUnitPage(BaseModel):
    data: list[BatteryUnitOut]
    count: int
    #: id → name for the firms and plants these rows name (makers, OEMs, actors, reporters, sites)
    names: dict[str, str] = {}


@derived
class BatteryEventOut(ledger.BatteryEvent):
    event_zh = computed_field(ledger.BatteryEvent.event_zh)


@derived
class BatteryReportOut(ReportCheck):
    event_zh = computed_field(ReportCheck.event_zh)
    state_zh = computed_field(ReportCheck.state_zh)


class BatteryReportPage(BaseModel):
    data: list[BatteryReportOut]
    count: int
    as_of: dt.date


@derived
class BatteryActorOut(ActorCompliance):
    pass


class BatteryActorPage(BaseModel):
    data: list[BatteryActorOut]
    count: int
    as_of: dt.date
    #: id → name for the firms and plants these rows name (makers, OEMs, actors, reporters, sites)
    names: dict[str, str] = {}


class BatteryVehicleOut(BaseModel):
    vin: str | None
    oem_id: str | None


class BatteryTraceOut(BaseModel):
    code: str
    unit: BatteryUnitOut
    parents: list[BatteryUnitOut]
    children: list[BatteryUnitOut]
    events: list[BatteryEventOut]
    vehicle: BatteryVehicleOut
    reports: list[BatteryReportOut]
    #: id → name for the firms and plants these rows name (makers, OEMs, actors, reporters, sites)
    names: dict[str, str] = {}


@derived
class BatteryBrokenLinkOut(BrokenLink):
    pass


class BatteryBrokenPage(BaseModel):
    data: list[BatteryBrokenLinkOut]
    count: int


@derived
class RecyclingFlowOut(FlowRow):
    pass


@derived
class RecyclerVolumeOut(RecyclerVolume):
    pass


@derived
class CollectionNetworkOut(NetworkRow):
    pass


@derived
class RecyclingPictureOut(RecyclingPicture):
    flows: list[RecyclingFlowOut]  # type: ignore[assignment]
    recyclers: list[RecyclerVolumeOut]  # type: ignore[assignment]
    network: list[CollectionNetworkOut]  # type: ignore[assignment]


class BatteryPassportOut(BaseModel):
    shape: str
    batteryPassportIdentifier: str
    audience: Literal["public", "authorised", "authority"]
    static: dict[str, dict[str, Any]]
    dynamic: dict[str, dict[str, Any]]
    accessGroups: dict[str, str]
    withheld: list[str]
    provenance: dict[str, Any]


def _sees_all(user: User) -> bool:
    return user.role in ("admin", "analyst")


def _no_viewers(user: User) -> None:
    if user.role not in ("admin", "analyst", "enterprise"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, VIEWER_DENIED)


def _owners(conn: duckdb.DuckDBPyConnection, code: str) -> set[str]:
    """Enterprises that own ``code``: the maker or OEM of the unit or of any unit above it."""
    unit = ledger.unit(conn, code)
    if unit is None:
        return set()
    chain = [unit, *ledger.ancestors(conn, code)]
    return {e for u in chain for e in (u.maker_id, u.oem_id) if e}


def _own_or_403(conn: duckdb.DuckDBPyConnection, user: User, code: str) -> None:
    _no_viewers(user)
    if not _sees_all(user) and user.enterprise_id not in _owners(conn, code):
        raise HTTPException(status.HTTP_403_FORBIDDEN, NOT_YOURS)


@router.get("/codes/{code}", response_model=BatteryCodeOut)
def parse_code(code: CodePath, user: CurrentUser) -> BatteryCodeOut:
    """解析并校验一个 GB/T 34014 电池编码（不查数据库）。"""
    return answer(BatteryCodeOut, codes.parse(code))


@router.get("/units", response_model=BatteryUnitPage)
def read_units(
    conn: ConnDep,
    user: CurrentUser,
    kind: Annotated[Literal["pack", "module", "cell"] | None, Query(description="只看这一类")] = "pack",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> BatteryUnitPage:
    """电池列表（默认只列电池包）；企业用户只见本企业生产或装车的电池。"""
    _no_viewers(user)
    rows = ledger.units(conn, maker_or_oem=None if _sees_all(user) else (user.enterprise_id or "\x00"))
    if kind is not None:
        rows = [u for u in rows if u.kind == kind]
    page = rows[offset : offset + limit]
    names = ledger.display_names(conn, [i for u in page for i in (u.maker_id, u.oem_id)])
    return BatteryUnitPage(data=answers(BatteryUnitOut, page), count=len(rows), names=names)


@router.get("/trace/{code}", response_model=BatteryTraceOut)
def read_trace(code: CodePath, conn: ConnDep, user: CurrentUser, as_of: AsOfQuery = None) -> BatteryTraceOut:
    """追溯一个编码：上下级、车辆、生命周期事件和上报情况。"""
    _no_viewers(user)
    try:
        t = trace(conn, code, as_of)
    except NotTraced as e:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from e
    _own_or_403(conn, user, t.code)
    units = [t.unit, *t.parents, *t.children]
    names = ledger.display_names(
        conn,
        [t.oem_id, *(i for u in units for i in (u.maker_id, u.oem_id)), *(e.actor_id for e in t.events)],
        [e.site for e in t.events],
    )
    return BatteryTraceOut.model_validate({**t.to_dict(), "names": names})


@router.get("/reports", response_model=BatteryReportPage)
def read_reports(
    conn: ConnDep,
    user: CurrentUser,
    as_of: AsOfQuery = None,
    state: Annotated[
        Literal["on_time", "late", "missing", "pending", "unknown", "no_reporter"] | None, Query()
    ] = None,
) -> BatteryReportPage:
    """上报检查（按《溯源管理暂行规定》以工作日计）；企业用户只见本企业应报的事项。"""
    _no_viewers(user)
    day = as_of or dt.date.today()
    checks = check_reports(conn, day)
    if not _sees_all(user):
        checks = [c for c in checks if c.reporter_id is not None and c.reporter_id == user.enterprise_id]
    if state is not None:
        checks = [c for c in checks if c.state == state]
    return BatteryReportPage(data=answers(BatteryReportOut, checks), count=len(checks), as_of=day)


@router.get("/reports/by-actor", response_model=BatteryActorPage)
def read_report_board(conn: ConnDep, user: CurrentUser, as_of: AsOfQuery = None) -> BatteryActorPage:
    """各上报主体的按时、逾期上报、逾期未报情况（合规看板）。"""
    _no_viewers(user)
    day = as_of or dt.date.today()
    board = board_sql(conn, day)  # by_actor(check_reports(...)) computed in DuckDB (tested equal)
    if not _sees_all(user):
        board = [a for a in board if a.reporter_id is not None and a.reporter_id == user.enterprise_id]
    names = ledger.display_names(conn, [a.reporter_id for a in board])
    return BatteryActorPage(data=answers(BatteryActorOut, board), count=len(board), as_of=day, names=names)


@router.get("/chains", response_model=BatteryBrokenPage)
def read_broken_chains(conn: ConnDep, user: CurrentUser) -> BatteryBrokenPage:
    """断链：无单体的模块、装车却无 VIN 的电池包、未退役即再生利用、上级编码缺失。"""
    _no_viewers(user)
    rows = broken_chains(conn)
    if not _sees_all(user):
        rows = [b for b in rows if user.enterprise_id in _owners(conn, b.code)]
    return BatteryBrokenPage(data=answers(BatteryBrokenLinkOut, rows), count=len(rows))


@router.get("/recycling", response_model=RecyclingPictureOut)
def read_recycling(
    conn: ConnDep,
    user: CurrentUser,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="只看这一年的事件")] = None,
) -> RecyclingPictureOut:
    """回收利用全景：按年份和区县的退役、回收、梯次利用、再生利用量（GWh），回收网点覆盖，头部再生利用企业数与占比。"""
    return answer(RecyclingPictureOut, picture(conn, year=year))


@router.get("/passport/{code}", response_model=BatteryPassportOut)
def read_passport(
    code: CodePath,
    conn: ConnDep,
    user: CurrentUser,
    audience: Annotated[Literal["public", "authorised", "authority"], Query()] = "public",
    as_of: AsOfQuery = None,
) -> BatteryPassportOut:
    """电池护照 JSON（DIN DKE SPEC 99100 / BatteryPass 结构）：按访问级别给出静态与动态数据。"""
    code = code.strip()
    if _sees_all(user):
        allowed = "authority"
    elif user.role == "enterprise" and user.enterprise_id in _owners(conn, code):
        allowed = "authorised"
    else:
        allowed = "public"
    if AUDIENCES.index(audience) > AUDIENCES.index(allowed):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"当前账号只能查看 {allowed} 级别的电池护照")
    try:
        p = passport(conn, code, audience, as_of)
    except PassportError as e:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from e
    return BatteryPassportOut.model_validate(p.to_dict())
