"""Accounts of the web app: users with argon2 hashes, login sessions, the audit log, login throttling.

Plain functions over a store connection; the routes and the ``chainbrain user`` command call them.
A session token is 32 random bytes (URL-safe base64); only its SHA-256 is stored, so a copy of the
store does not hand out live logins.

User names are NFKC-normalised and stripped; control, format (zero-width) and other invisible characters
are refused, and uniqueness is case-insensitive through ``username_key`` (casefolded, UNIQUE in the
store). Passwords follow :mod:`chainbrain.store.passwords`.

Login throttling counts failures per user name (from any address) and per address (for any name). An
attempt is *reserved* -- counted as a failure -- under a process-wide lock before its password is checked,
and marked ok only after, so concurrent guesses cannot all slip under the limit and a refused attempt
never reaches argon2. The lock is enough because one process holds the DuckDB store for writing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from chainbrain.errors import InvalidInput
from chainbrain.store.passwords import password_problem

ROLES = ("admin", "analyst", "enterprise", "viewer")
ROLE_ZH = {"admin": "管理员", "analyst": "分析员", "enterprise": "企业用户", "viewer": "只读用户"}

_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist, so a wrong name costs as much as a
# wrong password and the response time does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("chainbrain-no-such-user")


class AccountError(InvalidInput, ValueError):
    """A user cannot be created or changed as asked (message in zh-CN); ``status`` is the HTTP answer."""

    status = 422


class AccountConflict(AccountError):
    """The user name is taken (also when another request took it a moment earlier)."""

    status = 409


class AccountNotFound(AccountError):
    """No (active) user of that name."""

    status = 404


class WrongPassword(AccountError):
    """The current password given to change it does not match."""

    status = 403


class LoginThrottled(Exception):
    """Too many failed logins for this name or from this address within the window."""

    def __init__(self, failures: int, by_name: bool) -> None:
        super().__init__(failures, by_name)
        self.failures = failures
        #: True when the user name's count tripped, False when the address's did
        self.by_name = by_name


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


#: Unicode categories refused anywhere in a user name: control, format (zero-width joiners, bidi marks),
#: surrogates, private use, unassigned, and line/paragraph separators
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def normalize_username(username: str) -> tuple[str, str]:
    """The user name as stored (NFKC, stripped) and its case-insensitive key; AccountError if unusable.

    Full-width letters become ASCII (``Ａｄｍｉｎ`` → ``Admin``, key ``admin``); a name with a control or
    zero-width character, or with spaces inside, is refused with the character's code point.
    """
    name = unicodedata.normalize("NFKC", username).strip()
    if not name or len(name) > 64:
        raise AccountError("用户名不能为空，且不超过 64 个字符")
    for ch in name:
        cat = unicodedata.category(ch)
        if cat in _REFUSED_CATEGORIES or ch.isspace():
            kind = "空白" if ch.isspace() else "控制或不可见"
            raise AccountError(f"用户名 {name!r} 含{kind}字符 U+{ord(ch):04X}，不能使用")
    return name, username_key(name)


def username_key(username: str) -> str:
    """The case-insensitive key of a user name: NFKC, casefolded, NFKC again (Unicode's NFKC_Casefold)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).strip().casefold())


def check_password(password: str, username: str) -> None:
    """Raise AccountError (zh-CN reason) unless ``password`` meets the policy for ``username``."""
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)


def create_user(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    *,
    enterprise_id: str | None = None,
    display_name: str | None = None,
) -> User:
    """Add a user; an enterprise user must name an existing enterprise, other roles must not.

    The name is normalised (:func:`normalize_username`) and must be new case-insensitively
    (:class:`AccountConflict`, also when a concurrent request takes it first); the password must meet
    the policy of :mod:`chainbrain.store.passwords`.
    """
    username, _ = normalize_username(username)
    check_password(password, username)
    return _insert_user(conn, username, password, role, enterprise_id, display_name)


