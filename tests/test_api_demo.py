"""The API over the bundled Chongqing demo: every dashboard route answers, roles hold on real-sized data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.chain import city_rate
from chainbrain.store import connect

USERS = {"admin": ("admin", None), "changan-buyer": ("enterprise", "changan"), "viewer": ("viewer", None)}
PASSWORD = "demo-pass-123"


@pytest.fixture(scope="module")
def demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path_factory.mktemp("apidemo") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):  # targets and observations, if the demo loader has not added them
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c, path


def login(c: TestClient, user: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    c.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def heads(demo: tuple[TestClient, Path]) -> dict[str, dict[str, str]]:
    return {u: login(demo[0], u) for u in USERS}


DASHBOARD = [
    "/api/v1/analytics/overview",
    "/api/v1/analytics/local-rate?by=district",
    "/api/v1/analytics/local-rate?by=segment",
    "/api/v1/analytics/gaps?top=10",
    "/api/v1/targets",
    "/api/v1/targets/warnings",
    "/api/v1/targets/summary",
    "/api/v1/segments",
    "/api/v1/districts",
    "/api/v1/districts/geojson",
    "/api/v1/enterprises?q=长安",
    "/api/v1/sites?size=500",
]


@pytest.mark.parametrize("user", list(USERS))
def test_dashboard_routes_answer_for_every_role(
    demo: tuple[TestClient, Path], heads: dict, user: str
) -> None:
    c, _ = demo
    for url in DASHBOARD:
        r = c.get(url, headers=heads[user])
        assert r.status_code == 200, (url, r.text[:200])


def test_overview_is_the_library_figure(demo: tuple[TestClient, Path], heads: dict) -> None:
    c, path = demo
    ov = c.get("/api/v1/analytics/overview", headers=heads["viewer"]).json()
    cur = c.app.state.conn.cursor()
    assert ov["local_rate_value"] == pytest.approx(city_rate(cur).rate_value)
    (n,) = cur.execute("SELECT count(*) FROM enterprise").fetchone()
    assert ov["enterprises"] == n


def test_paging_walks_every_firm_once(demo: tuple[TestClient, Path], heads: dict) -> None:
    c, _ = demo
    first = c.get("/api/v1/enterprises", params={"size": 100}, headers=heads["viewer"]).json()
    seen: list[str] = []
    for page in range(1, first["count"] // 100 + 2):
        data = c.get(
            "/api/v1/enterprises", params={"size": 100, "page": page}, headers=heads["viewer"]
        ).json()["data"]
        seen += [e["id"] for e in data]
    assert len(seen) == len(set(seen)) == first["count"]


def test_enterprise_user_never_sees_other_firms_links(demo: tuple[TestClient, Path], heads: dict) -> None:
    c, _ = demo
    h = heads["changan-buyer"]
    links = c.get("/api/v1/supply-links", params={"size": 500}, headers=h).json()
    assert links["count"] > 0
    assert all("changan" in (x["buyer_id"], x["supplier_id"]) for x in links["data"])
    all_links = c.get("/api/v1/supply-links", params={"size": 1}, headers=heads["admin"]).json()["count"]
    assert links["count"] < all_links
    # another OEM's profile hides its suppliers; asking for its links directly gives only those
    # changan itself is party to (changan supplying seres), never seres' other suppliers
    seres = c.get("/api/v1/enterprises/seres", headers=h).json()
    assert seres["links_visible"] is False and seres["suppliers"] == []
    only = c.get("/api/v1/supply-links", params={"buyer": "seres", "size": 500}, headers=h).json()
    assert all(x["supplier_id"] == "changan" for x in only["data"])
    admin_view = c.get(
        "/api/v1/supply-links", params={"buyer": "seres", "size": 1}, headers=heads["admin"]
    ).json()
    assert admin_view["count"] > only["count"]
    rates = c.get("/api/v1/analytics/local-rate", params={"by": "oem"}, headers=h).json()["data"]
    assert [r["key"] for r in rates] == ["changan"]
    assert seres["internal"] == []


def _links_of(db: Path, firm: str) -> dict[str, set[str]]:
    """The demo's links of ``firm`` read straight from the store: bought from others, sold to others, own."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        rows = conn.execute(
            "SELECT l.id, s.enterprise_id, b.enterprise_id FROM supply_link l"
            " JOIN site s ON s.id = l.supplier_site_id JOIN site b ON b.id = l.buyer_site_id"
            " WHERE ? IN (s.enterprise_id, b.enterprise_id)",
            [firm],
        ).fetchall()
    finally:
        conn.close()
    return {
        "suppliers": {i for i, s, b in rows if b == firm and s != firm},
        "customers": {i for i, s, b in rows if s == firm and b != firm},
        "internal": {i for i, s, b in rows if s == b == firm},
    }


@pytest.mark.parametrize(("firm", "user"), [("bosch", "admin"), ("changan", "changan-buyer")])
def test_a_firm_is_not_its_own_supplier(
    demo: tuple[TestClient, Path], heads: dict, demo_db_file: Path, firm: str, user: str
) -> None:
    """博世's Wuxi plant supplies its Suzhou plant: 本企业内部配套, in neither the supplier nor the customer list."""
    c, _ = demo
    prof = c.get(f"/api/v1/enterprises/{firm}", headers=heads[user]).json()
    want = _links_of(demo_db_file, firm)
    got = {k: {x["id"] for x in prof[k]} for k in ("suppliers", "customers", "internal")}
    assert got == want
    assert all(x["supplier_id"] != firm for x in prof["suppliers"])
    assert all(x["buyer_id"] != firm for x in prof["customers"])
    if firm == "bosch":  # the one link, by hand from the demo data: 博世无锡 → 博世苏州, MCU
        assert [(x["supplier_site_id"], x["buyer_site_id"], x["segment_id"]) for x in prof["internal"]] == [
            ("bosch.wuxi", "bosch.suzhou", "chip.mcu")
        ]


def test_target_detail_has_path_and_briefing_downloads(demo: tuple[TestClient, Path], heads: dict) -> None:
    c, _ = demo
    h = heads["viewer"]
    warn = c.get("/api/v1/targets/warnings", headers=h).json()["data"]
    assert warn and all(w["status"] in ("滞后", "预警") for w in warn)
    d = c.get(f"/api/v1/targets/{warn[0]['id']}", headers=h).json()
    assert d["path"] and d["path"][-1]["year"] == d["assessment"]["year"]
    assert d["path"][-1]["required"] == pytest.approx(d["assessment"]["value"])
    r = c.get("/api/v1/targets/briefing", params={"format": "xlsx"}, headers=h)
    assert r.status_code == 200 and r.content[:2] == b"PK"  # a zip container: xlsx
