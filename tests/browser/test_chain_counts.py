"""产业链图谱: the count after each segment's name is the count the segment's panel shows and lists.

The tree once counted only firms with a plant registered in the segment, the panel every firm whose main
segment or plant is there: 纯电动汽车 read "（0家）" in the tree and then listed 阿维塔 and 深蓝 under
"企业（含下级环节，2 家）". The expected counts come from the API (``GET /enterprises?segment=``), not from
the page's own arithmetic.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: every segment node of the tree the page drew: [segment id, its label]
TREE_NODES = """() => {
  const root = document.querySelector('.echart').__chart.getOption().series[0].data[0]
  const out = []
  const walk = (n) => { if (String(n.value).startsWith('seg:')) out.push([n.value.slice(4), n.name]); (n.children || []).forEach(walk) }
  walk(root)
  return out
}"""


def test_tree_counts_agree_with_the_segment_panel(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/chain")
    page.wait_for_selector(".echart canvas")
    page.wait_for_load_state("networkidle")
    nodes = page.evaluate(TREE_NODES)
    segments = server.api("analyst", "/segments", size=500)["data"]
    assert len(nodes) == len(segments) > 50
    shown = {}
    for seg, label in nodes:
        m = re.search(r"（(\d+)家）$", label)
        assert m, label
        shown[seg] = int(m.group(1))
    expected = {
        s["id"]: server.api("analyst", "/enterprises", segment=s["id"], size=1)["count"] for s in segments
    }
    assert shown == expected
    # the case users met: BEV makers whose plants are registered under 整车 itself
    assert expected["vehicle.bev"] >= 2 and expected["vehicle"] >= expected["vehicle.bev"]
    # a click on 纯电动汽车 opens the panel: the same count above a list of that many firms
    page.evaluate(
        "() => document.querySelector('.echart').__chart.trigger('click', { data: { value: 'seg:vehicle.bev' } })"
    )
    panel = page.wait_for_selector("[data-test=segment-panel]")
    page.wait_for_function(
        "() => !document.querySelector('[data-test=segment-panel] h3').innerText.includes('…')",
        timeout=20_000,
    )
    n = expected["vehicle.bev"]
    text = panel.inner_text()
    assert f"企业（含下级环节）\t{n} 家" in text and f"（含下级环节，{n} 家）" in text, text
    assert len(page.query_selector_all("[data-test=segment-panel] .el-table__body tr")) == n
    assert console.errors == []
