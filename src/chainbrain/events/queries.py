"""The event monitor's reads and the correction write: events, their links and incidents, per event or as
the newest-first stream the API pages through and the CLI lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from chainbrain.errors import NotFound
from chainbrain.events.classify import SEVERITY_ZH, Classification, corrected, event_types
from chainbrain.events.link import DistrictLink, FirmLink, SegmentLink

#: the stored columns a reader sees (``text_hash`` stays inside the store)
_COLUMNS = (
    "id, title, text, source, url, occurred_at, received_at, status, event_type, severity, duration_days,"
    " classified_by, rule, sources"
)


@dataclass(frozen=True)
class StoredEvent:
    """One stored event: its text and provenance, and its classification (rules' or a user's)."""

    id: int
    title: str | None
    text: str
    source: str
    url: str | None
    occurred_at: dt.datetime
    received_at: dt.datetime
    status: str
    event_type: str
    severity: int  # 1..4
    duration_days: float
    classified_by: str  # 'rules' or the name of the user who corrected it
    rule: str | None
    sources: int  # reports merged into the event

    @property
    def type_zh(self) -> str:
        types = event_types()
        return types.get(self.event_type, types["other"]).zh

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH[self.severity]

    def classification(self) -> Classification:
        """The stored classification, as :func:`chainbrain.events.classify.corrected` takes it."""
        types = event_types()
        t = types.get(self.event_type, types["other"])
        return Classification(
            t.id, t.zh, self.severity, self.duration_days, t.positive, t.area, self.rule or ""
        )


@dataclass(frozen=True)
class StoredLinks:
    """What a stored event names, in text order, each with the stored name of the firm, district or segment."""

    firms: list[FirmLink] = field(default_factory=list)
    districts: list[DistrictLink] = field(default_factory=list)
    segments: list[SegmentLink] = field(default_factory=list)


def _events(conn: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[StoredEvent]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM event {where}", params).fetchall()
    return [StoredEvent(*r) for r in rows]


def event_row(conn: duckdb.DuckDBPyConnection, event_id: int) -> StoredEvent | None:
    """One stored event, or None."""
    rows = _events(conn, "WHERE id = ?", [event_id])
    return rows[0] if rows else None


def event_links(conn: duckdb.DuckDBPyConnection, event_id: int) -> StoredLinks:
    """An event's links in text order, each with the name of the firm, district or segment it names."""
    rows = conn.execute(
        "SELECT l.kind, l.target_id, coalesce(e.name, d.name, g.name_zh, l.target_id) AS name, l.mention,"
        " l.score, l.start_pos, l.end_pos FROM event_link l"
        " LEFT JOIN enterprise e ON l.kind = 'firm' AND e.id = l.target_id"
        " LEFT JOIN district d ON l.kind = 'district' AND d.id = l.target_id"
        " LEFT JOIN segment g ON l.kind = 'segment' AND g.id = l.target_id"
        " WHERE l.event_id = ? AND l.kind IN ('firm', 'district', 'segment') ORDER BY l.start_pos",
        [event_id],
    ).fetchall()
    out = StoredLinks()
    for kind, target, name, mention, score, start, end in rows:
        if kind == "firm":
            out.firms.append(FirmLink(target, name, mention, score, start, end))
        elif kind == "district":
            out.districts.append(DistrictLink(target, name, mention, start, end))
        else:
            out.segments.append(SegmentLink(target, name, mention, start, end))
    return out


def incident_of(conn: duckdb.DuckDBPyConnection, event_id: int) -> int | None:
    """The id of the incident opened for an event, or None."""
    row = conn.execute("SELECT id FROM incident WHERE event_id = ?", [event_id]).fetchone()
    return int(row[0]) if row else None


def linked_firms(conn: duckdb.DuckDBPyConnection, event_id: int) -> set[str]:
    """The firms an event names."""
    rows = conn.execute(
        "SELECT target_id FROM event_link WHERE event_id = ? AND kind = 'firm'", [event_id]
    ).fetchall()
    return {r[0] for r in rows}


def stream(
    conn: duckdb.DuckDBPyConnection,
    *,
    min_severity: int,
    event_type: str | None,
    firm: str | None,
    limit: int,
) -> list[StoredEvent]:
    """Events newest first, at least ``min_severity``, optionally of one type or naming one firm."""
    return _events(
        conn,
        "WHERE severity >= ? AND (? IS NULL OR event_type = ?) AND (? IS NULL OR id IN"
        " (SELECT event_id FROM event_link WHERE kind = 'firm' AND target_id = ?))"
        " ORDER BY occurred_at DESC, id DESC LIMIT ?",
        [min_severity, event_type, event_type, firm, firm, limit],
    )


def unalerted(conn: duckdb.DuckDBPyConnection, feed_id: int | None = None) -> list[int]:
    """Events for which no alert was made yet (those a pull just stored), of one feed or of all."""
    rows = conn.execute(
        "SELECT id FROM event WHERE id NOT IN (SELECT DISTINCT event_id FROM alert) AND (? IS NULL OR source ="
        " (SELECT url FROM event_feed WHERE id = ?)) ORDER BY id",
        [feed_id, feed_id],
    ).fetchall()
    return [int(r[0]) for r in rows]


def set_classification(
    conn: duckdb.DuckDBPyConnection,
    event_id: int,
    *,
    event_type: str,
    severity: int,
    duration_days: float | None,
    classified_by: str,
    rule: str,
) -> None:
    """Store a user's correction of an event's type, severity and expected duration."""
    conn.execute(
        "UPDATE event SET event_type = ?, severity = ?, duration_days = ?, classified_by = ?, rule = ?"
        " WHERE id = ?",
        [event_type, severity, duration_days, classified_by, rule, event_id],
    )


class EventNotFound(NotFound):
    """No stored event has the id asked for."""


def correct_event(
    conn: duckdb.DuckDBPyConnection,
    event_id: int,
    *,
    event_type: str | None,
    severity: int | None,
    duration_days: float | None,
    by: str,
) -> Classification:
    """Apply a user's correction of an event's type, severity or expected duration and keep who made it.

    Raises :class:`EventNotFound` for an unknown id and :class:`~chainbrain.events.classify.ClassifyError`
    for a correction out of range (nothing is written then).
    """
    row = event_row(conn, event_id)
    if row is None:
        raise EventNotFound(f"事件 {event_id} 不存在，请检查编号")
    c = corrected(row.classification(), event_type=event_type, severity=severity, duration_days=duration_days)
    set_classification(
        conn,
        event_id,
        event_type=c.event_type,
        severity=c.severity,
        duration_days=c.duration_days,
        classified_by=by,
        rule=c.rule,
    )
    return c
