"""车型: vehicle models built in the cluster, with their plant, powertrain and annual volume."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, PageNo, PageSize, Provenance
from chainbrain.store import directory as queries

router = APIRouter(prefix="/vehicle-models", tags=["vehicle_models"], responses=ERRORS)


class VehicleModelOut(Provenance):
    id: str
    oem_id: str
    oem_name: str
    oem_short_name: str | None
    site_id: str
    site_name: str | None
    district_code: str | None
    brand: str
    name: str
    powertrain: str
    annual_volume: float
    price: float | None
    year: int | None


@router.get("")
def read_vehicle_models(
    conn: ConnDep,
    user: CurrentUser,
    oem: str | None = Query(None, description="整车企业编号"),
    powertrain: str | None = Query(None, description="BEV / EREV / PHEV / FCEV / HEV / ICE"),
    page: PageNo = 1,
    size: PageSize = 50,
) -> Page[VehicleModelOut]:
    """Vehicle models, biggest annual volume first."""
    rows, total = queries.vehicle_models(conn, oem=oem, powertrain=powertrain, page=page, size=size)
    return Page(data=[VehicleModelOut(**r) for r in rows], count=total)
