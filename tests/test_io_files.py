"""Templates (filled in with openpyxl, they import) and exports (CSV with BOM, XLSX, JSON; they re-import
unchanged)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chainbrain.io import ImportRejected, export_table, import_file
from chainbrain.io.fields import COLUMNS, TITLE_ZH
from chainbrain.io.readers import Sheet
from chainbrain.io.templates import LISTS_SHEET, write_template
from chainbrain.io.validate import map_headers, parse_row
from chainbrain.schema import TABLES
from chainbrain.store import memory
from chainbrain.store.records import dump_table
from fixtures.io_store import BASE, base_store, snapshot


def test_template_has_notes_drop_downs_lists_and_guide(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template("enterprises", path, [("500106", "沙坪坝区"), ("500112", "渝北区")])
    wb = load_workbook(path)
    assert wb.sheetnames == ["企业", LISTS_SHEET, "示例", "说明"]
    ws = wb["企业"]
    headers = [c.value for c in ws[1]]
    assert headers == [c.zh for c in COLUMNS["enterprises"]]
    assert all(c.comment is not None and "示例：" in c.comment.text for c in ws[1])
    assert "必填" in ws["C1"].comment.text and "选填" in ws["B1"].comment.text
    lists = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    # E = 所在区县代码 → the hidden list sheet; F = 角色 (several allowed); O = 数据状态
    assert lists["E"].formula1 == f"'{LISTS_SHEET}'!$A$2:$A$3"
    assert lists["F"].showErrorMessage is False
    assert lists["O"].formula1 == '"已核实,示意,合成"'
    # B = 统一社会信用代码 is a text column, so Excel keeps all 18 characters as typed; I = 营业收入 is not
    assert ws.column_dimensions["B"].number_format == "@"
    assert ws.column_dimensions["I"].number_format == "General"
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert [r[0] for r in wb[LISTS_SHEET].iter_rows(min_row=2, values_only=True)] == ["500106", "500112"]
    assert wb["示例"]["B2"].value == "91500112MA5U00003P"
    assert wb["说明"].max_row == 6 + len(COLUMNS["enterprises"])


@pytest.mark.parametrize("table", list(TABLES))
def test_template_example_row_passes_its_cell_checks(table, tmp_path):
    """The example row of every template is well formed (foreign keys aside)."""
    cols = COLUMNS[table]
    sheet = Sheet("x.xlsx", [c.zh for c in cols], [(2, [c.example or None for c in cols])])
    by_pos, header_problems = map_headers(table, sheet)
    parsed, problems = parse_row(table, sheet, 2, sheet.rows[0][1], by_pos)
    assert header_problems == [] and problems == [] and parsed.valid


def test_filled_template_imports(tmp_path):
    conn = base_store()
    path = tmp_path / "企业模板.xlsx"
    write_template("enterprises", path, [("500106", "沙坪坝区"), ("500112", "渝北区")])
    wb = load_workbook(path)
    ws = wb["企业"]
    col = {c.value: c.column for c in ws[1]}
    values = {
        "企业编号": "E7", "企业名称": "重庆庚热管理有限公司", "所在区县代码": "500112",
        "角色": "一级供应商;二级供应商", "标签": "专精特新", "营业收入(万元)": 8800,
        "从业人数": 310, "成立年份": 2016, "来源": "企业官网", "数据日期": dt.date(2025, 3, 1), "数据状态": "已核实",
    }  # fmt: skip
    for header, v in values.items():
        ws.cell(row=2, column=col[header], value=v)
    wb.save(path)
    result = import_file(conn, "enterprises", path)
    assert (result.inserted, result.updated) == (1, 0)
    e7 = {r["id"]: r for r in dump_table(conn, "enterprises")}["E7"]
    assert e7["roles"] == ["Tier1", "Tier2"]
    assert (e7["revenue"], e7["employees"], e7["founded"]) == (8800.0, 310, 2016)
    assert (e7["as_of"], e7["status"]) == (dt.date(2025, 3, 1), "verified")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_round_trip(fmt, tmp_path):
    src = base_store()
    before = snapshot(src)
    paths = {}
    for table in TABLES:
        paths[table] = tmp_path / f"{table}.{fmt}"
        assert export_table(src, table, fmt, paths[table]) == len(BASE[table])
    # into a fresh store, parents first: the same rows come back
    dst = memory()
    for table in TABLES:
        result = import_file(dst, table, paths[table])
        assert (result.inserted, result.updated) == (len(BASE[table]), 0)
    assert snapshot(dst) == before
    # into the store they came from: every row is an update and nothing changes
    for table in TABLES:
        assert import_file(src, table, paths[table]).updated == len(BASE[table])
    assert snapshot(src) == before


def test_csv_export_has_bom_and_store_columns(tmp_path):
    conn = base_store()
    export_table(conn, "supply_links", "csv", tmp_path / "l.csv")
    data = (tmp_path / "l.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = data[3:].decode("utf-8").splitlines()
    assert header.split(",")[:6] == [
        "id",
        "buyer_site_id",
        "supplier_site_id",
        "segment_id",
        "annual_value",
        "share",
    ]
    assert row.startswith("L1,S1,S2,power.battery,3500000000.0,0.6,")
    export_table(conn, "enterprises", "csv", tmp_path / "e.csv")
    lines = (tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,credit_code,name,short_name,district_code,roles,labels")
    assert lines[1].startswith("E1,91500112MA5U00003P,重庆甲汽车有限公司,,500112,OEM,链主,")


def test_json_export_keeps_arrays_and_iso_dates(tmp_path):
    conn = base_store()
    assert export_table(conn, "enterprises", "json", tmp_path / "e.json") == 2
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert (doc["table"], doc["count"]) == ("enterprises", 2)
    e1 = doc["data"][0]
    assert (e1["id"], e1["roles"], e1["labels"], e1["as_of"]) == ("E1", ["OEM"], ["链主"], "2024-12-31")


def test_xlsx_export_sheet_is_named_after_the_table(tmp_path):
    conn = base_store()
    export_table(conn, "sites", "xlsx", tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx", read_only=True)
    assert wb.sheetnames == ["sites"]
    assert TITLE_ZH["sites"] == "厂区场所"


def test_docs_list_every_column():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "import.md").read_text(encoding="utf-8")
    for table, cols in COLUMNS.items():
        assert f"### {table} — {TITLE_ZH[table]}" in doc
        for c in cols:
            assert f"| {c.zh} | `{c.field}` |" in doc, (table, c.field)


def test_empty_table_round_trips(tmp_path):
    # nothing in the store → header-only file → imports 0 rows, store unchanged
    conn = memory()
    assert export_table(conn, "bom_lines", "csv", tmp_path / "b.csv") == 0
    result = import_file(conn, "bom_lines", tmp_path / "b.csv")
    assert (result.rows, result.inserted, result.updated) == (0, 0, 0)
    assert snapshot(conn) == {t: [] for t in TABLES}


def test_bundled_data_round_trips_through_csv(demo_db, tmp_path):
    """The bundled Chongqing data passes every import check and comes back identical."""
    before = snapshot(demo_db)
    dst = memory()
    for table in TABLES:
        n = export_table(demo_db, table, "csv", tmp_path / f"{table}.csv")
        assert import_file(dst, table, tmp_path / f"{table}.csv").inserted == n
    assert snapshot(dst) == before


@pytest.mark.parametrize("table", list(TABLES))
def test_headers_are_unambiguous_and_cover_the_record(table):
    from chainbrain.io.fields import normalize_header

    seen: dict[str, str] = {}
    for c in COLUMNS[table]:
        for h in c.headers:
            key = normalize_header(h)
            assert seen.setdefault(key, c.field) == c.field, f"{table}: header {h!r} names two columns"
    assert sorted(c.field for c in COLUMNS[table]) == sorted(TABLES[table].model_fields)


def test_json_of_another_table_is_refused(tmp_path):
    conn = base_store()
    export_table(conn, "enterprises", "json", tmp_path / "e.json")
    before = snapshot(conn)
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "sites", tmp_path / "e.json")
    assert err.value.problems[0].reason == "这是 enterprises 表的导出文件，不能导入 sites 表"
    assert snapshot(conn) == before
