"""The English switch in real Chromium: every page's own words turn English, data stays as the API sends it.

The analyst switches to English in the header and visits every page; the viewer does so on the 大屏 (which
covers the header and has a switch of its own). On each page the interface's chrome — menu, headings, buttons,
table heads, form and description labels, tabs, placeholders, card headers, empty texts, marks — may show
Chinese characters only inside a name the API sent (a firm, district, segment, target, score part …). Then
the switch back restores Chinese, and the choice outlives a reload.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

#: a run of Chinese characters, with the full-width punctuation that goes with them (（）：；、 …)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")

#: what the chrome of a page is made of (visible elements only); error alerts are left out: they carry the
#: API's own messages, which stay Chinese
CHROME = ", ".join(
    [
        ".topbar .el-menu-item", "[data-test=who]", "h1", "h2", "h3", "h4", ".el-card__header", ".el-button",
        ".el-table th .cell", ".el-form-item__label", ".el-descriptions__label", ".el-tabs__item",
        ".el-radio-button__inner", ".el-checkbox__label", ".el-switch__label", ".el-empty__description",
        ".el-table__empty-text", ".el-alert:not(.el-alert--error) .el-alert__title", ".el-pagination",
        ".el-select__placeholder.is-transparent", "[data-test=mark]", "[data-test=mark-legend]", ".figure .label",
        ".figure .unit", "[data-test=count]", "[data-test=target-counts]",
        # the 大屏
        ".screen .title", ".screen .ptitle", ".screen .flabel", ".screen .fval .u", ".screen .state",
        ".screen .hint", ".screen .switch button", ".screen .rlabel", ".screen .rvalue", ".screen .rstatus",
        ".screen .tlabel", ".screen .updated", ".screen .back", ".screen .note", ".screen .titem",
    ]
)  # fmt: skip
_TEXTS = """(sel) => {
  const seen = new Set(), out = []
  for (const e of document.querySelectorAll(sel)) {
    if (!e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') continue
    const text = e.innerText.trim()
    if (text && !seen.has(text)) { seen.add(text); out.push(text) }
  }
  for (const e of document.querySelectorAll('input[placeholder], textarea[placeholder]'))
    if (e.getClientRects().length && e.placeholder) out.push('placeholder: ' + e.placeholder)
  return out
}"""

#: page → a selector that shows once its data is on screen
PAGES = {
    "cockpit": "[data-test=fig-local-rate]",
    "chain": ".echart canvas",
    "map": ".echart canvas",
    "enterprises": "[data-test=enterprise-table] .el-table__row",
    "enterprises/changan": "[data-test=suppliers-table] .el-table__row",
    "local-rate": "[data-test=rate-table] .el-table__row",
    "targets": "[data-test=targets-table] .el-table__row",
    "invest": "[data-test=invest-table] .el-table__row",
    "cultivate": "[data-test=cultivate-table] .el-table__row",
    "match": "[data-test=need-form]",
    "resilience": "[data-test=ranking-table] .el-table__row",
    "events": "[data-test=events-table]",
    "infra": "[data-test=infra-targets] .el-table__row",
    "battery": "[data-test=battery-packs] .el-table__row",
    "imports": "[data-test=import-table]",
}
#: the API's answers whose short strings (names, not prose) a page may show inside its chrome
DATA_PATHS = [
    "/analytics/overview", "/districts", "/segments", "/targets", "/invest/recommendations", "/imports",
    "/enterprises/changan", "/cultivate/zjtx", "/resilience/choke-points",
]  # fmt: skip


def _strings(value: object, out: set[str]) -> None:
    if isinstance(value, str):
        if len(value) <= 60:
            out.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


def _get(server: Any, user: str, path: str, **params: object) -> Any:
    """What the API answers ``user`` (some of these endpoints compute for seconds on a busy machine)."""
    r = httpx.get(
        server.url + "/api/v1" + path,
        params=params,
        headers={"Authorization": f"Bearer {server.tokens[user]}"},
        timeout=180,
    )
    r.raise_for_status()
    return r.json()


def data_names(server: Any, user: str) -> set[str]:
    """Every short string the API gives ``user`` on the pages' endpoints (firm, district, segment names …)."""
    out: set[str] = set()
    for path in DATA_PATHS:
        _strings(_get(server, user, path), out)
    page, size = 1, 500
    while True:  # every firm, page by page
        r = _get(server, user, "/enterprises", page=page, size=size)
        _strings(r["data"], out)
        if page * size >= r["count"]:
            return out
        page += 1


def chinese_outside_data(texts: list[str], names: set[str]) -> list[str]:
    """The texts that show a Chinese run which is not part of any of ``names``."""
    return [t for t in texts if any(not any(run in n for n in names) for run in CJK.findall(t))]


def test_the_check_catches_interface_words_and_lets_data_pass() -> None:
    names = {"重庆长安汽车股份有限公司", "璧山区", "动力电池"}
    assert (
        chinese_outside_data(
            ["Firm", "重庆长安汽车股份有限公司", "璧山区 (local)", "Battery 动力电池"], names
        )
        == []
    )
    assert chinese_outside_data(["璧山区（本地）", "Export 导出", "Total 家"], names) == [
        "璧山区（本地）",
        "Export 导出",
        "Total 家",
    ]


def _to_english(page: Any, within: str = ".topbar") -> None:
    page.click(f"{within} [data-test=lang-en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")


def _visit(page: Any, server: Any, path: str, ready: str) -> list[str]:
    page.goto(f"{server.url}/#/{path}")
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")
    return page.evaluate(_TEXTS, CHROME)


def test_every_page_in_english_for_the_analyst_then_back_to_chinese(login: Any, server: Any) -> None:
    page, console = login("analyst")
    names = data_names(server, "analyst")
    _to_english(page)
    assert page.evaluate("() => localStorage.getItem('chainbrain.locale')") == "en"
    menu = page.inner_text(".topbar .el-menu")
    assert "Cockpit" in menu and "Targets" in menu and not CJK.search(menu)
    assert "(Analyst)" in page.inner_text("[data-test=who]")
    found: dict[str, list[str]] = {}
    for path, ready in PAGES.items():
        texts = _visit(page, server, path, ready)
        assert len(texts) >= 5, (path, texts)  # the selectors found the page's chrome
        if path == "targets":  # open a target: its panel's labels, legend and catch-up table
            page.click("[data-test=targets-table] .el-table__body .el-table__row")
            page.wait_for_selector("[data-test=target-detail] .echart canvas")
            texts += page.evaluate(_TEXTS, CHROME)
        if path == "invest":  # one candidate's score parts
            page.click("[data-test=invest-table] .el-table__expand-icon")
            page.wait_for_selector("[data-test=invest-explain]")
            texts += page.evaluate(_TEXTS, CHROME)
        if bad := chinese_outside_data(texts, names):
            found[path] = bad
        assert not CJK.search(page.title()), (path, page.title())
    assert found == {}
    # a page in English says what it shows in English, with the data's own names
    page.goto(f"{server.url}/#/enterprises")
    n = server.api("analyst", "/enterprises")["count"]
    page.wait_for_selector(f"[data-test=count]:has-text('{n} firms in all')")
    # the choice outlives a reload
    page.reload()
    page.wait_for_selector("[data-test=enterprise-table] .el-table__row")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.inner_text("h2") == "Firms"
    # and the switch back restores Chinese
    page.click(".topbar [data-test=lang-zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.inner_text("h2") == "企业库"
    assert page.inner_text("[data-test=count]") == f"共 {n} 家"
    assert "驾驶舱" in page.inner_text(".topbar .el-menu")
    assert page.evaluate("() => localStorage.getItem('chainbrain.locale')") == "zh-CN"
    assert console.errors == []


def test_the_big_screen_in_english_for_the_viewer(login: Any, server: Any) -> None:
    page, console = login("viewer")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_url("**/#/screen", timeout=60_000)
    page.wait_for_selector("[data-test=screen-figures] .fig", timeout=60_000)
    _to_english(page, "[data-test=screen]")  # the 大屏 covers the header: its own switch
    page.wait_for_selector("[data-test=screen-map] canvas", timeout=60_000)
    page.wait_for_load_state("networkidle")
    texts = page.evaluate(_TEXTS, CHROME)
    assert chinese_outside_data(texts, data_names(server, "viewer")) == []
    assert "Key figures" in page.inner_text("[data-test=screen]")
    ov = server.api("viewer", "/analytics/overview")
    fig = page.inner_text("[data-test=sfig-enterprises]")
    assert f"{ov['enterprises']:,}" in fig and "firms" in fig and "Chain firms" in fig
    # still 1920×1080 without scrolling in English
    size = page.evaluate(
        "() => { const s = document.scrollingElement; return [s.scrollHeight, s.scrollWidth] }"
    )
    assert size[0] <= 1080 and size[1] <= 1920, size
    page.click("[data-test=screen] [data-test=lang-zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert "关键指标" in page.inner_text("[data-test=screen]")
    assert console.errors == []
