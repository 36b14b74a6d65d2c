"""厂区/场所: plants and offices, with what they make and their capacity."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, PageNo, PageSize, Provenance, not_found
from chainbrain.store import directory as queries

router = APIRouter(prefix="/sites", tags=["sites"], responses=ERRORS)


class SiteOut(Provenance):
    id: str
    enterprise_id: str
    enterprise_name: str
    enterprise_short_name: str | None
    name: str
    district_code: str
    district_name: str | None
    park: str | None
    lon: float | None
    lat: float | None
    segment_id: str | None
    segment_name: str | None
    capacity: float | None
    capacity_unit: str | None


@router.get("")
def read_sites(
    conn: ConnDep,
    user: CurrentUser,
    enterprise: str | None = Query(None, description="企业编号"),
    district: str | None = Query(None, description="区县代码"),
    segment: str | None = Query(None, description="产业链环节编号（含下级环节）"),
    page: PageNo = 1,
    size: PageSize = 50,
) -> Page[SiteOut]:
    """Plants, filtered by firm, district and segment."""
    rows, total = queries.sites(
        conn, enterprise=enterprise, district=district, segment=segment, page=page, size=size
    )
    return Page(data=[SiteOut(**r) for r in rows], count=total)


@router.get("/{site_id}")
def read_site(site_id: str, conn: ConnDep, user: CurrentUser) -> SiteOut:
    """One plant."""
    row = queries.site(conn, site_id)
    if row is None:
        raise not_found("厂区", site_id)
    return SiteOut(**row)
