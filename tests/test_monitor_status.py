"""Status rule and projections on cases worked out by hand (see the comments for the arithmetic).

Time axis: the end of year Y is t = Y, so 2025Q4 → 2025.0, 2026Q2 → 2025.5, 2025Q1 → 2024.25.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from scipy import stats

from chainbrain.monitor.observations import Observation
from chainbrain.monitor.periods import PeriodError, date_t, parse_period
from chainbrain.monitor.registry import Target
from chainbrain.monitor.status import assess, warnings
from chainbrain.monitor.trajectory import Origin, required_at, t95

_ids = itertools.count(1)


def target(value, year, kind="level", start=2025, **kw) -> Target:
    return Target(
        id=kw.pop("id", "t"), name="测试目标", unit=kw.pop("unit", "家"), value=value, year=year, kind=kind,
        document_id="d", document="《测试》", document_status="正式印发", clause="一", start_year=start,
        source="test", **kw,
    )  # fmt: skip


def obs(*pairs) -> list[Observation]:
    return [
        Observation(next(_ids), "t", p, v, "家", "test", dt.date(2030, 1, 1), "verified") for p, v in pairs
    ]


def test_periods_sit_at_their_end():
    assert parse_period("2025").t == 2025.0
    assert parse_period("2025Q4").t == 2025.0
    assert parse_period("2026Q2").t == 2025.5
    assert parse_period("2025-03").t == pytest.approx(2024.25)
    assert date_t(dt.date(2025, 12, 31)) == pytest.approx(2025.0)
    with pytest.raises(PeriodError):
        parse_period("2025年3季度")
    with pytest.raises(PeriodError):
        parse_period("2025-13")


def test_t_table_matches_scipy():
    for df in (1, 2, 3, 5, 10, 30):
        assert t95(df) == pytest.approx(stats.t.ppf(0.95, df), abs=1e-3)


def test_on_track_cumulative_with_band():
    # 300 by 2027, plan starts 2025 → path 0 at 2024.0 to 300 at 2027.0, i.e. 100 a year.
    # obs (2024.5, 50), (2025.0, 110), (2025.5, 150): t̄ = 2025.0, v̄ = 103.333, Sxx = 0.5,
    # Sxy = (-0.5)(-53.333) + (0.5)(46.667) = 50 → slope 100; at 2027: 103.333 + 2·100 = 303.333 ≥ 300.
    # residuals -3.333, +6.667, -3.333 → SSE 66.667, s = 8.165; half = t(0.95,1)=6.314 · 8.165 ·
    # sqrt(1 + 1/3 + 2²/0.5) = 6.314 · 8.165 · 3.055 = 157.50 → band [145.83, 460.83].
    # path at 2025.5 = 150 = latest → pace gap 0 → 正常.
    a = assess(target(300, 2027, "cumulative"), obs(("2025Q2", 50), ("2025Q4", 110), ("2026Q2", 150)))
    assert a.status == "正常"
    assert a.projected == pytest.approx(303.333, abs=1e-3)
    assert a.projected_low == pytest.approx(145.83, abs=0.05)
    assert a.projected_high == pytest.approx(460.83, abs=0.05)
    assert a.required_at_latest == pytest.approx(150)
    assert a.pace_gap == pytest.approx(0)
    assert a.gap == pytest.approx(150)  # 300 − 150 still to go


def test_slipping_lags_on_pace_and_gets_catch_up_levels():
    # level 30 by 2027, no baseline → path from the first observation (2025.0, 10): 10 a year.
    # obs (2025.0,10), (2025.5,14), (2026.0,15): slope 5, projected 13 + 5·1.5 = 20.5 < 30;
    # band half = 6.314 · sqrt(1.5) · sqrt(1 + 1/3 + 1.5²/0.5) = 18.68 → high 39.18 (≥ 30, not the reason);
    # path at 2026.0 = 20 → pace gap (15 − 20)/20 = −25 % < −20 % → 滞后.
    a = assess(target(30, 2027), obs(("2025Q4", 10), ("2026Q2", 14), ("2026Q4", 15)))
    assert a.status == "滞后"
    assert a.projected == pytest.approx(20.5)
    assert a.projected_high == pytest.approx(39.18, abs=0.01)
    assert a.pace_gap == pytest.approx(-0.25)
    # catch-up: straight from 15 at 2026.0 to 30 at 2027.0, one quarter at a time
    assert [(c["period"], round(c["level"], 2)) for c in a.catch_up] == [
        ("2027Q1", 18.75),
        ("2027Q2", 22.5),
        ("2027Q3", 26.25),
        ("2027Q4", 30.0),
    ]


def test_warning_when_trend_misses_but_band_reaches():
    # level 100 by 2027 from baseline 40 (2024): path 20 a year, 80 at 2026.0.
    # obs (2025.0,60), (2025.5,71), (2026.0,78): slope 18, projected 69.667 + 18·1.5 = 96.667 < 100;
    # s = sqrt(2.667) = 1.633, half = 6.314 · 1.633 · 2.4152 = 24.90 → high 121.57 ≥ 100;
    # pace gap (78 − 80)/60 = −3.3 % (not below −5 %) → 预警 because of the trend.
    t = target(100, 2027, baseline_value=40, baseline_year=2024)
    a = assess(t, obs(("2025Q4", 60), ("2026Q2", 71), ("2026Q4", 78)))
    assert a.status == "预警"
    assert a.projected == pytest.approx(96.667, abs=1e-3)
    assert a.projected_high == pytest.approx(121.57, abs=0.01)
    assert a.pace_gap == pytest.approx(-2 / 60)
    assert "趋势" in a.reason


def test_already_met_ratio_at_most():
    # 车桩比 4:1 → at most 4 cars per pile; latest 3.9 ≤ 4 → 达标
    t = target(4, 2025, "ratio", start=2022, direction="at_most", unit="辆/桩")
    a = assess(t, obs(("2024Q4", 4.5), ("2025Q2", 3.9)))
    assert a.status == "达标"


def test_cumulative_single_observation_uses_the_path_pace():
    # 50 by 2027 from 0 at 2024.0: 16.667 a year. One observation 12 at 2025.0 (path 16.667):
    # projection 12 + (50 − 16.667) = 45.333 < 50 → 预警; pace gap (12 − 16.667)/50 = −9.3 %.
    a = assess(target(50, 2027, "cumulative", unit="项"), obs(("2025Q4", 12)))
    assert a.status == "预警"
    assert a.projected == pytest.approx(45.333, abs=1e-3)
    assert a.projected_low is None
    assert a.pace_gap == pytest.approx(-0.09333, abs=1e-4)
    assert "计划路径" in a.method


def test_share_two_points_and_clamped_projection():
    # 40 % by 2025; obs (2024.0, 30), (2024.5, 36): slope 12 a year → 42 at 2025.0 ≥ 40;
    # path from the first observation: 35 at 2024.5 → pace gap +10 % → 正常; no band with two points.
    a = assess(target(40, 2025, "share", start=2022, unit="%"), obs(("2024Q4", 30), ("2025Q2", 36)))
    assert (a.status, a.projected, a.projected_high) == ("正常", pytest.approx(42), None)
    # 80 → 95 in half a year extrapolates to 110 %: a share is clamped at 100
    b = assess(target(99, 2025, "share", start=2022, unit="%"), obs(("2024Q4", 80), ("2025Q2", 95)))
    assert b.projected == 100


def test_range_met_above_max_and_missed_at_deadline():
    t = target(3, 2025, "range", start=2022, max_value=5)
    above = assess(t, obs(("2025Q4", 6)))
    assert above.status == "达标" and "上限" in above.reason
    missed = assess(t, obs(("2024Q4", 1), ("2025Q4", 2)))
    assert missed.status == "滞后" and "已结束" in missed.reason
    assert missed.catch_up == []


def test_compound_path_for_growth_targets():
    # 543 (2024) → 1000 (2027), compound: at 2025.5 (half-way) 543 · (1000/543)^0.5 = sqrt(543 000) = 736.89
    t = target(1000, 2027, growth=True, baseline_value=543, baseline_year=2024)
    assert required_at(t, Origin(2024.0, 543, "基期"), 2025.5) == pytest.approx(736.89, abs=0.01)
    # one observation at the baseline: projected at the path's own growth → exactly 1000; one point cannot
    # show a trend, so the status is 数据不足 rather than 正常
    a = assess(t, obs(("2024", 543)), as_of=dt.date(2025, 12, 31))
    assert a.status == "数据不足" and a.projected == pytest.approx(1000)
    # required now (end of 2025): 543 · (1000/543)^(1/3) = 664.6
    assert a.required_now == pytest.approx(543 * (1000 / 543) ** (1 / 3))


def test_increase_target_from_zero():
    # +20 百分点 by 2027 from 0 at 2024.0; obs (2025.0, 5), (2026.0, 12): slope 7 → 19 at 2027 < 20;
    # path at 2026.0 = 13.333 → pace gap (12 − 13.333)/20 = −6.7 % → 预警
    a = assess(target(20, 2027, "increase", unit="百分点"), obs(("2025Q4", 5), ("2026Q4", 12)))
    assert a.status == "预警"
    assert a.projected == pytest.approx(19)
    assert a.pace_gap == pytest.approx(-0.0667, abs=1e-4)


def test_no_data_and_warning_order():
    empty = assess(target(10, 2027), [])
    assert empty.status == "无数据"
    lag = assess(target(30, 2027), obs(("2025Q4", 10), ("2026Q2", 14), ("2026Q4", 15)))
    warn = assess(target(50, 2027, "cumulative"), obs(("2025Q4", 12)))
    ok = assess(target(300, 2027, "cumulative"), obs(("2025Q2", 50), ("2025Q4", 110), ("2026Q2", 150)))
    assert [a.status for a in warnings([ok, warn, empty, lag])] == ["滞后", "预警"]
