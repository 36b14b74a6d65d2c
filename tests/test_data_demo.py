"""The bundled Chongqing demo: counts against the seeds, integrity, shares, acyclicity, local rate."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from chainbrain.data import build_demo, load_demo
from chainbrain.data.geo import contains
from chainbrain.schema.credit_code import is_valid_credit_code
from chainbrain.store.records import dump_table

#: firms, brands and research bodies the five seeds name, as the demo must find them (name or short name)
SEED_NAMED = (
    "长安汽车", "深蓝", "阿维塔", "赛力斯", "东风小康", "上汽红岩", "庆铃", "瑞驰", "华晨鑫源", "中车恒通",
    "长城", "上汽通用五菱", "理想", "吉利", "福特", "比亚迪电池", "荣盛盟固利", "赣锋锂电", "庆铃博世",
    "国鸿氢能", "华润微电子", "万国半导体", "博世", "英飞凌", "中科创达", "北斗智联", "弗吉亚", "长安软件",
    "华安鑫创", "鼎捷软件", "大陆", "电装", "宁德时代", "上海电驱动", "龙润", "超力高科", "青山", "平伟",
    "华为", "腾讯", "中国汽研", "招商车研", "信通院西部分院", "国家电网", "特来电", "星星充电", "奥动", "易易",
    "中石油重庆公司", "中石化重庆公司", "重燃集团",
)  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]
TABLES = ("district", "segment", "enterprise", "site", "vehicle_model", "bom_line", "supply_link")


def one(conn: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_about_543_local_parts_firms(demo_db: duckdb.DuckDBPyConnection) -> None:
    n = one(
        demo_db,
        "SELECT count(*) FROM enterprise WHERE district_code LIKE '50%' "
        "AND list_has_any(roles, ['Tier1', 'Tier2', 'Tier3'])",
    )
    # D1: 智能网联新能源汽车零部件企业达到543家 (2024); ±5% is 516..570
    assert 516 <= n <= 570


def test_parts_firms_spread_as_the_plans_describe(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute(
        "SELECT d.region, d.yuxi, count(*), count(*) FILTER (WHERE list_contains(e.labels, '汽车电子')) "
        "FROM enterprise e JOIN district d ON d.id = e.district_code "
        "WHERE list_has_any(e.roles, ['Tier1', 'Tier2', 'Tier3']) AND d.id LIKE '50%' GROUP BY ALL"
    ).fetchall()
    by_region = {r[0]: (r[2], r[3]) for r in rows}
    total = sum(v[0] for v in by_region.values())
    yuxi = sum(r[2] for r in rows if r[1])
    # D4 二(七): 渝西 aims at 500 parts firms by 2027; today a large share (about half) of the 543
    assert 0.45 <= yuxi / total <= 0.60
    # 中心城区 is for intelligent / electronic parts: its share of 汽车电子 firms beats the city's
    central_n, central_e = by_region["中心城区"]
    city_e = sum(v[1] for v in by_region.values())
    assert central_e / central_n > city_e / total
    assert one(demo_db, "SELECT count(*) FROM district d WHERE d.id LIKE '50%' AND d.id IN "
               "(SELECT district_code FROM enterprise)") >= 30  # fmt: skip


def test_labels_are_in_plausible_numbers(demo_db: duckdb.DuckDBPyConnection) -> None:
    def count(label: str) -> int:
        return int(one(demo_db, f"SELECT count(*) FROM enterprise WHERE list_contains(labels, '{label}')"))

    assert 20 <= count("专精特新") <= 70
    assert 2 <= count("小巨人") <= 15
    assert count("汽车电子") >= 100 and count("传统零部件") >= 100
    assert count("上市") >= 5


def test_nev_volume_is_the_2024_output(demo_db: duckdb.DuckDBPyConnection) -> None:
    nev = one(
        demo_db,
        "SELECT sum(annual_volume) FROM vehicle_model WHERE powertrain IN ('BEV','EREV','PHEV','FCEV')",
    )
    # D1: 2024年新能源汽车产量…达到95.3万辆 -> 953,000 ± 1%
    assert abs(nev - 953_000) <= 9_530
    assert one(demo_db, "SELECT sum(annual_volume) FROM vehicle_model WHERE powertrain = 'ICE'") > 0
    brands = {r[0] for r in demo_db.execute("SELECT DISTINCT brand FROM vehicle_model").fetchall()}
    assert {"问界", "深蓝", "阿维塔", "启源", "长安"} <= brands


def test_every_seed_named_firm_is_present(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute("SELECT name, coalesce(short_name, ''), status, source FROM enterprise").fetchall()
    named = [r for r in rows if r[2] == "verified"]
    for who in SEED_NAMED:
        hits = [r for r in named if who in r[0] or who in r[1]]
        assert hits, f"{who} missing"
        assert all(r[3].startswith("《") for r in hits)
    # 极星 is named through 吉利's site (D1: 吉利极星项目)
    assert one(demo_db, "SELECT count(*) FROM site WHERE name LIKE '%极星%'") == 1
    # real firms carry no invented credit code
    assert (
        one(demo_db, "SELECT count(*) FROM enterprise WHERE status = 'verified' AND credit_code IS NOT NULL")
        == 0
    )


def test_credit_codes_are_valid_and_unique(demo_db: duckdb.DuckDBPyConnection) -> None:
    codes = [
        r[0]
        for r in demo_db.execute(
            "SELECT credit_code FROM enterprise WHERE credit_code IS NOT NULL"
        ).fetchall()
    ]
    assert len(codes) > 500
    assert all(is_valid_credit_code(c) for c in codes)
    assert len(set(codes)) == len(codes)
    # characters 3-8 are the firm's district
    bad = one(demo_db, "SELECT count(*) FROM enterprise WHERE credit_code IS NOT NULL "
              "AND substr(credit_code, 3, 6) <> district_code")  # fmt: skip
    assert bad == 0


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM site WHERE enterprise_id NOT IN (SELECT id FROM enterprise)",
        "SELECT id FROM site WHERE district_code NOT IN (SELECT id FROM district)",
        "SELECT id FROM enterprise WHERE district_code NOT IN (SELECT id FROM district)",
        "SELECT id FROM site WHERE segment_id NOT IN (SELECT id FROM segment)",
        "SELECT id FROM enterprise WHERE main_segment_id NOT IN (SELECT id FROM segment)",
        "SELECT id FROM vehicle_model WHERE oem_id NOT IN (SELECT id FROM enterprise)",
        "SELECT id FROM vehicle_model WHERE site_id NOT IN (SELECT id FROM site)",
        "SELECT id FROM bom_line WHERE model_id NOT IN (SELECT id FROM vehicle_model)",
        "SELECT id FROM bom_line WHERE segment_id NOT IN (SELECT id FROM segment)",
        "SELECT id FROM supply_link WHERE buyer_site_id NOT IN (SELECT id FROM site)",
        "SELECT id FROM supply_link WHERE supplier_site_id NOT IN (SELECT id FROM site)",
        "SELECT id FROM supply_link WHERE segment_id NOT IN (SELECT id FROM segment)",
        "SELECT id FROM segment WHERE parent_id NOT IN (SELECT id FROM segment)",
        # a site's capacity is in its segment's unit
        "SELECT s.id FROM site s JOIN segment g ON g.id = s.segment_id WHERE s.capacity_unit <> g.unit",
        # no site sells more than it can make
        "SELECT s.id FROM site s WHERE s.capacity < (SELECT sum(volume) FROM supply_link WHERE supplier_site_id = s.id)",
        # a supplier makes what it supplies
        "SELECT l.id FROM supply_link l JOIN site s ON s.id = l.supplier_site_id WHERE s.segment_id <> l.segment_id",
    ],
)
def test_no_dangling_references(demo_db: duckdb.DuckDBPyConnection, sql: str) -> None:
    assert demo_db.execute(sql).fetchall() == []


def test_chongqing_sites_lie_inside_their_district(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute(
        "SELECT id, district_code, lon, lat FROM site WHERE district_code LIKE '50%'"
    ).fetchall()
    assert len(rows) > 550
    outside = [r for r in rows if not contains(r[1], r[2], r[3])]
    assert outside == []
    # 两江新区 sites sit in the districts it spans (江北, 北碚, 渝北)
    parks = demo_db.execute("SELECT DISTINCT district_code FROM site WHERE park = '两江新区'").fetchall()
    assert {r[0] for r in parks} <= {"500105", "500109", "500112"}


def test_shares_sum_to_one_per_buyer_and_segment(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute(
        "SELECT buyer_site_id, segment_id, sum(share), count(*) FROM supply_link GROUP BY ALL"
    ).fetchall()
    assert rows
    assert all(abs(r[2] - 1) < 1e-9 for r in rows)
    counts = [r[3] for r in rows]
    assert 1 in counts and 3 in counts  # some single-sourced on purpose, some from three
    # annual_value = need × share: the values of one buyer × segment are in the ratio of the shares
    vs = demo_db.execute(
        "SELECT max(abs(r - share)) FROM (SELECT share, "
        "annual_value / sum(annual_value) OVER (PARTITION BY buyer_site_id, segment_id) AS r FROM supply_link)"
    ).fetchone()
    assert vs is not None and vs[0] < 1e-3


def test_supply_graph_is_acyclic_and_multi_tier(demo_db: duckdb.DuckDBPyConnection) -> None:
    edges = demo_db.execute("SELECT DISTINCT supplier_site_id, buyer_site_id FROM supply_link").fetchall()
    succ: dict[str, set[str]] = defaultdict(set)
    indeg: dict[str, int] = defaultdict(int)
    nodes = set()
    for a, b in edges:
        nodes |= {a, b}
        if b not in succ[a]:
            succ[a].add(b)
            indeg[b] += 1
    ready = [n for n in nodes if indeg[n] == 0]
    seen = 0
    depth = dict.fromkeys(ready, 0)
    while ready:  # Kahn's algorithm: every node leaves the queue iff there is no cycle
        n = ready.pop()
        seen += 1
        for m in succ[n]:
            depth[m] = max(depth.get(m, 0), depth[n] + 1)
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    assert seen == len(nodes)
    # lithium -> cathode -> cell -> pack -> OEM plant is four hops
    assert max(depth.values()) >= 4


def test_city_oem_local_rate_is_plausible(demo_db: duckdb.DuckDBPyConnection) -> None:
    rate = one(
        demo_db,
        "SELECT sum(l.annual_value) FILTER (WHERE s.district_code LIKE '50%') / sum(l.annual_value) "
        "FROM supply_link l JOIN site b ON b.id = l.buyer_site_id JOIN site s ON s.id = l.supplier_site_id "
        "JOIN enterprise e ON e.id = b.enterprise_id "
        "WHERE list_contains(e.roles, 'OEM') AND b.district_code LIKE '50%'",
    )
    assert 0.4 <= rate <= 0.7
    # a deliberate gap: no Chongqing lidar maker, so lidar comes from outside
    assert (
        one(demo_db, "SELECT count(*) FROM site WHERE segment_id = 'adas.lidar' AND district_code LIKE '50%'")
        == 0
    )
    assert one(demo_db, "SELECT count(*) FROM supply_link WHERE segment_id = 'adas.lidar'") > 0


def test_bom_value_is_a_plausible_share_of_price(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute(
        "SELECT m.name, m.price * 10000, sum(b.qty * b.unit_value) FROM vehicle_model m "
        "JOIN bom_line b ON b.model_id = m.id WHERE m.powertrain <> 'ICE' GROUP BY ALL"
    ).fetchall()
    assert len(rows) >= 20
    for name, price, value in rows:
        assert 0.35 <= value / price <= 0.95, name
    # a 40 kWh pack at 750 元/kWh is 30,000 元 of the 问界M7
    pack = one(demo_db, "SELECT qty * unit_value FROM bom_line WHERE id = 'aito_m7.battery.pack'")
    assert pack == 30_000


def test_every_row_has_provenance(demo_db: duckdb.DuckDBPyConnection) -> None:
    for t in TABLES:
        bad = one(demo_db, f"SELECT count(*) FROM {t} WHERE source IS NULL OR source = '' OR as_of IS NULL")
        assert bad == 0, t
        statuses = {r[0] for r in demo_db.execute(f"SELECT DISTINCT status FROM {t}").fetchall()}
        assert statuses <= {"verified", "illustrative"}, t
    assert (
        one(
            demo_db,
            "SELECT count(*) FROM supply_link WHERE status <> 'illustrative' OR confidence <> 'suggested'",
        )
        == 0
    )


def test_demo_is_deterministic(
    demo_db: duckdb.DuckDBPyConnection, fresh_db: duckdb.DuckDBPyConnection
) -> None:
    assert build_demo() == build_demo()
    load_demo(fresh_db)
    for t in ("enterprise", "site", "supply_link"):
        assert dump_table(fresh_db, t) == dump_table(demo_db, t), t
    assert build_demo(seed=7).enterprises != build_demo().enterprises


def _digest() -> str:
    return hashlib.sha1(repr(build_demo().tables()).encode()).hexdigest()


def test_demo_is_the_same_in_another_process() -> None:
    # string hashing differs per process (PYTHONHASHSEED); nothing in the build may depend on it
    code = (
        "import hashlib; from chainbrain.data import build_demo; "
        "print(hashlib.sha1(repr(build_demo().tables()).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    assert out.stdout.strip() == _digest()
