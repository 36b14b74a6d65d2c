"""目标监测: the plans' targets with status, path and projection, the warning list and the briefing.

Statuses, paths and projections come from :mod:`chainbrain.monitor`; briefings from :mod:`chainbrain.report`.
Targets are public plan figures: every logged-in role reads them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from chainbrain.api.accounts import User
from chainbrain.api.cache import TARGETS
from chainbrain.api.deps import CacheDep, ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, not_found
from chainbrain.monitor.observations import observations
from chainbrain.monitor.registry import get_target
from chainbrain.monitor.status import Assessment, assess, assess_all, summary, warnings
from chainbrain.monitor.trajectory import Origin, required_at

router = APIRouter(prefix="/targets", tags=["targets"], responses=ERRORS)

AsOf = Query(None, description="评估日期（默认今天）")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class PathPoint(BaseModel):
    """The required path at the end of a year (in the target's unit)."""

    year: int
    required: float


class ObservationPoint(BaseModel):
    """An observation with ``t``, its decimal time on the path's axis (2025 → 2025.0, 2025Q3 → 2024.75)."""

    id: int
    period: str
    t: float
    value: float
    unit: str
    source: str
    as_of: dt.date
    status: str
    correction: bool
    superseded: bool


class BaselineOut(BaseModel):
    value: int | float
    year: int | None


class CitationOut(BaseModel):
    document: str
    clause: str
    status: str


class TargetPublic(BaseModel):
    """A plan target as ``chainbrain targets --json`` shows it; ``max`` only for a range target."""

    id: str
    name: str
    unit: str
    value: int | float
    year: int
    kind: str
    baseline: BaselineOut | None
    source: CitationOut
    direction: str
    live: str | None
    related: list[str]
    restates: list[str]
    #: the upper end of a range target; absent (not null) for the other kinds
    max: int | float | None = Field(None, exclude_if=lambda v: v is None)


class TargetDetail(BaseModel):
    target: TargetPublic
    assessment: Assessment
    observations: list[ObservationPoint]
    #: the required path at the end of each year (t = year), from its origin to the target year
    path: list[PathPoint]


class Summary(BaseModel):
    """Targets per status, in severity order: 滞后, 预警, 正常, 无数据, 达标."""

    counts: dict[str, int]
    total: int


def _assessments(conn: ConnDep, cache: CacheDep, as_of: dt.date | None) -> list[Assessment]:
    day = as_of or dt.date.today()  # statuses depend on the day they are assessed
    return cache.get(("assess_all", day), lambda: assess_all(conn, as_of=day), TARGETS)


def _page(rows: list[Assessment]) -> Page[Assessment]:
    return Page(data=rows, count=len(rows))


@router.get("", response_model=Page[Assessment])
async def read_targets(
    conn: ConnDep, cache: CacheDep, user: CurrentUser, as_of: dt.date | None = AsOf
) -> Response:
    """Every target with its status (达标 / 正常 / 预警 / 滞后 / 无数据), latest value and projection."""
    key, view = targets_key(user, None, as_of)
    day = key[1]
    return await cache.ajson(key, view, lambda: _page(_assessments(conn, cache, day)), TARGETS)


@router.get("/warnings", response_model=Page[Assessment])
async def read_warnings(
    conn: ConnDep, cache: CacheDep, user: CurrentUser, as_of: dt.date | None = AsOf
) -> Response:
    """The warning list: 滞后 then 预警 targets, furthest behind first."""
    key, view = warnings_key(user, None, as_of)
    day = key[1]
    return await cache.ajson(key, view, lambda: _page(warnings(_assessments(conn, cache, day))), TARGETS)


@router.get("/summary", response_model=Summary)
async def read_summary(
    conn: ConnDep, cache: CacheDep, user: CurrentUser, as_of: dt.date | None = AsOf
) -> Response:
    """How many targets are in each status."""
    key, view = summary_key(user, None, as_of)
    day = key[1]

    def build() -> Summary:
        rows = _assessments(conn, cache, day)
        return Summary(counts=summary(rows), total=len(rows))

    return await cache.ajson(key, view, build, TARGETS)


# cache keys of the target routes (the routes and :mod:`chainbrain.api.fastpath`): targets are public plan
# figures, one view for every role; statuses depend on the day they are assessed (default today)
def targets_key(user: User, settings: object, as_of: dt.date | None = None) -> tuple[Any, str]:
    return ("targets", as_of or dt.date.today()), "all"


def warnings_key(user: User, settings: object, as_of: dt.date | None = None) -> tuple[Any, str]:
    return ("targets:warnings", as_of or dt.date.today()), "all"


def summary_key(user: User, settings: object, as_of: dt.date | None = None) -> tuple[Any, str]:
    return ("targets:summary", as_of or dt.date.today()), "all"


@router.get(
    "/briefing", response_class=FileResponse, responses={200: {"content": {m: {} for m in MEDIA.values()}}}
)
def read_briefing(
    conn: ConnDep,
    user: CurrentUser,
    format: Literal["docx", "xlsx"] = Query("docx", description="docx：Word 简报；xlsx：Excel 目标与观测"),
    as_of: dt.date | None = AsOf,
) -> FileResponse:
    """Download the target briefing: Word (summary, warnings, all targets, charts, sources) or Excel."""
    from chainbrain.report import FontMissing, write_docx, write_xlsx

    tmp = Path(tempfile.mkdtemp(prefix="cb-briefing-"))
    path = tmp / f"目标监测简报.{format}"
    try:
        (write_docx if format == "docx" else write_xlsx)(conn, path, as_of=as_of)
    except FontMissing as e:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"服务器缺少中文字体，无法生成图表：{e}"
        ) from e
    return FileResponse(
        path, media_type=MEDIA[format], filename=path.name, background=BackgroundTask(_cleanup, tmp)
    )


def _cleanup(tmp: Path) -> None:
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()


@router.get("/{target_id}")
def read_target(
    target_id: str, conn: ConnDep, user: CurrentUser, as_of: dt.date | None = AsOf
) -> TargetDetail:
    """One target: its citation, assessment, every observation (corrections too) and the required path."""
    try:
        target = get_target(conn, target_id)
    except KeyError as e:
        raise not_found("目标", target_id) from e
    history = observations(conn, target_id, include_superseded=True)
    a = assess(target, [o for o in history if not o.superseded], as_of=as_of)
    path: list[PathPoint] = []
    if a.origin is not None:
        origin = Origin(**a.origin)
        first = int(origin.t)
        path = [
            PathPoint(year=y, required=required_at(target, origin, float(y)))
            for y in range(first, target.year + 1)
        ]
    points = [
        ObservationPoint(
            id=o.id, period=o.period, t=o.t, value=o.value, unit=o.unit, source=o.source, as_of=o.as_of,
            status=o.status, correction=o.correction, superseded=o.superseded,
        )
        for o in history
    ]  # fmt: skip
    return TargetDetail(target=TargetPublic(**target.public()), assessment=a, observations=points, path=path)
