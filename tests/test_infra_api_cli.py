"""充换电与车路云 over HTTP and on the command line: the library's answers, for every logged-in role."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.cli import app
from chainbrain.infra.coverage import township_coverage
from chainbrain.store import connect

PASSWORD = "infra-pass-123"
USERS = {"analyst": ("analyst", None), "viewer": ("viewer", None), "buyer": ("enterprise", "changan")}


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path_factory.mktemp("apiinfra") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c, path


def _head(c: TestClient, user: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    c.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_every_role_reads_coverage_as_the_library_computes_it(client, demo_db):
    c, _ = client
    for user in USERS:
        r = c.get("/api/v1/infra/coverage", params={"radius_km": 5}, headers=_head(c, user))
        assert r.status_code == 200, user
        body = r.json()
        assert body["count"] == len(body["data"]) == body["townships"] == 1031
    lib = township_coverage(demo_db, radius_km=5)  # a copy of the same demo store
    assert body["uncovered"] == lib.uncovered == sum(1 for t in body["data"] if not t["covered"])
    assert body["threshold_kw"] == 480 and body["radius_km"] == 5


def test_login_required_and_bad_parameters_are_refused_in_chinese(client):
    c, _ = client
    assert c.get("/api/v1/infra/coverage").status_code == 401
    h = _head(c, "viewer")
    r = c.get("/api/v1/infra/coverage", params={"radius_km": 0}, headers=h)
    assert r.status_code == 422 and "radius_km" in r.json()["detail"]
    r = c.get("/api/v1/infra/stations", params={"kind": "超级"}, headers=h)
    assert r.status_code == 422 and "超级" in r.json()["detail"]


def test_stations_kinds_v2x_and_targets(client):
    c, _ = client
    h = _head(c, "viewer")
    truck = c.get("/api/v1/infra/stations", params={"kind": "重卡超充"}, headers=h).json()
    assert truck["count"] == 3 and {s["kind_zh"] for s in truck["data"]} == {"重卡超充"}
    assert all(s["ultra"] and s["status"] == "illustrative" for s in truck["data"])
    kinds = {k["kind"]: k for k in c.get("/api/v1/infra/stations/kinds", headers=h).json()["data"]}
    assert kinds["ultra"]["operating"] + kinds["truck_ultra"]["operating"] == 1580  # 30 under the threshold
    v2x = c.get("/api/v1/infra/v2x", headers=h).json()
    assert v2x["intersections"] == sum(d["intersections"] for d in v2x["districts"]) == 335
    assert v2x["km"] == pytest.approx(1650) and v2x["vehicles"] == 18400
    targets = {t["target_id"]: t for t in c.get("/api/v1/infra/targets", headers=h).json()["data"]}
    assert targets["yulian27_supercharging_stations"]["live_value"] == 1550


def test_openapi_documents_the_routes(client):
    c, _ = client
    paths = c.get("/openapi.json").json()["paths"]
    for p in (
        "/api/v1/infra/stations",
        "/api/v1/infra/coverage",
        "/api/v1/infra/v2x",
        "/api/v1/infra/targets",
    ):
        schema = paths[p]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, p


def test_cli_coverage_json_and_table(demo_db_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "coverage", "--radius-km", "5", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["count"] == 1031 and body["uncovered"] == sum(1 for t in body["data"] if not t["covered"])
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "coverage", "--radius-km", "5", "--top", "3"])
    assert r.exit_code == 0 and f"{body['uncovered']}" in r.output and "未覆盖的乡镇街道" in r.output
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "coverage", "--radius-km", "0"])
    assert r.exit_code == 2 and "半径" in r.output


def test_cli_stations_and_v2x(demo_db_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "stations", "--kind", "重卡超充", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["count"] == 3
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "stations", "--kind", "超级"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["--db", str(demo_db_copy), "infra", "v2x", "--json"])
    body = json.loads(r.output)
    assert body["intersections"] == 335 and body["vehicles"] == 18400
    assert any(
        t["target_id"] == "yulian27_connected_road_km" and t["live_value"] == 1650 for t in body["data"]
    )


def test_every_role_asks_for_proposals_as_the_library_computes_them(client, demo_db):
    from chainbrain.infra.planning import propose_sites

    c, _ = client
    lib = propose_sites(demo_db, count=50, radius_km=5)
    for user in USERS:
        r = c.post("/api/v1/infra/proposals", json={"count": 50, "radius_km": 5}, headers=_head(c, user))
        assert r.status_code == 200, (user, r.text)
        body = r.json()
        assert body["status"] == lib.status == "optimal" and body["illustrative"] is True
        assert [s["township_code"] for s in body["sites"]] == [s.township_code for s in lib.sites]
        assert (body["covered_before"], body["covered_after"]) == (lib.covered_before, lib.covered_after)
    cov = township_coverage(demo_db, radius_km=5)
    assert body["covered_before"] == cov.covered < body["covered_after"]
    assert len(body["sites"]) == 50 and body["covered_after"] - body["covered_before"] == sum(
        s["new_townships"] for s in body["sites"]
    )
    uncovered = {t.code for t in cov.rows if not t.covered}
    assert all(set(s["newly_covered"]) <= uncovered for s in body["sites"])
    assert all(s["sizing"]["guns"] >= 1 and s["sizing"]["p_wait"] <= 0.2 for s in body["sites"])


@pytest.mark.parametrize(
    "extra",
    ['"count": 0', '"count": 501', '"radius_km": 0', '"radius_km": 51', '"radius_km": "Infinity"',
     '"radius_km": NaN', '"kind": "快充"', '"session_minutes": 1e309', '"max_p_wait": 1.5'],
)  # fmt: skip
def test_proposal_bodies_are_bounded(client, extra):
    c, _ = client
    head = _head(c, "viewer") | {"Content-Type": "application/json"}
    r = c.post("/api/v1/infra/proposals", content="{" + extra + "}", headers=head)
    assert r.status_code == 422, r.text


def test_proposals_need_login_and_origin_with_cookies(client):
    c, _ = client
    assert c.post("/api/v1/infra/proposals", json={"count": 5}).status_code == 401
    c.post("/api/v1/auth/login", json={"username": "viewer", "password": PASSWORD})
    try:
        assert c.post("/api/v1/infra/proposals", json={"count": 5}).status_code == 403  # no Origin
        ok = c.post("/api/v1/infra/proposals", json={"count": 5}, headers={"Origin": "http://testserver"})
        assert ok.status_code == 200
    finally:
        c.cookies.clear()


def test_plan_to_the_target(client, demo_db):
    from chainbrain.infra.indicators import supercharging_stations

    c, _ = client
    r = c.get("/api/v1/infra/plan", params={"target": 2000, "year": 2030}, headers=_head(c, "analyst"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["existing_stations"] == supercharging_stations(demo_db)
    years = body["years"]
    assert years[-1]["year"] == 2030 and years[-1]["stations"] == 2000
    assert sum(y["added"] for y in years) == 2000 - body["existing_stations"]
    assert all(a["coverage_pct"] <= b["coverage_pct"] for a, b in zip(years, years[1:], strict=False))
    assert years[0]["coverage_pct"] > body["coverage_pct_now"]
    assert c.get("/api/v1/infra/plan", params={"year": 1999}, headers=_head(c, "analyst")).status_code == 422


def test_cli_propose_and_plan(client, demo_db):
    _, path = client
    run = CliRunner().invoke(app, ["--db", str(path), "infra", "propose", "--count", "20", "--json"])
    assert run.exit_code == 0, run.output
    body = json.loads(run.output)
    assert len(body["data"]) == 20 and body["covered_after"] > body["covered_before"]
    text = CliRunner().invoke(app, ["--db", str(path), "infra", "propose", "--count", "5"])
    assert text.exit_code == 0 and "选址建议" in text.output and "示意" in text.output
    pipe = CliRunner().invoke(
        app, ["--db", str(path), "infra", "propose", "--count", "20", "--include-pipeline", "--json"]
    )
    pj = json.loads(pipe.output)
    building_planned = demo_db.execute(
        "SELECT count(*) FROM charging_station WHERE state IN ('building', 'planned') AND max_power_kw >= 480"
    ).fetchone()[0]
    assert pj["include_pipeline"] and pj["pipeline_stations"] == building_planned > 0
    assert pj["covered_before"] == body["covered_before"] <= pj["covered_pipeline"] < pj["covered_after"]
    plan = CliRunner().invoke(app, ["--db", str(path), "infra", "plan", "--year", "2030", "--json"])
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.output)["data"][-1]["stations"] == 2000
    bad = CliRunner().invoke(app, ["--db", str(path), "infra", "propose", "--count", "0"])
    assert bad.exit_code == 2 and "建议站点数" in bad.output
