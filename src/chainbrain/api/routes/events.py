"""事件监测: events, their links and exposure, alert subscriptions, alerts and incidents.

Who may do what:

- any logged-in user: read events (public news text and the firms it names), link a text, keep their own
  subscriptions and read their own alerts;
- exposure: admins and analysts see everything; an enterprise user sees the plants of its own firm that
  run short and the sites of its own suppliers (with their backups and stock); a viewer sees the totals only
  (loss, first shortfall day, how many plants run short) — as on the resilience routes;
- admins and analysts enter, import and correct events and set webhook URLs on subscriptions (the server
  calls those URLs); an enterprise user may enter an event by hand;
- incidents: admins and analysts all; an enterprise user those of events naming its own firm or suppliers;
- admins only: feeds, webhook sender tokens, the SMTP server;
- the webhook (``POST /events/webhook``) takes a sender token in ``X-Event-Token`` instead of a login.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import field
from pathlib import Path as FilePath
from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, File, Header, HTTPException, Path, Query, Request, UploadFile, status
from pydantic import BaseModel, Field, computed_field, field_validator

from chainbrain.api.accounts import User, audit
from chainbrain.api.cache import ResultCache
from chainbrain.api.deps import (
    AdminUser,
    AnalystUser,
    CacheDep,
    ConnDep,
    CurrentUser,
    client_ip,
    require_roles,
)
from chainbrain.api.routes.common import ERRORS, answer, answers, derived, forbidden, not_found
from chainbrain.events import alerts as al
from chainbrain.events import incidents as inc
from chainbrain.events import queries as eq
from chainbrain.events.aliases import Alias
from chainbrain.events.classify import Classification, ClassifyError
from chainbrain.events.exposure import BackupOption, Exposure, PlantShortfall, SiteExposure, event_exposure
from chainbrain.events.feeds import (
    Feed,
    FeedError,
    PullResult,
    add_feed,
    create_token,
    list_feeds,
    pull_feed,
    token_sender,
)
from chainbrain.events.ingest import EventError, EventIn, Ingested, add_events, read_events_file, store_links
from chainbrain.events.link import DistrictLink, FirmLink, Linker, SegmentLink
from chainbrain.events.queries import StoredEvent
from chainbrain.io.problems import ImportRejected
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import SolveError
from chainbrain.resilience.network import Network, NetworkError
from chainbrain.store.records import transaction

router = APIRouter(prefix="/events", tags=["events"], responses=ERRORS)

WriterUser = Annotated[User, Depends(require_roles("admin", "analyst", "enterprise"))]
MAX_TEXT = 5000
MAX_UPLOAD_BYTES = 5_000_000


# ---- models --------------------------------------------------------------------------------------------


@derived
class FirmLinkOut(FirmLink):
    pass


@derived
class DistrictLinkOut(DistrictLink):
    pass


@derived
class SegmentLinkOut(SegmentLink):
    pass


@derived
class ClassificationOut(Classification):
    pass


class LinkOut(BaseModel):
    """The firms, districts / townships and segments a text names, with character offsets for highlighting."""

    text: str
    links: list[FirmLinkOut]
    districts: list[DistrictLinkOut]
    segments: list[SegmentLinkOut]
    classification: ClassificationOut


class LinkIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class EventCreate(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="事件文本（新闻原文或描述）")
    source: str = Field("手工录入", min_length=1, max_length=500)
    occurred_at: dt.datetime | None = Field(None, description="发生时间（缺省为现在）")
    title: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=2000)
    status: str = Field("verified", pattern="^(verified|illustrative|synthetic)$")


class WebhookEvent(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    occurred_at: dt.datetime | None = None
    title: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=2000)
    external_id: str | None = Field(None, max_length=500)


@derived
class EventOut(StoredEvent):
    """A stored event with the names of its type and severity, what it names, and its incident."""

    links: list[FirmLinkOut]
    districts: list[DistrictLinkOut]
    segments: list[SegmentLinkOut]
    incident_id: int | None
    type_zh = computed_field(StoredEvent.type_zh)
    severity_zh = computed_field(StoredEvent.severity_zh)


class EventList(BaseModel):
    data: list[EventOut]
    count: int


@derived
class IngestOut(Ingested):
    alerts: int = 0


class IngestList(BaseModel):
    data: list[IngestOut]
    count: int


class CorrectionIn(BaseModel):
    event_type: str | None = None
    severity: int | None = Field(None, ge=1, le=4)
    duration_days: float | None = Field(None, ge=0, le=365, allow_inf_nan=False)


@derived
class PlantOut(PlantShortfall):
    latest_short_day: Annotated[
        float | None, Field(description="即使优先供应该厂，也会在第几天缺货（null：不会）")
    ]


@derived
class BackupOut(BackupOption):
    pass


@derived
class ExposedSiteOut(SiteExposure):
    backups: list[BackupOut] = field(default_factory=list)  # type: ignore[assignment]


class ExposureOut(BaseModel):
    """What the event costs for its expected duration (numbers of ``chainbrain resilience``)."""

    event_id: int
    duration_days: float
    scope: str
    site_count: int
    loss: float
    tts: float | None
    runs_short: bool
    first_short_day: float | None
    plants_short: int
    plants: list[PlantOut]
    sites: list[ExposedSiteOut]
    notes: list[str]
    restricted: bool  # True: the role sees only part of the firm-level detail


class SubscriptionIn(BaseModel):
    firms: list[str] = Field(default_factory=list, max_length=200)
    segments: list[str] = Field(default_factory=list, max_length=200)
    districts: list[str] = Field(default_factory=list, max_length=200)
    min_severity: int = Field(1, ge=1, le=4)
    email: str | None = Field(None, max_length=254)
    webhook_url: str | None = Field(None, max_length=2000)


@derived
class SubscriptionOut(al.Subscription):
    pass


class SubscriptionList(BaseModel):
    data: list[SubscriptionOut]
    count: int


@derived
class AlertOut(al.Alert):
    pass


class AlertList(BaseModel):
    data: list[AlertOut]
    count: int
    unread: int


@derived
class EntryOut(inc.Entry):
    pass


@derived
class IncidentOut(inc.Incident):
    timeline: list[EntryOut] = field(default_factory=list)  # type: ignore[assignment]
    allowed = computed_field(inc.Incident.allowed)  # type: ignore[arg-type]  # mypy reads the property as its getter


class IncidentList(BaseModel):
    data: list[IncidentOut]
    count: int


class IncidentOpen(BaseModel):
    owner: str | None = Field(None, max_length=100)


class MoveIn(BaseModel):
    to_state: str = Field(description="目标状态：已确认 / 无影响 / 处置中 / 已恢复")
    note: str | None = Field(None, max_length=2000)
    at: dt.datetime | None = Field(None, description="发生时间（缺省为现在）；转为已恢复时即实际恢复时间")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class OwnerIn(BaseModel):
    owner: str = Field(min_length=1, max_length=100)


class ActionIn(BaseModel):
    action: str = Field(pattern="^(switch_backup|draw_stock|other)$")
    target: str | None = Field(None, max_length=200)
    quantity: float | None = Field(None, ge=0, le=1e12, allow_inf_nan=False)
    text: str | None = Field(None, max_length=2000)


class FeedIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=8, max_length=2000)


@derived
class FeedOut(Feed):
    pass


class FeedList(BaseModel):
    data: list[FeedOut]
    count: int


@derived
class PullOut(PullResult):
    alerts: int = 0


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(BaseModel):
    name: str
    token: str = Field(description="只显示这一次；服务器只保存其哈希")


class SmtpIn(BaseModel):
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(ge=1, le=65535)
    sender: str = Field(min_length=3, max_length=254)


@derived
class SmtpOut(al.SmtpConfig):
    pass


class Message(BaseModel):
    message: str

    @field_validator("message")
    @classmethod
    def _short(cls, v: str) -> str:
        return v[:500]


# ---- helpers -------------------------------------------------------------------------------------------


def _linker(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> Linker:
    return cache.get("events:linker", lambda: Linker.from_store(conn))


def _network(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> Network:
    try:
        return cache.get("resilience:network", lambda: network_from_store(conn))
    except NetworkError as e:
        raise HTTPException(422, f"数据库中的供应网络无效：{e}") from e


def _own_firms(conn: duckdb.DuckDBPyConnection, user: User) -> set[str] | None:
    """None: sees every firm; else the firm itself and its suppliers."""
    if user.role in ("admin", "analyst"):
        return None
    if user.role == "enterprise" and user.enterprise_id:
        return al.own_supplier_firms(conn, user.enterprise_id)
    return set()


def _event_row(conn: duckdb.DuckDBPyConnection, event_id: int) -> StoredEvent:
    row = eq.event_row(conn, event_id)
    if row is None:
        raise not_found("事件", str(event_id))
    return row


def _event_out(conn: duckdb.DuckDBPyConnection, r: StoredEvent) -> EventOut:
    links = eq.event_links(conn, r.id)
    return answer(
        EventOut,
        r,
        links=answers(FirmLinkOut, links.firms),
        districts=answers(DistrictLinkOut, links.districts),
        segments=answers(SegmentLinkOut, links.segments),
        incident_id=eq.incident_of(conn, r.id),
    )


def _ingest(conn: duckdb.DuckDBPyConnection, cache: ResultCache, items: list[EventIn]) -> list[IngestOut]:
    try:
        got: list[Ingested] = add_events(conn, items)
    except EventError as e:
        raise HTTPException(422, str(e)) from e
    out = []
    for g in got:
        n = 0 if g.merged else len(al.dispatch(conn, g.event_id))
        out.append(answer(IngestOut, g, alerts=n))
    cache.invalidate()
    return out


def _visible_event_firms(conn: duckdb.DuckDBPyConnection, event_id: int) -> set[str]:
    return eq.linked_firms(conn, event_id)


def _check_incident_access(conn: duckdb.DuckDBPyConnection, user: User, event_id: int) -> None:
    own = _own_firms(conn, user)
    if own is None:
        return
    if user.role != "enterprise" or not (own & _visible_event_firms(conn, event_id)):
        raise forbidden("当前账号只能处理涉及本企业或其供应商的事件")


def _incident_out(i: inc.Incident) -> IncidentOut:
    return answer(IncidentOut, i)


def _utc(at: dt.datetime | None) -> dt.datetime:
    """A request time as naive UTC (now when None); one outside what can be converted → 422."""
    if at is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        return at.astimezone(dt.UTC).replace(tzinfo=None) if at.tzinfo else at
    except (OverflowError, ValueError) as e:
        raise HTTPException(422, f"时间 {at.isoformat()} 超出范围") from e


def _finite(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else v


# ---- events --------------------------------------------------------------------------------------------


@router.post("/link")
def link_text(body: LinkIn, conn: ConnDep, cache: CacheDep, user: CurrentUser) -> LinkOut:
    """Link a text (a news line) to firms, districts / townships and segments, and classify it; stores nothing."""
    from chainbrain.events.classify import classify

    r = _linker(conn, cache).link(body.text)
    c: Classification = classify(body.text)
    return LinkOut(
        text=r.text,
        links=answers(FirmLinkOut, r.links),
        districts=answers(DistrictLinkOut, r.districts),
        segments=answers(SegmentLinkOut, r.segments),
        classification=answer(ClassificationOut, c),
    )


@router.get("")
def read_events(
    conn: ConnDep,
    user: CurrentUser,
    firm: str | None = Query(None, max_length=200, description="只看提到这家企业的事件"),
    event_type: str | None = Query(None, max_length=40),
    min_severity: int = Query(1, ge=1, le=4),
    limit: int = Query(50, ge=1, le=500),
) -> EventList:
    """The event stream, newest first, with the links of each."""
    rows = eq.stream(conn, min_severity=min_severity, event_type=event_type, firm=firm, limit=limit)
    data = [_event_out(conn, r) for r in rows]
    return EventList(data=data, count=len(data))


@router.post("", status_code=201)
def create_event(
    body: EventCreate, request: Request, conn: ConnDep, cache: CacheDep, user: WriterUser
) -> IngestOut:
    """Enter one event by hand; it is classified, linked, merged with a duplicate, and alerted."""
    when = _utc(body.occurred_at)
    item = EventIn(body.text, body.source, when, body.title, body.url, body.status)
    [out] = _ingest(conn, cache, [item])
    audit(conn, user, "event.create", f"event:{out.event_id}", {"merged": out.merged}, client_ip(request))
    return out


@router.post("/import", status_code=201)
async def import_events(
    request: Request, conn: ConnDep, cache: CacheDep, user: AnalystUser, file: UploadFile = File(...)
) -> IngestList:
    """Import events from a CSV or JSON file, all or nothing (every problem named by row and column)."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"文件超过 {MAX_UPLOAD_BYTES // 1_000_000} MB")
    name = FilePath(file.filename or "events.csv").name
    try:
        items = read_events_file(FilePath(name), data)
    except ImportRejected as e:
        reasons = "；".join(f"第{p.row}行 {p.column or ''}：{p.reason}" for p in e.problems[:20])
        raise HTTPException(422, f"{name} 导入被拒绝，未写入任何数据：{reasons}") from e
    out = _ingest(conn, cache, items)
    audit(conn, user, "event.import", name, {"rows": len(items)}, client_ip(request))
    return IngestList(data=out, count=len(out))


@router.post("/webhook", status_code=201)
def receive_webhook(
    body: WebhookEvent,
    conn: ConnDep,
    cache: CacheDep,
    x_event_token: Annotated[str | None, Header(description="推送方令牌（管理员创建）")] = None,
) -> IngestOut:
    """An event pushed by a sender with its token (no login); the sender's name is the source."""
    sender = token_sender(conn, x_event_token)
    if sender is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "推送令牌无效：请在请求头 X-Event-Token 中提供管理员创建的令牌"
        )
    when = _utc(body.occurred_at)
    item = EventIn(body.text, f"webhook:{sender}", when, body.title, body.url, "verified", body.external_id)
    [out] = _ingest(conn, cache, [item])
    return out


