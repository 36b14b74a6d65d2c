"""The events commands: add, list, exposure (equal to the library), correct, incidents, import errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.events.exposure import event_exposure
from chainbrain.store import connect

runner = CliRunner()


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), "events", *args])


def test_add_list_exposure_correct_and_incident(demo_db_copy):
    r = _run(demo_db_copy, "add", "宁德时代宜宾基地火灾，停产四十天", "--at", "2026-07-01", "--json")
    assert r.exit_code == 0, r.output
    [got] = json.loads(r.stdout)["data"]
    eid = got["event_id"]
    listed = json.loads(_run(demo_db_copy, "list", "--json").stdout)["data"]
    assert [(e["id"], e["event_type"], e["duration_days"], e["firms"]) for e in listed] == [
        (eid, "fire", 40.0, "catl")
    ]
    out = json.loads(_run(demo_db_copy, "exposure", str(eid), "--json").stdout)
    conn = connect(demo_db_copy)
    try:
        lib = event_exposure(conn, eid)
    finally:
        conn.close()
    assert out["loss"] == lib.loss and out["tts"] == lib.tts
    assert [p["plant"] for p in out["plants"]] == [p.plant for p in lib.plants]
    assert _run(demo_db_copy, "correct", str(eid), "--duration", "10").exit_code == 0
    assert json.loads(_run(demo_db_copy, "exposure", str(eid), "--json").stdout)["duration_days"] == 10.0
    assert _run(demo_db_copy, "incident", "open", str(eid)).exit_code == 0
    bad = _run(demo_db_copy, "incident", "move", "1", "已恢复")
    assert bad.exit_code == 1 and "不能从「待确认」转为「已恢复」" in bad.output
    assert _run(demo_db_copy, "incident", "move", "1", "无影响").exit_code == 0
    assert json.loads(_run(demo_db_copy, "incident", "list", "--json").stdout)["data"][0]["state"] == "无影响"


def test_import_refused_exits_1_and_names_the_row(demo_db_copy, tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("text,occurred_at\n赛力斯工厂火灾,not-a-date\n", encoding="utf-8")
    r = _run(demo_db_copy, "import", "--file", str(f))
    assert r.exit_code == 1
    assert "第2行 occurred_at" in r.output


def test_exposure_of_a_missing_event(demo_db_copy):
    r = _run(demo_db_copy, "exposure", "99")
    assert r.exit_code == 1 and "事件 99 不存在" in r.output
