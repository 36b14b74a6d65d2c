"""FRLM on a corridor worked by hand: A —100— B —100— C —100— D (km), range 250 km.

Round trips are cycles: A–D is 600 km with positions A 0, B 100, C 200, D 300, C 400, B 500; a station set
refuels it when no gap between consecutive stations on the cycle exceeds 250 km. {B, C}: gaps 100, 200, 100,
200 — yes; {A, D}: gaps 300 — no; {A, B}: B 100 → B 500 is 400 — no. A–C (400 km) is refuelled by B alone
(gaps 200, 200) and B–D by C alone; no single station refuels A–D."""

from __future__ import annotations

import pytest

from chainbrain.siting import InputError
from chainbrain.siting.frlm import FRLM

EDGES = [("A", "B", 100.0), ("B", "C", 100.0), ("C", "D", 100.0)]
FLOWS = [("A", "D", 10.0), ("A", "C", 5.0), ("B", "D", 3.0)]


def test_one_station_goes_where_it_refuels_the_most_flow():
    m = FRLM.from_network(EDGES, FLOWS, 250.0, 1).solve()
    assert m.site_ids == ["B"] and m.covered_flow == 5.0
    assert list(m.refuelled) == [False, True, False]


def test_two_stations_refuel_every_flow():
    m = FRLM.from_network(EDGES, FLOWS, 250.0, 2).solve()
    assert m.covered_flow == 18.0 and m.bound == pytest.approx(18.0)
    assert set(m.site_ids) in ({"B", "C"}, {"A", "C"}, {"B", "D"})


def test_existing_station_at_an_end_leaves_b_or_c():
    # D kept: with one more, {D, B} refuels all three (A–D gaps 200; A–C by B; B–D: B 0, D 200 → 200)
    m = FRLM.from_network(EDGES, FLOWS, 250.0, 2, fixed=["D"]).solve()
    assert set(m.site_ids) == {"B", "D"} and m.covered_flow == 18.0
    # A kept: {A, C} refuels A–D and B–D; A–C: A 0/400, C 200 → gaps 200 — all 18 as well
    m = FRLM.from_network(EDGES, FLOWS, 250.0, 2, fixed=["A"]).solve()
    assert set(m.site_ids) == {"A", "C"} and m.covered_flow == 18.0


def test_short_range_refuels_nothing():
    m = FRLM.from_network(EDGES, FLOWS, 90.0, 4).solve()  # every arc is 100 km
    assert m.covered_flow == 0.0 and not m.refuelled.any()


def test_range_of_150_needs_stations_at_most_150_apart():
    # A–C round trip A 0, B 100, C 200, B 300 (A 400), range 150: {A, B} leaves B 100 → B 300 = 200,
    # {B, C} leaves B 300 → B 100 = 200, {A, C} leaves 200; only {A, B, C} (gaps 100) makes it
    for p in (1, 2):
        assert FRLM.from_network(EDGES, [("A", "C", 1.0)], 150.0, p).solve().covered_flow == 0.0
    m = FRLM.from_network(EDGES, [("A", "C", 1.0)], 150.0, 3).solve()
    assert m.covered_flow == 1.0 and set(m.site_ids) == {"A", "B", "C"}


def test_bad_input():
    with pytest.raises(InputError, match="不在路网"):
        FRLM.from_network(EDGES, [("A", "Z", 1.0)], 250.0, 1)
    with pytest.raises(InputError, match="续航"):
        FRLM.from_network(EDGES, FLOWS, -1.0, 1)
