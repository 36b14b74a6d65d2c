"""``chainbrain user passwd | deactivate | revoke``: the CLI over the account functions, audited."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chainbrain.api.accounts import authenticate, create_session, create_user, user_for_token
from chainbrain.cli import app
from chainbrain.store import connect

runner = CliRunner()
GOOD = "river-map-2026"


def _store(tmp_path: Path) -> tuple[Path, str]:
    """A store with an admin and an analyst holding one live session; the path and that session's token."""
    path = tmp_path / "cli.duckdb"
    conn = connect(path)
    create_user(conn, "boss", GOOD, "admin")
    token, _ = create_session(conn, create_user(conn, "zhangsan", GOOD, "analyst"), 12)
    conn.close()
    return path, token


def _audit(path: Path) -> list[tuple[str, str]]:
    conn = connect(path)
    rows = conn.execute("SELECT action, target FROM audit_log ORDER BY id").fetchall()
    conn.close()
    return [(a, t) for a, t in rows]


def test_passwd_sets_the_password_and_ends_sessions(tmp_path: Path) -> None:
    path, token = _store(tmp_path)
    db = ["--db", str(path)]
    r = runner.invoke(app, [*db, "user", "passwd", "ZhangSan", "--password", "short"])
    assert r.exit_code == 1 and "至少 10 位" in r.output
    r = runner.invoke(app, [*db, "user", "passwd", "ZhangSan", "--password", "new-secret-77"])
    assert r.exit_code == 0, r.output
    assert "已修改用户 zhangsan 的密码，注销其会话 1 个" in r.output
    conn = connect(path)
    assert authenticate(conn, "zhangsan", "new-secret-77") is not None
    assert authenticate(conn, "zhangsan", GOOD) is None
    assert user_for_token(conn, token) is None
    conn.close()
    assert _audit(path) == [("user.password", "user:zhangsan")]


def test_passwd_asks_twice_when_no_password_is_given(tmp_path: Path) -> None:
    path, _ = _store(tmp_path)
    r = runner.invoke(
        app, ["--db", str(path), "user", "passwd", "zhangsan"], input="new-secret-77\nother-one-88\n"
    )
    assert r.exit_code == 1 and "两次输入的密码不一致" in r.output


def test_deactivate_and_revoke(tmp_path: Path) -> None:
    path, token = _store(tmp_path)
    db = ["--db", str(path)]
    r = runner.invoke(app, [*db, "user", "revoke", "zhangsan"])
    assert r.exit_code == 0 and "已注销用户 zhangsan 的会话 1 个" in r.output
    r = runner.invoke(app, [*db, "user", "deactivate", "zhangsan"])
    assert r.exit_code == 0 and "已停用用户 zhangsan，注销其会话 0 个" in r.output
    r = runner.invoke(app, [*db, "user", "deactivate", "boss"])
    assert r.exit_code == 1 and "最后一个管理员" in r.output
    r = runner.invoke(app, [*db, "user", "revoke", "nobody"])
    assert r.exit_code == 1 and "nobody 不存在或已停用" in r.output
    conn = connect(path)
    assert authenticate(conn, "zhangsan", GOOD) is None and user_for_token(conn, token) is None
    conn.close()
    assert _audit(path) == [("user.sessions_revoke", "user:zhangsan"), ("user.deactivate", "user:zhangsan")]
