"""Events in: entered by hand, imported from CSV/JSON (all-or-nothing), pulled from feeds (:mod:`feeds`),
pushed to the webhook. Each event keeps its text, source, time and provenance; each report received is
kept in ``event_report``.

**Duplicates.** A report is merged into an existing event (its ``sources`` count goes up, the report is
kept) when its *normalised text* — NFKC, lower case, without white space and punctuation — has the same
SHA-256, or when the Jaccard similarity of the two texts' character bigram sets is at least
:data:`SIMILARITY` and the two happened within :data:`WINDOW_DAYS` of each other. A report from a
source that already delivered the same ``external_id`` (a feed entry id) is skipped.

A new event is classified (:mod:`classify`) and linked (:mod:`link`); its links are stored in
``event_link``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.events.classify import classify
from chainbrain.events.link import Linker, LinkResult
from chainbrain.io.problems import ImportRejected, Problem
from chainbrain.store.records import fetch_dicts, transaction

SIMILARITY = 0.8
WINDOW_DAYS = 3
MAX_TEXT_CHARS = 5000
STATUSES = ("verified", "illustrative", "synthetic")
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


class EventError(ValueError):
    """Bad event input; the message names the field and value (in Chinese)."""


@dataclass(frozen=True)
class EventIn:
    text: str
    source: str
    occurred_at: dt.datetime
    title: str | None = None
    url: str | None = None
    status: str = "verified"
    external_id: str | None = None


@dataclass(frozen=True)
class Ingested:
    event_id: int
    merged: bool  # True: the report joined an earlier event
    skipped: bool  # True: the same source already delivered this entry
    similarity: float


def normalised_text(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


def bigrams(text: str) -> set[str]:
    t = normalised_text(text)
    return {t[i : i + 2] for i in range(len(t) - 1)} or {t}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigram sets of the two normalised texts."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def check(item: EventIn) -> EventIn:
    """``item`` with its text trimmed, or an :class:`EventError` naming what is wrong."""
    text = item.text.strip()
    if not text:
        raise EventError("事件文本 text 不能为空")
    if len(text) > MAX_TEXT_CHARS:
        raise EventError(f"事件文本 text 过长（{len(text)} 字），上限 {MAX_TEXT_CHARS} 字")
    if not item.source.strip():
        raise EventError("来源 source 不能为空")
    if item.status not in STATUSES:
        raise EventError(f"status {item.status!r} 应为 verified / illustrative / synthetic 之一")
    at = item.occurred_at
    if not dt.datetime(1990, 1, 1) <= at.replace(tzinfo=None) <= dt.datetime(2100, 1, 1):
        raise EventError(f"发生时间 occurred_at {at.isoformat()} 超出 1990–2100 年")
    return EventIn(text, item.source.strip(), at.replace(tzinfo=None), item.title, item.url, item.status,
                   item.external_id)  # fmt: skip


def _duplicate(conn: duckdb.DuckDBPyConnection, item: EventIn) -> tuple[int, float] | None:
    same = conn.execute(
        "SELECT id FROM event WHERE text_hash = ? ORDER BY id LIMIT 1", [text_hash(item.text)]
    )
    row = same.fetchone()
    if row:
        return int(row[0]), 1.0
    lo = item.occurred_at - dt.timedelta(days=WINDOW_DAYS)
    hi = item.occurred_at + dt.timedelta(days=WINDOW_DAYS)
    best: tuple[int, float] | None = None
    for r in fetch_dicts(
        conn, "SELECT id, text FROM event WHERE occurred_at BETWEEN ? AND ? ORDER BY id", [lo, hi]
    ):
        s = similarity(item.text, r["text"])
        if s >= SIMILARITY and (best is None or s > best[1]):
            best = (int(r["id"]), s)
    return best


def store_links(conn: duckdb.DuckDBPyConnection, event_id: int, res: LinkResult) -> None:
    conn.execute("DELETE FROM event_link WHERE event_id = ?", [event_id])
    rows = [("firm", x.enterprise_id, x.mention, x.score, x.start, x.end) for x in res.links]
    rows += [("site", x.site_id, x.mention, 1.0, x.start, x.end) for x in res.sites]
    rows += [("district", d.code, d.mention, 1.0, d.start, d.end) for d in res.districts]
    rows += [("segment", s.segment_id, s.mention, 1.0, s.start, s.end) for s in res.segments]
    for kind, target, mention, score, start, end in rows:
        conn.execute(
            "INSERT INTO event_link VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [event_id, kind, target, mention, score, start, end],
        )


def add_event(conn: duckdb.DuckDBPyConnection, item: EventIn, *, linker: Linker | None = None) -> Ingested:
    """Store one report: a new event, a merge into a duplicate, or a skip. The caller owns the transaction."""
    item = check(item)
    if item.external_id is not None:
        seen = conn.execute(
            "SELECT event_id FROM event_report WHERE source = ? AND external_id = ? LIMIT 1",
            [item.source, item.external_id],
        ).fetchone()
        if seen:
            return Ingested(int(seen[0]), True, True, 1.0)
    dup = _duplicate(conn, item)
    if dup is not None:
        event_id, sim = dup
        conn.execute("UPDATE event SET sources = sources + 1 WHERE id = ?", [event_id])
        _report(conn, event_id, item, sim)
        return Ingested(event_id, True, False, sim)
    c = classify(item.text)
    row = conn.execute(
        "INSERT INTO event (title, text, text_hash, source, url, occurred_at, status, event_type, severity,"
        " duration_days, classified_by, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'rules', ?) RETURNING id",
        [item.title, item.text, text_hash(item.text), item.source, item.url, item.occurred_at, item.status,
         c.event_type, c.severity, c.duration_days, c.rule],
    ).fetchone()  # fmt: skip
    assert row is not None
    event_id = int(row[0])
    _report(conn, event_id, item, 1.0)
    store_links(conn, event_id, (linker or Linker.from_store(conn)).link(item.text))
    return Ingested(event_id, False, False, 1.0)


def _report(conn: duckdb.DuckDBPyConnection, event_id: int, item: EventIn, sim: float) -> None:
    conn.execute(
        "INSERT INTO event_report (event_id, source, url, external_id, text, similarity) VALUES (?, ?, ?, ?, ?, ?)",
        [event_id, item.source, item.url, item.external_id, item.text, sim],
    )


def add_events(conn: duckdb.DuckDBPyConnection, items: Sequence[EventIn]) -> list[Ingested]:
    """Store several reports in one transaction, with one linker."""
    linker = Linker.from_store(conn)
    with transaction(conn):
        return [add_event(conn, it, linker=linker) for it in items]


# ---- files ---------------------------------------------------------------------------------------------

COLUMNS = {
    "text": "文本",
    "occurred_at": "发生时间",
    "source": "来源",
    "title": "标题",
    "url": "链接",
    "status": "来源类别",
}


def parse_time(value: Any) -> dt.datetime:
    """An ISO date or date-time (``2026-07-01``, ``2026-07-01 08:30``, with or without zone)."""
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    try:
        got = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        got = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    if got.tzinfo is not None:
        try:
            got = got.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError as e:
            raise ValueError(f"时间 {text} 超出范围") from e
    return got


def _rows(path: Path, data: bytes) -> list[dict[str, Any]]:
    name = path.name
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ImportRejected([Problem(name, None, None, None, f"不是合法的 UTF-8 JSON：{e}")]) from e
        items = doc.get("data") if isinstance(doc, dict) else doc
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise ImportRejected([Problem(name, None, None, None, 'JSON 应为对象列表，或 {"data": [对象…]}')])
        return items
    if path.suffix.lower() == ".csv":
        try:
            return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        except UnicodeDecodeError as e:
            raise ImportRejected([Problem(name, None, None, None, f"不是 UTF-8 编码：{e}")]) from e
        except csv.Error as e:
            raise ImportRejected([Problem(name, None, None, None, f"不是合法的 CSV：{e}")]) from e
    raise ImportRejected(
        [Problem(name, None, None, None, f"不支持的文件类型 {path.suffix!r}：请用 .csv 或 .json")]
    )


def read_events_file(path: Path, data: bytes | None = None) -> list[EventIn]:
    """Every row of a CSV/JSON events file, checked; :class:`ImportRejected` lists every problem.

    Columns (English or Chinese headers): text/文本 and occurred_at/发生时间 required; source/来源 (default:
    the file name), title/标题, url/链接, status/来源类别 (default verified). Row numbers count the CSV header
    as row 1 (JSON: the first object is row 1).
    """
    raw = path.read_bytes() if data is None else data
    rows = _rows(path, raw)
    zh_to_en = {v: k for k, v in COLUMNS.items()}
    offset = 2 if path.suffix.lower() == ".csv" else 1
    problems: list[Problem] = []
    out: list[EventIn] = []
    if not rows:
        raise ImportRejected([Problem(path.name, None, None, None, "文件中没有任何事件")])
    for i, r in enumerate(rows):
        row_no = i + offset
        r = {zh_to_en.get(str(k).strip(), str(k).strip()): v for k, v in r.items()}
        unknown = [k for k in r if k not in COLUMNS]
        for k in unknown:
            problems.append(Problem(path.name, row_no, k, None, "未知的列"))
        text = str(r.get("text") or "").strip()
        if not text:
            problems.append(Problem(path.name, row_no, "text", r.get("text"), "事件文本不能为空"))
        try:
            at = parse_time(r.get("occurred_at") or "")
        except ValueError:
            problems.append(
                Problem(path.name, row_no, "occurred_at", r.get("occurred_at"), "应为 YYYY-MM-DD 或 ISO 时间")
            )
            continue
        title, url = r.get("title"), r.get("url")
        item = EventIn(text, str(r.get("source") or path.name), at, str(title) if title else None,
                       str(url) if url else None, str(r.get("status") or "verified"))  # fmt: skip
        if not text:
            continue
        try:
            out.append(check(item))
        except EventError as e:
            problems.append(Problem(path.name, row_no, None, None, str(e)))
    if problems:
        raise ImportRejected(problems)
    return out


def import_file(conn: duckdb.DuckDBPyConnection, path: Path, data: bytes | None = None) -> list[Ingested]:
    """Import a CSV/JSON events file, all or nothing."""
    return add_events(conn, read_events_file(path, data))
