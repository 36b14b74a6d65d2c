"""Every figure that rests on illustrative or synthetic data carries its 示意 mark, on every page.

What counts as illustrative comes from the API itself (the targets' ``basis``, the overview's counts of
unverified firms and links), so the test does not repeat the page's logic: it checks the page against the
data.
"""

from __future__ import annotations

from typing import Any

import pytest

from chainbrain.units import COUNT_UNITS

pytestmark = pytest.mark.browser

#: page → a selector that appears once its data is on screen
PAGES = {
    "map": ".echart canvas",
    "chain": ".echart canvas",
    "local-rate": "[data-test=rate-table] .el-table__row",
    "invest": "h2",
    "cultivate": "h2",
    "resilience": "[data-test=ranking-table] .el-table__row",
    "match": "[data-test=need-form]",  # suppliers ranked over illustrative firms and offers
}


def _visit(page: Any, server: Any, path: str, ready: str) -> None:
    page.goto(f"{server.url}/#/{path}")
    page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_load_state("networkidle")


def test_targets_table_marks_every_illustrative_latest_value(login: Any, server: Any) -> None:
    page, console = login("analyst")
    rows = server.api("analyst", "/targets", size=500)["data"]
    marked = {r["name"] for r in rows if r["latest"] is not None and r["basis"] != "verified"}
    assert marked, "the demo store has illustrative observations"
    _visit(page, server, "targets", "[data-test=targets-table] .el-table__row")
    assert "示意" in page.inner_text("[data-test=mark-legend]")
    seen = 0
    for tr in page.query_selector_all("[data-test=targets-table] .el-table__body tr"):
        text = tr.inner_text()
        name = next((r["name"] for r in rows if r["name"] in text), None)
        if name is None:
            continue
        seen += 1
        has_mark = tr.query_selector("[data-test=mark]") is not None
        assert has_mark == (name in marked), (name, text)
    assert seen == len(rows)
    # the NEV output target: illustrative 118.6 shown with its mark and the verified 2024 actual beside it
    nev = next(r for r in rows if r["id"] == "eco25_nev_output")
    assert (nev["latest"], nev["basis"], nev["verified_latest"]) == (118.6, "illustrative", 95.3)
    tr = next(
        t
        for t in page.query_selector_all("[data-test=targets-table] .el-table__body tr")
        if nev["name"] in t.inner_text()
    )
    assert "已核实：95.3（2024）" in tr.inner_text()
    assert console.errors == []


def test_cockpit_marks_figures_and_warnings(login: Any, server: Any) -> None:
    page, console = login("analyst")
    ov = server.api("analyst", "/analytics/overview")
    warn = server.api("analyst", "/targets/warnings")["data"]
    assert ov["unverified_links"] > 0 and ov["unverified_enterprises"] > 0
    _visit(page, server, "cockpit", "[data-test=fig-local-rate]")
    figures = page.query_selector_all("[data-test=figures] .figure")
    by_label = {f.query_selector(".label").inner_text().replace("示意", "").strip(): f for f in figures}
    for label in (
        "产业链企业（含市外）",
        "整车采购额",
        "链主 / 专精特新（重庆，含小巨人）",
        "新能源汽车年产量（车型合计）",
    ):
        assert by_label[label].query_selector("[data-test=mark]") is not None, label
    rate = next(f for k, f in by_label.items() if k.startswith("本地配套率"))
    assert rate.query_selector("[data-test=mark]") is not None
    assert "示意" in page.inner_text("[data-test=mark-legend]")
    rows = page.query_selector_all("[data-test=warnings-table] .el-table__body tr")
    assert len(rows) == min(8, len(warn))
    for tr, a in zip(rows, warn[:8], strict=True):
        assert a["name"] in tr.inner_text()
        assert (tr.query_selector("[data-test=mark]") is not None) == (a["basis"] != "verified"), a["name"]
        # an illustrative latest value has the verified figure beside it when one exists
        shown = tr.query_selector("[data-test=verified-figure]")
        assert (shown is not None) == _verified_beside(a), a["name"]
        if shown is not None:
            assert f"（{a['verified_period']}）" in shown.inner_text()
    assert console.errors == []


