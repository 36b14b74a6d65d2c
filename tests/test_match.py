"""供需对接: matching order and score parts on a tiny hand-made case; metrics on a tiny evaluation set.

The need: 12,000 lidars a year for plant p (渝北, 106.6E 29.7N), IATF 16949 required. Offers:
O1 s1 (local, at p, lidar, spare 10,000 − 4,000 = 6,000, IATF 16949); O2 s2 (苏州, site 4.5° north of p
= 500.4 km, lidar, capacity unknown, IATF16949 + ISO 26262); O3 s3 (local, at p, 4D radar — a sibling of
lidar — spare 20,000, no certificates). s4 makes battery packs and posted nothing: it matches neither the
segment nor the text and is dropped.
"""

from __future__ import annotations

import pytest

from chainbrain.match.engine import WEIGHTS, rank_needs, rank_suppliers
from chainbrain.match.evaluate import evaluate, precision_at_k, reciprocal_rank
from chainbrain.match.records import (
    MatchRecordError,
    Need,
    add_need,
    add_offer,
    list_needs,
    list_offers,
    norm_cert,
    set_state,
)
from fixtures.invest import match_store

NEED = {"buyer_id": "oem", "buyer_site_id": "p", "segment_id": "adas.lidar", "title": "激光雷达",
        "spec": "前向激光雷达 905nm", "annual_volume": 12000.0, "certifications": ["IATF 16949"]}  # fmt: skip


@pytest.fixture
def conn():
    c = match_store()
    yield c
    c.close()


def _p(m):
    return {p.key: p.value for p in m.parts}


def test_supplier_order_and_parts(conn):
    ranked = rank_suppliers(conn, Need(**NEED))
    assert [m.id for m in ranked] == ["s1", "s2", "s3"]
    s1, s2, s3 = ranked
    # s1: segment 1, best text 1, capacity 6000/12000 = 0.5, certs 1/1, 0 km → 1, local → 1
    assert _p(s1) == pytest.approx(
        {"segment": 1, "text": 1, "capacity": 0.5, "certs": 1, "distance": 1, "local": 1}
    )
    assert s1.score == pytest.approx(0.30 + 0.25 + 0.05 + 0.15 + 0.10 + 0.10)  # 0.95
    # s2: capacity unknown → 0.5; "IATF16949" counts as IATF 16949; 1 − 500.4/1000; outside Chongqing
    p2 = _p(s2)
    assert (p2["segment"], p2["capacity"], p2["certs"], p2["local"]) == (1.0, 0.5, 1.0, 0.0)
    assert p2["distance"] == pytest.approx(1 - 4.5 * 6371.0088 * 3.141592653589793 / 180 / 1000)
    # s3: sibling segment 0.3, capacity min(1, 20000/12000) = 1, no certificate → 0, at p, local
    p3 = _p(s3)
    assert (p3["segment"], p3["capacity"], p3["certs"], p3["distance"], p3["local"]) == (
        0.3,
        1.0,
        0.0,
        1.0,
        1.0,
    )
    # s2 = 0.55 + 0.25·t2 beats s3 = 0.39 + 0.25·t3 whenever t3 − t2 < 0.64 (t ≤ 1)
    assert s2.score == pytest.approx(0.30 + 0.05 + 0.15 + 0.10 * p2["distance"] + 0.25 * p2["text"])
    assert s3.score == pytest.approx(0.09 + 0.10 + 0.10 + 0.10 + 0.25 * p3["text"])
    assert s1.offer_id == "O1" and s1.local and s1.distance_km == pytest.approx(0.0)
    assert "缺" not in s1.parts[3].explain and "具备" in s1.parts[3].explain


def test_missing_certificate_is_named(conn):
    s3 = next(m for m in rank_suppliers(conn, Need(**NEED)) if m.id == "s3")
    assert next(p.explain for p in s3.parts if p.key == "certs") == "尚无所需认证 IATF 16949"


def test_certificate_wording_reads_as_chinese():
    from chainbrain.match.engine import certs_text

    assert certs_text([], []) == "需求未要求认证"
    assert certs_text(["IATF 16949"], []) == "已具备所需认证 IATF 16949"
    assert certs_text(["IATF 16949"], ["ISO 26262"]) == "已具备 IATF 16949，尚缺 ISO 26262"
    assert "无；" not in certs_text([], ["IATF 16949"])


