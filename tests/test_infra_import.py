"""Importing infrastructure tables: Chinese headers and names accepted, every problem reported with its row
and column, nothing written when any row is wrong; exports re-import; templates carry the headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from chainbrain.data import load_reference
from chainbrain.io import registry
from chainbrain.io.export import export_table
from chainbrain.io.importer import import_file
from chainbrain.io.problems import ImportRejected

HEADER = "编号,名称,类型,充电桩数,充电枪数,单枪最大功率(kW),运营商,投用日期,运营状态,区县,乡镇街道,经度,纬度,来源,数据日期,数据状态\n"
GOOD = [
    "CS1,龙溪超充站,超充,4,8,480,国网重庆电力,2025-03-01,运营,渝北区,龙溪街道,106.52,29.60,区台账,2025-12-31,已核实",
    "CS2,礼嘉快充站,快充,6,6,120,特来电,2024-05-01,运营中,500112,500112002,106.55,29.65,区台账,2025-12-31,示意",
    "CS3,规划重卡站,重卡超充,2,4,1000,,,规划,渝北,,106.60,29.70,区台账,,verified",
]


@pytest.fixture
def db(fresh_db):
    load_reference(fresh_db)  # districts and the bundled townships
    return fresh_db


def _csv(tmp_path: Path, rows: list[str], name: str = "stations.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def _count(db) -> int:
    return db.execute("SELECT count(*) FROM charging_station").fetchone()[0]


def test_one_bad_row_rejects_the_whole_file(db, tmp_path):
    bad = [
        *GOOD,
        "CS4,坏站,超级,4,2,480,,2025-01-01,运营,火星区,,200,29.6,台账,,已核实",  # kind, guns<piles, district, lon
        "CS1,重复,快充,1,1,60,,2024-01-01,运营,渝北区,不存在街道,106.5,29.6,台账,,示意",  # duplicate id, township
    ]
    with pytest.raises(ImportRejected) as e:
        import_file(db, "charging_stations", _csv(tmp_path, bad))
    assert _count(db) == 0  # nothing written
    found = {(p.row, p.column) for p in e.value.problems}
    assert {(5, "类型"), (5, "区县"), (5, "经度"), (6, "编号"), (6, "乡镇街道")} <= found
    reasons = " ".join(p.reason for p in e.value.problems if p.row == 5)
    assert "不是可选值" in reasons and "火星区" in reasons and "不能大于 136" in reasons
    dup = next(p for p in e.value.problems if p.row == 6 and p.column == "编号")
    assert "第2行" in dup.reason and dup.file == "stations.csv"


def test_guns_fewer_than_piles_and_operating_without_date_are_refused(db, tmp_path):
    rows = ["CS9,站,超充,4,2,480,,2025-01-01,运营,渝北区,,106.5,29.6,台账,,已核实",
            "CS8,站,超充,4,4,480,,,运营,渝北区,,106.5,29.6,台账,,已核实"]  # fmt: skip
    with pytest.raises(ImportRejected) as e:
        import_file(db, "charging_stations", _csv(tmp_path, rows))
    reasons = {p.row: p.reason for p in e.value.problems}
    assert "充电枪数 2 少于充电桩数 4" in reasons[2] and "投用日期" in reasons[3]
    assert _count(db) == 0


def test_good_file_imports_with_names_resolved(db, tmp_path):
    res = import_file(db, "充电站", _csv(tmp_path, GOOD))
    assert (res.table, res.rows, res.inserted, res.updated) == ("charging_stations", 3, 3, 0)
    rows = {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT id, kind, state, district_code, township_code, status FROM charging_station"
        ).fetchall()
    }
    longxi = db.execute(
        "SELECT id FROM township WHERE name = '龙溪街道' AND district_code = '500112'"
    ).fetchone()[0]
    assert rows["CS1"] == ("ultra", "operating", "500112", longxi, "verified")
    assert rows["CS2"] == ("fast", "operating", "500112", "500112002", "illustrative")
    assert rows["CS3"] == ("truck_ultra", "planned", "500112", None, "verified")


def test_export_reimports_as_an_update(db, tmp_path):
    import_file(db, "charging_stations", _csv(tmp_path, GOOD))
    out = tmp_path / "export.csv"
    assert export_table(db, "charging_stations", "csv", out) == 3
    again = import_file(db, "charging_stations", out)
    assert (again.inserted, again.updated) == (0, 3)
    assert _count(db) == 3


def test_every_infra_table_is_registered_with_a_template(tmp_path):
    for name, sheet, header in [
        ("charging_stations", "充电站", "单枪最大功率(kW)"),
        ("swap_stations", "换电站", "换电工位数"),
        ("hydrogen_stations", "加氢站", "日加氢能力(kg)"),
        ("sensing_intersections", "感知路口", "投用日期"),
        ("v2x_roads", "车路协同道路", "里程(公里)"),
        ("v2x_vehicles", "协同预警车辆", "车辆数(辆)"),
        ("nev_fleet", "新能源汽车保有量", "保有量(辆)"),
        ("townships", "乡镇街道", "乡镇代码"),
    ]:
        spec = registry.get(name)
        path = tmp_path / f"{name}.xlsx"
        spec.template(path)
        wb = load_workbook(path)
        assert wb.sheetnames[0] == sheet and "说明" in wb.sheetnames
        assert header in [c.value for c in wb[sheet][1]]


def test_road_import_in_chinese(db, tmp_path):
    p = tmp_path / "roads.csv"
    p.write_text(
        "编号,名称,道路类型,里程(公里),投用日期,运营状态,区县,经度,纬度,来源,数据状态\n"
        "R1,G50渝北段,高速公路,12.5,2025-06-30,运营,渝北区,106.6,29.7,交通局台账,已核实\n"
        "R2,金开大道,城区道路,0,2025-06-30,运营,渝北区,106.6,29.7,交通局台账,已核实\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as e:
        import_file(db, "v2x_roads", p)
    assert [(x.row, x.column) for x in e.value.problems] == [(3, "里程(公里)")]
    p.write_text(p.read_text(encoding="utf-8").replace(",0,2025", ",3.2,2025"), encoding="utf-8")
    assert import_file(db, "v2x_roads", p).inserted == 2
    assert db.execute("SELECT sum(km), list(road_class ORDER BY id) FROM v2x_road").fetchone() == (
        pytest.approx(15.7),
        ["highway", "city"],
    )
