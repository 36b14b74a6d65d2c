"""Erlang C sizing worked by hand (M/M/c with offered load a = λ/μ) and the district grid check."""

from __future__ import annotations

import math

import pytest

from chainbrain.siting import InputError
from chainbrain.siting.sizing import (
    StationLoad,
    busy_guns_quantile,
    chargers_needed,
    erlang_c,
    grid_check,
    queue,
    read_hosting_capacity,
)


def _erlang_c_by_sum(c: int, a: float) -> float:
    """The closed form: (aᶜ/c!)(c/(c−a)) / (Σ_{k<c} aᵏ/k! + (aᶜ/c!)(c/(c−a)))."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_erlang_c_textbook_values():
    # M/M/1: P(wait) = ρ; M/M/2 at a = 1: P0 = 1/3 and P(wait) = 1/3; M/M/3 at a = 2: P0 = 1/9, P(wait) = 4/9
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    # M/M/4 at a = 2: Σ_{k<4} = 19/3, tail (16/24)·2 = 4/3 → 4/23
    assert erlang_c(4, 2.0) == pytest.approx(4 / 23)


@pytest.mark.parametrize(("c", "a"), [(5, 3.2), (12, 10.0), (30, 25.5), (60, 41.0)])
def test_erlang_c_recursion_matches_the_closed_form(c, a):
    assert erlang_c(c, a) == pytest.approx(_erlang_c_by_sum(c, a), rel=1e-10)


def test_queue_figures_by_hand():
    # 4 arrivals an hour, 30-minute sessions: a = 2; with 3 guns Wq = (4/9)/(3·2 − 4) h = 2/9 h
    q = queue(3, 4.0, 30.0)
    assert q.offered_erlangs == 2.0 and q.p_wait == pytest.approx(4 / 9)
    assert q.mean_wait_minutes == pytest.approx(40 / 3) and q.utilisation == pytest.approx(2 / 3)
    assert queue(4, 4.0, 30.0).mean_wait_minutes == pytest.approx(60 / 23)  # (4/23)/(8 − 4) h
    over = queue(2, 4.0, 30.0)
    assert over.p_wait == 1.0 and math.isinf(over.mean_wait_minutes)


def test_chargers_needed_is_the_least_count_meeting_the_level():
    assert chargers_needed(4.0, 30.0, max_p_wait=0.5).guns == 3  # 4/9 ≤ 0.5
    assert chargers_needed(4.0, 30.0, max_p_wait=0.2).guns == 4  # 4/9 > 0.2 ≥ 4/23
    assert chargers_needed(4.0, 30.0, max_mean_wait_minutes=15).guns == 3  # 13.3 min
    assert chargers_needed(4.0, 30.0, max_mean_wait_minutes=5).guns == 4  # 2.6 min
    assert chargers_needed(4.0, 30.0, max_p_wait=0.5, max_mean_wait_minutes=5).guns == 4
    assert chargers_needed(0.0, 30.0, max_p_wait=0.01).guns == 1
    with pytest.raises(InputError, match="请给出"):
        chargers_needed(4.0, 30.0)
    with pytest.raises(InputError, match="到达"):
        chargers_needed(math.nan, 30.0, max_p_wait=0.1)


def test_busy_guns_quantile_by_hand():
    # M/M/3, a = 2: P(0..2) = 1/9, 2/9, 2/9 and P(all 3 busy) = 4/9
    assert busy_guns_quantile(3, 2.0, 0.1) == 0
    assert busy_guns_quantile(3, 2.0, 0.5) == 2
    assert busy_guns_quantile(3, 2.0, 0.95) == 3
    assert busy_guns_quantile(3, 5.0, 0.5) == 3


def test_grid_check(tmp_path):
    stations = [
        StationLoad("A", 3, 120.0, 2.0),
        StationLoad("A", 3, 120.0, 2.0),
        StationLoad("B", 3, 60.0, 2.0),
    ]
    f = tmp_path / "cap.csv"
    f.write_text("district,capacity_kw\nA,700\n", encoding="utf-8")
    rows = grid_check(stations, read_hosting_capacity(f))
    a, b = rows
    assert (a.district, a.peak_kw, a.capacity_kw, a.headroom_kw, a.ok) == ("A", 720.0, 700.0, -20.0, False)
    assert (b.district, b.peak_kw, b.ok) == ("B", 180.0, None)
    f.write_text("district,capacity_kw\nA,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行 capacity_kw 列：'x'"):
        read_hosting_capacity(f)
