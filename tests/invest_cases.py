"""Small hand-made stores for the 招商 / 培育 / 对接 tests (every figure chosen so the answers work out by hand)."""

from __future__ import annotations

import duckdb

from chainbrain.store import memory
from chainbrain.store.records import insert_rows

P = {"source": "test", "status": "synthetic"}


def _d(id_: str, name: str, region: str | None, yuxi: bool, lon: float | None, lat: float | None) -> dict:
    prov = "重庆市" if id_.startswith("50") else "外省"
    return {
        "id": id_,
        "name": name,
        "province": prov,
        "region": region,
        "yuxi": yuxi,
        "lon": lon,
        "lat": lat,
        **P,
    }


def _e(id_: str, district: str, roles: list[str], **kw: object) -> dict:
    return {"id": id_, "name": kw.pop("name", id_ + "公司"), "district_code": district, "roles": roles,
            "labels": kw.pop("labels", []), **kw, **P}  # fmt: skip


def _s(id_: str, ent: str, district: str, segment: str | None, **kw: object) -> dict:
    return {"id": id_, "enterprise_id": ent, "name": id_, "district_code": district, "segment_id": segment,
            **kw, **P}  # fmt: skip


def attract_store() -> duckdb.DuckDBPyConnection:
    """One OEM plant in 渝北 building 1000 cars a year; battery packs bought only from outside (a missing
    segment), lidars from one local firm and one outside firm (single-sourced)."""
    conn = memory()
    insert_rows(conn, "district", [
        _d("500112", "渝北区", "中心城区", False, 106.6, 29.7),
        _d("500120", "璧山区", "主城新区", True, None, None),
        _d("500101", "万州区", "渝东北", False, None, None),
        _d("350902", "蕉城区", None, False, 119.5, 26.7),
        _d("320505", "虎丘区", None, False, 120.5, 31.3),
    ])  # fmt: skip
    insert_rows(conn, "segment", [
        {"id": s, "parent_id": p, "name_zh": n, "name_en": s, "level": 1 if p is None else 2,
         "stream": "中游", "kind": "component", "unit": u, **P}
        for s, p, n, u in [("vehicle", None, "整车", "辆"), ("battery", None, "动力电池", "kWh"),
                           ("battery.pack", "battery", "电池包", "kWh"), ("adas", None, "智能驾驶", "件"),
                           ("adas.lidar", "adas", "激光雷达", "件")]
    ])  # fmt: skip
    insert_rows(conn, "enterprise", [
        _e("oem1", "500112", ["OEM"]),
        _e("loc1", "500120", ["Tier1"]),
        _e("catl", "350902", ["Tier1"], revenue=4_000_000.0, labels=["上市"]),
        _e("bat2", "320505", ["Tier1"], revenue=200_000.0),
        _e("bat3", "320505", ["Tier2"], employees=5000, labels=["专精特新", "高新技术"],
           main_segment_id="battery.pack"),
        _e("lid2", "320505", ["Tier1"], revenue=500_000.0, labels=["小巨人"]),
    ])  # fmt: skip
    insert_rows(conn, "site", [
        _s("p1", "oem1", "500112", "vehicle", lon=106.6, lat=29.7, park="两江新区"),
        _s("l1", "loc1", "500120", "adas.lidar", capacity=1000.0, park="璧山高新区"),
        _s("c1", "catl", "350902", "battery.pack", capacity=80.0),
        _s("b2", "bat2", "320505", "battery.pack"),
        _s("l2", "lid2", "320505", "adas.lidar", capacity=500.0),
    ])  # fmt: skip
    insert_rows(conn, "vehicle_model", [
        {"id": "m1", "oem_id": "oem1", "site_id": "p1", "brand": "测", "name": "一号", "powertrain": "BEV",
         "annual_volume": 1000.0, **P}
    ])  # fmt: skip
    insert_rows(conn, "bom_line", [
        {"id": "bl1", "model_id": "m1", "segment_id": "battery.pack", "qty": 1.0, **P},
        {"id": "bl2", "model_id": "m1", "segment_id": "adas.lidar", "qty": 1.0, **P},
    ])  # fmt: skip
    insert_rows(conn, "supply_link", [
        {"id": "L1", "buyer_site_id": "p1", "supplier_site_id": "c1", "segment_id": "battery.pack",
         "annual_value": 6e8, "volume": 100.0, "confidence": "verified", **P},
        {"id": "L2", "buyer_site_id": "p1", "supplier_site_id": "b2", "segment_id": "battery.pack",
         "annual_value": 2e8, "volume": 50.0, "confidence": "verified", **P},
        {"id": "L3", "buyer_site_id": "p1", "supplier_site_id": "l1", "segment_id": "adas.lidar",
         "annual_value": 1e8, "volume": 100.0, "confidence": "verified", **P},
        {"id": "L4", "buyer_site_id": "p1", "supplier_site_id": "l2", "segment_id": "adas.lidar",
         "annual_value": 3e8, "volume": 300.0, "confidence": "verified", **P},
    ])  # fmt: skip
    return conn
