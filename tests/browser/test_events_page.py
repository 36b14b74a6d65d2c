"""事件监测 in real Chromium: a purchasing user pastes a news line naming a supplier, sees the firms linked,
the OEM plants that would run short and from which day (the API's figures), gets the alert, opens an
incident and confirms it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

#: a supplier of changan (catl supplies its plants in the demo store), and an HTML-looking tail that must stay text
LINE = "宁德时代宜宾基地火灾，停产四十天 <b>x</b>"


def test_buyer_pastes_a_line_sees_exposure_alert_and_opens_an_incident(login: Any, server: Any) -> None:
    h = {"Authorization": f"Bearer {server.tokens['changan-buyer']}"}
    r = httpx.post(server.url + "/api/v1/events/subscriptions", json={"min_severity": 2}, headers=h)
    assert r.status_code == 201, r.text
    page, console = login("changan-buyer")
    page.goto(f"{server.url}/#/events")
    page.wait_for_selector("[data-test=news-input]")
    assert page.locator(".el-menu-item", has_text="事件监测").count() == 1
    page.fill("[data-test=news-input]", LINE)
    page.click("[data-test=link-btn]")
    page.wait_for_selector("[data-test=highlight-firm]")
    assert page.inner_text("[data-test=highlight-firm]") == "宁德时代"
    assert "<b>x</b>" in page.inner_text("[data-test=preview]")  # shown as text, not markup
    assert page.locator("[data-test=preview] b").count() == 0
    assert "宁德时代新能源科技股份有限公司" in page.inner_text("[data-test=links-table]")

    page.click("[data-test=create-btn]")
    page.wait_for_selector("[data-test=exposure-summary]", timeout=60_000)
    events = server.api("changan-buyer", "/events")["data"]
    ev = next(e for e in events if e["text"] == LINE)
    x = server.api("changan-buyer", f"/events/{ev['id']}/exposure")
    assert x["runs_short"] and x["plants"]
    summary = page.inner_text("[data-test=exposure-summary]")
    assert f"第 {x['first_short_day']:.1f} 天起缺货" in summary
    rows = page.locator("[data-test=plants-table] .el-table__body .el-table__row")
    assert rows.count() == len(x["plants"])
    assert x["plants"][0]["name"] in rows.first.inner_text()
    last = x["plants"][0]["latest_short_day"]
    assert f"第 {x['first_short_day']:.1f} – {last:.1f} 天" in rows.first.inner_text()

    page.reload()
    page.wait_for_selector("[data-test=alerts-table] .el-table__body .el-table__row")
    assert "宁德时代新能源科技股份有限公司" in page.inner_text("[data-test=alerts-table]")

    page.locator(
        "[data-test=events-table] .el-table__body .el-table__row", has_text="宁德时代宜宾基地"
    ).first.click()
    page.wait_for_selector("[data-test=open-incident]", timeout=60_000)
    page.click("[data-test=open-incident]")
    page.wait_for_selector("[data-test=incident-state]")
    assert page.inner_text("[data-test=incident-state]") == "待确认"
    page.click("[data-test='move-已确认']")
    page.locator("[data-test=incident-state]", has_text="已确认").wait_for()
    inc = server.api("changan-buyer", "/events/incidents")["data"]
    assert [(i["event_id"], i["state"]) for i in inc] == [(ev["id"], "已确认")]
    assert console.errors == []
