"""Accounts in the library: user-name normalisation, the password policy, password change, deactivation,
revoking sessions, the reserved login attempts, and migration 006 on a store with case-twin names."""

from __future__ import annotations

import re
import threading
import time

import duckdb
import pytest

from chainbrain.api import accounts
from chainbrain.api.accounts import (
    AccountConflict,
    AccountError,
    AccountNotFound,
    LoginThrottled,
    User,
    WrongPassword,
    authenticate,
    change_password,
    create_session,
    create_user,
    deactivate_user,
    find_user,
    login_succeeded,
    normalize_username,
    reserve_login_attempt,
    revoke_sessions,
    user_for_token,
)
from chainbrain.api.cache import SessionCache
from chainbrain.api.passwords import password_problem
from chainbrain.store import migrate
from chainbrain.store.connection import _migrations

GOOD = "river-map-2026"


@pytest.mark.parametrize(
    ("given", "stored", "key"),
    [
        ("  zhangsan ", "zhangsan", "zhangsan"),
        ("ZhangSan", "ZhangSan", "zhangsan"),
        ("Ａｄｍｉｎ", "Admin", "admin"),  # full-width letters (NFKC)
        ("Straße", "Straße", "strasse"),  # casefold, not just lower()
        ("张三", "张三", "张三"),
        ("ﬁrm", "firm", "firm"),  # the ligature ﬁ is two letters
    ],
)
def test_user_names_are_normalised(given: str, stored: str, key: str) -> None:
    assert normalize_username(given) == (stored, key)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("ad\u200bmin", "U+200B"),  # zero-width space (Cf)
        ("ad\u200dmin", "U+200D"),  # zero-width joiner (Cf)
        ("\u202eadmin", "U+202E"),  # right-to-left override (Cf)
        ("ad\x07min", "U+0007"),  # bell (Cc)
        ("ad\x00min", "U+0000"),
        ("zhang san", "U+0020"),
        ("zhang\u3000san", "U+0020"),  # ideographic space: NFKC makes it a plain space
    ],
)
def test_invisible_and_control_characters_are_refused(given: str, code: str) -> None:
    with pytest.raises(AccountError, match=re.escape(code)):
        normalize_username(given)


def test_empty_and_too_long_names_are_refused() -> None:
    for bad in ("", "   ", "\u3000", "x" * 65):
        with pytest.raises(AccountError, match="64"):
            normalize_username(bad)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("abcdefghi", "至少 10 位"),  # 9 characters
        ("x" * 257, "不超过 256"),
        ("zhangsan", "至少 10 位"),
        ("zhangsan-2026", "用户名"),
        ("My-ZHANGSAN-secret", "用户名"),  # case-insensitive
        ("password123", "常见"),
        ("QwertyUiop", "常见"),  # the list is case-insensitive
        ("woaini1314", "常见"),
        ("Password2026!", "常见"),  # a common word with digits and punctuation around it
        ("chongqing-2026", "常见"),
        ("1111111111", "常见"),
        ("chainbrain-admin", "常见"),  # the public demo passwords
    ],
)
def test_password_policy_refuses(password: str, reason: str) -> None:
    problem = password_problem(password, "zhangsan")
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize(
    "password", [GOOD, "abcdefghij-k", "8406519273", "长江大桥夜景真好看啊呀", "Chongqing river 2026"]
)
def test_password_policy_accepts(password: str) -> None:
    assert password_problem(password, "zhangsan") is None


def test_short_names_are_checked_for_equality_only() -> None:
    # a two-letter name would otherwise forbid every password with those two letters in a row
    assert password_problem("li-river-map-9", "li") is None
    assert password_problem("Lilililili", "lilililili") is not None


