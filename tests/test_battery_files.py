"""Battery imports: all-or-nothing, every problem named by file, row, column and value; Parquet too."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainbrain.battery import ledger
from chainbrain.io import ImportRejected, export_table, import_file
from fixtures.battery import CELL, MODULE, PACK, VIN, add_events, seed
from fixtures.files import write_csv


def test_seeded_units_take_kind_maker_and_date_from_the_code(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    seed(fresh_db, tmp_path)
    pack = ledger.unit(fresh_db, PACK)
    cell = ledger.unit(fresh_db, CELL)
    assert pack is not None and cell is not None
    assert (pack.kind, pack.maker_id, pack.vin, pack.oem_id, pack.capacity_kwh) == (
        "pack",
        "maker1",
        VIN,
        "oem1",
        60.0,
    )
    assert (cell.kind, cell.parent_code, str(cell.produced)) == ("cell", MODULE, "2024-10-01")
    assert [u.code for u in ledger.children(fresh_db, PACK)] == [MODULE, CELL, "ABCCE01T000001EA10000002"]


def test_bad_rows_reject_the_whole_file(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    seed(fresh_db, tmp_path)
    f = write_csv(
        tmp_path / "bad.csv",
        ["电池编码", "上级编码", "车辆识别代号", "汽车生产企业编号", "额定能量(kWh)", "来源", "数据状态"],
        [
            ["ABCPE01T000009EA10000001", "", "", "", "55", "测试", "示意"],  # fine on its own
            ["ABCXE01T000001EA10000003", "", "", "", "", "测试", "示意"],  # row 3: product type X
            ["ABCPE01T000001EA10000004", "", "1M8GDM9A1KP042788", "nobody", "", "测试", "示意"],  # row 4
            ["ABCCE01T000001EA10000005", PACK[:-1] + "9", "", "", "-1", "测试", "示意"],  # row 5
            ["ABCME01T000001EA10000006", CELL, "", "", "", "测试", "示意"],  # row 6: module under a cell
        ],
    )
    with pytest.raises(ImportRejected) as e:
        import_file(fresh_db, "battery_units", f)
    got = {(p.row, p.column, p.reason) for p in e.value.problems}
    assert (3, "电池编码", "第4位“X”（产品类型代码）：应为 P（电池包）、M（模块）或 C（单体）") in got
    assert (4, "车辆识别代号", "第9位校验位“1”错误：按 GB 16735 计算应为“X”") in got
    assert (4, "汽车生产企业编号", "企业编号不在企业表中") in got
    assert (5, "上级编码", "上级编码既不在本文件也不在库中") in got
    assert (5, "额定能量(kWh)", "额定能量应大于0且不超过2000 kWh") in got
    assert (6, "上级编码", "模块不能挂在单体之下") in got
    assert all(p.file == "bad.csv" for p in e.value.problems)
    assert ledger.unit(fresh_db, "ABCPE01T000009EA10000001") is None  # nothing written


def test_event_file_problems(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    seed(fresh_db, tmp_path)
    with pytest.raises(ImportRejected) as e:
        add_events(
            fresh_db,
            tmp_path,
            [
                ["e1", PACK, "出厂", "maker1", "电池生产企业", "500112", "2024-10-08", "2024-10-07"],
                [
                    "e2",
                    "ABCPE01T000001EA10000099",
                    "shipped",
                    "maker1",
                    "battery_maker",
                    "999999",
                    "2024-10-08",
                    "",
                ],
                ["e2", PACK, "飞走", "maker1", "battery_maker", "", "2024-10-08", ""],
            ],
        )
    got = {(p.row, p.column, p.reason) for p in e.value.problems}
    assert (2, "上报日期", "上报日期早于发生日期 2024-10-08") in got
    assert (3, "电池编码", "电池编码不在库中，请先导入动力电池表") in got
    assert (3, "区县代码", "区县代码不在行政区划表中") in got
    assert (4, "事件编号", "与第3行重复") in got
    assert any(p.row == 4 and p.column == "事件" and "不是可选值" in p.reason for p in e.value.problems)
    assert ledger.events(fresh_db) == []


def test_chinese_names_accepted_and_export_reimports(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    seed(fresh_db, tmp_path)
    add_events(
        fresh_db, tmp_path, [["e1", PACK, "出厂", "maker1", "电池生产企业", "500112", "2024-10-08", ""]]
    )
    (ev,) = ledger.events(fresh_db)
    assert (ev.event, ev.actor_role, ev.reported_at) == ("shipped", "battery_maker", None)
    out = tmp_path / "units.json"
    assert export_table(fresh_db, "battery_units", "json", out) == 4
    r = import_file(fresh_db, "battery_units", out)
    assert (r.rows, r.inserted, r.updated) == (4, 0, 4)


def test_parquet_import(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    seed(fresh_db, tmp_path)
    codes = [f"ABCCE01T000001EA1{n:07d}" for n in range(10, 60)]
    tbl = pa.table({"code": codes, "parent_code": [MODULE] * 50, "capacity_kwh": [0.5] * 50,
                    "source": ["测试"] * 50, "status": ["synthetic"] * 50})  # fmt: skip
    pq.write_table(tbl, tmp_path / "cells.parquet")
    r = import_file(fresh_db, "battery_units", tmp_path / "cells.parquet")
    assert r.inserted == 50
    assert len(ledger.children(fresh_db, MODULE)) == 52
    bad = pa.table({"code": ["ABCCE01T000001EA10000000"], "source": ["t"], "status": ["synthetic"]})
    pq.write_table(bad, tmp_path / "bad.parquet")
    with pytest.raises(ImportRejected) as e:
        import_file(fresh_db, "battery_units", tmp_path / "bad.parquet")
    assert e.value.problems[0].row == 2 and "不能全为0" in e.value.problems[0].reason


def test_template_then_xlsx_import(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    from chainbrain.io import registry

    seed(fresh_db, tmp_path)
    registry.get("battery_events").template(tmp_path / "t.xlsx")
    headers = [c.value for c in load_workbook(tmp_path / "t.xlsx").worksheets[0][1]]
    assert headers[:3] == ["事件编号", "电池编码", "事件"]
    wb = Workbook()
    ws = wb.active
    ws.append(["事件编号", "电池编码", "事件", "主体类型", "发生日期", "来源", "数据状态"])
    ws.append(["x1", PACK, "回收服务网点入库", "回收服务网点", "2024-10-08", "测试", "示意"])
    ws.append(["x2", PACK, "回收服务网点入库", "回收服务网点", "2024-02-30", "测试", "示意"])
    wb.save(tmp_path / "ev.xlsx")
    with pytest.raises(ImportRejected) as e:
        import_file(fresh_db, "电池事件", tmp_path / "ev.xlsx")
    (p,) = e.value.problems
    assert (p.row, p.column, p.value) == (3, "发生日期", "2024-02-30")
    ws.delete_rows(3)
    wb.save(tmp_path / "ev.xlsx")
    assert import_file(fresh_db, "电池事件", tmp_path / "ev.xlsx").inserted == 1
    (ev,) = ledger.events(fresh_db)
    assert (ev.event, ev.actor_role, str(ev.date)) == ("collected_in", "collection_point", "2024-10-08")


def test_event_before_the_battery_was_made_is_refused(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # PACK's date symbols "EA1" read 2024-10-01 (E = 2024, A = October, 1 = the 1st)
    seed(fresh_db, tmp_path)
    before = len(ledger.events(fresh_db))
    with pytest.raises(ImportRejected) as e:
        add_events(
            fresh_db,
            tmp_path,
            [
                ["x1", PACK, "维修", "oem1", "维修商", "500112", "2024-09-30", "2024-10-08"],
                ["x2", PACK, "维修", "oem1", "维修商", "500112", "2024-10-01", "2024-10-08"],
            ],
        )
    got = [(p.row, p.column, p.value, p.reason) for p in e.value.problems]
    assert got == [(2, "发生日期", "2024-09-30", "发生日期早于该电池的生产日期 2024-10-01")]
    assert e.value.problems[0].file.endswith(".csv")
    assert len(ledger.events(fresh_db)) == before  # all or nothing: the good row is not written either


def test_production_date_must_agree_with_the_code(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # symbols "EA1" at 15–17 read 2024-10-01; the cascade form "ABCPE01EA10000009" has them at 8–10
    seed(fresh_db, tmp_path)
    path = write_csv(
        tmp_path / "dates.csv",
        ["电池编码", "生产日期", "来源", "数据状态"],
        [
            ["ABCPE01T000009EA10000001", "2024-09-30", "t", "示意"],
            ["ABCPE01EA10000009", "2023-10-01", "t", "示意"],
            ["ABCPE01T000009EA10000002", "2024-10-01", "t", "示意"],
        ],
    )
    with pytest.raises(ImportRejected) as e:
        import_file(fresh_db, "battery_units", path)
    got = [(p.row, p.column, p.value, p.reason) for p in e.value.problems]
    assert got == [
        (2, "生产日期", "2024-09-30", "与编码第15–17位的生产日期 2024-10-01 不符"),
        (3, "生产日期", "2023-10-01", "与编码第8–10位的生产日期 2024-10-01 不符"),
    ]
    assert ledger.unit(fresh_db, "ABCPE01T000009EA10000002") is None  # all or nothing
