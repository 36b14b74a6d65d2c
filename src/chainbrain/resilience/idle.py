"""Capacities that never bind: dropping them leaves every TTR and TTS optimum unchanged.

Notation as in :class:`~chainbrain.resilience.model.TimeToRecover`. The *most a node is ever asked for*,
per day, is

    U_f = d_f                                   for a finished product f (finished products ship nothing),
    U_i = d_i + Σ_{(i, b, k) ∈ E} r_kb U_b      otherwise,

one term per supply edge out of i, as if i were the only supplier of every material it sells (where a
material has one supplier, U is exactly the steady-state production that meets all demand). A capacity
c_i ≥ U_i is *idle*.

Lemma. Any feasible solution (u, y, l) of the TTR LP at a recovery time t — of the whole network, or of a
sub-LP cut out of it (:class:`~chainbrain.resilience.decompose.SubLPs`), with any disrupted set — can be
lowered to a feasible (u', y', l) with the same loss and u'_i ≤ U_i t for every node. Hence every idle
capacity row u_i ≤ c_i t holds at u' (U_i t ≤ c_i t), the LP without those rows has the same optimum,
and so does the TTS LP (for each t the zero-loss rows are those of the TTR LP with l = 0, so the set of
t with zero loss, its largest element, and its unboundedness are the same; the steady-state LP is the TTS
LP's rows at t = 1 with zero stock).

Proof. Go through the nodes buyers first (reverse topological order; the network is acyclic). A finished
product f: u'_f = min(u_f, d_f t); its demand row l_f + u'_f + s_f ≥ d_f t still holds (if u'_f < u_f then
u'_f = d_f t) and u'_f ≤ U_f t. Any other node i, once all its buyers are done: for each BOM row (b, k) that
i supplies, scale the row's shipments down by the same factor to y'_e = y_e · min(1, r_kb u'_b / Σ y),
so that Σ y' = r_kb u'_b (the row held for u_b ≥ u'_b) and y' ≤ y; then u'_i = min(u_i, Σ_{e out of i} y'_e).
i's shipment row holds (Σ y' ≤ Σ y ≤ u_i + s_i, and Σ y' ≤ u'_i + s_i when u'_i < u_i), its own BOM rows
hold (u'_i ≤ u_i; they are lowered when its suppliers' turn comes) and u'_i ≤ Σ_e y'_e ≤ Σ_e r u'_b ≤
Σ_e r U_b t ≤ U_i t. Rows dropped from a sub-LP only remove conditions, and u' ≤ u keeps every disrupted
u = 0 and every other capacity row. ∎

So a sweep may treat a node with an idle capacity as uncapacitated. The free-node decomposition
(:mod:`chainbrain.resilience.decompose`) does when every capacity of the network is idle
(:func:`counted_capacities`), which is what lets a network whose capacities all leave room for whatever it
may be asked — the Willems chains with every stage at 1.5× its flow — take the decomposition and the
closed form (:mod:`chainbrain.resilience.forest`) instead of the certified-region LPs.
"""

from __future__ import annotations

import numpy as np

from chainbrain.resilience.indices import network_index
from chainbrain.resilience.network import Network


def most_asked(net: Network) -> np.ndarray:
    """U_i per node (units per day; the module docstring), inf where it overflows."""
    ix = network_index(net)
    n = len(net.nodes)
    qty = ix.brow_qty
    edge_brow = [int(r) for r in ix.edge_brow]
    buy = [int(b) for b in ix.buy]
    sup = [int(s) for s in ix.sup]
    out_edges = ix.out_edges
    demand = [float(d) for d in ix.demand]
    u = [0.0] * n
    pending = [len(edges) for edges in out_edges]  # buyer edges not yet done, per node
    ready = [i for i in range(n) if pending[i] == 0]
    in_edges: list[list[int]] = [[] for _ in range(n)]
    for e, b in enumerate(buy):
        in_edges[b].append(e)
    done = 0
    while ready:
        i = ready.pop()
        done += 1
        u[i] = demand[i] + sum(qty[edge_brow[e]] * u[buy[e]] for e in out_edges[i])
        for e in in_edges[i]:
            s = sup[e]
            pending[s] -= 1
            if pending[s] == 0:
                ready.append(s)
    if done != n:  # a cycle (a validated network has none): no bound
        return np.full(n, np.inf)
    return np.asarray(u, dtype=np.float64)


def idle_capacities(net: Network) -> np.ndarray:
    """Per node: True where it has a capacity and that capacity is idle (c_i ≥ U_i, the module docstring)."""
    cap = network_index(net).capacity  # inf where no capacity is given
    return np.isfinite(cap) & (cap >= most_asked(net))


def binding_capacities(net: Network) -> np.ndarray:
    """Per node: True where it has a capacity that is not idle (the only capacities a sweep must model)."""
    cap = network_index(net).capacity
    return np.isfinite(cap) & ~(cap >= most_asked(net))


def counted_capacities(net: Network) -> np.ndarray:
    """Per node: True where the decomposition counts its capacity — none when every capacity is idle (the
    network is then uncapacitated for every LP of a sweep), else every capacity given.

    Both choices are exact (a capacity may always be counted: a non-free node only keeps its rows). Counting
    only the binding ones on a network that has some would let the decomposition cut scenarios onto sub-LPs
    that hold the binding nodes and all they supply, which is slower than the certified regions that serve
    such networks (the demo store: 4.7 s of CPU against 2.2 s, docs/benchmarks.md)."""
    given = np.isfinite(network_index(net).capacity)
    if not given.any():
        return given  # no capacity at all: no U to compute
    binding = binding_capacities(net)
    return binding if not binding.any() else given
