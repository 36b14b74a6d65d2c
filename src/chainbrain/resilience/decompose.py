"""Exact decomposition of a TTR / TTS scenario onto the nodes a disruption can actually limit.

A node is *free* when it can produce any amount at no stock: it is not disrupted, has no capacity (an idle
one does not count when every capacity of the network is idle: :mod:`chainbrain.resilience.idle`), and each
material of its BOM has at least one free supplier. On an acyclic network this is decided in
topological order (suppliers first), so it is the least fixpoint and is well-founded: every free node has,
for each material, a supplier that was found free before it.

Theorem. Let N be the non-free nodes for a disrupted set S. The TTR loss of S at any t equals the optimum of
the same LP written on N only, where a BOM material of a node in N that has a free supplier is dropped
(its input is unlimited) and every other material keeps its supply edges (all from N); edges from N to free
nodes are dropped. Hence the TTS of S (the largest t with zero loss, None when every t has zero loss) is the
TTS of that sub-LP too.

Proof. (sub ≤ full) Restrict an optimal full solution to N: every row of the sub-LP is a row of the full LP
with some nonnegative terms left out on the supply side of a ``≤`` shipment row (edges to free nodes) or a
whole BOM row removed, so the restriction is feasible, and its loss is the full loss minus the loss of free
finished products (≥ 0). (full ≤ sub) Take an optimal sub-LP solution and extend it: free nodes get
u = their requirement, processed from the last found free to the first: the requirement of a free node is
its own demand d_j t (if finished) plus what nodes of N or later free nodes ask of it; each free node asks
r_kj u_j of material k from one supplier found free before it. No free node has a capacity, so every row
holds: shipments equal production, stock is not even needed, and free finished products lose nothing.
(A free node with an idle capacity: take the sub-LP solution lowered first as in the lemma of
:mod:`chainbrain.resilience.idle`, so u_c ≤ U_c t on N; then by induction each free node is asked at most
Σ_e r U_b t ≤ U_i t ≤ c_i t, and its capacity row holds too.)
Nodes of N receive from free suppliers exactly what the sub-LP used on dropped materials (some free supplier
can deliver any amount) and ship nothing to free nodes. The extended solution is feasible for the full LP
with the same loss. ∎

When S leaves most nodes non-free (e.g. every node has a capacity, as in the synthetic layered networks),
:meth:`Decomposition.subnetwork` returns None and the caller solves the full LP.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import highspy
import numpy as np

from chainbrain.resilience.idle import counted_capacities
from chainbrain.resilience.indices import network_index
from chainbrain.resilience.lp import Layout, build_lp
from chainbrain.resilience.network import Network, NetworkError, Node, Supply


class Decomposition:
    """Free / non-free nodes of one network, and the sub-network of a disrupted set (built on request)."""

    def __init__(self, network: Network, *, max_share: float = 0.5) -> None:
        self.network = network
        self.max_share = max_share
        ix = network_index(network)
        self._suppliers = ix.suppliers
        self._buyers = ix.buyers
        # for non_free(): each edge's BOM row and buyer, each node's edges out, and per BOM row how many of
        # its supply edges come from a node free in the base (counting propagation, see non_free)
        self._edge_brow = ix.edge_brow.tolist()
        self._edge_buy = ix.buy.tolist()
        self._out_edges = ix.out_edges
        # the base (undisrupted) non-free set by the same counting, from every row's full edge count: seeded
        # by the nodes whose capacity counts and any material without a supplier (equal to the definition in
        # topological order, _free_set; tests/test_resilience_decompose.py checks both)
        sizes = [len(edges) for edges in ix.brow_edges]
        # the capacities counted: every one given, or none when every one is idle (resilience/idle.py)
        self._counted = counted_capacities(network).tolist()
        seeds = {j for j in range(len(network.nodes)) if self._counted[j]}
        seeds |= {ix.brow_node[r] for r, size in enumerate(sizes) if size == 0}
        self._free_supply = sizes
        self._base_non_free: set[int] = set()
        base, lost = self._close(seeds)
        self._base_non_free = base
        self._free_supply = [size - lost.get(r, 0) for r, size in enumerate(sizes)]
        self.base_free = [j not in base for j in range(len(network.nodes))]
        self._rank: list[int] | None = None
        self._pairs_arrays: tuple[list[tuple[int, str, list[int]]], np.ndarray, np.ndarray, np.ndarray] | None
        self._pairs_arrays = None

    def _pairs(self) -> tuple[list[tuple[int, str, list[int]]], np.ndarray, np.ndarray, np.ndarray]:
        """(node, material) pairs and their suppliers, flat, for the vectorised sub-network test (built once)."""
        if self._pairs_arrays is None:
            n = len(self.network.nodes)
            pairs = [(j, k, sup) for j in range(n) for k, sup in self._suppliers[j].items()]
            pair_node = np.array([j for j, _, _ in pairs], dtype=np.int64)
            pair_sup = np.array([i for _, _, sup in pairs for i in sup], dtype=np.int64)
            sizes = np.array([len(sup) for _, _, sup in pairs], dtype=np.int64)
            pair_start = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
            self._pairs_arrays = (pairs, pair_node, pair_sup, pair_start)
        return self._pairs_arrays

    @property
    def cuts_down(self) -> bool:
        """False when the undisrupted non-free set already exceeds ``max_share`` of the network (e.g. every
        node has a capacity): then no scenario can be cut down enough."""
        return len(self._base_non_free) <= self.max_share * len(self.network.nodes)

    def _topological_rank(self) -> list[int]:
        n = len(self.network.nodes)
        indeg = [len({i for sup in self._suppliers[j].values() for i in sup}) for j in range(n)]
        ready = [j for j in range(n) if indeg[j] == 0]
        heapq.heapify(ready)
        rank = [0] * n
        pos = 0
        seen: set[tuple[int, int]] = set()
        while ready:
            i = heapq.heappop(ready)
            rank[i] = pos
            pos += 1
            for j in self._buyers[i]:
                if (i, j) in seen:  # one supplier may sell j several materials
                    continue
                seen.add((i, j))
                indeg[j] -= 1
                if indeg[j] == 0:
                    heapq.heappush(ready, j)
        return rank

    def _is_free(self, j: int, non_free: set[int]) -> bool:
        if j in non_free or self._counted[j]:
            return False
        return all(any(i not in non_free for i in sup) for sup in self._suppliers[j].values())

    def _free_set(self, down: set[int]) -> list[bool]:
        """The free nodes by the definition, in topological order (what the counting in non_free equals)."""
        if self._rank is None:
            self._rank = self._topological_rank()
        rank = self._rank
        order = sorted(range(len(self.network.nodes)), key=rank.__getitem__)
        non_free = set(down)
        for j in order:
            if not self._is_free(j, non_free):
                non_free.add(j)
        return [j not in non_free for j in range(len(self.network.nodes))]

    def non_free(self, disrupted: Iterable[str] | str) -> set[int]:
        """Indices of the nodes that are not free once ``disrupted`` is down."""
        ids = [disrupted] if isinstance(disrupted, str) else list(disrupted)
        try:
            down = {self.network.index[d] for d in ids}
        except KeyError as e:
            raise NetworkError(f"网络中没有节点 {e.args[0]!r}") from e
        return self._close(down)[0]

    def _close(self, down: set[int]) -> tuple[set[int], dict[int, int]]:
        """The base non-free set with ``down`` and every node it limits, and how many supply edges each BOM
        row lost to it (from nodes free in the base)."""
        out = self._base_non_free | down
        # counting propagation: a node turns non-free when one of its BOM rows loses its last supply edge
        # from a free node. On an acyclic network the non-free set is the unique set closed under that rule
        # (by induction in topological order), so the order of propagation does not change it; the work is
        # the edges out of the nodes that turn non-free, not a re-test of every buyer's materials.
        lost: dict[int, int] = {}
        stack = [d for d in down if d not in self._base_non_free]
        free_supply, edge_brow, edge_buy = self._free_supply, self._edge_brow, self._edge_buy
        while stack:
            i = stack.pop()
            for edge in self._out_edges[i]:
                r = edge_brow[edge]
                k = lost[r] = lost.get(r, 0) + 1
                if k == free_supply[r]:
                    b = edge_buy[edge]
                    if b not in out:
                        out.add(b)
                        stack.append(b)
        return out, lost

    def subnetwork(self, disrupted: Iterable[str] | str) -> Network | None:
        """The network on the non-free nodes (see the module docstring), or None when it is too large.

        The readable form of the least cut; sweeps take the same LP from :class:`SubLPs` (tested equal)."""
        if not self.cuts_down:
            return None
        keep = self.non_free(disrupted)
        if len(keep) > self.max_share * len(self.network.nodes):
            return None
        net = self.network
        nodes = [net.nodes[j] for j in sorted(keep)]
        bom: dict[str, dict[str, float]] = defaultdict(dict)
        supply: list[Supply] = []
        pairs, pair_node, pair_sup, pair_start = self._pairs()
        if pairs:
            mask = np.zeros(len(net.nodes), dtype=bool)
            mask[list(keep)] = True
            outside = np.add.reduceat((~mask[pair_sup]).astype(np.int64), pair_start)
            for p in np.flatnonzero(mask[pair_node] & (outside == 0)):
                j, k, sup = pairs[p]  # a material of a kept node with no free supplier
                nid = net.nodes[j].id
                bom[nid][k] = net.bom[nid][k]
                supply.extend(Supply(net.nodes[i].id, nid, k) for i in sup)
        return _unchecked(nodes, dict(bom), supply, f"{net.source} (sub-network)")


def _unchecked(
    nodes: list[Node], bom: dict[str, dict[str, float]], supply: list[Supply], source: str
) -> Network:
    """A Network without re-validation: a sub-network of a valid network is valid by construction (its
    edges and BOM materials are a subset, every kept material keeps all its suppliers, acyclic stays so)."""
    sub = Network.__new__(Network)
    sub.nodes, sub.bom, sub.supply, sub.source, sub.notes = nodes, bom, supply, source, []
    sub.index = {nd.id: i for i, nd in enumerate(nodes)}
    return sub


def no_steady_state(sub: Network) -> bool:
    """True when a sub-network from :meth:`Decomposition.subnetwork` provably has no steady state.

    Without capacities in the sub-network, every node of it is non-free only because of the disrupted set:
    by induction in topological order, with zero stock a disrupted node makes nothing and a node with a
    material whose suppliers all make nothing gets no input, so every node makes nothing. A finished
    product with positive demand then cannot meet it at t = 1 with zero stock: the TTS LP is bounded.
    (With a capacity the reason a node is non-free may be its capacity, and the LP test is needed.)
    """
    return all(nd.capacity is None for nd in sub.nodes) and any(nd.demand for nd in sub.nodes)


class SubLPs:
    """Sub-LPs of a network cut out of its whole LP with array operations (no per-scenario Python build).

    For a node set U that contains every non-free node of a scenario, :meth:`cut` gives the LP on U in
    which a BOM material of a node of U keeps its row and supply edges when all its suppliers are in U and
    is dropped otherwise. Its optimum is the whole network's at every t, for the same reason as in the
    module docstring, for any such U, not only the least one: a dropped material has a supplier outside U,
    and every node outside U is free. (U ≤ whole: the restriction of a whole solution to U is feasible for
    the sub-LP, whose rows are rows of the whole LP with terms on the relaxing side left out. Whole ≤ U:
    extend a sub-LP solution through the free nodes, in reverse topological order: each free node — outside
    U, or inside it and asked for more than the sub-LP solution ships — raises its production by what it is
    asked and asks its materials of one free supplier each; free nodes have no capacity that binds (an idle
    one holds as in the module docstring), so every row holds and the loss is unchanged.) So one sub-LP on
    the union of several scenarios' non-free sets serves all of them, each with its own disrupted bounds: a
    sweep re-solves it warm.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        lp, self.layout = build_lp(network)
        a = lp.a_matrix_
        self._start = np.asarray(a.start_, dtype=np.int64)
        self._index = np.asarray(a.index_, dtype=np.int64)
        self._value = np.asarray(a.value_, dtype=np.float64)
        self._cost = np.asarray(lp.col_cost_, dtype=np.float64)
        self._lower = np.asarray(lp.col_lower_, dtype=np.float64)
        self._upper = np.asarray(lp.col_upper_, dtype=np.float64)
        self._row_lo = np.asarray(lp.row_lower_, dtype=np.float64)
        self._row_hi = np.asarray(lp.row_upper_, dtype=np.float64)
        self._sup = network_index(network).sup
        self.capacitated = counted_capacities(network)  # as Decomposition counts them
        self.demanding = np.array([bool(nd.demand) for nd in network.nodes], dtype=bool)

    def bounded(self, keep: np.ndarray) -> bool:
        """:func:`no_steady_state` of the sub-network on the non-free set ``keep`` (a node mask)."""
        return not self.capacitated[keep].any() and bool(self.demanding[keep].any())

    def cut(self, keep: np.ndarray) -> tuple[Network, Callable[[], tuple[Any, Any]]]:
        """The sub-network's nodes (as a Network without edges) and a factory of fresh copies of its LP."""
        lay = self.layout
        outside = np.bincount(lay.edge_row, weights=~keep[self._sup], minlength=lay.bom_rows)
        row_keep = keep[lay.row_node]
        row_keep[: lay.bom_rows] &= outside == 0
        y_keep = row_keep[lay.edge_row]
        fin_keep = keep[lay.finished]
        col_keep = np.concatenate((keep, y_keep, fin_keep, [True]))
        cols = np.flatnonzero(col_keep)
        starts, ends = self._start[cols], self._start[cols + 1]
        lengths = ends - starts
        pos = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + np.arange(
            int(lengths.sum())
        )
        rows = self._index[pos]
        ok = row_keep[rows]
        new_row = np.cumsum(row_keep) - 1
        entry_col = np.repeat(np.arange(len(cols)), lengths)[ok]
        start = np.searchsorted(entry_col, np.arange(len(cols) + 1)).astype(np.int32)
        index = new_row[rows[ok]].astype(np.int32)
        value = self._value[pos[ok]]
        cost, lower, upper = self._cost[cols], self._lower[cols], self._upper[cols]
        row_lo, row_hi = self._row_lo[row_keep], self._row_hi[row_keep]
        sub_of = np.cumsum(keep) - 1
        n_sub, m_sub = int(keep.sum()), int(y_keep.sum())
        finished = sub_of[lay.finished[fin_keep]]
        t_col = n_sub + m_sub + len(finished)
        layout = Layout(
            n_sub,
            m_sub,
            finished,
            t_col,
            np.zeros(0, dtype=np.int64),
            t_col + 1,
            sub_of[lay.row_node[row_keep]],
            int(row_keep[: lay.bom_rows].sum()),
            new_row[lay.edge_row[y_keep]],
        )

        def build() -> tuple[Any, Any]:
            lp = highspy.HighsLp()
            lp.num_col_ = len(cols)
            lp.num_row_ = len(row_lo)
            lp.col_cost_ = cost.copy()
            lp.col_lower_ = lower.copy()
            lp.col_upper_ = upper.copy()
            lp.row_lower_ = row_lo.copy()
            lp.row_upper_ = row_hi.copy()
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = start
            lp.a_matrix_.index_ = index
            lp.a_matrix_.value_ = value
            return lp, layout

        nodes = [self.network.nodes[j] for j in np.flatnonzero(keep)]
        return _unchecked(nodes, {}, [], f"{self.network.source} (sub-network)"), build
