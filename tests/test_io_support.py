"""A small chain map for the import/export tests (no tests here), and helpers to write input files.

The store holds: districts 500112 渝北区 and 500106 沙坪坝区; segments power (level 1) and power.battery
(level 2, parent power); firms E1 (OEM, credit code 91500112MA5U00003P) and E2 (Tier1, no code);
sites S1 (E1, 渝北), S2 and S3 (E2, 沙坪坝); vehicle model VM1 (E1 at S1); BOM line B1 (VM1 × power.battery);
supply link L1: S2 supplies S1 with power.battery.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.schema import SQL_TABLE
from chainbrain.store import memory
from chainbrain.store.records import dump_table, insert_rows

PROV = {"source": "测试", "as_of": dt.date(2024, 12, 31), "status": "illustrative"}
CODE_E1 = "91500112MA5U00003P"

BASE: dict[str, list[dict[str, Any]]] = {
    "districts": [
        {"id": "500112", "name": "渝北区", "province": "重庆市", "yuxi": False, **PROV},
        {"id": "500106", "name": "沙坪坝区", "province": "重庆市", "yuxi": False, **PROV},
    ],
    "segments": [
        {"id": "power", "parent_id": None, "name_zh": "三电", "name_en": "Power", "level": 1,
         "stream": "中游", "kind": "system", **PROV},
        {"id": "power.battery", "parent_id": "power", "name_zh": "动力电池", "name_en": "Battery",
         "level": 2, "stream": "中游", "kind": "component", "unit": "kWh", **PROV},
    ],
    "enterprises": [
        {"id": "E1", "credit_code": CODE_E1, "name": "重庆甲汽车有限公司", "district_code": "500112",
         "roles": ["OEM"], "labels": ["链主"], **PROV},
        {"id": "E2", "credit_code": None, "name": "重庆乙电池有限公司", "district_code": "500106",
         "roles": ["Tier1"], "labels": [], "revenue": 52000.0, **PROV},
    ],
    "sites": [
        {"id": "S1", "enterprise_id": "E1", "name": "甲总装厂", "district_code": "500112", **PROV},
        {"id": "S2", "enterprise_id": "E2", "name": "乙电池厂", "district_code": "500106",
         "segment_id": "power.battery", "capacity": 20.0, "capacity_unit": "GWh", **PROV},
        {"id": "S3", "enterprise_id": "E2", "name": "乙二厂", "district_code": "500106", **PROV},
    ],
    "vehicle_models": [
        {"id": "VM1", "oem_id": "E1", "site_id": "S1", "brand": "甲", "name": "甲 S7", "powertrain": "BEV",
         "annual_volume": 80000.0, "price": 18.99, "year": 2024, **PROV},
    ],
    "bom_lines": [
        {"id": "B1", "model_id": "VM1", "segment_id": "power.battery", "qty": 60.0, "unit_value": 700.0,
         **PROV},
    ],
    "supply_links": [
        {"id": "L1", "buyer_site_id": "S1", "supplier_site_id": "S2", "segment_id": "power.battery",
         "annual_value": 3.5e9, "share": 0.6, "since": 2021, "confidence": "suggested", **PROV},
    ],
}  # fmt: skip


def base_store(conn: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """The small chain map above, in ``conn`` or a fresh in-memory store."""
    conn = conn if conn is not None else memory()
    for table, rows in BASE.items():
        insert_rows(conn, table, [{"labels": [], "confidence": "suggested", **r} for r in rows])
    return conn


def snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every chain-map table."""
    return {t: dump_table(conn, t) for t in SQL_TABLE}


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
