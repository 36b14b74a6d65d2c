"""充换电与车路云 in real Chromium: a planner sees the townships without an ultra-fast station within 5 km
and the 2,000-station target's progress, both as the API reports them."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _open(page: Any, server: Any) -> None:
    page.goto(f"{server.url}/#/infra")
    page.wait_for_selector("[data-test=uncovered-table] .el-table__row", timeout=60_000)
    page.wait_for_load_state("networkidle")


def test_planner_sees_uncovered_townships_and_the_ultra_target(login: Any, server: Any) -> None:
    page, console = login("analyst")
    _open(page, server)
    assert page.locator(".el-menu-item", has_text="充换电与车路云").count() == 1
    cov = server.api("analyst", "/infra/coverage", radius_km=5)
    gaps = sorted((t for t in cov["data"] if not t["covered"]), key=lambda t: -t["nearest_km"])
    assert cov["uncovered"] == len(gaps) > 0
    assert page.inner_text("[data-test=uncovered-count]").strip() == str(len(gaps))
    rows = page.locator("[data-test=uncovered-table] .el-table__body .el-table__row")
    first = rows.first.inner_text()
    assert gaps[0]["name"] in first and f"{gaps[0]['nearest_km']:.2f}" in first
    # the demo is illustrative and says so
    assert "示意" in page.inner_text("[data-test=illustrative-note]")
    # the 2,000-station target: the registry's count and the progress bar
    target = next(
        t
        for t in server.api("analyst", "/infra/targets")["data"]
        if t["target_id"] == "yulian27_supercharging_stations"
    )
    assert page.inner_text("[data-test=ultra-live]").replace(",", "") == f"{target['live_value']:g}"
    assert page.inner_text("[data-test=ultra-pct]") == f"{target['progress'] * 100:.1f}%"
    bar = page.locator("[data-test=ultra-target] [role=progressbar]")
    assert float(bar.get_attribute("aria-valuenow")) == round(target["progress"] * 100, 1)
    # a wider radius covers more: the page follows the API
    wide = server.api("analyst", "/infra/coverage", radius_km=10)
    assert wide["uncovered"] < cov["uncovered"]
    box = page.locator("[data-test=radius] input")
    box.fill("10")
    box.press("Tab")
    page.wait_for_function(
        "n => document.querySelector('[data-test=uncovered-count]').innerText.trim() === n",
        arg=str(wide["uncovered"]),
    )
    page.wait_for_selector("[data-test=station-map] canvas")
    assert console.errors == []


def test_viewer_reads_the_rollout(login: Any, server: Any) -> None:
    page, console = login("viewer")
    _open(page, server)
    r = server.api("viewer", "/infra/v2x")
    summary = page.inner_text("[data-test=v2x-summary]")
    assert f"感知路口 {r['intersections']} 个" in summary
    assert page.locator("[data-test=v2x-oems] .el-table__body .el-table__row").count() == len(r["oems"])
    assert console.errors == []


def test_projections_of_counts_are_whole_numbers(login: Any, server: Any) -> None:
    """座, 个 and 辆 are counted whole: "预测 2,130 座", not 2,130.31 座; kilometres keep their decimals."""
    page, console = login("analyst")
    _open(page, server)
    page.wait_for_selector("[data-test=infra-targets] .el-table__row")
    targets = server.api("analyst", "/infra/targets")["data"]
    counted = [t for t in targets if t["unit"] in ("座", "个", "辆") and t["projected"] is not None]
    assert any(t["projected"] != round(t["projected"]) for t in counted), (
        "the demo has fractional projections"
    )
    rows = page.locator("[data-test=infra-targets] .el-table__body .el-table__row").all_inner_texts()
    for t in targets:
        if t["projected"] is None:
            continue
        row = next(r for r in rows if t["name"] in r)
        cells = [c.strip() for c in row.split("\t")]
        whole = t["unit"] in ("座", "个", "辆")
        shown = f"{t['projected']:,.0f}" if whole else f"{t['projected']:,.2f}".rstrip("0").rstrip(".")
        # the projection is the column after the status
        assert (
            cells[
                cells.index(next(c for c in cells if c in ("滞后", "预警", "正常", "达标", "数据不足"))) + 1
            ]
            == shown
        ), (
            t["name"],
            cells,
            shown,
        )
    ultra = next(t for t in targets if t["target_id"] == "yulian27_supercharging_stations")
    assert f"预测 {ultra['year']} 年：{ultra['projected']:,.0f} 座；" in page.inner_text(
        "[data-test=ultra-target]"
    )
    assert console.errors == []
