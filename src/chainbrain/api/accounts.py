"""Accounts of the web app: users with argon2 hashes, login sessions, the audit log, login throttling.

Plain functions over a store connection; the routes and the ``chainbrain user`` command call them.
A session token is 32 random bytes (URL-safe base64); only its SHA-256 is stored, so a copy of the
store does not hand out live logins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("admin", "analyst", "enterprise", "viewer")
ROLE_ZH = {"admin": "管理员", "analyst": "分析员", "enterprise": "企业用户", "viewer": "只读用户"}

_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist, so a wrong name costs as much as a
# wrong password and the response time does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("chainbrain-no-such-user")


class AccountError(ValueError):
    """A user cannot be created or changed as asked (message in zh-CN)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    enterprise_id: str | None
    display_name: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "role_zh": ROLE_ZH[self.role],
            "enterprise_id": self.enterprise_id,
            "display_name": self.display_name,
        }


#: who reads when nobody is logged in and the deployment allows it
ANONYMOUS = User(id=0, username="anonymous", role="viewer", enterprise_id=None, display_name="访客")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    *,
    enterprise_id: str | None = None,
    display_name: str | None = None,
) -> User:
    """Add a user; an enterprise user must name an existing enterprise, other roles must not."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("用户名不能为空，且不超过 64 个字符")
    if role not in ROLES:
        raise AccountError(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}")
    if len(password) < 8:
        raise AccountError("密码至少 8 位")
    if role == "enterprise":
        if not enterprise_id:
            raise AccountError("企业用户必须用 --enterprise 指定所属企业编号")
        found = conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [enterprise_id]).fetchone()
        if not found:
            raise AccountError(f"企业编号 {enterprise_id} 不存在，请先导入该企业")
    elif enterprise_id:
        raise AccountError(f"只有企业用户可以绑定企业（当前角色：{role}）")
    if conn.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchone():
        raise AccountError(f"用户名 {username} 已存在")
    row = conn.execute(
        "INSERT INTO app_user (username, password_hash, role, enterprise_id, display_name)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        [username, hash_password(password), role, enterprise_id, display_name],
    ).fetchone()
    assert row is not None
    return User(int(row[0]), username, role, enterprise_id, display_name)


#: the demo store's users: (name, role, enterprise, password, display name). Passwords are public: demo only.
DEMO_USERS = (
    ("admin", "admin", None, "chainbrain-admin", "演示管理员"),
    ("analyst", "analyst", None, "chainbrain-analyst", "市经济信息委汽车处（演示）"),
    ("changan", "enterprise", "changan", "chainbrain-changan", "长安汽车采购（演示）"),
    ("viewer", "viewer", None, "chainbrain-viewer", "领导大屏（演示）"),
)


def create_demo_users(conn: duckdb.DuckDBPyConnection) -> list[tuple[User, str]]:
    """Add the demo users that do not exist yet; returns (user, password) of those added.

    An enterprise demo user is added only when its firm is in the store.
    """
    added = []
    for name, role, ent, password, display in DEMO_USERS:
        if conn.execute("SELECT 1 FROM app_user WHERE username = ?", [name]).fetchone():
            continue
        if ent and not conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [ent]).fetchone():
            continue
        added.append(
            (create_user(conn, name, password, role, enterprise_id=ent, display_name=display), password)
        )
    return added


def _user_from_row(row: tuple) -> User:
    return User(int(row[0]), row[1], row[2], row[3], row[4])


_USER_COLS = "id, username, role, enterprise_id, display_name"


def list_users(conn: duckdb.DuckDBPyConnection) -> list[User]:
    rows = conn.execute(f"SELECT {_USER_COLS} FROM app_user WHERE active ORDER BY id").fetchall()
    return [_user_from_row(r) for r in rows]


def authenticate(conn: duckdb.DuckDBPyConnection, username: str, password: str) -> User | None:
    """The user whose name and password match, or None (same cost either way)."""
    row = conn.execute(
        f"SELECT {_USER_COLS}, password_hash FROM app_user WHERE username = ? AND active", [username]
    ).fetchone()
    stored = row[5] if row else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return _user_from_row(row[:5]) if row else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(conn: duckdb.DuckDBPyConnection, user: User, hours: int) -> tuple[str, dt.datetime]:
    """A new session token for ``user`` and when it expires (UTC)."""
    token = secrets.token_urlsafe(32)
    expires = _now() + dt.timedelta(hours=hours)
    conn.execute(
        "INSERT INTO app_session (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
        [_token_hash(token), user.id, expires],
    )
    return token, expires


def user_for_token(conn: duckdb.DuckDBPyConnection, token: str) -> User | None:
    """The active user of an unexpired session token, or None."""
    row = conn.execute(
        f"SELECT {', '.join('u.' + c for c in _USER_COLS.split(', '))} FROM app_session s"
        " JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active",
        [_token_hash(token), _now()],
    ).fetchone()
    return _user_from_row(row) if row else None


def end_session(conn: duckdb.DuckDBPyConnection, token: str) -> None:
    conn.execute("DELETE FROM app_session WHERE token_hash = ?", [_token_hash(token)])


def recent_failures(conn: duckdb.DuckDBPyConnection, username: str, ip: str, window_s: int) -> int:
    """Failed logins for this name from this address within the last ``window_s`` seconds."""
    since = _now() - dt.timedelta(seconds=window_s)
    row = conn.execute(
        "SELECT count(*) FROM login_attempt WHERE username = ? AND ip = ? AND NOT ok AND at_time > ?",
        [username, ip, since],
    ).fetchone()
    return int(row[0]) if row else 0


def record_attempt(conn: duckdb.DuckDBPyConnection, username: str, ip: str, ok: bool) -> None:
    conn.execute(
        "INSERT INTO login_attempt (username, ip, at_time, ok) VALUES (?, ?, ?, ?)",
        [username, ip, _now(), ok],
    )


def audit(
    conn: duckdb.DuckDBPyConnection,
    user: User | None,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Record one write: who (user), when (now, UTC), what (action, target, detail)."""
    conn.execute(
        "INSERT INTO audit_log (at_time, user_id, username, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            _now(),
            user.id if user else None,
            user.username if user else None,
            action,
            target,
            json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None,
            ip,
        ],
    )


def audit_entries(
    conn: duckdb.DuckDBPyConnection, limit: int = 100, offset: int = 0
) -> tuple[list[dict], int]:
    """Newest audit entries first, and how many there are in all."""
    cur = conn.execute(
        "SELECT id, at_time, user_id, username, action, target, detail, ip FROM audit_log"
        " ORDER BY id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    total = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    return rows, int(total[0]) if total else 0
