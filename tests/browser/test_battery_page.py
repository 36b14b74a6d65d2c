"""电池溯源 in real Chromium: look up a pack, see its modules, cells, vehicle, events and what is overdue."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: demo pack 5 (弗迪 LFP in a 长安 car), whose collection-point intake was never reported (demo fault)
LATE_PACK = "FDBPBL5CQBS001A3T0000001"


def test_enterprise_user_traces_its_pack(login: Any, server: Any) -> None:
    page, console = login("changan-buyer")
    page.goto(f"{server.url}/#/battery")
    page.wait_for_selector("[data-test=battery-trace]", timeout=60_000)
    page.wait_for_load_state("networkidle")
    own = server.api("changan-buyer", "/battery/units", kind="pack", limit=500)
    rows = page.locator("[data-test=battery-packs] .el-table__body .el-table__row")
    assert rows.count() == own["count"] == 8
    page.fill("input[data-test=battery-code], [data-test=battery-code] input", LATE_PACK)
    page.click("[data-test=battery-look]")
    page.wait_for_selector(f"[data-test=battery-trace] >> text={LATE_PACK}")
    t = server.api("changan-buyer", f"/battery/trace/{LATE_PACK}")
    trace = page.inner_text("[data-test=battery-trace]")
    assert t["vehicle"]["vin"] in trace
    children = page.inner_text("[data-test=battery-children]")
    assert all(c["code"] in children for c in t["children"])
    events = page.locator("[data-test=battery-events] .el-timeline-item")
    assert events.count() == len(t["events"])
    overdue = page.inner_text("[data-test=battery-overdue]")
    assert "逾期未报" in overdue and "回收服务网点入库" in overdue
    assert console.errors == []


def test_viewer_sees_only_the_recycling_picture(login: Any, server: Any) -> None:
    page, console = login("viewer")
    page.goto(f"{server.url}/#/battery")
    page.wait_for_selector("[data-test=battery-recycling] canvas", timeout=60_000)
    assert page.locator("[data-test=battery-trace]").count() == 0
    assert "回收网点覆盖 1 / 38 个区县" in page.inner_text("[data-test=battery-recycling]")
    # the figures and the map rest on the bundled illustrative batteries, and say so
    assert server.api("viewer", "/battery/recycling")["status"] == "illustrative"
    for mark in ("battery-recycling-mark", "battery-network-mark"):
        assert "数据状态：示意" in page.inner_text(f"[data-test={mark}]")
    assert "为本系统口径" in page.inner_text("[data-test=battery-leading]")
    assert console.errors == []
