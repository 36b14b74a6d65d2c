"""Login limits that hold under concurrency and forged headers, CSRF on cookie writes, account routes.

The store holds three users (below); every test that writes works on its own copy of it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.cli.web_cmds import proxy_options
from chainbrain.store import connect

V1 = "/api/v1"
PASSWORDS = {"boss": "ivory-gate-41", "zhang": "river-map-2026", "li": "quiet-screen-5"}
ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.duckdb"
    conn = connect(path)
    create_user(conn, "boss", PASSWORDS["boss"], "admin")
    create_user(conn, "zhang", PASSWORDS["zhang"], "analyst")
    create_user(conn, "li", PASSWORDS["li"], "viewer")
    conn.close()
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "auth.duckdb"
    shutil.copy(base_db, path)
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=db)), raise_server_exceptions=False) as c:
        yield c


def login(c: TestClient, user: str, password: str | None = None) -> dict[str, str]:
    """Bearer headers of a fresh session of ``user`` (the cookie is dropped)."""
    r = c.post(f"{V1}/auth/login", json={"username": user, "password": password or PASSWORDS[user]})
    assert r.status_code == 200, r.text
    c.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def in_parallel(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``n`` calls started together on ``n`` threads, their answers in order."""
    barrier = threading.Barrier(n)
    out: list[httpx.Response | None] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        out[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None for r in out)
    return [r for r in out if r is not None]


@pytest.fixture
def slow_verify(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count argon2 verifications, each made to take 0.2 s longer so concurrent logins overlap."""
    calls: list[int] = []
    real = PasswordHasher.verify

    def verify(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(1)
        time.sleep(0.2)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return calls


# --- the login limit ------------------------------------------------------------------------------------


def test_forty_concurrent_wrong_passwords_reach_the_check_five_times(
    client: TestClient, slow_verify: list[int]
) -> None:
    def guess(i: int) -> httpx.Response:
        return client.post(f"{V1}/auth/login", json={"username": "zhang", "password": f"guess-{i:04d}-x"})

    codes = [r.status_code for r in in_parallel(40, guess)]
    assert (codes.count(401), codes.count(429)) == (5, 35), codes
    assert len(slow_verify) == 5  # refused attempts never reach argon2
    # the right password is refused too while the window lasts, and costs no verification either
    r = client.post(f"{V1}/auth/login", json={"username": "zhang", "password": PASSWORDS["zhang"]})
    assert r.status_code == 429 and "用户 zhang" in r.json()["detail"] and r.headers["retry-after"] == "300"
    assert len(slow_verify) == 5


def test_the_limit_is_per_name_from_any_address_and_per_address_for_any_name(db: Path) -> None:
    app = create_app(ApiSettings(db=db, login_max_failures=3, login_max_failures_per_ip=5))
    body = {"username": "ZHANG", "password": "not-the-password"}
    with TestClient(app) as c:
        for i in range(3):
            with TestClient(app, client=(f"10.0.0.{i + 1}", 40000)) as other:
                assert other.post(f"{V1}/auth/login", json=body).status_code == 401
        # the fourth address, and the name spelt another way, are refused: the name is what counts
        with TestClient(app, client=("10.0.0.9", 40000)) as fresh:
            r = fresh.post(f"{V1}/auth/login", json={**body, "username": "zhang"})
            assert r.status_code == 429 and "用户 zhang" in r.json()["detail"]
        # one address failing for many names is refused for the next name
        with TestClient(app, client=("10.0.1.1", 40000)) as spray:
            for name in ("u1", "u2", "u3", "u4", "u5"):
                assert spray.post(f"{V1}/auth/login", json={**body, "username": name}).status_code == 401
            r = spray.post(f"{V1}/auth/login", json={"username": "li", "password": PASSWORDS["li"]})
            assert r.status_code == 429 and "此地址" in r.json()["detail"]
        # li from another address is unaffected
        assert (
            c.post(f"{V1}/auth/login", json={"username": "li", "password": PASSWORDS["li"]}).status_code
            == 200
        )


def test_failed_logins_are_audited_with_name_and_address(client: TestClient) -> None:
    client.post(f"{V1}/auth/login", json={"username": "zhang", "password": "wrong-password-1"})
    client.post(f"{V1}/auth/login", json={"username": "nobody", "password": "wrong-password-2"})
    h = login(client, "boss")
    log = client.get(f"{V1}/users/audit", headers=h).json()["data"]
    failed = [(e["detail"], e["ip"], e["username"]) for e in log if e["action"] == "auth.login_failed"]
    assert sorted(failed) == [
        ('{"username": "nobody"}', "testclient", None),
        ('{"username": "zhang"}', "testclient", None),
    ]


def test_uvicorn_trusts_forwarded_headers_only_from_configured_proxies() -> None:
    assert proxy_options([]) == {"proxy_headers": False}
    assert proxy_options(["10.1.2.3"]) == {"proxy_headers": True, "forwarded_allow_ips": ["10.1.2.3"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(db: Path) -> Iterator[str]:
    """``chainbrain serve`` itself (uvicorn, as deployed) on a free port, with no trusted proxy."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINBRAIN_", "FORWARDED_ALLOW_IPS"))}
    cmd = [sys.executable, "-c", "from chainbrain.cli import main; main()", "--db", str(db), "serve",
           "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + f"{V1}/auth/session", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start (exit code {proc.poll()})")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_rotating_x_forwarded_for_does_not_reset_the_limit(served: str) -> None:
    body = {"username": "zhang", "password": "not-the-password"}
    codes = [
        httpx.post(
            served + f"{V1}/auth/login", json=body, headers={"X-Forwarded-For": f"203.0.113.{i}"}
        ).status_code
        for i in range(1, 8)
    ]
    assert codes == [401] * 5 + [429] * 2
    # the audit log holds the real peer, not the forged addresses
    token = httpx.post(served + f"{V1}/auth/login", json={"username": "boss", "password": PASSWORDS["boss"]})
    log = httpx.get(
        served + f"{V1}/users/audit", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    ).json()["data"]
    assert {e["ip"] for e in log if e["action"] == "auth.login_failed"} == {"127.0.0.1"}


