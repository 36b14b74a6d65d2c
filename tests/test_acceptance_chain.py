"""Issue 2's acceptance walk: a new user fills the Excel templates with a firm and its supplier link,
imports them with the CLI, and sees the OEM's local supporting rate move by the amount worked out by hand."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.schema.credit_code import make_credit_code

runner = CliRunner()
GOOD = make_credit_code("9", "1", "500113", "MA60TE7K")
BAD_CODE = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")  # same code, wrong check character


def _cli(db, *args):
    result = runner.invoke(app, ["--db", str(db), *args])
    return result


def _fill(path, row):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    ws.append([row.get(h) for h in headers])
    wb.save(path)


def _changan(db):
    out = _cli(db, "chain", "local-rate", "--by", "oem", "--json")
    assert out.exit_code == 0, out.output
    return next(r for r in json.loads(out.output)["data"] if r["key"] == "changan")


def test_fill_templates_import_and_see_local_rate_move(demo_db_copy, tmp_path):
    db = demo_db_copy
    before = _changan(db)

    code = make_credit_code("9", "1", "500113", "MA60TE7T")
    files = {}
    for table in ("enterprises", "sites", "supply_links"):
        files[table] = tmp_path / f"{table}.xlsx"
        assert _cli(db, "template", table, "-o", str(files[table])).exit_code == 0
    _fill(
        files["enterprises"],
        {
            "企业编号": "new_thermal",
            "统一社会信用代码": code,
            "企业名称": "重庆巴南热管理科技有限公司",
            "所在区县": "500113",
            "角色": "一级供应商",
            "主营环节": "thermal",
            "来源": "用户录入",
            "数据状态": "示意",
        },
    )
    _fill(
        files["sites"],
        {
            "场所编号": "new_thermal.banan",
            "所属企业": "new_thermal",
            "场所名称": "巴南热管理工厂",
            "所在区县": "500113",
            "产品环节": "thermal",
            "年产能": 200000,
            "产能单位": "套",
            "来源": "用户录入",
            "数据状态": "示意",
        },
    )
    value = 500_000_000  # 5 亿元 a year to 长安's 渝北 plant
    _fill(
        files["supply_links"],
        {
            "供应关系编号": "new_link_1",
            "采购方场所": "changan.yubei",
            "供应方场所": "new_thermal.banan",
            "供应环节": "thermal",
            "年采购额(元)": value,
            "来源": "用户录入",
            "数据状态": "示意",
        },
    )
    for table in ("enterprises", "sites", "supply_links"):
        out = _cli(db, "import", table, str(files[table]))
        assert out.exit_code == 0, out.output

    after = _changan(db)
    # by hand: a local link of value V adds V to both the local and the total value, and one link to both counts
    assert after["local_value"] == pytest.approx(before["local_value"] + value, rel=1e-12)
    assert after["total_value"] == pytest.approx(before["total_value"] + value, rel=1e-12)
    expected = (before["local_value"] + value) / (before["total_value"] + value)
    assert abs(after["rate_value"] - expected) < 1e-12
    assert after["rate_value"] > before["rate_value"]
    assert after["local_count"] == before["local_count"] + 1
    assert after["total_count"] == before["total_count"] + 1


def test_bad_row_in_template_is_refused_and_changes_nothing(demo_db_copy, tmp_path):
    db = demo_db_copy
    before = _cli(db, "stats", "--json").output
    path = tmp_path / "enterprises.xlsx"
    assert _cli(db, "template", "enterprises", "-o", str(path)).exit_code == 0
    _fill(
        path,
        {
            "企业编号": "bad_firm",
            "统一社会信用代码": BAD_CODE,  # wrong check character
            "企业名称": "坏数据企业",
            "所在区县代码": "500113",
            "角色": "一级供应商",
            "来源": "用户录入",
            "数据状态": "示意",
        },
    )
    out = _cli(db, "import", "enterprises", str(path), "--json")
    assert out.exit_code == 2
    report = json.loads(out.output)
    assert report["ok"] is False
    (p,) = [p for p in report["problems"] if p["column"] == "统一社会信用代码"]
    assert p["row"] == 2 and p["value"] == BAD_CODE
    assert _cli(db, "stats", "--json").output == before
