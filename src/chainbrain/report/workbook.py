"""The Excel workbook: every target with its assessment, every observation (corrections kept), warnings,
and charts — the Word briefing's pictures, and native Excel charts over cells (:mod:`.native_charts`).

Every row goes through :func:`chainbrain.io.safe.append`, so an observation's source or note (user text) is
never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Font, PatternFill

from chainbrain.io.safe import append
from chainbrain.monitor.registry import KIND_ZH
from chainbrain.report.charts import trajectory_png
from chainbrain.report.data import STATUS_ZH, BriefingData, collect, date_zh, fmt
from chainbrain.report.native_charts import native_charts
from chainbrain.units import COUNT_UNITS, count

_FILL = {
    "滞后": "F8CBAD",
    "预警": "FFE699",
    "正常": "DDEBF7",
    "数据不足": "FCE4D6",
    "达标": "C6EFCE",
    "无数据": "EDEDED",
}


def _header(ws, cells: list[str]) -> None:
    append(ws, cells)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9D9D9")
    ws.freeze_panes = "A2"


def _level(v: float | None, unit: str) -> tuple[float | None, str]:
    """A computed level (a catch-up step) as the Word briefing writes it, as a number and its cell format:
    counts (家, 座 …) whole, half away from zero; others to the briefing's decimals (two below 100, one below
    1,000, none from there), so 71.63 家 reads 72 in both and 7.5833 % reads 7.58."""
    if v is None or not math.isfinite(v):
        return None, "General"
    text = count(v) if unit in COUNT_UNITS else fmt(v)
    shown = float(text.replace(",", ""))
    return shown, "#,##0" if unit in COUNT_UNITS or abs(shown) >= 1000 else "General"


def _chart_sheet(wb: Workbook, d: BriefingData) -> int:
    """Sheet 走势图: the briefing's chart of every 预警/滞后 target, one under the other (column A), and the
    native Excel charts with their figures from column L (:mod:`.native_charts`); returns how many."""
    ws = wb.create_sheet("走势图")
    append(
        ws, ["预警与滞后目标走势：虚线为计划路径，点线为趋势预测（阴影为90%预测区间）；〔示意〕为演示数据"]
    )
    row = 3
    for n, a in enumerate(d.warnings, start=1):
        mark = "" if a.basis in (None, "verified") else "〔示意〕"
        ws.cell(row=row, column=1, value=f"图{n}  {a.name}（{a.status}）{mark}")
        img = Image(io.BytesIO(trajectory_png(d.by_id[a.id], a, d.current.get(a.id, []), dpi=90)))
        ws.add_image(img, f"A{row + 1}")
        row += 1 + math.ceil(img.height / 20) + 1  # default row height is 15 pt = 20 px
    native_charts(ws, d, col=12)
    return len(d.warnings)


def write_xlsx(conn: duckdb.DuckDBPyConnection, path: str | Path, *, as_of: dt.date | None = None) -> Path:
    """Write the workbook (sheets 目标, 观测, 预警, 走势图, 说明); return its path."""
    d = collect(conn, as_of)
    wb = Workbook()
    ws = wb.active
    ws.title = "目标"
    _header(
        ws,
        ["编号", "目标（计划原文）", "单位", "目标值", "区间上限", "年份", "类型", "基期值", "基期年",
         "状态", "最新值", "最新期间", "路径要求(评估日)", "预测值", "预测下限", "预测上限", "预测方法",
         "研判依据", "文件", "文件状态", "条款", "关联目标", "最新值数据状态"],
    )  # fmt: skip
    for a in d.assessments:
        t = d.by_id[a.id]
        append(
            ws,
            [t.id, t.name, t.unit, t.value, t.max_value, t.year, KIND_ZH[t.kind], t.baseline_value,
             t.baseline_year, a.status, a.latest, a.latest_period, a.required_now, a.projected,
             a.projected_low, a.projected_high, a.method, a.reason, t.document, t.document_status, t.clause,
             "、".join(t.related), STATUS_ZH.get(a.basis or "", a.basis)]
        )  # fmt: skip
        ws.cell(row=ws.max_row, column=10).fill = PatternFill("solid", fgColor=_FILL[a.status])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 50
    obs = wb.create_sheet("观测")
    _header(
        obs,
        [
            "记录号",
            "目标编号",
            "期间",
            "数值",
            "单位",
            "更正",
            "已被更正",
            "来源",
            "截至日期",
            "数据状态",
            "备注",
        ],
    )
    for o in d.history:
        append(
            obs,
            [o.id, o.target_id, o.period, o.value, o.unit, "是" if o.correction else "",
             "是" if o.superseded else "", o.source, o.as_of, STATUS_ZH.get(o.status, o.status), o.note]
        )  # fmt: skip
    obs.column_dimensions["B"].width = 34
    obs.column_dimensions["H"].width = 50
    warn = wb.create_sheet("预警")
    _header(warn, ["严重程度", "编号", "目标", "状态", "最新值", "期间", "应达到", "单位"])
    for i, a in enumerate(d.warnings, start=1):
        due: list[dict[str, Any]] = [{"period": c["period"], "level": c["level"]} for c in a.catch_up]
        for c in due or [{"period": "（已到期）", "level": None}]:
            level, form = _level(c["level"], a.unit)
            append(warn, [i, a.id, a.name, a.status, a.latest, c["period"], level, a.unit])
            warn.cell(row=warn.max_row, column=7).number_format = form
    _chart_sheet(wb, d)
    notes = wb.create_sheet("说明")
    append(notes, ["评估日期", date_zh(d.as_of)])
    for k, v in d.summary.items():
        append(notes, [k, v])
    for k, v in d.data_status().items():
        append(notes, [f"观测（{STATUS_ZH.get(k, k)}）", v])
    append(notes, ["提示", "“示意”观测为演示用假设数据，不是真实统计；“征求意见稿”目标以正式印发版本为准。"])
    out = Path(path)
    wb.save(out)
    return out