@router.get("/alerts")
def read_alerts(conn: ConnDep, user: CurrentUser, limit: int = Query(100, ge=1, le=500)) -> AlertList:
    """My alerts, newest first."""
    rows = al.list_alerts(conn, user.id, limit=limit)
    return AlertList(data=answers(AlertOut, rows), count=len(rows), unread=sum(not a.read for a in rows))


@router.post("/alerts/{alert_id}/read")
def read_alert(alert_id: Annotated[int, Path(ge=1)], conn: ConnDep, user: CurrentUser) -> Message:
    """Mark one of my alerts read."""
    if not al.mark_read(conn, alert_id, user.id):
        raise not_found("预警", str(alert_id))
    return Message(message="已读")


@router.get("/subscriptions")
def read_subscriptions(conn: ConnDep, user: CurrentUser) -> SubscriptionList:
    """My subscriptions."""
    subs = al.list_subscriptions(conn, user.id)
    return SubscriptionList(data=answers(SubscriptionOut, subs), count=len(subs))


@router.post("/subscriptions", status_code=201)
def create_subscription(body: SubscriptionIn, conn: ConnDep, user: CurrentUser) -> SubscriptionOut:
    """Subscribe to events by firm, segment, district and least severity (webhook URLs: admins and analysts)."""
    if user.id == 0:
        raise forbidden("访客不能订阅预警，请先登录")
    if body.webhook_url and user.role not in ("admin", "analyst"):
        raise forbidden("只有管理员和分析员可以设置 Webhook 地址（服务器会访问该地址）")
    try:
        sub = al.add_subscription(conn, user.id, **body.model_dump())
    except al.AlertError as e:
        raise HTTPException(422, str(e)) from e
    return answer(SubscriptionOut, sub)


