"""供应链韧性 in real Chromium: the page shows the API's ranking and district scenario, per role."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _open(page: Any, server: Any, ready: str) -> None:
    page.goto(f"{server.url}/#/resilience")
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")


def _yi(v: float) -> str:
    """The page's 亿元 format (format.ts ``yi``): at most two decimals, grouped digits."""
    s = f"{round(v / 1e8, 2):,.2f}".rstrip("0").rstrip(".")
    return s


def test_analyst_sees_the_api_ranking_and_a_sites_backups(login: Any, server: Any) -> None:
    page, console = login("analyst")
    _open(page, server, "[data-test=ranking-table] .el-table__row")
    assert page.locator(".el-menu-item", has_text="供应链韧性").count() == 1
    top = server.api("analyst", "/resilience/ranking")["data"][0]
    first = page.locator("[data-test=ranking-table] .el-table__body .el-table__row").first
    assert top["name"] in first.inner_text() and f"{top['rei']:.3f}" in first.inner_text()
    # the top site is at risk in the demo (TTS < TTR): its row is highlighted; clicking it shows the stock
    assert top["at_risk"] and "risk-row" in (first.get_attribute("class") or "")
    first.click()
    page.wait_for_selector("[data-test=actions-summary]", timeout=30_000)
    acts = server.api("analyst", f"/resilience/at-risk/{top['node']}")
    assert top["name"] in page.inner_text("[data-test=actions-summary]")
    shown = page.locator("[data-test=backups-table] .el-table__body .el-table__row")
    assert shown.count() == len(acts["backups"])
    if acts["backups"]:
        assert acts["backups"][0]["name"] in shown.first.inner_text()
    # the network chart is fetched and drawn once its card scrolls into view
    page.locator("[data-test=network]").scroll_into_view_if_needed()
    page.wait_for_selector("[data-test=network] canvas", timeout=60_000)
    assert console.errors == []


def test_district_form_returns_the_api_figure(login: Any, server: Any) -> None:
    page, console = login("viewer")
    _open(page, server, "[data-test=district-result]")
    # viewers get the aggregates only: no ranking, no network
    assert page.locator("[data-test=ranking-table]").count() == 0
    assert page.locator("[data-test=network]").count() == 0
    page.click("[data-test=district-select]")
    page.keyboard.type("璧山")
    page.locator(".el-select-dropdown__item:visible", has_text="璧山区").first.click()
    days = page.locator("[data-test=district-days] input")
    days.fill("30")
    days.press("Tab")
    before = page.inner_text("[data-test=district-result]")
    page.click("[data-test=district-run]")
    page.wait_for_function(
        "b => document.querySelector('[data-test=district-result]').innerText !== b",
        arg=before,
        timeout=30_000,
    )
    want = server.api("viewer", "/resilience/district", district="500120", ttr=30)
    text = page.inner_text("[data-test=district-result]")
    assert "璧山区停产 30 天" in text and f"（{want['sites']} 个场所）" in text
    assert page.inner_text("[data-test=district-loss]") == _yi(want["loss"])
    rows = page.locator("[data-test=district-oems] .el-table__body .el-table__row")
    assert rows.count() == len(want["oems"]) > 0
    assert want["oems"][0]["name"] in rows.first.inner_text()
    assert console.errors == []