def test_create_user_applies_policy_and_case_insensitive_uniqueness(
    fresh_db: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(AccountError, match="至少 10 位"):
        create_user(fresh_db, "zhangsan", "short-pw", "analyst")
    user = create_user(fresh_db, " ZhangSan ", GOOD, "analyst")
    assert user.username == "ZhangSan"
    for twin in ("zhangsan", "ZHANGSAN", "ｚｈａｎｇｓａｎ"):
        with pytest.raises(AccountConflict, match="已存在"):
            create_user(fresh_db, twin, GOOD, "viewer")
    # login is case-insensitive too, with the stored password
    found = authenticate(fresh_db, "ZHANGSAN", GOOD)
    assert found is not None and found.id == user.id
    assert fresh_db.execute("SELECT count(*) FROM app_user").fetchone() == (1,)


def test_the_unique_key_holds_even_without_the_check(fresh_db: duckdb.DuckDBPyConnection) -> None:
    create_user(fresh_db, "wang", GOOD, "viewer")
    with pytest.raises(duckdb.ConstraintException):
        fresh_db.execute(
            "INSERT INTO app_user (username, username_key, password_hash, role) VALUES ('Wang', 'wang', 'x', 'viewer')"
        )


def test_concurrent_creation_of_one_name_gives_one_user(fresh_db: duckdb.DuckDBPyConnection) -> None:
    results: list[str] = []
    barrier = threading.Barrier(6)

    def add(i: int) -> None:
        cur = fresh_db.cursor()
        barrier.wait()
        try:
            create_user(cur, "Li-Ming" if i % 2 else "li-ming", GOOD, "viewer")
            results.append("created")
        except AccountConflict:
            results.append("conflict")
        finally:
            cur.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["created"]
    assert fresh_db.execute("SELECT count(*) FROM app_user").fetchone() == (1,)


def test_change_password_checks_the_old_one_and_ends_sessions(fresh_db: duckdb.DuckDBPyConnection) -> None:
    user = create_user(fresh_db, "zhangsan", GOOD, "analyst")
    token, _ = create_session(fresh_db, user, 12)
    with pytest.raises(WrongPassword, match="原密码不正确"):
        change_password(fresh_db, "zhangsan", "new-secret-77", old_password="not-the-password")
    with pytest.raises(AccountError, match="用户名"):
        change_password(fresh_db, "zhangsan", "zhangsan-2027", old_password=GOOD)
    assert user_for_token(fresh_db, token) is not None  # nothing changed so far
    changed, revoked = change_password(fresh_db, "ZhangSan", "new-secret-77", old_password=GOOD)
    assert (changed.id, revoked) == (user.id, 1)
    assert user_for_token(fresh_db, token) is None
    assert authenticate(fresh_db, "zhangsan", GOOD) is None
    assert authenticate(fresh_db, "zhangsan", "new-secret-77") is not None
    # an admin (no old password) sets it, and the policy still applies
    with pytest.raises(AccountError, match="常见"):
        change_password(fresh_db, "zhangsan", "password123")
    assert change_password(fresh_db, "zhangsan", "third-secret-88") == (changed, 0)
    with pytest.raises(AccountNotFound, match="nobody"):
        change_password(fresh_db, "nobody", "third-secret-88")


def test_deactivate_ends_sessions_and_keeps_one_admin(fresh_db: duckdb.DuckDBPyConnection) -> None:
    boss = create_user(fresh_db, "boss", GOOD, "admin")
    analyst = create_user(fresh_db, "analyst1", GOOD, "analyst")
    tokens = [create_session(fresh_db, analyst, 12)[0] for _ in range(2)]
    boss_token, _ = create_session(fresh_db, boss, 12)
    assert deactivate_user(fresh_db, "ANALYST1") == (analyst, 2)
    assert all(user_for_token(fresh_db, t) is None for t in tokens)
    assert authenticate(fresh_db, "analyst1", GOOD) is None
    with pytest.raises(AccountNotFound):
        find_user(fresh_db, "analyst1")
    with pytest.raises(AccountError, match="最后一个管理员"):
        deactivate_user(fresh_db, "boss")
    assert user_for_token(fresh_db, boss_token) is not None
    create_user(fresh_db, "boss2", GOOD, "admin")
    assert deactivate_user(fresh_db, "boss")[1] == 1
    # the name stays taken: the audit log keeps speaking of this user
    with pytest.raises(AccountConflict):
        create_user(fresh_db, "Boss", GOOD, "admin")


def test_revoke_sessions_counts_only_live_ones(fresh_db: duckdb.DuckDBPyConnection) -> None:
    user = create_user(fresh_db, "zhangsan", GOOD, "viewer")
    other = create_user(fresh_db, "lisi", GOOD, "viewer")
    live = create_session(fresh_db, user, 12)[0]
    create_session(fresh_db, user, -1)  # already expired
    kept = create_session(fresh_db, other, 12)[0]
    assert revoke_sessions(fresh_db, user.id) == 1
    assert user_for_token(fresh_db, live) is None
    assert user_for_token(fresh_db, kept) is not None
    assert fresh_db.execute("SELECT count(*) FROM app_session").fetchone() == (1,)


def test_reserved_attempts_count_per_name_and_per_address(fresh_db: duckdb.DuckDBPyConnection) -> None:
    limits = {"max_per_name": 3, "max_per_ip": 4, "window_s": 300}
    # three failures for one name from three addresses: the name is locked everywhere
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        reserve_login_attempt(fresh_db, "ZhangSan", ip, **limits)
    with pytest.raises(LoginThrottled) as e:
        reserve_login_attempt(fresh_db, "zhangsan", "10.0.0.9", **limits)
    assert (e.value.failures, e.value.by_name) == (3, True)
    # one address trying four names is locked for a fifth name
    for name in ("a1", "a2", "a3"):
        reserve_login_attempt(fresh_db, name, "10.0.0.1", **limits)
    with pytest.raises(LoginThrottled) as e:
        reserve_login_attempt(fresh_db, "a4", "10.0.0.1", **limits)
    assert (e.value.failures, e.value.by_name) == (4, False)
    # an attempt marked ok no longer counts
    ok = reserve_login_attempt(fresh_db, "lisi", "10.0.0.5", **limits)
    login_succeeded(fresh_db, ok)
    for _ in range(3):
        reserve_login_attempt(fresh_db, "lisi", "10.0.0.6", **limits)
    with pytest.raises(LoginThrottled):
        reserve_login_attempt(fresh_db, "lisi", "10.0.0.7", **limits)


def test_concurrent_reservations_never_pass_the_limit(fresh_db: duckdb.DuckDBPyConnection) -> None:
    outcome: list[bool] = []
    barrier = threading.Barrier(20)

    def try_once() -> None:
        cur = fresh_db.cursor()
        barrier.wait()
        try:
            reserve_login_attempt(cur, "victim", "10.0.0.1", max_per_name=5, max_per_ip=100, window_s=300)
            outcome.append(True)
        except LoginThrottled:
            outcome.append(False)
        finally:
            cur.close()

    threads = [threading.Thread(target=try_once) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome.count(True) == 5 and outcome.count(False) == 15


def test_demo_users_keep_their_public_passwords(demo_db: duckdb.DuckDBPyConnection) -> None:
    added = accounts.create_demo_users(demo_db)
    assert {u.username for u, _ in added} == {"admin", "analyst", "changan", "viewer"}
    assert authenticate(demo_db, "admin", "chainbrain-admin") is not None
    # nobody else may pick one of them
    with pytest.raises(AccountError, match="常见"):
        create_user(demo_db, "someone", "chainbrain-analyst", "analyst")


def test_migration_006_on_case_twins() -> None:
    conn = duckdb.connect(":memory:")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for version, name, sql in _migrations():
        if version <= 5:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    for name in ("Admin", "admin", "lisi", "No#1"):
        conn.execute(
            "INSERT INTO app_user (username, password_hash, role) VALUES (?, ?, 'admin')",
            [name, accounts.hash_password(GOOD)],
        )
    assert 6 in migrate(conn)
    rows = conn.execute("SELECT username, username_key, active FROM app_user ORDER BY id").fetchall()
    assert rows == [
        ("Admin", "admin", True),
        ("admin", "admin#2", False),
        ("lisi", "lisi", True),
        ("No#1", "no#1", True),
    ]
    assert authenticate(conn, "ADMIN", GOOD) is not None
    with pytest.raises(AccountConflict):
        create_user(conn, "aDmin", GOOD, "admin")
    conn.close()


def test_a_lookup_that_raced_a_revocation_is_not_cached() -> None:
    cache = SessionCache()
    user, other = User(7, "zhangsan", "analyst", None), User(8, "lisi", "viewer", None)
    cache.put("t1", user)
    cache.put("t2", other)
    before = time.monotonic()  # a request reads token t3 from the store ...
    cache.drop_user(7)  # ... an admin revokes the user's sessions ...
    cache.put("t3", user, before)  # ... and the request's stale answer arrives
    assert (cache.get("t1"), cache.get("t3"), cache.get("t2")) == (None, None, other)
    # a lookup made after the revocation (a new login) is cached as usual
    time.sleep(0.01)
    cache.put("t4", user, time.monotonic())
    assert cache.get("t4") == user
