"""Needs (采购需求) and offers (供给能力): validated records, stored in the ``need`` and ``offer`` tables.

Every number is finite and bounded (:mod:`chainbrain.schema.numbers`), and every text and list has a
length limit (the ``MAX_*`` constants below; ``docs/api.md`` lists them): matching compares each
certification of a need with each of every supplier, so an unbounded list makes one request slow for all.
The existence checks and the insert run as one step (:func:`chainbrain.store.records.write_transaction`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chainbrain.errors import InvalidInput
from chainbrain.schema.numbers import OptionalFiniteFloat
from chainbrain.store.records import fetch_dicts, insert_rows, write_transaction

#: limits of what one need or offer may hold
MAX_ID = 64  # characters of any id
MAX_TITLE = 200
MAX_TEXT = 4000  # spec of a need, text of an offer
MAX_UNIT = 20
MAX_SOURCE = 500
MAX_CERTS = 20  # certifications of one need or offer
MAX_CERT = 64  # characters of one certification
MAX_SEGMENTS = 50  # segments of one offer
MAX_SITES = 50  # sites of one offer

Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
Cert = Annotated[str, Field(max_length=MAX_CERT)]


class MatchRecordError(InvalidInput, ValueError):
    """A need or offer that cannot be stored as given."""


class SiteNotOwned(MatchRecordError):
    """A need or offer names a plant of another firm than the one it is posted for."""

    status = 403


class MatchRecordNotFound(MatchRecordError):
    """No need or offer of that id."""

    status = 404


def norm_cert(c: str) -> str:
    """Canonical certification name: upper case, no spaces or hyphens (IATF 16949 = iatf-16949)."""
    return re.sub(r"[\s\-_:：]", "", c).upper()


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=lambda: "n-" + uuid.uuid4().hex[:10], min_length=1, max_length=MAX_ID)
    certifications: list[Cert] = Field(default_factory=list, max_length=MAX_CERTS)
    state: str = Field("open", pattern="^(open|closed)$")
    posted_at: dt.date | None = None
    source: str = Field("用户发布", max_length=MAX_SOURCE)
    as_of: dt.date | None = None
    status: str = Field("illustrative", pattern="^(verified|illustrative|synthetic)$")

    @field_validator("certifications")
    @classmethod
    def _certs(cls, v: list[str]) -> list[str]:
        return [c.strip() for c in v if c.strip()]


class Need(_Base):
    """A buyer's sourcing need."""

    buyer_id: Id
    buyer_site_id: Id | None = None
    segment_id: Id
    title: str = Field(min_length=2, max_length=MAX_TITLE)
    spec: str = Field("", max_length=MAX_TEXT)
    annual_volume: OptionalFiniteFloat = Field(None, ge=0)
    volume_unit: str | None = Field(None, max_length=MAX_UNIT)
    delivery_district: str | None = Field(None, pattern=r"^\d{6}$")
    need_by: dt.date | None = None


class Offer(_Base):
    """What a supplier can make, how much, where, with which certifications."""

    id: str = Field(default_factory=lambda: "o-" + uuid.uuid4().hex[:10], min_length=1, max_length=MAX_ID)
    supplier_id: Id
    segment_ids: list[Id] = Field(min_length=1, max_length=MAX_SEGMENTS)
    title: str = Field(min_length=2, max_length=MAX_TITLE)
    text: str = Field("", max_length=MAX_TEXT)
    capacity: OptionalFiniteFloat = Field(None, ge=0)
    committed: OptionalFiniteFloat = Field(None, ge=0)
    capacity_unit: str | None = Field(None, max_length=MAX_UNIT)
    site_ids: list[Id] = Field(default_factory=list, max_length=MAX_SITES)

    @property
    def spare(self) -> float | None:
        if self.capacity is None:
            return None
        return max(self.capacity - (self.committed or 0.0), 0.0)


class ListedNeed(Need):
    """A stored need with the names a reader needs beside its ids."""

    buyer_name: str | None = None
    segment_name: str | None = None


class ListedOffer(Offer):
    """A stored offer with the names a reader needs beside its ids (``segment_names`` as ``segment_ids``)."""

    supplier_name: str | None = None
    segment_names: list[str] = Field(default_factory=list)


def _known(conn: duckdb.DuckDBPyConnection, table: str, ids: list[str], what: str) -> None:
    if not ids:
        return
    found = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ?", [ids]).fetchall()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise MatchRecordError(f"{what} {'、'.join(missing)} 不存在")