# --- CSRF ----------------------------------------------------------------------------------------------


NEW_USER = {"username": "wang", "password": "fresh-start-9", "role": "viewer"}


def cookie_login(c: TestClient, user: str) -> None:
    r = c.post(f"{V1}/auth/login", json={"username": user, "password": PASSWORDS[user]})
    assert r.status_code == 200 and "cb_session" in c.cookies


def test_cookie_writes_need_this_sites_origin(client: TestClient) -> None:
    cookie_login(client, "boss")
    for headers in (
        {},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/x"},
    ):
        r = client.post(f"{V1}/users", json=NEW_USER, headers=headers)
        assert r.status_code == 403 and "跨站" in r.json()["detail"], (headers, r.text)
    assert "缺少 Origin" in client.post(f"{V1}/users", json=NEW_USER).json()["detail"]
    # reads need no origin; a write from this site passes, by Origin or (without it) by Referer
    assert client.get(f"{V1}/users").status_code == 200
    assert client.post(f"{V1}/users", json=NEW_USER, headers=ORIGIN).status_code == 201
    r = client.post(
        f"{V1}/users", json={**NEW_USER, "username": "zhao"}, headers={"Referer": "http://testserver/users"}
    )
    assert r.status_code == 201


def test_bearer_requests_are_exempt(client: TestClient) -> None:
    h = login(client, "boss")
    assert client.post(f"{V1}/users", json=NEW_USER, headers=h).status_code == 201


def test_allowed_origins_setting(db: Path) -> None:
    settings = ApiSettings(db=db, allowed_origins=["https://brain.example.cn/"])
    with TestClient(create_app(settings)) as c:
        cookie_login(c, "boss")
        ok = c.post(f"{V1}/users", json=NEW_USER, headers={"Origin": "https://BRAIN.example.cn"})
        assert ok.status_code == 201
        bad = c.post(
            f"{V1}/users",
            json={**NEW_USER, "username": "x9"},
            headers={"Origin": "https://brain.example.com"},
        )
        assert bad.status_code == 403


def test_a_login_posted_from_another_site_is_refused(client: TestClient) -> None:
    body = {"username": "li", "password": PASSWORDS["li"]}
    assert (
        client.post(f"{V1}/auth/login", json=body, headers={"Origin": "http://evil.example"}).status_code
        == 403
    )
    assert client.post(f"{V1}/auth/login", json=body, headers=ORIGIN).status_code == 200


# --- concurrent creation -------------------------------------------------------------------------------


def test_concurrent_creation_of_one_user_gives_one_201_and_409s(client: TestClient) -> None:
    h = login(client, "boss")
    answers = in_parallel(6, lambda i: client.post(f"{V1}/users", json=NEW_USER, headers=h))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 5, [r.text for r in answers]
    assert all("已存在" in r.json()["detail"] for r in answers if r.status_code == 409)
    users = client.get(f"{V1}/users", headers=h).json()["data"]
    assert [u["username"] for u in users].count("wang") == 1


def test_user_names_are_unique_case_insensitively_and_clean(client: TestClient) -> None:
    h = login(client, "boss")
    r = client.post(f"{V1}/users", json={**NEW_USER, "username": "ＺＨＡＮＧ"}, headers=h)
    assert r.status_code == 409 and "已存在" in r.json()["detail"]
    r = client.post(f"{V1}/users", json={**NEW_USER, "username": "wa\u200bng"}, headers=h)
    assert r.status_code == 422 and "U+200B" in r.json()["detail"]
    r = client.post(f"{V1}/users", json={**NEW_USER, "password": "wang-2026-pass"}, headers=h)
    assert r.status_code == 422 and "用户名" in r.json()["detail"]
    r = client.post(f"{V1}/users", json={**NEW_USER, "password": "password123"}, headers=h)
    assert r.status_code == 422 and "常见" in r.json()["detail"]


# --- password change, deactivation, sessions -----------------------------------------------------------


