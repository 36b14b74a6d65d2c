"""供需对接: needs (采购需求) and offers (供给能力), and the ranked, explained matches of each.

Rankings come from :func:`chainbrain.match.rank_suppliers` and :func:`chainbrain.match.rank_needs`.
Admins and analysts read and post everything. An enterprise user posts needs and offers only for its own
firm, lists only its own, and sees matches only for its own; another firm's spare capacity is its capacity
minus what it already ships (its supply-link volumes), so the explanation gives it only as a share of the
need's volume. An enterprise user may name only its own firm's plants (``buyer_site_id``, ``site_ids``);
admins and analysts may name any. Viewers have no access here. Every post is written to the audit log in
the same transaction as the record itself. Request bodies are bounded: numbers finite, texts and lists
no longer than the limits of :mod:`chainbrain.match.records` (listed in ``docs/api.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, Field

from chainbrain.api.accounts import User, audit
from chainbrain.api.deps import CacheDep, ConnDep, client_ip, require_roles, sees_all_links
from chainbrain.api.routes.common import ERRORS, ErrorOut, Page, forbidden
from chainbrain.match import engine, records
from chainbrain.match.records import Cert, Id
from chainbrain.schema.numbers import OptionalFiniteFloat

router = APIRouter(tags=["match"], responses=ERRORS)

MatchUser = Annotated[User, Depends(require_roles("admin", "analyst", "enterprise"))]
TopQ = Query(10, ge=1, le=100, description="最多列出的条数")
HIDDEN_CAPACITY = "产能与在供数量仅分析员可见"


class NeedIn(BaseModel):
    """A need as posted: the buyer is the poster's firm for an enterprise user."""

    buyer_id: Id = Field(description="采购方企业编号")
    segment_id: Id = Field(description="产业链环节编号")
    title: str = Field(min_length=2, max_length=records.MAX_TITLE, description="标题")
    spec: str = Field("", max_length=records.MAX_TEXT, description="技术要求")
    annual_volume: OptionalFiniteFloat = Field(None, ge=0, description="年需求量")
    volume_unit: str | None = Field(None, max_length=records.MAX_UNIT)
    certifications: list[Cert] = Field(
        default_factory=list, max_length=records.MAX_CERTS, description="资质要求，如 IATF 16949"
    )
    delivery_district: str | None = Field(None, pattern=r"^\d{6}$", description="交付区县代码")
    buyer_site_id: Id | None = Field(None, description="收货厂区编号（企业用户只能填本企业的厂区）")
    need_by: dt.date | None = None


class OfferIn(BaseModel):
    """An offer as posted: the supplier is the poster's firm for an enterprise user."""

    supplier_id: Id = Field(description="供应商企业编号")
    segment_ids: list[Id] = Field(min_length=1, max_length=records.MAX_SEGMENTS, description="环节编号")
    title: str = Field(min_length=2, max_length=records.MAX_TITLE, description="标题")
    text: str = Field("", max_length=records.MAX_TEXT, description="产品与能力描述")
    capacity: OptionalFiniteFloat = Field(None, ge=0, description="年产能")
    committed: OptionalFiniteFloat = Field(None, ge=0, description="其中已占用")
    capacity_unit: str | None = Field(None, max_length=records.MAX_UNIT)
    certifications: list[Cert] = Field(default_factory=list, max_length=records.MAX_CERTS)
    site_ids: list[Id] = Field(
        default_factory=list,
        max_length=records.MAX_SITES,
        description="供货厂区编号（企业用户只能填本企业的厂区）",
    )


class Matches(BaseModel):
    """Ranked answers, best first, each with its score parts and explanation; ``weights`` of the parts."""

    data: list[engine.Match]
    count: int
    weights: dict[str, float]


def _own(user: User, firm: str, what: str) -> None:
    if not sees_all_links(user) and user.enterprise_id != firm:
        raise forbidden(f"企业用户只能{what}本企业（{user.enterprise_id}）的记录，不能{what} {firm} 的")


def _scope(user: User, asked: str | None) -> str | None:
    """The firm whose records a list shows: an enterprise user's own, whatever was asked."""
    if sees_all_links(user):
        return asked
    if asked is not None and asked != user.enterprise_id:
        raise forbidden(f"企业用户只能查看本企业（{user.enterprise_id}）的记录")
    return user.enterprise_id


def _sites_of(user: User) -> str | None:
    """The firm whose plants ``user`` may name: its own for an enterprise user, any (None) otherwise."""
    return None if sees_all_links(user) else user.enterprise_id