@pytest.mark.parametrize("path", list(PAGES))
def test_other_pages_carry_the_mark_and_legend(login: Any, server: Any, path: str) -> None:
    page, console = login("analyst")
    ov = server.api("analyst", "/analytics/overview")
    _visit(page, server, path, PAGES[path])
    page.wait_for_selector("[data-test=mark-legend]", timeout=10_000)
    legend = page.inner_text("[data-test=mark-legend]")
    assert (
        f"{ov['unverified_enterprises']} 家企业" in legend
        and f"{ov['unverified_links']} 条供应关系" in legend
    )
    assert page.query_selector("h2 [data-test=mark]") is not None
    assert console.errors == []


def test_resilience_never_shows_zero_sites_while_loading_and_tts_fits_1366(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server.url}/#/resilience")
    page.wait_for_selector("[data-test=ranking-card]")
    assert "共 0 个场所" not in page.inner_text("[data-test=ranking-card]")
    page.wait_for_selector("[data-test=ranking-table] .el-table__row", timeout=60_000)
    n = len(server.api("analyst", "/resilience/ranking")["data"])
    assert n > 0 and f"共 {n} 个场所" in page.inner_text("[data-test=ranking-card]")
    head = page.locator("[data-test=ranking-table] th", has_text="TTS（天）").first.bounding_box()
    table = page.locator("[data-test=ranking-table]").bounding_box()
    assert head is not None and table is not None
    assert head["x"] + head["width"] <= table["x"] + table["width"] + 1 <= 1366 + 1
    assert console.errors == []


def test_profile_marks_fields_the_clause_does_not_support(login: Any, server: Any) -> None:
    page, console = login("analyst")
    bosch = server.api("analyst", "/enterprises/bosch")
    assert bosch["status"] == "verified" and "主营环节" in bosch["note"]
    page.goto(f"{server.url}/#/enterprises/bosch")
    page.wait_for_selector("[data-test=profile-note]", timeout=20_000)
    assert "近似/未经核实" in page.inner_text("[data-test=profile-note]")
    cells = page.query_selector_all(".el-descriptions__cell")
    text = [c.inner_text() for c in cells]
    seg = next(i for i, t in enumerate(text) if t.strip() == "主营环节")
    assert "未经核实" in text[seg + 1]
    # 赛力斯: the e-drive plant's capacity was raised by the fill step → 示意 beside the figure
    seres = server.api("analyst", "/enterprises/seres")
    edrive = next(s for s in seres["sites"] if s["id"] == "seres.edrive")
    assert edrive["status"] == "illustrative"
    page.goto(f"{server.url}/#/enterprises/seres")
    page.wait_for_selector(
        f"[data-test=sites-table] .el-table__row:has-text('{edrive['name']}')", timeout=20_000
    )
    row = next(
        r
        for r in page.query_selector_all("[data-test=sites-table] .el-table__row")
        if edrive["name"] in r.inner_text()
    )
    assert "示意" in row.inner_text()
    assert console.errors == []


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_cockpit_warning_marks_are_not_cut_off(login: Any, server: Any, width: int, height: int) -> None:
    """The warnings table fits its card: no column scrolled out of sight, every 示意 mark whole inside the card."""
    page, console = login("analyst")
    page.set_viewport_size({"width": width, "height": height})
    _visit(page, server, "cockpit", "[data-test=warnings-table] .el-table__body tr")
    wrap = page.locator("[data-test=warnings-table] .el-table__body-wrapper .el-scrollbar__wrap").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table scrolls sideways"
    card = page.locator("[data-test=cockpit-warnings]").bounding_box()
    marks = page.locator("[data-test=warnings-table] [data-test=mark]")
    assert marks.count() > 0
    for i in range(marks.count()):
        box = marks.nth(i).bounding_box()
        assert (
            box is not None and box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
        ), box
    assert console.errors == []


def _verified_beside(a: dict[str, Any]) -> bool:
    """A target whose latest value is illustrative or synthetic while a verified figure exists."""
    return a["latest_status"] not in (None, "verified") and a["verified_latest"] is not None


def _screen_figure(v: float, unit: str) -> str:
    """A figure as the 大屏 writes it: counts whole, others to one decimal, thousands separated."""
    return f"{v:,.0f}" if unit in COUNT_UNITS else f"{v:,.1f}".removesuffix(".0")


