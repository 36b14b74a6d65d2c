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