def test_weights_sum_to_one_and_certs_normalise():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert norm_cert("IATF 16949") == norm_cert("iatf-16949") == "IATF16949"


def test_stored_need_and_reverse_matching(conn):
    add_need(conn, {"id": "N1", **NEED})
    add_need(
        conn, {"id": "N2", "buyer_id": "oem", "segment_id": "battery.pack", "title": "电池包", "spec": "液冷"}
    )
    add_need(conn, {"id": "N3", "buyer_id": "oem", "segment_id": "adas.radar", "title": "毫米波雷达"})
    assert [m.id for m in rank_suppliers(conn, "N1")][:1] == ["s1"]
    # O1 (lidar): N1 exact segment; N3 sibling (0.3); N2 neither segment nor words → dropped
    ranked = rank_needs(conn, "O1")
    assert [m.id for m in ranked] == ["N1", "N3"]
    assert _p(ranked[0])["segment"] == 1.0 and _p(ranked[1])["segment"] == 0.3
    assert [n.id for n in list_needs(conn, segment="adas.radar")] == ["N3"]
    assert [o.id for o in list_offers(conn, supplier="s2")] == ["O2"]
    # listed with the names a reader needs beside the ids; a match names the firm it is about
    n3 = list_needs(conn, segment="adas.radar")[0]
    assert (n3.buyer_name, n3.segment_name) == ("oem公司", "毫米波雷达")
    o2 = list_offers(conn, supplier="s2")[0]
    assert (o2.segment_names, o2.supplier_name) == (["激光雷达"], "s2公司")
    assert [m.enterprise_id for m in ranked] == ["oem", "oem"]
    assert rank_suppliers(conn, "N1")[0].enterprise_id == "s1"


def test_bad_records_are_refused(conn):
    with pytest.raises(MatchRecordError, match="采购方企业 nobody 不存在"):
        add_need(conn, {**NEED, "buyer_id": "nobody"})
    with pytest.raises(MatchRecordError, match="产业链环节"):
        add_offer(conn, {"supplier_id": "s1", "segment_ids": ["nope"], "title": "某产品"})
    with pytest.raises(MatchRecordError, match="annual_volume"):
        add_need(conn, {**NEED, "annual_volume": -1})


def test_metrics_by_hand():
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert precision_at_k(ranked, {"b", "f"}, 5) == pytest.approx(1 / 5)  # f is 6th
    assert reciprocal_rank(ranked, {"b", "f"}) == pytest.approx(1 / 2)
    assert reciprocal_rank(ranked, {"z"}) == 0.0
    assert precision_at_k(["a"], {"a"}, 5) == pytest.approx(1 / 5)


def test_evaluate_aggregates_by_hand(conn):
    cases = [
        {"id": "c1", "need": NEED, "relevant": ["b", "f"]},
        {"id": "c2", "need": NEED, "relevant": ["z"]},
    ]
    rep = evaluate(conn, cases, k=5, ranker=lambda _c, _n: ["a", "b", "c", "d", "e", "f"])
    # P@5: (1/5 + 0) / 2 = 0.1; MRR: (1/2 + 0) / 2 = 0.25; ceiling: (2/5 + 1/5) / 2 = 0.3
    assert (rep.precision_at_k, rep.mrr, rep.ceiling) == pytest.approx((0.1, 0.25, 0.3))
    real = evaluate(conn, [{"id": "c", "need": NEED, "relevant": ["s1", "s2"]}], k=5)
    # s1, s2 ranked 1st and 2nd: P@5 = 2/5, RR = 1
    assert (real.precision_at_k, real.mrr) == pytest.approx((0.4, 1.0))


def test_closed_offers_and_needs_are_not_matched(conn):
    set_state(conn, "offer", "O1", "closed")
    # s1 falls back to its profile: same segment and site, but no certificate and no stated capacity
    s1 = next(m for m in rank_suppliers(conn, Need(**NEED)) if m.id == "s1")
    assert s1.offer_id is None and _p(s1)["certs"] == 0.0
    add_need(conn, {"id": "N1", **NEED})
    set_state(conn, "need", "N1", "closed")
    assert rank_needs(conn, "O2") == []
    with pytest.raises(MatchRecordError, match="供给能力 O9 不存在"):
        set_state(conn, "offer", "O9", "closed")
