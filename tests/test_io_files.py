"""Templates (filled in with openpyxl, they import) and exports (CSV with BOM, XLSX, JSON; they re-import
unchanged)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chainbrain.io import ImportRejected, export_table, import_file
from chainbrain.io.fields import COLUMNS, TITLE_ZH, stored_columns
from chainbrain.io.templates import LISTS_SHEET, Choices, write_template
from chainbrain.schema import TABLES
from chainbrain.store import memory
from chainbrain.store.records import dump_table
from fixtures.io_store import BASE, base_store, snapshot


def test_template_has_notes_drop_downs_lists_and_guide(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(
        "enterprises", path, Choices({"district": ["沙坪坝区", "渝北区"], "segment": ["三电", "动力电池"]})
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["企业", LISTS_SHEET, "示例", "说明"]
    ws = wb["企业"]
    headers = [c.value for c in ws[1]]
    assert headers == [c.zh for c in COLUMNS["enterprises"]]
    assert all(c.comment is not None and "示例：" in c.comment.text for c in ws[1])
    assert "必填" in ws["C1"].comment.text and "选填" in ws["B1"].comment.text
    lists = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    # E = 所在区县 → column A of the hidden list sheet, H = 主营环节 → its column B (names, and any typed
    # value is let through: an id, or a name the importer resolves); F = 角色 (several allowed); O = 数据状态
    assert lists["E"].formula1 == f"'{LISTS_SHEET}'!$A$2:$A$3"
    assert lists["H"].formula1 == f"'{LISTS_SHEET}'!$B$2:$B$3"
    assert lists["E"].showErrorMessage is False and lists["O"].showErrorMessage is True
    assert lists["F"].showErrorMessage is False
    assert lists["O"].formula1 == '"已核实,示意,合成"'
    # B = 统一社会信用代码 is a text column, so Excel keeps all 18 characters as typed; I = 营业收入 is not
    assert ws.column_dimensions["B"].number_format == "@"
    assert ws.column_dimensions["I"].number_format == "General"
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    listed = list(wb[LISTS_SHEET].iter_rows(values_only=True))
    assert listed[0][:2] == ("区县", "产业链环节")
    assert [r[:2] for r in listed[1:]] == [("沙坪坝区", "三电"), ("渝北区", "动力电池")]
    assert wb["示例"]["B2"].value == "91500112MA5U00003P"
    assert wb["示例"]["E2"].value == "渝北区" and wb["示例"]["H2"].value == "电池包"
    assert wb["说明"].max_row == 7 + len(COLUMNS["enterprises"])


def test_template_lists_names_from_the_store(tmp_path):
    """The drop-downs list names the importer accepts: districts, segments, firms (short name when it
    is unique), plants."""
    from chainbrain.io.chain_tables import choices_from_store

    conn = base_store()
    choices = choices_from_store(conn).names
    assert choices["district"] == ["沙坪坝区", "渝北区"]  # by code: 500106 before 500112
    assert choices["segment"] == ["三电", "动力电池"]  # by id: power, power.battery
    assert choices["firm"] == ["重庆乙电池有限公司", "重庆甲汽车有限公司"]  # no short names in the base store
    assert choices["site"] == sorted(["甲总装厂", "乙电池厂", "乙二厂"])
    assert choices["model"] == ["甲 S7"]


def test_filled_template_imports(tmp_path):
    conn = base_store()
    path = tmp_path / "企业模板.xlsx"
    write_template("enterprises", path, Choices({"district": ["沙坪坝区", "渝北区"]}))
    wb = load_workbook(path)
    ws = wb["企业"]
    col = {c.value: c.column for c in ws[1]}
    values = {
        "企业编号": "E7", "企业名称": "重庆庚热管理有限公司", "所在区县": "渝北区", "主营环节": "动力电池",
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
    assert (e7["district_code"], e7["main_segment_id"]) == ("500112", "power.battery")
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
    assert sorted(c.field for c in stored_columns(table)) == sorted(TABLES[table].model_fields)


def test_json_of_another_table_is_refused(tmp_path):
    conn = base_store()
    export_table(conn, "enterprises", "json", tmp_path / "e.json")
    before = snapshot(conn)
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "sites", tmp_path / "e.json")
    assert err.value.problems[0].reason == "这是 enterprises 表的导出文件，不能导入 sites 表"
    assert snapshot(conn) == before