@router.delete("/subscriptions/{sub_id}")
def delete_subscription(sub_id: Annotated[int, Path(ge=1)], conn: ConnDep, user: CurrentUser) -> Message:
    """Remove one of my subscriptions."""
    if not al.remove_subscription(conn, sub_id, user.id):
        raise not_found("订阅", str(sub_id))
    return Message(message="已删除订阅")


@router.get("/incidents")
def read_incidents(
    conn: ConnDep, user: WriterUser, state: str | None = Query(None, max_length=10)
) -> IncidentList:
    """Incidents, newest first (enterprise users: those of events naming their own firm or suppliers)."""
    try:
        rows = inc.list_incidents(conn, state=state)
    except inc.IncidentError as e:
        raise HTTPException(422, str(e)) from e
    own = _own_firms(conn, user)
    if own is not None:
        rows = [i for i in rows if own & _visible_event_firms(conn, i.event_id)]
    return IncidentList(data=[_incident_out(i) for i in rows], count=len(rows))


@router.get("/incidents/{incident_id}")
def read_incident(incident_id: Annotated[int, Path(ge=1)], conn: ConnDep, user: WriterUser) -> IncidentOut:
    """One incident with its timeline."""
    try:
        i = inc.get_incident(conn, incident_id)
    except inc.IncidentError as e:
        raise not_found("处置单", str(incident_id)) from e
    _check_incident_access(conn, user, i.event_id)
    return _incident_out(i)


