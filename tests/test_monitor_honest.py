"""Too few points read 数据不足, and every assessment says what data status its figure rests on.

Cases worked out by hand; the demo store's NEV output target is the one the issue names (verified 2024
actual 95.3万辆, illustrative 2025Q4 value 118.6万辆).
"""

from __future__ import annotations

import datetime as dt

from chainbrain.monitor.observations import Observation
from chainbrain.monitor.registry import Target
from chainbrain.monitor.status import STATUS_ORDER, assess, summary


def target(value, year, kind="level", **kw) -> Target:
    return Target(
        id="t", name="测试目标", unit="家", value=value, year=year, kind=kind, document_id="d",
        document="《测试》", document_status="正式印发", clause="一", start_year=2025, source="test", **kw,
    )  # fmt: skip


def ob(i: int, period: str, value: float, status: str = "verified") -> Observation:
    return Observation(i, "t", period, value, "家", "test", dt.date(2030, 1, 1), status)


def test_one_observation_on_the_path_is_not_normal():
    # linear path 0 (end 2024) → 100 (end 2027); one point 40 at end 2025 is ahead of the path (33.3):
    # pace gap +6.7 %, projection 40 + (100 − 33.3) = 106.7 meets → would be 正常, but one point shows no trend
    t = target(100, 2027, "cumulative")
    a = assess(t, [ob(1, "2025Q4", 40)], as_of=dt.date(2026, 1, 1))
    assert a.status == "数据不足"
    assert a.projected is not None and abs(a.projected - (40 + 100 - 100 / 3)) < 1e-9
    # two points at different times on the same data: a trend exists → 正常 (slope 30/0.5 = 60/yr → 160)
    b = assess(t, [ob(1, "2025Q2", 25), ob(2, "2025Q4", 40)], as_of=dt.date(2026, 1, 1))
    assert b.status == "正常"


def test_one_observation_far_behind_still_lags():
    # path at end 2025 = 33.3; one point 5 → pace gap (5 − 33.3)/100 = −28 % < −20 % → 滞后 even with one point
    a = assess(target(100, 2027, "cumulative"), [ob(1, "2025Q4", 5)], as_of=dt.date(2026, 1, 1))
    assert a.status == "滞后"


def test_basis_and_verified_figure_carried():
    t = target(100, 2027, growth=True, baseline_value=95.3, baseline_year=2024)
    a = assess(t, [ob(1, "2024", 95.3), ob(2, "2025Q4", 118.6, "illustrative")], as_of=dt.date(2026, 1, 1))
    assert a.status == "达标" and a.latest == 118.6
    assert a.basis == "illustrative" and "示意" in a.reason
    assert (a.verified_latest, a.verified_period) == (95.3, "2024")
    v = assess(t, [ob(1, "2024", 95.3)], as_of=dt.date(2026, 1, 1))
    assert v.basis == "verified" and "示意" not in v.reason and v.status == "数据不足"


def test_summary_counts_the_new_status():
    t = target(100, 2027, "cumulative")
    rows = [assess(t, [ob(1, "2025Q4", 40)], as_of=dt.date(2026, 1, 1)), assess(t, [])]
    s = summary(rows)
    assert list(s) == list(STATUS_ORDER)
    assert (s["数据不足"], s["无数据"], sum(s.values())) == (1, 1, 2)


def test_demo_nev_output_marked(demo_db):
    from chainbrain.monitor.status import assess_all

    a = next(x for x in assess_all(demo_db, as_of=dt.date(2026, 10, 31)) if x.id == "eco25_nev_output")
    assert a.latest == 118.6 and a.basis == "illustrative" and "示意" in a.reason
    assert (a.verified_latest, a.verified_period) == (95.3, "2024")
