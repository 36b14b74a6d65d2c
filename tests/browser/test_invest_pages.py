"""招商, 培育 and 供需对接 in real Chromium: a buyer posts a need and sees ranked, explained suppliers."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: page → a selector that appears once its data is on screen
PAGES = {
    "invest": "[data-test=invest-table] .el-table__row",
    "cultivate": "[data-test=cultivate-table] .el-table__row",
    "match": "[data-test=need-form]",
}


def _visit(page: Any, server: Any, path: str) -> None:
    page.goto(f"{server.url}/#/{path}")
    page.wait_for_selector(PAGES[path], timeout=30_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("user", ["analyst", "changan-buyer"])
def test_three_pages_load_without_console_errors(login: Any, server: Any, user: str) -> None:
    page, console = login(user)
    for path in PAGES:
        _visit(page, server, path)
        assert console.errors == [], (path, console.errors)
    # the 招商 table shows the API's best candidate first, its score in named parts
    rec = server.api(user, "/invest/recommendations", top=5)["data"]
    best = max(c["score"] for t in rec for c in t["candidates"])
    _visit(page, server, "invest")
    first = page.locator("[data-test=invest-table] .el-table__body .el-table__row").first
    assert f"{best * 100:.1f}" in first.inner_text()
    # the 招商地图 lists the API's districts, best first
    groups = server.api(user, "/invest/map", top=5)["data"]
    shown = page.locator("[data-test=invest-map] .el-table__body .el-table__row")
    assert shown.count() == len(groups) > 0 and groups[0]["name"] in shown.first.inner_text()
    # only analysts get the Excel list with the full evidence
    assert page.locator("[data-test=invest-xlsx]").count() == (1 if user == "analyst" else 0)


def test_buyer_posts_a_need_and_sees_ranked_explained_suppliers(login: Any, server: Any) -> None:
    page, console = login("changan-buyer")
    _visit(page, server, "match")
    # the buyer is the user's own firm, shown by its name; segments are picked by name
    own = server.api("changan-buyer", "/enterprises/changan")
    assert (own["short_name"] or own["name"]) in page.inner_text("[data-test=need-buyer]")
    page.click("[data-test=need-segment]")
    page.keyboard.type("激光雷达")
    page.locator(".el-select-dropdown__item:visible").filter(has_text=re.compile("^激光雷达$")).first.click()
    page.fill("input[data-test=need-title]", "前向激光雷达")
    page.fill("textarea[data-test=need-spec]", "905nm 前向激光雷达，用于高速 NOA 前向感知")
    page.fill("input[data-test=need-volume], [data-test=need-volume] input", "50000")
    page.click("[data-test=need-submit]")
    page.wait_for_selector("[data-test=need-posted]", timeout=20_000)
    page.wait_for_selector("[data-test=match-table] .el-table__row", timeout=20_000)
    assert page.inner_text("[data-test=need-posted]") == "已发布需求「前向激光雷达」"
    need_id = page.get_attribute("[data-test=need-posted]", "data-id")
    need = next(n for n in server.api("changan-buyer", "/needs")["data"] if n["id"] == need_id)
    assert (need["segment_id"], need["annual_volume"], need["certifications"]) == (
        "adas.lidar",
        50000,
        ["IATF 16949"],
    )
    want = server.api("changan-buyer", f"/needs/{need_id}/matches", top=10)["data"]
    names = page.locator("[data-test=match-name]").all_inner_texts()
    assert names == [m["name"] for m in want]
    # the first supplier's reasons on screen are the API's explanation of its parts
    why = page.locator("[data-test=match-why]").first.inner_text()
    certs = next(p for p in want[0]["parts"] if p["key"] == "certs")
    assert (
        certs["explain"] in why
        and next(p for p in want[0]["parts"] if p["key"] == "segment")["explain"] in why
    )
    # the new need is in 我的需求
    assert "前向激光雷达" in page.inner_text("[data-test=my-needs]")
    assert console.errors == []


def test_buyer_posts_an_offer_and_sees_needs_it_could_answer(login: Any, server: Any) -> None:
    page, console = login("changan-buyer")
    _visit(page, server, "match")
    page.click("[data-test=offer-tab]")
    page.click("[data-test=offer-segments]")
    page.keyboard.type("电池包")
    page.locator(".el-select-dropdown__item:visible").filter(has_text=re.compile("^电池包$")).first.click()
    page.keyboard.press("Escape")
    page.fill("input[data-test=offer-title]", "磷酸铁锂电池包")
    page.click("[data-test=offer-submit]")
    page.wait_for_selector("[data-test=need-posted]:has-text('已发布供给')", timeout=20_000)
    offer_id = page.get_attribute("[data-test=need-posted]", "data-id")
    assert [o["id"] for o in server.api("changan-buyer", "/offers")["data"]] == [offer_id]
    want = server.api("changan-buyer", f"/offers/{offer_id}/matches", top=10)["data"]
    page.wait_for_selector("[data-test=match-table] .el-table__row", timeout=20_000)
    assert page.locator("[data-test=match-name]").all_inner_texts() == [m["name"] for m in want]
    assert "磷酸铁锂电池包" in page.inner_text("[data-test=my-offers]")
    assert console.errors == []