def _validate(model: type[BaseModel], data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = "；".join(f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors())
        raise MatchRecordError(f"{what}无效：{problems}") from e


def _own_sites(conn: duckdb.DuckDBPyConnection, sites: list[str], firm: str, what: str) -> None:
    """Refuse plants of another firm than ``firm`` (an enterprise user may name only its own)."""
    if not sites:
        return
    owners = dict(conn.execute("SELECT id, enterprise_id FROM site WHERE id IN ?", [sites]).fetchall())
    others = [f"{s}（属于 {owners[s]}）" for s in sites if s in owners and owners[s] != firm]
    if others:
        raise SiteNotOwned(
            f"企业用户只能填写本企业（{firm}）的{what}，不能填写其他企业的：{'、'.join(others)}"
        )


R = TypeVar("R", bound=_Base)


def _store(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    record: R,
    what: str,
    check: Callable[[], None],
    before_commit: Callable[[R], None] | None,
) -> R:
    with write_transaction(conn, f"{what} {record.id}"):
        check()
        try:
            insert_rows(conn, table, [record.model_dump()])
        except duckdb.ConstraintException as e:
            raise MatchRecordError(f"{what} {record.id} 已存在或字段不合规：{e}") from e
        if before_commit is not None:
            before_commit(record)
    return record


def add_need(
    conn: duckdb.DuckDBPyConnection,
    data: dict[str, Any] | Need,
    *,
    sites_of: str | None = None,
    before_commit: Callable[[Need], None] | None = None,
) -> Need:
    """Validate and store a need; the buyer, its site, the segment and the district must exist.

    ``sites_of``: the firm whose plant ``buyer_site_id`` must be (:class:`SiteNotOwned` otherwise; an
    enterprise user's own firm). ``before_commit(need)`` runs inside the insert's transaction (the audit
    record), so the need and its record are stored together or not at all.
    """
    need = data if isinstance(data, Need) else _validate(Need, data, "采购需求")
    site = [need.buyer_site_id] if need.buyer_site_id else []

    def check() -> None:
        _known(conn, "enterprise", [need.buyer_id], "采购方企业")
        _known(conn, "segment", [need.segment_id], "产业链环节")
        _known(conn, "site", site, "收货厂区")
        _known(conn, "district", [need.delivery_district] if need.delivery_district else [], "交付区县")
        if sites_of is not None:
            _own_sites(conn, site, sites_of, "收货厂区")

    return _store(conn, "need", need, "采购需求", check, before_commit)


def add_offer(
    conn: duckdb.DuckDBPyConnection,
    data: dict[str, Any] | Offer,
    *,
    sites_of: str | None = None,
    before_commit: Callable[[Offer], None] | None = None,
) -> Offer:
    """Validate and store an offer; the supplier, the segments and the sites must exist.

    ``sites_of`` and ``before_commit`` as in :func:`add_need` (every one of ``site_ids`` is checked).
    """
    offer = data if isinstance(data, Offer) else _validate(Offer, data, "供给能力")

    def check() -> None:
        _known(conn, "enterprise", [offer.supplier_id], "供应商企业")
        _known(conn, "segment", offer.segment_ids, "产业链环节")
        _known(conn, "site", offer.site_ids, "厂区")
        if sites_of is not None:
            _own_sites(conn, offer.site_ids, sites_of, "供货厂区")

    return _store(conn, "offer", offer, "供给能力", check, before_commit)


def get_need(conn: duckdb.DuckDBPyConnection, need_id: str) -> Need:
    rows = fetch_dicts(conn, "SELECT * FROM need WHERE id = ?", [need_id])
    if not rows:
        raise MatchRecordNotFound(f"采购需求 {need_id} 不存在")
    return Need.model_validate(rows[0])


def get_offer(conn: duckdb.DuckDBPyConnection, offer_id: str) -> Offer:
    rows = fetch_dicts(conn, "SELECT * FROM offer WHERE id = ?", [offer_id])
    if not rows:
        raise MatchRecordNotFound(f"供给能力 {offer_id} 不存在")
    return Offer.model_validate(rows[0])


def list_needs(
    conn: duckdb.DuckDBPyConnection,
    *,
    buyer: str | None = None,
    segment: str | None = None,
    state: str | None = None,
) -> list[ListedNeed]:
    """Needs, newest first, filtered by buyer, segment and state, with the buyer's and segment's names."""
    rows = fetch_dicts(
        conn,
        "SELECT n.*, coalesce(e.short_name, e.name) AS buyer_name, g.name_zh AS segment_name FROM need n"
        " LEFT JOIN enterprise e ON e.id = n.buyer_id LEFT JOIN segment g ON g.id = n.segment_id"
        " WHERE (? IS NULL OR n.buyer_id = ?) AND (? IS NULL OR n.segment_id = ?)"
        " AND (? IS NULL OR n.state = ?) ORDER BY n.posted_at DESC NULLS LAST, n.id",
        [buyer, buyer, segment, segment, state, state],
    )
    return [ListedNeed.model_validate(r) for r in rows]


def list_offers(
    conn: duckdb.DuckDBPyConnection,
    *,
    supplier: str | None = None,
    segment: str | None = None,
    state: str | None = None,
) -> list[ListedOffer]:
    """Offers, newest first, filtered by supplier, segment and state, with the supplier's and segments' names."""
    rows = fetch_dicts(
        conn,
        "SELECT o.*, coalesce(e.short_name, e.name) AS supplier_name FROM offer o"
        " LEFT JOIN enterprise e ON e.id = o.supplier_id"
        " WHERE (? IS NULL OR o.supplier_id = ?) AND (? IS NULL OR list_contains(o.segment_ids, ?))"
        " AND (? IS NULL OR o.state = ?) ORDER BY o.posted_at DESC NULLS LAST, o.id",
        [supplier, supplier, segment, segment, state, state],
    )
    names = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall()) if rows else {}
    return [
        ListedOffer.model_validate(r | {"segment_names": [names.get(x, x) for x in r["segment_ids"]]})
        for r in rows
    ]


def set_state(conn: duckdb.DuckDBPyConnection, kind: str, record_id: str, state: str) -> None:
    """Open or close a need (``kind="need"``) or an offer (``kind="offer"``); closed ones are not matched."""
    if kind not in ("need", "offer"):
        raise MatchRecordError(f"kind 应为 need 或 offer，实际为 {kind!r}")
    if state not in ("open", "closed"):
        raise MatchRecordError(f"状态应为 open 或 closed，实际为 {state!r}")
    found = conn.execute(f"SELECT count(*) FROM {kind} WHERE id = ?", [record_id]).fetchone()
    if not found or not found[0]:
        raise MatchRecordNotFound(f"{'采购需求' if kind == 'need' else '供给能力'} {record_id} 不存在")
    conn.execute(f"UPDATE {kind} SET state = ? WHERE id = ?", [state, record_id])
