"""``serve`` (the web app) and ``user`` (its accounts)."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from chainbrain.cli.context import (
    CommandGroup,
    HandledCommand,
    State,
    console,
    fail,
    open_store,
    print_json,
    print_table,
)

user_app = CommandGroup(
    help="网页端用户：添加、列出、改密码、停用、注销全部会话（角色 admin / analyst / enterprise / viewer）。",
    no_args_is_help=True,
)


def proxy_options(trusted_proxies: list[str]) -> dict[str, Any]:
    """uvicorn's proxy settings: believe X-Forwarded-For/-Proto only from the listed proxies, else never.

    uvicorn's own default trusts them from 127.0.0.1, so anything on the same machine (or a local
    reverse proxy that passes the header through unchecked) could claim any client address.
    """
    if not trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(trusted_proxies)}


def _log_requests() -> None:
    """Print the server's request log (method, path, status, ms) on stderr; uvicorn itself logs warnings."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    requests = logging.getLogger("chainbrain.api.requests")
    requests.setLevel(logging.INFO)
    requests.addHandler(handler)
    requests.propagate = False


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    allow_anonymous: Annotated[
        bool, typer.Option("--allow-anonymous", help="未登录的访客可按只读用户查看汇总数据")
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            metavar="ADDR",
            help="反向代理的地址，只信任它转发的 X-Forwarded-For（可重复；默认取 CHAINBRAIN_TRUSTED_PROXIES，为空则不信任任何转发头）",
        ),
    ] = None,
) -> None:
    """启动网页端与 API（前端页面在 /，API 在 /api/v1，接口文档在 /docs）。

    经反向代理（nginx 等，负责 HTTPS）部署时，用 --trusted-proxy 或 CHAINBRAIN_TRUSTED_PROXIES 指定代理地址，
    登录限流才按真实客户端地址计数；未指定时任何 X-Forwarded-For 请求头都被忽略。

    Example:
        chainbrain --db demo.duckdb serve --port 8000
        chainbrain --db city.duckdb serve --trusted-proxy 127.0.0.1
    """
    import uvicorn

    from chainbrain.api import ApiSettings, create_app

    state: State = ctx.obj if isinstance(ctx.obj, State) else State()
    if not state.db_path.exists():
        fail(f"数据库文件不存在：{state.db_path}。请先运行 chainbrain --db {state.db_path} init --demo")
    settings = ApiSettings(db=state.db_path, allow_anonymous=allow_anonymous, warm_caches=True)
    if trusted_proxy:
        settings.trusted_proxies = list(trusted_proxy)
    console.print(f"chainbrain 网页端：http://{host}:{port}/  （API 文档 http://{host}:{port}/docs）")
    _log_requests()
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        **proxy_options(settings.trusted_proxies),
    )


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="admin / analyst / enterprise / viewer")],
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="企业用户所属企业编号")] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="密码（至少 10 位，不含用户名，不是常用密码；不给则交互输入）"),
    ] = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="显示名称")] = None,
) -> None:
    """添加网页端用户；企业用户须用 --enterprise 绑定企业，只能看到本企业的供应关系。

    Example:
        chainbrain user add zhangsan --role analyst --password 'a-long-secret'
        chainbrain user add changan-buyer --role enterprise --enterprise changan
    """
    from chainbrain.api.accounts import audit, create_user

    if password is None:
        password = getpass.getpass("密码：")
    conn = open_store(ctx)
    user = create_user(conn, name, password, role, enterprise_id=enterprise, display_name=display_name)
    audit(conn, None, "user.create", f"user:{user.username}", {"role": user.role, "via": "cli"})
    console.print(
        f"已添加用户 {user.username}（角色 {user.role}"
        + (f"，企业 {enterprise}" if enterprise else "")
        + "）"
    )


