"""TTR / TTS models against answers worked out by hand, and against an independent scipy LP."""

from __future__ import annotations

import numpy as np
import pytest

from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import Network, from_dict
from chainbrain.resilience.samples import layered
from chainbrain.resilience.stock import EmergencyStock
from fixtures.resilience import scipy_lp


def net(nodes: list[dict], bom: list[tuple[str, str, float]], supply: list[tuple[str, str, str]]) -> Network:
    return from_dict(
        {
            "nodes": nodes,
            "bom": [{"node": j, "material": k, "qty": q} for j, k, q in bom],
            "supply": [{"supplier": i, "node": j, "material": k} for i, j, k in supply],
        }
    )


# Serial chain A → B → C. B: capacity 10/day, stock 20. C: demand 5/day, stock 10, profit 2, needs 2 b per unit.
SERIAL = net(
    [
        {"id": "A"},
        {"id": "B", "capacity": 10, "stock": 20},
        {"id": "C", "demand": 5, "stock": 10, "profit": 2},
    ],
    [("B", "a", 1), ("C", "b", 2)],
    [("A", "B", "a"), ("B", "C", "b")],
)


@pytest.mark.parametrize(
    ("down", "loss", "tts"),
    [
        # B down 10 days: B's 20 units of stock make 10 C; C has 10 in stock; demand 50 → 30 lost × 2 = 60.
        # TTS: 5t ≤ 10 + 10 → t = 4.
        ("B", 60.0, 4.0),
        # A down: B cannot produce; same as B down.
        ("A", 60.0, 4.0),
        # C down: only C's 10 in stock; 50 − 10 = 40 lost × 2 = 80; TTS 10 / 5 = 2.
        ("C", 80.0, 2.0),
    ],
)
def test_serial_chain(down: str, loss: float, tts: float) -> None:
    assert TimeToRecover(SERIAL).solve(down, 10).loss == pytest.approx(loss, abs=1e-6)
    assert TimeToSurvive(SERIAL).solve(down).tts == pytest.approx(tts, abs=1e-6)


def test_serial_chain_undisrupted_is_unbounded() -> None:
    # B makes 10/day = 5 C/day = demand: no loss, and demand is met for ever → TTS null.
    assert TimeToRecover(SERIAL).solve((), 10).loss == pytest.approx(0.0, abs=1e-9)
    assert TimeToSurvive(SERIAL).solve(()).tts is None


def test_emergency_stock_serial() -> None:
    # B down 10 days loses 30 C = 60 b: 60 more units of b in stock close the gap (TTS becomes exactly 10).
    assert EmergencyStock(SERIAL).solve("B", 10).extra == pytest.approx(60.0, abs=1e-6)
    bigger = SERIAL.with_stock("B", 60.0)
    assert TimeToSurvive(bigger).solve("B").tts == pytest.approx(10.0, abs=1e-6)
    # C down 10 days: 40 C short → 40 more C in stock.
    assert EmergencyStock(SERIAL).solve("C", 10).extra == pytest.approx(40.0, abs=1e-6)


# Two suppliers S1, S2 (capacity 6/day each, no stock) of material m to P (demand 8/day, stock 16, qty 1).
TWO = net(
    [{"id": "S1", "capacity": 6}, {"id": "S2", "capacity": 6}, {"id": "P", "demand": 8, "stock": 16}],
    [("P", "m", 1)],
    [("S1", "P", "m"), ("S2", "P", "m")],
)


def test_two_suppliers() -> None:
    # S1 down 10 days: S2 gives 60, stock 16, demand 80 → 4 lost; TTS: 8t ≤ 6t + 16 → t = 8.
    assert TimeToRecover(TWO).solve("S1", 10).loss == pytest.approx(4.0, abs=1e-6)
    assert TimeToSurvive(TWO).solve("S1").tts == pytest.approx(8.0, abs=1e-6)
    # Both down: 80 − 16 = 64 lost; TTS 16 / 8 = 2.
    assert TimeToRecover(TWO).solve(["S1", "S2"], 10).loss == pytest.approx(64.0, abs=1e-6)
    assert TimeToSurvive(TWO).solve(["S1", "S2"]).tts == pytest.approx(2.0, abs=1e-6)
    # Nothing down: 12/day ≥ 8/day → unbounded.
    assert TimeToSurvive(TWO).solve(()).tts is None


# Assembly: P (demand 4/day, profit 3) needs 1 x and 2 y; X has 30 x in stock, Y 10 y; neither capacity-bound.
ASSEMBLY = net(
    [{"id": "X", "stock": 30}, {"id": "Y", "stock": 10}, {"id": "P", "demand": 4, "profit": 3}],
    [("P", "x", 1), ("P", "y", 2)],
    [("X", "P", "x"), ("Y", "P", "y")],
)


def test_assembly_of_two_parts() -> None:
    # X down 10 days: P ≤ 30 (x stock), y unlimited; demand 40 → 10 lost × 3 = 30; TTS 30 / 4 = 7.5.
    assert TimeToRecover(ASSEMBLY).solve("X", 10).loss == pytest.approx(30.0, abs=1e-6)
    assert TimeToSurvive(ASSEMBLY).solve("X").tts == pytest.approx(7.5, abs=1e-6)
    # Y down: 10 y → 5 P; 40 − 5 = 35 lost × 3 = 105; TTS 5 / 4 = 1.25.
    assert TimeToRecover(ASSEMBLY).solve("Y", 10).loss == pytest.approx(105.0, abs=1e-6)
    assert TimeToSurvive(ASSEMBLY).solve("Y").tts == pytest.approx(1.25, abs=1e-6)


