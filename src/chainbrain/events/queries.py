"""The event monitor's reads and the correction write: events, their links and incidents, per event or as
the newest-first stream the API pages through."""

from __future__ import annotations

from typing import Any

import duckdb

from chainbrain.store.records import fetch_dicts


def event_row(conn: duckdb.DuckDBPyConnection, event_id: int) -> dict[str, Any] | None:
    """One stored event (every column), or None."""
    rows = fetch_dicts(conn, "SELECT * FROM event WHERE id = ?", [event_id])
    return rows[0] if rows else None


def event_links(conn: duckdb.DuckDBPyConnection, event_id: int) -> list[dict[str, Any]]:
    """An event's links in text order, each with the name of the firm, district or segment it names."""
    return fetch_dicts(
        conn,
        "SELECT l.kind, l.target_id, l.mention, l.score, l.start_pos, l.end_pos,"
        " coalesce(e.name, d.name, g.name_zh, l.target_id) AS name FROM event_link l"
        " LEFT JOIN enterprise e ON l.kind = 'firm' AND e.id = l.target_id"
        " LEFT JOIN district d ON l.kind = 'district' AND d.id = l.target_id"
        " LEFT JOIN segment g ON l.kind = 'segment' AND g.id = l.target_id"
        " WHERE l.event_id = ? ORDER BY l.start_pos",
        [event_id],
    )


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
) -> list[dict[str, Any]]:
    """Events newest first, at least ``min_severity``, optionally of one type or naming one firm."""
    return fetch_dicts(
        conn,
        "SELECT * FROM event WHERE severity >= ? AND (? IS NULL OR event_type = ?) AND (? IS NULL OR id IN"
        " (SELECT event_id FROM event_link WHERE kind = 'firm' AND target_id = ?))"
        " ORDER BY occurred_at DESC, id DESC LIMIT ?",
        [min_severity, event_type, event_type, firm, firm, limit],
    )


def unalerted_from_feed(conn: duckdb.DuckDBPyConnection, feed_id: int) -> list[int]:
    """Events of a feed for which no alert was made yet (those a pull just stored)."""
    rows = conn.execute(
        "SELECT id FROM event WHERE id NOT IN (SELECT DISTINCT event_id FROM alert) AND source ="
        " (SELECT url FROM event_feed WHERE id = ?)",
        [feed_id],
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
