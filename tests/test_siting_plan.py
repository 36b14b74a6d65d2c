"""The year-by-year build plan on the line case: demand 0, 2, 4, 6, 8 (weights 5, 1, 1, 1, 5), candidate
sites at 1, 3, 5, 7 (ids = positions), radius 1.5, the site at 3 existing today."""

from __future__ import annotations

import numpy as np
import pytest

from chainbrain.siting import InputError
from chainbrain.siting.plan import build_plan

DEMAND = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
SITES = np.array([1.0, 3.0, 5.0, 7.0])
COST = np.abs(DEMAND[:, None] - SITES[None, :])
W = [5, 1, 1, 1, 5]
IDS = ["1", "3", "5", "7"]


def test_plan_by_hand():
    plan = build_plan(COST, {2025: 2, 2026: 3, 2027: 4}, 1.5, weights=W, existing=[1], candidate_ids=IDS)
    assert plan.existing == ["3"]
    y25, y26, y27 = plan.years
    # 2025: with 3 kept (covers 2, 4), site 7 adds 6 and 8 (weight 6) → 8 of 13; distances 3,1,1,1,1
    assert (y25.stations, y25.added, y25.covered_weight, y25.model) == (2, ["7"], 8.0, "MCLP")
    assert y25.coverage == pytest.approx(8 / 13) and y25.mean_km == pytest.approx(23 / 13)
    # 2026: site 1 covers point 0 → everything within 1.5, every distance 1
    assert (y26.stations, y26.added, y26.coverage, y26.mean_km) == (3, ["1"], 1.0, 1.0)
    # 2027: all covered, so the p-median places the last site
    assert (y27.stations, y27.added, y27.model, y27.status) == (4, ["5"], "p-median", "optimal")


def test_plan_year_with_no_new_stations_and_bad_targets():
    plan = build_plan(COST, {2025: 1}, 1.5, weights=W, existing=[1], candidate_ids=IDS)
    assert plan.years[0].added == [] and plan.years[0].covered_weight == 2.0
    with pytest.raises(InputError, match="少于已有"):
        build_plan(COST, {2025: 0}, 1.5, existing=[1])
    with pytest.raises(InputError, match="多于候选点"):
        build_plan(COST, {2025: 5}, 1.5)
