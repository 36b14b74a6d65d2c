"""RSS/Atom feeds the admin configures, pulled with ``feedparser``, and the webhook's sender tokens.

A feed entry becomes a report with text = title + summary (markup removed: feed summaries are HTML),
occurred_at = the entry's published (else updated) time, else the time of the pull; url = its link and
external_id = its id (else its link), so a second pull of the same feed adds nothing.

Webhook tokens are random (32 bytes, URL-safe); only their SHA-256 is stored, and the sender's name is
recorded as the source of each event it pushes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import duckdb

from chainbrain.events.ingest import EventError, EventIn, Ingested, add_event
from chainbrain.events.link import Linker
from chainbrain.store.records import fetch_dicts, transaction

FETCH_TIMEOUT_S = 20.0
MAX_FEED_BYTES = 5_000_000
_TAG = re.compile(r"<[^>]+>")


class FeedError(ValueError):
    """A feed cannot be added or read; the message names the feed (in Chinese)."""


@dataclass(frozen=True)
class Feed:
    id: int
    name: str
    url: str
    active: bool
    last_fetched: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True)
class PullResult:
    feed_id: int
    entries: int
    added: int
    merged: int
    skipped: int
    error: str | None


def add_feed(conn: duckdb.DuckDBPyConnection, name: str, url: str) -> Feed:
    if not re.match(r"^https?://", url):
        raise FeedError(f"订阅源地址 {url!r} 应以 http:// 或 https:// 开头")
    if not name.strip():
        raise FeedError("订阅源名称不能为空")
    if conn.execute("SELECT 1 FROM event_feed WHERE url = ?", [url]).fetchone():
        raise FeedError(f"订阅源 {url} 已存在")
    row = conn.execute(
        "INSERT INTO event_feed (name, url) VALUES (?, ?) RETURNING id", [name.strip(), url]
    ).fetchone()
    assert row is not None
    return Feed(int(row[0]), name.strip(), url, True, None, None)


def list_feeds(conn: duckdb.DuckDBPyConnection) -> list[Feed]:
    rows = fetch_dicts(
        conn, "SELECT id, name, url, active, last_fetched, last_error FROM event_feed ORDER BY id"
    )
    return [Feed(**r) for r in rows]


def plain_text(markup: str) -> str:
    """Feed HTML as text: tags dropped, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", markup or ""))).strip()


def _when(entry: Any, default: dt.datetime) -> dt.datetime:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return dt.datetime.fromtimestamp(calendar.timegm(t), dt.UTC).replace(tzinfo=None)
    return default


def fetch(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "chainbrain-events/1"})
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT_S) as resp:
            data: bytes = resp.read(MAX_FEED_BYTES + 1)
    except (urllib.error.URLError, OSError) as e:
        raise FeedError(f"无法读取订阅源 {url}：{e}") from e
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"订阅源 {url} 超过 {MAX_FEED_BYTES} 字节")
    return data


def entries(data: bytes, source: str, now: dt.datetime) -> list[EventIn]:
    """The feed document's entries as reports (entries without any text are left out)."""
    import feedparser  # type: ignore[import-untyped]

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"订阅源 {source} 不是可解析的 RSS/Atom：{parsed.get('bozo_exception')}")
    out = []
    for e in parsed.entries:
        title = plain_text(e.get("title", ""))
        summary = plain_text(e.get("summary", ""))
        text = title if not summary or summary == title else f"{title}。{summary}" if title else summary
        if not text:
            continue
        link = e.get("link") or None
        out.append(EventIn(text, source, _when(e, now), title or None, link, "verified", e.get("id") or link))
    return out


def pull_feed(conn: duckdb.DuckDBPyConnection, feed_id: int, *, now: dt.datetime | None = None) -> PullResult:
    """Fetch one feed and store its new entries (one transaction); the error, if any, is kept on the feed."""
    row = conn.execute("SELECT url FROM event_feed WHERE id = ?", [feed_id]).fetchone()
    if row is None:
        raise FeedError(f"订阅源 {feed_id} 不存在")
    url = str(row[0])
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        items = entries(fetch(url), url, now)
    except FeedError as e:
        conn.execute(
            "UPDATE event_feed SET last_fetched = ?, last_error = ? WHERE id = ?", [now, str(e), feed_id]
        )
        return PullResult(feed_id, 0, 0, 0, 0, str(e))
    linker = Linker.from_store(conn)
    got: list[Ingested] = []
    with transaction(conn):
        for it in items:
            try:
                got.append(add_event(conn, it, linker=linker))
            except EventError:
                continue  # an entry outside the accepted range (e.g. dated 1970) is not an event
        conn.execute("UPDATE event_feed SET last_fetched = ?, last_error = NULL WHERE id = ?", [now, feed_id])
    return PullResult(
        feed_id,
        len(items),
        sum(1 for g in got if not g.merged),
        sum(1 for g in got if g.merged and not g.skipped),
        sum(1 for g in got if g.skipped),
        None,
    )


def pull_all(conn: duckdb.DuckDBPyConnection) -> list[PullResult]:
    return [pull_feed(conn, f.id) for f in list_feeds(conn) if f.active]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(conn: duckdb.DuckDBPyConnection, name: str) -> str:
    """A new webhook token for sender ``name`` (shown once; only its hash is stored)."""
    if not name.strip():
        raise FeedError("推送方名称不能为空")
    if conn.execute("SELECT 1 FROM event_token WHERE name = ?", [name.strip()]).fetchone():
        raise FeedError(f"推送方 {name} 已有令牌")
    token = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO event_token (token_hash, name) VALUES (?, ?)", [_hash(token), name.strip()])
    return token


def token_sender(conn: duckdb.DuckDBPyConnection, token: str | None) -> str | None:
    """The sender a webhook token belongs to, or None."""
    if not token:
        return None
    row = conn.execute("SELECT name FROM event_token WHERE token_hash = ?", [_hash(token)]).fetchone()
    return str(row[0]) if row else None
