"""The typed ranking and the answers built on it, on the small network ``fixtures.resilience.NET1_FIRMS``
(worked by hand); and the shared network indices against the LP they lay out."""

from __future__ import annotations

import json

import numpy as np
import pytest

from chainbrain.resilience import ranking
from chainbrain.resilience.actions import district_outage, find_choke_points
from chainbrain.resilience.indices import network_index
from chainbrain.resilience.lp import build_lp
from chainbrain.resilience.network import from_dict
from chainbrain.resilience.results import ChokePoint, RankedSite
from fixtures.resilience import NET1_FIRMS


@pytest.fixture(scope="module")
def net():
    return from_dict(json.loads(json.dumps(NET1_FIRMS)))


@pytest.fixture(scope="module")
def ranked(net) -> list[RankedSite]:
    return ranking.ranking(net)


def test_ranking_orders_by_loss_then_tts(ranked) -> None:
    # B down 10 days → 60; C down 3 days → (15 − 10) × 2 = 10 with TTS 2; A down 5 days → 10 with TTS 4
    # (B's 20 b = 10 C plus C's own 10 last 4 days); B2 is not used → 0, TTS unbounded. Ties on loss go to
    # the shorter TTS, so C comes before A.
    assert [r.node for r in ranked] == ["B", "C", "A", "B2"]
    got = {r.node: r for r in ranked}
    assert got["B"].loss == pytest.approx(60.0, abs=1e-6) and got["B"].tts == pytest.approx(4.0, abs=1e-6)
    assert got["C"].tts == pytest.approx(2.0, abs=1e-6) and got["A"].tts == pytest.approx(4.0, abs=1e-6)
    assert got["B2"].tts is None and got["B2"].loss == pytest.approx(0.0, abs=1e-9)
    assert [r.rei for r in ranked] == pytest.approx([1.0, 1 / 6, 1 / 6, 0.0], abs=1e-9)
    assert [r.at_risk for r in ranked] == [True, True, True, False]
    assert (got["B"].firm, got["B"].district, got["B"].segment, got["B"].name) == ("sup", "500112", "b", "B")
    assert got["A"].firm is None


def test_at_risk_sites_carry_the_stock_that_closes_the_gap(net, ranked) -> None:
    sites = ranking.at_risk_sites(net, ranked)
    # B: 60 more b keeps C making 5/day for 10 days (see test_backups_and_extra_stock). C: 5/day × 3 days =
    # 15 against 10 in stock → 5. A: 25 C over 5 days, 20 available (C's 10 + B's 20 b) → 5 C = 10 b = 10 a.
    assert [(s.node, s.extra_stock) for s in sites] == [
        ("B", pytest.approx(60.0, abs=1e-6)),
        ("C", pytest.approx(5.0, abs=1e-6)),
        ("A", pytest.approx(10.0, abs=1e-6)),
    ]


def test_site_actions_and_recommendations(net, ranked) -> None:
    b = next(r for r in ranked if r.node == "B")
    acts = ranking.site_actions(net, b)
    # B2 (10 b/day spare) supplying C covers the whole loss, and 10 b/day = 5 C/day = demand: TTS unbounded
    assert [(x.backup, x.local, x.tts_after) for x in acts.backups] == [("B2", True, None)]
    assert acts.backups[0].loss_averted == pytest.approx(60.0, abs=1e-6)
    assert acts.extra_stock == pytest.approx(60.0, abs=1e-6)
    b2 = next(r for r in ranked if r.node == "B2")
    assert ranking.site_actions(net, b2).extra_stock == 0.0  # not at risk: nothing to add
    recs = ranking.sweep_recommendations(net, ranked)
    assert [r.node for r in recs] == ["B", "C", "A"]
    alone = ranking.node_recommendations(net, "B")
    assert len(alone) == 1 and alone[0].rei is None and alone[0].extra_stock == pytest.approx(60.0, abs=1e-6)
    out = ranking.node_outcome(net, "B")
    assert (out.ttr, out.loss, out.tts) == (10, pytest.approx(60.0, abs=1e-6), pytest.approx(4.0, abs=1e-6))


def test_firm_scope_choke_points_and_network_view(net, ranked) -> None:
    # firm "oem" sees its plant C and C's direct supplier B, not A (B's supplier) nor B2
    assert ranking.firm_scope(net, "oem") == {"B", "C"}
    points = find_choke_points(net)
    assert points == [ChokePoint("b", "B", "B", "500112", ["C"], 10, pytest.approx(60.0, abs=1e-6))]
    assert ranking.choke_points_of(points, {"C"}) == points
    assert ranking.choke_points_of(points, {"B2"}) == []
    assert points[0].anonymous().segment == "b" and not hasattr(points[0].anonymous(), "supplier")
    view = ranking.network_view(net, ranked, {"B", "C"})
    assert [(n.id, n.local, n.finished) for n in view.nodes] == [("B", True, False), ("C", True, True)]
    assert [(e.source, e.target, e.material) for e in view.edges] == [("B", "C", "b")]
    assert view.count == 2 and view.nodes[0].rei == pytest.approx(1.0)


def test_district_impact(net) -> None:
    # B and C down 10 days: C has only its own 10 → 50 − 10 = 40 units lost, × 2 = 80
    out = ranking.district_impact(net, district_outage(net, "500112", ttr=10), "渝北区")
    assert (out.district_name, out.sites, out.ttr) == ("渝北区", 2, 10)
    assert out.loss == pytest.approx(80.0, abs=1e-6)
    assert [(o.node, o.units) for o in out.oems] == [("C", pytest.approx(40.0, abs=1e-6))]
    empty = district_outage(net, "500229", ttr=30, allow_empty=True)
    assert (empty.nodes, empty.loss, empty.tts, empty.lost_units) == ([], 0.0, None, {})


def test_network_index_lays_out_the_lp_rows(net) -> None:
    ix = network_index(net)
    assert network_index(net) is ix  # built once per network
    # BOM rows in bom order: (B, a), (B2, a), (C, b); edges A→B, A→B2, B→C
    assert ix.brow_node == [1, 2, 3] and ix.brow_qty == [1, 1, 2]
    assert ix.edge_brow.tolist() == [0, 1, 2] and ix.out_edges == [[0, 1], [2], [], []]
    assert ix.suppliers[3] == {"b": [1]} and ix.buyers[0] == [1, 2]
    lp, lay = build_lp(net)
    # LP row b is BOM row b: r_kj at the node's column, −1 at each of its edges' columns
    a = np.zeros((lp.num_row_, lp.num_col_))
    start, index, value = lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_
    for c in range(lp.num_col_):
        for p in range(start[c], start[c + 1]):
            a[index[p], c] = value[p]
    n = len(net.nodes)
    assert a[2, 3] == 2 and a[2, n + 2] == -1  # row (C, b): 2 u_C − y_{B→C}
    assert lay.bom_rows == 3 and lay.row_node[:3].tolist() == [1, 2, 3]
