"""The cockpit commands: targets --json, monitor --json, observe, report."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.monitor.demo import load_demo_monitor
from chainbrain.store import connect

runner = CliRunner()


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "cq.duckdb"
    conn = connect(path)
    load_demo_monitor(conn)
    conn.close()
    return path


def test_targets_json_shape(db_file):
    res = runner.invoke(app, ["--db", str(db_file), "targets", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["count"] == len(out["data"]) == 52
    by = {d["id"]: d for d in out["data"]}
    firms = by["yulian27_parts_firms"]
    assert {"id", "name", "unit", "value", "year", "kind", "baseline", "source"} <= set(firms)
    assert firms["baseline"] == {"value": 543.0, "year": 2024}
    assert firms["source"]["clause"] == "一" and "渝链智擎" in firms["source"]["document"]
    brands = by["cluster_world_class_brands_2030"]
    assert (brands["value"], brands["max"]) == (1.0, 2.0)
    assert by["yulian27_exports"]["baseline"] is None


def test_monitor_json_and_observe(db_file):
    db = ["--db", str(db_file)]
    res = runner.invoke(app, [*db, "monitor", "--json", "--as-of", "2026-10-31"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.stdout)["data"]}
    assert {"id", "status", "latest", "projected", "required_now"} <= set(rows["yulian27_exports"])
    assert rows["yulian27_exports"]["latest"] == 950
    bad = runner.invoke(app, [*db, "observe", "yulian27_exports", "2026Q3", "960", "--source", "月报"])
    assert bad.exit_code == 2  # a different value for 2026Q3 without --correction
    good = runner.invoke(
        app,
        [*db, "observe", "yulian27_exports", "2026Q3", "960", "--source", "月报", "--correction",
         "--as-of", "2026-11-05"],
    )  # fmt: skip
    assert good.exit_code == 0, good.output
    res = runner.invoke(app, [*db, "monitor", "--json", "--as-of", "2026-11-05"])
    assert {r["id"]: r for r in json.loads(res.stdout)["data"]}["yulian27_exports"]["latest"] == 960


def test_report_command_writes_both_formats(db_file, tmp_path):
    for name in ("b.docx", "b.xlsx"):
        out = tmp_path / name
        res = runner.invoke(app, ["--db", str(db_file), "report", "-o", str(out), "--as-of", "2026-10-31"])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 5000
