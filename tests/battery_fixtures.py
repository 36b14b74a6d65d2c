"""A tiny hand-made battery world shared by the battery tests: two districts, six firms, one maker code,
one pack → module → two cells, written through the real importers."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from chainbrain.io import import_file

PACK = "ABCPE01T000001EA10000001"  # ABC, pack, ternary, spec 01, trace T000001, 2024-10-01, serial 1
MODULE = "ABCME01T000001EA10000001"
CELL = "ABCCE01T000001EA10000001"
CELL2 = "ABCCE01T000001EA10000002"
VIN = "LFV3A23C6H3012345"  # check digit 6, worked by hand in test_battery_vin

FIRMS = {
    "maker1": "battery_maker",
    "oem1": "oem",
    "cp1": "collection_point",
    "dis1": "dismantler",
    "cas1": "cascade_user",
    "rec1": "recycler",
}


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def seed(conn: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    for code, name in (("500112", "渝北区"), ("500120", "璧山区")):
        conn.execute(
            "INSERT INTO district (id, name, province, source, status) VALUES (?, ?, '重庆市', 't', 'illustrative')",
            [code, name],
        )
    for eid in FIRMS:
        conn.execute(
            "INSERT INTO enterprise (id, name, district_code, roles, source, status) "
            "VALUES (?, ?, '500112', ['Tier1'], 't', 'illustrative')",
            [eid, f"测试企业{eid}"],
        )
    import_file(conn, "battery_makers",
                write_csv(tmp / "makers.csv", ["厂商代码", "企业编号", "来源", "数据状态"],
                          [["ABC", "maker1", "测试", "示意"]]))  # fmt: skip
    import_file(
        conn,
        "battery_units",
        write_csv(
            tmp / "units.csv",
            ["电池编码", "上级编码", "车辆识别代号", "汽车生产企业编号", "额定能量(kWh)", "来源", "数据状态"],
            [
                [PACK, "", VIN, "oem1", "60", "测试", "示意"],
                [MODULE, PACK, "", "", "10", "测试", "示意"],
                [CELL, MODULE, "", "", "0.5", "测试", "示意"],
                [CELL2, MODULE, "", "", "0.5", "测试", "示意"],
            ],
        ),
    )


EVENT_HEADER = [
    "事件编号",
    "电池编码",
    "事件",
    "企业编号",
    "主体类型",
    "区县代码",
    "发生日期",
    "上报日期",
    "来源",
    "数据状态",
]


def add_events(
    conn: duckdb.DuckDBPyConnection, tmp: Path, rows: list[list[object]], name: str = "ev.csv"
) -> None:
    """rows: id, code, event, actor, role, district, date, reported_at."""
    full = [[*r, "测试", "示意"] for r in rows]
    import_file(conn, "battery_events", write_csv(tmp / name, EVENT_HEADER, full))