def _incident_write(conn: duckdb.DuckDBPyConnection, user: User, incident_id: int) -> None:
    try:
        i = inc.get_incident(conn, incident_id)
    except inc.IncidentError as e:
        raise not_found("处置单", str(incident_id)) from e
    _check_incident_access(conn, user, i.event_id)


@router.post("/incidents/{incident_id}/moves")
def move_incident(
    incident_id: Annotated[int, Path(ge=1)], body: MoveIn, request: Request, conn: ConnDep, user: WriterUser
) -> IncidentOut:
    """Move an incident to its next state; an illegal move is refused (409)."""
    _incident_write(conn, user, incident_id)
    at = _utc(body.at) if body.at else None
    try:
        with transaction(conn):
            i = inc.move(conn, incident_id, body.to_state, actor=user.username, note=body.note, at=at)
    except inc.IncidentError as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from e
    audit(conn, user, "incident.move", f"incident:{incident_id}", {"to": body.to_state}, client_ip(request))
    return _incident_out(i)


@router.post("/incidents/{incident_id}/notes")
def create_incident_note(
    incident_id: Annotated[int, Path(ge=1)], body: NoteIn, conn: ConnDep, user: WriterUser
) -> IncidentOut:
    """Add a note to an incident's timeline."""
    _incident_write(conn, user, incident_id)
    try:
        return _incident_out(inc.add_note(conn, incident_id, body.text, actor=user.username))
    except inc.IncidentError as e:
        raise HTTPException(422, str(e)) from e