def test_own_password_change(client: TestClient) -> None:
    h = login(client, "zhang")
    other = login(client, "zhang")
    assert client.get(f"{V1}/auth/me", headers=other).status_code == 200  # now in the session cache
    wrong = {"old_password": "not-the-password", "new_password": "new-secret-77"}
    r = client.put(f"{V1}/auth/password", json=wrong, headers=h)
    assert r.status_code == 403 and "原密码" in r.json()["detail"]
    weak = {"old_password": PASSWORDS["zhang"], "new_password": "short"}
    assert "至少 10 位" in client.put(f"{V1}/auth/password", json=weak, headers=h).json()["detail"]
    good = {"old_password": PASSWORDS["zhang"], "new_password": "new-secret-77"}
    r = client.put(f"{V1}/auth/password", json=good, headers=h)
    assert r.status_code == 200 and r.json() == {"revoked": 2}
    # both sessions end at once, not after the session cache's 30 s
    assert client.get(f"{V1}/auth/me", headers=other).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=h).status_code == 401
    assert (
        client.post(
            f"{V1}/auth/login", json={"username": "zhang", "password": PASSWORDS["zhang"]}
        ).status_code
        == 401
    )
    login(client, "zhang", "new-secret-77")


def test_guessing_the_current_password_counts_against_the_login_limit(client: TestClient) -> None:
    h = login(client, "zhang")
    for i in range(5):
        body = {"old_password": f"guess-{i}-wrong", "new_password": "new-secret-77"}
        assert client.put(f"{V1}/auth/password", json=body, headers=h).status_code == 403
    body = {"old_password": PASSWORDS["zhang"], "new_password": "new-secret-77"}
    assert client.put(f"{V1}/auth/password", json=body, headers=h).status_code == 429


def test_admin_sets_a_password_and_revokes_sessions(client: TestClient) -> None:
    admin = login(client, "boss")
    li = login(client, "li")
    assert client.get(f"{V1}/auth/me", headers=li).status_code == 200
    # a viewer may not set anyone's password, nor end anyone's sessions
    assert (
        client.put(
            f"{V1}/users/boss/password", json={"new_password": "x-new-secret-1"}, headers=li
        ).status_code
        == 403
    )
    assert client.delete(f"{V1}/users/boss/sessions", headers=li).status_code == 403
    r = client.put(f"{V1}/users/LI/password", json={"new_password": "lantern-bridge-3"}, headers=admin)
    assert r.status_code == 200 and r.json() == {"revoked": 1}
    assert client.get(f"{V1}/auth/me", headers=li).status_code == 401
    li = login(client, "li", "lantern-bridge-3")
    li2 = login(client, "li", "lantern-bridge-3")
    assert client.get(f"{V1}/auth/me", headers=li).status_code == 200
    r = client.delete(f"{V1}/users/li/sessions", headers=admin)
    assert r.status_code == 200 and r.json() == {"revoked": 2}
    assert client.get(f"{V1}/auth/me", headers=li).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=li2).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=admin).status_code == 200
    assert client.delete(f"{V1}/users/nobody/sessions", headers=admin).status_code == 404
    actions = [e["action"] for e in client.get(f"{V1}/users/audit", headers=admin).json()["data"]]
    assert actions.count("user.password") == 1 and actions.count("user.sessions_revoke") == 1


def test_admin_deactivates_a_user(client: TestClient) -> None:
    admin = login(client, "boss")
    zhang = login(client, "zhang")
    assert client.get(f"{V1}/auth/me", headers=zhang).status_code == 200
    r = client.post(f"{V1}/users/Zhang/deactivate", headers=admin)
    assert r.status_code == 200 and r.json() == {"revoked": 1}
    assert client.get(f"{V1}/auth/me", headers=zhang).status_code == 401
    body = {"username": "zhang", "password": PASSWORDS["zhang"]}
    assert client.post(f"{V1}/auth/login", json=body).status_code == 401
    assert "zhang" not in [u["username"] for u in client.get(f"{V1}/users", headers=admin).json()["data"]]
    assert client.post(f"{V1}/users/zhang/deactivate", headers=admin).status_code == 404
    r = client.post(f"{V1}/users/BOSS/deactivate", headers=admin)
    assert r.status_code == 422 and "自己" in r.json()["detail"]


def test_log_out_everywhere(client: TestClient) -> None:
    a, b = login(client, "li"), login(client, "li")
    other = login(client, "zhang")
    assert client.get(f"{V1}/auth/me", headers=b).status_code == 200
    r = client.post(f"{V1}/auth/logout-all", headers=a)
    assert r.status_code == 200 and r.json() == {"revoked": 2}
    assert client.get(f"{V1}/auth/me", headers=a).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=b).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=other).status_code == 200
    # by cookie, from the dashboard: the Origin check applies, and the cookie is cleared
    cookie_login(client, "li")
    assert client.post(f"{V1}/auth/logout-all").status_code == 403
    r = client.post(f"{V1}/auth/logout-all", headers=ORIGIN)
    assert r.status_code == 200 and r.json() == {"revoked": 1} and "cb_session" not in client.cookies
