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
