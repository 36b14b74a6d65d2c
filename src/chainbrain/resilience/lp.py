"""The LP layout every resilience model shares, built in one place, and its zero-stock (steady-state) form.

Columns: u_j production per node (0..n-1), y_e shipment per supply edge (n..n+m-1), l_j lost demand per
finished product, the recovery time t, then optional extra-stock columns Δ_j. Rows: one BOM row per (node,
material) in ``net.bom`` order, one shipment row per node that ships, one demand row per finished product,
one capacity row per node with a capacity. The formulation is in :class:`~chainbrain.resilience.model.TimeToRecover`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from chainbrain.resilience.indices import network_index
from chainbrain.resilience.network import Network

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Layout:
    """Column and row positions of the shared LP."""

    n: int  # nodes: u_j at columns 0..n-1
    m: int  # supply edges: y_e at columns n..n+m-1
    finished: np.ndarray  # node index of each finished product; l at columns n+m..
    t_col: int
    delta: np.ndarray  # node index of each extra-stock column (empty unless asked for)
    delta_start: int
    # row owners, for cutting sub-LPs out of this one (chainbrain.resilience.decompose.SubLPs)
    row_node: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # node of each row
    bom_rows: int = 0  # rows 0..bom_rows-1 are BOM rows
    edge_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # BOM row of each edge


Built = Callable[[], "tuple[highspy.HighsLp, Layout]"]  # a fresh copy of a prebuilt LP on each call


def new_highs() -> highspy.Highs:
    """A silent single-threaded HiGHS instance (a sweep runs one per worker process)."""
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", 1)
    return h


def build_lp(net: Network, *, with_delta: bool = False) -> tuple[highspy.HighsLp, Layout]:
    """The LP matrix of the TTR / TTS formulation (see :class:`TimeToRecover`), columnwise for HiGHS."""
    n, m = len(net.nodes), len(net.supply)
    ix = network_index(net)
    finished = np.array([i for i, nd in enumerate(net.nodes) if nd.finished], dtype=np.int64)
    f = len(finished)
    t_col = n + m + f
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []

    def add(r: int, c: int, v: float) -> None:
        rows.append(r)
        cols.append(c)
        vals.append(v)

    # u_j r_kj - sum_{i in P_jk} y_ij <= 0  for each node j and material k of its BOM (row = BOM row)
    row_node: list[int] = list(ix.brow_node)
    for r, (j, qty) in enumerate(zip(ix.brow_node, ix.brow_qty, strict=True)):
        row_lo.append(-INF)
        row_hi.append(0.0)
        add(r, j, qty)
    bom_rows = len(row_lo)
    for e_pos in range(m):
        add(int(ix.edge_brow[e_pos]), n + e_pos, -1.0)
    # sum_j y_ij - u_i <= s_i  for each node i that ships
    stock_row: dict[int, tuple[int, float]] = {}
    for i, e_list in enumerate(ix.out_edges):
        if not e_list:
            continue
        r = len(row_lo)
        row_node.append(i)
        row_lo.append(-INF)
        row_hi.append(net.nodes[i].stock)
        for e_pos in e_list:
            add(r, n + e_pos, 1.0)
        add(r, i, -1.0)
        stock_row[i] = (r, -1.0)
    # l_j + u_j - d_j t >= -s_j  for each finished product j
    for pos, j in enumerate(finished):
        nd = net.nodes[j]
        r = len(row_lo)
        row_node.append(int(j))
        row_lo.append(-nd.stock)
        row_hi.append(INF)
        add(r, n + m + pos, 1.0)
        add(r, int(j), 1.0)
        add(r, t_col, -float(nd.demand or 0.0))
        stock_row[int(j)] = (r, 1.0)
    # u_j - c_j t <= 0  where a capacity is given
    for col, nd in enumerate(net.nodes):
        if nd.capacity is not None:
            r = len(row_lo)
            row_node.append(col)
            row_lo.append(-INF)
            row_hi.append(0.0)
            add(r, col, 1.0)
            add(r, t_col, -nd.capacity)
    # optional extra stock columns: they enlarge s_j in the row where node j's stock sits
    delta = np.array(sorted(stock_row), dtype=np.int64) if with_delta else np.zeros(0, dtype=np.int64)
    delta_start = t_col + 1
    for pos, j in enumerate(delta):
        r, sign = stock_row[int(j)]
        add(r, delta_start + pos, sign)
    num_col = delta_start + len(delta)
    order = np.lexsort((np.asarray(rows), np.asarray(cols)))
    col_arr = np.asarray(cols, dtype=np.int64)[order]
    lp = highspy.HighsLp()
    lp.num_col_ = num_col
    lp.num_row_ = len(row_lo)
    lp.col_cost_ = np.zeros(num_col)
    lp.col_lower_ = np.zeros(num_col)
    lp.col_upper_ = np.full(num_col, INF)
    lp.row_lower_ = np.asarray(row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(col_arr, np.arange(num_col + 1)).astype(np.int32)
    lp.a_matrix_.index_ = np.asarray(rows, dtype=np.int32)[order]
    lp.a_matrix_.value_ = np.asarray(vals, dtype=np.float64)[order]
    layout = Layout(
        n,
        m,
        finished,
        t_col,
        delta,
        delta_start,
        np.asarray(row_node, dtype=np.int64),
        bom_rows,
        ix.edge_brow,
    )
    return lp, layout


def zero_stock(lp: highspy.HighsLp, layout: Layout) -> None:
    """Turn the LP into its steady-state form in place: t fixed at 1 (rates per day) and every stock 0.

    Every finite row bound of the layout is a stock (or 0), so zeroing them removes all stock; what is left
    asks whether production alone meets demand each day.
    """
    lower = np.asarray(lp.col_lower_, dtype=np.float64).copy()
    upper = np.asarray(lp.col_upper_, dtype=np.float64).copy()
    lower[layout.t_col] = upper[layout.t_col] = 1.0
    lp.col_lower_, lp.col_upper_ = lower, upper
    row_lo = np.asarray(lp.row_lower_, dtype=np.float64)
    row_hi = np.asarray(lp.row_upper_, dtype=np.float64)
    lp.row_lower_ = np.where(np.isfinite(row_lo), 0.0, row_lo)
    lp.row_upper_ = np.where(np.isfinite(row_hi), 0.0, row_hi)


@dataclass(frozen=True)
class Steady:
    """A steady state of the undisrupted network and the HiGHS basis of that optimum.

    ``col_status`` / ``row_status``: HiGHS basis status codes over :func:`build_lp`'s columns and rows. A
    sweep's whole-network TTR model starts its undisrupted solve at each new t from this basis instead of
    from whatever scenario came before (see docs/benchmarks.md for why the other models do not).
    """

    v: np.ndarray  # daily production per node
    w: np.ndarray  # daily shipment per supply edge
    col_status: np.ndarray
    row_status: np.ndarray

    def basis(self) -> highspy.HighsBasis:
        b = highspy.HighsBasis()
        b.col_status = [highspy.HighsBasisStatus(int(c)) for c in self.col_status]
        b.row_status = [highspy.HighsBasisStatus(int(r)) for r in self.row_status]
        b.valid = True
        return b
