"""Incidents: the state machine refuses every illegal move; timeline, actions, recovery time."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from chainbrain.events.incidents import (
    CONFIRMED,
    MOVES,
    NO_IMPACT,
    PENDING,
    RECOVERED,
    RESPONDING,
    STATES,
    IncidentError,
    add_action,
    add_note,
    get_incident,
    list_incidents,
    move,
    open_incident,
    recovery_review,
    set_owner,
)
from chainbrain.events.ingest import EventIn, add_events
from fixtures.events import events_store

T0 = dt.datetime(2026, 7, 1, 8, 0)
LEGAL = {(PENDING, CONFIRMED), (PENDING, NO_IMPACT), (CONFIRMED, RESPONDING), (CONFIRMED, NO_IMPACT),
         (RESPONDING, RECOVERED)}  # fmt: skip


@pytest.fixture
def conn():
    c = events_store()
    yield c
    c.close()


def _event(conn, text="璧电电池璧山工厂火灾，停产十天"):
    [ev] = add_events(conn, [EventIn(text, "手工录入", T0)])
    return ev.event_id


def test_the_move_table_is_the_documented_one():
    assert {(a, b) for a, bs in MOVES.items() for b in bs} == LEGAL


def _reach(conn, state):
    """A fresh incident in ``state`` by legal moves only."""
    path = {PENDING: [], CONFIRMED: [CONFIRMED], NO_IMPACT: [NO_IMPACT], RESPONDING: [CONFIRMED, RESPONDING],
            RECOVERED: [CONFIRMED, RESPONDING, RECOVERED]}[state]  # fmt: skip
    inc = open_incident(
        conn, _event(conn, f"璧电电池工厂火灾 {state} {len(list_incidents(conn))}"), actor="t"
    )
    for s in path:
        inc = move(conn, inc.id, s, actor="t", at=T0 + dt.timedelta(days=3))
    return inc


@pytest.mark.parametrize(("src", "dst"), [p for p in itertools.product(STATES, STATES) if p not in LEGAL])
def test_illegal_moves_are_refused_and_change_nothing(conn, src, dst):
    inc = _reach(conn, src)
    before = get_incident(conn, inc.id)
    with pytest.raises(IncidentError, match=f"不能从「{src}」转为「{dst}」"):
        move(conn, inc.id, dst, actor="t")
    after = get_incident(conn, inc.id)
    assert (after.state, len(after.timeline)) == (before.state, len(before.timeline))


def test_full_path_with_timeline_actions_and_recovery_time(conn):
    conn.execute("UPDATE site_resilience SET ttr_days = 12 WHERE site_id = 'S1'")
    ev = _event(conn)
    inc = open_incident(conn, ev, actor="ana", owner="采购部张工")
    assert (inc.state, inc.owner, inc.expected_days) == (PENDING, "采购部张工", 10.0)
    with pytest.raises(IncidentError, match="已有处置单"):
        open_incident(conn, ev, actor="ana")
    with pytest.raises(IncidentError, match="只有已确认或处置中"):
        add_action(conn, inc.id, "draw_stock", actor="ana", target="S1", quantity=5)
    move(conn, inc.id, CONFIRMED, actor="ana", note="供应商确认起火")
    move(conn, inc.id, RESPONDING, actor="ana")
    add_action(conn, inc.id, "switch_backup", actor="ana", target="S2", text="渝能电池临时供货")
    add_action(conn, inc.id, "draw_stock", actor="ana", target="S1", quantity=5.0)
    with pytest.raises(IncidentError, match="存在的场所"):
        add_action(conn, inc.id, "switch_backup", actor="ana", target="nowhere")
    with pytest.raises(IncidentError, match="数量"):
        add_action(conn, inc.id, "draw_stock", actor="ana", target="S1", quantity=float("nan"))
    add_note(conn, inc.id, "每日例会跟进", actor="ana")
    set_owner(conn, inc.id, "供应链总监", actor="ana")
    with pytest.raises(IncidentError, match="早于事件发生时间"):
        move(conn, inc.id, RECOVERED, actor="ana", at=T0 - dt.timedelta(days=1))
    done = move(conn, inc.id, RECOVERED, actor="ana", at=T0 + dt.timedelta(days=13, hours=12))
    assert done.actual_days == pytest.approx(13.5)
    assert done.allowed == ()
    kinds = [(e.kind, e.to_state or e.action or e.text) for e in done.timeline]
    assert kinds == [
        ("state", PENDING),
        ("state", CONFIRMED),
        ("state", RESPONDING),
        ("action", "switch_backup"),
        ("action", "draw_stock"),
        ("note", "每日例会跟进"),
        ("owner", "供应链总监"),
        ("state", RECOVERED),
    ]
    [review] = recovery_review(conn)
    assert (review.expected_days, review.actual_days, review.entered_ttr) == (10.0, 13.5, {"S1": 12.0})


def test_listing_by_state(conn):
    a = _reach(conn, CONFIRMED)
    _reach(conn, NO_IMPACT)
    assert [i.id for i in list_incidents(conn, state=CONFIRMED)] == [a.id]
    with pytest.raises(IncidentError, match="无效"):
        list_incidents(conn, state="closed")