@router.put("/incidents/{incident_id}/owner")
def update_incident_owner(
    incident_id: Annotated[int, Path(ge=1)], body: OwnerIn, conn: ConnDep, user: WriterUser
) -> IncidentOut:
    """Set who owns an incident."""
    _incident_write(conn, user, incident_id)
    try:
        return _incident_out(inc.set_owner(conn, incident_id, body.owner, actor=user.username))
    except inc.IncidentError as e:
        raise HTTPException(422, str(e)) from e


@router.post("/incidents/{incident_id}/actions")
def create_incident_action(
    incident_id: Annotated[int, Path(ge=1)], body: ActionIn, conn: ConnDep, user: WriterUser
) -> IncidentOut:
    """Record an action: switch to a backup supplier, draw stock, or another measure."""
    _incident_write(conn, user, incident_id)
    try:
        return _incident_out(
            inc.add_action(
                conn,
                incident_id,
                body.action,
                actor=user.username,
                target=body.target,
                quantity=body.quantity,
                text=body.text,
            )  # fmt: skip
        )
    except inc.IncidentError as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from e


@router.get("/feeds")
def read_feeds(conn: ConnDep, user: AdminUser) -> FeedList:
    """The RSS/Atom feeds configured."""
    feeds = list_feeds(conn)
    return FeedList(data=answers(FeedOut, feeds), count=len(feeds))


