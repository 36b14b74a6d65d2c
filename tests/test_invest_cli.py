"""The invest / cultivate / need / offer / match commands, driven through their own Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from chainbrain.cli import invest_cmds
from chainbrain.cli.context import State
from fixtures.invest import attract_store, cultivate_store, match_store

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context, db: Path = typer.Option(None, "--db")) -> None:
        ctx.obj = State(db=db)

    invest_cmds.register(app)
    return app


APP = _app()


def _file(conn: duckdb.DuckDBPyConnection, path: Path) -> Path:
    conn.execute(f"ATTACH '{path}' AS f")
    conn.execute("COPY FROM DATABASE memory TO f")
    conn.execute("DETACH f")
    conn.close()
    return path


def run(db: Path, *args: str):
    return runner.invoke(APP, ["--db", str(db), *args])


@pytest.fixture
def attract_db(tmp_path):
    return _file(attract_store(), tmp_path / "a.duckdb")


def test_recommend_json_and_table(attract_db):
    r = run(attract_db, "invest", "recommend", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)["data"]
    assert data[0]["segment_id"] == "battery.pack"
    assert data[0]["candidates"][0]["enterprise_id"] == "catl"
    assert data[0]["candidates"][0]["score"] == pytest.approx(0.7375)  # worked out in test_invest_attract.py
    r = run(attract_db, "invest", "recommend", "--segment", "adas.lidar", "--explain")
    assert r.exit_code == 0 and "lid2公司" in r.output and "L4" in r.output


def test_district_list_and_export(attract_db, tmp_path):
    r = run(attract_db, "invest", "district", "500101", "--json")
    assert r.exit_code == 0, r.output
    assert [c["enterprise_id"] for c in json.loads(r.output)["data"]][:1] == ["catl"]
    out = tmp_path / "清单.xlsx"
    r = run(attract_db, "invest", "export", str(out), "--district", "500120")
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["招商清单", "得分依据", "环节缺口"]
    assert wb["招商清单"].max_row == 1 + 4  # catl, bat2, bat3, lid2
    assert wb["得分依据"].max_row == 1 + 4 * 5  # five parts each
    assert wb["环节缺口"].max_row == 1 + 2


def test_map(attract_db):
    data = json.loads(run(attract_db, "invest", "map", "--json").output)["data"]
    # packs go to 璧山 (fit 0.6), lidars to 渝北 (fit 1.0): see test_invest_attract.py
    assert [(g["district"], g["count"]) for g in data] == [("500120", 3), ("500112", 1)]
    assert run(attract_db, "invest", "map").exit_code == 0


def test_leads_commands(attract_db):
    assert (
        run(attract_db, "invest", "leads", "from-recommend", "--district", "500120", "--top", "2").exit_code
        == 0
    )
    r = run(attract_db, "invest", "leads", "add", "lid2", "--segment", "adas.lidar", "--date", "2025-01-01")
    assert r.exit_code == 0, r.output
    lid = r.output.split("已新建线索 ")[1].split()[0]
    assert run(attract_db, "invest", "leads", "move", lid, "洽谈", "--date", "2025-02-01").exit_code == 0
    r = run(attract_db, "invest", "leads", "move", lid, "线索", "--date", "2025-03-01")
    assert r.exit_code == 1 and "不能回到" in r.output
    rep = json.loads(run(attract_db, "invest", "leads", "report", "--json").output)
    assert rep["recommended"]["leads"] == 2 and rep["recommended"]["moved"] == 0
    assert rep["other"]["reached"]["talks"] == 1
    listing = json.loads(run(attract_db, "invest", "leads", "list", "--json").output)
    assert listing["count"] == 3


def test_cultivate_commands(tmp_path):
    db = _file(cultivate_store(), tmp_path / "c.duckdb")
    r = run(db, "cultivate", "zjtx", "--json")
    assert r.exit_code == 0, r.output
    assert [a["enterprise_id"] for a in json.loads(r.output)["data"]] == ["f1", "f3"]
    r = run(db, "cultivate", "xjr", "--firm", "f2")
    assert r.exit_code == 0 and "缺数据" in r.output and "不满足" in r.output
    r = run(db, "cultivate", "criteria", "--json")
    assert json.loads(r.output)["count"] == 17


def test_need_offer_match_commands(tmp_path):
    db = _file(match_store(), tmp_path / "m.duckdb")
    r = run(db, "need", "add", "--buyer", "oem", "--segment", "adas.lidar", "--title", "激光雷达",
            "--spec", "前向激光雷达 905nm", "--volume", "12000", "--certs", "IATF 16949", "--site", "p")  # fmt: skip
    assert r.exit_code == 0, r.output
    nid = r.output.split("已发布需求 ")[1].split("；")[0]
    m = json.loads(run(db, "match", "need", nid, "--json").output)
    assert [x["id"] for x in m["data"]] == ["s1", "s2", "s3"]  # as worked out in test_match.py
    r = run(db, "offer", "add", "--supplier", "s4", "--segments", "battery.pack", "--title", "液冷电池包")
    assert r.exit_code == 0, r.output
    assert json.loads(run(db, "offer", "list", "--supplier", "s4", "--json").output)["count"] == 1
    assert json.loads(run(db, "need", "list", "--json").output)["count"] == 1
    assert run(db, "offer", "close", "O2").exit_code == 0
    assert (
        "s2" not in [x["id"] for x in json.loads(run(db, "match", "need", nid, "--json").output)["data"]][:1]
    )
    assert [x["id"] for x in json.loads(run(db, "match", "offer", "O1", "--json").output)["data"]] == [nid]
    r = run(db, "need", "add", "--buyer", "nobody", "--segment", "adas.lidar", "--title", "激光雷达")
    assert r.exit_code == 1 and "采购方企业 nobody 不存在" in r.output
    r = run(db, "need", "close", "n-404")
    assert r.exit_code == 1 and "采购需求 n-404 不存在" in r.output
    r = run(db, "match", "need", "n-404")
    assert r.exit_code == 1 and "采购需求 n-404 不存在" in r.output
