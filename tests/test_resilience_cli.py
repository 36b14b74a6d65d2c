"""The ``chainbrain resilience`` commands: JSON shapes, Chinese errors, --from-db."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.store import connect
from fixtures.resilience import NET1, small_store

runner = CliRunner()


@pytest.fixture
def net_file(tmp_path: Path) -> Path:
    p = tmp_path / "net.json"
    p.write_text(json.dumps(NET1), encoding="utf-8")
    return p


def test_solve_json(net_file: Path) -> None:
    res = runner.invoke(app, ["resilience", "solve", "--network", str(net_file), "--node", "B", "--json"])
    assert res.exit_code == 0, res.output
    # B's own ttr (10 days): loss 60, TTS 4 (serial-chain working in test_resilience_model).
    out = json.loads(res.stdout)
    assert out == {"node": "B", "ttr": 10.0, "loss": pytest.approx(60.0), "tts": pytest.approx(4.0)}
    res = runner.invoke(
        app, ["resilience", "solve", "--network", str(net_file), "--node", "B2", "--ttr", "3", "--json"]
    )
    assert json.loads(res.stdout)["tts"] is None


def test_sweep_json(net_file: Path) -> None:
    res = runner.invoke(app, ["resilience", "sweep", "--network", str(net_file), "--ttr", "10", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["count"] == 4
    assert set(out["data"][0]) == {"node", "ttr", "loss", "tts", "rei"}
    # all down 10 days: C → (50 − 10) × 2 = 80 (REI 1), B → 60, A → 60 (B's stock only), B2 → 0.
    assert [(r["node"], round(r["loss"], 6)) for r in out["data"]][0] == ("C", 80.0)
    assert {r["node"]: round(r["rei"], 6) for r in out["data"]}["B"] == 0.75


def test_unknown_node_and_bad_file(net_file: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["resilience", "solve", "--network", str(net_file), "--node", "ZZ", "--ttr", "1"]
    )
    assert res.exit_code == 2 and "ZZ" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({**NET1, "supply": [{"supplier": "A", "node": "C", "material": "x"}]}), encoding="utf-8"
    )
    res = runner.invoke(app, ["resilience", "sweep", "--network", str(bad)])
    assert res.exit_code == 2 and "网络无效" in res.output


def test_ray_error_in_chinese(net_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the ray extra (an import of ray fails), --ray-address says so in Chinese."""
    monkeypatch.setitem(sys.modules, "ray", None)
    res = runner.invoke(app, ["resilience", "sweep", "--network", str(net_file), "--ray", "127.0.0.1:6379"])
    assert res.exit_code == 1 and "未安装 ray" in res.output


def test_tables_render(net_file: Path) -> None:
    for args in (["backups"], ["choke"], ["district", "--district", "500112"], ["sweep", "--groups"]):
        res = runner.invoke(app, ["resilience", *args, "--network", str(net_file)])
        assert res.exit_code == 0, (args, res.output)
    res = runner.invoke(app, ["resilience", "backups", "--network", str(net_file), "--json"])
    recs = json.loads(res.stdout)["data"]
    assert {r["node"] for r in recs} == {"A", "B", "C"}


def test_from_db(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    conn = connect(db)
    small_store(conn)
    conn.close()
    res = runner.invoke(app, ["--db", str(db), "resilience", "solve", "--from-db", "--node", "BAT", "--json"])
    assert res.exit_code == 0, res.output
    # BAT down its 20 days: 18,000,000 元 lost, TTS 8 days (worked in test_network_from_store).
    out = json.loads(res.stdout)
    assert out["loss"] == pytest.approx(18_000_000.0) and out["tts"] == pytest.approx(8.0)
    res = runner.invoke(app, ["--db", str(db), "resilience", "sweep", "--from-db", "--json"])
    assert json.loads(res.stdout)["count"] == 4
