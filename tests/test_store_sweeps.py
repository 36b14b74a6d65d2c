"""Resilience sweeps persist per network version: a restart answers from the store, a write recomputes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect, sweeps

ROWS = [
    {"node": "a", "ttr": 30.0, "loss": 2.0e8, "tts": 12.0, "rei": 1.0, "members": 1},
    {"node": "b", "ttr": 7.0, "loss": 5.0e7, "tts": None, "rei": 0.25, "members": 1},
]


def test_version_follows_the_network_tables(demo_db) -> None:
    v1 = sweeps.network_version(demo_db)
    assert sweeps.network_version(demo_db) == v1  # stable while nothing changes
    demo_db.execute("UPDATE enterprise SET note = 'x' WHERE id = 'changan'")  # not a network table
    assert sweeps.network_version(demo_db) == v1
    link = demo_db.execute("SELECT id, volume FROM supply_link ORDER BY id LIMIT 1").fetchone()
    demo_db.execute("UPDATE supply_link SET volume = ? WHERE id = ?", [link[1] + 1, link[0]])
    v2 = sweeps.network_version(demo_db)
    assert v2 != v1
    demo_db.execute("UPDATE supply_link SET volume = ? WHERE id = ?", [link[1], link[0]])
    assert sweeps.network_version(demo_db) == v1  # content, not a counter: undoing the write restores it


def test_cached_sweep_computes_once_per_version(demo_db) -> None:
    calls = []

    def compute():
        calls.append(1)
        return [dict(r) for r in ROWS]

    assert sweeps.cached_sweep(demo_db, compute) == ROWS
    assert sweeps.cached_sweep(demo_db, compute) == ROWS
    assert len(calls) == 1
    demo_db.execute(  # a stock figure for one site: a write to a network table
        "INSERT INTO site_resilience (site_id, stock, source, status) SELECT id, 1, 'test', 'illustrative'"
        " FROM site WHERE id NOT IN (SELECT site_id FROM site_resilience) ORDER BY id LIMIT 1"
    )
    sweeps.cached_sweep(demo_db, compute)
    assert len(calls) == 2
    n = demo_db.execute("SELECT count(*) FROM sweep_result").fetchone()[0]
    assert n == 2


def test_only_finite_rows_are_stored(demo_db) -> None:
    bad = [dict(ROWS[0], loss=math.inf)]
    with pytest.raises(ValueError, match="not a finite number"):
        sweeps.save(demo_db, "nodes:v", bad, 1.0)


def test_restarted_server_answers_from_the_stored_sweep(
    demo_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    create_user(conn, "analyst", "sweep-pass-123", "analyst")
    conn.close()

    routes = ("/api/v1/resilience/ranking",)

    def answers() -> list[list[dict]]:
        with TestClient(create_app(ApiSettings(db=path))) as c:
            r = c.post("/api/v1/auth/login", json={"username": "analyst", "password": "sweep-pass-123"})
            c.cookies.clear()
            h = {"Authorization": f"Bearer {r.json()['access_token']}"}
            out = [c.get(route, headers=h) for route in routes]
            assert all(o.status_code == 200 for o in out), [o.text for o in out]
            return [o.json()["data"] for o in out]

    first = answers()  # computes and stores
    assert first[0]

    def recomputed(*a, **k):
        raise AssertionError("recomputed although the network did not change")

    monkeypatch.setattr("chainbrain.api.routes.resilience.sweep", recomputed)
    assert answers() == first  # a new app over the same file: served from sweep_result


def test_background_refresh_stores_the_new_version(demo_db) -> None:
    t = sweeps.refresh_in_background(demo_db.cursor, lambda c: [dict(r) for r in ROWS])
    t.join(timeout=60)
    assert not t.is_alive()
    assert sweeps.load(demo_db, "nodes:" + sweeps.network_version(demo_db)) == ROWS
