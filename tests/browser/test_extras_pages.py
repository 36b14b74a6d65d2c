"""招商地图 on the map, 导出 buttons, the profile's paged supplier list, one observation by hand, screenshots.

Each test reads what the API answers for the same user and checks the page shows that; the downloaded
workbook is opened and compared cell by cell with the API's rows.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from fixtures.browser import PASSWORD, hover_until, open_map

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_invest_layer_colours_the_map_and_lists_a_districts_candidates(login: Any, server: Any) -> None:
    page, console = login("analyst")
    box = open_map(page, server)
    groups = {g["name"]: g for g in server.api("analyst", "/invest/map", top=5)["data"]}
    segments = {s["id"]: s["name_zh"] for s in server.api("analyst", "/segments", size=500)["data"]}
    page.click("[data-test=metric-invest]")
    # a locator wait, not a page function: the page's CSP has no 'unsafe-eval' for a string predicate
    expect(page.locator("[data-test=invest-legend]")).to_contain_text("个区县有候选", timeout=60_000)
    assert f"共 {len(groups)} 个区县有候选" in page.inner_text("[data-test=invest-legend]")
    # find a district with candidates under the mouse: its tooltip gives the layer's count
    found = None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx in range(-240, 241, 40):
        for dy in range(-200, 201, 40):
            text = hover_until(page, cx + dx, cy + dy, "招商候选企业", 1_500)
            name = text.splitlines()[0].strip() if text else None
            if name in groups:
                assert f"招商候选企业（家）：{groups[name]['count']}" in text
                found = (cx + dx, cy + dy, name)
                break
        if found:
            break
    assert found, "no district with 招商 candidates under the map"
    x, y, name = found
    page.mouse.click(x, y)
    page.wait_for_selector("[data-test=invest-candidates] .el-table__row", timeout=20_000)
    g = groups[name]
    assert f"建议落户{name}的企业（{g['count']} 家）" in page.inner_text("[data-test=invest-panel-title]")
    gaps = page.inner_text("[data-test=invest-gaps]")
    assert all(segments[s] in gaps for s in g["segments"])
    rows = page.locator("[data-test=invest-candidates] .el-table__body .el-table__row")
    assert rows.count() == len(g["candidates"])
    first = g["candidates"][0]
    link = rows.first.locator("a")
    assert link.inner_text() == first["name"]
    assert link.get_attribute("href").endswith(f"/enterprises/{first['enterprise_id']}")
    assert segments[first["segment_id"]] in rows.first.inner_text()
    assert f"{first['score'] * 100:.1f}" in rows.first.inner_text()
    assert console.errors == []


def test_export_downloads_the_filtered_rows_under_chinese_heads(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/enterprises?q=长安")
    page.wait_for_selector("[data-test=enterprise-table] .el-table__row", timeout=20_000)
    want = server.api("analyst", "/enterprises", q="长安", size=500)
    with page.expect_download(timeout=60_000) as info:
        page.click("[data-test=export-xlsx]")
    d = info.value
    assert d.suggested_filename == "企业库.xlsx"
    ws = load_workbook(io.BytesIO(Path(d.path()).read_bytes())).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["企业名称", "简称", "注册地"]
    # every firm under the filter (all pages), none other, in the table's order
    assert [r[0] for r in rows[1:]] == [e["name"] for e in want["data"]] and len(rows) - 1 == want["count"]
    assert rows[1][2] == want["data"][0]["district_name"]
    with page.expect_download(timeout=60_000) as info:
        page.click("[data-test=export-csv]")
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("企业名称,简称,注册地")
    assert len(text.strip().splitlines()) == want["count"] + 1
    assert console.errors == []


def test_profile_pages_and_filters_its_suppliers_with_the_plant_on_each_row(login: Any, server: Any) -> None:
    page, console = login("analyst")
    prof = server.api("analyst", "/enterprises/changan")
    sup = prof["suppliers"]
    assert len(sup) > 20
    page.goto(f"{server.url}/#/enterprises/changan")
    page.wait_for_selector("[data-test=suppliers-table] .el-table__row", timeout=20_000)
    rows = page.locator("[data-test=suppliers-table] .el-table__body .el-table__row")
    assert rows.count() == 20  # a page of 20, not all of them
    assert f"共 {len(sup)} 条" in page.inner_text("[data-test=suppliers-pages]")
    assert sup[0]["supplier_site_name"] in rows.first.inner_text()  # the plant is on the row
    # a firm that supplies from several plants shows each plant on its own row
    by_firm: dict[str, set[str]] = {}
    for lk in sup:
        by_firm.setdefault(lk["supplier_id"], set()).add(lk["supplier_site_name"])
    multi = next((f for f, plants in by_firm.items() if len(plants) > 1), None)
    if multi is not None:
        firm = next(lk for lk in sup if lk["supplier_id"] == multi)
        page.fill(
            "input[data-test=suppliers-search], [data-test=suppliers-search] input",
            firm["supplier_short_name"] or firm["supplier_name"],
        )
        page.wait_for_timeout(300)
        text = page.inner_text("[data-test=suppliers-table]")
        assert all(p in text for p in by_firm[multi])
        page.fill("input[data-test=suppliers-search], [data-test=suppliers-search] input", "")
    # 市外 only: the count is the API's non-local links
    page.locator("[data-test=suppliers-where] label", has_text="市外").click()
    outside = [lk for lk in sup if not lk["supplier_in_city"]]
    expect(page.locator("[data-test=suppliers-count]")).to_contain_text(
        f"筛选后 {len(outside)} 条", timeout=20_000
    )
    shown = page.locator("[data-test=suppliers-table] .el-table__body .el-table__row")
    assert shown.count() == min(20, len(outside))
    assert "（本地）" not in page.inner_text("[data-test=suppliers-table] .el-table__body")
    # links between two plants of the firm itself are not among its suppliers but in their own section
    assert all(lk["supplier_id"] != "changan" for lk in sup)
    assert f"供应商（{len(sup)} 条供应关系）" in page.inner_text("main")
    own = prof["internal"]
    assert len(own) == 1  # 长安's e-drive plant supplies its 渝北 plant (the demo data)
    heading = page.inner_text("[data-test=internal-heading]")
    assert heading == "本企业内部配套（1 条）"
    assert console.errors == []


def test_a_firm_is_not_listed_as_its_own_supplier_or_customer(login: Any, server: Any) -> None:
    """博世: its Wuxi plant supplies its Suzhou plant — under 本企业内部配套, not as its own supplier/customer."""
    page, console = login("analyst")
    prof = server.api("analyst", "/enterprises/bosch")
    sites = {s["id"]: s["name"] for s in prof["sites"]}
    assert [(lk["supplier_site_id"], lk["buyer_site_id"]) for lk in prof["internal"]] == [
        ("bosch.wuxi", "bosch.suzhou")
    ]
    page.goto(f"{server.url}/#/enterprises/bosch")
    page.wait_for_selector("[data-test=internal-table] .el-table__row", timeout=20_000)
    assert page.inner_text("[data-test=internal-heading]") == "本企业内部配套（1 条）"
    row = page.inner_text("[data-test=internal-table] .el-table__body .el-table__row")
    assert sites["bosch.wuxi"] in row and sites["bosch.suzhou"] in row  # both plants by name
    for table in ("suppliers-table", "customers-table"):
        links = page.locator(f"[data-test={table}] a[href='#/enterprises/bosch']")
        assert links.count() == 0, table  # 博世 is not its own supplier or customer
    main = page.inner_text("main")
    assert f"供应商（{len(prof['suppliers'])} 条供应关系）" in main
    assert f"客户（{len(prof['customers'])} 条供应关系）" in main
    assert console.errors == []


def _pick(page: Any, select: str, label: str) -> None:
    page.click(select)
    page.keyboard.type(label)
    page.locator(".el-select-dropdown__item:visible", has_text=label).first.click()


def test_one_observation_entered_by_hand_updates_the_table(login: Any, server: Any) -> None:
    page, console = login("analyst")
    targets = server.api("analyst", "/targets")["data"]
    today = dt.date.today()
    t = next(x for x in targets if x["kind"] == "level" and x["year"] >= today.year and x["unit"])
    period = today.strftime("%Y-%m")  # started, and later than the demo's observations
    assert all(o["period"] != period for o in server.api("analyst", "/observations", target=t["id"])["data"])
    page.goto(f"{server.url}/#/targets")
    page.wait_for_selector("[data-test=targets-table] .el-table__row", timeout=20_000)
    _pick(page, "[data-test=obs-target]", t["name"])
    assert page.inner_text("[data-test=obs-unit]") == t["unit"]  # the target's unit beside the value
    page.fill("input[data-test=obs-period], [data-test=obs-period] input", period)
    page.fill("input[data-test=obs-value], [data-test=obs-value] input", "-5")
    page.keyboard.press("Tab")
    assert page.inner_text("[data-test=obs-problem]") == "数值不能为负"
    assert page.locator("[data-test=obs-save]").is_disabled()
    page.fill("input[data-test=obs-value], [data-test=obs-value] input", "123")
    page.keyboard.press("Tab")
    # 已核实 needs a source; 示意 does not
    assert "须填写来源" in page.inner_text("[data-test=obs-problem]")
    page.locator("[data-test=obs-status] label", has_text="示意").click()
    page.click("[data-test=obs-save]")
    page.wait_for_selector("[data-test=obs-done]", timeout=30_000)
    assert "已记录" in page.inner_text("[data-test=obs-done]")
    stored = [
        o for o in server.api("analyst", "/observations", target=t["id"])["data"] if o["period"] == period
    ]
    assert [(o["value"], o["status"]) for o in stored] == [(123.0, "illustrative")]
    # the table and the detail now read the new latest value, marked 示意
    rows = page.locator("[data-test=targets-table] .el-table__body .el-table__row", has_text=t["name"])
    row = rows.filter(has_text=period).first
    row.wait_for(timeout=20_000)
    assert "123" in row.inner_text() and "示意" in row.inner_text()
    assert period in page.inner_text("[data-test=target-detail]")
    # the same value again is not written twice; a different one needs 更正 (the import's own rule)
    page.fill("input[data-test=obs-value], [data-test=obs-value] input", "124")
    page.keyboard.press("Tab")
    page.click("[data-test=obs-save]")
    page.wait_for_selector("[data-test=obs-error]", timeout=30_000)
    assert "更正" in page.inner_text("[data-test=obs-error]")
    audit = httpx.get(server.url + "/api/v1/users/audit", params={"action": "observation.create"},
                      headers={"Authorization": f"Bearer {server.tokens['admin']}"}).json()  # fmt: skip
    assert any(t["id"] in (e.get("target") or "") for e in audit["data"])
    # the refused correction is a 422 (its response and the browser's own log line of it)
    assert [e for e in console.errors if "422" not in e] == []


@pytest.mark.parametrize(
    ("path", "ready", "shot"),
    [("invest", "[data-test=invest-table] .el-table__row", "invest.png"),
     ("cultivate", "[data-test=cultivate-table] .el-table__row", "cultivate.png")],
)  # fmt: skip
def test_invest_and_cultivate_pages_at_1920(
    browser: Any, server: Any, path: str, ready: str, shot: str
) -> None:
    """With CHAINBRAIN_SCREENSHOTS=1 this rewrites docs/img/invest.png and docs/img/cultivate.png."""

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        page = ctx.new_page()
        r = page.request.post(
            server.url + "/api/v1/auth/login", data={"username": "analyst", "password": PASSWORD}
        )
        assert r.ok
        page.goto(f"{server.url}/#/{path}")
        page.wait_for_selector(ready, timeout=60_000)
        page.wait_for_load_state("networkidle")
        if path == "cultivate":
            data = server.api("analyst", "/cultivate/zjtx", top=20)["data"]
            names = page.locator("[data-test=cultivate-table] .el-table__body .el-table__row a")
            assert [names.nth(i).inner_text() for i in range(names.count())] == [a["name"] for a in data]
        if os.environ.get("CHAINBRAIN_SCREENSHOTS"):
            page.screenshot(path=str(DOCS_IMG / shot))
    finally:
        ctx.close()
