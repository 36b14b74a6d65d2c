"""The workbook's native Excel charts reference cells that hold the briefing's figures (worked by hand)."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, ScatterChart

from chainbrain.monitor.demo import DEMO_AS_OF, load_demo_monitor
from chainbrain.monitor.status import assess_all, warnings
from chainbrain.report import write_xlsx
from chainbrain.store import memory

SHARE = "智能网联新能源汽车产销量占全国比重达到10%以上"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    conn = memory()
    load_demo_monitor(conn)
    path = tmp_path_factory.mktemp("xlsx") / "简报.xlsx"
    write_xlsx(conn, path, as_of=DEMO_AS_OF)
    found = assess_all(conn, as_of=DEMO_AS_OF)
    conn.close()
    return load_workbook(path), found


def cells(wb, ref: str) -> list:
    """The values of the cells a chart reference (``'sheet'!$E$2:$E$9`` or ``'sheet'!C4``) points to."""
    m = re.fullmatch(r"'(.+)'!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?", ref)
    assert m, ref
    sheet, c1, r1, c2, r2 = m.groups()
    ws = wb[sheet]
    rng = ws[f"{c1}{r1}:{c2 or c1}{r2 or r1}"]
    return [c.value for row in rng for c in row]


def test_progress_bars_are_latest_over_target(book):
    wb, found = book
    ws = wb["走势图"]
    [chart] = [c for c in ws._charts if isinstance(c, BarChart)]
    assert chart.type == "bar"
    [series] = chart.series
    values = cells(wb, series.val.numRef.f)
    names = cells(wb, series.cat.numRef.f if series.cat.numRef else series.cat.strRef.f)
    bars = dict(zip(names, values, strict=True))
    # by hand from the demo observations: 7.1 of 10 (%) → 71.0; 84 of 80 亿瓦时 → 105.0
    assert bars[SHARE + "〔示意〕"] == pytest.approx(71.0)
    assert bars["动力电池年生产能力达80亿瓦时〔示意〕"] == pytest.approx(105.0)
    # one bar per target with a latest value (all demo targets are at-least targets with a non-zero value)
    with_latest = [a for a in found if a.latest is not None]
    assert all(a.value != 0 for a in with_latest)
    assert len(bars) == len(with_latest)
    assert cells(wb, series.tx.strRef.f) == ["完成度（%）"]


def test_path_chart_of_each_warning_points_to_its_path_and_observations(book):
    wb, found = book
    ws = wb["走势图"]
    lines = [c for c in ws._charts if isinstance(c, ScatterChart)]
    assert len(lines) == len(warnings(found)) > 0
    chart = next(c for c in lines if SHARE in "".join(r.t for p in c.title.tx.rich.p for r in p.r))
    plan, observed = chart.series
    assert cells(wb, plan.tx.strRef.f) == ["计划路径"] and cells(wb, observed.tx.strRef.f) == ["观测值"]
    xs = cells(wb, plan.xVal.numRef.f)
    assert xs == cells(wb, observed.xVal.numRef.f)
    # 基期 2024年末 7.4% → 10% at the end of 2025 in a straight line: +0.65 a quarter
    assert xs == [2024.0, 2024.25, 2024.5, 2024.75, 2025.0]
    assert cells(wb, plan.yVal.numRef.f) == pytest.approx([7.4, 8.05, 8.7, 9.35, 10.0])
    # the demo's illustrative quarterly shares, 2024Q4 … 2025Q4
    assert cells(wb, observed.yVal.numRef.f) == pytest.approx([7.4, 7.6, 7.5, 7.3, 7.1])
