"""导出 on 供需对接 and 事件 in real Chromium: the button downloads the table as shown — Chinese heads, the
cells the page shows, only what the role may see, 示意 where the figures rest on illustrative data.

Each expected cell is read from the API (and from the page's own table), never from the export code. The
module runs its own server over a copy of the demo store, since the 事件 test enters an event.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from chainbrain.store import connect
from fixtures.browser import add_users, require_browser, serving

pytestmark = pytest.mark.browser

#: a fire at a plant of 宁德时代, which supplies 长安's plants in the demo store
LINE = "宁德时代宜宾基地火灾，停产三十天"


@pytest.fixture(scope="module")
def server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    path = tmp_path_factory.mktemp("exports") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    add_users(conn)
    conn.close()
    with serving(path) as srv:
        yield srv


def _download(page: Any, button: Any) -> tuple[str, list[list[Any]]]:
    """Click an 导出 Excel button; the file's name and its rows (the head first)."""
    with page.expect_download(timeout=60_000) as info:
        button.click()
    d = info.value
    ws = load_workbook(io.BytesIO(Path(d.path()).read_bytes())).active
    return d.suggested_filename, [[c.value for c in r] for r in ws.iter_rows()]


def _cells(row: Any) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_match_exports_the_buyers_own_needs_and_the_ranked_suppliers(login: Any, server: Any) -> None:
    page, console = login("changan-buyer")
    needs = server.api("changan-buyer", "/needs")["data"]
    assert needs and all(n["buyer_id"] == "changan" for n in needs)  # the role's own needs only
    every = server.api("analyst", "/needs")["data"]
    assert len(every) > len(needs)  # others' needs exist, and must not reach this export
    page.goto(f"{server.url}/#/match")
    page.wait_for_selector("[data-test=my-needs] .el-table__row", timeout=30_000)
    shown = page.locator("[data-test=my-needs] .el-table__body .el-table__row")
    assert shown.count() == len(needs)
    heading = page.locator("h4", has_text="采购需求")
    name, rows = _download(page, heading.locator("[data-test=export-xlsx]"))
    assert name == "采购需求.xlsx"
    # no 采购方 column: the buyer sees only its own needs, and the page shows no buyer column either
    assert rows[0] == ["标题", "环节", "年需求量", "发布日期", "数据状态"]
    assert [r[0] for r in rows[1:]] == [n["title"] for n in needs]
    first = _cells(shown.first)
    assert rows[1][1] == needs[0]["segment_name"] == first[1]  # 环节 by name, as on the page
    assert rows[1][2] == first[2]  # 年需求量 in the segment's unit, as shown
    assert (
        rows[1][4] == {"verified": "已核实", "illustrative": "示意", "synthetic": "合成"}[needs[0]["status"]]
    )

    # the ranked suppliers of the first need: the API's ranking, names and scores, marked 示意
    shown.first.click()
    page.wait_for_selector("[data-test=match-table] .el-table__row", timeout=30_000)
    want = server.api("changan-buyer", f"/needs/{needs[0]['id']}/matches", top=10)["data"]
    name, rows = _download(page, page.locator("[data-test=match-card] [data-test=export-xlsx]"))
    assert name == f"推荐供应商_{needs[0]['title'][:40]}.xlsx"
    assert rows[0][:5] == ["排名", "名称", "已发布供给", "得分（满分100）", "本地/市外"]
    assert len(rows) - 1 == len(want) > 0
    assert [r[1] for r in rows[1:]] == [m["name"] for m in want]
    assert rows[1][3] == round(want[0]["score"] * 100, 1)
    page_first = page.locator("[data-test=match-table] .el-table__body .el-table__row").first
    assert page.locator("[data-test=match-name]").first.inner_text() == rows[1][1]
    assert f"{rows[1][3]:.1f}" in page_first.inner_text()
    ov = server.api("changan-buyer", "/analytics/overview")
    assert ov["unverified_enterprises"] > 0
    assert {r[rows[0].index("数据性质")] for r in rows[1:]} == {"示意"}
    assert console.errors == []


def test_match_export_names_the_buyer_for_an_analyst(login: Any, server: Any) -> None:
    page, console = login("analyst")
    needs = server.api("analyst", "/needs")["data"]
    page.goto(f"{server.url}/#/match")
    page.wait_for_selector("[data-test=my-needs] .el-table__row", timeout=30_000)
    _, rows = _download(page, page.locator("h4", has_text="采购需求").locator("[data-test=export-xlsx]"))
    assert rows[0][:3] == ["标题", "采购方", "环节"]
    assert [r[1] for r in rows[1:]] == [n["buyer_name"] or "—" for n in needs]
    assert console.errors == []


