"""The capacitated variant of the Willems chains (the benchmark's second network family)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbrain.resilience.local import steady_state
from chainbrain.resilience.samples import load_willems

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


@pytest.mark.skipif(not (WILLEMS / "01.csv").exists(), reason="Willems data not present")
def test_capacitated_variant_caps_every_stage_at_its_flow_times_the_factor() -> None:
    plain = load_willems(WILLEMS / "01.csv")
    cap = load_willems(WILLEMS / "01.csv", capacity_factor=1.5, stock_cover=3.0)
    assert all(nd.capacity is None for nd in plain.nodes)
    # capacity = 1.5 × flow and stock = 3 × flow at every stage, so capacity / stock = 1/2 wherever
    # anything flows; demand, ttr and the graph are those of the plain chain
    for p, c in zip(plain.nodes, cap.nodes, strict=True):
        assert c.capacity is not None and (c.demand, c.ttr) == (p.demand, p.ttr)
        if c.stock > 0:
            assert c.capacity / c.stock == pytest.approx(0.5, rel=1e-6)
    assert cap.supply == plain.supply and cap.bom == plain.bom
    # with 50% headroom everywhere the undisrupted chain meets demand from production alone (a steady
    # state exists: steady_state raises otherwise), within every capacity
    base = steady_state(cap)
    for j, nd in enumerate(cap.nodes):
        assert nd.capacity is not None and base.v[j] <= nd.capacity * (1 + 1e-9)
