"""The issue's acceptance path in real Chromium: a new user on a store without batteries imports the bundled
illustrative batteries on the 数据导入 page, then looks up a pack on 电池溯源 and sees its modules, cells,
vehicle, events and what is overdue — each compared with what the API answers.

This module runs its own server over a copy of the demo store whose battery tables were emptied (the shared
``server`` fixture is overridden here), so the import really writes the rows.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from chainbrain.store import connect
from fixtures.browser import add_users, require_browser, serving

pytestmark = pytest.mark.browser

#: demo pack 5 (弗迪 LFP in a 长安 car), whose collection-point intake was never reported (demo fault)
LATE_PACK = "FDBPBL5CQBS001A3T0000001"
FILES = (
    ("电池厂商代码", "makers.csv", 2),
    ("动力电池", "units.csv", 144),
    ("电池溯源事件", "events.csv", 105),
)


@pytest.fixture(scope="module")
def server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    path = tmp_path_factory.mktemp("battery-journey") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for table in ("battery_event", "battery_unit", "battery_maker"):
        conn.execute(f"DELETE FROM {table}")
    add_users(conn)
    conn.close()
    with serving(path) as srv:
        yield srv


def test_new_user_imports_the_bundled_batteries_and_traces_a_pack(
    login: Any, server: Any, tmp_path: Path
) -> None:
    assert server.api("analyst", "/battery/units", kind="pack")["count"] == 0  # nothing there yet
    page, console = login("analyst")
    page.locator(".el-menu-item", has_text="数据导入").click()
    page.wait_for_selector("[data-test=import-table]")
    base = resources.files("chainbrain.data") / "battery"
    for title, name, rows in FILES:  # makers, then units, then events: each refers to the one before
        f = tmp_path / name
        f.write_bytes((base / name).read_bytes())
        page.click("[data-test=import-table]")
        page.locator(".el-select-dropdown__item:visible", has_text=title).first.click()
        page.set_input_files("[data-test=import-file]", str(f))
        page.click("[data-test=import-check]")
        ok = page.wait_for_selector("[data-test=import-ok]", timeout=60_000).inner_text()
        assert f"检查通过：{rows} 行（新增 {rows}，更新 0）" in ok
        page.click("[data-test=import-commit]")
        page.wait_for_selector("[data-test=import-done]", timeout=60_000)
    assert server.api("analyst", "/battery/units", kind="pack")["count"] == 16

    page.locator(".el-menu-item", has_text="电池溯源").click()
    page.wait_for_selector("[data-test=battery-trace]", timeout=60_000)
    page.fill("input[data-test=battery-code], [data-test=battery-code] input", LATE_PACK)
    page.click("[data-test=battery-look]")
    page.wait_for_selector(f"[data-test=battery-trace] >> text={LATE_PACK}")
    t = server.api("analyst", f"/battery/trace/{LATE_PACK}")
    card = page.inner_text("[data-test=battery-trace]")
    assert t["vehicle"]["vin"] and "车辆识别代号" in card and t["vehicle"]["vin"] in card
    kids = page.inner_text("[data-test=battery-children]")
    modules = [c["code"] for c in t["children"] if c["kind"] == "module"]
    cells = [c["code"] for c in t["children"] if c["kind"] == "cell"]
    assert len(modules) == 2 and len(cells) == 6  # this demo pack: 2 modules of 3 cells
    assert all(f"模块 {m}" in kids for m in modules) and all(f"单体 {c}" in kids for c in cells)
    items = page.locator("[data-test=battery-events] .el-timeline-item")
    assert items.count() == len(t["events"]) == 10
    assert "回收服务网点入库" in items.nth(6).inner_text() and "未上报" in items.nth(6).inner_text()
    overdue = page.locator("[data-test=battery-overdue] .el-table__body .el-table__row")
    bad = [r for r in t["reports"] if r["state"] not in ("on_time", "pending")]
    assert overdue.count() == len(bad) == 1
    assert "逾期未报" in overdue.first.inner_text() and "回收服务网点入库" in overdue.first.inner_text()
    # the collection network on the district map: the imported intake sits in 渝北区
    net = page.inner_text("[data-test=battery-network-summary]")
    assert "有回收服务网点的区县 1 / 38 个" in net and "渝北区 1 个" in net
    assert page.locator("[data-test=battery-network] canvas").count() >= 1
    assert console.errors == []
