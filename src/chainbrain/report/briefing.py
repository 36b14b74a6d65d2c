"""The Word briefing (目标监测简报): summary, warnings first, all targets, charts, sources and caveats."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from chainbrain.monitor.registry import KIND_ZH
from chainbrain.monitor.status import LAG_PACE, WARN_PACE, Assessment
from chainbrain.report.charts import trajectory_png
from chainbrain.report.data import STATUS_ZH, BriefingData, collect, date_zh, fmt, target_text
from chainbrain.units import COUNT_UNITS, count

TITLE = "重庆市智能网联新能源汽车规划目标监测简报"
BODY_FONT = "宋体"
CELL_MARGIN_TWIPS = 57  # left and right cell margins, 0.1 cm (Word's default is 0.19 cm)


def _fonts(doc: WordDocument) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        s = doc.styles[name]
        s.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def _table(
    doc: WordDocument,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    nowrap: frozenset[int] = frozenset(),
) -> None:
    """A grid table with fixed column widths (cm); columns in ``nowrap`` never break a figure across lines.

    Word honours cell widths alone, LibreOffice only the table grid and a fixed layout, so both are written.
    A no-wrap cell must be wide enough for its longest line; cell margins are set narrow (``CELL_MARGIN``)
    so that figures fit, and tests/test_report_layout_fit.py measures every line against its column.
    """
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for i, col in enumerate(table.columns):
        col.width = Cm(widths[i])
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths[i])
            if i in nowrap:
                tc_pr = cell._tc.get_or_add_tcPr()
                if tc_pr.find(qn("w:noWrap")) is None:
                    tc_pr.append(OxmlElement("w:noWrap"))
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(8.5)


def _fig(v: float | None, unit: str) -> str:
    """A computed level in its unit: counts (家, 座, 个 …) whole, as the plans write them; others as :func:`fmt`."""
    return count(v) if unit in COUNT_UNITS else fmt(v)


def _latest(a: Assessment) -> str:
    """The latest value with its period, marked 示意/合成 when it is not a verified figure."""
    if a.latest is None:
        return fmt(a.latest)
    mark = "" if a.basis in (None, "verified") else f"〔{STATUS_ZH.get(a.basis, a.basis)}〕"
    return f"{fmt(a.latest)}（{a.latest_period}）" + (f"\n{mark}" if mark else "")


def _summary(doc: WordDocument, d: BriefingData) -> None:
    s = d.summary
    total = len(d.assessments)
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(
        f"本简报监测三份规划文件中的全部 {total} 项量化目标。截至{date_zh(d.as_of)}："
        f"达标 {s['达标']} 项、正常 {s['正常']} 项、数据不足（仅一个时点）{s['数据不足']} 项、预警 {s['预警']} 项、滞后 {s['滞后']} 项、"
        f"尚无数据 {s['无数据']} 项。"
    )
    open_ = [a for a in d.warnings if a.catch_up]
    closed = [a for a in d.warnings if not a.catch_up]
    if open_:
        worst = "、".join(a.name for a in open_[:3])
        doc.add_paragraph(f"尚在期内、需优先关注（按严重程度）：{worst}。")
    if closed:
        doc.add_paragraph(f"目标年份已结束而未达标的 {len(closed)} 项，列在预警表中供总结评估。")


def _warnings(doc: WordDocument, d: BriefingData) -> None:
    doc.add_heading("二、预警与滞后目标", level=1)
    if not d.warnings:
        doc.add_paragraph("当前没有预警或滞后目标。")
        return
    rows = []
    for i, a in enumerate(d.warnings, start=1):
        band = (
            f"（{_fig(a.projected_low, a.unit)}–{_fig(a.projected_high, a.unit)}）"
            if a.projected_low is not None
            else ""
        )
        rows.append(
            [
                str(i),
                a.name,
                a.status,
                _latest(a),
                f"{target_text(a)}（{a.year}年）",
                f"{_fig(a.projected, a.unit)}{band}",
                a.reason,
            ]
        )
    _table(
        doc,
        ["序号", "目标", "状态", "最新值", "目标值", "预测值（90%区间）", "研判依据"],
        rows,
        [0.8, 2.9, 1.0, 2.6, 3.1, 3.1, 3.0],
        frozenset({0, 2, 3, 4, 5}),
    )
    doc.add_paragraph()
    doc.add_paragraph("追赶要求（自最新值起按直线（增长型目标按复合增速）追赶，每期末应达到的水平）：")
    for a in d.warnings:
        if a.catch_up:
            steps = "、".join(f"{c['period']} {_fig(c['level'], a.unit)}" for c in a.catch_up)
            doc.add_paragraph(f"{a.name}：{steps}（单位：{a.unit}）", style="List Bullet")
        else:
            unit = "个百分点" if a.unit == "%" else a.unit
            doc.add_paragraph(f"{a.name}：目标年份已结束，最终差距 {fmt(a.gap)}{unit}", style="List Bullet")


def _all_targets(doc: WordDocument, d: BriefingData) -> None:
    doc.add_heading("三、全部目标一览", level=1)
    rows = []
    for a in d.assessments:
        t = d.by_id[a.id]
        rows.append(
            [
                a.name,
                f"{target_text(a)}",
                f"{a.year}",
                KIND_ZH[a.kind],
                _latest(a),
                _fig(a.projected, a.unit),
                a.status,
                f"{t.document}{t.clause}",
            ]
        )
    _table(
        doc,
        ["目标（计划原文）", "目标值", "年份", "类型", "最新值", "预测值", "状态", "出处"],
        rows,
        [3.7, 1.9, 1.0, 1.1, 2.8, 1.5, 1.5, 3.0],
        frozenset({1, 2, 4, 5, 6}),
    )


def _charts(doc: WordDocument, d: BriefingData) -> int:
    doc.add_heading("四、预警与滞后目标走势", level=1)
    n = 0
    for a in d.warnings:
        png = trajectory_png(d.by_id[a.id], a, d.current.get(a.id, []))
        doc.add_picture(io.BytesIO(png), width=Cm(15))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap = doc.add_paragraph(
            f"图{n + 1}  {a.name}：虚线为计划路径，点线与阴影为趋势预测及其90%区间。预测方法：{a.method}。"
        )
        cap.runs[0].font.size = Pt(8.5)
        n += 1
    if n == 0:
        doc.add_paragraph("无。")
    return n


def _sources(doc: WordDocument, d: BriefingData) -> None:
    doc.add_heading("五、数据来源与说明", level=1)
    docs: dict[str, tuple[str, str]] = {}
    for t in d.targets:
        docs.setdefault(t.document, (t.document_status, t.source))
    for title, (status, source) in docs.items():
        doc.add_paragraph(f"{title}（{status}）：{source}", style="List Bullet")
    bases = {t.baseline_source for t in d.targets if t.baseline_source}
    for b in sorted(bases):
        doc.add_paragraph(f"基期（2024年实际值）：{b}", style="List Bullet")
    counts = d.data_status()
    parts = "、".join(f"{STATUS_ZH.get(k, k)} {v} 条" for k, v in sorted(counts.items()))
    doc.add_paragraph(f"观测数据状态：{parts or '无'}。")
    if counts.get("illustrative") or counts.get("synthetic"):
        doc.add_paragraph(
            "注意：标为“示意”的观测值是演示用的假设数据，不是真实统计，不能作为决策依据；"
            "“已核实”数据均注明公开来源。"
        )
    if any(t.document_status != "正式印发" for t in d.targets):
        doc.add_paragraph("注意：标为“征求意见稿”的文件，其目标以正式印发版本为准。")
    doc.add_paragraph(
        "状态规则：最新值已达到目标为“达标”；目标年份已结束仍未达到、预测区间有利端仍达不到目标、"
        f"或落后计划路径超过{-LAG_PACE:.0%}为“滞后”；按趋势预测达不到目标或落后计划路径超过"
        f"{-WARN_PACE:.0%}为“预警”；其余只有一个时点观测的为“数据不足”（无法判断趋势），其余为“正常”。计划路径自基期（无基期时自计划起点或首个观测）"
        "按直线、增长型目标按复合增速到达目标值；预测为观测值的最小二乘趋势（增长型目标取对数），"
        "三个及以上观测时给出90%预测区间。"
    )


def write_docx(conn: duckdb.DuckDBPyConnection, path: str | Path, *, as_of: dt.date | None = None) -> Path:
    """Write the Word briefing of every target in the store; return its path."""
    d = collect(conn, as_of)
    doc = Document()
    _fonts(doc)
    doc.add_heading(TITLE, level=0)
    p = doc.add_paragraph(f"评估日期：{date_zh(d.as_of)}　　生成：chainbrain 产业大脑")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _summary(doc, d)
    _warnings(doc, d)
    _all_targets(doc, d)
    _charts(doc, d)
    _sources(doc, d)
    out = Path(path)
    doc.save(str(out))
    return out
