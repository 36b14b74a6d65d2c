"""Users and the audit log (admins only): add, list, change a role, set a password, deactivate, end sessions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from chainbrain.api import accounts
from chainbrain.api.accounts import audit, audit_actions, audit_entries, list_users
from chainbrain.api.deps import AdminUser, ConnDep, client_ip
from chainbrain.api.routes.auth import RevokedOut, UserOut
from chainbrain.api.routes.common import ERRORS, ErrorOut, Page, PageNo, PageSize

router = APIRouter(prefix="/users", tags=["users"], responses=ERRORS)


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(
        min_length=1, max_length=256
    )  # the policy (and its Chinese reason) is the library's
    role: Literal["admin", "analyst", "enterprise", "viewer"]
    enterprise_id: str | None = Field(None, min_length=1, max_length=64)
    display_name: str | None = Field(None, max_length=100)


class AuditOut(BaseModel):
    id: int
    at_time: dt.datetime
    user_id: int | None
    username: str | None
    action: str
    target: str | None
    detail: str | None
    ip: str | None


@router.get("")
def read_users(conn: ConnDep, admin: AdminUser) -> Page[UserOut]:
    """Every active user."""
    users = list_users(conn)
    return Page(data=[UserOut(**u.public()) for u in users], count=len(users))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, request: Request, conn: ConnDep, admin: AdminUser) -> UserOut:
    """Add a user (an enterprise user names its firm)."""
    user = accounts.create_user(
        conn,
        body.username,
        body.password,
        body.role,
        enterprise_id=body.enterprise_id,
        display_name=body.display_name,
    )
    audit(conn, admin, "user.create", f"user:{user.username}", {"role": user.role}, client_ip(request))
    return UserOut(**user.public())


class RoleSet(BaseModel):
    role: Literal["admin", "analyst", "enterprise", "viewer"]
    enterprise_id: str | None = Field(None, min_length=1, max_length=64)


@router.patch("/{username}", responses={404: {"model": ErrorOut, "description": "没有该用户"}})
def update_user_role(
    username: str, body: RoleSet, request: Request, conn: ConnDep, admin: AdminUser
) -> UserOut:
    """Change a user's role (admin; an enterprise user names its firm; not one's own role)."""
    if accounts.username_key(username) == accounts.username_key(admin.username):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "不能修改自己的角色")
    before = accounts.find_user(conn, username)
    user = accounts.set_role(conn, username, body.role, enterprise_id=body.enterprise_id)
    # cached sessions hold the old role: the next request reads the new one from the store
    request.app.state.sessions.drop_user(user.id)
    detail = {"from": before.role, "role": user.role, "enterprise_id": user.enterprise_id}
    audit(conn, admin, "user.role", f"user:{user.username}", detail, client_ip(request))
    return UserOut(**user.public())


class PasswordSet(BaseModel):
    new_password: str = Field(min_length=1, max_length=256)


@router.put("/{username}/password", responses={404: {"model": ErrorOut, "description": "没有该用户"}})
def update_user_password(
    username: str, body: PasswordSet, request: Request, conn: ConnDep, admin: AdminUser
) -> RevokedOut:
    """Set a user's password (admin); every session of that user ends."""
    user, revoked = accounts.change_password(conn, username, body.new_password)
    request.app.state.sessions.drop_user(user.id)
    audit(conn, admin, "user.password", f"user:{user.username}", {"revoked": revoked}, client_ip(request))
    return RevokedOut(revoked=revoked)


@router.post("/{username}/deactivate", responses={404: {"model": ErrorOut, "description": "没有该用户"}})
def deactivate_user(username: str, request: Request, conn: ConnDep, admin: AdminUser) -> RevokedOut:
    """Deactivate a user (admin): they can no longer log in and every session ends."""
    if accounts.username_key(username) == accounts.username_key(admin.username):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "不能停用自己的账号")
    user, revoked = accounts.deactivate_user(conn, username)
    request.app.state.sessions.drop_user(user.id)
    audit(conn, admin, "user.deactivate", f"user:{user.username}", {"revoked": revoked}, client_ip(request))
    return RevokedOut(revoked=revoked)


@router.delete("/{username}/sessions", responses={404: {"model": ErrorOut, "description": "没有该用户"}})
def delete_user_sessions(username: str, request: Request, conn: ConnDep, admin: AdminUser) -> RevokedOut:
    """End every session of a user (admin), e.g. after a lost laptop; the user may log in again."""
    user = accounts.find_user(conn, username)
    revoked = accounts.revoke_sessions(conn, user.id)
    request.app.state.sessions.drop_user(user.id)
    audit(
        conn, admin, "user.sessions_revoke", f"user:{user.username}", {"revoked": revoked}, client_ip(request)
    )
    return RevokedOut(revoked=revoked)


class AuditAction(BaseModel):
    action: str
    count: int


@router.get("/audit")
def read_audit_log(
    conn: ConnDep,
    admin: AdminUser,
    page: PageNo = 1,
    size: PageSize = 50,
    username: str | None = Query(None, max_length=64, description="操作人用户名（不区分大小写）"),
    action: str | None = Query(None, max_length=64, description="操作，如 user.create"),
    since: dt.date | None = Query(None, description="起始日期（UTC，含当天）"),
    until: dt.date | None = Query(None, description="截止日期（UTC，含当天）"),
) -> Page[AuditOut]:
    """The audit log, newest first: who wrote what, and when; filtered by user, action and dates."""
    if since is not None and until is not None and since > until:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"起始日期 {since} 晚于截止日期 {until}，请检查日期范围"
        )
    rows, total = audit_entries(
        conn,
        limit=size,
        offset=(page - 1) * size,
        username=username,
        action=action,
        since=since,
        until=until,
    )
    return Page(data=[AuditOut(**r) for r in rows], count=total)


@router.get("/audit/actions")
def read_audit_actions(conn: ConnDep, admin: AdminUser) -> Page[AuditAction]:
    """Every action in the audit log with its number of entries (the choices of the action filter)."""
    rows = audit_actions(conn)
    return Page(data=[AuditAction(action=a, count=n) for a, n in rows], count=len(rows))
