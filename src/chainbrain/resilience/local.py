"""Exact local re-optimisation of a scenario around the disrupted set, certified by LP duality.

On a network where every node may have a capacity, the free-node decomposition
(:mod:`chainbrain.resilience.decompose`) cannot cut a scenario down, yet a single node's failure is
usually absorbed near it: its buyers switch to other suppliers with spare capacity, which draw a little more
from theirs, and the rest of the network runs as before. This module solves the scenario on a small region
N around the disrupted set S and proves the answer is the answer of the whole network.

Base. A *steady state* (v, w): daily production v_j and shipments w_e that meet every demand from
production alone (zero stock), within capacity. When the undisrupted network has one, ``t·(v, w)`` is a
feasible TTR solution with zero loss at every t, and (v, w, τ = 0) is an optimal solution of the TTS LP in
the Charnes–Cooper form below; in both the optimum is 0 and the zero vector is an optimal dual.

Restricted LP R_N. Variables: u_j (or v_j), l_j of nodes in N, shipments on every edge with an end in N,
and (TTS) τ. Every other variable is fixed at its base value. Rows: the rows of the nodes in N (they hold only
free variables), and the *boundary rows* — the BOM rows of outside buyers of N and the shipment rows of
outside suppliers of N — with their fixed terms moved to the right-hand side and an elastic variable of cost
M, so R_N is always feasible unless the rows of N alone are (then the whole LP is infeasible too).

Theorem. If an optimal solution of R_N uses no elastic variable and an optimal dual of R_N is zero on
every boundary row, the optimum of R_N is the optimum of the whole scenario LP.

Proof. Primal: the R_N solution with every other variable at its base value is feasible for the whole LP:
rows of N and boundary rows hold in R_N (elastic zero), every other row holds unchanged in the base (for
TTS, τ ≥ 0 only relaxes them, as its coefficient there is a stock ≥ 0 on the side that grows). Its
objective is R_N's optimum. Dual: put R_N's duals on the rows of N and zero on every other row, and bound
the whole LP from below by its Lagrangian, Σ over rows of dual × bound + Σ over columns of the least of
(reduced cost × x) over x's bounds. A column of R_N touches only rows of N and boundary rows, so its reduced
cost is the one in R_N (τ also meets rows outside, whose dual is zero); a column outside R_N touches only
rows with dual zero, so its reduced cost is its
cost (0, or a profit ≥ 0) and, being bounded below by 0, it adds 0. Boundary rows add 0. So the bound is R_N's
dual objective (its elastic columns add 0: reduced cost M ≥ 0 at 0), which equals R_N's optimum; weak
duality closes the gap. ∎

When the test fails, the nodes of the boundary rows that carry an elastic or a nonzero dual join N and R_N is
solved again; past ``max_nodes`` the caller falls back to the whole LP. Three LPs are solved in turn, each only when needed:

* the steady-state test: the TTS LP below with τ = 0. Feasible (certified by the primal extension alone,
  as its optimum 0 is a lower bound) → TTS unbounded and no loss at any t; the rows of N alone infeasible →
  TTS finite.
* TTS (Charnes–Cooper, τ = 1/t, v = u/t, w = y/t): minimise τ subject to r_kj v_j ≤ Σ w, Σ_j w_ij ≤ v_i +
  s_i τ, v_j + s_j τ ≥ d_j, 0 ≤ v ≤ c, v_S = 0, τ ≥ 0. TTS = 1/τ*, unbounded (None) when τ* = 0, and 0
  when the LP is infeasible (a finished product without stock cut off at once).
* TTR at a fixed t, asked only when TTS < t: for t ≤ TTS zero loss is feasible (the zero-loss set of t
  is an interval [0, TTS] containing 0), so the loss is 0 without a solve.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import highspy
import numpy as np

from chainbrain.resilience.indices import network_index
from chainbrain.resilience.lp import INF, Steady, build_lp, zero_stock
from chainbrain.resilience.lp import new_highs as _highs
from chainbrain.resilience.network import Network, NetworkError

__all__ = ["LocalSolver", "NoSteadyState", "Steady", "steady_state"]

log = logging.getLogger(__name__)
_TOL = 1e-9
# A boundary row's dual counts as zero only below this: TTS duals are dτ/d(units), and with τ ~ 1e-2 and
# rows of 1e5 units a dual of 1e-9 still moves τ by 1e-4 (seen on the demo store's network).
_DUAL_ZERO = 1e-13
_OBJ_ZERO = 1e-12


class NoSteadyState(RuntimeError):
    """The undisrupted network cannot meet demand from production alone: the local method does not apply."""


def steady_state(net: Network) -> Steady:
    """A steady state (v per node, w per supply edge) that meets every demand at zero stock.

    The LP minimises total production, so a vertex is returned: materials are drawn from as few suppliers as
    possible and the others keep their whole capacity spare (and produce nothing, which lets a sweep answer
    their own scenarios without a solve). Raises :class:`NoSteadyState` when there is none.
    """
    lp, lay = build_lp(net)
    n, m = lay.n, lay.m
    zero_stock(lp, lay)  # rates per day, no stock
    upper = np.asarray(lp.col_upper_, dtype=np.float64).copy()
    upper[n + m + np.arange(len(lay.finished))] = 0.0  # no lost demand
    lp.col_upper_ = upper
    cost = np.zeros(lp.num_col_)
    cost[:n] = 1.0
    lp.col_cost_ = cost
    h = _highs()
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise NoSteadyState("未受扰动的网络无法仅靠生产持续满足需求")
    if status != highspy.HighsModelStatus.kOptimal:
        raise NoSteadyState(f"稳态求解未得到最优解：{h.modelStatusToString(status)}")
    x = np.maximum(np.asarray(h.getSolution().col_value), 0.0)
    basis = h.getBasis()
    return Steady(
        x[:n],
        x[n : n + m],
        np.array([int(c) for c in basis.col_status], dtype=np.int8),
        np.array([int(r) for r in basis.row_status], dtype=np.int8),
    )


class LocalSolver:
    """TTS and TTR of scenarios on certified local regions (see the module docstring).

    ``solve(disrupted, ttr)`` returns ``(loss, tts)`` or None when the region grew past ``max_nodes`` (the
    caller then solves the whole LP). Raises :class:`NoSteadyState` at construction when the method does not
    apply.
    """

    def __init__(
        self,
        net: Network,
        base: Steady | None = None,
        *,
        max_nodes: int | None = None,
        penalty: float = 1e4,
    ) -> None:
        self.net = net
        n = len(net.nodes)
        self.base = base if base is not None else steady_state(net)
        self.v, self.w = self.base.v, self.base.w
        # past a few hundred nodes a region costs more than re-solving the whole LP warm (docs/benchmarks.md)
        self.max_nodes = max_nodes if max_nodes is not None else min(400, max(50, n // 4))
        self.penalty = penalty
        ix = network_index(net)
        self.sup, self.buy = ix.sup, ix.buy
        self.cap, self.stock, self.demand = ix.capacity, ix.stock, ix.demand
        self.finished, self.profit = ix.finished, ix.profit
        # BOM rows (node, material): qty and supply edges
        self.brow_node, self.brow_qty = ix.brow_node, ix.brow_qty
        self.brow_edges, self.node_brows = ix.brow_edges, ix.node_brows
        self.edge_brow, self.out_edges = ix.edge_brow, ix.out_edges
        # for dead(): per BOM row, its number of supply edges (one per supplier); each edge's row and buyer
        self._brow_supply = [len(e) for e in ix.brow_edges]
        self._edge_brow_list = [int(r) for r in ix.edge_brow]
        self._edge_buy = [int(b) for b in ix.buy]
        self._demanded = ix.finished & (ix.demand > 0)
        self._h: highspy.Highs | None = None  # one HiGHS instance for every region, its model replaced
        self.regions: list[int] = []  # final region size of each local solve (for benchmarks)
        self._last_nodes: set[int] = set()  # the last certified region's nodes
        self.proved_dead = 0  # scenarios whose steady-state test the dead-set argument answered (benchmarks)
        self.gave_up = 0  # region solves given up (benchmarks)
        self.rerouted = 0  # scenarios whose steady state reroute() built without an LP (benchmarks)
        self._sup_list = [int(i) for i in ix.sup]
        self._v_list = [float(x) for x in self.v]
        self._w_list = [float(x) for x in self.w]
        self._cap_list = [float(c) for c in ix.capacity]
        # what the last solve proved about a steady state without S (None: it gave up before knowing)
        self.steady: bool | None = None

    def solve(
        self, disrupted: Iterable[str] | str, ttr: float, *, steady: bool | None = None
    ) -> tuple[float, float | None] | None:
        """``(loss over ttr days, TTS or None when unbounded)`` of the disrupted set, exact, or None when a
        region grew past ``max_nodes``. ``steady``: False when the caller has proved that no steady state
        without the set exists (the whole network's steady-state test after a region gave up on it); then
        only the TTS and TTR regions are solved. When None is returned, :attr:`steady` says whether a steady
        state was settled (None: the region gave up before knowing)."""
        ids = [disrupted] if isinstance(disrupted, str) else list(disrupted)
        try:
            down = {self.net.index[d] for d in ids}
        except KeyError as e:
            raise NetworkError(f"网络中没有节点 {e.args[0]!r}") from e
        self.steady = steady
        if steady is None and all(self.v[j] <= _TOL for j in down):
            self.steady = True
            return 0.0, None  # the base never uses S: it stays feasible, nothing is lost, ever
        dead = self.dead(down)
        if steady is None and self._demanded[list(dead)].any():
            self.steady = False  # a finished product with demand makes nothing at zero stock (see dead())
            self.proved_dead += 1
        if len(dead) > self.max_nodes:
            # every dead node that produces in the base changes its flows; a region holding them passes
            # the cap (measured: giving up at once beats growing to the cap first, docs/benchmarks.md)
            return None
        if self.steady is None and self.reroute(dead):
            self.steady = True
            self.rerouted += 1
            return 0.0, None  # a steady state without S, built by hand: TTS unbounded, no loss at any t
        start = dead  # the first region: any N holding S is certified the same way
        if self.steady is None:
            test = self._region_solve(down, None, steady=True, start=start)
            if test is None:
                return None
            self.steady = test[0] <= _OBJ_ZERO
            if self.steady:
                return 0.0, None  # a steady state without S: TTS unbounded, no loss at any t
        tts = self._region_solve(down, None, start=start)
        if tts is None:
            return None
        start = self._last_nodes  # the TTR region starts where the TTS region was certified
        tau = tts[0]
        t_max = 0.0 if np.isinf(tau) else 1.0 / tau
        if t_max >= 1e6:
            return None  # beyond the whole model's horizon: let it report that
        if ttr <= t_max:
            return 0.0, t_max
        loss = self._region_solve(down, ttr, start=start)
        if loss is None:
            return None
        return max(0.0, loss[0]), t_max

    REROUTE_VISITS = 4000  # pushes one reroute() may try before it gives up (it proves nothing then)

    def reroute(self, dead: set[int]) -> bool:
        """True when a steady state without the dead set is found by re-routing, without an LP.

        Every shipment a dead node makes to a live buyer in the base is asked instead from the buyer's other
        suppliers of that material, each raising its production within its spare capacity and asking its own
        suppliers for the extra materials in turn (depth first, most spare capacity first, the base's flows
        kept); what a buyer's other suppliers cannot replace, the buyer makes less of, and its own buyers
        replace that shortfall in turn (a finished product may not make less). When every shipment is replaced, the base with these changes is a steady state without S: it is checked row by row below,
        and then, as for a region whose steady-state test certifies, the TTS is unbounded and nothing is
        lost at any t. False proves nothing (the greedy order can miss a re-routing the LP would find): the
        regions and the whole network's test decide then. Cost: the pushes, bounded by ``REROUTE_VISITS``.
        """
        tol = 1e-9
        v, w, cap, sup = self._v_list, self._w_list, self._cap_list, self._sup_list
        brow_edges, brow_qty, node_brows = self.brow_edges, self.brow_qty, self.node_brows
        dv: dict[int, float] = {}
        dw: dict[int, float] = {}
        journal: list[tuple[dict[int, float], int, float]] = []  # (dict, key, old value) to undo a push
        budget = [self.REROUTE_VISITS]
        busy: set[int] = set()  # nodes being raised or set free on the current path: not asked again
        out_edges, edge_buy, edge_brow, brow_node = (
            self.out_edges,
            self._edge_buy,
            self._edge_brow_list,
            self.brow_node,
        )

        def put(d: dict[int, float], k: int, x: float) -> None:
            journal.append((d, k, d.get(k, 0.0)))
            d[k] = d.get(k, 0.0) + x

        def undo(mark: int) -> None:
            while len(journal) > mark:
                d, k, old = journal.pop()
                d[k] = old

        def push(a: int, amount: float) -> float:
            """Raise a's production by up to ``amount`` (its inputs secured first); the raise made."""
            x = min(amount, cap[a] - v[a] - dv.get(a, 0.0))
            busy.add(a)
            try:
                for _ in range(3):  # a row that secures less than asked: undo, ask every row for that less
                    budget[0] -= 1
                    if budget[0] < 0 or a in dead or x <= tol:
                        return 0.0
                    mark = len(journal)
                    got = x
                    for r in node_brows[a]:
                        q = brow_qty[r]
                        got = min(got, fill(r, q * x) / q)
                        if got < x * (1.0 - tol):
                            break
                    if got >= x * (1.0 - tol):
                        put(dv, a, x)
                        return x
                    undo(mark)
                    x = got
                return 0.0
            finally:
                busy.discard(a)

        def free(a: int, amount: float, skip: int) -> float:
            """Set up to ``amount`` of a's output free for buyer ``skip``: a's other buyers take as much from
            their other suppliers, a's production unchanged; the units set free."""
            budget[0] -= 1
            if budget[0] < 0:
                return 0.0
            busy.add(a)
            freed = 0.0
            try:
                for e in out_edges[a]:
                    c = edge_buy[e]
                    have = w[e] + dw.get(e, 0.0)
                    if c == skip or c in dead or have <= tol:
                        continue
                    g = fill(edge_brow[e], min(have, amount - freed))
                    if g > 0.0:
                        put(dw, e, -g)
                        freed += g
                        if freed >= amount * (1.0 - tol):
                            break
            finally:
                busy.discard(a)
            return freed

        def fill(r: int, need: float) -> float:
            """Ship up to ``need`` more units on BOM row r from its live suppliers; the units shipped: first
            from their spare capacity, then from output their other buyers can replace elsewhere."""
            got = 0.0
            live = [e for e in brow_edges[r] if sup[e] not in dead and sup[e] not in busy]
            live.sort(key=lambda e: v[sup[e]] + dv.get(sup[e], 0.0) - cap[sup[e]])  # most spare first
            for e in live:
                g = push(sup[e], need - got)
                if g > 0.0:
                    put(dw, e, g)
                    got += g
                    if got >= need * (1.0 - tol):
                        return got
            buyer = brow_node[r]
            for e in live:
                g = free(sup[e], need - got, buyer)
                if g > 0.0:
                    put(dw, e, g)
                    got += g
                    if got >= need * (1.0 - tol):
                        break
            return got

        def handle(r: int, amount: float) -> bool:
            """Replace ``amount`` units lost on BOM row r: from other suppliers, else its node makes less."""
            short = amount - fill(r, amount)
            if short <= amount * tol:
                return True
            return cut(self.brow_node[r], short / brow_qty[r])

        def cut(b: int, x: float) -> bool:
            """Lower b's production by ``x``: its shipments fall by as much, each buyer replacing them."""
            budget[0] -= 1
            if budget[0] < 0 or self._demanded[b]:
                return False  # a finished product must meet its demand
            put(dv, b, -x)
            for e in self.out_edges[b]:
                if x <= tol:
                    break
                c = self._edge_buy[e]
                if c in dead:
                    continue
                take = min(x, w[e] + dw.get(e, 0.0))
                if take <= tol:
                    continue
                put(dw, e, -take)
                x -= take
                if not handle(self._edge_brow_list[e], take):
                    return False
            return True  # what b shipped beyond its new production is gone; any rest was spare output

        for d in dead:
            for e in self.out_edges[d]:
                if self._edge_buy[e] not in dead and w[e] > tol:
                    if not handle(self._edge_brow_list[e], w[e]):
                        return False
        return self._steady_without(dead, dv, dw)

    def _steady_without(self, dead: set[int], dv: dict[int, float], dw: dict[int, float]) -> bool:
        """Check, row by row, that the base with production raised by ``dv``, shipments raised by ``dw`` and
        the dead nodes (and their shipments) at zero meets every row of the steady-state LP."""
        v, w, cap, sup = self._v_list, self._w_list, self._cap_list, self._sup_list
        touched = set(dv) | dead
        for e in dw:
            touched.add(sup[e])
            touched.add(self._edge_buy[e])
        for d in dead:
            touched.update(self._edge_buy[e] for e in self.out_edges[d])

        def ship(e: int) -> float:
            return 0.0 if sup[e] in dead else w[e] + dw.get(e, 0.0)

        if any(w[e] + x < -1e-9 * (1.0 + w[e]) for e, x in dw.items()):
            return False

        for j in touched:
            u = 0.0 if j in dead else v[j] + dv.get(j, 0.0)
            scale = 1.0 + abs(v[j])
            if u > cap[j] + 1e-9 * scale or u < -1e-9 * scale:
                return False
            if self._demanded[j] and u < self.demand[j] - 1e-9 * scale:
                return False
            for r in self.node_brows[j]:
                if self.brow_qty[r] * u > sum(ship(e) for e in self.brow_edges[r]) + 1e-7 * scale:
                    return False
            if sum(ship(e) for e in self.out_edges[j]) > u + 1e-7 * scale:
                return False
        return True

    def dead(self, down: set[int]) -> set[int]:
        """S and every node with a BOM material all of whose suppliers are in the set: the nodes that make
        nothing in any steady state without S.

        Proof (zero stock, t = 1). By induction in topological order: u_S = 0; if every supplier i of a
        material k of j makes nothing, each y_ij ≤ Σ_b y_ib ≤ u_i + 0 = 0, so r_kj u_j ≤ Σ_i y_ij = 0 and
        u_j = 0. A finished product in the set with demand d_j > 0 cannot meet u_j ≥ d_j: then no steady
        state exists without S and the steady-state test needs no LP. Capacities play no part. The set is
        found by counting, per BOM row, the supply edges lost to it.
        """
        out = set(down)
        lost: dict[int, int] = {}
        stack = list(down)
        brow_supply, edge_brow, edge_buy = self._brow_supply, self._edge_brow_list, self._edge_buy
        while stack:
            i = stack.pop()
            for e in self.out_edges[i]:
                r = edge_brow[e]
                k = lost[r] = lost.get(r, 0) + 1
                if k == brow_supply[r]:
                    b = edge_buy[e]
                    if b not in out:
                        out.add(b)
                        stack.append(b)
        return out

    def _region_solve(
        self, down: set[int], t: float | None, *, steady: bool = False, start: set[int] | None = None
    ) -> tuple[float] | None:
        """Optimum of the TTS (t None: min τ; inf when infeasible) or TTR (loss at t) LP, or None.

        ``steady``: the TTS LP with τ = 0 (a steady state without S): 0 when there is one, inf when not.
        ``start``: the first region (any set holding S: the certificate holds for every N); default S."""
        if self._h is None:
            self._h = _highs()
        region = _Region(self, down, t, self._h)
        if steady:
            region.h.changeColBounds(0, 0.0, 0.0)
        grow = set(down) | (start or set())
        # every kind grows to the cap: giving steady regions up early, once they grew past 90% of the certified
        # ones, saved little once regions re-solve by primal simplex, and cost a whole-network steady-state
        # test per region given up (200-260 ms at 20,000 nodes; docs/benchmarks.md)
        while grow:
            if len(region.nodes) + len(grow) > self.max_nodes:
                log.debug(
                    "local region for %d disrupted node(s) would pass %d nodes: the whole LP solves it",
                    len(down),
                    self.max_nodes,
                )
                self.gave_up += 1
                return None
            region.add(grow)
            result = region.solve()
            if isinstance(result, float):
                self.regions.append(len(region.nodes))
                self._last_nodes = set(region.nodes)
                return (result,)
            grow = result
        return None


class _Region:
    """R_N kept in one HiGHS instance: nodes join, their rows turn internal, re-solved warm."""

    def __init__(self, ls: LocalSolver, down: set[int], t: float | None, h: highspy.Highs) -> None:
        self.ls = ls
        self.down = down
        self.tts = t is None
        self.scale = 1.0 if t is None else float(t)
        h.clearModel()
        self.h = h
        self.h.setOptionValue("presolve", "off")
        # primal simplex: a round adds columns (feasible at 0) and moves boundary bounds the elastic columns
        # absorb, so the last optimum stays nearly primal feasible, and the dual simplex re-solved each
        # round almost from scratch (measured: 36-50% fewer pivots per region, docs/benchmarks.md)
        self.h.setOptionValue("simplex_strategy", 4)
        # the certificate reads zero duals, so the duals must be right to well below the default 1e-7: a
        # TTS objective τ ~ 1e-2 against rows of 1e5 units makes a 1e-8 reduced-cost error matter
        self.h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        self.h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        self.nodes: set[int] = set()
        self.edge_col: dict[int, int] = {}
        self.brow_row: dict[int, int] = {}  # BOM row -> LP row
        self.ship_row: dict[int, int] = {}  # node -> LP row of its shipments
        self.row_node: list[int] = []
        self.elastic: dict[int, int] = {}  # LP row -> elastic column, while the row is a boundary row
        self.ncol = 0
        # rows (lower, upper, start, index, value) and columns (cost, upper, start, index, value) not yet passed
        self._rows: tuple[list[float], list[float], list[int], list[int], list[float]] = ([], [], [], [], [])
        self._cols: tuple[list[float], list[float], list[int], list[int], list[float]] = ([], [], [], [], [])
        if self.tts:
            self.h.addCol(1.0, 0.0, INF, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
            self.ncol = 1  # tau is column 0

    # The LP grows in batches: rows and columns of one add() are collected here and passed to HiGHS in one
    # addRows and one addCols call (rows first: the new columns have entries in them), then the bounds of
    # every row whose free terms changed in one changeRowsBounds call.

    def _new_row(self, node: int, lo: float, hi: float, idx: list[int], val: list[float]) -> int:
        row = len(self.row_node)
        self.row_node.append(node)
        rows = self._rows
        rows[0].append(lo)
        rows[1].append(hi)
        rows[2].append(len(rows[3]))
        rows[3].extend(idx)
        rows[4].extend(val)
        return row

    def _new_col(self, cost: float, hi: float, idx: list[int], val: list[float]) -> int:
        cols = self._cols
        cols[0].append(cost)
        cols[1].append(hi)
        cols[2].append(len(cols[3]))
        cols[3].extend(idx)
        cols[4].extend(val)
        self.ncol += 1
        return self.ncol - 1

    def _flush(
        self, bound_rows: list[int], bound_lo: list[float], bound_hi: list[float], dropped: list[int]
    ) -> None:
        lo, hi, start, idx, val = self._rows
        if lo:
            self.h.addRows(
                len(lo),
                np.asarray(lo, dtype=np.float64),
                np.asarray(hi, dtype=np.float64),
                len(idx),
                np.asarray(start, dtype=np.int32),
                np.asarray(idx, dtype=np.int32),
                np.asarray(val, dtype=np.float64),
            )
        cost, upper, cstart, cidx, cval = self._cols
        if cost:
            self.h.addCols(
                len(cost),
                np.asarray(cost, dtype=np.float64),
                np.zeros(len(cost)),
                np.asarray(upper, dtype=np.float64),
                len(cidx),
                np.asarray(cstart, dtype=np.int32),
                np.asarray(cidx, dtype=np.int32),
                np.asarray(cval, dtype=np.float64),
            )
        if bound_rows:
            order = np.argsort(bound_rows, kind="stable")
            self.h.changeRowsBounds(  # type: ignore[attr-defined]  # in highspy, not in its stubs
                len(bound_rows),
                np.asarray(bound_rows, dtype=np.int32)[order],
                np.asarray(bound_lo, dtype=np.float64)[order],
                np.asarray(bound_hi, dtype=np.float64)[order],
            )
        if dropped:
            k = len(dropped)
            self.h.changeColsBounds(k, np.sort(np.asarray(dropped, dtype=np.int32)), np.zeros(k), np.zeros(k))
        self._rows = ([], [], [], [], [])
        self._cols = ([], [], [], [], [])

    def _ensure_brow(self, r: int) -> int:
        row = self.brow_row.get(r)
        if row is None:
            row = self.brow_row[r] = self._new_row(self.ls.brow_node[r], -INF, INF, [], [])
        return row

    def _ensure_ship(self, a: int) -> int:
        row = self.ship_row.get(a)
        if row is None:
            s = self.ls.stock[a]
            idx, val = ([0], [-s]) if self.tts and s else ([], [])
            row = self.ship_row[a] = self._new_row(a, -INF, INF, idx, val)
        return row

    def add(self, joining: set[int]) -> None:
        ls = self.ls
        new = joining - self.nodes
        self.nodes |= new
        edges: set[int] = set()
        for j in new:
            for r in ls.node_brows[j]:
                edges.update(ls.brow_edges[r])
            edges.update(ls.out_edges[j])
        edges -= self.edge_col.keys()
        touched_b: set[int] = set()
        touched_s: set[int] = set()
        for j in sorted(new):
            touched_b.update(ls.node_brows[j])
            if ls.out_edges[j]:
                touched_s.add(j)
        for e in edges:
            touched_b.add(int(ls.edge_brow[e]))
            touched_s.add(int(ls.sup[e]))
        for r in sorted(touched_b):
            self._ensure_brow(r)
        for a in sorted(touched_s):
            self._ensure_ship(a)
        for j in sorted(new):  # u_j: -q in its BOM rows, -1 in its shipment row, +1 in its finished row
            idx = [self.brow_row[r] for r in ls.node_brows[j]]
            val = [-ls.brow_qty[r] for r in ls.node_brows[j]]
            if ls.out_edges[j]:
                idx.append(self.ship_row[j])
                val.append(-1.0)
            fin = -1
            if ls.finished[j]:
                if self.tts:  # u_j + s_j tau >= d_j
                    s = ls.stock[j]
                    fin = self._new_row(j, ls.demand[j], INF, [0] if s else [], [s] if s else [])
                else:  # l_j + u_j >= d_j t - s_j
                    fin = self._new_row(j, ls.demand[j] * self.scale - ls.stock[j], INF, [], [])
                    self._new_col(ls.profit[j], INF, [fin], [1.0])
                idx.append(fin)
                val.append(1.0)
            self._new_col(0.0, 0.0 if j in self.down else ls.cap[j] * self.scale, idx, val)
        for e in sorted(edges):  # y_e: +1 in the buyer's BOM row and in the supplier's shipment row
            self.edge_col[e] = self._new_col(
                0.0, INF, [self.brow_row[int(ls.edge_brow[e])], self.ship_row[int(ls.sup[e])]], [1.0, 1.0]
            )
        # bounds of every row whose free terms changed; boundary rows get (or keep) an elastic column
        penalty = ls.penalty
        bound_rows: list[int] = []
        bound_lo: list[float] = []
        bound_hi: list[float] = []
        dropped: list[int] = []
        for r in touched_b:
            row = self.brow_row[r]
            b = ls.brow_node[r]
            bound_rows.append(row)
            if b in self.nodes:  # sum y - q u_b >= 0
                bound_lo.append(0.0)
                bound_hi.append(INF)
                self._drop_elastic(row, dropped)
                continue
            fixed = sum(ls.w[e] for e in ls.brow_edges[r] if e not in self.edge_col)
            need = self.scale * (ls.brow_qty[r] * ls.v[b] - fixed)
            bound_lo.append(need if need > _TOL else -INF)
            bound_hi.append(INF)
            if row not in self.elastic:
                self.elastic[row] = self._new_col(penalty, INF, [row], [1.0])
        for a in touched_s:
            row = self.ship_row[a]
            extra = 0.0 if self.tts else ls.stock[a]
            bound_rows.append(row)
            bound_lo.append(-INF)
            if a in self.nodes:  # sum y - u_a (- s_a tau) <= s_a (TTR) / 0 (TTS)
                bound_hi.append(extra)
                self._drop_elastic(row, dropped)
                continue
            fixed = sum(ls.w[e] for e in ls.out_edges[a] if e not in self.edge_col)
            bound_hi.append(self.scale * (ls.v[a] - fixed) + extra)
            if row not in self.elastic:
                self.elastic[row] = self._new_col(penalty, INF, [row], [-1.0])
        self._flush(bound_rows, bound_lo, bound_hi, dropped)

    def _drop_elastic(self, row: int, dropped: list[int]) -> None:
        col = self.elastic.pop(row, None)
        if col is not None:
            dropped.append(col)

    def solve(self) -> float | set[int]:
        """R_N's optimum when certified exact, else the nodes to add (empty set never returned)."""
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            if self.tts:
                return float("inf")  # the rows of N alone are infeasible: TTS = 0
            raise NetworkError("TTR 局部模型不可行（不应出现）")
        if status != highspy.HighsModelStatus.kOptimal:
            log.info(
                "local region of %d nodes: HiGHS status %s; the whole LP solves the scenario",
                len(self.nodes),
                self.h.modelStatusToString(status),
            )
            return set(range(len(self.ls.net.nodes)))  # give up locally: the caller falls back
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value)
        duals = np.asarray(sol.row_dual)
        obj = float(self.h.getInfo().objective_function_value)
        used = {self.row_node[row] for row, col in self.elastic.items() if x[col] > _TOL}
        if obj <= _OBJ_ZERO and not used:
            return obj  # zero is a lower bound: the primal extension alone proves it
        grow = used | {self.row_node[row] for row in self.elastic if abs(duals[row]) > _DUAL_ZERO}
        return grow if grow else obj
