"""Observations: per-row problems, all-or-nothing writes, append-only corrections, template, snapshots."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from openpyxl import Workbook, load_workbook

from chainbrain.io import registry
from chainbrain.io.problems import ImportRejected
from chainbrain.monitor.live import SNAPSHOT_SOURCE, snapshot
from chainbrain.monitor.observations import add_observations, observations, observe
from chainbrain.monitor.registry import get_target, load_targets
from chainbrain.monitor.status import assess
from chainbrain.store.records import transaction

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def db(fresh_db):
    load_targets(fresh_db)
    return fresh_db


def _count(conn) -> int:
    return conn.execute("SELECT count(*) FROM observation").fetchone()[0]


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["目标编号", "期间", "数值", "单位", "来源", "截至日期", "更正"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_bad_rows_each_get_a_problem_and_nothing_is_written(db, tmp_path):
    observe(db, "yulian27_exports", "2026Q2", 930, source="统计月报", as_of=AS_OF)
    before = _count(db)
    path = _xlsx(
        tmp_path / "obs.xlsx",
        [
            ["yulian27_exports", "2026Q3", 950, "亿元", "统计月报", "2026-10-20", "否"],  # row 2: fine
            ["no_such_target", "2026Q3", 1, None, "统计月报", "2026-10-20", None],  # 3: unknown target
            ["yulian27_exports", "2026Q3", 950, "万元", "统计月报", "2026-10-20", None],  # 4: wrong unit
            ["yulian27_exports", "2023Q1", 500, None, "统计月报", "2026-10-20", None],  # 5: before 2024
            ["yulian27_exports", "2028", 1300, None, "统计月报", "2026-10-20", None],  # 6: after 2027
            ["yulian27_exports", "2026Q1", "约900", None, "统计月报", "2026-10-20", None],  # 7: text
            ["yulian27_exports", "2026Q2", 931, None, "统计月报", "2026-10-20", None],  # 8: dup, no flag
            ["yulian27_exports", "2026年三季度", 950, None, "统计月报", "2026-10-20", None],  # 9: period
        ],
    )
    spec = registry.get("observations")
    rows, problems = spec.validate(db, path, None)
    where = {(p.row, p.column) for p in problems}
    assert where == {
        (3, "目标编号"),
        (4, "单位"),
        (5, "期间"),
        (6, "期间"),
        (7, "数值"),
        (8, "数值"),
        (9, "期间"),
    }
    assert any("930" in p.reason and "更正" in p.reason for p in problems if p.row == 8)
    assert [r["period"] for r in rows] == ["2026Q3"]
    with pytest.raises(ImportRejected):
        add_observations(db, [dict(target_id="no_such_target", period="2026", value=1, source="x")])
    assert _count(db) == before


def test_correction_appends_and_the_newest_counts(db):
    observe(db, "yulian27_talent", "2026Q3", 1.5, source="人社局", as_of=AS_OF)
    with pytest.raises(ImportRejected):
        observe(db, "yulian27_talent", "2026Q3", 1.6, source="人社局", as_of=AS_OF)
    assert observe(db, "yulian27_talent", "2026Q3", 1.5, source="人社局", as_of=AS_OF) == 0  # same value
    observe(db, "yulian27_talent", "2026Q3", 1.6, source="人社局更正", as_of=AS_OF, correction=True)
    history = observations(db, "yulian27_talent", include_superseded=True)
    assert [(o.value, o.superseded, o.correction) for o in history] == [
        (1.5, True, False),
        (1.6, False, True),
    ]
    assert [o.value for o in observations(db, "yulian27_talent")] == [1.6]


def test_shares_and_future_periods_are_refused(db):
    with pytest.raises(ImportRejected) as e:
        observe(db, "eco25_nev_penetration", "2025Q4", 120, source="x", as_of=dt.date(2026, 1, 20))
    assert "0—100" in e.value.problems[0].reason
    with pytest.raises(ImportRejected) as e:
        observe(db, "yulian27_exports", "2027Q1", 1000, source="x", as_of=AS_OF)
    assert "晚于截至日期" in e.value.problems[0].reason


def test_template_round_trip(db, tmp_path):
    spec = registry.get("observations")
    path = tmp_path / "template.xlsx"
    spec.template(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["观测数据", "目标清单", "示例", "说明"]
    assert wb["目标清单"].max_row == 53  # header + 52 targets
    ws = wb["观测数据"]
    ws.append(
        ["yulian27_heavy_truck_stations", "2026Q3", 3, "座", "市能源局", "2026-10-15", "已核实", "否", ""]
    )
    wb.save(path)
    rows, problems = spec.validate(db, path, None)
    assert problems == []
    with transaction(db):
        assert spec.write(db, rows) == 1
    exported = spec.export(db)
    assert exported[0]["target_id"] == "yulian27_heavy_truck_stations" and exported[0]["value"] == 3
    assert exported[0]["status"] == "verified"  # written 已核实, as the template's drop-down offers it


def _firms(conn):
    conn.execute(
        "INSERT INTO district (id, name, province, yuxi, source, status) VALUES"
        " ('500112', '渝北区', '重庆市', false, 't', 'verified'),"
        " ('500113', '巴南区', '重庆市', false, 't', 'verified'),"
        " ('500118', '永川区', '重庆市', true, 't', 'verified'),"
        " ('510100', '成都市', '四川省', false, 't', 'verified')"
    )
    firms = [
        ("a", "500112", ["Tier1"], ["汽车电子", "专精特新"]),
        ("b", "500118", ["Tier2"], ["小巨人"]),
        ("c", "500118", ["Tier3", "service"], []),
        ("d", "500113", ["OEM"], ["链主"]),
        ("e", "510100", ["Tier1"], ["汽车电子", "专精特新"]),
    ]
    for fid, district, roles, labels in firms:
        conn.execute(
            "INSERT INTO enterprise (id, name, district_code, roles, labels, source, status)"
            " VALUES (?, ?, ?, ?, ?, 'test', 'illustrative')",
            [fid, f"企业{fid}", district, roles, labels],
        )


def test_snapshot_counts_live_targets_by_hand(db):
    _firms(db)
    res = {r.target_id: r for r in snapshot(db, as_of=AS_OF)}
    # parts firms in Chongqing: a, b, c (d is an OEM only, e is in Chengdu) → 3
    assert res["yulian27_parts_firms"].value == 3
    assert res["yulian27_electronics_firms"].value == 1  # a (e is outside Chongqing)
    assert res["yulian27_zjtx_firms"].value == 2  # a (专精特新) and b (小巨人)
    assert res["yulian27_little_giant_firms"].value == 1  # b
    assert res["yulian27_yuxi_parts_firms"].value == 2  # b, c in 永川区
    assert not res["yulian27_local_rate_increase"].written  # no supply links: nothing to measure
    stored = observations(db, "yulian27_parts_firms")
    assert [(o.period, o.value, o.source, o.status) for o in stored] == [
        ("2026-10", 3.0, SNAPSHOT_SOURCE, "illustrative")
    ]
    n = len(observations(db, include_superseded=True))
    snapshot(db, as_of=AS_OF)  # same data, same month: nothing new
    assert len(observations(db, include_superseded=True)) == n


def test_local_rate_increase_is_measured_against_the_first_snapshot(db, monkeypatch):
    lr = importlib.import_module(
        "chainbrain.chain.local_rate"
    )  # the package re-exports a same-named function

    rate = {"v": 0.40}
    monkeypatch.setattr(lr, "local_rate", lambda conn, by="oem", **kw: [{"rate_value": rate["v"]}])
    first = {r.target_id: r for r in snapshot(db, as_of=dt.date(2026, 6, 30))}
    assert first["yulian27_local_rate_increase"].value == 0  # the reference: 40 %
    rate["v"] = 0.46
    second = {r.target_id: r for r in snapshot(db, as_of=AS_OF)}
    # 46 % − 40 % = 6 百分点 since the reference snapshot
    assert second["yulian27_local_rate_increase"].value == pytest.approx(6.0)
    assert second["yulian27_local_rate_increase"].raw == pytest.approx(46.0)
    # no baseline in the plan: the required path starts at the reference snapshot (2026-06 → t = 2025.5)
    a = assess(
        get_target(db, "yulian27_local_rate_increase"), observations(db, "yulian27_local_rate_increase")
    )
    assert a.origin == {"t": 2025.5, "value": 0.0, "basis": "首个快照（基准）"}


def test_gbk_csv_with_chinese_headers(db, tmp_path):
    path = tmp_path / "obs.csv"
    text = "目标编号,期间,数值,来源,截至日期\nyulian27_exports,2026-09,955,市商务委,2026-10-20\n"
    path.write_bytes(text.encode("gbk"))
    rows, problems = registry.get("observations").validate(db, path, None)
    assert problems == []
    assert [(r["period"], r["value"], r["unit"]) for r in rows] == [("2026-09", 955.0, "亿元")]
