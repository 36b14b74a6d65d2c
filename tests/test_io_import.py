"""Importing files: every kind of bad input is refused with the right file/row/column/value and the store
stays exactly as it was; good files (Chinese or English headers, CSV in UTF-8/BOM/GBK, XLSX) import."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from chainbrain.io import ImportRejected, import_file
from chainbrain.store.records import dump_table
from fixtures.files import write_csv
from fixtures.io_store import CODE_E1, base_store, snapshot

ENT_HEADER = ["企业编号", "统一社会信用代码", "企业名称", "所在区县代码", "角色", "数据状态", "来源"]

# Check character of 91500112MA5U00003? worked by hand (GB 32100, values 0-9, A=10 … M=21 … U=27):
#   chars  9 1 5 0 0 1 1 2 M  A  5 U  0 0 0 0 3
#   weight 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
#   Σ = 9+3+45+26+16+34+420+290+125+351+84 = 1403; 1403 mod 31 = 8; 31-8 = 23 → 'P'. So ...3X is wrong.
BAD_CODE = "91500112MA5U00003X"

# (table, header, rows, expected (row, column, value), reason fragment)
CASES = {
    "bad credit code": (
        "enterprises", ENT_HEADER, [["E3", BAD_CODE, "重庆丙科技有限公司", "500112", "Tier2", "示意", "t"]],
        (2, "统一社会信用代码", BAD_CODE), "校验位错误：应为 P，实际为 X",
    ),
    "unknown district": (
        "enterprises", ENT_HEADER, [["E3", "", "重庆丙科技有限公司", "500199", "Tier2", "示意", "t"]],
        (2, "所在区县代码", "500199"), "500199 不在行政区划表中",
    ),
    "text in number": (
        "sites", ["场所编号", "企业编号", "场所名称", "所在区县代码", "年产能", "数据状态", "来源"],
        [["S9", "E2", "乙三厂", "500106", "很多", "示意", "t"]],
        (2, "年产能", "很多"), "应为数字",
    ),
    "missing required": (
        "enterprises", ENT_HEADER, [["E3", "", "", "500112", "Tier2", "示意", "t"]],
        (2, "企业名称", None), "必填",
    ),
    "bad enum": (
        "vehicle_models",
        ["车型编号", "整车企业编号", "生产场所编号", "品牌", "车型名称", "动力类型", "年产量(辆)", "数据状态", "来源"],
        [["VM2", "E1", "S1", "甲", "甲 S9", "柴油", "1000", "示意", "t"]],
        (2, "动力类型", "柴油"), "不是可选值",
    ),
    "dangling foreign key": (
        "sites", ["场所编号", "企业编号", "场所名称", "所在区县代码", "数据状态", "来源"],
        [["S9", "E9", "无主厂", "500106", "示意", "t"]],
        (2, "企业编号", "E9"), "企业表中没有编号 E9",
    ),
    "duplicate id": (
        "segments", ["环节编号", "上级环节编号", "中文名称", "英文名称", "层级", "上中下游", "环节类型", "数据状态", "来源"],
        [["power.motor", "power", "驱动电机", "Motor", "2", "中游", "零部件", "示意", "t"],
         ["power.motor", "power", "电机", "Motor", "2", "中游", "零部件", "示意", "t"]],
        (3, "环节编号", "power.motor"), "编号重复：与第 2 行相同",
    ),
    "duplicate credit code": (
        "enterprises", ENT_HEADER, [["E3", CODE_E1, "重庆丙科技有限公司", "500112", "Tier2", "示意", "t"]],
        (2, "统一社会信用代码", CODE_E1), "已被企业 E1（数据库中）使用",
    ),
    "segment cycle": (
        # power gets parent power.battery, whose parent (in the store) is power: power → power.battery → power
        "segments", ["环节编号", "上级环节编号", "中文名称", "英文名称", "层级", "上中下游", "环节类型", "数据状态", "来源"],
        [["power", "power.battery", "三电", "Power", "1", "中游", "系统", "示意", "t"]],
        (2, "上级环节编号", "power.battery"), "上级环节形成循环：power → power.battery → power",
    ),
    "supply cycle through the store": (
        # the store has L1: S2 supplies S1; the file adds S1 supplies S2 → S1 → S2 → S1
        "supply_links", ["供应关系编号", "采购方场所编号", "供应方场所编号", "环节编号", "年采购额(元)", "数据状态", "来源"],
        [["L2", "S2", "S1", "power.battery", "1000", "示意", "t"]],
        (2, "供应方场所编号", "S1"), "供应关系形成循环（→ 表示供货方向）：S1 → S2 → S1",
    ),
    "duplicate bom line": (
        # B1 in the store already covers VM1 × power.battery
        "bom_lines", ["BOM编号", "车型编号", "环节编号", "单车用量", "数据状态", "来源"],
        [["B2", "VM1", "power.battery", "1", "示意", "t"]],
        (2, "环节编号", "power.battery"), "该车型的这个环节已有 BOM 行 B1（数据库中）",
    ),
    "missing column": (
        "enterprises", ["企业编号", "企业名称", "所在区县代码", "数据状态", "来源"],
        [["E3", "重庆丙科技有限公司", "500112", "示意", "t"]],
        (1, "角色", None), "缺少必填列“角色”（roles）",
    ),
    "unknown column": (
        "enterprises", [*ENT_HEADER, "颜色"], [["E3", "", "重庆丙科技有限公司", "500112", "Tier2", "示意", "t", "红"]],
        (1, "颜色", "颜色"), "未知列",
    ),
}  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_nothing_changes(case, encoding, tmp_path):
    table, header, rows, (row, column, value), reason = CASES[case]
    conn = base_store()
    before = snapshot(conn)
    path = write_csv(tmp_path / f"{table}.csv", header, rows, encoding=encoding)
    with pytest.raises(ImportRejected) as err:
        import_file(conn, table, path)
    found = [(p.file, p.row, p.column, p.value) for p in err.value.problems]
    assert (f"{table}.csv", row, column, value) in found
    assert len(err.value.problems) == 1, err.value.problems
    assert reason in err.value.problems[0].reason
    assert snapshot(conn) == before


def test_every_problem_is_collected(tmp_path):
    # Row 2: text in 营业收入; row 3: bad code and unknown district; row 4: repeats E3 from row 2.
    header = [*ENT_HEADER, "营业收入(万元)"]
    rows = [
        ["E3", "", "重庆丙科技有限公司", "500112", "Tier2", "示意", "t", "abc"],
        ["E4", BAD_CODE, "重庆丁科技有限公司", "500199", "Tier2", "示意", "t", ""],
        ["E3", "", "重庆戊科技有限公司", "500112", "Tier2", "示意", "t", ""],
    ]
    conn = base_store()
    before = snapshot(conn)
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "enterprises", write_csv(tmp_path / "e.csv", header, rows))
    got = sorted((p.row, p.column) for p in err.value.problems)
    assert got == [(2, "营业收入(万元)"), (3, "所在区县代码"), (3, "统一社会信用代码"), (4, "企业编号")]
    assert snapshot(conn) == before


def test_chinese_header_gbk_csv_imports_and_updates(tmp_path):
    header = [*ENT_HEADER, "标签", "营业收入(万元)", "数据日期"]
    rows = [
        [
            "E3",
            "",
            "重庆丙科技有限公司",
            "500112",
            "一级供应商、二级",
            "专精特新，小巨人",
            "1,200.5",
            "2024年6月30日",
        ],
        ["E2", "", "重庆乙电池股份有限公司", "500106", "Tier1", "", "", ""],
    ]
    rows = [[*r[:5], "已核实", "年报", *r[5:]] for r in rows]
    conn = base_store()
    path = write_csv(tmp_path / "企业.csv", header, rows, encoding="gbk")
    result = import_file(conn, "enterprises", path)
    assert (result.inserted, result.updated, result.rows) == (1, 1, 2)
    got = {r["id"]: r for r in dump_table(conn, "enterprises")}
    assert got["E3"]["roles"] == ["Tier1", "Tier2"]
    assert got["E3"]["labels"] == ["专精特新", "小巨人"]
    assert got["E3"]["revenue"] == 1200.5
    assert got["E3"]["as_of"] == dt.date(2024, 6, 30)
    assert got["E3"]["status"] == "verified"
    # E2 is replaced as a whole row: its revenue (52000 before) is now empty
    assert got["E2"]["name"] == "重庆乙电池股份有限公司"
    assert got["E2"]["revenue"] is None
    assert len(got) == 3


def test_english_header_csv_with_bom(tmp_path):
    header = [
        "id",
        "buyer_site_id",
        "supplier_site_id",
        "segment_id",
        "annual_value",
        "share",
        "status",
        "source",
    ]
    rows = [["L2", "S1", "S3", "power.battery", "2500000000", "40%", "illustrative", "t"]]
    conn = base_store()
    result = import_file(conn, "supply_links", write_csv(tmp_path / "l.csv", header, rows, "utf-8-sig"))
    assert (result.inserted, result.updated) == (1, 0)
    link = {r["id"]: r for r in dump_table(conn, "supply_links")}["L2"]
    assert (link["annual_value"], link["share"], link["confidence"]) == (2.5e9, 0.4, "suggested")


def test_utf16_tab_separated_text_from_excel(tmp_path):
    # Excel's "Unicode 文本" is UTF-16 with a BOM, tab-separated
    text = "场所编号\t企业编号\t场所名称\t所在区县代码\t数据状态\t来源\nS9\tE2\t乙三厂\t500106\t示意\tt\n"
    (tmp_path / "s.txt").write_bytes(text.encode("utf-16"))
    conn = base_store()
    assert import_file(conn, "sites", tmp_path / "s.txt").inserted == 1


def test_xlsx_sheet_named_after_the_table(tmp_path):
    wb = Workbook()
    wb.active.title = "封面"
    wb.active.append(["这一页不是数据"])
    ws = wb.create_sheet("sites")
    ws.append(["场所编号", "企业编号", "场所名称", "所在区县代码", "年产能", "数据状态", "来源", "数据日期"])
    # numbers typed as numbers, a date typed as a date: both are read as the columns expect
    ws.append(["S9", "E2", "乙三厂", 500106, 12, "合成", "t", dt.datetime(2025, 1, 31)])
    path = tmp_path / "sites.xlsx"
    wb.save(path)
    conn = base_store()
    import_file(conn, "sites", path)
    site = {r["id"]: r for r in dump_table(conn, "sites")}["S9"]
    assert (site["district_code"], site["capacity"], site["as_of"]) == ("500106", 12.0, dt.date(2025, 1, 31))
    assert site["status"] == "synthetic"


def test_xlsx_problem_names_the_sheet(tmp_path):
    wb = Workbook()
    wb.active.title = "sites"
    wb.active.append(["场所编号", "企业编号", "场所名称", "所在区县代码", "数据状态", "来源"])
    wb.active.append(["S9", "E2", "乙三厂", "500106", "示意", "t"])
    wb.active.append(["S10", "E2", "乙四厂", "5001", "示意", "t"])
    wb.save(tmp_path / "s.xlsx")
    conn = base_store()
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "sites", tmp_path / "s.xlsx")
    (p,) = err.value.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("s.xlsx", "sites", 3, "所在区县代码", "5001")
    assert "6位数字" in p.reason


def test_progress_is_reported(tmp_path):
    # 1,200 rows, reported every 500 rows and at the end: 500, 1000, 1200
    header = ["id", "enterprise_id", "name", "district_code", "status", "source"]
    rows = [[f"X{i}", "E2", f"厂{i}", "500106", "synthetic", "t"] for i in range(1200)]
    calls = []
    conn = base_store()
    import_file(conn, "sites", write_csv(tmp_path / "s.csv", header, rows), lambda d, t: calls.append((d, t)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert len(dump_table(conn, "sites")) == 3 + 1200


def test_dry_run_writes_nothing(tmp_path):
    header = ["id", "enterprise_id", "name", "district_code", "status", "source"]
    conn = base_store()
    before = snapshot(conn)
    path = write_csv(tmp_path / "s.csv", header, [["S9", "E2", "乙三厂", "500106", "synthetic", "t"]])
    result = import_file(conn, "sites", path, dry_run=True)
    assert (result.inserted, result.updated, result.dry_run) == (1, 0, True)
    assert snapshot(conn) == before


def test_unreadable_files_are_problems(tmp_path):
    conn = base_store()
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    for name, fragment in (("x.xls", "另存为 .xlsx"), ("bad.xlsx", "无法作为 Excel"), ("none.csv", "不存在")):
        with pytest.raises(ImportRejected) as err:
            import_file(conn, "sites", tmp_path / name)
        assert fragment in err.value.problems[0].reason


def test_range_errors_and_self_link_in_one_row(tmp_path):
    # Row 2 breaks three rules at once: share 1.5 > 1, since 1900 < 1950, and S1 supplying itself;
    # all three are reported (pydantic alone would skip the self-link rule once a field failed).
    header = [
        "id",
        "buyer_site_id",
        "supplier_site_id",
        "segment_id",
        "annual_value",
        "share",
        "since",
        "status",
        "source",
    ]
    rows = [["L5", "S1", "S1", "power.battery", "100", "1.5", "1900", "illustrative", "t"]]
    conn = base_store()
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "supply_links", write_csv(tmp_path / "l.csv", header, rows))
    got = sorted((p.row, p.column, p.value, p.reason) for p in err.value.problems)
    assert got == [
        (2, "share", "1.5", "不能大于 1"),
        (2, "since", "1900", "不能小于 1950"),
        (2, "supplier_site_id", "S1", "供应方与采购方不能是同一场所"),
    ]


def test_segment_parents_in_the_same_file(tmp_path):
    header = ["id", "parent_id", "name_zh", "name_en", "level", "stream", "kind", "status", "source"]
    ok = [
        ["chip", "", "汽车芯片", "Chips", "1", "上游", "芯片", "示意", "t"],
        ["chip.mcu", "chip", "MCU", "MCU", "2", "upstream", "chip", "示意", "t"],
    ]
    conn = base_store()
    assert import_file(conn, "segments", write_csv(tmp_path / "ok.csv", header, ok)).inserted == 2
    # x.a → x.b → x.a, both new in this file: both rows are reported
    loop = [
        ["x.a", "x.b", "甲", "A", "2", "上游", "芯片", "示意", "t"],
        ["x.b", "x.a", "乙", "B", "2", "上游", "芯片", "示意", "t"],
    ]
    with pytest.raises(ImportRejected) as err:
        import_file(conn, "segments", write_csv(tmp_path / "loop.csv", header, loop))
    assert [(p.row, p.value, p.reason) for p in err.value.problems] == [
        (2, "x.b", "上级环节形成循环：x.a → x.b → x.a"),
        (3, "x.a", "上级环节形成循环：x.b → x.a → x.b"),
    ]


def test_districts_import_then_firms_may_use_them(tmp_path):
    conn = base_store()
    d = ["行政区划代码", "名称", "省份", "区域", "渝西", "经度", "纬度", "数据状态", "来源"]
    rows = [["500113", "巴南区", "重庆市", "中心城区", "否", "106.54", "29.40", "已核实", "民政部区划代码"]]
    assert import_file(conn, "districts", write_csv(tmp_path / "d.csv", d, rows)).inserted == 1
    e = [["E3", "", "重庆巴南零部件有限公司", "500113", "Tier2", "示意", "t"]]
    assert import_file(conn, "enterprises", write_csv(tmp_path / "e.csv", ENT_HEADER, e)).inserted == 1
    ba = {r["id"]: r for r in dump_table(conn, "districts")}["500113"]
    assert (ba["yuxi"], ba["lon"], ba["region"]) == (False, 106.54, "中心城区")


def test_xlsx_with_a_wrong_recorded_size_is_read_in_full(tmp_path):
    import zipfile

    wb = Workbook()
    wb.active.title = "sites"
    wb.active.append(["场所编号", "企业编号", "场所名称", "所在区县代码", "数据状态", "来源"])
    wb.active.append(["S9", "E2", "乙三厂", "500106", "示意", "t"])
    wb.save(tmp_path / "ok.xlsx")
    # rewrite the sheet's <dimension ref="A1:F2"/> to claim a single cell, as some writers do
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as src, zipfile.ZipFile(tmp_path / "s.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:F2"/>' in data
                data = data.replace(b'<dimension ref="A1:F2"/>', b'<dimension ref="A1"/>')
            dst.writestr(item, data)
    conn = base_store()
    assert import_file(conn, "sites", tmp_path / "s.xlsx").inserted == 1
