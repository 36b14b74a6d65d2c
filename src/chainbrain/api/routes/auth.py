"""Logging in and out: a session cookie for the browser and the same token for ``Authorization: Bearer``."""

from __future__ import annotations

from typing import Any

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from chainbrain.api import accounts
from chainbrain.api.accounts import (
    ANONYMOUS,
    AccountError,
    LoginThrottled,
    audit,
    authenticate,
    create_session,
    end_session,
    login_succeeded,
    reserve_login_attempt,
    revoke_sessions,
    user_for_token,
)
from chainbrain.api.csrf import csrf_problem
from chainbrain.api.deps import (
    SESSION_COOKIE,
    ConnDep,
    CurrentUser,
    SettingsDep,
    TokenDep,
    check_csrf,
    client_ip,
)
from chainbrain.api.routes.common import ERRORS, ErrorOut
from chainbrain.api.settings import ApiSettings

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    role_zh: str
    enterprise_id: str | None = None
    display_name: str | None = None


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str
    user: UserOut


def _throttled(e: LoginThrottled, settings: ApiSettings, username: str) -> HTTPException:
    """The 429 for a refused login, saying whose count tripped and how long to wait."""
    minutes = max(1, settings.login_window_s // 60)
    who = f"用户 {username[:64]} " if e.by_name else "此地址"
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"{who}登录失败次数过多（{e.failures} 次），请 {minutes} 分钟后再试",
        headers={"Retry-After": str(settings.login_window_s)},
    )


def _reserve_attempt(conn: duckdb.DuckDBPyConnection, settings: ApiSettings, username: str, ip: str) -> str:
    """Reserve one password check for ``username`` from ``ip`` under the login limits, or raise the 429."""
    try:
        return reserve_login_attempt(
            conn,
            username,
            ip,
            max_per_name=settings.login_max_failures,
            max_per_ip=settings.login_max_failures_per_ip,
            window_s=settings.login_window_s,
        )
    except LoginThrottled as e:
        raise _throttled(e, settings, username) from e


LIMITED: dict[int | str, dict[str, Any]] = {429: {"model": ErrorOut, "description": "失败次数过多"}}


@router.post("/login", responses=LIMITED)
def login(
    body: LoginIn, request: Request, response: Response, conn: ConnDep, settings: SettingsDep
) -> LoginOut:
    """Log in with a user name and password; sets the session cookie and returns a bearer token."""
    # a login form posted from another site (login CSRF) is refused; clients that send no Origin pass
    problem = csrf_problem(request.method, request.headers, settings.allowed_origins, require=False)
    if problem:
        raise HTTPException(status.HTTP_403_FORBIDDEN, problem)
    ip = client_ip(request)
    attempt = _reserve_attempt(conn, settings, body.username, ip)
    user = authenticate(conn, body.username, body.password)
    if user is None:
        audit(conn, None, "auth.login_failed", detail={"username": body.username}, ip=ip)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户名或密码错误")
    login_succeeded(conn, attempt)
    token, expires = create_session(conn, user, settings.session_hours)
    audit(conn, user, "auth.login", ip=ip)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return LoginOut(access_token=token, expires_at=expires.isoformat() + "Z", user=UserOut(**user.public()))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(check_csrf)])
def logout(request: Request, response: Response, conn: ConnDep, token: TokenDep) -> None:
    """End this session (the cookie is cleared; the token stops working)."""
    if token:
        end_session(conn, token)
        request.app.state.sessions.drop(token)
    response.delete_cookie(SESSION_COOKIE, path="/")


class RevokedOut(BaseModel):
    """How many sessions were ended."""

    revoked: int


@router.post("/logout-all")
def logout_everywhere(request: Request, response: Response, conn: ConnDep, user: CurrentUser) -> RevokedOut:
    """Log out everywhere: end every session of the logged-in user, this one included."""
    if user.id == ANONYMOUS.id:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "请先登录（POST /api/v1/auth/login）")
    revoked = revoke_sessions(conn, user.id)
    request.app.state.sessions.drop_user(user.id)
    audit(conn, user, "auth.logout_all", f"user:{user.username}", {"revoked": revoked}, client_ip(request))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return RevokedOut(revoked=revoked)


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


@router.put("/password", responses=LIMITED)
def update_password(
    body: PasswordChange,
    request: Request,
    response: Response,
    conn: ConnDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> RevokedOut:
    """Change one's own password (the current one is checked); every session ends, log in again."""
    if user.id == ANONYMOUS.id:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "请先登录（POST /api/v1/auth/login）")
    ip = client_ip(request)
    # checking the current password is a password guess like a login: same limits, same count
    attempt = _reserve_attempt(conn, settings, user.username, ip)
    try:
        _, revoked = accounts.change_password(
            conn, user.username, body.new_password, old_password=body.old_password
        )
    except accounts.WrongPassword:
        audit(conn, user, "auth.login_failed", detail={"username": user.username, "via": "password"}, ip=ip)
        raise
    except AccountError:
        login_succeeded(conn, attempt)  # the current password matched; the new one was refused
        raise
    login_succeeded(conn, attempt)
    request.app.state.sessions.drop_user(user.id)
    audit(conn, user, "auth.password", f"user:{user.username}", {"revoked": revoked}, ip)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return RevokedOut(revoked=revoked)


class SessionOut(BaseModel):
    """Who this browser is: the user, or null when nobody is logged in (and whether visitors may read)."""

    user: UserOut | None
    allow_anonymous: bool


@router.get("/session")
def read_session(conn: ConnDep, settings: SettingsDep, token: TokenDep) -> SessionOut:
    """The logged-in user or null; never 401, so the front end can ask before it shows the login page."""
    user = user_for_token(conn, token) if token else None
    if user is None and settings.allow_anonymous:
        user = ANONYMOUS
    return SessionOut(
        user=UserOut(**user.public()) if user else None, allow_anonymous=settings.allow_anonymous
    )


@router.get("/me")
def read_me(user: CurrentUser, settings: SettingsDep) -> UserOut:
    """Who is logged in (the anonymous viewer when the deployment allows visitors)."""
    return UserOut(**user.public())
