"""``chainbrain user add|list`` and ``serve`` (through chainbrain.cli.web_cmds until it is registered)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from chainbrain.api.accounts import authenticate
from chainbrain.cli import _global, web_cmds
from chainbrain.store import connect


def _app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(_global)
    web_cmds.register(app)
    return app


runner = CliRunner()


def test_user_add_then_login_and_list(demo_db_copy: Path) -> None:
    app = _app()
    db = ["--db", str(demo_db_copy)]
    r = runner.invoke(app, [*db, "user", "add", "buyer", "--role", "enterprise", "--enterprise", "changan",
                            "--password", "a-long-pass"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "已添加用户 buyer" in r.output
    r = runner.invoke(app, [*db, "user", "list", "--json"])
    users = json.loads(r.output)
    assert [(u["username"], u["role"], u["enterprise_id"]) for u in users] == [
        ("buyer", "enterprise", "changan")
    ]
    conn = connect(demo_db_copy)
    assert authenticate(conn, "buyer", "a-long-pass") is not None
    assert authenticate(conn, "buyer", "wrong-pass") is None
    (n,) = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'user.create'").fetchone()
    assert n == 1
    conn.close()


def test_user_add_refuses_with_a_reason(demo_db_copy: Path) -> None:
    app = _app()
    db = ["--db", str(demo_db_copy)]
    cases = [
        (["nobody", "--role", "enterprise", "--password", "a-long-pass"], "--enterprise"),
        (
            ["ghost", "--role", "enterprise", "--enterprise", "no-such-firm", "--password", "a-long-pass"],
            "不存在",
        ),
        (["shorty", "--role", "analyst", "--password", "short"], "至少 10 位"),
        (["boss", "--role", "king", "--password", "a-long-pass"], "未知角色"),
    ]
    for args, reason in cases:
        r = runner.invoke(app, [*db, "user", "add", *args])
        assert r.exit_code == 1 and reason in r.output, (args, r.output)


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    r = runner.invoke(_app(), ["--db", str(tmp_path / "none.duckdb"), "serve"])
    assert r.exit_code == 1 and "数据库文件不存在" in r.output


def test_user_demo_adds_the_demo_users_once(demo_db_copy: Path) -> None:
    app = _app()
    db = ["--db", str(demo_db_copy)]
    first = runner.invoke(app, [*db, "user", "demo"])
    assert first.exit_code == 0, first.output
    assert first.output.count("新增") == 4 and "chainbrain-admin" in first.output
    again = runner.invoke(app, [*db, "user", "demo"])
    assert again.output.count("已有") == 4 and "新增" not in again.output
    conn = connect(demo_db_copy)
    buyer = authenticate(conn, "changan", "chainbrain-changan")
    assert buyer is not None and (buyer.role, buyer.enterprise_id) == ("enterprise", "changan")
    conn.close()
