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


def _facts(fid, name, **kw):
    base = {"id": fid, "name": name, "district_code": "500120", "year": 2025, "founded": 2010,
            "employees": 100, "revenue": None, "years_in_field": None, "rd_expense": None, "rd_share": None,
            "equity_financing": None}  # fmt: skip
    return {**base, **kw}


def test_margin_worked_by_hand():
    # headroom h → h / (1 + |h|): years 2.5 vs ≥2: h 0.25 → 0.2; R&D 120万 vs ≥100万: 0.2 → 1/6 and 3.5% vs ≥3%:
    # 1/6 → 1/7, all: the least, 1/7; revenue 1500万 vs ≥1000万: 0.5 → 1/3 (equity unknown), any: 1/3;
    # the SME line and the never-assessed 60-point score have no margin
    a = assess(_facts("x", "甲", years_in_field=2.5, rd_expense=120, rd_share=0.035, revenue=1500), "zjtx")
    assert a.met == ["zjtx.sme", "zjtx.years", "zjtx.rd", "zjtx.revenue"]
    assert a.margin == pytest.approx((0.2 + 1 / 7 + 1 / 3) / 3)
    # a missed test counts negatively: R&D share 1.5% vs 3%: h −0.5 → −1/3 (R&D 300万: h 2 → 2/3), min −1/3;
    # years 10: h 4 → 0.8; revenue 2亿: h 19 → 0.95
    b = assess(_facts("y", "乙", years_in_field=10, rd_expense=300, rd_share=0.015, revenue=20000), "zjtx")
    assert b.missed == ["zjtx.rd"] and b.margin == pytest.approx((0.8 - 1 / 3 + 0.95) / 3)


def test_ties_rank_by_margin_then_rd_share_then_name():
    from chainbrain.invest.cultivate import rank_key

    scrapes = assess(
        _facts("a1", "丙", years_in_field=2.5, rd_expense=120, rd_share=0.035, revenue=1500), "zjtx"
    )
    clear = assess(_facts("a2", "丁", years_in_field=3, rd_expense=200, rd_share=0.06, revenue=1200), "zjtx")
    # clear: years h 0.5 → 1/3; R&D min(1 → 0.5, 1 → 0.5) = 0.5; revenue 0.2 → 1/6: mean 1/3 > scrapes 0.2254
    assert clear.margin == pytest.approx((1 / 3 + 0.5 + 1 / 6) / 3)
    # the same margin (R&D spend 150万, h 0.5 → 1/3, is the least R&D atom either way), different R&D share
    big = assess(_facts("b1", "戊", years_in_field=9, rd_expense=150, rd_share=0.10, revenue=9000), "zjtx")
    bigger = assess(_facts("b2", "己", years_in_field=9, rd_expense=150, rd_share=0.12, revenue=9000), "zjtx")
    # years h 3.5 → 7/9; R&D 1/3; revenue h 8 → 8/9
    assert big.margin == bigger.margin == pytest.approx((7 / 9 + 1 / 3 + 8 / 9) / 3)
    # the same everything: by name (code point: 乙 U+4E59 < 戊 U+620A < 甲 U+7532), not by id or district
    twin_a = assess(_facts("z9", "乙", years_in_field=9, rd_expense=150, rd_share=0.10, revenue=9000), "zjtx")
    twin_b = assess(_facts("a0", "甲", years_in_field=9, rd_expense=150, rd_share=0.10, revenue=9000), "zjtx")
    ranked = sorted([scrapes, twin_b, clear, big, twin_a, bigger], key=rank_key)
    assert [a.enterprise_id for a in ranked] == ["b2", "z9", "b1", "a0", "a2", "a1"]


def test_checks_read_in_words_with_units() -> None:
    """Figures and thresholds as a reader reads them (worked by hand from the criteria table)."""
    from chainbrain.invest.criteria import atom_zh, criteria, fact_zh

    sme, years, rd = (
        next(c for c in criteria("zjtx") if c.key == k) for k in ("zjtx.sme", "zjtx.years", "zjtx.rd")
    )
    assert [atom_zh(a) for a in sme.atoms] == ["从业人员 < 1,000 人", "营业收入 < 40,000 万元"]
    assert [atom_zh(a) for a in years.atoms] == ["从事细分市场年限 ≥ 2 年"]
    assert [atom_zh(a) for a in rd.atoms] == ["研发费用 ≥ 100 万元", "研发投入占比 ≥ 3%"]
    assert fact_zh("employees", 88) == "从业人员 88 人"
    assert fact_zh("revenue", 9983) == "营业收入 9,983 万元"
    assert fact_zh("rd_share", 0.0323) == "研发投入占比 3.2%"
    assert fact_zh("rd_institution", True) == "研发机构 是"
    assert fact_zh("equity_financing", None) == "近2年新增股权融资 缺数据"
    facts = {"id": "x", "name": "甲", "district_code": "500101", "employees": 88, "revenue": 9983.0,
             "years_in_field": None, "founded": None, "rd_expense": 322.0, "rd_share": None}  # fmt: skip
    checks = {c.key: c for c in assess(facts, "zjtx", year=2025).checks}
    assert checks["zjtx.sme"].values_zh == ["从业人员 88 人", "营业收入 9,983 万元"]
    assert checks["zjtx.rd"].reason == "缺少：研发投入占比"
    assert checks["zjtx.years"].reason == "缺少：从事细分市场年限"