def test_events_export_the_stream_and_the_plants_that_run_short(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/events")
    page.fill("[data-test=news-input]", LINE)
    page.click("[data-test=create-btn]")
    page.wait_for_selector("[data-test=exposure-summary]", timeout=60_000)
    events = server.api("analyst", "/events", limit=50)["data"]
    ev = next(e for e in events if e["text"] == LINE)

    name, rows = _download(page, page.locator("[data-test=events-card] [data-test=export-xlsx]"))
    assert name == "事件流.xlsx"
    assert rows[0] == ["时间", "类型", "严重程度", "预计天数", "事件", "报道数", "数据状态"]
    assert len(rows) - 1 == len(events)
    row = next(r for r in rows[1:] if r[4] == LINE)
    assert row[1] == ev["type_zh"] and row[2] == ev["severity_zh"] and row[3] == ev["duration_days"] == 30
    shown = page.locator("[data-test=events-table] .el-table__body .el-table__row", has_text=LINE).first
    assert row[1] == _cells(shown)[1]  # the type, as the page shows it

    x = server.api("analyst", f"/events/{ev['id']}/exposure")
    assert x["runs_short"] and x["plants"]
    name, rows = _download(page, page.locator("[data-test=plants-export] [data-test=export-xlsx]"))
    assert name == f"事件{ev['id']}缺货整车厂.xlsx"
    assert rows[0] == ["将缺货的整车厂", "需求（辆）", "缺口（辆）", "损失（亿元）", "开始缺货（第几天）", "缺货至（第几天）", "数据性质"]  # fmt: skip
    assert [r[0] for r in rows[1:]] == [p["name"] for p in x["plants"]]
    p0 = x["plants"][0]
    first = _cells(page.locator("[data-test=plants-table] .el-table__body .el-table__row").first)
    assert rows[1][0] == first[0]
    assert rows[1][2] == round(p0["lost_units"]) and f"{round(p0['lost_units']):,}" == first[2]
    assert rows[1][3] == round(p0["lost_value"] / 1e8, 2)
    assert rows[1][4] == round(x["first_short_day"], 1) and rows[1][5] == round(p0["latest_short_day"], 1)
    assert {r[6] for r in rows[1:]} == {"示意"}  # the impact rests on illustrative links
    assert "示意" in page.inner_text("[data-test=exposure] [data-test=mark-legend]")
    assert console.errors == []


def test_infra_and_battery_export_their_tables_with_names_and_marks(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/infra")
    page.wait_for_selector("[data-test=kinds-table] .el-table__row", timeout=60_000)
    kinds = server.api("analyst", "/infra/stations/kinds")["data"]
    card = page.locator(".el-card", has=page.locator("[data-test=kinds-table]"))
    name, rows = _download(page, card.locator("[data-test=export-xlsx]"))
    assert name == "充换电站点分类.xlsx"
    assert rows[0] == ["类型", "站点（座）", "运营（座）", "运营充电桩（个）", "数据性质"]
    assert [r[:4] for r in rows[1:]] == [
        [k["kind_zh"], k["stations"], k["operating"], k["piles"]] for k in kinds
    ]
    # the demo's stations are illustrative: the page says so, and so does every exported row
    assert page.locator("[data-test=illustrative-note]").count() == 1
    assert {r[4] for r in rows[1:]} == {"示意"}

    page.goto(f"{server.url}/#/battery")
    page.wait_for_selector("[data-test=battery-packs] .el-table__row", timeout=60_000)
    packs = server.api("analyst", "/battery/units", kind="pack", limit=500)
    card = page.locator(".el-card", has=page.locator("[data-test=battery-packs]"))
    name, rows = _download(page, card.locator("[data-test=export-xlsx]"))
    assert name == "电池包.xlsx"
    assert rows[0] == ["编码", "汽车生产企业", "能量（kWh）", "数据状态"]
    assert [r[0] for r in rows[1:]] == [u["code"] for u in packs["data"]]
    u0 = packs["data"][0]
    assert rows[1][1] == packs["names"][u0["oem_id"]]  # the firm by name, not its id
    assert (
        rows[1][1]
        == _cells(page.locator("[data-test=battery-packs] .el-table__body .el-table__row").first)[1]
    )
    assert rows[1][2] == u0["capacity_kwh"]
    zh = {"verified": "已核实", "illustrative": "示意", "synthetic": "合成"}
    assert [r[3] for r in rows[1:]] == [zh[u["status"]] for u in packs["data"]]
    assert console.errors == []


def test_import_history_is_shown_to_admins_and_exported(login: Any, server: Any, tmp_path: Path) -> None:
    csv = "id,name,district_code,roles,source,status\nexp-1,导出测试企业,500112,Tier1,导出测试,illustrative\n"
    r = httpx.post(
        server.url + "/api/v1/imports/enterprises",
        files={"file": ("导出测试.csv", csv.encode("utf-8"), "text/csv")},
        headers={"Authorization": f"Bearer {server.tokens['analyst']}"},
    )
    assert r.status_code == 200, r.text
    log = server.api("admin", "/users/audit", action="import.commit")["data"]
    assert log and log[0]["username"] == "analyst"
    page, console = login("admin")
    page.goto(f"{server.url}/#/imports")
    page.wait_for_selector("[data-test=history-table] .el-table__row", timeout=30_000)
    name, rows = _download(page, page.locator("[data-test=history-card] [data-test=export-xlsx]"))
    assert name == "导入记录.xlsx"
    assert rows[0] == ["时间（UTC）", "操作人", "导入内容", "文件", "行数（行）", "新增（行）", "更新（行）"]
    assert len(rows) - 1 == len(log)
    assert rows[1][1:] == ["analyst", "企业", "导出测试.csv", 1, 1, 0]
    assert _cells(page.locator("[data-test=history-table] .el-table__body .el-table__row").first)[2] == "企业"
    assert console.errors == []
    # analysts import too, but the history comes from the audit log, which is the admins' alone
    page, console = login("analyst")
    page.goto(f"{server.url}/#/imports")
    page.wait_for_selector("[data-test=workbook-card]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-test=history-card]").count() == 0
    assert console.errors == []
