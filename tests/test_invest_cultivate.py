"""培育: criteria met / missed / unknown, candidate order, and transformation fits — worked out by hand."""

from __future__ import annotations

import pytest

from chainbrain.invest.criteria import CRITERIA, criteria_table
from chainbrain.invest.cultivate import assess, candidates, firm_facts, progress
from chainbrain.invest.transform import candidates as transform_candidates
from chainbrain.invest.transform import rules
from fixtures.invest import cultivate_store, transform_store


@pytest.fixture
def conn():
    c = cultivate_store()
    yield c
    c.close()


def _status(a):
    return {c.key: c.status for c in a.checks}


def test_zjtx_checks_for_a_firm_with_every_figure(conn):
    a = assess(firm_facts(conn)["f1"], "zjtx", year=2025)
    # 300 people < 1000 → SME; 8 years ≥ 2; R&D 500万 ≥ 100万 and 6.25% ≥ 3%; revenue 8000万 ≥ 1000万;
    # the 60-point score is never assessed
    assert _status(a) == {"zjtx.sme": "met", "zjtx.years": "met", "zjtx.rd": "met", "zjtx.revenue": "met",
                          "zjtx.score": "unknown"}  # fmt: skip
    assert a.score == pytest.approx(4 / 5)


def test_xjr_uses_the_revenue_band_for_rd(conn):
    f1 = assess(firm_facts(conn)["f1"], "xjr", year=2025)
    st = _status(f1)
    # revenue 8000万 is in the 5000万–1亿 band: both years' R&D share must be ≥ 6%: 6.25% and 7% → met
    assert st["xjr.rd"] == "met"
    assert st["xjr.zjtx"] == "missed"  # not yet 专精特新
    assert f1.missed == ["xjr.zjtx"] and len(f1.met) == 9
    f2 = assess(firm_facts(conn)["f2"], "xjr", year=2025)
    st = _status(f2)
    # revenue 2亿 → 3% band; 4% this year but last year unknown → unknown; growth 3% < 5%; 1 Ⅰ类 IP < 2
    assert st["xjr.rd"] == "unknown"
    assert sorted(f2.missed) == ["xjr.growth", "xjr.ip"]
    assert sorted(f2.unknown) == ["xjr.debt", "xjr.market_share", "xjr.rd"]
    assert sorted(f2.met) == ["xjr.institution", "xjr.main_share", "xjr.sme", "xjr.years", "xjr.zjtx"]


def test_young_firm_misses_the_years_test_without_the_figure(conn):
    a = assess(firm_facts(conn)["f3"], "zjtx", year=2026)
    st = _status(a)
    assert st["zjtx.years"] == "missed"  # founded 2025: 1 year < 2
    assert "成立仅1年" in next(c.reason for c in a.checks if c.key == "zjtx.years")
    # revenue 500万 < 1000万, equity financing unknown → "any" stays unknown; R&D unknown
    assert st["zjtx.revenue"] == "unknown" and st["zjtx.rd"] == "unknown"


def test_candidate_lists(conn):
    # f2, f6 already 专精特新; f4 too large (2000 people and 5亿); f5 outside Chongqing; oem is an OEM
    assert [a.enterprise_id for a in candidates(conn, "zjtx", year=2026)] == ["f1", "f3"]
    # 小巨人: f1 (9 met) > f2 (5 met) > f3 (1 met); f6 already 小巨人
    assert [a.enterprise_id for a in candidates(conn, "xjr", year=2026)] == ["f1", "f2", "f3"]
    assert [a.enterprise_id for a in candidates(conn, "xjr", top=1)] == ["f1"]
    with pytest.raises(ValueError, match="未知的培育层级"):
        candidates(conn, "abc")


def test_progress_against_the_plan(conn):
    p = {r["tier"]: (r["count"], r["target"]) for r in progress(conn)}
    assert p == {"zjtx": (2, 400), "xjr": (1, 80)}


def test_criteria_table_is_one_documented_table():
    rows = criteria_table()
    assert len(rows) == len(CRITERIA)
    assert all(r["clause"] for r in rows)
    # thresholds not checked against the published text say so wherever they are shown
    for r in rows:
        assert r["clause"].endswith("（阈值未经原文核对）") == (not r["verified_here"])
    assert {r["key"] for r in rows if r["verified_here"]} == {"zjtx.years", "zjtx.rd", "zjtx.revenue"}


def test_transformation_candidates():
    conn = transform_store()
    out = transform_candidates(conn)
    # t3 makes 电驱 (not traditional); t1 labelled 传统零部件; t2 makes only 铸锻件
    assert [c.enterprise_id for c in out] == ["t2", "t1"]
    t2, t1 = out
    # t2 → 电驱: two rules (铸锻件, 精密齿轮) → evidence 1; pull 4亿/4亿 = 1 → 1.0
    assert t2.targets[0].segment_id == "edrive" and t2.targets[0].score == pytest.approx(1.0)
    # t2 → 镁铝合金: two rules (铸锻件, 铝压铸), nobody buys it → 0.5
    mgal = next(t for t in t2.targets if t.segment_id == "lightweight.mgal")
    assert mgal.score == pytest.approx(0.5) and len(mgal.reasons) == 2
    # t1 → 电驱 via 精密齿轮 (0.5·0.5 + 0.5·1 = 0.75) before 增程器 via 发动机 (0.5·0.5 + 0.5·0.5 = 0.5)
    assert [(t.segment_id, t.score) for t in t1.targets] == [("edrive", 0.75), ("rex", 0.5)]
    assert len(rules()) >= 20
