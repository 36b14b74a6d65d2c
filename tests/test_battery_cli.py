"""The ``battery`` commands: the exact JSON interfaces, imports and the bundled demo batteries."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.store import connect
from fixtures.battery import CELL, MODULE, PACK, VIN, add_events, seed
from fixtures.files import write_csv

runner = CliRunner()


def test_parse_one_code_json_contract() -> None:
    r = runner.invoke(app, ["battery", "parse", "ABCPB01A1B2C3DE2W0000001", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["count"] == 1
    row = out["data"][0]
    assert {k: row[k] for k in ("code", "valid", "product_type", "manufacturer", "serial", "errors")} == {
        "code": "ABCPB01A1B2C3DE2W0000001",
        "valid": True,
        "product_type": "pack",
        "manufacturer": "ABC",
        "serial": "0000001",
        "errors": [],
    }


def test_parse_file_reports_each_line_and_exits_2_on_any_invalid(tmp_path: Path) -> None:
    f = tmp_path / "codes.txt"
    f.write_text(
        "ABCPB01A1B2C3DE2W0000001\n\nABCMB01A1B2C3DE2W000000X\nABCCE02G110000042\n", encoding="utf-8"
    )
    r = runner.invoke(app, ["battery", "parse", "--file", str(f), "--json"])
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert out["count"] == 3
    assert [d["valid"] for d in out["data"]] == [True, False, True]
    assert [d["product_type"] for d in out["data"]] == ["pack", "module", "cell"]
    assert out["data"][1]["errors"] == ["第24位“X”（序列号）：序列号应为7位数字"]
    assert out["data"][2]["form"] == "cascade"


def test_parse_needs_exactly_one_input() -> None:
    assert runner.invoke(app, ["battery", "parse"]).exit_code == 2


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "t.duckdb"
    conn = connect(path)
    seed(conn, tmp_path)
    add_events(conn, tmp_path, [
        ["e1", PACK, "installed", "oem1", "oem", "500112", "2024-10-08", ""],
        ["e2", CELL, "recycler_in", "rec1", "recycler", "500120", "2024-10-08", "2024-10-10"],
    ])  # fmt: skip
    conn.close()
    return path


def test_trace_json(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["--db", str(db), "battery", "trace", CELL, "--as-of", "2024-12-31", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [p["code"] for p in out["parents"]] == [MODULE, PACK]
    assert out["children"] == []
    assert [e["event"] for e in out["events"]] == ["recycler_in"]
    assert out["vehicle"] == {"vin": VIN, "oem_id": "oem1"}
    r = runner.invoke(app, ["--db", str(db), "battery", "trace", PACK, "--as-of", "2024-12-31", "--json"])
    out = json.loads(r.stdout)
    assert [c["code"] for c in out["children"]] == [MODULE, CELL, "ABCCE01T000001EA10000002"]
    assert {(x["event_id"], x["state"]) for x in out["reports"]} == {("e1", "missing"), ("e2", "on_time")}


def test_trace_unknown_code(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["--db", str(db), "battery", "trace", "ABCPE01T000001EA10000999"])
    assert r.exit_code == 1 and "不在库中" in r.output


def test_overdue_and_import(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["--db", str(db), "battery", "overdue", "--as-of", "2024-12-31", "--json"])
    out = json.loads(r.stdout)
    # installed Tue 2024-10-08, 15 working days → 2024-10-28, nothing reported
    assert [(d["event_id"], d["state"], d["deadline"]) for d in out["data"]] == [
        ("e1", "missing", "2024-10-28")
    ]
    bad = write_csv(
        tmp_path / "bad.csv", ["电池编码", "来源", "数据状态"], [["ABCXE01T000001EA10000001", "t", "示意"]]
    )
    r = runner.invoke(app, ["--db", str(db), "battery", "import", str(bad), "--json"])
    assert r.exit_code == 2
    assert json.loads(r.stdout)["problems"][0]["row"] == 2


def test_bundled_demo_batteries(demo_db_copy: Path) -> None:
    r = runner.invoke(
        app, ["--db", str(demo_db_copy), "battery", "overdue", "--as-of", "2026-11-30", "--json"]
    )
    assert r.exit_code == 0, r.output
    states = sorted((d["event"], d["state"]) for d in json.loads(r.stdout)["data"])
    # the planted faults (see chainbrain.battery.demo): one late shipment, two collection reports never
    # filed, one repair whose 30-working-day deadline runs into 2027, beyond the holiday calendar
    assert states == [("collected_in", "missing"), ("collected_out", "missing"), ("repaired", "unknown"),
                      ("shipped", "late")]  # fmt: skip
    r = runner.invoke(app, ["--db", str(demo_db_copy), "battery", "chains", "--json"])
    assert sorted(d["problem"] for d in json.loads(r.stdout)["data"]) == [
        "installed_pack_without_vin", "recycled_never_retired",
    ]  # fmt: skip


def test_compliance_board_names_the_reporters(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["--db", str(db), "battery", "compliance", "--as-of", "2024-12-31", "--json"])
    assert r.exit_code == 0, r.output
    rows = {(d["reporter_id"], d["reporter_role"]): d for d in json.loads(r.stdout)["data"]}
    # e1: installed 2024-10-08, never reported (deadline 2024-10-28) → missing; e2 reported in 2 days → on time
    assert {k: (d["total"], d["on_time"], d["missing"]) for k, d in rows.items()} == {
        ("oem1", "oem"): (1, 0, 1),
        ("rec1", "recycler"): (1, 1, 0),
    }
    assert rows[("oem1", "oem")]["reporter_name"] == "测试企业oem1"
    r = runner.invoke(app, ["--db", str(db), "battery", "compliance", "--as-of", "2024-12-31"])
    assert r.exit_code == 0 and "测试企业oem1" in r.output and "汽车生产企业" in r.output


def test_passport_by_access_group(tmp_path: Path) -> None:
    db = _store(tmp_path)
    base = ["--db", str(db), "battery", "passport", PACK, "--as-of", "2024-12-31"]
    gov = json.loads(runner.invoke(app, [*base, "--access", "authority", "--json"]).stdout)
    assert gov["dynamic"]["vehicle"]["vin"] == VIN and gov["withheld"] == []
    pub = json.loads(runner.invoke(app, [*base, "--json"]).stdout)
    assert pub["audience"] == "public" and "dynamic.vehicle.vin" in pub["withheld"]
    text = runner.invoke(app, base).output
    assert "产品编码" in text and "已隐去" in text and VIN not in text
    # the hand store's records are 示意: the Chinese text says so in Chinese, not as the stored key
    assert "数据状态 示意" in text and "illustrative" not in text
    traced = runner.invoke(app, ["--db", str(db), "battery", "trace", PACK, "--as-of", "2024-12-31"]).output
    assert "数据状态 示意" in traced and "illustrative" not in traced
    assert runner.invoke(app, [*base, "--access", "everyone"]).exit_code == 2
    missing = runner.invoke(app, ["--db", str(db), "battery", "passport", "ABCPE01T000001EA10000999"])
    assert missing.exit_code == 1 and "不在库中" in missing.output


def test_recycling_on_the_bundled_demo(demo_db_copy: Path) -> None:
    r = runner.invoke(app, ["--db", str(demo_db_copy), "battery", "recycling", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    # one recycler in the demo ledger, so it holds 100 % ≥ 20 %: one 头部企业
    assert [(x["name"], x["share"]) for x in out["recyclers"]] == [("重庆长寿新创电池回收科技有限公司", 1.0)]
    assert out["leading_recyclers"] == 1 and out["leading_share"] == 0.2
    assert [(n["district_name"], n["sites"]) for n in out["network"]] == [("渝北区", 1)]
    assert (out["districts_covered"], out["districts_total"]) == (1, 38)
    text = runner.invoke(app, ["--db", str(demo_db_copy), "battery", "recycling"]).output
    assert "渝北区" in text and "头部企业（占比 ≥20%）1 家" in text
    # the threshold is chainbrain's, and the figures rest on the bundled illustrative ledger: both said
    assert "头部企业口径为 chainbrain 所定，规划未定义" in text
    assert out["status"] == "illustrative" and "数据状态：示意" in text
    y = json.loads(
        runner.invoke(
            app, ["--db", str(demo_db_copy), "battery", "recycling", "--year", "2026", "--json"]
        ).stdout
    )
    assert y["year"] == 2026 and {f["year"] for f in y["flows"]} == {2026}


def test_overdue_by_actor_equals_the_row_by_row_roll_up(demo_db_copy: Path) -> None:
    import datetime as dt

    from chainbrain.battery.duties import by_actor, check_reports

    r = runner.invoke(
        app,
        ["--db", str(demo_db_copy), "battery", "overdue", "--by-actor", "--as-of", "2026-11-30", "--json"],
    )
    assert r.exit_code == 0, r.output
    conn = connect(demo_db_copy, read_only=True)
    try:
        expected = [a.to_dict() for a in by_actor(check_reports(conn, dt.date(2026, 11, 30)))]
    finally:
        conn.close()
    assert json.loads(r.stdout)["data"] == expected
    one = runner.invoke(app, ["--db", str(demo_db_copy), "battery", "overdue", "--by-actor", "--as-of",
                              "2026-11-30", "--actor", "changan", "--json"])  # fmt: skip
    assert json.loads(one.stdout)["data"] == [a for a in expected if a["reporter_id"] == "changan"]
