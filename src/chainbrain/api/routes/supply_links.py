"""供应关系: who supplies whom. Confidential: admins and analysts see all, a firm sees its own, viewers none."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainbrain.api.deps import ConnDep, CurrentUser, sees_all_links
from chainbrain.api.routes.common import ERRORS, Page, PageNo, PageSize, Provenance, forbidden, not_found
from chainbrain.store import directory as queries

router = APIRouter(prefix="/supply-links", tags=["supply_links"], responses=ERRORS)

VIEWER_NO_LINKS = "只读用户只能查看汇总数据，不能查看单个企业的供应关系"


class SupplyLinkOut(Provenance):
    id: str
    segment_id: str
    segment_name: str | None
    buyer_site_id: str
    buyer_id: str
    buyer_name: str
    buyer_short_name: str | None
    buyer_district_code: str
    #: the buyer's plant (site) and its district, by name
    buyer_site_name: str | None = None
    buyer_district_name: str | None = None
    supplier_site_id: str
    #: the supplier's plant (site) by name: a firm with several plants shows which one supplies
    supplier_site_name: str | None = None
    supplier_id: str
    supplier_name: str
    supplier_short_name: str | None
    supplier_district_code: str
    supplier_district_name: str | None
    #: the supplier's plant is inside Chongqing (district code 50xxxx)
    supplier_in_city: bool
    annual_value: float
    share: float | None
    volume: float | None
    since: int | None
    evidence: str | None
    confidence: str


@router.get("")
def read_supply_links(
    conn: ConnDep,
    user: CurrentUser,
    buyer: str | None = Query(None, description="采购方企业编号"),
    supplier: str | None = Query(None, description="供应方企业编号"),
    segment: str | None = Query(None, description="产业链环节编号（含下级环节）"),
    page: PageNo = 1,
    size: PageSize = 50,
) -> Page[SupplyLinkOut]:
    """Supply links, biggest annual value first; an enterprise user gets only links its firm is part of."""
    if user.role == "viewer":
        raise forbidden(VIEWER_NO_LINKS)
    involving = None if sees_all_links(user) else user.enterprise_id
    rows, total = queries.supply_links(
        conn, involving=involving, buyer=buyer, supplier=supplier, segment=segment, page=page, size=size
    )
    return Page(data=[SupplyLinkOut(**r) for r in rows], count=total)


@router.get("/{link_id}")
def read_supply_link(link_id: str, conn: ConnDep, user: CurrentUser) -> SupplyLinkOut:
    """One supply link (403 unless the role may see it)."""
    if user.role == "viewer":
        raise forbidden(VIEWER_NO_LINKS)
    row = queries.supply_link(conn, link_id)
    if row is None:
        raise not_found("供应关系", link_id)
    if not sees_all_links(user) and user.enterprise_id not in (row["buyer_id"], row["supplier_id"]):
        raise forbidden("企业用户只能查看本企业作为采购方或供应方的供应关系")
    return SupplyLinkOut(**row)
