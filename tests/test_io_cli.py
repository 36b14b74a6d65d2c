"""``chainbrain import | export | template`` through the real CLI on a store file."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.store import connect
from chainbrain.store.records import dump_table
from fixtures.files import write_csv
from fixtures.io_store import base_store, snapshot

runner = CliRunner()
HEADER = ["场所编号", "企业编号", "场所名称", "所在区县代码", "年产能", "数据状态", "来源"]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cq.duckdb"
    conn = connect(path)
    base_store(conn)
    conn.close()
    return path


def _snapshot(path):
    conn = connect(path)
    try:
        return snapshot(conn)
    finally:
        conn.close()


def test_rejected_import_exits_2_with_json_report(db, tmp_path):
    before = _snapshot(db)
    rows = [
        ["S9", "E9", "无主厂", "500106", "很多", "示意", "t"],
        ["S10", "E2", "乙四厂", "500106", "5", "示意", "t"],
    ]
    csv_path = write_csv(tmp_path / "sites.csv", HEADER, rows)
    result = runner.invoke(app, ["--db", str(db), "import", "sites", str(csv_path), "--json"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["count"] == 2
    # row 2: 年产能 is text (a cell problem) and 企业编号 E9 does not exist (a foreign-key problem)
    got = sorted((p["file"], p["row"], p["column"], p["value"]) for p in report["problems"])
    assert got == [("sites.csv", 2, "企业编号", "E9"), ("sites.csv", 2, "年产能", "很多")]
    assert _snapshot(db) == before


def test_rejected_import_shows_a_table(db, tmp_path):
    csv_path = write_csv(tmp_path / "sites.csv", HEADER, [["S9", "E9", "无主厂", "500106", "1", "示意", "t"]])
    result = runner.invoke(app, ["--db", str(db), "import", "sites", str(csv_path)])
    assert result.exit_code == 2
    for word in ("导入被拒绝", "文件", "原因", "E9"):
        assert word in result.stdout


def test_import_summary_in_chinese_and_json(db, tmp_path):
    rows = [
        ["S9", "E2", "乙三厂", "500106", "5", "示意", "t"],
        ["S3", "E2", "乙二厂（扩建）", "500106", "", "示意", "t"],
    ]
    csv_path = write_csv(tmp_path / "sites.csv", HEADER, rows)
    dry = runner.invoke(app, ["--db", str(db), "import", "sites", str(csv_path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {
        "ok": True, "table": "sites", "file": "sites.csv", "rows": 2, "inserted": 1, "updated": 1, "dry_run": True
    }  # fmt: skip
    result = runner.invoke(app, ["--db", str(db), "import", "sites", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert "新增 1 条，更新 1 条" in result.stdout
    conn = connect(db)
    names = {r["id"]: r["name"] for r in dump_table(conn, "sites")}
    conn.close()
    assert names["S3"] == "乙二厂（扩建）" and names["S9"] == "乙三厂"


def test_help_lists_the_tables():
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for name in (
        "districts",
        "segments",
        "enterprises",
        "sites",
        "vehicle_models",
        "bom_lines",
        "supply_links",
    ):
        assert name in text


def test_unknown_table_exits_2(db, tmp_path):
    result = runner.invoke(app, ["--db", str(db), "import", "planets", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "未知数据表" in result.stderr


def test_export_and_template_commands(db, tmp_path):
    out = tmp_path / "links.xlsx"
    result = runner.invoke(
        app, ["--db", str(db), "export", "supply_links", "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out, read_only=True)["supply_links"]
    header = next(ws.iter_rows(values_only=True))
    assert header[:4] == ("id", "buyer_site_id", "supplier_site_id", "segment_id")
    js = runner.invoke(
        app, ["--db", str(db), "export", "enterprises", "-o", str(tmp_path / "e.json"), "--json"]
    )
    assert json.loads(js.stdout)["count"] == 2 and json.loads(js.stdout)["format"] == "json"
    tpl = tmp_path / "企业.xlsx"
    result = runner.invoke(app, ["--db", str(db), "template", "enterprises", "-o", str(tpl)])
    assert result.exit_code == 0, result.output
    # the district drop-down comes from the store: 沙坪坝区, 渝北区 (by name, ordered by code)
    rows = list(load_workbook(tpl)["_lists"].iter_rows(min_row=1, values_only=True))
    assert rows[0][0] == "区县" and [r[0] for r in rows[1:] if r[0]] == ["沙坪坝区", "渝北区"]


def test_template_without_a_store(tmp_path):
    tpl = tmp_path / "车型.xlsx"
    result = runner.invoke(app, ["--db", str(tmp_path / "none.duckdb"), "template", "车型", "-o", str(tpl)])
    assert result.exit_code == 0, result.output
    assert load_workbook(tpl).sheetnames == ["车型", "示例", "说明"]
    assert not (tmp_path / "none.duckdb").exists()


def test_tables_registered_elsewhere_use_the_same_commands(db, tmp_path, monkeypatch):
    from chainbrain.io import registry

    def validate(conn, path, progress):
        raise ValueError("只支持 .xlsx 文件")

    spec = registry.TableIO(
        name="fake",
        title_zh="假表",
        validate=validate,
        write=lambda conn, rows: 0,
        template=lambda path: None,
        export=lambda conn: [{"k": "a", "v": 1}, {"k": "b", "v": 2}],
    )
    monkeypatch.setitem(registry._REGISTRY, "fake", spec)
    result = runner.invoke(app, ["--db", str(db), "import", "fake", str(tmp_path / "x.xls")])
    assert result.exit_code == 2
    assert "只支持 .xlsx 文件" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["--db", str(db), "export", "fake", "-o", str(tmp_path / "f.csv")])
    assert result.exit_code == 0, result.output
    # columns are the keys the table's own export gives
    assert (tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines() == ["k,v", "a,1", "b,2"]


def test_a_combined_workbook_through_the_cli(db, tmp_path):
    tpl = tmp_path / "综合.xlsx"
    result = runner.invoke(app, ["--db", str(db), "template", "workbook", "-o", str(tpl)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tpl)
    firm = {c.value: c.column for c in wb["企业"][1]}
    plant = {c.value: c.column for c in wb["场所"][1]}
    link = {c.value: c.column for c in wb["供应关系"][1]}
    for ws, col, values in (
        (wb["企业"], firm, {"企业名称": "重庆辛材料有限公司", "所在区县": "渝北区", "角色": "三级供应商",
                           "来源": "t", "数据状态": "示意"}),
        (wb["场所"], plant, {"所属企业": "重庆辛材料有限公司", "场所名称": "辛材料一厂", "所在区县": "渝北区",
                            "来源": "t", "数据状态": "示意"}),
        (wb["供应关系"], link, {"采购方场所": "乙电池厂", "供应方企业": "重庆辛材料有限公司", "供应环节": "动力电池",
                              "年采购额(元)": 1000, "来源": "t", "数据状态": "示意"}),
    ):  # fmt: skip
        for header, v in values.items():
            ws.cell(row=2, column=col[header], value=v)
    wb.save(tpl)
    result = runner.invoke(app, ["--db", str(db), "import", "workbook", str(tpl), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [(t["table"], t["inserted"]) for t in out["tables"]] == [
        ("enterprises", 1),
        ("sites", 1),
        ("supply_links", 1),
    ]
    conn = connect(db)
    try:
        links = {r["supplier_site_id"]: r for r in dump_table(conn, "supply_links")}
    finally:
        conn.close()
    assert any(r["buyer_site_id"] == "S2" and r["annual_value"] == 1000.0 for r in links.values())
    # the same workbook again: found by names, so updated, not added
    again = json.loads(runner.invoke(app, ["--db", str(db), "import", "workbook", str(tpl), "--json"]).stdout)
    assert (again["inserted"], again["updated"]) == (0, 3)
