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
        # the parts made of the firm's own figures; the others are about every firm's purchases
        return [(p["key"], p["raw"], p["value"], p["points"], p["explain"]) for p in c["parts"]
                if p["key"] in ("strength", "incumbent")]  # fmt: skip

    assert figures(own) == figures(ref) and "企业实力" not in own["score_note"]
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


def test_public_scores_by_hand() -> None:
    """Two segments, one withheld (few firms): the parts a reader gets, worked out by hand."""

    def part(
        key: str, value: float, raw: float | None = None, ev: dict | None = None, **detail: float
    ) -> Part:
        w = WEIGHTS[key]
        return Part(
            key,
            key,
            raw,
            "",
            value,
            w,
            w * value,
            "x，距采购整车厂平均 12 公里，园区 P",
            ev or {},
            detail=detail,
        )

    def cand(eid: str, seg: str, v: float, basis: str) -> Candidate:
        parts = [
            part("outside_value", v / 8e8, v, {"links": ["l1", "l2"]}),
            part("rate_gain", 0.9, 0.09, {"links": ["l1"], "sites": ["s"]}),
            part("incumbent", 0.6, 3e8, {"links": ["l2"]}),
            part("strength", 0.5, 0.5, {"enterprises": [eid], "labels": ["上市"]}, size=0.6, labels=0.4),
            part("district_fit", 0.74, 0.74, policy=1.0, proximity=0.8, park=0.5),
        ]
        return Candidate(eid, eid, "440300", seg, 12000.0, basis, "500112", "渝北区", None,
                         sum(p.points or 0.0 for p in parts), parts, 0.5, 0.59, 0.09)  # fmt: skip

    few = SegmentTargets(
        "few", "少", ["missing"], 8e8, 0.0, "套", ["l1"], [cand("a", "few", 8e8, "现向本地整车供货量")]
    )
    many = SegmentTargets(
        "many", "多", ["short"], 4e8, 0.0, "套", ["l2"], [cand("b", "many", 4e8, "外地工厂产能")]
    )
    out = visibility.public_targets([few, many], lambda eid: eid == "b", None, {"few"})
    a, b = out[1].candidates[0], out[0].candidates[0]
    pa = {p.key: p for p in a.parts}
    pb = {p.key: p for p in b.parts}
    # "few" is withheld: its V_s, and the largest V_s shown is many's 4e8, so b's outside part is 4e8/4e8 = 1
    assert out[1].outside_value is None and pa["outside_value"].value is None
    assert pb["outside_value"].value == 1.0 and out[0].outside_value == 4e8
    for c in (a, b):  # the rate gain is a sum of displaced links: withheld for everyone but analysts
        assert (
            {p.key: p for p in c.parts}["rate_gain"].points is None
            and c.gain is None
            and c.rate_after is None
        )
    # district fit without the purchase-weighted distance: 0.5 × 1 + 0.2 × 0.5 = 0.6
    assert pa["district_fit"].value == pytest.approx(0.6) and "公里" not in pa["district_fit"].explain
    # a (not visible) loses strength and incumbent, and its capacity (the volume it ships); b (its own user) keeps them
    assert pa["strength"].value is None and pa["incumbent"].raw is None and a.capacity is None
    assert pb["strength"].value == 0.5 and pb["incumbent"].raw == 3e8 and b.capacity == 12000.0
    assert a.score == pytest.approx(0.15 * 0.6)
    assert b.score == pytest.approx(0.25 * 1.0 + 0.15 * 0.6 + 0.15 * 0.5 + 0.15 * 0.6)
    assert [t.segment_id for t in out] == ["many", "few"]  # ranked on the visible scores
    assert "l2" in pb["incumbent"].evidence["links"] and "links" not in pb["outside_value"].evidence
    assert few.outside_value == 8e8 and few.candidates[0].parts[0].value == 1.0  # the input is untouched


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
            # ranked on the checks shown: their margins only, and no R&D share (it gives revenue from R&D spend)
            assert all(a["rd_share"] is None for a in seen)
            assert all(c["margin"] is None for a in seen for c in a["checks"] if c["status"] == "withheld")
            keys = [(-len(a["met"]), len(a["missed"]), len(a["unknown"]),
                     -(a["margin"] if a["margin"] is not None else -2.0), a["name"], a["enterprise_id"])
                    for a in seen]  # fmt: skip
            assert keys == sorted(keys)
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


def _contributors(client: TestClient, by: str, oem_only: bool) -> dict[str, tuple[int, int, int]]:
    """key → (buyer firms, local supplier firms, outside supplier firms), counted here from the raw tables."""
    key = {"segment": "l.segment_id", "district": "b.district_code"}[by]
    area = "" if by == "district" else "AND b.district_code LIKE '50%'"
    cur = client.app.state.conn.cursor()
    rows = cur.execute(
        f"SELECT {key}, count(DISTINCT b.enterprise_id),"
        " count(DISTINCT s.enterprise_id) FILTER (WHERE s.district_code LIKE '50%'),"
        " count(DISTINCT s.enterprise_id) FILTER (WHERE NOT s.district_code LIKE '50%')"
        " FROM supply_link l JOIN site b ON b.id = l.buyer_site_id JOIN site s ON s.id = l.supplier_site_id"
        " JOIN enterprise e ON e.id = b.enterprise_id"
        f" WHERE (NOT ? OR list_contains(e.roles, 'OEM')) {area} GROUP BY 1",
        [oem_only],
    ).fetchall()
    cur.close()
    return {k: (n, loc, out) for k, n, loc, out in rows}


def _few(c: tuple[int, int, int]) -> bool:
    return c[0] < 3 or c[1] in (1, 2) or c[2] in (1, 2)


