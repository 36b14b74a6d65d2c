"""Confidential figures stay hidden from roles that may not see them, and so does everything computed from them.

Each test plays the reader: it takes what a viewer or another firm's user gets and tries to recover a firm's
revenue, head count or supply-link value from it (from a score part, from the total minus the parts shown,
from R&D spend ÷ R&D share, from the order of a list). The same arithmetic on the analyst's answer recovers
the figure, so every test would fail if the route leaked it again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.invest import visibility
from chainbrain.invest.attract import LABEL_POINTS, SIZE_REVENUE, WEIGHTS, Candidate, Part, SegmentTargets
from chainbrain.store import connect

V1 = "/api/v1"
PASSWORD = "demo-pass-123"
#: fill0573 is an outside battery-pack maker with a known revenue (14.06亿元) that already ships to local OEMs
OWN = "fill0573"
#: fill0002 is a local 专精特新 candidate with R&D spend and R&D share on file
RD_FIRM = "fill0002"
USERS = {
    "analyst": ("analyst", None),
    "viewer": ("viewer", None),
    "changan-user": ("enterprise", "changan"),
    "pack-user": ("enterprise", OWN),
    "rd-user": ("enterprise", RD_FIRM),
}
READERS = ("viewer", "changan-user")


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("confidential") / "demo.duckdb"
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


@pytest.fixture(scope="module")
def firms(client: TestClient) -> dict[str, dict[str, Any]]:
    """The store's own figures per firm, read straight from the table (the secrets to protect)."""
    cur = client.app.state.conn.cursor()
    rows = cur.execute(
        "SELECT e.id, e.revenue, e.employees, e.labels, a.rd_expense, a.rd_share"
        " FROM enterprise e LEFT JOIN firm_attr a ON a.enterprise_id = e.id"
    ).fetchall()
    cur.close()
    keys = ("revenue", "employees", "labels", "rd_expense", "rd_share")
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def _recs(client: TestClient, h: dict, **q: Any) -> list[dict]:
    r = client.get(f"{V1}/invest/recommendations", params={"top": 100, **q}, headers=h)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _derive_revenue(c: dict, labels: list[str]) -> float | None:
    """A reader's best attempt at a candidate's revenue (万元) from what it was given, or None.

    size = (strength − 0.5 × labels) / 0.5 and revenue = size × 100亿元 (below the cap). strength comes from
    the part itself or, when the part is hidden, from the score minus the parts that are shown.
    """
    parts = {p["key"]: p for p in c["parts"]}
    lab = min(1.0, sum(LABEL_POINTS.get(x, 0.0) for x in labels))
    st = parts["strength"]["value"]
    if st is None:
        shown = sum(p["points"] for k, p in parts.items() if k != "strength" and p["points"] is not None)
        hidden = c["score"] - shown
        if abs(hidden) < 1e-12:
            return None
        st = hidden / WEIGHTS["strength"]
    size = (st - 0.5 * lab) / 0.5
    return size * SIZE_REVENUE if 1e-9 < size < 1 else None


def test_size_score_of_the_attraction_list_does_not_give_revenue(
    client: TestClient, heads: dict, firms: dict
) -> None:
    full = _recs(client, heads["analyst"])
    derived = 0
    for t in full:
        for c in t["candidates"]:
            f = firms[c["enterprise_id"]]
            if f["revenue"] is not None and f["revenue"] < SIZE_REVENUE:
                assert _derive_revenue(c, f["labels"]) == pytest.approx(f["revenue"])
                derived += 1
    assert (
        derived >= 20
    )  # the arithmetic recovers revenue from the analyst's view: 25 demo candidates have one
    for who in READERS:
        seen = _recs(client, heads[who])
        assert sum(len(t["candidates"]) for t in seen) == sum(len(t["candidates"]) for t in full)
        for t in seen:
            for c in t["candidates"]:
                f = firms[c["enterprise_id"]]
                assert _derive_revenue(c, f["labels"]) is None, (who, c["enterprise_id"])
                strength = next(p for p in c["parts"] if p["key"] == "strength")
                assert strength["raw"] is strength["value"] is strength["points"] is None
                assert strength["withheld"] == "仅分析员可见" and "营收" in c["score_note"]
                # nothing in the total but the parts shown, so total − parts gives nothing
                assert c["score"] == pytest.approx(sum(p["points"] or 0.0 for p in c["parts"]), abs=1e-12)
                if f["revenue"] is not None:
                    assert f"营收 {f['revenue'] / 1e4:,.0f} 亿元" not in str(c)
                    assert "规模" not in strength["explain"]


