"""Request dependencies: a store cursor, the settings, the logged-in user, role and CSRF checks.

They do no I/O but the user lookup of a session not in the session cache, so they are ``async``: FastAPI
runs a plain ``def`` dependency in its thread pool, and on a cache hit these hops (one per dependency) were
most of a request's cost; the one lookup that reads the store still runs in the thread pool.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

import duckdb
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from chainbrain.api.accounts import ANONYMOUS, User, user_for_token
from chainbrain.api.cache import ResultCache
from chainbrain.api.csrf import csrf_problem
from chainbrain.api.settings import ApiSettings

SESSION_COOKIE = "cb_session"

_bearer = HTTPBearer(auto_error=False, description="登录返回的 access_token")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="登录后设置的会话 Cookie")


async def app_settings(request: Request) -> ApiSettings:
    """The settings the app was built with (:func:`chainbrain.api.app.create_app`), not re-read per request."""
    return request.app.state.settings


SettingsDep = Annotated[ApiSettings, Depends(app_settings)]


async def get_conn(request: Request) -> AsyncIterator[duckdb.DuckDBPyConnection]:
    """A cursor of the app's store connection for this request (DuckDB cursors are per thread)."""
    cur = request.app.state.conn.cursor()
    try:
        yield cur
    finally:
        cur.close()


ConnDep = Annotated[duckdb.DuckDBPyConnection, Depends(get_conn)]


async def get_cache(request: Request) -> ResultCache:
    return request.app.state.cache


CacheDep = Annotated[ResultCache, Depends(get_cache)]


async def session_token(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> str | None:
    """The token of this request: ``Authorization: Bearer …`` first, else the session cookie."""
    return token_from(bearer.credentials if bearer is not None else None, cookie)


def token_from(bearer: str | None, cookie: str | None) -> str | None:
    """Which token authenticates a request: the bearer credentials if any, else the session cookie's value
    (:func:`session_token`, and the cache-hit layer :mod:`chainbrain.api.fastpath`)."""
    return bearer or cookie or None


TokenDep = Annotated[str | None, Depends(session_token)]


async def check_csrf(
    request: Request,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> None:
    """403 for a cookie-authenticated write whose Origin/Referer is not this site (:mod:`chainbrain.api.csrf`).

    Requests with ``Authorization: Bearer`` and requests without the session cookie are not checked.
    """
    if cookie and not (bearer is not None and bearer.credentials):
        problem = csrf_problem(request.method, request.headers, settings.allowed_origins)
        if problem:
            raise HTTPException(status.HTTP_403_FORBIDDEN, problem)


async def get_current_user(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    token: TokenDep,
    _csrf: Annotated[None, Depends(check_csrf)],
) -> User:
    if token:
        sessions = request.app.state.sessions
        user = sessions.get(token)
        if user is None:
            looked_up_at = time.monotonic()
            user = await run_in_threadpool(user_for_token, conn, token)
            if user is not None:
                sessions.put(token, user, looked_up_at)
        if user is not None:
            return user
        if not settings.allow_anonymous:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "登录已过期或无效，请重新登录")
    if settings.allow_anonymous:
        return ANONYMOUS
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "请先登录（POST /api/v1/auth/login）")


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only the given roles through (403 with the roles that may)."""
    from chainbrain.api.accounts import ROLE_ZH

    allowed = "、".join(ROLE_ZH[r] for r in roles)

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"当前账号（{ROLE_ZH[user.role]}）无权执行此操作，仅限：{allowed}"
            )
        return user

    return check


AnalystUser = Annotated[User, Depends(require_roles("admin", "analyst"))]
AdminUser = Annotated[User, Depends(require_roles("admin"))]


def sees_all_links(user: User) -> bool:
    """Admins and analysts read every supply link and firm figure."""
    return user.role in ("admin", "analyst")


def sees_firm(user: User, enterprise_id: str) -> bool:
    """Whether ``user`` may see this firm's links and figures (revenue, employees, link values)."""
    return sees_all_links(user) or (user.role == "enterprise" and user.enterprise_id == enterprise_id)


def client_ip(request: Request) -> str:
    """The client's address: the TCP peer, or what a trusted proxy forwarded (``chainbrain serve``)."""
    return request.client.host if request.client else "unknown"