def test_district_rates_do_not_give_an_oems_rate(client: TestClient, heads: dict) -> None:
    oems = client.get(f"{V1}/analytics/local-rate?by=oem", headers=heads["analyst"]).json()["data"]
    per_oem = {(r["local_value"], r["total_value"]) for r in oems}
    full = client.get(f"{V1}/analytics/local-rate?by=district", headers=heads["analyst"]).json()
    assert full["note"] is None and all(r["total_value"] is not None for r in full["data"])
    # six of the demo's eight OEM districts have one OEM: their rows are that OEM's row
    assert len({(r["local_value"], r["total_value"]) for r in full["data"]} & per_oem) >= 5
    city = client.get(f"{V1}/analytics/local-rate?by=city", headers=heads["analyst"]).json()["data"][0]
    counts = _contributors(client, "district", oem_only=True)
    for who in READERS:
        body = client.get(f"{V1}/analytics/local-rate?by=district", headers=heads[who]).json()
        shown = [r for r in body["data"] if not r["withheld"]]
        hidden = [r for r in body["data"] if r["withheld"]]
        assert hidden and "少于3家企业" in body["note"]
        assert all(r["total_value"] is r["rate_value"] is r["local_value"] is None for r in hidden)
        for r in shown:
            assert not _few(counts[r["key"]]) and (r["local_value"], r["total_value"]) not in per_oem
        # the city total minus the rows shown is what the withheld rows share: never a single OEM's
        rest = city["total_value"] - sum(r["total_value"] for r in shown)
        assert all(rest != pytest.approx(t) for _, t in per_oem) and len(hidden) != 1
        assert [r["key"] for r in hidden] == sorted(r["key"] for r in hidden)
        assert body["data"][: len(shown)] == shown  # the rows shown first, the withheld ones after, by key


def test_gaps_and_segment_rates_withhold_one_or_two_supplier_values(client: TestClient, heads: dict) -> None:
    counts = _contributors(client, "segment", oem_only=False)
    few = {k for k, c in counts.items() if _few(c)}
    assert len(few) >= 10  # 21 demo segments have one outside supplier
    full = {
        g["segment_id"]: g
        for g in client.get(f"{V1}/analytics/gaps", headers=heads["analyst"]).json()["data"]
    }
    assert all(full[k]["outside_value"] is not None for k in few)
    oem_counts = _contributors(client, "segment", oem_only=True)
    for who in READERS:
        body = client.get(f"{V1}/analytics/gaps", headers=heads[who]).json()
        for g in body["data"]:
            if g["segment_id"] in few:
                assert g["withheld"] and g["outside_value"] is g["local_value"] is g["hhi"] is None
            if not g["withheld"]:
                assert g["outside_value"] == full[g["segment_id"]]["outside_value"]
        seg = client.get(f"{V1}/analytics/local-rate?by=segment", headers=heads[who]).json()["data"]
        for r in seg:
            assert r["withheld"] or not _few(oem_counts[r["key"]])


def test_attraction_list_withholds_few_firm_segment_purchases(client: TestClient, heads: dict) -> None:
    counts = _contributors(client, "segment", oem_only=True)
    full = {t["segment_id"]: t for t in _recs(client, heads["analyst"])}
    single = [k for k, t in full.items() if counts.get(k, (0, 0, 0))[2] == 1]
    assert single  # segments with one outside supplier: their V_s is that supplier's sales to local OEMs
    for who in READERS:
        seen = {t["segment_id"]: t for t in _recs(client, heads[who])}
        for k in single:
            assert seen[k]["outside_value"] is None
            for c in seen[k]["candidates"]:
                assert next(p for p in c["parts"] if p["key"] == "outside_value")["raw"] is None
        shown = [t["outside_value"] for t in seen.values() if t["outside_value"] is not None]
        for t in seen.values():
            for c in t["candidates"]:
                parts = {p["key"]: p for p in c["parts"]}
                assert parts["rate_gain"]["points"] is None and c["gain"] is None
                assert "公里" not in parts["district_fit"]["explain"]
                if (
                    t["outside_value"] is not None
                ):  # normalised by the largest V_s shown, not the largest of all
                    assert parts["outside_value"]["value"] == pytest.approx(t["outside_value"] / max(shown))


def test_transformation_pull_withholds_few_firm_segments(client: TestClient, heads: dict) -> None:
    counts = _contributors(client, "segment", oem_only=False)
    full = client.get(f"{V1}/cultivate/transform?top=500", headers=heads["analyst"]).json()["data"]
    few_targets = {
        t["segment_id"] for c in full for t in c["targets"] if _few(counts.get(t["segment_id"], (3, 0, 0)))
    }
    assert few_targets
    for who in READERS:
        seen = client.get(f"{V1}/cultivate/transform?top=500", headers=heads[who]).json()["data"]
        assert sorted(c["enterprise_id"] for c in seen) == sorted(c["enterprise_id"] for c in full)
        shown = [t["outside_value"] for c in seen for t in c["targets"] if t["outside_value"] is not None]
        for c in seen:
            for t in c["targets"]:
                if t["segment_id"] in few_targets:
                    assert t["outside_value"] is t["pull"] is None and "少于3家企业" in t["note"]
                    assert t["score"] == pytest.approx(0.5 * t["evidence"])
                else:
                    assert t["pull"] == pytest.approx(t["outside_value"] / max(shown))
                    assert t["score"] == pytest.approx(0.5 * t["evidence"] + 0.5 * t["pull"])
        scores = [c["score"] for c in seen]
        assert scores == sorted(scores, reverse=True)
