"""The admin routes behind the 用户管理 and 审计日志 pages: a role change, and the audit log's filters."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import AccountError, create_user, set_role
from chainbrain.store import connect

V1 = "/api/v1"
PASSWORDS = {"chief": "amber-harbor-73", "wang": "silent-orchard-9", "zhao": "copper-kettle-44"}
ORIGIN = {"Origin": "http://testserver"}

#: audit entries written straight into the store: (UTC time, user name, action)
ENTRIES = [
    (dt.datetime(2026, 3, 1, 8, 0), "wang", "import.commit"),
    (dt.datetime(2026, 3, 1, 23, 59, 59), "WANG", "observation.create"),
    (dt.datetime(2026, 3, 2, 0, 0), "zhao", "import.commit"),
    (dt.datetime(2026, 3, 5, 12, 0), "wang", "import.commit"),
    (dt.datetime(2026, 3, 6, 0, 0), "zhao", "need.create"),
]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("admin") / "admin.duckdb"
    conn = connect(path)
    create_user(conn, "chief", PASSWORDS["chief"], "admin")
    create_user(conn, "wang", PASSWORDS["wang"], "analyst")
    create_user(conn, "zhao", PASSWORDS["zhao"], "viewer")
    for at, name, action in ENTRIES:
        conn.execute(
            "INSERT INTO audit_log (at_time, user_id, username, action) VALUES (?, NULL, ?, ?)",
            [at, name, action],
        )
    conn.close()
    return path


@pytest.fixture
def client(base_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "admin.duckdb"
    shutil.copy(base_db, path)
    with TestClient(create_app(ApiSettings(db=path)), raise_server_exceptions=False) as c:
        yield c


def login(c: TestClient, user: str) -> dict[str, str]:
    r = c.post(f"{V1}/auth/login", json={"username": user, "password": PASSWORDS[user]})
    assert r.status_code == 200, r.text
    c.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _actions(c: TestClient, h: dict[str, str], **params: str) -> tuple[list[tuple[str, str]], int]:
    r = c.get(f"{V1}/users/audit", headers=h, params={**params, "size": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    return [(e["username"], e["action"]) for e in body["data"] if e["at_time"].startswith("2026-03")], body[
        "count"
    ]


def test_the_audit_log_filters_by_day_user_and_action(client: TestClient) -> None:
    h = login(client, "chief")
    # 2026-03-01 only: both entries of that day, 23:59:59 included, 03-02 00:00 not
    rows, count = _actions(client, h, since="2026-03-01", until="2026-03-01")
    assert rows == [("WANG", "observation.create"), ("wang", "import.commit")] and count == 2
    # from 03-02 to 03-05: the 03-02 midnight entry and the 03-05 one; 03-06 00:00 is the next day
    rows, count = _actions(client, h, since="2026-03-02", until="2026-03-05")
    assert rows == [("wang", "import.commit"), ("zhao", "import.commit")] and count == 2
    # the user name matches case-insensitively: three entries of wang, newest first
    rows, count = _actions(client, h, username="Wang", until="2026-03-31")
    assert [a for _, a in rows] == ["import.commit", "observation.create", "import.commit"] and count == 3
    # user and action together, and paging counts every match
    rows, count = _actions(client, h, username="wang", action="import.commit")
    assert len(rows) == 2 and count == 2
    r = client.get(f"{V1}/users/audit", headers=h, params={"action": "import.commit", "size": 1, "page": 2})
    assert r.json()["count"] == 3 and [e["at_time"] for e in r.json()["data"]] == ["2026-03-02T00:00:00"]


def test_the_widest_date_range_is_answered(client: TestClient) -> None:
    # 9999-12-31 has no next day: the filter must still answer, with every entry of March 2026 in it
    rows, _ = _actions(client, login(client, "chief"), since="0001-01-01", until="9999-12-31")
    assert len(rows) == len(ENTRIES)


def test_a_reversed_date_range_is_refused_in_chinese(client: TestClient) -> None:
    r = client.get(
        f"{V1}/users/audit",
        headers=login(client, "chief"),
        params={"since": "2026-03-05", "until": "2026-03-01"},
    )
    assert r.status_code == 422 and "起始日期 2026-03-05 晚于截止日期 2026-03-01" in r.json()["detail"]


def test_the_actions_of_the_log_with_their_counts(client: TestClient) -> None:
    h = login(client, "chief")  # this login is itself an entry (auth.login)
    body = client.get(f"{V1}/users/audit/actions", headers=h).json()
    counts = {a["action"]: a["count"] for a in body["data"]}
    assert counts == {"import.commit": 3, "auth.login": 1, "observation.create": 1, "need.create": 1}
    assert body["data"][0] == {"action": "import.commit", "count": 3}
    assert client.get(f"{V1}/users/audit/actions", headers=login(client, "wang")).status_code == 403


def test_admin_changes_a_role_and_it_holds_on_the_next_request(client: TestClient) -> None:
    admin = login(client, "chief")
    zhao = login(client, "zhao")
    assert client.get(f"{V1}/users", headers=zhao).status_code == 403
    r = client.patch(f"{V1}/users/ZHAO", headers=admin, json={"role": "admin"})
    assert r.status_code == 200 and (r.json()["role"], r.json()["role_zh"]) == ("admin", "管理员")
    # the same session now has the new role
    assert client.get(f"{V1}/auth/me", headers=zhao).json()["role"] == "admin"
    assert client.get(f"{V1}/users", headers=zhao).status_code == 200
    log = client.get(f"{V1}/users/audit", headers=admin, params={"action": "user.role"}).json()["data"]
    assert [(e["username"], e["target"]) for e in log] == [("chief", "user:zhao")]
    assert '"from": "viewer"' in log[0]["detail"] and '"role": "admin"' in log[0]["detail"]


def test_role_changes_that_are_refused(client: TestClient) -> None:
    admin = login(client, "chief")
    cases = [
        ("chief", {"role": "viewer"}, 422, "不能修改自己的角色"),
        ("wang", {"role": "enterprise"}, 422, "企业用户必须指定所属企业编号"),
        ("wang", {"role": "enterprise", "enterprise_id": "nosuchfirm"}, 422, "企业编号 nosuchfirm 不存在"),
        ("wang", {"role": "viewer", "enterprise_id": "changan"}, 422, "只有企业用户可以绑定企业"),
        ("nobody", {"role": "viewer"}, 404, "用户 nobody 不存在或已停用"),
    ]
    for name, body, code, message in cases:
        r = client.patch(f"{V1}/users/{name}", headers=admin, json=body)
        assert (r.status_code, message in r.json()["detail"]) == (code, True), (name, r.text)
    assert client.patch(f"{V1}/users/wang", headers=admin, json={"role": "boss"}).status_code == 422
    # cookie writes need the Origin header like every other unsafe request
    client.post(f"{V1}/auth/login", json={"username": "chief", "password": PASSWORDS["chief"]})
    assert client.patch(f"{V1}/users/wang", json={"role": "viewer"}).status_code == 403
    assert client.patch(f"{V1}/users/wang", json={"role": "viewer"}, headers=ORIGIN).status_code == 200


def test_the_last_admin_keeps_the_role(client: TestClient, base_db: Path, tmp_path: Path) -> None:
    admin = login(client, "chief")
    assert client.patch(f"{V1}/users/wang", headers=admin, json={"role": "admin"}).status_code == 200
    wang = login(client, "wang")
    # two admins: wang may demote chief, whose session loses the admin pages at once
    assert client.patch(f"{V1}/users/chief", headers=wang, json={"role": "analyst"}).status_code == 200
    assert client.get(f"{V1}/users", headers=admin).status_code == 403
    # wang is now the last admin: the route refuses his own change, the library any change
    r = client.patch(f"{V1}/users/wang", headers=wang, json={"role": "viewer"})
    assert r.status_code == 422 and "不能修改自己的角色" in r.json()["detail"]
    path = tmp_path / "lib.duckdb"
    shutil.copy(base_db, path)
    conn = connect(path)
    try:
        with pytest.raises(AccountError, match="chief 是最后一个管理员，不能改为其他角色"):
            set_role(conn, "chief", "analyst")
        assert set_role(conn, "zhao", "analyst").role == "analyst"
    finally:
        conn.close()
