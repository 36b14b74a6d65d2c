"""Incidents (the war room): an exposed event tracked from 待确认 until 已恢复.

States and the only moves allowed::

    待确认 ──► 已确认 ──► 处置中 ──► 已恢复
       │          │
       └──► 无影响 ◄┘

无影响 and 已恢复 are final. Every move, note, owner change and action (switch to a backup supplier, draw
stock, other) is an entry of the incident's timeline with its time and actor. Actions are taken only while
the incident is 已确认 or 处置中. On 已恢复 the actual recovery time — recovery time minus the event's time,
in days — is recorded beside the duration expected when the incident was opened, and
:func:`recovery_review` sets it against the recovery times entered for the event's sites
(``site_resilience.ttr_days``), so entered figures can be checked against what happened.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb

from chainbrain.store.records import fetch_dicts

PENDING, CONFIRMED, NO_IMPACT, RESPONDING, RECOVERED = "待确认", "已确认", "无影响", "处置中", "已恢复"
STATES = (PENDING, CONFIRMED, NO_IMPACT, RESPONDING, RECOVERED)
MOVES: dict[str, tuple[str, ...]] = {
    PENDING: (CONFIRMED, NO_IMPACT),
    CONFIRMED: (RESPONDING, NO_IMPACT),
    RESPONDING: (RECOVERED,),
    NO_IMPACT: (),
    RECOVERED: (),
}
ACTIONS = {"switch_backup": "切换备份供应商", "draw_stock": "动用库存", "other": "其他措施"}
MAX_QUANTITY = 1e12
MAX_NOTE_CHARS = 2000


class IncidentError(ValueError):
    """An illegal move or bad input; the message says what is allowed (in Chinese)."""


@dataclass(frozen=True)
class Entry:
    id: int
    at_time: dt.datetime
    actor: str | None
    kind: str
    from_state: str | None
    to_state: str | None
    action: str | None
    target: str | None
    quantity: float | None
    text: str | None


@dataclass
class Incident:
    id: int
    event_id: int
    state: str
    owner: str | None
    opened_at: dt.datetime
    expected_days: float | None
    recovered_at: dt.datetime | None
    actual_days: float | None
    event_text: str = ""
    timeline: list[Entry] = field(default_factory=list)

    @property
    def allowed(self) -> tuple[str, ...]:
        return MOVES[self.state]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _entry(
    conn: duckdb.DuckDBPyConnection, incident_id: int, actor: str | None, kind: str, **kw: object
) -> None:
    conn.execute(
        "INSERT INTO incident_entry (incident_id, at_time, actor, kind, from_state, to_state, action, target,"
        " quantity, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [incident_id, kw.get("at") or _now(), actor, kind, kw.get("from_state"), kw.get("to_state"),
         kw.get("action"), kw.get("target"), kw.get("quantity"), kw.get("text")],
    )  # fmt: skip


def _text(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip()
    if len(t) > MAX_NOTE_CHARS:
        raise IncidentError(f"说明过长（{len(t)} 字），上限 {MAX_NOTE_CHARS} 字")
    return t or None


def open_incident(
    conn: duckdb.DuckDBPyConnection, event_id: int, *, actor: str | None, owner: str | None = None
) -> Incident:
    """Open the incident of an event (one per event), in state 待确认."""
    ev = conn.execute("SELECT duration_days FROM event WHERE id = ?", [event_id]).fetchone()
    if ev is None:
        raise IncidentError(f"事件 {event_id} 不存在")
    had = conn.execute("SELECT id FROM incident WHERE event_id = ?", [event_id]).fetchone()
    if had:
        raise IncidentError(f"事件 {event_id} 已有处置单 #{had[0]}")
    row = conn.execute(
        "INSERT INTO incident (event_id, state, owner, opened_at, expected_days) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [event_id, PENDING, owner, _now(), ev[0]],
    ).fetchone()
    assert row is not None
    _entry(conn, int(row[0]), actor, "state", to_state=PENDING, text="创建处置单")
    return get_incident(conn, int(row[0]))


def get_incident(conn: duckdb.DuckDBPyConnection, incident_id: int) -> Incident:
    rows = fetch_dicts(
        conn,
        "SELECT i.*, e.text AS event_text FROM incident i JOIN event e ON e.id = i.event_id WHERE i.id = ?",
        [incident_id],
    )
    if not rows:
        raise IncidentError(f"处置单 {incident_id} 不存在")
    inc = Incident(**rows[0])
    inc.timeline = [
        Entry(**r)
        for r in fetch_dicts(
            conn,
            "SELECT id, at_time, actor, kind, from_state, to_state, action, target, quantity, text"
            " FROM incident_entry WHERE incident_id = ? ORDER BY id",
            [incident_id],
        )
    ]
    return inc


def list_incidents(conn: duckdb.DuckDBPyConnection, *, state: str | None = None) -> list[Incident]:
    if state is not None and state not in STATES:
        raise IncidentError(f"状态 {state!r} 无效，应为 {'、'.join(STATES)} 之一")
    ids = conn.execute(
        "SELECT id FROM incident WHERE ? IS NULL OR state = ? ORDER BY id DESC", [state, state]
    )
    return [get_incident(conn, int(r[0])) for r in ids.fetchall()]


def move(
    conn: duckdb.DuckDBPyConnection,
    incident_id: int,
    to_state: str,
    *,
    actor: str | None,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> Incident:
    """Move the incident to ``to_state``; an illegal move is refused and changes nothing."""
    inc = get_incident(conn, incident_id)
    if to_state not in STATES:
        raise IncidentError(f"状态 {to_state!r} 无效，应为 {'、'.join(STATES)} 之一")
    if to_state not in inc.allowed:
        allowed = "、".join(inc.allowed) or "无（已结束）"
        raise IncidentError(
            f"处置单 #{incident_id} 不能从「{inc.state}」转为「{to_state}」；可转为：{allowed}"
        )
    when = (at or _now()).replace(tzinfo=None)
    text = _text(note)
    if to_state == RECOVERED:
        occurred = conn.execute("SELECT occurred_at FROM event WHERE id = ?", [inc.event_id]).fetchone()
        assert occurred is not None
        days = (when - occurred[0]).total_seconds() / 86400
        if days < 0:
            raise IncidentError(f"恢复时间 {when.isoformat()} 早于事件发生时间 {occurred[0].isoformat()}")
        conn.execute(
            "UPDATE incident SET state = ?, recovered_at = ?, actual_days = ? WHERE id = ?",
            [to_state, when, days, incident_id],
        )
    else:
        conn.execute("UPDATE incident SET state = ? WHERE id = ?", [to_state, incident_id])
    _entry(conn, incident_id, actor, "state", from_state=inc.state, to_state=to_state, text=text, at=when)
    return get_incident(conn, incident_id)


def add_note(conn: duckdb.DuckDBPyConnection, incident_id: int, text: str, *, actor: str | None) -> Incident:
    get_incident(conn, incident_id)
    body = _text(text)
    if body is None:
        raise IncidentError("备注不能为空")
    _entry(conn, incident_id, actor, "note", text=body)
    return get_incident(conn, incident_id)


def set_owner(
    conn: duckdb.DuckDBPyConnection, incident_id: int, owner: str, *, actor: str | None
) -> Incident:
    get_incident(conn, incident_id)
    name = owner.strip()
    if not name or len(name) > 100:
        raise IncidentError(f"负责人 {owner!r} 应为 1–100 个字符")
    conn.execute("UPDATE incident SET owner = ? WHERE id = ?", [name, incident_id])
    _entry(conn, incident_id, actor, "owner", text=name)
    return get_incident(conn, incident_id)


def add_action(
    conn: duckdb.DuckDBPyConnection,
    incident_id: int,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    quantity: float | None = None,
    text: str | None = None,
) -> Incident:
    """Record an action: ``switch_backup`` (target = the backup site), ``draw_stock`` (target = the site
    whose stock is drawn, quantity = units) or ``other``."""
    inc = get_incident(conn, incident_id)
    if inc.state not in (CONFIRMED, RESPONDING):
        raise IncidentError(
            f"处置单 #{incident_id} 处于「{inc.state}」，只有已确认或处置中的处置单可以记录措施"
        )
    if action not in ACTIONS:
        raise IncidentError(f"措施 {action!r} 无效，应为 {'、'.join(ACTIONS)} 之一")
    if action in ("switch_backup", "draw_stock"):
        if not target or not conn.execute("SELECT 1 FROM site WHERE id = ?", [target]).fetchone():
            raise IncidentError(f"{ACTIONS[action]}需要一个存在的场所 target（收到 {target!r}）")
    if quantity is not None and not (math.isfinite(quantity) and 0 <= quantity <= MAX_QUANTITY):
        raise IncidentError(f"数量 {quantity!r} 应在 0–{MAX_QUANTITY:g} 之间")
    _entry(
        conn, incident_id, actor, "action", action=action, target=target, quantity=quantity, text=_text(text)
    )
    return get_incident(conn, incident_id)


@dataclass(frozen=True)
class RecoveryReview:
    incident_id: int
    event_id: int
    expected_days: float | None
    actual_days: float
    entered_ttr: dict[str, float]  # site → entered recovery days, for the sites the event names


def recovery_review(conn: duckdb.DuckDBPyConnection) -> list[RecoveryReview]:
    """Recovered incidents: expected and actual days, and the recovery times entered for the firms' sites."""
    out = []
    for r in fetch_dicts(
        conn,
        "SELECT id, event_id, expected_days, actual_days FROM incident WHERE state = ? ORDER BY id",
        [RECOVERED],
    ):
        entered = dict(
            conn.execute(
                "SELECT s.id, sr.ttr_days FROM event_link l JOIN site s ON s.enterprise_id = l.target_id"
                " JOIN site_resilience sr ON sr.site_id = s.id WHERE l.event_id = ? AND l.kind = 'firm'"
                " AND sr.ttr_days IS NOT NULL ORDER BY s.id",
                [r["event_id"]],
            ).fetchall()
        )
        out.append(
            RecoveryReview(r["id"], r["event_id"], r["expected_days"], float(r["actual_days"]), entered)
        )
    return out
