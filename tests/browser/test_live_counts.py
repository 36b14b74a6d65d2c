"""After an import the screens agree: the cockpit's 重庆零部件企业, the warnings row of the 1000-firm target and
the 大屏's ring all show the store's count now (544), beside the dated snapshot (543) the status rests on.

The module runs its own server over a copy of the demo store with one more Chongqing parts firm than the
snapshot counted (written before the server starts, as an import would).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chainbrain.store import connect
from fixtures.browser import add_users, require_browser, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    path = tmp_path_factory.mktemp("live") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    conn.execute(
        "INSERT INTO enterprise (id, name, district_code, roles, labels, source, status)"
        " VALUES ('t_live', '测试新增零部件企业', '500112', ['Tier2'], [], '测试', 'illustrative')"
    )
    add_users(conn)
    conn.close()
    with serving(path) as srv:
        yield srv


def test_cockpit_warnings_and_screen_show_the_live_count(login: Any, server: Any) -> None:
    ov = server.api("analyst", "/analytics/overview")
    target = next(t for t in server.api("analyst", "/targets")["data"] if t["id"] == "yulian27_parts_firms")
    assert target["live_value"] == ov["local_parts_firms"] == target["latest"] + 1  # 544 now, 543 snapshotted
    live = f"库内当前：{ov['local_parts_firms']:,} 家"
    page, console = login("analyst")
    page.goto(f"{server.url}/#/cockpit")
    page.wait_for_selector("[data-test=warnings-table] .el-table__body tr")
    row = page.locator("[data-test=warnings-table] .el-table__body tr", has_text=target["name"])
    assert live in row.inner_text()
    # only the targets whose count moved carry the line
    moved = [
        w["name"]
        for w in server.api("analyst", "/targets/warnings")["data"][:8]
        if w["live_value"] is not None and w["live_value"] != w["latest"]
    ]
    assert page.locator("[data-test=warnings-table] [data-test=live-figure]").count() == len(moved) >= 1
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server.url}/#/screen")
    ring = page.wait_for_selector("[data-test=live-on-ring]", timeout=60_000)
    assert ring.inner_text().strip() == live
    assert live in page.inner_text("[data-test=ring-yulian27_parts_firms]")
    size = page.evaluate("() => [document.scrollingElement.scrollHeight, innerHeight]")
    assert size[0] <= size[1], size  # the extra line keeps the 大屏 on one screen
    assert console.errors == []
