"""Counts that two screens show agree, because both read one definition (the API answers of each screen)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

PASSWORD = "counts-pass-123"


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path_factory.mktemp("counts") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    create_user(conn, "analyst", PASSWORD, "analyst")
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        r = c.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
        c.cookies.clear()
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c, demo_db_file  # the original, never opened by the app: read it directly


def test_cockpit_specialised_is_the_cultivate_count(client: tuple[TestClient, Path]) -> None:
    c, path = client
    ov = c.get("/api/v1/analytics/overview").json()
    tier = c.get("/api/v1/cultivate/zjtx").json()
    held = next(p for p in tier["progress"] if p["tier"] == "zjtx")
    assert ov["specialised"] == held["count"]
    # independently: Chongqing seats (code 50…) labelled 专精特新 or 小巨人, counted in Python
    conn = connect(path, read_only=True)
    try:
        rows = conn.execute("SELECT district_code, labels FROM enterprise").fetchall()
    finally:
        conn.close()
    mine = sum(
        1 for code, labels in rows if code.startswith("50") and {"专精特新", "小巨人"} & set(labels or [])
    )
    outside = sum(1 for code, labels in rows if not code.startswith("50") and "专精特新" in (labels or []))
    assert ov["specialised"] == mine
    assert outside > 0, "the demo holds labelled firms outside Chongqing: the case the two screens split on"


def test_district_list_count_is_seat_or_site(client: tuple[TestClient, Path]) -> None:
    c, path = client
    districts = {d["id"]: d for d in c.get("/api/v1/districts").json()["data"]}
    conn = connect(path, read_only=True)
    try:
        seat = dict(conn.execute("SELECT id, district_code FROM enterprise").fetchall())
        sites = conn.execute("SELECT enterprise_id, district_code FROM site").fetchall()
    finally:
        conn.close()
    split = 0
    for code, d in districts.items():
        seated = {e for e, dc in seat.items() if dc == code}
        present = seated | {e for e, dc in sites if dc == code}
        listed = c.get("/api/v1/enterprises", params={"district": code, "size": 1}).json()["count"]
        assert d["firms"] == len(seated), code  # 注册地在本区的企业
        assert listed == len(present), code  # 注册地或厂区在本区的企业: the panel's list
        split += len(present) != len(seated)
    assert split > 0  # the two definitions differ somewhere, so the page must name both


def test_parts_firms_after_an_import_agree(demo_db) -> None:
    import datetime as dt

    from chainbrain.monitor.status import assess_all
    from chainbrain.store import directory as queries

    before = queries.overview(demo_db)["local_parts_firms"]
    assert before == 543  # seed 001's 2024 count
    demo_db.execute(
        "INSERT INTO enterprise (id, name, district_code, roles, labels, source, status)"
        " VALUES ('t_new', '测试新零部件企业', '500227', ['Tier2'], [], 'test', 'illustrative')"
    )
    ov = queries.overview(demo_db)["local_parts_firms"]
    target = next(
        a for a in assess_all(demo_db, as_of=dt.date(2026, 10, 31)) if a.id == "yulian27_parts_firms"
    )
    assert ov == 544
    assert target.live_value == 544  # what the targets screen shows beside the dated snapshot
    assert target.latest == 543  # the snapshot itself is unchanged until the next one is taken
