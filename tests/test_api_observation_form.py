"""POST /observations, the 目标监测 page's one-observation form: the import's checks, all-or-nothing, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

V1 = "/api/v1"
#: this month: a period that has started (the import refuses a period after the day it is recorded) and is
#: later than the demo's observations, which end a month or more before today
MONTH = dt.date.today().strftime("%Y-%m")


@pytest.fixture
def api(demo_db_copy: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    conn = connect(demo_db_copy)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    create_user(conn, "ana", "obs-form-pass-1", "analyst")
    create_user(conn, "view", "obs-form-pass-2", "viewer")
    conn.close()
    with TestClient(create_app(ApiSettings(db=demo_db_copy))) as c:
        auth = {}
        for u, p in (("ana", "obs-form-pass-1"), ("view", "obs-form-pass-2")):
            r = c.post(f"{V1}/auth/login", json={"username": u, "password": p})
            auth[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        c.cookies.clear()
        yield c, auth


def _target(c: TestClient, h: dict, kind: str) -> dict:
    year = dt.date.today().year
    return next(
        t for t in c.get(f"{V1}/targets", headers=h).json()["data"] if t["kind"] == kind and t["year"] >= year
    )


def _count(c: TestClient) -> tuple[int, int]:
    conn = c.app.state.conn.cursor()
    obs = conn.execute("SELECT count(*) FROM observation").fetchone()[0]
    aud = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'observation.create'").fetchone()[0]
    return obs, aud


def test_bounds_are_the_imports_and_nothing_is_written_on_refusal(api):
    c, auth = api
    h = auth["ana"]
    level, before = _target(c, h, "level"), _count(c)
    body = {
        "target_id": level["id"],
        "period": MONTH,
        "value": -1,
        "source": "手工",
        "status": "illustrative",
    }
    r = c.post(f"{V1}/observations", json=body, headers=h)
    assert r.status_code == 422 and "数值不能为负" in r.json()["detail"] and "未记录" in r.json()["detail"]
    r = c.post(f"{V1}/observations", json={**body, "value": 1, "period": "2035"}, headers=h)
    assert r.status_code == 422 and "期间超出范围" in r.json()["detail"]
    share = _target(c, h, "share")
    r = c.post(f"{V1}/observations", json={**body, "target_id": share["id"], "value": 120}, headers=h)
    assert r.status_code == 422 and "比重应在 0—100" in r.json()["detail"]
    r = c.post(f"{V1}/observations", json={**body, "unit": "吨"}, headers=h)
    assert r.status_code == 422 and f"单位是 {level['unit']}" in r.json()["detail"]
    assert _count(c) == before  # nothing written, nothing audited
    assert c.post(f"{V1}/observations", json={**body, "value": 1}, headers=auth["view"]).status_code == 403


def test_a_saved_value_is_the_targets_latest_and_is_audited(api):
    c, auth = api
    h = auth["ana"]
    t = _target(c, h, "level")
    obs0, aud0 = _count(c)
    body = {
        "target_id": t["id"],
        "period": MONTH,
        "value": 123.5,
        "source": "示意：手工录入",
        "status": "illustrative",
    }
    r = c.post(f"{V1}/observations", json=body, headers=h)
    assert r.status_code == 201 and r.json() == {"written": 1, "message": "已记录"}
    row = next(x for x in c.get(f"{V1}/targets", headers=h).json()["data"] if x["id"] == t["id"])
    assert (row["latest"], row["latest_period"], row["latest_status"]) == (123.5, MONTH, "illustrative")
    assert _count(c) == (obs0 + 1, aud0 + 1)
    # the same value again: not written twice; a different one needs 更正, then is written beside the old
    assert c.post(f"{V1}/observations", json=body, headers=h).json()["written"] == 0
    r = c.post(f"{V1}/observations", json={**body, "value": 124}, headers=h)
    assert r.status_code == 422 and "更正" in r.json()["detail"]
    r = c.post(f"{V1}/observations", json={**body, "value": 124, "correction": True}, headers=h)
    assert r.status_code == 201
    row = next(x for x in c.get(f"{V1}/targets", headers=h).json()["data"] if x["id"] == t["id"])
    assert row["latest"] == 124
