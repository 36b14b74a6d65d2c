"""企业库: search firms and read a firm's profile (plants, models, suppliers, customers as the role allows)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainbrain.api.accounts import User
from chainbrain.api.deps import ConnDep, CurrentUser, sees_all_links, sees_firm
from chainbrain.api.routes.common import ERRORS, Page, PageNo, PageSize, Provenance, not_found
from chainbrain.api.routes.sites import SiteOut
from chainbrain.api.routes.supply_links import SupplyLinkOut
from chainbrain.api.routes.vehicle_models import VehicleModelOut
from chainbrain.store import directory as queries

router = APIRouter(prefix="/enterprises", tags=["enterprises"], responses=ERRORS)


class EnterpriseOut(Provenance):
    id: str
    credit_code: str | None
    name: str
    short_name: str | None
    district_code: str
    district_name: str | None
    roles: list[str]
    labels: list[str]
    main_segment_id: str | None
    main_segment_name: str | None
    #: 营业收入 (万元) and employees: null when the role may not see this firm's figures
    revenue: float | None
    employees: int | None
    founded: int | None
    note: str | None
    site_count: int


class EnterpriseProfile(EnterpriseOut):
    sites: list[SiteOut]
    vehicle_models: list[VehicleModelOut]
    #: whether this user may see the firm's supply links; when false the three lists are empty
    links_visible: bool
    #: links from another firm's plant to one of this firm's plants (a firm is never its own supplier)
    suppliers: list[SupplyLinkOut]
    #: links from one of this firm's plants to another firm's plant
    customers: list[SupplyLinkOut]
    #: 本企业内部配套: links between two plants of this firm, each once
    internal: list[SupplyLinkOut]


def _public(row: dict, user: User) -> EnterpriseOut:
    if not sees_firm(user, row["id"]):
        row = {**row, "revenue": None, "employees": None}
    return EnterpriseOut(**row)


@router.get("")
def read_enterprises(
    conn: ConnDep,
    user: CurrentUser,
    q: str | None = Query(None, max_length=100, description="名称、简称、编号或统一社会信用代码的一部分"),
    segment: str | None = Query(None, description="产业链环节编号（含下级环节）"),
    district: str | None = Query(None, description="区县代码（注册地或任一厂区所在地）"),
    role: str | None = Query(None, description="OEM / Tier1 / Tier2 / Tier3 / service / research"),
    label: str | None = Query(None, description="链主 / 专精特新 / 小巨人 / 上市 / 高新技术 …"),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[EnterpriseOut]:
    """Search firms by name, short name, id or credit code; filter by segment, district, role and label.

    Admins and analysts get the largest revenue first; every other role gets the firms by id, since an order
    by revenue would rank firms by a figure that role may not read.
    """
    rows, total = queries.search_enterprises(
        conn, q=q, segment=segment, district=district, role=role, label=label,
        by_revenue=sees_all_links(user), page=page, size=size,
    )  # fmt: skip
    return Page(data=[_public(r, user) for r in rows], count=total)


@router.get("/{enterprise_id}")
def read_enterprise(enterprise_id: str, conn: ConnDep, user: CurrentUser) -> EnterpriseProfile:
    """A firm's profile: its plants and models, and its suppliers and customers if the role may see them.

    Links between two of the firm's own plants (本企业内部配套) are listed apart, once each, and in neither
    the suppliers nor the customers: a firm is not its own supplier.
    """
    row = queries.enterprise(conn, enterprise_id)
    if row is None:
        raise not_found("企业", enterprise_id)
    base = _public(row, user).model_dump()
    site_rows, _ = queries.sites(conn, enterprise=enterprise_id, page=1, size=500)
    models, _ = queries.vehicle_models(conn, oem=enterprise_id, page=1, size=500)
    visible = sees_firm(user, enterprise_id)
    suppliers: list[dict] = []
    customers: list[dict] = []
    internal: list[dict] = []
    if visible:
        bought, _ = queries.supply_links(conn, buyer=enterprise_id, page=1, size=500)
        sold, _ = queries.supply_links(conn, supplier=enterprise_id, page=1, size=500)
        internal = [x for x in bought if x["supplier_id"] == enterprise_id]
        suppliers = [x for x in bought if x["supplier_id"] != enterprise_id]
        customers = [x for x in sold if x["buyer_id"] != enterprise_id]
    return EnterpriseProfile(
        **base,
        sites=[SiteOut(**s) for s in site_rows],
        vehicle_models=[VehicleModelOut(**m) for m in models],
        links_visible=visible,
        suppliers=[SupplyLinkOut(**x) for x in suppliers],
        customers=[SupplyLinkOut(**x) for x in customers],
        internal=[SupplyLinkOut(**x) for x in internal],
    )
