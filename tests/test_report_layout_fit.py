"""Every figure of the Word briefing's tables fits its column on one line, and every cell carries its width.

LibreOffice lays a fixed table out by its grid; a no-wrap cell whose line is wider than the column spills
over its neighbour (a wrapping one splits ``1,073–1,123`` across lines). Widths are measured with the
advance widths of the fonts the briefing uses at 8.5 pt — 宋体 full-width characters 1 em; Times New Roman
digits ½ em, ``,`` and ``.`` ¼ em, capitals ≈ 0.72 em (Q, the widest used) — plus the table's left and
right cell margins as its XML sets them (``w:tblCellMar``; Word's default 0.19 cm each when absent).
"""

from __future__ import annotations

import unicodedata

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from chainbrain.monitor.demo import DEMO_AS_OF, load_demo_monitor
from chainbrain.report import write_docx
from chainbrain.store import memory

EM_CM = Pt(8.5) / Cm(1)  # 1 em of an 8.5 pt font, in cm
DEFAULT_MARGIN_TWIPS = 108  # 0.19 cm
NARROW = {",": 0.25, ".": 0.25, "–": 0.5, "%": 0.83, "≤": 0.55, " ": 0.25}


def em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in NARROW:
        return NARROW[ch]
    if ch.isdigit() or ch.islower():
        return 0.5
    return 0.72 if ch.isupper() else 0.6


def line_cm(text: str) -> float:
    return sum(em(ch) for ch in text) * EM_CM


def margins_cm(table) -> float:
    """Left + right cell margin of a table, from its XML."""
    mar = table._tbl.tblPr.find(qn("w:tblCellMar"))
    total = 0
    for side in ("left", "right"):
        el = None if mar is None else mar.find(qn(f"w:{side}"))
        total += DEFAULT_MARGIN_TWIPS if el is None else int(el.get(qn("w:w")))
    return total / 567


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    conn = memory()
    load_demo_monitor(conn)
    path = tmp_path_factory.mktemp("fit") / "简报.docx"
    write_docx(conn, path, as_of=DEMO_AS_OF)
    conn.close()
    return Document(str(path))


def test_the_measure_by_hand():
    # "2027" is four digits of ½ em: 2 em × 8.5 pt = 17 pt = 0.5997 cm
    assert line_cm("2027") == pytest.approx(17 / 72 * 2.54)
    # "1,073" = 4 × ½ + ¼ em; "（" is full width
    assert line_cm("（1,073") == pytest.approx(3.25 * 8.5 / 72 * 2.54)


def test_every_cell_has_the_width_of_its_grid_column(doc):
    for table in doc.tables:
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for i, cell in enumerate(row.cells):
                tc_w = cell._tc.tcPr.find(qn("w:tcW"))
                assert tc_w is not None and tc_w.get(qn("w:type")) == "dxa"
                assert int(tc_w.get(qn("w:w"))) == grid[i]


def test_no_wrap_figures_fit_their_columns(doc):
    wide = []
    checked = 0
    for n, table in enumerate(doc.tables):
        grid_cm = [int(g.get(qn("w:w"))) / 567 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        header = [c.text for c in table.rows[0].cells]
        pad = margins_cm(table)
        for row in table.rows[1:]:
            for i, cell in enumerate(row.cells):
                if cell._tc.tcPr.find(qn("w:noWrap")) is None:
                    continue
                for line in cell.text.split("\n"):
                    checked += 1
                    if line_cm(line) + pad > grid_cm[i]:
                        wide.append((n, header[i], line, round(line_cm(line) + pad, 2), round(grid_cm[i], 2)))
    assert checked > 100 and wide == []


def test_figure_columns_are_the_no_wrap_ones(doc):
    warnings, targets = doc.tables
    no_wrap = {
        n: [c.text for c, cell in zip(t.rows[0].cells, t.rows[1].cells, strict=True)
            if cell._tc.tcPr.find(qn("w:noWrap")) is not None]
        for n, t in (("warnings", warnings), ("targets", targets))
    }  # fmt: skip
    assert no_wrap["warnings"] == ["序号", "状态", "最新值", "目标值", "预测值（90%区间）"]
    assert no_wrap["targets"] == ["目标值", "年份", "最新值", "预测值", "状态"]


def test_cell_margins_are_set_narrow(doc):
    for table in doc.tables:
        assert margins_cm(table) == pytest.approx(2 * 57 / 567)