@router.post("/feeds", status_code=201)
def create_feed(body: FeedIn, request: Request, conn: ConnDep, user: AdminUser) -> FeedOut:
    """Add an RSS/Atom feed."""
    try:
        f = add_feed(conn, body.name, body.url)
    except FeedError as e:
        raise HTTPException(422, str(e)) from e
    audit(conn, user, "event.feed.create", body.url, None, client_ip(request))
    return answer(FeedOut, f)


@router.post("/feeds/{feed_id}/pull")
def pull_event_feed(
    feed_id: Annotated[int, Path(ge=1)], conn: ConnDep, cache: CacheDep, user: AdminUser
) -> PullOut:
    """Fetch a feed now and store its new entries (and send their alerts)."""
    try:
        r = pull_feed(conn, feed_id)
    except FeedError as e:
        raise not_found("订阅源", str(feed_id)) from e
    new = eq.unalerted(conn, feed_id)
    n = sum(len(al.dispatch(conn, e)) for e in new)
    cache.invalidate()
    return answer(PullOut, r, alerts=n)


@router.post("/tokens", status_code=201)
def create_webhook_token(body: TokenIn, request: Request, conn: ConnDep, user: AdminUser) -> TokenOut:
    """A webhook token for a sender (shown once)."""
    try:
        token = create_token(conn, body.name)
    except FeedError as e:
        raise HTTPException(409, str(e)) from e
    audit(conn, user, "event.token.create", body.name, None, client_ip(request))
    return TokenOut(name=body.name, token=token)


@router.put("/settings/smtp")
def update_smtp(body: SmtpIn, conn: ConnDep, user: AdminUser) -> SmtpOut:
    """The SMTP server alert e-mails go through."""
    try:
        return answer(SmtpOut, al.set_smtp(conn, body.host, body.port, body.sender))
    except al.AlertError as e:
        raise HTTPException(422, str(e)) from e


class AliasIn(BaseModel):
    alias: str = Field(min_length=2, max_length=60)
    enterprise_id: str = Field(min_length=1, max_length=200)
    ambiguous: bool = Field(False, description="别名同时是常用词：仅在有行业语境时链接")
    source: str = Field("手工录入", min_length=1, max_length=500)


@derived
class AliasOut(Alias):
    pass


class AliasList(BaseModel):
    data: list[AliasOut]
    count: int


@router.get("/aliases")
def read_aliases(
    conn: ConnDep, user: CurrentUser, enterprise: str | None = Query(None, max_length=200)
) -> AliasList:
    """The alias table the linker uses (English names, abbreviations, old names)."""
    from chainbrain.events.aliases import list_aliases

    rows = list_aliases(conn, enterprise)
    return AliasList(data=answers(AliasOut, rows), count=len(rows))


@router.post("/aliases", status_code=201)
def create_alias(
    body: AliasIn, request: Request, conn: ConnDep, cache: CacheDep, user: AnalystUser
) -> AliasOut:
    """Add or replace an alias (admins and analysts); new events are linked with it at once."""
    from chainbrain.events.aliases import AliasError, add_alias

    try:
        a = add_alias(conn, body.alias, body.enterprise_id, source=body.source, ambiguous=body.ambiguous)
    except AliasError as e:
        raise HTTPException(422, str(e)) from e
    cache.invalidate()
    audit(conn, user, "event.alias.create", f"{a.alias}→{a.enterprise_id}", None, client_ip(request))
    return answer(AliasOut, a)


