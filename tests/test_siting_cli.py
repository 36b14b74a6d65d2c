"""The ``chainbrain siting`` commands: exact JSON shapes, exit 2 when not optimal, exit 1 on bad CSV.

Points sit on one meridian (lon 106.5), so a distance is R · Δlat in radians: 0.025° is 2.780 km and 0.05°
is 5.560 km (R = 6371.0088 km)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app

runner = CliRunner()
ORLIB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "orlib_pmed"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    d = tmp_path / "demand.csv"
    d.write_text(
        "id,lon,lat,weight\nD1,106.5,29.50,1\nD2,106.5,29.55,2\nD3,106.5,29.60,4\nD4,106.5,29.70,8\n",
        encoding="utf-8",
    )
    c = tmp_path / "cand.csv"
    c.write_text("id,lon,lat\nC1,106.5,29.525\nC2,106.5,29.575\nC3,106.5,29.65\n", encoding="utf-8")
    return d, c


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["siting", *args])


def test_lscp_json(files):
    d, c = files
    # 6 km: C1 covers D1, D2 (2.78 km); C3 covers D3, D4 (5.56 km); C2 misses D1 and D4
    res = _run("lscp", "--demand", str(d), "--candidates", str(c), "--radius-km", "6", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {k: out[k] for k in ("count", "sites", "status")} == {
        "count": 2,
        "sites": ["C1", "C3"],
        "status": "optimal",
    }


def test_lscp_infeasible_exits_2(files):
    d, c = files
    # 3 km: nothing reaches D4 (5.56 km from C3)
    res = _run("lscp", "--demand", str(d), "--candidates", str(c), "--radius-km", "3", "--json")
    assert res.exit_code == 2
    assert json.loads(res.stdout)["status"] == "infeasible"


def test_lscp_with_a_fixed_site(files, tmp_path):
    d, _ = files
    c = tmp_path / "fixed.csv"
    c.write_text(
        "id,lon,lat,fixed\nC1,106.5,29.525,0\nC2,106.5,29.575,1\nC3,106.5,29.65,0\n", encoding="utf-8"
    )
    res = _run("lscp", "--demand", str(d), "--candidates", str(c), "--radius-km", "6", "--json")
    out = json.loads(res.stdout)
    assert out["count"] == 3 and out["sites"] == ["C1", "C2", "C3"]  # C2 kept, C1 and C3 still needed


@pytest.mark.parametrize(("radius", "weight", "site"), [("3", 6.0, "C2"), ("6", 12.0, "C3")])
def test_mclp_json(files, radius, weight, site):
    d, c = files
    # 3 km: C1 covers D1+D2 (3), C2 covers D2+D3 (6), C3 nothing; 6 km: C3 covers D3+D4 (12)
    res = _run(
        "mclp", "--demand", str(d), "--candidates", str(c), "--radius-km", radius, "--p", "1", "--json"
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {
        "covered_weight": weight,
        "sites": [site],
        "status": "optimal",
    }


def test_pcenter_table_and_json(files):
    d, c = files
    res = _run("pcenter", "--demand", str(d), "--candidates", str(c), "--p", "2")
    assert res.exit_code == 0, res.output
    assert "p-中心" in res.stdout and "最远距离" in res.stdout and "服务需求点数" in res.stdout
    res = _run("pcenter", "--demand", str(d), "--candidates", str(c), "--p", "2", "--json")
    out = json.loads(res.stdout)
    # {C1, C3}: D1, D2 at 2.78 km, D3, D4 at 5.56 km; any pair without C3 leaves D4 ≥ 13.9 km away
    assert out["sites"] == ["C1", "C3"] and out["status"] == "optimal"
    assert out["radius_km"] == pytest.approx(6371.0088 * 0.05 * 3.141592653589793 / 180, rel=1e-9)


def test_pmedian_orlib_json():
    res = _run("pmedian", "--orlib", str(ORLIB / "pmed1.txt"), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"objective", "status", "sites", "seconds"}
    assert out["objective"] == 5819 and out["status"] == "optimal" and len(out["sites"]) == 5
    assert all(isinstance(s, int) and 1 <= s <= 100 for s in out["sites"])
    assert out["seconds"] >= 0


def test_pmedian_from_csv(files):
    d, c = files
    res = _run("pmedian", "--demand", str(d), "--candidates", str(c), "--p", "3", "--json")
    out = json.loads(res.stdout)
    assert out["status"] == "optimal" and sorted(out["sites"]) == ["C1", "C2", "C3"]


def test_bad_csv_exits_1_naming_file_row_column_value(files, tmp_path):
    _, c = files
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lon,lat,weight\nD1,106.5,29.5,1\nD2,106.5,29.6,多\n", encoding="utf-8")
    res = _run("lscp", "--demand", str(bad), "--candidates", str(c), "--radius-km", "6", "--json")
    assert res.exit_code == 1
    assert "bad.csv 第 3 行 weight 列：'多' 不是数字" in res.stderr


def test_pmedian_needs_one_input(files):
    res = _run("pmedian", "--json")
    assert res.exit_code == 1 and "二选一" in res.stderr
