"""Idle capacities (resilience/idle.py): capacitated networks whose capacities leave room for the steady
state take the decomposition and the closed form; checked against an independent scipy LP that keeps every
capacity row.

The LP here is written from the network with scipy (not from chainbrain's LP builder), straight from the
formulation in :class:`chainbrain.resilience.model.TimeToRecover`, capacity rows u_j ≤ c_j t included;
every node of each network is checked, whichever path (closed form, sub-LP, region, whole LP) the sweep
took for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainbrain.resilience.decompose import Decomposition
from chainbrain.resilience.idle import binding_capacities, counted_capacities, idle_capacities, most_asked
from chainbrain.resilience.network import Network, from_dict
from chainbrain.resilience.samples import load_willems
from chainbrain.resilience.sweep import Scenario, ScenarioSolver
from fixtures.resilience import ScenarioLP, check_every_node, random_network, seven_node_doc

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def chain(cap_b: float) -> Network:
    # A (stock 10, capacity 5) → B (stock 4, capacity cap_b) → F (demand 2, stock 1, capacity 2.5)
    return from_dict(
        {
            "nodes": [
                {"id": "A", "stock": 10, "capacity": 5, "ttr": 10},
                {"id": "B", "stock": 4, "capacity": cap_b, "ttr": 1},
                {"id": "F", "demand": 2, "stock": 1, "capacity": 2.5, "ttr": 1},
            ],
            "bom": [{"node": "B", "material": "a", "qty": 1}, {"node": "F", "material": "b", "qty": 1}],
            "supply": [
                {"supplier": "A", "node": "B", "material": "a"},
                {"supplier": "B", "node": "F", "material": "b"},
            ],
        }
    )


def test_idle_capacities_by_hand() -> None:
    # every stage is asked for at most F's 2 per day: 5, 3 and 2.5 leave room for it, 1.5 at B does not
    assert most_asked(chain(3.0)).tolist() == [2.0, 2.0, 2.0]
    assert idle_capacities(chain(3.0)).tolist() == [True, True, True]
    assert binding_capacities(chain(1.5)).tolist() == [False, True, False]
    assert counted_capacities(chain(3.0)).tolist() == [False, False, False]
    assert counted_capacities(chain(1.5)).tolist() == [True, True, True]
    # X and Y both sell F's material (1.5 per unit of F): each is asked for all of it at most, 3 per day
    multi = from_dict(
        {
            "nodes": [
                {"id": "X", "capacity": 3.0},
                {"id": "Y", "capacity": 2.9},
                {"id": "F", "demand": 2},
            ],
            "bom": [{"node": "F", "material": "m", "qty": 1.5}],
            "supply": [
                {"supplier": "X", "node": "F", "material": "m"},
                {"supplier": "Y", "node": "F", "material": "m"},
            ],
        }
    )
    assert most_asked(multi).tolist() == [3.0, 3.0, 2.0]
    assert idle_capacities(multi).tolist() == [True, False, False]  # F has no capacity at all


def test_idle_capacities_change_nothing_by_hand() -> None:
    # A down for 10 days: F needs 2·10 − 1 = 19, B's stock covers 4, A's 10 units let B make 10 (≤ 3·10) and
    # F make 14 (≤ 2.5·10): 5 lost. TTS: 2t − 1 − 4 = 10 at t = 7.5. No capacity binds: closed form.
    net = chain(3.0)
    solver = ScenarioSolver(net)
    (row,) = solver.solve_all([Scenario("A", ("A",), 10.0)])
    assert (row["loss"], row["tts"]) == pytest.approx((5.0, 7.5), abs=1e-12)
    assert solver.forest.applies and solver.forest.answered == 1
    assert ScenarioLP(net).answer(0, 10.0) == pytest.approx((5.0, 7.5), abs=1e-7)
    check_every_node(net)


def test_binding_capacity_takes_the_lps_by_hand() -> None:
    # B at 0.5 per day: over 10 days it makes at most 5 of A's 10 units, F gets 5 + B's 4 (+ its own 1):
    # 10 lost. TTS: B must make 2t − 5 ≤ 0.5t, t ≤ 10/3 (A's stock, t ≤ 7.5, is not what ends it).
    net = chain(0.5)
    solver = ScenarioSolver(net)
    (row,) = solver.solve_all([Scenario("A", ("A",), 10.0)])
    assert (row["loss"], row["tts"]) == pytest.approx((10.0, 10.0 / 3.0), abs=1e-7)
    assert not solver.forest.applies and solver.forest.answered == 0
    assert ScenarioLP(net).answer(0, 10.0) == pytest.approx((10.0, 10.0 / 3.0), abs=1e-7)
    check_every_node(net)


def capacitated_network(n: int, seed: int, *, diamonds: bool, multi: bool, binding: bool) -> Network:
    """The random acyclic network of the closed-form tests, every node capacitated at a random multiple of
    U_i (the most it is ever asked for): ≥ 1 only, or (``binding``) some below 1."""
    factors = [1.0, 1.2, 2.0, 5.0] + ([0.3, 0.8] if binding else [])
    return random_network(n, seed, diamonds=diamonds, multi=multi, capacity_factors=factors)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_every_node_of_random_capacitated_trees(seed: int) -> None:
    net = capacitated_network(40, seed, diamonds=False, multi=False, binding=False)
    assert all(nd.capacity is not None for nd in net.nodes if nd.demand)
    solver = check_every_node(net)
    assert solver.forest.answered == len(net.nodes)  # every capacity idle, every set a tree


@pytest.mark.parametrize(("seed", "multi"), [(24, True), (25, True), (26, False), (27, False)])
def test_every_node_of_random_capacitated_networks_with_diamonds(seed: int, multi: bool) -> None:
    net = capacitated_network(50, seed, diamonds=True, multi=multi, binding=False)
    solver = check_every_node(net)
    assert solver.forest.applies
    assert 0 < solver.forest.answered < len(net.nodes)  # closed form and sub-LPs both taken


@pytest.mark.parametrize(("seed", "diamonds"), [(31, False), (32, True), (33, True)])
def test_binding_capacities_fall_back_to_the_lps(seed: int, diamonds: bool) -> None:
    # some capacities below U: every capacity counts again (resilience/idle.py, counted_capacities), the
    # nodes with one and what they supply are non-free before any disruption
    net = capacitated_network(45, seed, diamonds=diamonds, multi=diamonds, binding=True)
    assert binding_capacities(net).any() and idle_capacities(net).any()
    solver = check_every_node(net)
    assert not solver.forest.applies


@pytest.mark.parametrize(("seed", "binding"), [(34, False), (35, False), (36, True)])
def test_non_free_with_capacities_equals_the_topological_definition(seed: int, binding: bool) -> None:
    # every capacity idle: none is counted, the base non-free set is empty; one binding: all are counted
    net = capacitated_network(60, seed, diamonds=True, multi=True, binding=binding)
    given = np.array([nd.capacity is not None for nd in net.nodes])
    assert given.any() and bool(binding_capacities(net).any()) is binding
    dec = Decomposition(net)
    assert dec._counted == (given.tolist() if binding else [False] * len(net.nodes))
    base = {j for j, free in enumerate(dec._free_set(set())) if not free}
    assert dec.non_free([]) == base
    assert (base == set()) is not binding
    for j in range(len(net.nodes)):
        want = {k for k, free in enumerate(dec._free_set({j})) if not free}
        assert dec.non_free([net.nodes[j].id]) == want


@pytest.mark.skipif(not WILLEMS.is_dir(), reason="Willems data set not present")
@pytest.mark.parametrize("name", ["01", "05", "13", "21"])
def test_every_node_of_capacitated_willems_chains(name: str) -> None:
    net = load_willems(WILLEMS / f"{name}.csv", capacity_factor=1.5, stock_cover=3)
    assert all(nd.capacity is not None for nd in net.nodes)
    assert idle_capacities(net).all()  # 1.5× the flow, and each stage's flow is what it is asked for
    solver = check_every_node(net)
    assert solver.forest.applies and solver.forest.answered > 0
    assert solver._local is None and solver._full is None  # no region, no whole-network model


def test_idle_capacity_leaves_the_node_free_by_hand() -> None:
    # the network of test_resilience_decompose with C's capacity at 5 a day (no stock), more than P's 2 can ever ask:
    # C is free now, nothing is non-free before a disruption, and B's sub-network is {B, P}: P makes at most
    # B's 2 units over 10 days against 20 → 18 lost; TTS 1 day. The whole LP, capacity row kept, agrees.
    net = from_dict(seven_node_doc(capacity=5))
    dec = Decomposition(net)
    assert dec.non_free([]) == set()
    sub = dec.subnetwork({"B"})
    assert sub is not None and {nd.id for nd in sub.nodes} == {"B", "P"}
    rows = {r["node"]: r for r in ScenarioSolver(net).solve_all([Scenario("B", ("B",), 10.0)])}
    assert (rows["B"]["loss"], rows["B"]["tts"]) == pytest.approx((18.0, 1.0), abs=1e-9)
    assert ScenarioLP(net).answer(net.index["B"], 10.0) == pytest.approx((18.0, 1.0), abs=1e-7)
    check_every_node(net)
