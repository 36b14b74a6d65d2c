"""Exact decomposition of a scenario onto its non-free nodes: hand-worked sets, and equality with the full LP."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from chainbrain.resilience.decompose import Decomposition, SubLPs
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import Network, from_dict
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import Scenario, ScenarioSolver, run_chunk
from fixtures.resilience import seven_node_doc

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"

DOC = seven_node_doc()  # C: capacity 1.5 a day, less than P's 2 (it can bind, so it counts), and 1 in stock


def names(dec: Decomposition, down: set[str]) -> set[str]:
    return {dec.network.nodes[j].id for j in dec.non_free(down)}


def test_non_free_sets_by_hand() -> None:
    dec = Decomposition(from_dict(DOC))
    # undisrupted: C has a capacity, so C and P (needs c from C only) are not free; the rest are
    assert names(dec, set()) == {"C", "P"}
    # R1 down: A still gets r from R2, so only R1 joins
    assert names(dec, {"R1"}) == {"R1", "C", "P"}
    # A down: B (a only from A), Q (a only from A) lose their only supplier; P was already non-free
    assert names(dec, {"A"}) == {"A", "B", "Q", "C", "P"}
    # R1 and R2 down: A has no free supplier of r, and everything downstream follows
    assert names(dec, {"R1", "R2"}) == {"R1", "R2", "A", "B", "Q", "C", "P"}


def test_sub_network_of_b_by_hand() -> None:
    # B down for t = 10: sub-network {B, C, P}; P's material b comes only from B (stock 2), c from C
    # (capacity 1.5/day and 1 in stock, plenty for 2 units). P makes at most 2 units against demand
    # 2 × 10 = 20 → loses 18 (profit 1). TTS: 2 units of stock cover demand 2/day for 1 day (C ships
    # 1.5t + 1 ≥ 2t of c meanwhile).
    dec = Decomposition(from_dict(DOC))
    sub = dec.subnetwork({"B"})
    assert sub is not None and {nd.id for nd in sub.nodes} == {"B", "C", "P"}
    assert TimeToRecover(sub).solve("B", 10).loss == pytest.approx(18.0, abs=1e-6)
    assert TimeToSurvive(sub).solve("B").tts == pytest.approx(1.0, abs=1e-6)
    full = from_dict(DOC)
    assert TimeToRecover(full).solve("B", 10).loss == pytest.approx(18.0, abs=1e-6)
    assert TimeToSurvive(full).solve("B").tts == pytest.approx(1.0, abs=1e-6)


def test_sub_lp_on_a_superset_by_hand() -> None:
    # B down again, cut on U = {R1, A, B, C, P}, which holds the non-free set {B, C, P} and two free nodes.
    # A's material r has a supplier outside U (R2), so it is dropped: A can make anything. B's material a
    # comes only from A (inside U): kept. R1 ships to A inside U but A needs nothing of it any more.
    # Same answers as on {B, C, P}: loss 18 over 10 days, TTS 1 day.
    net = from_dict(DOC)
    cuts = SubLPs(net)
    mask = np.array([nd.id in {"R1", "A", "B", "C", "P"} for nd in net.nodes])
    sub, build = cuts.cut(mask)
    assert [nd.id for nd in sub.nodes] == ["R1", "A", "B", "C", "P"]
    lp, layout = build()
    # rows: BOM (B, a), (P, b), (P, c); shipments of R1, A, B, C — R1's edge to A went with A's material r,
    # so R1's row is left as -u ≤ stock, which always holds; finished P; capacity C
    assert layout.bom_rows == 3 and layout.m == 3 and lp.num_row_ == 3 + 4 + 1 + 1
    assert TimeToRecover(sub, built=build).solve("B", 10).loss == pytest.approx(18.0, abs=1e-6)
    assert TimeToSurvive(sub, built=build).solve("B").tts == pytest.approx(1.0, abs=1e-6)
    # the least set cut the same way gives the same LP size as Decomposition.subnetwork builds
    least = np.array([nd.id in {"B", "C", "P"} for nd in net.nodes])
    small, small_build = cuts.cut(least)
    assert small_build()[0].num_col_ == TimeToRecover(Decomposition(net).subnetwork({"B"})).layout.t_col + 1


@pytest.mark.parametrize("seed", [21, 22])
def test_sub_lp_on_random_supersets_equals_full_lp(seed: int) -> None:
    network = partly_uncapacitated(60, seed)
    rng = random.Random(seed)
    dec, cuts = Decomposition(network), SubLPs(network)
    checked = 0
    for nd in rng.sample(network.nodes, 15):
        keep = dec.non_free(nd.id)
        extra = set(rng.sample(range(len(network.nodes)), 10))  # free nodes thrown in
        mask = np.zeros(len(network.nodes), dtype=bool)
        mask[list(keep | extra)] = True
        sub, build = cuts.cut(mask)
        ttr = float(nd.ttr or 5.0)
        loss = TimeToRecover(sub, built=build).solve(nd.id, ttr).loss
        tts = TimeToSurvive(sub, built=build).solve(nd.id).tts
        want_tts = TimeToSurvive(network).solve(nd.id).tts
        assert loss == pytest.approx(TimeToRecover(network).solve(nd.id, ttr).loss, rel=1e-6, abs=1e-6)
        assert (tts is None) == (want_tts is None)
        if want_tts is not None:
            assert tts == pytest.approx(want_tts, rel=1e-6, abs=1e-6)
        checked += 1
    assert checked == 15


def test_grouped_sub_lps_equal_full_lp() -> None:
    # group_min=1: every scenario whose non-free set equals another's but for the disrupted node shares a
    # warm sub-LP on the union of their sets
    network = partly_uncapacitated(60, 31)
    todo = [Scenario(nd.id, (nd.id,), float(nd.ttr or 5.0)) for nd in network.nodes]
    solver = ScenarioSolver(network, group_min=1)
    rows = solver.solve_all(todo)
    keys = {frozenset(solver.dec.non_free(sc.nodes) - {network.index[sc.nodes[0]]}) for sc in todo}
    assert len(keys) < len(todo)  # some scenarios did share
    for sc, row in zip(todo, rows, strict=True):
        want_tts = TimeToSurvive(network).solve(sc.nodes).tts
        assert row["loss"] == pytest.approx(
            TimeToRecover(network).solve(sc.nodes, sc.ttr).loss, rel=1e-6, abs=1e-6
        ), sc
        assert (row["tts"] is None) == (want_tts is None), sc
        if want_tts is not None:
            assert row["tts"] == pytest.approx(want_tts, rel=1e-6, abs=1e-6), sc


def partly_uncapacitated(n: int, seed: int) -> Network:
    """A layered network where about 95% of the nodes lose their capacity, so decomposition applies."""
    base = layered(n, layers=4, seed=seed, finished_share=0.15)
    rng = random.Random(seed)
    nodes = [dataclasses.replace(nd, capacity=None) if rng.random() < 0.95 else nd for nd in base.nodes]
    return Network(nodes, base.bom, base.supply, source=base.source)


def assert_same_as_full(network: Network, todo: list[Scenario]) -> None:
    rows = run_chunk(network, todo)
    for sc, row in zip(todo, rows, strict=True):
        want_loss = TimeToRecover(network).solve(sc.nodes, sc.ttr).loss
        want_tts = TimeToSurvive(network).solve(sc.nodes).tts
        assert row["loss"] == pytest.approx(want_loss, rel=1e-6, abs=1e-6), sc
        assert (row["tts"] is None) == (want_tts is None), sc
        if want_tts is not None:
            assert row["tts"] == pytest.approx(want_tts, rel=1e-6, abs=1e-6), sc


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_decomposed_sweep_equals_full_lp_on_random_networks(seed: int) -> None:
    network = partly_uncapacitated(60, seed)
    rng = random.Random(seed)
    ids = [nd.id for nd in network.nodes]
    todo = [Scenario(i, (i,), 9.0) for i in ids]
    todo += [Scenario(f"pair{k}", tuple(rng.sample(ids, 2)), 7.0) for k in range(10)]
    dec = Decomposition(network)
    assert any(dec.subnetwork(sc.nodes) is not None for sc in todo)  # the sub-network path is exercised
    assert_same_as_full(network, todo)


@pytest.mark.skipif(not WILLEMS.is_dir(), reason="Willems data set not present")
@pytest.mark.parametrize("chain", ["08", "20"])
def test_decomposed_sweep_equals_full_lp_on_willems(chain: str) -> None:
    network = load_willems(WILLEMS / f"{chain}.csv")
    todo = [Scenario(nd.id, (nd.id,), float(nd.ttr or 1.0)) for nd in network.nodes]
    assert_same_as_full(network, todo)


@pytest.mark.parametrize("seed", [41, 42])
def test_non_free_propagation_equals_the_topological_definition(seed: int) -> None:
    # non_free() propagates counts of free supply edges from the disrupted nodes; _free_set() decides every
    # node in topological order, straight from the definition. They must agree on single nodes and pairs.
    network = partly_uncapacitated(80, seed)
    dec = Decomposition(network)
    rng = random.Random(seed)
    sets = [{j} for j in range(len(network.nodes))]
    sets += [set(rng.sample(range(len(network.nodes)), 2)) for _ in range(20)]
    for down in sets:
        ids = [network.nodes[j].id for j in down]
        want = {j for j, free in enumerate(dec._free_set(down)) if not free}
        assert dec.non_free(ids) == want, ids
