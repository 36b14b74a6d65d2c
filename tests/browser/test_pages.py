"""Every page in real Chromium: loads without console errors, shows what the API returns, keeps secrets."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: page → a selector that appears once its data is on screen
PAGES = {
    "cockpit": "[data-test=fig-local-rate]",
    "chain": ".echart canvas",
    "map": ".echart canvas",
    "enterprises": "[data-test=enterprise-table] .el-table__row",
    "enterprises/changan": "[data-test=profile-name]",
    "local-rate": "[data-test=rate-table] .el-table__row",
    "targets": "[data-test=targets-table] .el-table__row",
    "imports": "[data-test=import-table]",
}
VIEWER_PAGES = [p for p in PAGES if p != "imports"]


def _visit(page: object, server: Any, path: str) -> None:
    page.goto(f"{server.url}/#/{path}")  # type: ignore[attr-defined]
    page.wait_for_selector(PAGES[path], timeout=20_000)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


@pytest.mark.parametrize("user,paths", [("analyst", list(PAGES)), ("viewer", VIEWER_PAGES)])
def test_every_page_loads_without_console_errors(login: Any, server: Any, user: str, paths: list) -> None:
    page, console = login(user)
    for path in paths:
        _visit(page, server, path)
        assert console.errors == [], (path, console.errors)


def test_pages_show_the_api_figures(login: Any, server: Any) -> None:
    page, console = login("analyst")
    ov = server.api("analyst", "/analytics/overview")
    _visit(page, server, "cockpit")
    assert page.inner_text("[data-test=fig-enterprises]").startswith(str(ov["enterprises"]))  # type: ignore[attr-defined]
    assert page.inner_text("[data-test=fig-parts]").startswith(str(ov["local_parts_firms"]))  # type: ignore[attr-defined]
    assert ov["local_parts_firms"] == 543  # seed 001: 智能网联新能源汽车零部件企业达到543家 (2024)
    # the demo is mostly illustrative: the cockpit says so, with the API's own counts
    caveat = page.inner_text("[data-test=data-caveat]")
    assert (
        f"{ov['unverified_enterprises']} 家企业" in caveat
        and f"{ov['unverified_links']} 条供应关系" in caveat
    )  # type: ignore[index]
    assert page.inner_text("[data-test=fig-local-rate]") == f"{ov['local_rate_value'] * 100:.1f}%"  # type: ignore[attr-defined]
    summary = server.api("analyst", "/targets/summary")
    counts = page.inner_text("[data-test=target-counts]")  # type: ignore[attr-defined]
    assert all(f"{s} {n}" in counts for s, n in summary["counts"].items())

    _visit(page, server, "enterprises")
    n = server.api("analyst", "/enterprises")["count"]
    assert page.inner_text("[data-test=count]") == f"共 {n} 家"  # type: ignore[attr-defined]

    _visit(page, server, "local-rate")
    rows = server.api("analyst", "/analytics/local-rate", by="oem")["data"]
    shown = page.locator("[data-test=rate-table] .el-table__body .el-table__row")  # type: ignore[attr-defined]
    assert shown.count() == len(rows)
    assert rows[0]["name"] in shown.first.inner_text()

    _visit(page, server, "targets")
    total = sum(summary["counts"].values())
    assert f"全部 {total}" in page.inner_text("[data-test=target-summary]")  # type: ignore[attr-defined]
    assert console.errors == []


def test_search_a_firm_then_its_profile_then_a_supplier(login: Any, server: Any) -> None:
    page, console = login("analyst")
    _visit(page, server, "enterprises")
    page.fill("input[data-test=search]", "长安汽车")  # type: ignore[attr-defined]
    page.click("[data-test=search-button]")  # type: ignore[attr-defined]
    n = server.api("analyst", "/enterprises", q="长安汽车")["count"]
    page.wait_for_selector(f"[data-test=count]:has-text('共 {n} 家')")  # type: ignore[attr-defined]
    page.click("text=重庆长安汽车股份有限公司")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-test=profile-name]:has-text('重庆长安汽车股份有限公司')")  # type: ignore[attr-defined]
    suppliers = server.api("analyst", "/enterprises/changan")["suppliers"]
    assert suppliers, "the demo OEM has suppliers"
    rows = page.locator("[data-test=suppliers-table] .el-table__body .el-table__row")  # type: ignore[attr-defined]
    assert rows.count() == min(20, len(suppliers))  # 20 a page (tests/browser/test_extras_pages.py pages on)
    first = suppliers[0]
    page.click(f"[data-test=suppliers-table] a[href='#/enterprises/{first['supplier_id']}']")  # type: ignore[attr-defined]
    page.wait_for_selector(f"[data-test=profile-name]:has-text('{first['supplier_name']}')")  # type: ignore[attr-defined]
    assert console.errors == []


BAD_CSV = (
    "id,name,district_code,roles,source,status\n"
    "bt-1,浏览器测试企业甲,500112,Tier1,test,illustrative\n"
    "bt-2,浏览器测试企业乙,999999,Tier9,test,illustrative\n"
)


def test_bad_upload_shows_row_errors_and_writes_nothing(login: Any, server: Any) -> None:
    before = server.api("analyst", "/enterprises")["count"]
    page, console = login("analyst")
    _visit(page, server, "imports")
    page.set_input_files(  # type: ignore[attr-defined]
        "[data-test=import-file]",
        files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}],
    )
    page.click("[data-test=import-check]")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-test=import-rejected]")  # type: ignore[attr-defined]
    problems = page.locator("[data-test=problems-table] .el-table__body .el-table__row")  # type: ignore[attr-defined]
    assert problems.count() == 2
    text = page.inner_text("[data-test=problems-table]")  # type: ignore[attr-defined]
    assert "Tier9" in text and "999999" in text
    assert page.is_disabled("[data-test=import-commit]")  # type: ignore[attr-defined]
    assert server.api("analyst", "/enterprises")["count"] == before
    assert server.api("analyst", "/enterprises", q="浏览器测试")["count"] == 0
    assert console.errors == []


def test_enterprise_user_cannot_see_another_firms_links(login: Any, server: Any) -> None:
    page, console = login("changan-buyer")
    page.goto(f"{server.url}/#/enterprises/seres")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-test=links-hidden]")  # type: ignore[attr-defined]
    assert page.locator("[data-test=suppliers-table]").count() == 0  # type: ignore[attr-defined]
    # its own firm: suppliers are listed
    page.goto(f"{server.url}/#/enterprises/changan")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-test=suppliers-table] .el-table__row")  # type: ignore[attr-defined]
    # and through the API with the browser's own session cookie: only links changan is a party to
    r = page.request.get(f"{server.url}/api/v1/supply-links?buyer=seres&size=500")  # type: ignore[attr-defined]
    assert r.status == 200
    assert all(x["supplier_id"] == "changan" for x in r.json()["data"])
    assert r.json()["count"] < server.api("analyst", "/supply-links", buyer="seres")["count"]
    assert console.errors == []
