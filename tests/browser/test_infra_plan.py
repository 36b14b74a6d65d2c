"""选址建议 in real Chromium: a planner sees the townships without an ultra-fast station within 5 km, asks for
the 50 best new sites, sees them listed with the coverage rising, and sees the 2,000-station target's
planning-basis progress move — all as the API reports it, on a server whose infrastructure "today" is fixed
(``CHAINBRAIN_INFRA_AS_OF``), so that the test holds after 2027 too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_planner_asks_for_fifty_sites_and_sees_coverage_and_target_move(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/infra")
    page.wait_for_selector("[data-test=plan-table] .el-table__row", timeout=90_000)
    page.wait_for_load_state("networkidle")
    # the gap at 5 km, as the API reports it
    cov = server.api("analyst", "/infra/coverage", radius_km=5)
    assert cov["uncovered"] > 0
    assert page.inner_text("[data-test=uncovered-count]").strip() == str(cov["uncovered"])
    # the planning-basis progress before asking: operating + building + planned, no proposals yet
    plan = server.api("analyst", "/infra/plan", target=2000, year=2027)
    # the server plans as of a fixed day (CHAINBRAIN_INFRA_AS_OF), so a plan toward 2027 is valid in any year
    assert plan["as_of"] == cov["as_of"] == server.infra_as_of
    live = plan["existing_stations"]
    base = live + plan["building"] + plan["planned"]
    assert page.inner_text("[data-test=ultra-proposed]").strip() == "0"
    assert page.inner_text("[data-test=ultra-pipeline-total]").replace(",", "") == str(base)
    # the plan table: today's row, then each year to 2027 ending at 2,000
    rows = page.locator("[data-test=plan-table] .el-table__body .el-table__row")
    assert rows.count() == 1 + len(plan["years"])
    assert str(plan["covered_now"]) in rows.first.inner_text()
    assert (
        "2,000" in rows.last.inner_text()
        and f"{plan['years'][-1]['coverage_pct']:.1f}%" in rows.last.inner_text()
    )
    # ask for 50 sites at 5 km
    count = page.locator("[data-test=proposal-count] input")
    count.fill("50")
    count.press("Tab")
    page.locator("[data-test=proposal-radius] input").fill("5")
    page.locator("[data-test=proposal-radius] input").press("Tab")
    page.click("[data-test=propose]")
    page.wait_for_selector("[data-test=proposal-table] .el-table__row", timeout=60_000)
    api = httpx.post(
        server.url + "/api/v1/infra/proposals",
        json={"count": 50, "radius_km": 5, "kind": "ultra", "include_pipeline": True},  # the page default
        headers={"Authorization": f"Bearer {server.tokens['analyst']}"},
        timeout=60,
    ).json()
    assert api["status"] == "optimal" and len(api["sites"]) == 50
    assert api["covered_before"] == cov["covered"] <= api["covered_pipeline"] < api["covered_after"]
    assert api["pipeline_stations"] == plan["building"] + plan["planned"]
    assert page.inner_text("[data-test=proposal-pipeline-covered]").strip() == str(api["covered_pipeline"])
    assert page.inner_text("[data-test=proposal-before]").strip() == str(api["covered_before"])
    assert page.inner_text("[data-test=proposal-after]").strip() == str(api["covered_after"])
    assert page.inner_text("[data-test=proposal-sites]").strip() == "50"
    listed = page.locator("[data-test=proposal-table] .el-table__body .el-table__row")
    assert listed.count() == 50
    first = listed.first.inner_text()
    top = api["sites"][0]
    assert (
        top["township_name"] in first
        and top["district_name"] in first
        and str(top["sizing"]["guns"]) in first
    )
    # the target's planning-basis progress moves by the 50 proposed (planned, not built) stations
    assert page.inner_text("[data-test=ultra-proposed]").strip() == "50"
    assert page.inner_text("[data-test=ultra-pipeline-total]").replace(",", "") == str(base + 50)
    assert page.inner_text("[data-test=ultra-pipeline-pct]") == f"{(base + 50) / 20:.1f}%"
    bar = page.locator("[data-test=ultra-plan-basis] [role=progressbar]")
    assert float(bar.get_attribute("aria-valuenow")) == min(100, round((base + 50) / 20, 1))
    # … while the registry's progress (operating only) stays where it was
    assert page.inner_text("[data-test=ultra-live]").replace(",", "") == str(live)
    assert "示意" in page.inner_text("[data-test=proposal-card]")
    assert console.errors == []
