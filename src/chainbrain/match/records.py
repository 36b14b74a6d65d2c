"""Needs (采购需求) and offers (供给能力): validated records, stored in the ``need`` and ``offer`` tables."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chainbrain.store.records import fetch_dicts, insert_rows


class MatchRecordError(ValueError):
    """A need or offer that cannot be stored as given."""


def norm_cert(c: str) -> str:
    """Canonical certification name: upper case, no spaces or hyphens (IATF 16949 = iatf-16949)."""
    return re.sub(r"[\s\-_:：]", "", c).upper()


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=lambda: "n-" + uuid.uuid4().hex[:10], min_length=1, max_length=64)
    certifications: list[str] = Field(default_factory=list)
    state: str = Field("open", pattern="^(open|closed)$")
    posted_at: dt.date | None = None
    source: str = "用户发布"
    as_of: dt.date | None = None
    status: str = Field("illustrative", pattern="^(verified|illustrative|synthetic)$")

    @field_validator("certifications")
    @classmethod
    def _certs(cls, v: list[str]) -> list[str]:
        return [c.strip() for c in v if c.strip()]


class Need(_Base):
    """A buyer's sourcing need."""

    buyer_id: str = Field(min_length=1)
    buyer_site_id: str | None = None
    segment_id: str = Field(min_length=1)
    title: str = Field(min_length=2)
    spec: str = ""
    annual_volume: float | None = Field(None, ge=0)
    volume_unit: str | None = None
    delivery_district: str | None = Field(None, pattern=r"^\d{6}$")
    need_by: dt.date | None = None


class Offer(_Base):
    """What a supplier can make, how much, where, with which certifications."""

    id: str = Field(default_factory=lambda: "o-" + uuid.uuid4().hex[:10], min_length=1, max_length=64)
    supplier_id: str = Field(min_length=1)
    segment_ids: list[str] = Field(min_length=1)
    title: str = Field(min_length=2)
    text: str = ""
    capacity: float | None = Field(None, ge=0)
    committed: float | None = Field(None, ge=0)
    capacity_unit: str | None = None
    site_ids: list[str] = Field(default_factory=list)

    @property
    def spare(self) -> float | None:
        if self.capacity is None:
            return None
        return max(self.capacity - (self.committed or 0.0), 0.0)


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


def add_need(conn: duckdb.DuckDBPyConnection, data: dict[str, Any] | Need) -> Need:
    """Validate and store a need; the buyer, its site, the segment and the district must exist."""
    need = data if isinstance(data, Need) else _validate(Need, data, "采购需求")
    _known(conn, "enterprise", [need.buyer_id], "采购方企业")
    _known(conn, "segment", [need.segment_id], "产业链环节")
    _known(conn, "site", [need.buyer_site_id] if need.buyer_site_id else [], "收货厂区")
    _known(conn, "district", [need.delivery_district] if need.delivery_district else [], "交付区县")
    try:
        insert_rows(conn, "need", [need.model_dump()])
    except duckdb.ConstraintException as e:
        raise MatchRecordError(f"采购需求 {need.id} 已存在或字段不合规：{e}") from e
    return need


def add_offer(conn: duckdb.DuckDBPyConnection, data: dict[str, Any] | Offer) -> Offer:
    """Validate and store an offer; the supplier, the segments and the sites must exist."""
    offer = data if isinstance(data, Offer) else _validate(Offer, data, "供给能力")
    _known(conn, "enterprise", [offer.supplier_id], "供应商企业")
    _known(conn, "segment", offer.segment_ids, "产业链环节")
    _known(conn, "site", offer.site_ids, "厂区")
    try:
        insert_rows(conn, "offer", [offer.model_dump()])
    except duckdb.ConstraintException as e:
        raise MatchRecordError(f"供给能力 {offer.id} 已存在或字段不合规：{e}") from e
    return offer


def get_need(conn: duckdb.DuckDBPyConnection, need_id: str) -> Need:
    rows = fetch_dicts(conn, "SELECT * FROM need WHERE id = ?", [need_id])
    if not rows:
        raise MatchRecordError(f"采购需求 {need_id} 不存在")
    return Need.model_validate(rows[0])


def get_offer(conn: duckdb.DuckDBPyConnection, offer_id: str) -> Offer:
    rows = fetch_dicts(conn, "SELECT * FROM offer WHERE id = ?", [offer_id])
    if not rows:
        raise MatchRecordError(f"供给能力 {offer_id} 不存在")
    return Offer.model_validate(rows[0])


def list_needs(
    conn: duckdb.DuckDBPyConnection,
    *,
    buyer: str | None = None,
    segment: str | None = None,
    state: str | None = None,
) -> list[Need]:
    """Needs, newest first, filtered by buyer, segment and state."""
    rows = fetch_dicts(
        conn,
        "SELECT * FROM need WHERE (? IS NULL OR buyer_id = ?) AND (? IS NULL OR segment_id = ?)"
        " AND (? IS NULL OR state = ?) ORDER BY posted_at DESC NULLS LAST, id",
        [buyer, buyer, segment, segment, state, state],
    )
    return [Need.model_validate(r) for r in rows]


def list_offers(
    conn: duckdb.DuckDBPyConnection,
    *,
    supplier: str | None = None,
    segment: str | None = None,
    state: str | None = None,
) -> list[Offer]:
    """Offers, newest first, filtered by supplier, segment and state."""
    rows = fetch_dicts(
        conn,
        "SELECT * FROM offer WHERE (? IS NULL OR supplier_id = ?) AND (? IS NULL OR list_contains(segment_ids, ?))"
        " AND (? IS NULL OR state = ?) ORDER BY posted_at DESC NULLS LAST, id",
        [supplier, supplier, segment, segment, state, state],
    )
    return [Offer.model_validate(r) for r in rows]


def set_state(conn: duckdb.DuckDBPyConnection, kind: str, record_id: str, state: str) -> None:
    """Open or close a need (``kind="need"``) or an offer (``kind="offer"``); closed ones are not matched."""
    if kind not in ("need", "offer"):
        raise MatchRecordError(f"kind 应为 need 或 offer，实际为 {kind!r}")
    if state not in ("open", "closed"):
        raise MatchRecordError(f"状态应为 open 或 closed，实际为 {state!r}")
    found = conn.execute(f"SELECT count(*) FROM {kind} WHERE id = ?", [record_id]).fetchone()
    if not found or not found[0]:
        raise MatchRecordError(f"{'采购需求' if kind == 'need' else '供给能力'} {record_id} 不存在")
    conn.execute(f"UPDATE {kind} SET state = ? WHERE id = ?", [state, record_id])