@router.get("/needs")
def read_needs(
    conn: ConnDep,
    user: MatchUser,
    buyer: str | None = Query(None, description="采购方企业编号（企业用户只能是本企业）"),
    segment: str | None = Query(None, description="环节编号"),
    state: str | None = Query(None, pattern="^(open|closed)$", description="open 或 closed"),
) -> Page[records.ListedNeed]:
    """采购需求, newest first; an enterprise user sees only its own firm's."""
    items = records.list_needs(conn, buyer=_scope(user, buyer), segment=segment, state=state)
    return Page(data=items, count=len(items))


POSTED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "与同时进行的另一次写入冲突，未写入，请重试"}
}


@router.post("/needs", status_code=status.HTTP_201_CREATED, responses=POSTED)
def create_need(
    body: NeedIn, request: Request, conn: ConnDep, cache: CacheDep, user: MatchUser
) -> records.Need:
    """Post a need (an enterprise user only for its own firm); then ``GET /needs/{id}/matches`` ranks suppliers."""
    _own(user, body.buyer_id, "发布")
    data = body.model_dump() | {"posted_at": dt.date.today(), "source": f"用户发布：{user.username}"}
    ip = client_ip(request)

    def record(need: records.Need) -> None:
        audit(conn, user, "need.create", f"need:{need.id}", need.model_dump(mode="json"), ip)

    need = records.add_need(conn, data, sites_of=_sites_of(user), before_commit=record)
    cache.invalidate("need")
    return need


@router.get("/offers")
def read_offers(
    conn: ConnDep,
    user: MatchUser,
    supplier: str | None = Query(None, description="供应商企业编号（企业用户只能是本企业）"),
    segment: str | None = Query(None, description="环节编号"),
    state: str | None = Query(None, pattern="^(open|closed)$", description="open 或 closed"),
) -> Page[records.ListedOffer]:
    """供给能力, newest first; an enterprise user sees only its own firm's."""
    items = records.list_offers(conn, supplier=_scope(user, supplier), segment=segment, state=state)
    return Page(data=items, count=len(items))


@router.post("/offers", status_code=status.HTTP_201_CREATED, responses=POSTED)
def create_offer(
    body: OfferIn, request: Request, conn: ConnDep, cache: CacheDep, user: MatchUser
) -> records.Offer:
    """Post an offer (an enterprise user only for its own firm); ``GET /offers/{id}/matches`` ranks needs."""
    _own(user, body.supplier_id, "发布")
    data = body.model_dump() | {"posted_at": dt.date.today(), "source": f"用户发布：{user.username}"}
    ip = client_ip(request)

    def record(offer: records.Offer) -> None:
        audit(conn, user, "offer.create", f"offer:{offer.id}", offer.model_dump(mode="json"), ip)

    offer = records.add_offer(conn, data, sites_of=_sites_of(user), before_commit=record)
    cache.invalidate("offer")
    return offer


def _match_view(m: engine.Match, user: User) -> engine.Match:
    """A match as ``user`` may see it: another firm's spare capacity only as a share of the need's volume."""
    if sees_all_links(user) or m.need_id is not None or m.id == user.enterprise_id:
        return m

    def shown(p: engine.MatchPart) -> engine.MatchPart:
        if p.key == "capacity" and p.explain.startswith("富余产能"):
            enough = "足以满足需求" if p.value >= 1 else f"约为需求量的 {p.value:.0%}"
            return replace(p, explain=f"富余产能{enough}（{HIDDEN_CAPACITY}）")
        return p

    return replace(m, parts=[shown(p) for p in m.parts])


@router.get("/needs/{need_id}/matches")
def read_need_matches(need_id: str, conn: ConnDep, user: MatchUser, top: int = TopQ) -> Matches:
    """Suppliers for a need, best first (local first), each part of the score explained."""
    need = records.get_need(conn, need_id)
    _own(user, need.buyer_id, "查看")
    items = engine.rank_suppliers(conn, need, top=top)
    return Matches(data=[_match_view(m, user) for m in items], count=len(items), weights=engine.WEIGHTS)


@router.get("/offers/{offer_id}/matches")
def read_offer_matches(offer_id: str, conn: ConnDep, user: MatchUser, top: int = TopQ) -> Matches:
    """Open needs an offer could answer, best first, scored with the same parts."""
    offer = records.get_offer(conn, offer_id)
    _own(user, offer.supplier_id, "查看")
    items = engine.rank_needs(conn, offer, top=top)
    return Matches(data=[_match_view(m, user) for m in items], count=len(items), weights=engine.WEIGHTS)