def test_screen_rings_show_the_verified_figure_beside_an_illustrative_one(login: Any, server: Any) -> None:
    """新能源汽车产量 118.6 / 100 万辆 (示意) must not stand alone beside a key figure of 95.3 万辆: every ring
    resting on an illustrative observation names it and shows the verified figure with its period."""
    page, console = login("viewer")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_url("**/#/screen", timeout=60_000)
    page.wait_for_selector("[data-test=screen-rings] canvas", timeout=60_000)
    page.wait_for_selector("[data-test=ticker-item]", timeout=60_000)
    page.wait_for_load_state("networkidle")
    targets = {t["id"]: t for t in server.api("viewer", "/targets", size=500)["data"]}
    seen = 0
    for ring in page.locator("[data-test^=ring-]").all():
        tid = (ring.get_attribute("data-test") or "")[len("ring-") :]
        a = targets[tid]
        verified = ring.locator("[data-test=verified-on-ring]")
        if not _verified_beside(a):
            assert verified.count() == 0, (tid, ring.inner_text())
            continue
        seen += 1
        assert verified.count() == 1, (tid, ring.inner_text())
        assert verified.is_visible()
        figure = _screen_figure(a["verified_latest"], a["unit"])
        assert verified.inner_text() == f"已核实 {figure} {a['unit']}（{a['verified_period']}）"
        # the illustrative figure is named as such on its own line, not left to read as the fact
        shown = ring.locator("[data-test=shown-on-ring]").inner_text()
        assert shown.startswith("示意 " + _screen_figure(a["latest"], a["unit"]) + " / "), shown
    # the demo store's NEV output: illustrative 118.6 万辆 for 2025, verified 95.3 万辆 for 2024
    nev = targets["eco25_nev_output"]
    assert (nev["latest"], nev["latest_status"], nev["verified_latest"], nev["verified_period"]) == (
        118.6,
        "illustrative",
        95.3,
        "2024",
    )
    assert "已核实 95.3 万辆（2024）" in page.inner_text("[data-test=ring-eco25_nev_output]")
    assert seen >= 1
    # warnings on the ticker carry the verified figure the same way
    warnings = server.api("viewer", "/targets/warnings")["data"]
    assert page.locator("[data-test=ticker-item] [data-test=ticker-verified]").count() == sum(
        1 for w in warnings if _verified_beside(w)
    )
    assert console.errors == []


def test_segment_panel_and_site_columns_say_what_the_clause_names(login: Any, server: Any) -> None:
    """An illustrative segment carries 示意 and says whose division it is; a verified one shows its clause."""
    page, console = login("analyst")
    segments = {s["id"]: s for s in server.api("analyst", "/segments", size=500)["data"]}
    # no seed names 线束及低压电器; 三(二) of the 2022 plan does name 电池包
    assert segments["parts.electrical"]["status"] == "illustrative"
    assert segments["battery.pack"]["status"] == "verified"
    page.goto(f"{server.url}/#/chain")
    page.wait_for_selector(".echart canvas")
    page.wait_for_load_state("networkidle")
    for sid, marked in (("parts.electrical", True), ("battery.pack", False)):
        page.evaluate(
            "(v) => document.querySelector('.echart').__chart.trigger('click', { data: { value: v } })",
            "seg:" + sid,
        )
        page.wait_for_function(
            "(n) => document.querySelector('[data-test=segment-panel] .el-card__header')?.innerText.includes(n)",
            arg=segments[sid]["name_zh"],
            timeout=20_000,
        )
        basis = page.inner_text("[data-test=segment-basis]")
        assert ("示意" in basis) == marked, basis
        assert ("规划原文未列出" in basis) == marked and (("电池包封装" in basis) != marked), basis
    # 长安七合一超级电驱 (verified): the clause names neither 电驱动总成 nor 两江新区 → 近似 beside each
    page.goto(f"{server.url}/#/enterprises/changan")
    edrive = next(
        s for s in server.api("analyst", "/enterprises/changan")["sites"] if s["id"] == "changan.edrive"
    )
    assert edrive["status"] == "verified"
    page.wait_for_selector(
        f"[data-test=sites-table] .el-table__row:has-text('{edrive['name']}')", timeout=20_000
    )
    row = next(
        r
        for r in page.query_selector_all("[data-test=sites-table] .el-table__row")
        if edrive["name"] in r.inner_text()
    )
    cells = ["".join(c.inner_text().split()) for c in row.query_selector_all("td")]
    # name, district, park, segment, capacity (the clause states no capacity either)
    assert cells[1:4] == [
        f"{edrive['district_name']}近似",
        f"{edrive['park']}近似",
        f"{edrive['segment_name']}近似",
    ], cells
    assert console.errors == []
