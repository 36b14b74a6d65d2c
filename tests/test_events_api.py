"""事件监测 routes on the demo store: linking, events in, exposure by role, alerts, incidents, webhook."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.events.exposure import event_exposure
from chainbrain.store import connect

USERS = {
    "analyst-ev": ("analyst", None),
    "changan-ev": ("enterprise", "changan"),
    "gwm-ev": ("enterprise", "gwm"),
    "viewer-ev": ("viewer", None),
    "admin-ev": ("admin", None),
}
PASSWORD = "events-pass-2026"
BASE = "/api/v1/events"
FIRE = "宁德时代宜宾基地火灾，停产四十天"


@pytest.fixture(scope="module")
def app_db(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("apievents") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    return path


@pytest.fixture(scope="module")
def client(app_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=app_db))) as c:
        yield c


@pytest.fixture(scope="module")
def h(client: TestClient) -> dict[str, dict[str, str]]:
    out = {}
    for u in USERS:
        r = client.post("/api/v1/auth/login", json={"username": u, "password": PASSWORD})
        client.cookies.clear()
        out[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


@pytest.fixture(scope="module")
def fire(client: TestClient, h: dict) -> int:
    r = client.post(f"{BASE}/subscriptions", json={"min_severity": 2}, headers=h["changan-ev"])
    assert r.status_code == 201, r.text
    r = client.post(f"{BASE}/subscriptions", json={"firms": ["changan"]}, headers=h["gwm-ev"])
    assert r.status_code == 201, r.text
    r = client.post(
        BASE, json={"text": FIRE, "occurred_at": "2026-07-01T08:00:00+08:00"}, headers=h["analyst-ev"]
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert not body["merged"]
    return int(body["event_id"])


def test_link_endpoint_gives_offsets_and_classification(client, h):
    text = "大陆集团重庆电制动工厂火灾，北京长安街拥堵"
    r = client.post(f"{BASE}/link", json={"text": text}, headers=h["viewer-ev"])
    assert r.status_code == 200, r.text
    out = r.json()
    [firm] = out["links"]
    assert firm["enterprise_id"] == "continental" and text[firm["start"] : firm["end"]] == "大陆集团"
    assert out["classification"]["event_type"] == "fire"
    assert [s["segment_id"] for s in out["segments"]] == ["small3.ebrake"]


def test_event_stream_and_alerts_by_role(client, h, fire):
    ev = client.get(f"{BASE}/{fire}", headers=h["viewer-ev"]).json()
    assert (ev["event_type"], ev["severity"], ev["duration_days"]) == ("fire", 3, 40.0)
    assert [x["enterprise_id"] for x in ev["links"]] == ["catl"]
    assert fire in [e["id"] for e in client.get(BASE, headers=h["viewer-ev"]).json()["data"]]
    mine = client.get(f"{BASE}/alerts", headers=h["changan-ev"]).json()
    assert [(a["event_id"], a["reason"]) for a in mine["data"]] == [(fire, "宁德时代新能源科技股份有限公司")]
    assert mine["unread"] == 1
    # gwm subscribed to changan; the line names neither changan nor a gwm supplier: no alert
    assert client.get(f"{BASE}/alerts", headers=h["gwm-ev"]).json()["data"] == []


def test_exposure_by_role(client, h, fire, app_db):
    full = client.get(f"{BASE}/{fire}/exposure", headers=h["analyst-ev"]).json()
    conn = connect(app_db)
    try:
        lib = event_exposure(conn, fire)
    finally:
        conn.close()
    assert full["loss"] == pytest.approx(lib.loss)
    assert [p["plant"] for p in full["plants"]] == [p.plant for p in lib.plants]
    assert full["runs_short"] and full["first_short_day"] == pytest.approx(lib.tts)
    own = client.get(f"{BASE}/{fire}/exposure", headers=h["changan-ev"]).json()
    assert own["restricted"] and own["loss"] == pytest.approx(lib.loss)
    assert {p["firm"] for p in own["plants"]} == {"changan"}
    assert {s["firm"] for s in own["sites"]} == {"catl"}  # its supplier's sites
    view = client.get(f"{BASE}/{fire}/exposure", headers=h["viewer-ev"]).json()
    assert (view["plants"], view["sites"]) == ([], [])
    assert view["plants_short"] == len(lib.plants)


def test_incident_lifecycle_over_the_api(client, h, fire):
    r = client.post(f"{BASE}/{fire}/incident", json={}, headers=h["changan-ev"])
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    assert r.json()["state"] == "待确认" and r.json()["allowed"] == ["已确认", "无影响"]
    assert client.post(f"{BASE}/{fire}/incident", json={}, headers=h["analyst-ev"]).status_code == 409
    bad = client.post(f"{BASE}/incidents/{iid}/moves", json={"to_state": "已恢复"}, headers=h["changan-ev"])
    assert bad.status_code == 409 and "不能从「待确认」转为「已恢复」" in bad.json()["detail"]
    for s in ("已确认", "处置中"):
        assert (
            client.post(
                f"{BASE}/incidents/{iid}/moves", json={"to_state": s}, headers=h["changan-ev"]
            ).status_code
            == 200
        )
    act = client.post(
        f"{BASE}/incidents/{iid}/actions",
        json={"action": "switch_backup", "target": "fudi_cq.bishan"},
        headers=h["changan-ev"],
    )
    assert act.status_code == 200, act.text
    done = client.post(
        f"{BASE}/incidents/{iid}/moves",
        json={"to_state": "已恢复", "at": "2026-07-21T08:00:00+08:00"},
        headers=h["changan-ev"],
    ).json()
    assert done["actual_days"] == pytest.approx(20.0)
    # catl does not supply gwm: no access; viewers never
    assert client.get(f"{BASE}/incidents/{iid}", headers=h["gwm-ev"]).status_code == 403
    assert client.get(f"{BASE}/incidents", headers=h["viewer-ev"]).status_code == 403
    assert [i["id"] for i in client.get(f"{BASE}/incidents", headers=h["gwm-ev"]).json()["data"]] == []


def test_writes_need_the_right_role(client, h):
    assert client.post(BASE, json={"text": "某工厂火灾"}, headers=h["viewer-ev"]).status_code == 403
    r = client.post(
        f"{BASE}/subscriptions", json={"webhook_url": "http://127.0.0.1:1/x"}, headers=h["changan-ev"]
    )
    assert r.status_code == 403
    assert client.get(f"{BASE}/feeds", headers=h["analyst-ev"]).status_code == 403
    r = client.patch(f"{BASE}/1", json={"severity": 9}, headers=h["analyst-ev"])
    assert r.status_code == 422


def test_correction_is_kept_with_the_name(client, h, fire):
    r = client.patch(f"{BASE}/{fire}", json={"duration_days": 12}, headers=h["analyst-ev"])
    assert r.status_code == 200, r.text
    assert (r.json()["duration_days"], r.json()["classified_by"]) == (12.0, "analyst-ev")
    x = client.get(f"{BASE}/{fire}/exposure", headers=h["analyst-ev"]).json()
    assert x["duration_days"] == 12.0  # the cached exposure was dropped


def test_webhook_needs_a_token(client, h):
    assert client.post(f"{BASE}/webhook", json={"text": "赛力斯超级工厂停电"}).status_code == 401
    tok = client.post(f"{BASE}/tokens", json={"name": "舆情系统"}, headers=h["admin-ev"]).json()["token"]
    r = client.post(
        f"{BASE}/webhook", json={"text": "赛力斯超级工厂停电两天"}, headers={"X-Event-Token": tok}
    )
    assert r.status_code == 201, r.text
    ev = client.get(f"{BASE}/{r.json()['event_id']}", headers=h["viewer-ev"]).json()
    assert ev["source"] == "webhook:舆情系统" and ev["event_type"] == "power"


def test_import_refused_names_row_and_column(client, h):
    files = {"file": ("事件.csv", "文本,发生时间\n赛力斯工厂火灾,昨天\n".encode(), "text/csv")}
    r = client.post(f"{BASE}/import", files=files, headers=h["analyst-ev"])
    assert r.status_code == 422
    assert "第2行 occurred_at" in r.json()["detail"]


def test_alias_editing_changes_linking_at_once(client, h):
    text = "渝安新能源宣布扩产"
    assert client.post(f"{BASE}/link", json={"text": text}, headers=h["viewer-ev"]).json()["links"] == []
    body = {"alias": "渝安新能源", "enterprise_id": "chaoli", "source": "测试"}
    assert client.post(f"{BASE}/aliases", json=body, headers=h["viewer-ev"]).status_code == 403
    assert client.post(f"{BASE}/aliases", json=body, headers=h["analyst-ev"]).status_code == 201
    got = client.post(f"{BASE}/link", json={"text": text}, headers=h["viewer-ev"]).json()["links"]
    assert [x["enterprise_id"] for x in got] == ["chaoli"]
    listed = client.get(f"{BASE}/aliases", params={"enterprise": "chaoli"}, headers=h["viewer-ev"]).json()[
        "data"
    ]
    assert ("渝安新能源", "verified") in [(a["alias"], a["status"]) for a in listed]
    r = client.delete(
        f"{BASE}/aliases", params={"alias": "渝安新能源", "enterprise": "chaoli"}, headers=h["analyst-ev"]
    )
    assert r.status_code == 200
    assert client.post(f"{BASE}/link", json={"text": text}, headers=h["viewer-ev"]).json()["links"] == []
    bad = client.post(f"{BASE}/aliases", json={**body, "enterprise_id": "nope"}, headers=h["analyst-ev"])
    assert bad.status_code == 422 and "不存在" in bad.json()["detail"]
