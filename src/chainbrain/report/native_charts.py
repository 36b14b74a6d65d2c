"""Native Excel charts of the workbook briefing (openpyxl.chart), drawn from cells of the sheet they sit on
(走势图, right of the Word briefing's pictures).

The figures are the Word briefing's: each target's latest value against its target value, and for each
预警/滞后 target its required path (the same :func:`~chainbrain.monitor.trajectory.required_at` the Word
chart draws) beside its observations. The rows are computed here (:func:`progress_rows`,
:func:`path_rows`) and written to cells; the charts only reference those cells, so a reader can check every
bar and point against the table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chainbrain.io.safe import safe_cell
from chainbrain.monitor.observations import Observation
from chainbrain.monitor.registry import Target
from chainbrain.monitor.status import Assessment
from chainbrain.monitor.trajectory import Origin, required_at
from chainbrain.report.data import STATUS_ZH, BriefingData


@dataclass(frozen=True)
class ProgressRow:
    """One target's latest value as a share of its target value."""

    target_id: str
    label: str  # the target's name, marked 〔示意〕/〔合成〕 when its latest value is not verified
    latest: float
    target: float  # the target value (the lower end of a range)
    unit: str
    percent: float  # 100 × latest / target; for an at-most target 100 × target / latest


def progress_rows(d: BriefingData) -> list[ProgressRow]:
    """Every target with a latest value and a non-zero target, in the briefing's order of targets.

    At-most targets (a ceiling, e.g. an accident rate) are complete at 100% when the latest value has come
    down to the target: their share is target / latest; a latest value of 0 meets the ceiling (100%).
    """
    out = []
    for a in d.assessments:
        if a.latest is None or a.value == 0:
            continue
        if a.direction == "at_most":
            pct = 100.0 if a.latest == 0 else 100.0 * a.value / a.latest
        else:
            pct = 100.0 * a.latest / a.value
        mark = "" if a.basis in (None, "verified") else f"〔{STATUS_ZH.get(a.basis, a.basis)}〕"
        out.append(ProgressRow(a.id, a.name + mark, a.latest, a.value, a.unit, pct))
    return out


@dataclass(frozen=True)
class PathPoint:
    """A time of a target's chart: the required path there and the observation, if one falls on it."""

    t: float  # the time axis of the Word chart: 2025.0 is the end of 2025, 2025.25 the end of 2026Q1
    label: str  # the period (2025Q4) or 基期 / 目标年份
    required: float | None  # None when the assessment has no origin for a path
    observed: float | None


def path_rows(target: Target, a: Assessment, obs: list[Observation]) -> list[PathPoint]:
    """The points of one target's path chart: its origin, every observation, and the target year."""
    origin = Origin(a.origin["t"], a.origin["value"], a.origin["basis"]) if a.origin is not None else None
    labels: dict[float, str] = {}
    observed: dict[float, float] = {}
    if origin is not None:
        labels[origin.t] = origin.basis
    for o in sorted(obs, key=lambda o: o.t):
        labels[o.t] = o.period
        observed[o.t] = o.value
    end = float(target.year)
    labels.setdefault(end, f"{target.year}年末")
    return [
        PathPoint(
            t,
            labels[t],
            None if origin is None else required_at(target, origin, t),
            observed.get(t),
        )
        for t in sorted(labels)
    ]


def _put(ws: Worksheet, row: int, col: int, values: list[object]) -> None:
    """Cells from (``row``, ``col``) rightwards; text (a target's name may come from an import) is
    neutralised as in every sheet chainbrain writes (:func:`chainbrain.io.safe.safe_cell`)."""
    for i, v in enumerate(values):
        cell = ws.cell(row=row, column=col + i, value=safe_cell(v))
        if isinstance(v, str):
            cell.data_type = "s"


def _ref(ws: Worksheet, col: int, first: int, last: int) -> Reference:
    return Reference(ws, min_col=col, min_row=first, max_row=last)


def progress_block(ws: Worksheet, d: BriefingData, *, row: int, col: int) -> int:
    """The progress table at (``row``, ``col``) and a bar chart over it to its right; returns the first
    free row below both."""
    rows = progress_rows(d)
    _put(ws, row, col, ["目标完成度：最新值 ÷ 目标值（≤型目标为目标值 ÷ 最新值）；〔示意〕为演示数据"])
    head = row + 1
    _put(ws, head, col, ["目标", "最新值", "目标值", "单位", "完成度（%）"])
    for i, r in enumerate(rows, start=1):
        _put(ws, head + i, col, [r.label, r.latest, r.target, r.unit, round(r.percent, 1)])
    ws.column_dimensions[get_column_letter(col)].width = 40
    last = head + len(rows)
    if not rows:
        return last + 2
    chart = BarChart()
    chart.type = "bar"  # horizontal: the long Chinese names read along the axis
    chart.title = "目标完成度（%）"
    chart.y_axis.title = "完成度（%）"
    chart.legend = None
    chart.add_data(_ref(ws, col + 4, head, last), titles_from_data=True)
    chart.set_categories(_ref(ws, col, head + 1, last))
    chart.height = max(7.5, 0.5 * len(rows))  # cm
    chart.width = 20
    ws.add_chart(chart, f"{get_column_letter(col + 6)}{row}")
    return max(last, row + int(chart.height / 0.5)) + 2  # a row is 15 pt ≈ 0.53 cm


def path_blocks(ws: Worksheet, d: BriefingData, *, row: int, col: int) -> int:
    """Per 预警/滞后 target (those the Word briefing charts), a table of its required path and observations
    at (``row``, ``col``) and a line chart over it to its right, one under the other; returns how many."""
    _put(
        ws,
        row,
        col,
        ["计划路径（虚线）与观测值；时间轴同 Word 简报：2025 为 2025年末，2025.25 为 2026年一季度末"],
    )
    row += 2
    for n, a in enumerate(d.warnings, start=1):
        pts = path_rows(d.by_id[a.id], a, d.current.get(a.id, []))
        _put(ws, row, col, [f"路径{n}  {a.name}（{a.status}，单位：{a.unit}）"])
        head = row + 1
        _put(ws, head, col, ["期间", "时间", "计划路径", "观测值"])
        for i, p in enumerate(pts, start=1):
            _put(ws, head + i, col, [p.label, p.t, p.required, p.observed])
        last = head + len(pts)
        chart = ScatterChart()
        chart.title = f"{a.name}（{a.status}）"
        chart.style = 13
        chart.x_axis.title = "时间"
        chart.y_axis.title = a.unit
        xs = _ref(ws, col + 1, head + 1, last)
        for c, dashed in ((col + 2, True), (col + 3, False)):
            s = Series(_ref(ws, c, head, last), xs, title_from_data=True)
            s.marker.symbol = "none" if dashed else "circle"
            if dashed:
                s.graphicalProperties.line.dashStyle = "dash"
            chart.series.append(s)
        ws.add_chart(chart, f"{get_column_letter(col + 6)}{row}")
        row = max(last, row + 15) + 2
    return len(d.warnings)


def native_charts(ws: Worksheet, d: BriefingData, *, col: int) -> None:
    """Both blocks on ``ws`` from column ``col``: the progress chart, then the path charts under it."""
    below = progress_block(ws, d, row=1, col=col)
    path_blocks(ws, d, row=below, col=col)
