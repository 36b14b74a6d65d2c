"""The app's cache under writes: a need leaves the sweep alone; a supply-link import stales it, and while
the one rebuild runs every other reader gets the last sweep at once.

The sweep the routes call is wrapped to count its calls and, when the test says so, to hold until the
test releases it; nothing here sleeps or depends on how fast the machine is.
"""

from __future__ import annotations

import csv as csv_module
import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.api.routes import resilience
from chainbrain.store import connect

PASSWORD = "cache-test-pass-2026"
USERS = {"cache-analyst": ("analyst", None), "cache-changan": ("enterprise", "changan")}
V1 = "/api/v1"
DEADLINE = 300.0  # seconds; reached only when a reader that should answer at once waits for the sweep
NEED = {
    "buyer_id": "changan",
    "segment_id": "adas",
    "title": "前向激光雷达",
    "spec": "905nm 前向激光雷达",
    "annual_volume": 50000,
    "delivery_district": "500105",
}


class CountingSweep:
    def __init__(self) -> None:
        self.real = resilience.sweep
        self.calls = 0
        self.at_start_up = 0
        self.hold = False
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.hold:
            self.started.set()
            assert self.release.wait(DEADLINE)
        return self.real(*args, **kwargs)


@pytest.fixture(scope="module")
def app_client(
    demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, CountingSweep, dict[str, dict[str, str]]]]:
    path = tmp_path_factory.mktemp("cacheapi") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    counting = CountingSweep()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(resilience, "sweep", counting)
        app = create_app(ApiSettings(db=path))
        with TestClient(app) as c:
            app.state.resilience_warm_up.join(DEADLINE)
            counting.at_start_up = counting.calls
            heads = {}
            for u in USERS:
                r = c.post(f"{V1}/auth/login", json={"username": u, "password": PASSWORD})
                heads[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
            c.cookies.clear()
            yield c, counting, heads


def test_the_app_sweeps_once_at_start_up(app_client) -> None:
    c, counting, heads = app_client
    assert counting.at_start_up == 1
    assert c.app.state.cache.state("resilience:ranking") == "fresh"  # type: ignore[attr-defined]


def test_posting_needs_does_not_rebuild_the_sweep_or_the_cockpit(app_client) -> None:
    c, counting, heads = app_client
    cache = c.app.state.cache  # type: ignore[attr-defined]
    before = c.get(f"{V1}/resilience/ranking", headers=heads["cache-changan"]).json()
    overview = c.get(f"{V1}/analytics/overview", headers=heads["cache-analyst"]).json()
    calls, misses = counting.calls, cache.misses
    for i in range(5):
        r = c.post(f"{V1}/needs", json=NEED | {"title": f"前向激光雷达 {i}"}, headers=heads["cache-changan"])
        assert r.status_code == 201, r.text
    assert c.get(f"{V1}/resilience/ranking", headers=heads["cache-changan"]).json() == before
    assert c.get(f"{V1}/analytics/overview", headers=heads["cache-analyst"]).json() == overview
    assert counting.calls == calls and cache.misses == misses


def test_readers_get_the_last_sweep_while_an_import_rebuilds_it(app_client) -> None:
    c, counting, heads = app_client
    cache = c.app.state.cache  # type: ignore[attr-defined]
    h = heads["cache-analyst"]
    before = c.get(f"{V1}/resilience/ranking", headers=h).json()
    csv = c.get(f"{V1}/imports/supply_links/export", params={"format": "csv"}, headers=h)
    assert csv.status_code == 200
    # the same links with one link's evidence reworded: a new network version (sweeps are stored per
    # version, so an unchanged file would be answered from the stored sweep) but the same flows and losses
    rows = list(csv_module.reader(io.StringIO(csv.content.decode("utf-8-sig"), newline="")))
    col = rows[0].index("evidence")
    rows[1][col] = (rows[1][col] or "") + "（复核）"
    out = io.StringIO()
    csv_module.writer(out).writerows(rows)
    files = {"file": ("供应关系.csv", out.getvalue().encode("utf-8-sig"), "text/csv")}
    r = c.post(f"{V1}/imports/supply_links", files=files, headers=h)
    assert r.status_code == 200, r.text
    assert cache.state("resilience:ranking") == "stale"
    calls = counting.calls
    counting.hold = True
    try:
        got: list[Any] = []
        rebuild = threading.Thread(target=lambda: got.append(c.get(f"{V1}/resilience/ranking", headers=h)))
        rebuild.start()
        assert counting.started.wait(DEADLINE)  # that reader rebuilds; the sweep is held
        for user in USERS:
            r = c.get(f"{V1}/resilience/ranking", headers=heads[user])
            assert r.status_code == 200
        assert c.get(f"{V1}/resilience/ranking", headers=h).json() == before  # the last sweep
        assert counting.calls == calls + 1  # and nobody started a second one
    finally:
        counting.release.set()
        counting.hold = False
    rebuild.join(DEADLINE)
    assert got[0].status_code == 200
    assert got[0].json() == before  # the same links re-imported: the same sweep
    assert cache.state("resilience:ranking") == "fresh" and counting.calls == calls + 1
