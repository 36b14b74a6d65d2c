"""Siting models on small cases worked by hand: points on a line, distances |x − y|."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainbrain.siting import LSCP, MCLP, InputError, PCenter, PMedian, SolveError
from chainbrain.siting.distance import EARTH_RADIUS_KM, distance_matrix_km, great_circle_km

DEMAND = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
ODD = np.array([1.0, 3.0, 5.0, 7.0])  # candidates between the demand points
ALL = np.arange(9.0)  # candidates at every integer


def line(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a[:, None] - b[None, :])


# --- distance ------------------------------------------------------------------------------------------------
def test_one_degree_along_the_equator_and_a_meridian_is_r_times_pi_over_180():
    arc = EARTH_RADIUS_KM * math.pi / 180.0  # 111.19508 km
    assert great_circle_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(arc, rel=1e-12)
    assert great_circle_km(106.5, 29.0, 106.5, 30.0) == pytest.approx(arc, rel=1e-12)
    assert great_circle_km(0.0, 0.0, 180.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-12)


def test_one_degree_of_longitude_at_60_degrees_north():
    # haversine: 2R asin(cos 60° · sin 0.5°) = 2R asin(0.5 sin 0.5°)
    expect = 2 * EARTH_RADIUS_KM * math.asin(0.5 * math.sin(math.radians(0.5)))
    assert great_circle_km(10.0, 60.0, 11.0, 60.0) == pytest.approx(expect, rel=1e-12)
    assert expect == pytest.approx(55.597, abs=1e-3)


def test_distance_matrix_applies_the_detour_factor_and_rejects_bad_points():
    a = np.array([[0.0, 0.0], [0.0, 1.0]])
    d = distance_matrix_km(a, a, detour_factor=1.3)
    assert d.shape == (2, 2)
    assert d[0, 1] == pytest.approx(1.3 * EARTH_RADIUS_KM * math.pi / 180.0)
    assert d[0, 0] == 0.0
    with pytest.raises(InputError, match="第 2 个点"):
        distance_matrix_km(np.array([[0.0, 0.0], [200.0, 0.0]]), a)
    with pytest.raises(InputError, match="绕行系数"):
        distance_matrix_km(a, a, detour_factor=0.5)


# --- LSCP ----------------------------------------------------------------------------------------------------
def test_lscp_needs_the_two_end_sites_and_one_in_the_middle():
    # radius 1.5: site 1 covers {0,2}, 3 covers {2,4}, 5 covers {4,6}, 7 covers {6,8}
    m = LSCP.from_cost_matrix(line(DEMAND, ODD), 1.5).solve()
    assert m.status == "optimal" and m.count == 3
    assert {0, 3} <= set(m.sites)  # sites at 1 and 7 are forced
    assert m.bound == 3


def test_lscp_keeps_existing_sites():
    m = LSCP.from_cost_matrix(line(DEMAND, ODD), 1.5, fixed=[1, 2]).solve()  # sites at 3 and 5 exist
    assert m.count == 4 and set(m.sites) == {0, 1, 2, 3}


def test_lscp_with_an_uncoverable_point_is_infeasible():
    m = LSCP.from_cost_matrix(line(DEMAND, ODD), 0.5).solve(check=False)
    assert m.status == "infeasible" and m.sites == []
    with pytest.raises(SolveError) as e:
        LSCP.from_cost_matrix(line(DEMAND, ODD), 0.5).solve()
    assert e.value.status == "infeasible"


def test_lscp_covers_at_exactly_the_radius():
    m = LSCP.from_cost_matrix(np.array([[2.0, 3.0]]), 2.0).solve()
    assert m.sites == [0]


def test_capacitated_lscp():
    w = [1, 1, 3, 1, 1]
    # capacity 2 everywhere: the point of weight 3 fits nowhere
    assert LSCP.from_cost_matrix(line(DEMAND, ODD), 1.5, capacity=[2] * 4, demand=w).solve(
        check=False
    ).status == ("infeasible")
    # site 5 (capacity 4) takes 4 and 6, site 1 takes 0 and 2, site 7 takes 8
    m = LSCP.from_cost_matrix(line(DEMAND, ODD), 1.5, capacity=[2, 2, 4, 2], demand=w).solve()
    assert m.count == 3 and set(m.sites) == {0, 2, 3}
    assert m.assignment is not None and list(m.assignment) == [0, 0, 2, 2, 3]


# --- MCLP ----------------------------------------------------------------------------------------------------
def test_mclp_by_hand():
    w = [5, 1, 1, 1, 5]
    one = MCLP.from_cost_matrix(line(DEMAND, ODD), 1.5, 1, weights=w).solve()
    assert one.covered_weight == 6  # {0,2} or {6,8}
    two = MCLP.from_cost_matrix(line(DEMAND, ODD), 1.5, 2, weights=w).solve()
    assert two.covered_weight == 12 and set(two.sites) == {0, 3}
    # with the site at 3 kept (covers 2, 4: weight 2), site 7 adds 6 and 8 (6) where site 1 adds only 0 (5)
    kept = MCLP.from_cost_matrix(line(DEMAND, ODD), 1.5, 2, weights=w, fixed=[1]).solve()
    assert kept.covered_weight == 8 and set(kept.sites) == {1, 3}
    assert list(kept.covered) == [False, True, True, True, True]


def test_mclp_rejects_more_fixed_sites_than_p():
    with pytest.raises(InputError, match="多于"):
        MCLP.from_cost_matrix(line(DEMAND, ODD), 1.5, 1, fixed=[0, 1])


# --- p-center ------------------------------------------------------------------------------------------------
def test_pcenter_by_hand():
    # radius 1 covers at most two neighbours (site between them): 5 points need 3 sites; radius 2 needs 2
    assert PCenter.from_cost_matrix(line(DEMAND, ALL), 2).solve().objective == 2
    three = PCenter.from_cost_matrix(line(DEMAND, ALL), 3).solve()
    assert three.objective == 1 and three.bound == 1
    assert PCenter.from_cost_matrix(line(DEMAND, ALL), 5).solve().objective == 0


def test_pcenter_weighted_and_fixed():
    # site 0 kept (serves 0 and 2 within 2); the second at 6 serves 4, 6, 8 within 2; at 5 or 7 the radius is 3
    m = PCenter.from_cost_matrix(line(DEMAND, ALL), 2, fixed=[0]).solve()
    assert m.objective == 2 and set(m.sites) == {0, 6}
    # weight 10 on point 8: p = 1 → the site sits where 10·|8 − x| = |0 − x| → x = 80/11, radius 80/11
    # candidates are integers: x = 7 gives max(7, 10) = 10; x = 8 gives max(8, 0) = 8
    w = PCenter.from_cost_matrix(line(DEMAND, ALL), 1, weights=[1, 1, 1, 1, 10]).solve()
    assert w.objective == 8 and w.sites == [8]


# --- p-median ------------------------------------------------------------------------------------------------
def test_pmedian_by_hand():
    one = PMedian.from_cost_matrix(line(DEMAND, ALL), 1).solve()
    assert one.objective == 12 and one.sites == [4]  # 4 + 2 + 0 + 2 + 4
    two = PMedian.from_cost_matrix(line(DEMAND, ALL), 2).solve()
    assert two.objective == 6 and two.bound == 6
    # weighted median: cumulative weights 1, 2, 3, 4, 14 pass half (7) at point 8
    w = PMedian.from_cost_matrix(line(DEMAND, ALL), 1, weights=[1, 1, 1, 1, 10]).solve()
    assert w.objective == 20 and w.sites == [8]


def test_pmedian_keeps_existing_sites():
    m = PMedian.from_cost_matrix(line(DEMAND, ALL), 2, fixed=[0]).solve()
    # site 0 serves 0 and 2 (cost 2); the other serves 4, 6, 8 from 6 (cost 4)
    assert m.objective == 6 and set(m.sites) == {0, 6}
    m = PMedian.from_cost_matrix(line(DEMAND, ALL), 2, fixed=[8]).solve()
    # site 8 serves 6, 8 (2); the other serves 0, 2, 4 from 2 (4)
    assert m.objective == 6 and set(m.sites) == {2, 8}


def test_capacitated_pmedian():
    d = np.array([0.0, 1.0, 2.0, 10.0])
    cost = line(d, np.arange(11.0))
    assert PMedian.from_cost_matrix(cost, 2).solve().objective == 2  # {0,1,2} at 1, {10} at 10
    # capacity 2: {0,1} (cost 1) and {2,10} (cost 8)
    cap = PMedian.from_cost_matrix(cost, 2, capacity=[2] * 11).solve()
    assert cap.objective == 9
    assert PMedian.from_cost_matrix(cost, 2, capacity=[1] * 11).solve(check=False).status == "infeasible"


def test_pmedian_with_an_unreachable_point_is_infeasible():
    cost = np.array([[1.0, np.inf], [np.inf, np.inf]])
    assert PMedian.from_cost_matrix(cost, 1).solve(check=False).status == "infeasible"


def test_pmedian_rejects_bad_input():
    with pytest.raises(InputError, match="第 1 行第 2 列"):
        PMedian.from_cost_matrix(np.array([[1.0, -1.0]]), 1)
    with pytest.raises(InputError, match="p"):
        PMedian.from_cost_matrix(np.ones((2, 2)), 3)
    with pytest.raises(InputError, match="需求权重"):
        PMedian.from_cost_matrix(np.ones((2, 2)), 1, weights=[1.0, math.nan])
