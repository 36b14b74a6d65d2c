"""``serve`` (the web app) and ``user`` (its accounts)."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from chainbrain.cli.context import State, console, fail, open_store, print_json, print_table

user_app = typer.Typer(
    help="网页端用户：添加、列出（角色 admin / analyst / enterprise / viewer）。", no_args_is_help=True
)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    allow_anonymous: Annotated[
        bool, typer.Option("--allow-anonymous", help="未登录的访客可按只读用户查看汇总数据")
    ] = False,
) -> None:
    """启动网页端与 API（前端页面在 /，API 在 /api/v1，接口文档在 /docs）。

    Example:
        chainbrain --db demo.duckdb serve --port 8000
    """
    import uvicorn

    from chainbrain.api import ApiSettings, create_app

    state: State = ctx.obj if isinstance(ctx.obj, State) else State()
    if not state.db_path.exists():
        fail(f"数据库文件不存在：{state.db_path}。请先运行 chainbrain --db {state.db_path} init --demo")
    settings = ApiSettings(db=state.db_path, allow_anonymous=allow_anonymous)
    console.print(f"chainbrain 网页端：http://{host}:{port}/  （API 文档 http://{host}:{port}/docs）")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="admin / analyst / enterprise / viewer")],
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="企业用户所属企业编号")] = None,
    password: Annotated[
        str | None, typer.Option("--password", help="密码（至少 8 位；不给则交互输入）")
    ] = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="显示名称")] = None,
) -> None:
    """添加网页端用户；企业用户须用 --enterprise 绑定企业，只能看到本企业的供应关系。

    Example:
        chainbrain user add zhangsan --role analyst --password 'a-long-secret'
        chainbrain user add changan-buyer --role enterprise --enterprise changan
    """
    from chainbrain.api.accounts import AccountError, audit, create_user

    if password is None:
        password = getpass.getpass("密码：")
    conn = open_store(ctx)
    try:
        user = create_user(conn, name, password, role, enterprise_id=enterprise, display_name=display_name)
    except AccountError as e:
        fail(str(e))
        return
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
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
