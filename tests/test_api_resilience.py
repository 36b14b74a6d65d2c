"""供应链韧性 routes on the demo store: the same answers as the library, and who may see what."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.resilience import actions
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.network import Network
from chainbrain.resilience.sweep import sweep
from chainbrain.store import connect

USERS = {"analyst": ("analyst", None), "changan-buyer": ("enterprise", "changan"), "viewer": ("viewer", None)}
PASSWORD = "demo-pass-123"
BASE = "/api/v1/resilience"


@pytest.fixture(scope="module")
def demo(
    demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Network]]:
    path = tmp_path_factory.mktemp("apiresilience") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    net = network_from_store(conn)
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c, net


@pytest.fixture(scope="module")
def heads(demo: tuple[TestClient, Network]) -> dict[str, dict[str, str]]:
    c = demo[0]
    out = {}
    for u in USERS:
        r = c.post("/api/v1/auth/login", json={"username": u, "password": PASSWORD})
        c.cookies.clear()
        out[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


@pytest.fixture(scope="module")
def library_sweep(demo: tuple[TestClient, Network]) -> list[dict]:
    return sweep(demo[1])


def _get(demo: tuple[TestClient, Network], heads: dict, user: str, path: str) -> dict:
    r = demo[0].get(BASE + path, headers=heads[user])
    assert r.status_code == 200, r.text
    return r.json()


def test_ranking_equals_the_library_sweep(demo, heads, library_sweep) -> None:
    body = _get(demo, heads, "analyst", "/ranking")
    assert body["count"] == len(demo[1].nodes) == len(body["data"])
    assert [r["node"] for r in body["data"]] == [r["node"] for r in library_sweep]
    for got, want in zip(body["data"], library_sweep, strict=True):
        assert got["loss"] == pytest.approx(want["loss"], rel=1e-6, abs=1e-6)
        assert got["ttr"] == want["ttr"]
        assert (got["tts"] is None) == (want["tts"] is None)
        if want["tts"] is not None:
            assert got["tts"] == pytest.approx(want["tts"], rel=1e-6, abs=1e-6)
        # at risk exactly when TTS is bounded and shorter than TTR
        assert got["at_risk"] == (want["tts"] is not None and want["tts"] < want["ttr"] - 1e-9)
        meta = demo[1].node(got["node"]).meta
        assert (got["name"], got["district"], got["segment"]) == (
            meta.get("name"),
            meta.get("district"),
            meta.get("segment"),
        )
    # REI = loss / largest loss: the first row is 1, every row in [0, 1]
    reis = [r["rei"] for r in body["data"]]
    assert max(reis) == 1.0 == reis[0]
    assert min(reis) >= 0.0
    top = body["data"][0]["loss"]
    assert all(r["rei"] == pytest.approx(r["loss"] / top) for r in body["data"])


def test_at_risk_lists_exactly_the_flagged_rows_with_extra_stock(demo, heads) -> None:
    ranking = _get(demo, heads, "analyst", "/ranking")["data"]
    body = _get(demo, heads, "analyst", "/at-risk")
    assert [r["node"] for r in body["data"]] == [r["node"] for r in ranking if r["at_risk"]]
    assert body["count"] > 0
    first = body["data"][0]
    want = actions.extra_stock(demo[1], first["node"], ttr=first["ttr"])
    assert first["extra_stock"] == pytest.approx(want, rel=1e-6)


def test_node_actions_give_backups_and_stock_like_the_library(demo, heads) -> None:
    node = _get(demo, heads, "analyst", "/at-risk")["data"][0]
    body = _get(demo, heads, "analyst", f"/at-risk/{node['node']}")
    want = actions.backups(demo[1], node["node"], ttr=node["ttr"])
    assert [b["backup"] for b in body["backups"]] == [b["backup"] for b in want]
    for got, exp in zip(body["backups"], want, strict=True):
        assert got["loss_averted"] == pytest.approx(exp["loss_averted"], rel=1e-6, abs=1e-6)
    assert body["extra_stock"] == pytest.approx(node["extra_stock"], rel=1e-6)
    r = demo[0].get(BASE + "/at-risk/no-such-site", headers=heads["analyst"])
    assert r.status_code == 404 and "no-such-site" in r.json()["detail"]


def test_district_scenario_equals_the_library(demo, heads) -> None:
    body = _get(demo, heads, "viewer", "/district?district=500112&ttr=14")
    want = actions.district_scenario(demo[1], "500112", ttr=14)
    assert body["district_name"] == "渝北区"
    assert body["sites"] == len(want["nodes"])
    assert body["ttr"] == 14
    assert body["loss"] == pytest.approx(want["loss"], rel=1e-6)
    assert body["tts"] == pytest.approx(want["tts"], rel=1e-6)
    lost = {k: v for k, v in want["lost_units"].items() if v > 1e-9}
    assert {o["node"]: o["units"] for o in body["oems"]} == pytest.approx(lost, rel=1e-6)
    units = [o["units"] for o in body["oems"]]
    assert units == sorted(units, reverse=True)
    # every role gets the same aggregate
    assert _get(demo, heads, "changan-buyer", "/district?district=500112&ttr=14") == body


def test_district_without_sites_loses_nothing(demo, heads) -> None:
    # 城口县 (500229) has no site in the network: nothing fails, so loss 0 and TTS unbounded (null)
    assert not [n for n in demo[1].nodes if n.meta.get("district") == "500229"]
    body = _get(demo, heads, "analyst", "/district?district=500229&ttr=30")
    assert (body["sites"], body["loss"], body["tts"], body["oems"]) == (0, 0.0, None, [])


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ("district=abc", 422, "区县代码"),
        ("district=500112&ttr=-3", 422, "超出范围"),
        ("district=500112&ttr=0", 422, "超出范围"),
        ("district=500112&ttr=400", 422, "超出范围"),
        ("district=500112&ttr=inf", 422, "超出范围"),
        ("district=500112&ttr=十天", 422, "不是数字"),
        ("district=599999", 404, "不在行政区划表中"),
    ],
)
def test_bad_district_or_ttr_is_explained_in_chinese(demo, heads, query, code, words) -> None:
    r = demo[0].get(f"{BASE}/district?{query}", headers=heads["analyst"])
    assert r.status_code == code
    assert words in r.json()["detail"]


def test_viewer_sees_aggregates_only(demo, heads) -> None:
    for path in ("/ranking", "/at-risk", "/network", "/at-risk/bosch.wuxi"):
        assert demo[0].get(BASE + path, headers=heads["viewer"]).status_code == 403
    full = _get(demo, heads, "analyst", "/choke-points")
    seen = _get(demo, heads, "viewer", "/choke-points")
    assert seen["count"] == full["count"] > 0
    for a, v in zip(full["data"], seen["data"], strict=True):
        assert "supplier" not in v and "supplier_name" not in v
        assert (v["segment"], v["loss"], v["oems"]) == (a["segment"], a["loss"], a["oems"])


def test_choke_points_equal_the_library(demo, heads) -> None:
    body = _get(demo, heads, "analyst", "/choke-points")
    want = actions.choke_points(demo[1])
    assert [(r["segment"], r["supplier"], r["oems"]) for r in body["data"]] == [
        (r["segment"], r["supplier"], r["oems"]) for r in want
    ]


def test_enterprise_sees_its_sites_and_direct_suppliers_only(demo, heads) -> None:
    net = demo[1]
    own = {n.id for n in net.nodes if n.meta.get("firm") == "changan"}
    allowed = own | {e.supplier for e in net.supply if e.node in own}
    ranking = _get(demo, heads, "changan-buyer", "/ranking")
    assert {r["node"] for r in ranking["data"]} == allowed
    # REI stays relative to the whole network's largest loss, not to the firm's own
    full = {r["node"]: r["rei"] for r in _get(demo, heads, "analyst", "/ranking")["data"]}
    assert all(r["rei"] == full[r["node"]] for r in ranking["data"])
    view = _get(demo, heads, "changan-buyer", "/network")
    assert {n["id"] for n in view["nodes"]} == allowed
    assert all(e["source"] in allowed and e["target"] in allowed for e in view["edges"])
    assert {r["node"] for r in _get(demo, heads, "changan-buyer", "/at-risk")["data"]} <= allowed
    chokes = _get(demo, heads, "changan-buyer", "/choke-points")["data"]
    assert chokes and all(set(r["oems"]) <= own and r["supplier"] in allowed for r in chokes)
    outsider = next(n.id for n in net.nodes if n.id not in allowed and not n.finished)
    r = demo[0].get(f"{BASE}/at-risk/{outsider}", headers=heads["changan-buyer"])
    assert r.status_code == 403 and "changan" in r.json()["detail"]


def test_network_view_marks_local_sites_and_carries_every_edge(demo, heads) -> None:
    net = demo[1]
    body = _get(demo, heads, "analyst", "/network")
    assert body["count"] == len(net.nodes) == len(body["nodes"])
    assert len(body["edges"]) == len(net.supply)
    by_id = {n["id"]: n for n in body["nodes"]}
    # local = a Chongqing district code (starts 50); 博世无锡 (320214) is outside, 长安渝北 (500112) local
    assert by_id["bosch.wuxi"]["local"] is False
    assert by_id["changan.yubei"]["local"] is True and by_id["changan.yubei"]["finished"] is True
    assert max(n["rei"] for n in body["nodes"]) == 1.0
    assert all(not math.isnan(n["rei"]) for n in body["nodes"])