@user_app.command("demo")
def user_demo(ctx: typer.Context) -> None:
    """添加演示用户（管理员、分析员、长安汽车企业用户、只读用户）并显示登录方式；密码公开，仅用于演示库。

    Example:
        chainbrain --db demo.duckdb user demo
    """
    from chainbrain.api.accounts import DEMO_USERS, ROLE_ZH, audit, create_demo_users

    conn = open_store(ctx)
    added = {u.username for u, _ in create_demo_users(conn)}
    for name in sorted(added):
        audit(conn, None, "user.create", f"user:{name}", {"via": "cli", "demo": True})
    rows = [
        {
            "username": n,
            "password": p,
            "role_zh": ROLE_ZH[r],
            "enterprise_id": e or "",
            "new": "新增" if n in added else "已有",
        }
        for n, r, e, p, _ in DEMO_USERS
    ]
    print_table(
        "演示用户（密码公开，仅用于演示数据库）",
        [
            ("username", "用户名"),
            ("password", "密码"),
            ("role_zh", "角色"),
            ("enterprise_id", "所属企业"),
            ("new", ""),
        ],
        rows,
    )
    console.print(
        "启动网页端：chainbrain --db <数据库> serve，然后在浏览器打开 http://127.0.0.1:8000/ 用上表账号登录"
    )


def _ask_new_password(password: str | None) -> str:
    if password is not None:
        return password
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        fail("两次输入的密码不一致，未修改")
    return first


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名（不区分大小写）")],
    password: Annotated[
        str | None, typer.Option("--password", help="新密码（至少 10 位；不给则交互输入两次）")
    ] = None,
) -> None:
    """设置用户的新密码（以管理员身份，无需原密码）；该用户的所有登录会话随即失效。

    Example:
        chainbrain user passwd zhangsan
        chainbrain user passwd zhangsan --password 'another-long-secret'
    """
    from chainbrain.api.accounts import audit, change_password

    new = _ask_new_password(password)
    conn = open_store(ctx)
    user, revoked = change_password(conn, name, new)
    audit(conn, None, "user.password", f"user:{user.username}", {"revoked": revoked, "via": "cli"})
    console.print(f"已修改用户 {user.username} 的密码，注销其会话 {revoked} 个")


@user_app.command("deactivate")
def user_deactivate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名（不区分大小写）")],
) -> None:
    """停用用户：不能再登录，所有登录会话随即失效（记录保留在审计日志中）；最后一个管理员不能停用。

    Example:
        chainbrain user deactivate zhangsan
    """
    from chainbrain.api.accounts import audit, deactivate_user

    conn = open_store(ctx)
    user, revoked = deactivate_user(conn, name)
    audit(conn, None, "user.deactivate", f"user:{user.username}", {"revoked": revoked, "via": "cli"})
    console.print(f"已停用用户 {user.username}，注销其会话 {revoked} 个")


@user_app.command("revoke")
def user_revoke(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名（不区分大小写）")],
) -> None:
    """注销用户的全部登录会话（如设备丢失）；用户仍可用密码重新登录。

    Example:
        chainbrain user revoke zhangsan
    """
    from chainbrain.api.accounts import audit, find_user, revoke_sessions

    conn = open_store(ctx)
    user = find_user(conn, name)
    revoked = revoke_sessions(conn, user.id)
    audit(conn, None, "user.sessions_revoke", f"user:{user.username}", {"revoked": revoked, "via": "cli"})
    console.print(f"已注销用户 {user.username} 的会话 {revoked} 个")


@user_app.command("list")
def user_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出网页端用户及其角色。

    Example:
        chainbrain user list --json
    """
    from chainbrain.api.accounts import list_users

    users = [u.public() for u in list_users(open_store(ctx))]
    if as_json:
        print_json(users)
        return
    print_table(
        "网页端用户",
        [
            ("username", "用户名"),
            ("role_zh", "角色"),
            ("enterprise_id", "所属企业"),
            ("display_name", "显示名称"),
        ],
        users,
    )


def register(app: typer.Typer) -> None:
    app.command("serve", cls=HandledCommand)(serve)
    app.add_typer(user_app, name="user")
