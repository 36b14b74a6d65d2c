"""招商 and 培育: ranked candidates with their score parts, the district teams' Excel list, the lead funnel,
专精特新 / 小巨人 candidates checked clause by clause, and transformation candidates.

Numbers come from :mod:`chainbrain.invest`. Every logged-in role reads these aggregates; what a firm buys or
sells (per-firm supply-link values, link ids) and a firm's revenue and head count are shown only to roles that
may see that firm (:func:`chainbrain.api.deps.sees_firm`), exactly as on the enterprise profile, and neither is
any figure computed from them (score parts, totals, the ranking): :mod:`chainbrain.invest.visibility`. The
Excel export carries the full evidence and is for admins and analysts.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from chainbrain.api.accounts import User
from chainbrain.api.cache import CHAIN
from chainbrain.api.deps import AnalystUser, CacheDep, ConnDep, CurrentUser, sees_all_links, sees_firm
from chainbrain.api.routes.common import ERRORS, Page
from chainbrain.chain import disclosure
from chainbrain.invest import attract, cultivate, leads, transform, visibility
from chainbrain.invest.criteria import TIER_ZH
from chainbrain.invest.export import write_xlsx
from chainbrain.store import directory

router = APIRouter(prefix="/invest", tags=["invest"], responses=ERRORS)
cultivate_router = APIRouter(prefix="/cultivate", tags=["cultivate"], responses=ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
District = Query(None, pattern=r"^\d{6}$", description="区县代码（6位）：按该区县的匹配度重新打分")
#: columns of the 招商清单 sheet: the same as ``chainbrain invest export``


class Recommendations(BaseModel):
    """Flagged segments, each with its ranked candidates; ``weights`` are the score parts' weights."""

    data: list[attract.SegmentTargets]
    count: int
    weights: dict[str, float]


Funnel = leads.Funnel


class CultivateList(BaseModel):
    """Candidates for a tier, each criterion met / missed / unknown; ``progress`` is labels held vs. goal."""

    tier: str
    tier_zh: str
    data: list[cultivate.TierAssessment]
    count: int
    progress: list[cultivate.TierProgress]


def _recommend(
    conn: ConnDep, cache: CacheDep, segment: str | None, district: str | None, top: int | None
) -> list:
    def compute() -> list[attract.SegmentTargets]:
        return attract.recommend(conn, segment=segment, district=district, top=top)

    try:
        return cache.get(("invest.recommend", segment, district, top), compute, CHAIN)
    except ValueError as e:
        raise HTTPException(422, f"参数 segment 不正确：{e}") from e


def _targets(
    conn: ConnDep, cache: CacheDep, user: User, segment: str | None, district: str | None, top: int
) -> list[attract.SegmentTargets]:
    """The 招商 lists as ``user`` may read them (see :mod:`chainbrain.invest.visibility`)."""
    if sees_all_links(user):
        return _recommend(conn, cache, segment, district, top)
    full = _recommend(conn, cache, segment, district, None)  # cut after redaction: the order must not leak
    hidden = disclosure.withheld_keys(conn, "segment", "city", "oem")  # recommend's own link set
    return visibility.public_targets(full, lambda eid: sees_firm(user, eid), top, hidden)


@router.get("/recommendations")
def read_recommendations(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    segment: str | None = Query(None, description="只看一个环节，如 battery.pack"),
    district: str | None = District,
    top: int = Query(5, ge=1, le=100, description="每个环节最多列出的候选企业数"),
) -> Recommendations:
    """补链强链招商推荐: per gap or weak segment, outside firms ranked by a score in named parts with evidence."""
    rows = _targets(conn, cache, user, segment, district, top)
    return Recommendations(data=rows, count=len(rows), weights=attract.WEIGHTS)


class DistrictGroup(BaseModel):
    """One district of the 招商地图: the firms chainbrain would steer there, best first."""

    district: str
    name: str | None
    parks: list[str]
    segments: list[str]
    segment_names: list[str]
    count: int
    total_score: float
    candidates: list[attract.Candidate]


@router.get("/map")
def read_invest_map(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    top: int = Query(5, ge=1, le=100, description="每个环节最多计入的候选企业数"),
) -> Page[DistrictGroup]:
    """招商地图: per suggested district, its candidates (each where its segment fits best) and their segments."""
    groups = attract.by_district(_targets(conn, cache, user, None, None, top))
    rows = [
        DistrictGroup(
            **{
                k: g[k]
                for k in ("district", "name", "parks", "segments", "segment_names", "count", "total_score")
            },
            candidates=g["candidates"],
        )
        for g in groups
    ]
    return Page(data=rows, count=len(rows))


