"""The ``chain`` commands: the JSON contract and the Chinese tables, on the hand-built store of fixtures.chain."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.store import connect
from fixtures.chain import build_store

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    conn = connect(path)
    build_store(conn)
    conn.close()
    return path


def run(db, *args):
    result = runner.invoke(app, ["--db", str(db), "chain", *args])
    return result


def test_local_rate_json_contract(db):
    r = run(db, "local-rate", "--by", "oem", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"data", "count"} and out["count"] == 2
    keys = {
        "key",
        "name",
        "local_value",
        "total_value",
        "rate_value",
        "local_count",
        "total_count",
        "rate_count",
    }
    assert set(out["data"][0]) == keys
    # OEM1: 3.5e9 local of 6.7e9 (see test_chain); 2 of 5 links
    assert out["data"][0]["key"] == "OEM1"
    assert out["data"][0]["rate_value"] == pytest.approx(3.5 / 6.7)
    assert out["data"][0]["local_count"] == 2 and out["data"][0]["total_count"] == 5


def test_tables_speak_chinese(db, monkeypatch):
    from chainbrain.cli import context

    monkeypatch.setattr(context.console, "width", 250)  # keep headers on one line
    r = run(db, "local-rate", "--by", "segment", "--boundary", "chengyu")
    assert r.exit_code == 0, r.output
    assert "本地配套率(金额)" in r.stdout and "动力电池" in r.stdout
    r = run(db, "gaps", "--top", "2")
    assert r.exit_code == 0, r.output
    assert "外购额(亿元)" in r.stdout and "产能不足" in r.stdout
    r = run(db, "concentration")
    assert r.exit_code == 0 and "单一来源" in r.stdout
    r = run(db, "whatif", "--segment", "bat", "--capacity", "70000", "--district", "500106")
    assert r.exit_code == 0, r.output
    # city rate 3.86/8.66 = 44.6% → 7.06/8.66 = 81.5%
    assert "44.6%" in r.stdout and "81.5%" in r.stdout


def test_json_of_gaps_concentration_whatif(db):
    g = json.loads(run(db, "gaps", "--json").stdout)
    assert [x["segment_id"] for x in g["data"]] == ["bat", "mot", "cam"] and g["count"] == 3
    c = json.loads(run(db, "concentration", "--json").stdout)
    assert len(c["single_sourced_lines"]) == 3
    w = json.loads(run(db, "whatif", "--segment", "bat", "--capacity", "70000", "--json").stdout)
    assert w["displaced_value"] == pytest.approx(3.2e9)


def test_bad_input_is_named(db):
    r = run(db, "local-rate", "--boundary", "town")
    assert r.exit_code == 1 and "town" in r.output
    r = run(db, "local-rate", "--by", "planet")
    assert r.exit_code == 1 and "planet" in r.output
    r = run(db, "whatif", "--segment", "bat", "--capacity", "10", "--district", "530102")
    assert r.exit_code == 1 and "530102" in r.output