def test_capacity_bound() -> None:
    # P makes at most 3/day against demand 4/day, stock 5; raw supplier R.
    cap = net(
        [{"id": "R"}, {"id": "P", "capacity": 3, "demand": 4, "stock": 5}], [("P", "r", 1)], [("R", "P", "r")]
    )
    # Nothing down, 10 days: 40 − 30 − 5 = 5 lost; TTS 5 / (4 − 3) = 5 (finite without any disruption).
    assert TimeToRecover(cap).solve((), 10).loss == pytest.approx(5.0, abs=1e-6)
    assert TimeToSurvive(cap).solve(()).tts == pytest.approx(5.0, abs=1e-6)
    # R down: no production; 40 − 5 = 35 lost; TTS 5 / 4 = 1.25. Stock cannot fix the capacity gap at 10 days.
    assert TimeToRecover(cap).solve("R", 10).loss == pytest.approx(35.0, abs=1e-6)
    assert TimeToSurvive(cap).solve("R").tts == pytest.approx(1.25, abs=1e-6)
    assert EmergencyStock(cap).solve("R", 10, at=["R"]).extra is None


def test_stock_covered() -> None:
    # S holds 100 units; P needs 5/day. S down 10 days: 50 needed ≤ 100 → no loss; TTS 100 / 5 = 20 (finite).
    cov = net([{"id": "S", "stock": 100}, {"id": "P", "demand": 5}], [("P", "s", 1)], [("S", "P", "s")])
    assert TimeToRecover(cov).solve("S", 10).loss == pytest.approx(0.0, abs=1e-9)
    assert TimeToSurvive(cov).solve("S").tts == pytest.approx(20.0, abs=1e-6)
    assert EmergencyStock(cov).solve("S", 10).extra == pytest.approx(0.0, abs=1e-9)


def test_unbounded_tts_with_a_second_source() -> None:
    # S2 alone (capacity 10/day) covers demand 5/day: S1 is not needed → TTS null, loss 0.
    unb = net(
        [{"id": "S1", "capacity": 10}, {"id": "S2", "capacity": 10}, {"id": "P", "demand": 5}],
        [("P", "m", 1)],
        [("S1", "P", "m"), ("S2", "P", "m")],
    )
    assert TimeToSurvive(unb).solve("S1").tts is None
    assert TimeToRecover(unb).solve("S1", 30).loss == pytest.approx(0.0, abs=1e-9)


def test_warm_model_reuse_matches_fresh_models() -> None:
    # One model re-solved over scenarios (bounds restored between them) equals a fresh model per scenario.
    m, s = TimeToRecover(SERIAL), TimeToSurvive(SERIAL)
    for down in ["C", "A", (), "B", "C"]:
        assert m.solve(down, 10).loss == pytest.approx(TimeToRecover(SERIAL).solve(down, 10).loss, abs=1e-6)
        fresh = TimeToSurvive(SERIAL).solve(down).tts
        got = s.solve(down).tts
        assert (got is None and fresh is None) or got == pytest.approx(fresh, abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_against_scipy_on_random_networks(seed: int) -> None:
    network = layered(40, layers=4, seed=seed, finished_share=0.15)
    m, s = TimeToRecover(network), TimeToSurvive(network)
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(network.nodes), size=8, replace=False)
    for k in picks:
        down = {network.nodes[int(k)].id}
        assert m.solve(down, 12.0).loss == pytest.approx(scipy_lp(network, down, 12.0), rel=1e-6, abs=1e-6)
        want = scipy_lp(network, down, None)
        got = s.solve(down).tts
        assert (got is None) == (want is None)
        if want is not None:
            assert got == pytest.approx(want, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", [5, 6])
def test_screened_sweep_equals_plain_solves(seed: int) -> None:
    # Screening (answers reused from earlier solutions) must give the same numbers as solving every scenario.
    from chainbrain.resilience.sweep import sweep

    network = layered(60, layers=4, seed=seed, finished_share=0.15)
    rows = {r["node"]: r for r in sweep(network, ttr=9.0)}
    m, s = TimeToRecover(network), TimeToSurvive(network)
    for nd in network.nodes:
        assert rows[nd.id]["loss"] == pytest.approx(m.solve(nd.id, 9.0).loss, rel=1e-6, abs=1e-6)
        want = s.solve(nd.id).tts
        assert (rows[nd.id]["tts"] is None) == (want is None)
        if want is not None:
            assert rows[nd.id]["tts"] == pytest.approx(want, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", [7, 8])
def test_whole_network_path_of_a_sweep_equals_scipy(seed: int) -> None:
    # Regions capped at one node send every scenario the base does not leave idle to the whole-network
    # models as a large sweep uses them: steady states found so far screen later scenarios, the steady-state
    # test is the phase-1 LP kept warm (back to the base basis after a deficit or a long solve), the TTS LP
    # starts from the undisrupted basis, and the TTR LP is solved only when TTS < ttr.
    from chainbrain.resilience.sweep import ScenarioSolver, scenarios

    network = layered(60, layers=4, seed=seed, finished_share=0.15)
    todo = scenarios(network, ttr=20.0)
    solver = ScenarioSolver(network, local_nodes=1)
    rows = solver.solve_all(todo)
    assert solver._full is not None  # the whole-network models answered some scenarios
    finite = 0
    for sc, row in zip(todo, rows, strict=True):
        down = set(sc.nodes)
        assert row["loss"] == pytest.approx(scipy_lp(network, down, 20.0), rel=1e-6, abs=1e-6), sc
        want = scipy_lp(network, down, None)
        assert (row["tts"] is None) == (want is None), sc
        if want is not None:
            finite += 1
            assert row["tts"] == pytest.approx(want, rel=1e-6, abs=1e-6), sc
    assert finite > 0 and any(r["loss"] > 0 for r in rows)  # both kinds of answer were checked