def _insert_user(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    enterprise_id: str | None,
    display_name: str | None,
) -> User:
    username, key = normalize_username(username)
    if role not in ROLES:
        raise AccountError(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}")
    if role == "enterprise":
        if not enterprise_id:
            raise AccountError("企业用户必须用 --enterprise 指定所属企业编号")
        found = conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [enterprise_id]).fetchone()
        if not found:
            raise AccountError(f"企业编号 {enterprise_id} 不存在，请先导入该企业")
    elif enterprise_id:
        raise AccountError(f"只有企业用户可以绑定企业（当前角色：{role}）")
    taken = f"用户名 {username} 已存在（用户名不区分大小写）"
    if conn.execute(
        "SELECT 1 FROM app_user WHERE username_key = ? OR username = ?", [key, username]
    ).fetchone():
        raise AccountConflict(taken)
    try:
        row = conn.execute(
            "INSERT INTO app_user (username, username_key, password_hash, role, enterprise_id, display_name)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [username, key, hash_password(password), role, enterprise_id, display_name],
        ).fetchone()
    except (duckdb.ConstraintException, duckdb.TransactionException) as e:
        # another request inserted the same name between the check above and this insert
        raise AccountConflict(taken) from e
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

    An enterprise demo user is added only when its firm is in the store. Their passwords are printed
    and published, so the password policy (which refuses them for every other account) is not applied.
    """
    added = []
    for name, role, ent, password, display in DEMO_USERS:
        if conn.execute("SELECT 1 FROM app_user WHERE username_key = ?", [username_key(name)]).fetchone():
            continue
        if ent and not conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [ent]).fetchone():
            continue
        added.append((_insert_user(conn, name, password, role, ent, display), password))
    return added


def _user_from_row(row: tuple) -> User:
    return User(int(row[0]), row[1], row[2], row[3], row[4])


_USER_COLS = "id, username, role, enterprise_id, display_name"


def list_users(conn: duckdb.DuckDBPyConnection) -> list[User]:
    rows = conn.execute(f"SELECT {_USER_COLS} FROM app_user WHERE active ORDER BY id").fetchall()
    return [_user_from_row(r) for r in rows]


def find_user(conn: duckdb.DuckDBPyConnection, username: str) -> User:
    """The active user of this name (case-insensitively), or AccountNotFound."""
    row = conn.execute(
        f"SELECT {_USER_COLS} FROM app_user WHERE username_key = ? AND active", [username_key(username)]
    ).fetchone()
    if row is None:
        raise AccountNotFound(f"用户 {username} 不存在或已停用")
    return _user_from_row(row)


def authenticate(conn: duckdb.DuckDBPyConnection, username: str, password: str) -> User | None:
    """The user whose name (case-insensitively) and password match, or None (same cost either way)."""
    row = conn.execute(
        f"SELECT {_USER_COLS}, password_hash FROM app_user WHERE username_key = ? AND active",
        [username_key(username)],
    ).fetchone()
    stored = row[5] if row else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return _user_from_row(row[:5]) if row else None


def change_password(
    conn: duckdb.DuckDBPyConnection, username: str, new_password: str, *, old_password: str | None = None
) -> tuple[User, int]:
    """Set a new password and end every session of the user; returns (user, sessions ended).

    With ``old_password`` (a user changing their own) it must match first (:class:`WrongPassword`);
    without it (an admin, or the CLI on the store file) any active user's password is set.
    """
    user = find_user(conn, username)
    if old_password is not None and authenticate(conn, user.username, old_password) is None:
        raise WrongPassword("原密码不正确")
    check_password(new_password, user.username)
    conn.execute("UPDATE app_user SET password_hash = ? WHERE id = ?", [hash_password(new_password), user.id])
    return user, revoke_sessions(conn, user.id)


def deactivate_user(conn: duckdb.DuckDBPyConnection, username: str) -> tuple[User, int]:
    """Deactivate a user (they can no longer log in) and end their sessions; returns (user, sessions ended).

    The last active admin cannot be deactivated: nobody could manage users any more.
    """
    user = find_user(conn, username)
    if user.role == "admin":
        row = conn.execute("SELECT count(*) FROM app_user WHERE role = 'admin' AND active").fetchone()
        if row is not None and int(row[0]) <= 1:
            raise AccountError(f"{user.username} 是最后一个管理员，不能停用；请先添加另一个管理员")
    conn.execute("UPDATE app_user SET active = FALSE WHERE id = ?", [user.id])
    return user, revoke_sessions(conn, user.id)


def set_role(
    conn: duckdb.DuckDBPyConnection, username: str, role: str, *, enterprise_id: str | None = None
) -> User:
    """Give an active user another role (an enterprise user names its firm; other roles none).

    The last active admin cannot lose the admin role: nobody could manage users any more. The change
    takes effect on the user's next request (sessions read the role from the store).
    """
    user = find_user(conn, username)
    if role not in ROLES:
        raise AccountError(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}")
    if role == "enterprise":
        if not enterprise_id:
            raise AccountError("企业用户必须指定所属企业编号（enterprise_id）")
        if not conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [enterprise_id]).fetchone():
            raise AccountError(f"企业编号 {enterprise_id} 不存在，请先导入该企业")
    elif enterprise_id:
        raise AccountError(f"只有企业用户可以绑定企业（目标角色：{ROLE_ZH[role]}）")
    if user.role == "admin" and role != "admin":
        row = conn.execute("SELECT count(*) FROM app_user WHERE role = 'admin' AND active").fetchone()
        if row is not None and int(row[0]) <= 1:
            raise AccountError(f"{user.username} 是最后一个管理员，不能改为其他角色；请先添加另一个管理员")
    conn.execute(
        "UPDATE app_user SET role = ?, enterprise_id = ? WHERE id = ?", [role, enterprise_id, user.id]
    )
    return User(user.id, user.username, role, enterprise_id, user.display_name)


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


def revoke_sessions(conn: duckdb.DuckDBPyConnection, user_id: int) -> int:
    """End every session of a user ("log out everywhere"); returns how many were still valid."""
    row = conn.execute(
        "SELECT count(*) FROM app_session WHERE user_id = ? AND expires_at > ?", [user_id, _now()]
    ).fetchone()
    conn.execute("DELETE FROM app_session WHERE user_id = ?", [user_id])
    return int(row[0]) if row else 0


_LOGIN_LOCK = threading.Lock()


def reserve_login_attempt(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    ip: str,
    *,
    max_per_name: int,
    max_per_ip: int,
    window_s: int,
) -> str:
    """Count the recent failures and, if under both limits, record this attempt as failed; its id.

    Raises :class:`LoginThrottled` when the user name has ``max_per_name`` failures (from any address)
    or the address has ``max_per_ip`` failures (for any name) within the last ``window_s`` seconds.
    Attempts reserved but not yet checked count as failures, so concurrent guesses are counted too;
    :func:`login_succeeded` marks an attempt ok once its password matched.
    """
    key = username_key(username)
    since = _now() - dt.timedelta(seconds=window_s)
    with _LOGIN_LOCK:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE username = ?), count(*) FILTER (WHERE ip = ?) FROM login_attempt"
            " WHERE NOT ok AND at_time > ? AND (username = ? OR ip = ?)",
            [key, ip, since, key, ip],
        ).fetchone()
        by_name, by_ip = (int(row[0]), int(row[1])) if row else (0, 0)
        if by_name >= max_per_name:
            raise LoginThrottled(by_name, by_name=True)
        if by_ip >= max_per_ip:
            raise LoginThrottled(by_ip, by_name=False)
        attempt = uuid.uuid4().hex
        conn.execute(
            "INSERT INTO login_attempt (username, ip, at_time, ok, attempt_id) VALUES (?, ?, ?, FALSE, ?)",
            [key, ip, _now(), attempt],
        )
    return attempt


def login_succeeded(conn: duckdb.DuckDBPyConnection, attempt_id: str) -> None:
    """Mark a reserved attempt ok: its password matched, so it no longer counts as a failure."""
    conn.execute("UPDATE login_attempt SET ok = TRUE WHERE attempt_id = ?", [attempt_id])


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
    conn: duckdb.DuckDBPyConnection,
    limit: int = 100,
    offset: int = 0,
    *,
    username: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[list[dict], int]:
    """Newest audit entries first, and how many match in all.

    Filters: ``username`` (who acted, case-insensitively), ``action`` (exact, e.g. ``user.create``),
    ``since`` / ``until`` (UTC days, both included).
    """
    where, params = _audit_filter(username, action, since, until)
    cur = conn.execute(
        "SELECT id, at_time, user_id, username, action, target, detail, ip FROM audit_log"
        f"{where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    total = conn.execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()
    return rows, int(total[0]) if total else 0


def _audit_filter(
    username: str | None, action: str | None, since: dt.date | None, until: dt.date | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if username:
        clauses.append("lower(username) = lower(?)")
        params.append(unicodedata.normalize("NFKC", username).strip())
    if action:
        clauses.append("action = ?")
        params.append(action)
    if since is not None:
        clauses.append("at_time >= ?")
        params.append(dt.datetime.combine(since, dt.time()))
    if until is not None:
        clauses.append("at_time <= ?")  # the whole last day (dt.date.max has no next day)
        params.append(dt.datetime.combine(until, dt.time.max))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def audit_actions(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every action in the audit log with how many entries it has, most frequent first."""
    rows = conn.execute(
        "SELECT action, count(*) AS n FROM audit_log GROUP BY action ORDER BY n DESC, action"
    ).fetchall()
    return [(str(a), int(n)) for a, n in rows]