def test_incumbent_share_does_not_give_a_firms_sales_to_local_oems(client: TestClient, heads: dict) -> None:
    full = {
        (t["segment_id"], c["enterprise_id"]): c
        for t in _recs(client, heads["analyst"])
        for c in t["candidates"]
    }
    sellers = {k for k, c in full.items() if next(p for p in c["parts"] if p["key"] == "incumbent")["raw"]}
    assert len(sellers) >= 30  # 36 demo candidates already ship to local OEMs from outside
    for who in READERS:
        for t in _recs(client, heads[who]):
            for c in t["candidates"]:
                inc = next(p for p in c["parts"] if p["key"] == "incumbent")
                if (t["segment_id"], c["enterprise_id"]) in sellers:
                    # share × the segment's outside purchases (shown) would be the firm's sales: both are gone
                    assert inc["raw"] is inc["value"] is inc["points"] is None
                    assert "links" not in inc["evidence"]
                else:
                    assert inc["value"] == 0.0
                assert t["outside_links"] == []


def test_order_and_cut_follow_the_score_the_reader_sees(client: TestClient, heads: dict) -> None:
    for who in READERS:
        seen = _recs(client, heads[who])
        for t in seen:
            scores = [c["score"] for c in t["candidates"]]
            assert scores == sorted(scores, reverse=True)
        best = _recs(client, heads[who], top=1)
        # top=1 is the best by the visible score, not the best by the full one
        assert [(t["segment_id"], [c["enterprise_id"] for c in t["candidates"]]) for t in best] == [
            (t["segment_id"], [c["enterprise_id"] for c in t["candidates"][:1]]) for t in seen
        ]
    # battery.pack: by the full score 宁德时代 leads; the analyst still sees it so
    full = {t["segment_id"]: t for t in _recs(client, heads["analyst"])}
    assert full["battery.pack"]["candidates"][0]["enterprise_id"] == "catl"


def test_a_firm_reads_its_own_figures_in_the_list(client: TestClient, heads: dict, firms: dict) -> None:
    mine = {t["segment_id"]: t for t in _recs(client, heads["pack-user"])}
    full = {t["segment_id"]: t for t in _recs(client, heads["analyst"])}
    own = next(c for c in mine["battery.pack"]["candidates"] if c["enterprise_id"] == OWN)
    ref = next(c for c in full["battery.pack"]["candidates"] if c["enterprise_id"] == OWN)

    def figures(c: dict) -> list[tuple]:
        return [(p["key"], p["raw"], p["value"], p["points"], p["explain"]) for p in c["parts"]]

    assert figures(own) == figures(ref) and own["score"] == ref["score"] and own["score_note"] is None
    assert _derive_revenue(own, firms[OWN]["labels"]) == pytest.approx(firms[OWN]["revenue"])
    other = next(c for c in mine["battery.pack"]["candidates"] if c["enterprise_id"] != OWN)
    assert _derive_revenue(other, firms[other["enterprise_id"]]["labels"]) is None
    assert next(p for p in other["parts"] if p["key"] == "incumbent")["raw"] is None
    # its own links, but no other firm's: the outside_value part's evidence (every firm's links) is gone
    assert next(p for p in own["parts"] if p["key"] == "incumbent")["evidence"]["links"]
    assert "links" not in next(p for p in own["parts"] if p["key"] == "outside_value")["evidence"]


def test_attraction_map_totals_are_the_visible_scores(client: TestClient, heads: dict, firms: dict) -> None:
    for who in READERS:
        groups = client.get(f"{V1}/invest/map?top=5", headers=heads[who]).json()["data"]
        assert groups
        for g in groups:
            assert g["total_score"] == pytest.approx(sum(c["score"] for c in g["candidates"]))
            for c in g["candidates"]:
                assert _derive_revenue(c, firms[c["enterprise_id"]]["labels"]) is None
    full = client.get(f"{V1}/invest/map?top=5", headers=heads["analyst"]).json()["data"]
    assert any(
        _derive_revenue(c, firms[c["enterprise_id"]]["labels"]) is not None
        for g in full
        for c in g["candidates"]
    )


