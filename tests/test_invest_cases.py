"""Small hand-made stores for the 招商 / 培育 / 对接 tests (no tests here: builders only; every figure is chosen so the answers work out by hand)."""

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


def _attr(eid: str, **kw: object) -> dict:
    return {"enterprise_id": eid, "capabilities": kw.pop("capabilities", []), **kw, **P}


def cultivate_store() -> duckdb.DuckDBPyConnection:
    """Six firms against the 专精特新 / 小巨人 criteria (see tests/test_invest_cultivate.py)."""
    conn = memory()
    insert_rows(conn, "district", [_d("500120", "璧山区", "主城新区", True, None, None),
                                   _d("320505", "虎丘区", None, False, None, None)])  # fmt: skip
    insert_rows(conn, "enterprise", [
        _e("f1", "500120", ["Tier2"], revenue=8000.0, employees=300, founded=2015),
        _e("f2", "500120", ["Tier2"], revenue=20000.0, employees=800, founded=2010, labels=["专精特新"]),
        _e("f3", "500120", ["Tier3"], revenue=500.0, employees=20, founded=2025),
        _e("f4", "500120", ["Tier1"], revenue=50000.0, employees=2000),
        _e("f5", "320505", ["Tier2"], revenue=8000.0, employees=300),
        _e("f6", "500120", ["Tier2"], revenue=9000.0, employees=300, labels=["专精特新", "小巨人"]),
        _e("oem", "500120", ["OEM"], revenue=100.0, employees=10),
    ])  # fmt: skip
    insert_rows(conn, "firm_attr", [
        _attr("f1", year=2025, years_in_field=8, main_business_share=0.9, rd_expense=500.0, rd_share=0.0625,
              rd_share_prev=0.07, revenue_growth=0.12, patents_class1=3, debt_ratio=0.5, market_share=0.12,
              rd_institution=True),
        _attr("f2", year=2025, years_in_field=10, main_business_share=0.75, rd_share=0.04, revenue_growth=0.03,
              patents_class1=1, rd_institution=True),
    ])  # fmt: skip
    return conn


def transform_store() -> duckdb.DuckDBPyConnection:
    """Two traditional firms and one NEV firm; the area's OEM buys 电驱 4亿 and 增程器 2亿 from outside."""
    conn = memory()
    insert_rows(conn, "district", [_d("500120", "璧山区", "主城新区", True, None, None),
                                   _d("320505", "虎丘区", None, False, None, None)])  # fmt: skip
    insert_rows(conn, "segment", [
        {"id": s, "parent_id": p, "name_zh": n, "name_en": s, "level": 1 if p is None else 2,
         "stream": "中游", "kind": "component", **P}
        for s, p, n in [("ice", None, "传统动力总成"), ("ice.engine", "ice", "发动机"), ("parts", None, "传统零部件"),
                        ("parts.castings", "parts", "铸锻件及机加工"), ("rex", None, "增程器"),
                        ("edrive", None, "电驱动总成"), ("lightweight", None, "轻量化材料"),
                        ("lightweight.mgal", "lightweight", "镁铝合金"), ("thermal", None, "热管理系统"),
                        ("battery", None, "动力电池"), ("battery.pack", "battery", "电池包")]
    ])  # fmt: skip
    insert_rows(conn, "enterprise", [
        _e("oem", "500120", ["OEM"]),
        _e("t1", "500120", ["Tier2"], labels=["传统零部件"]),
        _e("t2", "500120", ["Tier2"]),
        _e("t3", "500120", ["Tier2"]),
        _e("out", "320505", ["Tier1"]),
    ])  # fmt: skip
    insert_rows(conn, "site", [
        _s("p", "oem", "500120", None),
        _s("s1", "t1", "500120", "ice.engine"),
        _s("s2", "t2", "500120", "parts.castings"),
        _s("s3", "t3", "500120", "edrive"),
        _s("o1", "out", "320505", "edrive"),
        _s("o2", "out", "320505", "rex"),
    ])  # fmt: skip
    insert_rows(conn, "firm_attr", [
        _attr("t1", capabilities=["精密齿轮"]),
        _attr("t2", capabilities=["铝压铸", "散热器", "精密齿轮"]),
    ])  # fmt: skip
    insert_rows(conn, "supply_link", [
        {"id": "E1", "buyer_site_id": "p", "supplier_site_id": "o1", "segment_id": "edrive", "annual_value": 4e8,
         "confidence": "verified", **P},
        {"id": "R1", "buyer_site_id": "p", "supplier_site_id": "o2", "segment_id": "rex", "annual_value": 2e8,
         "confidence": "verified", **P},
    ])  # fmt: skip
    return conn


def match_store() -> duckdb.DuckDBPyConnection:
    """One buyer plant in 渝北 at (106.6, 29.7); three lidar/radar offers and a battery firm (tests/test_match.py)."""
    conn = memory()
    insert_rows(conn, "district", [_d("500112", "渝北区", "中心城区", False, 106.6, 29.7),
                                   _d("500120", "璧山区", "主城新区", True, 106.2, 29.6),
                                   _d("320505", "虎丘区", None, False, 120.5, 31.3)])  # fmt: skip
    insert_rows(conn, "segment", [
        {"id": s, "parent_id": p, "name_zh": n, "name_en": s, "level": 1 if p is None else 2,
         "stream": "中游", "kind": "component", **P}
        for s, p, n in [("adas", None, "智能驾驶"), ("adas.lidar", "adas", "激光雷达"),
                        ("adas.radar", "adas", "毫米波雷达"), ("battery", None, "动力电池"),
                        ("battery.pack", "battery", "电池包")]
    ])  # fmt: skip
    insert_rows(conn, "enterprise", [
        _e("oem", "500112", ["OEM"]),
        _e("s1", "500112", ["Tier1"]),
        _e("s2", "320505", ["Tier1"]),
        _e("s3", "500120", ["Tier1"]),
        _e("s4", "500120", ["Tier1"]),
    ])  # fmt: skip
    insert_rows(conn, "site", [
        _s("p", "oem", "500112", None, lon=106.6, lat=29.7),
        _s("a1", "s1", "500112", "adas.lidar", lon=106.6, lat=29.7),
        _s("a2", "s2", "320505", "adas.lidar", lon=106.6, lat=34.2),  # 4.5° due north: 500.4 km
        _s("a3", "s3", "500120", "adas.radar", lon=106.6, lat=29.7),
        _s("a4", "s4", "500120", "battery.pack", lon=106.6, lat=29.7, capacity=100.0),
    ])  # fmt: skip
    offers = [
        {"id": "O1", "supplier_id": "s1", "segment_ids": ["adas.lidar"], "title": "车规级激光雷达",
         "text": "905nm 前向激光雷达，已量产", "capacity": 10000.0, "committed": 4000.0,
         "certifications": ["IATF 16949"], "site_ids": ["a1"]},
        {"id": "O2", "supplier_id": "s2", "segment_ids": ["adas.lidar"], "title": "激光雷达",
         "text": "1550nm 远距激光雷达", "certifications": ["IATF16949", "ISO 26262"], "site_ids": ["a2"]},
        {"id": "O3", "supplier_id": "s3", "segment_ids": ["adas.radar"], "title": "4D毫米波雷达",
         "text": "前向雷达", "capacity": 20000.0, "committed": 0.0, "site_ids": ["a3"]},
    ]  # fmt: skip
    insert_rows(conn, "offer", [{"state": "open", "certifications": [], **o, **P} for o in offers])
    return conn
