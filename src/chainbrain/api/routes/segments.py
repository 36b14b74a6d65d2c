"""产业链环节: the chain taxonomy, with the firms and capacity in each segment."""

from __future__ import annotations

from fastapi import APIRouter

from chainbrain.api.deps import ConnDep, CurrentUser
from chainbrain.api.routes.common import ERRORS, Page, Provenance, not_found
from chainbrain.store import directory as queries

router = APIRouter(prefix="/segments", tags=["segments"], responses=ERRORS)


class SegmentOut(Provenance):
    id: str
    parent_id: str | None
    name_zh: str
    name_en: str
    level: int
    stream: str
    kind: str
    unit: str | None
    clause: str | None
    firms: int
    sites: int
    local_sites: int
    capacity: float | None


@router.get("")
def read_segments(conn: ConnDep, user: CurrentUser) -> Page[SegmentOut]:
    """Every segment of the chain (build the tree from parent_id), with its firms, sites and capacity."""
    rows = queries.segments(conn)
    return Page(data=[SegmentOut(**r) for r in rows], count=len(rows))


@router.get("/{segment_id}")
def read_segment(segment_id: str, conn: ConnDep, user: CurrentUser) -> SegmentOut:
    """One segment."""
    row = queries.segment(conn, segment_id)
    if row is None:
        raise not_found("产业链环节", segment_id)
    return SegmentOut(**row)
