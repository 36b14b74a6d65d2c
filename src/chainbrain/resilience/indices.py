"""Integer indices of a network, built in one place for every LP builder and graph test of the package.

Nodes are numbered by their position in ``net.nodes``, supply edges by their position in ``net.supply`` and
BOM rows — one per (node, material) of ``net.bom``, in its order — from 0. The whole LP
(:func:`chainbrain.resilience.lp.build_lp`) puts BOM row ``b`` at LP row ``b``.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from chainbrain.resilience.network import Network


@dataclass(frozen=True)
class NetworkIndex:
    """Who supplies whom, as integer arrays and lists, and the nodes' parameters as arrays."""

    sup: np.ndarray  # supplier node of each edge
    buy: np.ndarray  # buyer node of each edge
    edge_brow: np.ndarray  # BOM row of each edge (its buyer's row of its material)
    brow_node: list[int]  # node of each BOM row
    brow_qty: list[float]  # units of the material per unit of the node's output
    brow_edges: list[list[int]]  # supply edges of each BOM row
    node_brows: list[list[int]]  # BOM rows of each node
    out_edges: list[list[int]]  # edges each node ships on, in supply order
    suppliers: list[dict[str, list[int]]]  # per node, per BOM material: its supplier nodes, one per edge
    buyers: list[list[int]]  # per node: the buyer of each edge it ships on
    capacity: np.ndarray  # per day; inf where not limited
    stock: np.ndarray
    demand: np.ndarray  # per day; 0 for intermediate nodes
    finished: np.ndarray  # bool: a finished product (has demand)
    profit: np.ndarray

    @property
    def bom_rows(self) -> int:
        return len(self.brow_node)


#: the indices of the last few networks seen, keyed by id and checked against the network's parts (a
#: Network is mutable, so an entry is used only while the same node, BOM and supply objects are in place)
_RECENT: OrderedDict[int, tuple[weakref.ref[Network], tuple[int, ...], NetworkIndex]] = OrderedDict()
_RECENT_SIZE = 8


def network_index(net: Network) -> NetworkIndex:
    """The integer indices of ``net`` (see :class:`NetworkIndex`), built once per network."""
    key = (id(net.nodes), len(net.nodes), id(net.bom), id(net.supply), len(net.supply), id(net.index))
    hit = _RECENT.get(id(net))
    if hit is not None and hit[0]() is net and hit[1] == key:
        _RECENT.move_to_end(id(net))
        return hit[2]
    ix = _build(net)
    _RECENT[id(net)] = (weakref.ref(net), key, ix)
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return ix


def _build(net: Network) -> NetworkIndex:
    idx = net.index
    n = len(net.nodes)
    brow_node: list[int] = []
    brow_qty: list[float] = []
    node_brows: list[list[int]] = [[] for _ in range(n)]
    suppliers: list[dict[str, list[int]]] = [{} for _ in range(n)]
    where: dict[tuple[str, str], int] = {}
    for nid, materials in net.bom.items():
        j = idx[nid]
        rows_j, sup_j = node_brows[j], suppliers[j]
        for k, qty in materials.items():
            r = len(brow_node)
            where[(nid, k)] = r
            rows_j.append(r)
            brow_node.append(j)
            brow_qty.append(qty)
            sup_j[k] = []
    brow_edges: list[list[int]] = [[] for _ in brow_node]
    # plain lists here (a numpy item write per edge costs more), one pass over the edges
    sup = [idx[e.supplier] for e in net.supply]
    buy = [idx[e.node] for e in net.supply]
    edge_brow = [where[(e.node, e.material)] for e in net.supply]
    out_edges: list[list[int]] = [[] for _ in range(n)]
    buyers: list[list[int]] = [[] for _ in range(n)]
    for e_pos, (i, j, r, e) in enumerate(zip(sup, buy, edge_brow, net.supply, strict=True)):
        brow_edges[r].append(e_pos)
        out_edges[i].append(e_pos)
        suppliers[j][e.material].append(i)
        buyers[i].append(j)
    return NetworkIndex(
        sup=np.array(sup, dtype=np.int64),
        buy=np.array(buy, dtype=np.int64),
        edge_brow=np.array(edge_brow, dtype=np.int64),
        brow_node=brow_node,
        brow_qty=brow_qty,
        brow_edges=brow_edges,
        node_brows=node_brows,
        out_edges=out_edges,
        suppliers=suppliers,
        buyers=buyers,
        capacity=np.array([np.inf if nd.capacity is None else nd.capacity for nd in net.nodes], dtype=float),
        stock=np.array([nd.stock for nd in net.nodes], dtype=float),
        demand=np.array([nd.demand or 0.0 for nd in net.nodes], dtype=float),
        finished=np.array([nd.finished for nd in net.nodes], dtype=bool),
        profit=np.array([nd.profit for nd in net.nodes], dtype=float),
    )