@router.get("/recommendations.xlsx", response_class=FileResponse, responses={200: {"content": {XLSX: {}}}})
def read_recommendations_xlsx(
    conn: ConnDep,
    cache: CacheDep,
    user: AnalystUser,
    district: str | None = District,
    top: int = Query(10, ge=1, le=100, description="每个环节最多列出的候选企业数"),
) -> FileResponse:
    """The district team's 招商清单 as Excel (the same workbook as ``chainbrain invest export``)."""
    targets = _recommend(conn, cache, None, district, top)
    tmp = Path(tempfile.mkdtemp(prefix="cb-invest-"))
    place = (directory.district_name(conn, district) or district) if district else "全市"
    # the file is named for the district (璧山区招商清单.xlsx); an imported name never makes a path
    path = tmp / (re.sub(r"[^\w-]", "_", place)[:40] + "招商清单.xlsx")
    write_xlsx(targets, path)
    return FileResponse(path, media_type=XLSX, filename=path.name, background=BackgroundTask(_cleanup, tmp))


def _cleanup(tmp: Path) -> None:
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()


@router.get("/leads")
def read_leads(
    conn: ConnDep,
    user: CurrentUser,
    district: str | None = Query(None, description="招商区县代码"),
    stage: str | None = Query(
        None, description="当前阶段：线索/洽谈/签约/投产/本地供货/终止（或 lead、talks …）"
    ),
) -> Page[leads.Lead]:
    """招商线索 with their stage history (线索 → 洽谈 → 签约 → 投产 → 本地供货), dates and owners."""
    items = leads.list_leads(conn, district=district, stage=stage)
    return Page(data=items, count=len(items))


@router.get("/leads/funnel")
def read_funnel(
    conn: ConnDep, user: CurrentUser, district: str | None = Query(None, description="招商区县代码")
) -> Funnel:
    """推荐效果: how many recommended and other leads reached each stage; 本地供货 checked in the store."""
    f = leads.funnel(conn, district=district)
    if not sees_all_links(user):  # the supply links behind a confirmed 本地供货 are confidential
        f["supplying_checks"] = [{**c, "local_links": []} for c in f["supplying_checks"]]
    return f


def _tier(conn: ConnDep, user: User, tier: str, district: str | None, top: int) -> CultivateList:
    if sees_all_links(user):
        items = cultivate.candidates(conn, tier, district=district, top=top)
    else:  # ranked and cut after redaction: the order must not leak the withheld checks
        items = visibility.public_assessments(
            cultivate.candidates(conn, tier, district=district), lambda eid: sees_firm(user, eid), top
        )
    rows = list(items)
    return CultivateList(
        tier=tier, tier_zh=TIER_ZH[tier], data=rows, count=len(rows), progress=cultivate.progress(conn)
    )


TopQ = Query(20, ge=1, le=500, description="最多列出的企业数")
DistrictQ = Query(None, description="区县代码（6位）")


@cultivate_router.get("/zjtx")
def read_zjtx(
    conn: ConnDep, user: CurrentUser, district: str | None = DistrictQ, top: int = TopQ
) -> CultivateList:
    """专精特新 candidates, each MIIT 2022 criterion met / missed / lacking data (缺数据), with its clause."""
    return _tier(conn, user, "zjtx", district, top)


@cultivate_router.get("/xjr")
def read_xjr(
    conn: ConnDep, user: CurrentUser, district: str | None = DistrictQ, top: int = TopQ
) -> CultivateList:
    """专精特新"小巨人" candidates, each criterion met / missed / lacking data, with its clause."""
    return _tier(conn, user, "xjr", district, top)


@cultivate_router.get("/transform")
def read_transform(
    conn: ConnDep, user: CurrentUser, district: str | None = DistrictQ, top: int = TopQ
) -> Page[transform.TransformCandidate]:
    """Traditional parts firms that could move to new-energy segments: the segments, scores and reasons."""
    if sees_all_links(user):
        items = transform.candidates(conn, district=district, top=top)
    else:  # the pull is the segment's outside purchases: withheld where few firms make it up, ranked after
        hidden = disclosure.withheld_keys(conn, "segment", "city", "all")  # the gaps the pull is read from
        items = visibility.public_transform(transform.candidates(conn, district=district), hidden, top)
    return Page(data=items, count=len(items))
