"""Closed-form answers on tree-shaped non-free sets (resilience/forest.py) against an independent scipy LP.

The LP here is written from the network itself with scipy (not from chainbrain's LP builder), straight from
the formulation in :class:`chainbrain.resilience.model.TimeToRecover`; every node of each network is checked,
whichever path (closed form or sub-LP) the sweep took for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbrain.resilience.model import TimeToSurvive
from chainbrain.resilience.network import from_dict
from chainbrain.resilience.samples import load_willems
from chainbrain.resilience.sweep import Scenario, ScenarioSolver
from fixtures.resilience import ScenarioLP, check_every_node, random_network

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"
# A (stock 10) supplies F1 (1 a per unit, profit 3), F2 (2 a per unit, profit 1) and B (stock 4); B supplies
# F3 (profit 2, stock 1, demand 2). Per unit of A's output: F1 is worth 3, F3 2, F2 0.5.
HAND = {
    "nodes": [
        {"id": "A", "stock": 10, "ttr": 10},
        {"id": "B", "stock": 4, "ttr": 1},
        {"id": "F1", "demand": 1, "profit": 3, "ttr": 1},
        {"id": "F2", "demand": 1, "profit": 1, "ttr": 1},
        {"id": "F3", "demand": 2, "profit": 2, "stock": 1, "ttr": 1},
    ],
    "bom": [
        {"node": "B", "material": "a", "qty": 1},
        {"node": "F1", "material": "a", "qty": 1},
        {"node": "F2", "material": "a", "qty": 2},
        {"node": "F3", "material": "b", "qty": 1},
    ],
    "supply": [
        {"supplier": "A", "node": "B", "material": "a"},
        {"supplier": "A", "node": "F1", "material": "a"},
        {"supplier": "A", "node": "F2", "material": "a"},
        {"supplier": "B", "node": "F3", "material": "b"},
    ],
}


def test_unequal_values_by_hand() -> None:
    # A down for 10 days: its 10 units go to F1 first (3 per unit); F3 needs 2·10 − 1 = 19, B's 4 cover 4,
    # 15 are lost (30); F2 gets nothing: 10 lost (10). Loss 40. TTS: F1 and F2 take 3t of A's units and B
    # asks (2t − 1 − 4)^+ of them, 3t + 2t − 5 = 10 at t = 3.
    net = from_dict(HAND)
    solver = ScenarioSolver(net)
    (row,) = solver.solve_all([Scenario("A", ("A",), 10.0)])
    assert row["loss"] == pytest.approx(40.0, abs=1e-12)
    assert row["tts"] == pytest.approx(3.0, abs=1e-12)
    assert solver.forest.answered == 1
    assert ScenarioLP(net).answer(0, 10.0) == pytest.approx((40.0, 3.0), abs=1e-7)
    check_every_node(net)


# A (stock 10) supplies B and C (stock 2); F (finished, stock 1) needs 1 b and 2 c per unit: F is reached
# from A along two paths, so A's non-free set is no tree. X and G stand apart (a sub-LP is cut only when
# the non-free set leaves a tenth of the network out).
DIAMOND = {
    "nodes": [
        {"id": "A", "stock": 10, "ttr": 8},
        {"id": "B", "ttr": 1},
        {"id": "C", "stock": 2, "ttr": 1},
        {"id": "F", "demand": 1, "stock": 1, "ttr": 1},
        {"id": "X", "ttr": 2},
        {"id": "G", "demand": 2, "ttr": 1},
    ],
    "bom": [
        {"node": "B", "material": "a", "qty": 1},
        {"node": "C", "material": "a", "qty": 1},
        {"node": "F", "material": "b", "qty": 1},
        {"node": "F", "material": "c", "qty": 2},
        {"node": "G", "material": "x", "qty": 1},
    ],
    "supply": [
        {"supplier": "A", "node": "B", "material": "a"},
        {"supplier": "A", "node": "C", "material": "a"},
        {"supplier": "B", "node": "F", "material": "b"},
        {"supplier": "C", "node": "F", "material": "c"},
        {"supplier": "X", "node": "G", "material": "x"},
    ],
}


def test_diamond_tts_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    # A down: F asks (t − 1)^+ of B and 2(t − 1) of C, C asks (2t − 4)^+ of A, B (t − 1)^+; A's 10 units last
    # while 3t − 5 ≤ 10: TTS 5. At ttr 4 nothing is lost (no LP); at 8, A's 10 units make u_F = 4
    # (u_F + 2u_F − 2 = 10): 8 − 1 − 4 = 3 lost, by the TTR LP, with the TTS from the closed form.
    net = from_dict(DIAMOND)
    solver = ScenarioSolver(net)
    tts_lps = []
    solve = TimeToSurvive.solve
    monkeypatch.setattr(
        TimeToSurvive, "solve", lambda self, *a, **k: tts_lps.append(a) or solve(self, *a, **k)
    )
    early, late = solver.solve_all([Scenario("A@4", ("A",), 4.0), Scenario("A@8", ("A",), 8.0)])
    assert not tts_lps  # neither TTS took an LP
    monkeypatch.undo()
    assert (early["loss"], early["tts"]) == pytest.approx((0.0, 5.0), abs=1e-12)
    assert late["loss"] == pytest.approx(3.0, abs=1e-7)
    assert late["tts"] == pytest.approx(5.0, abs=1e-12)
    assert solver.forest.answered == 1  # A@4; A@8 took its TTS from survive, which it emptied
    assert not solver.forest.survive
    assert ScenarioLP(net).answer(0, 8.0) == pytest.approx((3.0, 5.0), abs=1e-7)
    check_every_node(net)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_node_of_random_trees(seed: int) -> None:
    net = random_network(40, seed, diamonds=False)
    solver = check_every_node(net)
    assert solver.forest.answered == len(net.nodes)  # one material, one supplier: every set is a tree


@pytest.mark.parametrize(("seed", "multi"), [(4, True), (5, True), (6, True), (7, False), (8, False)])
def test_every_node_of_random_networks_with_diamonds(seed: int, multi: bool) -> None:
    # multi=False: every material still has one supplier, so the memoised tree test decides (forest._visit);
    # multi=True: the search from each node does (forest._tree)
    net = random_network(50, seed, diamonds=True, multi=multi)
    solver = check_every_node(net)
    assert solver.forest._single is not multi
    assert 0 < solver.forest.answered < len(net.nodes)  # both paths are taken


@pytest.mark.skipif(not WILLEMS.is_dir(), reason="Willems data set not present")
@pytest.mark.parametrize("chain", ["01", "05", "13", "20", "21"])
def test_every_node_of_willems_chains(chain: str) -> None:
    net = load_willems(WILLEMS / f"{chain}.csv")
    solver = check_every_node(net)
    assert solver.forest.answered > 0


def test_memo_cap_hands_the_rest_to_the_lps(monkeypatch: pytest.MonkeyPatch) -> None:
    # past the memo's breakpoint budget the closed form stops; the rest are LP answers, the same ones
    monkeypatch.setattr("chainbrain.resilience.forest.ForestAnswers.MAX_BREAKPOINTS", 3)
    net = random_network(40, 9, diamonds=False)
    solver = check_every_node(net)
    assert 0 < solver.forest.answered < len(net.nodes)


def test_diamond_reaching_the_whole_network_takes_one_sub_lp() -> None:
    # without X and G, A's non-free set is the whole network: its TTS known, the TTR is one sub-LP on it,
    # not the whole-network path (no local region, no whole-network model)
    doc = {
        "nodes": DIAMOND["nodes"][:4],
        "bom": DIAMOND["bom"][:4],
        "supply": DIAMOND["supply"][:4],
    }
    net = from_dict(doc)
    solver = ScenarioSolver(net)
    (row,) = solver.solve_all([Scenario("A", ("A",), 8.0)])
    assert (row["loss"], row["tts"]) == pytest.approx((3.0, 5.0), abs=1e-7)
    assert solver._full is None and solver._local is None
    check_every_node(net)
