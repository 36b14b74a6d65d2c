"""One workbook holding a firm, its plants and its links: checked across its sheets, written all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from chainbrain.io import ImportRejected
from chainbrain.io.names import new_id
from chainbrain.io.templates import write_workbook_template
from chainbrain.io.workbook import import_workbook, sheet_table
from chainbrain.store.records import fetch_dicts
from fixtures.io_store import base_store, snapshot

FIRM = ["企业名称", "简称", "所在区县", "角色", "主营环节", "来源", "数据状态"]
PLANT = ["所属企业", "场所名称", "所在区县", "产品环节", "来源", "数据状态"]
LINK = [
    "采购方企业",
    "采购方场所",
    "供应方企业",
    "供应方场所",
    "供应环节",
    "年采购额(元)",
    "来源",
    "数据状态",
]


def _workbook(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _good(link_value: Any = 5.0e7) -> dict[str, tuple[list[str], list[list[Any]]]]:
    return {
        "企业": (
            FIRM,
            [["重庆丁热管理有限公司", "丁热管理", "沙坪坝区", "二级供应商", "动力电池", "t", "示意"]],
        ),
        "场所": (PLANT, [["丁热管理", "丁热管理一厂", "沙坪坝", "动力电池", "t", "示意"]]),
        "供应关系": (
            LINK,
            [["重庆甲汽车有限公司", "甲总装厂", "丁热管理", "", "动力电池", link_value, "t", "示意"]],
        ),
    }


def test_a_firm_its_plant_and_its_link_import_together(tmp_path: Path) -> None:
    conn = base_store()
    r = import_workbook(conn, _workbook(tmp_path / "wb.xlsx", _good()))
    assert [(t.table, t.inserted, t.updated) for t in r.tables] == [
        ("enterprises", 1, 0),
        ("sites", 1, 0),
        ("supply_links", 1, 0),
    ]
    firm = new_id("e", "重庆丁热管理有限公司")
    plant = new_id("s", firm, "丁热管理一厂")
    (e,) = fetch_dicts(conn, "SELECT * FROM enterprise WHERE short_name = '丁热管理'")
    assert (e["id"], e["district_code"], e["main_segment_id"], e["roles"]) == (
        firm,
        "500106",
        "power.battery",
        ["Tier2"],
    )
    (s,) = fetch_dicts(conn, "SELECT * FROM site WHERE enterprise_id = ?", [firm])
    assert (s["id"], s["name"], s["district_code"]) == (plant, "丁热管理一厂", "500106")
    (link,) = fetch_dicts(conn, "SELECT * FROM supply_link WHERE supplier_site_id = ?", [plant])
    assert (link["id"], link["buyer_site_id"], link["annual_value"]) == (
        f"S1>{plant}:power.battery",
        "S1",
        5.0e7,
    )


def test_a_bad_link_row_leaves_no_firm_behind(tmp_path: Path) -> None:
    conn = base_store()
    before = snapshot(conn)
    path = _workbook(tmp_path / "wb.xlsx", _good(link_value="很多"))
    with pytest.raises(ImportRejected) as e:
        import_workbook(conn, path)
    (p,) = e.value.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("wb.xlsx", "供应关系", 2, "年采购额(元)", "很多")
    assert "应为数字" in p.reason
    assert snapshot(conn) == before


def test_a_plant_of_a_firm_that_failed_is_reported_on_its_own_sheet(tmp_path: Path) -> None:
    conn = base_store()
    sheets = _good()
    sheets["企业"][1][0][2] = "火星区"  # no such district: the firm is refused, so its plant cannot name it
    with pytest.raises(ImportRejected) as e:
        import_workbook(conn, _workbook(tmp_path / "wb.xlsx", sheets))
    where = {(p.sheet, p.row, p.column) for p in e.value.problems}
    assert ("企业", 2, "所在区县") in where
    assert ("场所", 2, "所属企业") in where


def test_sheets_that_are_no_table_are_named(tmp_path: Path) -> None:
    conn = base_store()
    sheets = {**_good(), "企业名单": (["名称"], [["x"]]), "说明": (["随便写"], [["不导入"]])}
    with pytest.raises(ImportRejected) as e:
        import_workbook(conn, _workbook(tmp_path / "wb.xlsx", sheets))
    (p,) = e.value.problems
    assert p.sheet == "企业名单" and p.reason.startswith("未知工作表“企业名单”：可导入的工作表有 行政区划、")
    assert [sheet_table(t) for t in ("企业", "场所", "厂区场所", "sites", "供应关系", "车型", "说明")] == [
        "enterprises",
        "sites",
        "sites",
        "sites",
        "supply_links",
        "vehicle_models",
        None,
    ]


def test_an_empty_template_is_no_data_and_a_csv_is_no_workbook(tmp_path: Path) -> None:
    conn = base_store()
    write_workbook_template(tmp_path / "t.xlsx")
    with pytest.raises(ImportRejected) as e:
        import_workbook(conn, tmp_path / "t.xlsx")
    assert [p.reason[:11] for p in e.value.problems] == ["工作簿中没有要导入的数"]
    (tmp_path / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        import_workbook(conn, tmp_path / "t.csv")
    assert "只接受 Excel 工作簿" in e.value.problems[0].reason


def test_the_combined_template_has_the_three_sheets_and_hides_its_lists(tmp_path: Path) -> None:
    from chainbrain.io.chain_tables import choices_from_store

    write_workbook_template(tmp_path / "t.xlsx", choices_from_store(base_store()))
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == [
        "企业",
        "场所",
        "供应关系",
        "_lists",
        "示例-企业",
        "示例-场所",
        "示例-供应关系",
        "说明",
    ]
    assert wb["_lists"].sheet_state == "hidden"
    links = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["供应关系"].data_validations.dataValidation
    }
    # (A is the optional id) B 采购方企业 → firms (column C of the lists: 2 firms), C 采购方场所 → plants
    # (D: 3 plants), F 供应环节 → segments (B: 2 segments)
    assert links["B2"] == links["D2"] == "'_lists'!$C$2:$C$3"
    assert links["C2"] == links["E2"] == "'_lists'!$D$2:$D$4"
    assert links["F2"] == "'_lists'!$B$2:$B$3"
    # the closed lists in Chinese: 可信度 (L) and 数据状态 (O)
    assert (links["L2"], links["O2"]) == ('"已核实,推测"', '"已核实,示意,合成"')
