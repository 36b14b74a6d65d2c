"""Fresh cache hits answered before the dependency tree (:mod:`chainbrain.api.fastpath`) stay as safe as the
normal path: each role and firm gets its own view, a refused or logged-out caller is still refused, the
headers are the same, every request is logged, and a write makes the next read fresh.

Whether the fast path answered is seen from the store-cursor dependency, which only the normal path runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.api.deps import get_conn
from chainbrain.store import connect

V1 = "/api/v1"
PASSWORD = "fastpath-pass-123"
USERS = {
    "analyst": ("analyst", None),
    "viewer": ("viewer", None),
    "changan-user": ("enterprise", "changan"),
    "seres-user": ("enterprise", "seres"),
}


class Counted:
    """How many requests reached the normal path (the store-cursor dependency)."""

    def __init__(self) -> None:
        self.n = 0


@pytest.fixture(scope="module")
def app_and_calls(
    demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Counted]]:
    path = tmp_path_factory.mktemp("fastpath") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    app = create_app(ApiSettings(db=path))
    calls = Counted()

    async def counted_conn(request: Request) -> AsyncIterator[duckdb.DuckDBPyConnection]:
        calls.n += 1
        cur = request.app.state.conn.cursor()
        try:
            yield cur
        finally:
            cur.close()

    app.dependency_overrides[get_conn] = counted_conn
    with TestClient(app) as c:
        yield c, calls


@pytest.fixture
def client(app_and_calls: tuple[TestClient, Counted]) -> TestClient:
    return app_and_calls[0]


@pytest.fixture
def calls(app_and_calls: tuple[TestClient, Counted]) -> Counted:
    return app_and_calls[1]


def login(client: TestClient, user: str) -> dict[str, str]:
    r = client.post(f"{V1}/auth/login", json={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_each_firm_and_role_gets_its_own_view_through_the_fast_path(
    client: TestClient, calls: Counted
) -> None:
    url = f"{V1}/analytics/local-rate?by=oem"
    heads = {u: login(client, u) for u in USERS}
    analyst = client.get(url, headers=heads["analyst"]).json()
    keys = {r["key"] for r in analyst["data"]}
    assert {"changan", "seres"} <= keys and len(keys) > 2
    for user, firm in (("changan-user", "changan"), ("seres-user", "seres")):
        client.get(url, headers=heads[user])  # the firm's own entry
        before = calls.n
        again = client.get(url, headers=heads[user])
        assert calls.n == before  # fast path
        assert [r["key"] for r in again.json()["data"]] == [firm]
    before = calls.n
    assert [r["key"] for r in client.get(url, headers=heads["changan-user"]).json()["data"]] == ["changan"]
    assert {r["key"] for r in client.get(url, headers=heads["analyst"]).json()["data"]} == keys
    assert calls.n == before
    # a viewer may not read firm-level rows, fresh entries or not: the normal path refuses it
    r = client.get(url, headers=heads["viewer"])
    assert r.status_code == 403 and calls.n == before + 1


def test_logged_out_or_unknown_session_is_not_answered(client: TestClient, calls: Counted) -> None:
    url = f"{V1}/targets/summary"
    head = login(client, "analyst")
    assert client.get(url, headers=head).status_code == 200
    before = calls.n
    assert client.get(url, headers=head).status_code == 200 and calls.n == before
    assert client.get(url, headers={"Authorization": "Bearer not-a-session"}).status_code == 401
    assert client.get(url).status_code == 401
    assert client.post(f"{V1}/auth/logout", headers=head).status_code == 204
    assert client.get(url, headers=head).status_code == 401
    assert calls.n == before + 4  # the logout and each of the three refusals ran the normal path


def test_fast_answer_has_the_normal_answers_headers_and_body(client: TestClient, calls: Counted) -> None:
    url = f"{V1}/analytics/gaps?top=10"
    head = login(client, "viewer")
    client.get(url, headers=head)
    before = calls.n
    # a session not in the session cache takes the normal path (the store is asked), on the same fresh entry
    client.app.state.sessions.drop(head["Authorization"].removeprefix("Bearer "))  # type: ignore[attr-defined]
    normal = client.get(url, headers=head)
    assert calls.n == before + 1
    fast = client.get(url, headers=head)
    assert calls.n == before + 1
    assert normal.status_code == fast.status_code == 200
    assert fast.content == normal.content
    assert dict(fast.headers) == dict(normal.headers)
    assert "frame-ancestors 'none'" in fast.headers["content-security-policy"]
    assert fast.headers["cache-control"] == "no-store"


def test_fast_answers_are_logged(
    client: TestClient, calls: Counted, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{V1}/targets/warnings"
    head = login(client, "analyst")
    client.get(url, headers=head)
    before = calls.n
    with caplog.at_level(logging.INFO, logger="chainbrain.api.requests"):
        for _ in range(3):
            assert client.get(url, headers=head).status_code == 200
    assert calls.n == before
    lines = [r.getMessage() for r in caplog.records if r.name == "chainbrain.api.requests"]
    assert len(lines) == 3 and all(line.startswith(f"GET {url} 200 ") for line in lines)


def test_a_write_makes_the_next_read_fresh(client: TestClient, calls: Counted) -> None:
    url = f"{V1}/targets/summary"
    head = login(client, "analyst")
    first = client.get(url, headers=head).json()
    before = calls.n
    assert client.get(url, headers=head).json() == first and calls.n == before
    targets = client.get(f"{V1}/targets", headers=head).json()["data"]
    empty = [t for t in targets if t["status"] == "无数据"]
    assert empty, "the demo has a target without data"
    year = dt.date.today().year
    body = {
        "target_id": empty[0]["id"],
        "period": str(year),
        "value": 1.0,
        "source": "测试：快路径失效",
    }
    assert client.post(f"{V1}/observations", json=body, headers=head).status_code == 201
    before = calls.n
    after = client.get(url, headers=head).json()
    assert calls.n == before + 1  # the stale entry is not answered by the fast path
    assert after["total"] == first["total"]
    assert after["counts"]["无数据"] == first["counts"]["无数据"] - 1


def test_the_token_is_chosen_as_the_dependencies_choose_it(client: TestClient, calls: Counted) -> None:
    url = f"{V1}/analytics/local-rate?by=oem"
    analyst, changan = login(client, "analyst"), login(client, "changan-user")
    cookie = {"Cookie": "cb_session=" + changan["Authorization"].removeprefix("Bearer ")}
    client.get(url, headers=analyst)
    client.get(url, headers=cookie)  # the browser's way: the session cookie
    before = calls.n
    assert [r["key"] for r in client.get(url, headers=cookie).json()["data"]] == ["changan"]
    both = client.get(url, headers={**analyst, **cookie}).json()["data"]  # bearer first, as session_token
    assert len({r["key"] for r in both}) > 2
    assert calls.n == before