@router.delete("/aliases")
def delete_alias(
    request: Request,
    conn: ConnDep,
    cache: CacheDep,
    user: AnalystUser,
    alias: str = Query(min_length=1, max_length=60),
    enterprise: str = Query(min_length=1, max_length=200),
) -> Message:
    """Remove an alias (admins and analysts)."""
    from chainbrain.events.aliases import remove_alias

    if not remove_alias(conn, alias, enterprise):
        raise not_found("别名", f"{alias}→{enterprise}")
    cache.invalidate()
    audit(conn, user, "event.alias.delete", f"{alias}→{enterprise}", None, client_ip(request))
    return Message(message="已删除别名")


@router.get("/{event_id}")
def read_event(event_id: Annotated[int, Path(ge=1)], conn: ConnDep, user: CurrentUser) -> EventOut:
    """One event with its links."""
    return _event_out(conn, _event_row(conn, event_id))


@router.patch("/{event_id}")
def update_event(
    event_id: Annotated[int, Path(ge=1)], body: CorrectionIn, request: Request, conn: ConnDep, cache: CacheDep,
    user: AnalystUser,
) -> EventOut:  # fmt: skip
    """Correct an event's type, severity or expected duration (kept with the corrector's name)."""
    try:
        eq.correct_event(
            conn,
            event_id,
            event_type=body.event_type,
            severity=body.severity,
            duration_days=body.duration_days,
            by=user.username,
        )
    except ClassifyError as e:
        raise HTTPException(422, str(e)) from e
    audit(conn, user, "event.correct", f"event:{event_id}", body.model_dump(), client_ip(request))
    cache.invalidate()
    return _event_out(conn, _event_row(conn, event_id))


@router.post("/{event_id}/relink")
def relink_event(
    event_id: Annotated[int, Path(ge=1)], conn: ConnDep, cache: CacheDep, user: AnalystUser
) -> EventOut:
    """Link the event's text again (after aliases or firms changed)."""
    r = _event_row(conn, event_id)
    cache.invalidate()
    store_links(conn, event_id, _linker(conn, cache).link(r.text))
    return _event_out(conn, _event_row(conn, event_id))


@router.get("/{event_id}/exposure")
def read_event_exposure(
    event_id: Annotated[int, Path(ge=1)], conn: ConnDep, cache: CacheDep, user: CurrentUser
) -> ExposureOut:
    """Which OEM plants run short and when, the lost value, and each site's backups and stock."""
    _event_row(conn, event_id)
    net = _network(conn, cache)
    try:
        x: Exposure = cache.get(
            f"events:exposure:{event_id}", lambda: event_exposure(conn, event_id, net=net)
        )
    except SolveError as e:
        raise HTTPException(500, f"韧性模型求解失败：{e}") from e
    own = _own_firms(conn, user)
    plants, sites = x.plants, x.site_details
    if own is not None:
        mine = {user.enterprise_id} if user.enterprise_id else set()
        plants = [p for p in plants if p.firm in mine]
        sites = [s for s in sites if s.firm in own]
    return ExposureOut(
        event_id=event_id,
        duration_days=x.duration_days,
        scope=x.scope,
        site_count=len(x.sites),
        loss=x.loss,
        tts=_finite(x.tts),
        runs_short=x.runs_short,
        first_short_day=_finite(x.first_short_day),
        plants_short=len(x.plants),
        plants=answers(PlantOut, plants),
        sites=answers(ExposedSiteOut, sites),
        notes=x.notes,
        restricted=own is not None,
    )


@router.post("/{event_id}/incident", status_code=201)
def create_incident(
    event_id: Annotated[int, Path(ge=1)],
    body: IncidentOpen,
    request: Request,
    conn: ConnDep,
    user: WriterUser,
) -> IncidentOut:
    """Open the incident of an event (one per event), in state 待确认."""
    _event_row(conn, event_id)
    _check_incident_access(conn, user, event_id)
    try:
        with transaction(conn):
            i = inc.open_incident(conn, event_id, actor=user.username, owner=body.owner or user.display_name)
    except inc.IncidentError as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from e
    audit(conn, user, "incident.open", f"event:{event_id}", {"incident": i.id}, client_ip(request))
    return _incident_out(i)
