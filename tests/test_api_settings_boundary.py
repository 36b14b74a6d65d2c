"""The web app's default boundary is the configured one (``CHAINBRAIN_BOUNDARY``), as for the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api.accounts import create_user
from chainbrain.api.app import create_app
from chainbrain.api.settings import ApiSettings
from chainbrain.store import connect

PASSWORD = "boundary-check-9"


def _headers(client: TestClient) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": "ana", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def store(demo_db_copy: Path) -> Path:
    conn = connect(demo_db_copy)
    create_user(conn, "ana", PASSWORD, "analyst")
    conn.close()
    return demo_db_copy


def _rounded(x: object) -> object:
    """``x`` with floats to 9 significant digits: DuckDB's parallel sums may differ in the last bits run to run."""
    if isinstance(x, float):
        return float(f"{x:.9g}")
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def _answers(app_settings: ApiSettings | None, query: str = "") -> dict[str, object]:
    with TestClient(create_app(app_settings)) as client:
        h = _headers(client)
        out: dict[str, object] = {}
        for route in ("overview", "local-rate?by=segment", "gaps?top=5"):
            sep = "&" if "?" in route else "?"
            r = client.get(f"/api/v1/analytics/{route}{sep + query if query else ''}", headers=h)
            assert r.status_code == 200, r.text
            out[route] = _rounded(r.json())
        body = {"segment": "battery.pack", "capacity": 200000}
        if query:
            body["boundary"] = query.split("=", 1)[1]
        r = client.post("/api/v1/analytics/whatif", json=body, headers=h)
        assert r.status_code == 200, r.text
        out["whatif"] = _rounded(r.json())
        return out


def test_the_configured_boundary_is_the_default_of_every_analytics_route(store: Path) -> None:
    chengyu_default = _answers(ApiSettings(db=store, boundary="chengyu"))
    chengyu_asked = _answers(ApiSettings(db=store), "boundary=chengyu")
    city_default = _answers(ApiSettings(db=store))
    assert chengyu_default == chengyu_asked
    assert chengyu_default["overview"]["boundary"] == "成渝地区双城经济圈"  # type: ignore[index]
    assert city_default["overview"]["boundary"] == "重庆市"  # type: ignore[index]
    # the wider area counts more of the same purchases as local
    assert chengyu_default["overview"] != city_default["overview"]


def test_the_environment_sets_the_default(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINBRAIN_DB", str(store))
    monkeypatch.setenv("CHAINBRAIN_BOUNDARY", "radius:50")
    answers = _answers(None)
    assert answers == _answers(ApiSettings(db=store), "boundary=radius:50")
    assert answers["overview"]["boundary"] == "重庆市（50公里半径）"  # type: ignore[index]
