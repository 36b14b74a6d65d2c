"""Briefing tables keep their widths in LibreOffice, figures carry their data status, Excel has the charts."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from chainbrain.monitor.demo import DEMO_AS_OF, load_demo_monitor
from chainbrain.monitor.status import assess_all, warnings
from chainbrain.report import write_docx, write_xlsx
from chainbrain.store import memory


@pytest.fixture(scope="module")
def demo_store():
    conn = memory()
    load_demo_monitor(conn)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def docx_doc(demo_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "简报.docx"
    write_docx(demo_store, path, as_of=DEMO_AS_OF)
    return Document(str(path))


def test_tables_have_fixed_layout_and_grid_widths(docx_doc):
    usable = Cm(16.5)
    assert len(docx_doc.tables) == 2
    for table in docx_doc.tables:
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert len(grid) == len(table.columns) and all(w > 0 for w in grid)
        # twips: 1 cm = 567 twips; the table fits the page's text width (Letter, 1-inch margins: 16.51 cm)
        assert sum(grid) <= usable / 635 + len(grid)  # EMU → twips is ÷ 635


def test_figure_columns_do_not_wrap_and_illustrative_values_are_marked(docx_doc, demo_store):
    table = docx_doc.tables[1]  # all targets
    header = [c.text for c in table.rows[0].cells]
    col = header.index("最新值")
    rows = {r.cells[0].text: r.cells for r in table.rows[1:]}
    cells = (
        rows["新能源汽车产量"]
        if "新能源汽车产量" in rows
        else next(c for name, c in rows.items() if "新能源汽车产量" in name)
    )
    assert cells[col].text == "118.6（2025Q4）\n〔示意〕"
    assert cells[col]._tc.tcPr.find(qn("w:noWrap")) is not None
    name_cell = cells[0]._tc.tcPr
    assert name_cell is None or name_cell.find(qn("w:noWrap")) is None  # long text still wraps
    # a verified latest value carries no mark
    by_basis = {a.name: a.basis for a in assess_all(demo_store, as_of=DEMO_AS_OF)}
    verified = [n for n, b in by_basis.items() if b == "verified" and n in rows]
    for n in verified:
        assert "示意" not in rows[n][col].text


def test_workbook_has_the_warning_charts(demo_store, tmp_path):
    path = tmp_path / "简报.xlsx"
    write_xlsx(demo_store, path, as_of=DEMO_AS_OF)
    wb = load_workbook(path)
    n = len(warnings(assess_all(demo_store, as_of=DEMO_AS_OF)))
    assert n > 0
    ws = wb["走势图"]
    assert len(ws._images) == n
    titles = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert sum(1 for t in titles if isinstance(t, str) and t.startswith("图")) == n
    head = [c.value for c in wb["目标"][1]]
    assert head[-1] == "最新值数据状态"
    col = head.index("最新值数据状态")
    statuses = {r[col].value for r in wb["目标"].iter_rows(min_row=2)}
    assert {"示意", "已核实"} <= statuses