def test_rate_gain_from_shipped_volume_is_withheld() -> None:
    """A capacity taken from the units a firm ships to local OEMs is a supply-link figure: its gain goes too."""

    def part(key: str, value: float, raw: float | None = None, ev: dict | None = None) -> Part:
        return Part(key, key, raw, "", value, WEIGHTS[key], WEIGHTS[key] * value, "x", ev or {})

    def cand(eid: str, basis: str, gain: float) -> Candidate:
        parts = [
            part("outside_value", 1.0, 5e8, {"links": ["l1", "l2"]}),
            part("rate_gain", gain, gain / 10, {"links": ["l1"], "sites": ["s"]}),
            part("incumbent", 0.6, 3e8, {"links": ["l2"]}),
            part("strength", 0.5, 0.5, {"enterprises": [eid], "labels": ["上市"]}),
            part("district_fit", 0.8, 0.8),
        ]
        score = sum(p.points or 0.0 for p in parts)
        return Candidate(eid, eid, "440300", "seg", 12000.0, basis, "500112", "渝北区", None, score, parts,
                         0.5, 0.5 + gain / 10, gain / 10)  # fmt: skip

    shipped = cand("a", "现向本地整车供货量", 0.9)
    own_site = cand("b", "外地工厂产能", 0.2)
    t = SegmentTargets("seg", "环节", ["missing"], 5e8, 0.0, "套", ["l1", "l2"], [shipped, own_site])
    out = visibility.public_targets([t], lambda eid: False, top=None)[0]
    a, b = ({c.enterprise_id: c for c in out.candidates}[k] for k in ("a", "b"))
    ra = next(p for p in a.parts if p.key == "rate_gain")
    assert ra.raw is ra.value is ra.points is None and a.capacity is None and a.gain is a.rate_after is None
    assert "供货量" in (a.score_note or "")
    rb = next(p for p in b.parts if p.key == "rate_gain")
    assert rb.value == 0.2 and b.capacity == 12000.0
    # hand sums: a keeps outside_value 0.25 + district_fit 0.15 × 0.8; b also keeps rate_gain 0.30 × 0.2
    assert a.score == pytest.approx(0.25 + 0.12)
    assert b.score == pytest.approx(0.25 + 0.06 + 0.12)
    assert [c.enterprise_id for c in out.candidates] == ["b", "a"]  # re-ranked on what is shown
    assert t.candidates[0].score == pytest.approx(0.25 + 0.27 + 0.09 + 0.075 + 0.12)  # the input is untouched
    assert t.outside_links == ["l1", "l2"] and out.outside_links == []


def _cultivate(client: TestClient, h: dict, tier: str, top: int = 500) -> list[dict]:
    r = client.get(f"{V1}/cultivate/{tier}", params={"top": top}, headers=h)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _numbers(a: dict, field: str) -> list[float]:
    return [c["values"][field] for c in a["checks"] if isinstance(c["values"].get(field), (int, float))]


def test_rd_figures_do_not_give_revenue(client: TestClient, heads: dict, firms: dict) -> None:
    full = _cultivate(client, heads["analyst"], "zjtx")
    recovered = 0
    for a in full:
        spend, share, rev = (
            _numbers(a, "rd_expense"),
            _numbers(a, "rd_share"),
            firms[a["enterprise_id"]]["revenue"],
        )
        if spend and share and share[0] > 0 and rev:
            assert spend[0] / share[0] == pytest.approx(rev, rel=0.02)  # revenue = R&D spend ÷ R&D share
            recovered += 1
    assert recovered >= 100
    for who in READERS:
        for tier in ("zjtx", "xjr"):
            seen = _cultivate(client, heads[who], tier)
            assert seen
            for a in seen:
                for field in ("revenue", "employees", "rd_expense", "rd_share", "rd_share_prev"):
                    assert _numbers(a, field) == [], (who, a["enterprise_id"], field)
                for c in a["checks"]:
                    # a tiered R&D test names the revenue band it was chosen by: the band is withheld too
                    assert "营业收入1亿元以上" not in c["name_zh"] and "5000万元" not in c["name_zh"]
                    assert not c["band_zh"]
                    if c["key"] in ("zjtx.sme", "zjtx.rd", "zjtx.revenue", "xjr.sme", "xjr.rd"):
                        assert c["status"] == "withheld" and c["key"] in a["withheld"]
                assert a["score"] == pytest.approx(len(a["met"]) / len(a["checks"]))
            keys = [(-len(a["met"]), len(a["missed"]), len(a["unknown"]), a["enterprise_id"]) for a in seen]
            assert keys == sorted(keys)  # ranked on the checks shown
            cut = _cultivate(client, heads[who], tier, top=5)
            assert [a["enterprise_id"] for a in cut] == [a["enterprise_id"] for a in seen[:5]]


def test_a_firm_reads_its_own_rd_figures(client: TestClient, heads: dict, firms: dict) -> None:
    def find(who: str) -> dict:
        return next(a for a in _cultivate(client, heads[who], "zjtx") if a["enterprise_id"] == RD_FIRM)

    mine, ref = find("rd-user"), find("analyst")
    assert mine == ref and _numbers(mine, "rd_expense") == [firms[RD_FIRM]["rd_expense"]]
    assert _numbers(find("viewer"), "rd_expense") == []


def test_directory_order_does_not_rank_by_revenue(client: TestClient, heads: dict, firms: dict) -> None:
    def ids(who: str) -> list[str]:
        r = client.get(f"{V1}/enterprises", params={"size": 500, "label": "专精特新"}, headers=heads[who])
        assert r.status_code == 200
        body = r.json()
        return [e["id"] for e in body["data"]]

    full = ids("analyst")
    revs = [firms[i]["revenue"] for i in full if firms[i]["revenue"] is not None]
    assert len(revs) > 10 and revs == sorted(revs, reverse=True)  # the analyst's list is largest first
    for who in READERS:
        seen = ids(who)
        assert sorted(seen) == sorted(full)
        assert seen == sorted(seen)  # by id, which says nothing about revenue
