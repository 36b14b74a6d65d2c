"""Logging in and out: a session cookie for the browser and the same token for ``Authorization: Bearer``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from chainbrain.api.accounts import (
    ANONYMOUS,
    audit,
    authenticate,
    create_session,
    end_session,
    recent_failures,
    record_attempt,
    user_for_token,
)
from chainbrain.api.deps import SESSION_COOKIE, ConnDep, CurrentUser, SettingsDep, TokenDep, client_ip
from chainbrain.api.routes.common import ERRORS, ErrorOut

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


@router.post("/login", responses={429: {"model": ErrorOut, "description": "失败次数过多"}})
def login(
    body: LoginIn, request: Request, response: Response, conn: ConnDep, settings: SettingsDep
) -> LoginOut:
    """Log in with a user name and password; sets the session cookie and returns a bearer token."""
    ip = client_ip(request)
    failures = recent_failures(conn, body.username, ip, settings.login_window_s)
    if failures >= settings.login_max_failures:
        minutes = max(1, settings.login_window_s // 60)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"登录失败次数过多（{failures} 次），请 {minutes} 分钟后再试",
            headers={"Retry-After": str(settings.login_window_s)},
        )
    user = authenticate(conn, body.username, body.password)
    record_attempt(conn, body.username, ip, user is not None)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户名或密码错误")
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


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, conn: ConnDep, token: TokenDep) -> None:
    """End this session (the cookie is cleared; the token stops working)."""
    if token:
        end_session(conn, token)
        request.app.state.sessions.drop(token)
    response.delete_cookie(SESSION_COOKIE, path="/")


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
