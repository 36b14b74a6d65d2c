"""Every template's example row imports as it is into the demo store, and writes what the example says.

The test generates each template from the demo store, copies the row of its 示例 sheet into the data sheet
(nothing else is filled) and imports it. The chain tables' examples tell one story — a new parts firm
示例零部件, its plant, a car model of 长安汽车 with its BOM line, the firm's link to 长安's 鱼嘴 plant — so they
are imported in the order a row refers back. The expected rows below are written out by hand from the
examples and the demo data (电池包 is segment battery.pack, 渝北区 is 500112, …).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import load_workbook

from chainbrain.io import import_file, registry
from chainbrain.io.names import new_id
from chainbrain.io.workbook import ORDER, import_workbook
from chainbrain.store.records import fetch_dicts

#: registered tables whose templates have no example row yet (the battery ledger's own templates)
WITHOUT_EXAMPLE = {"battery_events", "battery_makers", "battery_units"}
EXAMPLE_PROV = {"source": "示例：导入模板示例行", "as_of": dt.date(2024, 12, 31), "status": "illustrative"}

FIRM = new_id("e", "重庆示例汽车零部件有限公司")
PLANT = new_id("s", FIRM, "示例零部件两江工厂")
MODEL = new_id("m", "changan", "示例车型 S7")

#: table → (SQL that finds the example's row, the fields it must have)
EXPECTED: dict[str, tuple[str, dict[str, Any]]] = {
    "districts": (
        "SELECT * FROM district WHERE id = '500112'",
        {"name": "渝北区", "province": "重庆市", "region": "中心城区", "yuxi": False, "lon": 106.631,
         "lat": 29.718},
    ),
    "segments": (
        "SELECT * FROM segment WHERE id = 'battery.sodium'",
        {"parent_id": "battery", "name_zh": "钠离子电池", "level": 3, "stream": "中游", "kind": "component",
         "unit": "kWh"},
    ),
    "enterprises": (
        f"SELECT * FROM enterprise WHERE id = '{FIRM}'",
        {"credit_code": "91500112MA5U00003P", "name": "重庆示例汽车零部件有限公司", "short_name": "示例零部件",
         "district_code": "500112", "roles": ["Tier1", "Tier2"], "labels": ["专精特新", "高新技术"],
         "main_segment_id": "battery.pack", "revenue": 52000.0, "employees": 860, "founded": 2015},
    ),
    "sites": (
        f"SELECT * FROM site WHERE id = '{PLANT}'",
        {"enterprise_id": FIRM, "name": "示例零部件两江工厂", "district_code": "500112", "park": "两江新区",
         "segment_id": "battery.pack", "capacity": 120000.0, "capacity_unit": "套"},
    ),
    "vehicle_models": (
        f"SELECT * FROM vehicle_model WHERE id = '{MODEL}'",
        {"oem_id": "changan", "site_id": "changan.yuzui", "brand": "长安", "powertrain": "BEV",
         "annual_volume": 80000.0, "price": 18.99, "year": 2024},
    ),
    "bom_lines": (
        "SELECT * FROM bom_line WHERE model_id = '" + MODEL + "'",
        {"id": new_id("b", MODEL, "battery.pack"), "segment_id": "battery.pack", "qty": 1.0,
         "unit_value": 45000.0},
    ),
    "supply_links": (
        f"SELECT * FROM supply_link WHERE supplier_site_id = '{PLANT}'",
        {"id": f"changan.yuzui>{PLANT}:battery.pack", "buyer_site_id": "changan.yuzui",
         "segment_id": "battery.pack", "annual_value": 3.5e8, "share": 0.6, "volume": 80000.0, "since": 2021,
         "evidence": "企业公告", "confidence": "suggested"},
    ),
}  # fmt: skip


def _fill_from_example(template: Path, pairs: list[tuple[str, str]]) -> None:
    """Copy row 2 of each example sheet into its data sheet."""
    wb = load_workbook(template)
    for data, example in pairs:
        for j, cell in enumerate(wb[example][2], start=1):
            wb[data].cell(row=2, column=j, value=cell.value)
    wb.save(template)


def _template(conn: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    spec = registry.get(table)
    if spec.template_from_store is not None:
        spec.template_from_store(path, conn)
    else:
        spec.template(path)


def test_every_template_example_imports_and_writes_what_it_says(demo_db, tmp_path: Path) -> None:
    names = registry.names()
    order = [*ORDER, *(n for n in names if n not in ORDER)]
    without = set()
    for table in order:
        path = tmp_path / f"{table}.xlsx"
        _template(demo_db, table, path)
        sheets = load_workbook(path, read_only=True).sheetnames
        if "示例" not in sheets:
            without.add(table)
            continue
        _fill_from_example(path, [(sheets[0], "示例")])
        result = import_file(demo_db, table, path)
        assert result.rows == 1, table
        if table in EXPECTED:
            sql, fields = EXPECTED[table]
            (row,) = fetch_dicts(demo_db, sql)
            assert {k: row[k] for k in fields} == fields, table
            assert {k: row[k] for k in EXAMPLE_PROV if k != "as_of"} == {
                "source": EXAMPLE_PROV["source"],
                "status": "illustrative",
            }, table
    assert without == WITHOUT_EXAMPLE


def test_the_observation_example_is_written_with_its_chinese_status(demo_db, tmp_path: Path) -> None:
    path = tmp_path / "obs.xlsx"
    _template(demo_db, "observations", path)
    wb = load_workbook(path)
    status = [dv.formula1 for dv in wb["观测数据"].data_validations.dataValidation if "G2" in str(dv.sqref)]
    assert status == ['"已核实,示意,合成"']
    _fill_from_example(path, [("观测数据", "示例")])
    assert import_file(demo_db, "observations", path).inserted == 1
    (row,) = fetch_dicts(
        demo_db,
        "SELECT value, unit, status, as_of FROM observation WHERE target_id = 'eco25_nev_output' AND period = '2025-06'",
    )
    assert row == {"value": 102.0, "unit": "万辆", "status": "illustrative", "as_of": dt.date(2025, 7, 15)}


def test_the_combined_template_example_imports_in_one_go(demo_db, tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    from chainbrain.io.chain_tables import choices_from_store
    from chainbrain.io.templates import write_workbook_template

    write_workbook_template(path, choices_from_store(demo_db))
    _fill_from_example(path, [(t, f"示例-{t}") for t in ("企业", "场所", "供应关系")])
    result = import_workbook(demo_db, path)
    assert [(t.table, t.inserted) for t in result.tables] == [
        ("enterprises", 1),
        ("sites", 1),
        ("supply_links", 1),
    ]
    for table in ("enterprises", "sites", "supply_links"):
        sql, fields = EXPECTED[table]
        (row,) = fetch_dicts(demo_db, sql)
        assert {k: row[k] for k in fields} == fields, table
