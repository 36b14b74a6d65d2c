"""用户管理 and 审计日志 in real Chromium: an admin adds a user and deactivates it, then finds both actions in
the audit log filtered by action; a password the policy refuses shows the API's Chinese reason; a non-admin has
no menu entry and gets a 403 message on the URL."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

NEW = "zhou-planner"
NEW_PASSWORD = "harbour-lantern-58"


def _pick(page: Any, select: str, option: str) -> None:
    page.click(f"[data-test={select}]")
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


def test_admin_adds_and_deactivates_a_user_and_finds_both_in_the_audit_log(login: Any, server: Any) -> None:
    page, console = login("admin")
    page.locator(".el-menu-item", has_text="用户管理").click()
    page.wait_for_selector("[data-test=users-table] .el-table__row")
    assert page.locator("[data-test=users-table] .el-table__row", has_text="viewer").count() == 1

    # a password containing the user name: refused, with the API's reason shown in the dialog
    page.click("[data-test=add-user]")
    page.fill("input[name=new-username]", NEW)
    page.fill("input[name=new-display-name]", "周规划（测试）")
    _pick(page, "new-role", "分析员")
    page.fill("input[name=new-password]", NEW + "-2026")
    page.click("[data-test=add-submit]")
    err = page.wait_for_selector("[data-test=add-error]").inner_text()
    assert "用户名" in err and re.search(r"[\u4e00-\u9fff]", err)
    assert not any(u["username"] == NEW for u in server.api("admin", "/users")["data"])

    page.fill("input[name=new-password]", NEW_PASSWORD)
    page.click("[data-test=add-submit]")
    page.wait_for_selector(f"[data-test=users-notice]:has-text('已添加用户 {NEW}')")
    row = page.locator("[data-test=users-table] .el-table__row", has_text=NEW)
    row.first.wait_for()  # the notice comes as the list reloads
    assert row.count() == 1 and "分析员" in row.inner_text() and "周规划（测试）" in row.inner_text()
    added = next(u for u in server.api("admin", "/users")["data"] if u["username"] == NEW)
    assert added["role"] == "analyst"

    page.click(f"[data-test=deactivate-{NEW}]")
    page.locator(".el-message-box__btns button", has_text="确定").click()
    page.wait_for_selector(f"[data-test=users-notice]:has-text('已停用 {NEW}')")
    page.wait_for_function(
        "n => ![...document.querySelectorAll('[data-test=users-table] .el-table__row')].some(r => r.innerText.includes(n))",
        arg=NEW,
    )
    assert not any(u["username"] == NEW for u in server.api("admin", "/users")["data"])

    # the audit log, filtered by action: each write once, by admin, on the new user
    page.locator(".el-menu-item", has_text="审计日志").click()
    page.wait_for_selector("[data-test=audit-table] .el-table__row")
    for action_zh, action in (("添加用户", "user.create"), ("停用用户", "user.deactivate")):
        expected = server.api("admin", "/users/audit", action=action)
        _pick(page, "audit-action", action_zh)
        page.click("[data-test=audit-search]")
        # the same count may answer both filters: wait for the rows themselves to be the new action's
        page.wait_for_function(
            """([n, a]) => document.querySelector('[data-test=audit-count]').innerText.trim() === n &&
                [...document.querySelectorAll('[data-test=audit-table] .el-table__body .el-table__row')]
                  .every(r => r.innerText.includes(a))""",
            arg=[f"共 {expected['count']} 条", action_zh],
        )
        rows = page.locator("[data-test=audit-table] .el-table__body .el-table__row")
        assert rows.count() == len(expected["data"]) >= 1
        top = rows.first.inner_text()
        assert action_zh in top and f"用户 {NEW}" in top and "admin" in top
        assert all(action_zh in t for t in rows.all_inner_texts())
    # the only failed request is the refused password (HTTP 422, and the browser's own note of it)
    assert console.errors and all("422" in e for e in console.errors), console.errors


@pytest.mark.parametrize("user", ["analyst", "viewer"])
def test_a_non_admin_has_no_admin_menu_and_a_403_on_the_url(login: Any, server: Any, user: str) -> None:
    page, console = login(user)
    page.wait_for_load_state("networkidle")
    if user == "viewer":  # the viewer starts on the full-screen 大屏; the menu sits under it
        page.goto(f"{server.url}/#/cockpit")
        page.wait_for_selector(".el-menu-item")
    menu = page.locator(".el-menu-item").all_inner_texts()
    assert "大屏" in menu and "用户管理" not in menu and "审计日志" not in menu
    for path, title in (("/admin/users", "用户管理"), ("/admin/audit", "审计日志")):
        page.goto(f"{server.url}/#{path}")
        msg = page.wait_for_selector(f"[data-test=forbidden]:has-text('{title}')").inner_text()
        assert "403" in msg and "仅限管理员" in msg and title in msg
        assert page.locator("[data-test=users-table], [data-test=audit-table]").count() == 0
    assert console.errors == []
