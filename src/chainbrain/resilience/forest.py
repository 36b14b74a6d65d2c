"""TTR loss and TTS of a single-node scenario without an LP, when its non-free set is a tree.

Setting (see :mod:`chainbrain.resilience.decompose`): a network with no capacity that can bind — none at
all, or only idle ones (c_i ≥ U_i, the most node i is ever asked for per day: :mod:`chainbrain.resilience.idle`
proves the TTR and TTS optima do not change when they are dropped, so everything below ignores them) — so
that the undisrupted network has no non-free node, and a scenario S = {j}. The non-free set N of S is j and every
node reached from j through a BOM row all of whose suppliers are in N. Call N a *tree* when every node of N
other than j has exactly one such row and that row has exactly one supplier (its *parent*, in N); the
scenario's sub-LP then keeps exactly those rows (every other material of a node of N has a free supplier and
is dropped), no node of N has a capacity that binds, and j makes nothing (u_j = 0). Write r_c for the qty of
c's kept row (units of its parent's output per unit of c) and R_c for the product of the r along the path
from j to c (R_j = 1): one unit of c's output takes R_c units of j's output. Finished products ship nothing,
so they are leaves; j's own stock s_j is all of j's output there is.

Loss at t (a polymatroid greedy). Measured in units of j's output, the stock of a node c of N is s_c R_c and
may serve only the finished products below c; a finished product f needs (d_f t - s_f)^+ units of its own
after its own stock, i.e. x_f ≤ (d_f t - s_f)^+ R_f units of j's output, and each unit it gets is worth
w_f = profit_f / R_f. The vectors x that the stocks can serve form a polymatroid (Gale's condition: for every
set A of finished products, Σ_A x ≤ the stock on the paths from A to j, a coverage function, submodular), so
serving the finished products in decreasing w_f, each as much as the rest allows, is optimal (Edmonds'
greedy); on a tree the "as much as the rest allows" is reached by drawing each product's units from its
nearest ancestor with stock left first (a deeper stock serves a subset of the products a higher one serves,
so taking it first never takes a unit another product could have used instead). The loss is the value not
served, Σ_f w_f (unserved x_f). When every w_f is the same w, that is w × the deficit at j: with
need_f(t) = (d_f t - s_f)^+ for a finished product and need_c(t) = (Σ_children r_b need_b(t) - s_c)^+
otherwise (units of c's output still wanted from above), the loss is w (G_j(t) - s_j)^+ where
G_c(t) = Σ_children r_b need_b(t).

TTS. No loss at t iff G_j(t) ≤ s_j (j finished: d_j t ≤ s_j). G_c is convex, nondecreasing and piecewise
linear with G_c(0) = 0, so the TTS is the one T_j with G_j(T_j) = s_j (the largest t where it holds). Each
need_c(t) = A_c (t - T_c)^+ + Σ_{b_k > T_c} a_k (t - b_k)^+ keeps the hinge form Σ a_k (t - b_k)^+ of its
children's sum G_c = Σ_k a_k (t - b_k)^+ (A_c: the slope of G_c at T_c), and depends on c's subtree only —
which is the same in every scenario whose tree holds c (it is c's own non-free set) — so it is built once
per node and shared by all scenarios of a sweep.

No tree: when every material has one supplier, j's non-free set is every node j reaches and each of its
BOM rows is kept, trees or not. The TTS recursion holds there too, with one term per edge: with no loss at
t, every node must make at least need_c(t) (by induction from the finished products: what its buyers take,
less its stock), and making exactly that is feasible iff G_j(t) ≤ s_j. need_c still depends on c's reach
only, so it is built once per node. The loss of such a scenario is an LP (a node needs two materials that
both come from j's stock), except that it is 0 for t ≤ TTS: then no LP at all; otherwise the sweep solves
the TTR sub-LP only and takes the TTS from here (``survive``).

These are the LP's optima, not estimates; ``tests/test_resilience_forest.py`` checks every node of several
Willems chains and of random tree-shaped networks with unequal profits and BOM quantities against scipy,
``tests/test_resilience_idle.py`` the same with capacities (idle and binding) against scipy's LP with its
capacity rows.
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_right
from itertools import accumulate

from chainbrain.resilience.decompose import Decomposition
from chainbrain.resilience.indices import network_index
from chainbrain.resilience.network import Network

log = logging.getLogger(__name__)


class _Hinge:
    """G(t) = Σ_k a_k (t - b_k)^+ (b ascending, a > 0), with prefix sums to evaluate it at any t.

    Plain lists: most hinges of a sweep have one to three breakpoints, where numpy's per-call cost is most of
    the work."""

    __slots__ = ("a", "b", "cum_a", "cum_ab", "value_at_b")

    def __init__(self, pairs: list[tuple[float, float]]) -> None:
        pairs.sort()
        b: list[float] = []
        a: list[float] = []
        for x, y in pairs:
            if b and b[-1] == x:  # one node reached along several paths: one breakpoint
                a[-1] += y
            else:
                b.append(x)
                a.append(y)
        self.b, self.a = b, a
        self.cum_a = list(accumulate(a))
        self.cum_ab = list(accumulate(x * y for x, y in zip(b, a, strict=True)))
        # G at each breakpoint, from the breakpoints before it (G(b_0) = 0)
        self.value_at_b = [
            max(0.0, x * (ca - y) - (cab - x * y))
            for x, y, ca, cab in zip(b, a, self.cum_a, self.cum_ab, strict=True)
        ]

    def __call__(self, t: float) -> float:
        i = bisect_right(self.b, t) - 1
        if i < 0:
            return 0.0
        return max(0.0, self.cum_a[i] * t - self.cum_ab[i])

    def level(self, s: float) -> tuple[float, int]:
        """T with G(T) = s (G nondecreasing from 0; needs at least one breakpoint) and the index of the last
        breakpoint at or below T."""
        i = max(bisect_right(self.value_at_b, s) - 1, 0)
        return self.b[i] + (s - self.value_at_b[i]) / self.cum_a[i], i


class ForestAnswers:
    """Closed-form TTR loss and TTS of single-node scenarios whose non-free set is a tree (module docstring).

    :meth:`answer` returns ``(loss, tts)`` or None when the scenario is not of that shape (the caller solves
    its LP); then, on a network where every material has one supplier, ``survive[j]`` may hold its TTS.
    ``answered`` counts the scenarios answered.
    """

    SINGLE_MAX = 8192  # nodes: above this the memoised tree test would keep too many bits
    # hinge breakpoints kept at most (~50 bytes each): past this (a pathological network) the sweep stops
    # answering here and solves the remaining scenarios' LPs; the Willems chain 38 keeps 45k
    MAX_BREAKPOINTS = 2_000_000

    def __init__(self, network: Network, dec: Decomposition, *, horizon: float = 1e6) -> None:
        self.network = network
        # only on networks with no non-free node before any disruption (hence no capacity that can bind: none,
        # or idle ones, which change no optimum, resilience/idle.py)
        self.applies = not dec._base_non_free
        self.horizon = horizon
        self._need: dict[int, list[tuple[float, float]]] = {}  # need_c as hinges (b, a)
        self._g: dict[int, _Hinge | None] = {}  # G_c (None: no demand below c)
        self.answered = 0
        self.survive: dict[int, float] = {}  # TTS of single-node scenarios answered None (loss left to an LP)
        self._kept = 0  # breakpoints in the memo (G_c and need_c)
        if not self.applies:
            return
        ix = network_index(network)
        self._out_edges = ix.out_edges
        self._edge_brow = [int(r) for r in ix.edge_brow]
        self._edge_buy = [int(b) for b in ix.buy]
        self._row_size = [len(e) for e in ix.brow_edges]
        self._row_qty = [float(q) for q in ix.brow_qty]
        self._stock = [float(s) for s in ix.stock]
        self._demand = [float(d) for d in ix.demand]
        self._profit = [float(p) for p in ix.profit]
        self._finished = [bool(f) for f in ix.finished]
        # every material from one supplier: j's non-free set is every node j reaches, and whether it is a
        # tree follows from its buyers' sets (memoised per node, :meth:`_visit`), with no search per scenario
        # (the sets are int bitsets: at most n bits per node, hence the size limit)
        self._single = all(size == 1 for size in self._row_size) and len(network.nodes) <= self.SINGLE_MAX
        self._shape: dict[int, tuple[bool, int, int, float, float]] = {}  # ok, bits, size, w range

    def _tree(self, j: int) -> tuple[list[int], dict[int, int], dict[int, float], dict[int, float]] | None:
        """Nodes of j's non-free set, parents before children; each node's parent, r (its kept row's qty) and
        R; None if the set is not a tree."""
        order = [j]
        parent: dict[int, int] = {}
        qty: dict[int, float] = {}
        ratio = {j: 1.0}
        lost: dict[int, int] = {}
        out_edges, edge_brow, edge_buy, row_size = (
            self._out_edges,
            self._edge_brow,
            self._edge_buy,
            self._row_size,
        )
        k = 0
        while k < len(order):
            i = order[k]
            k += 1
            for edge in out_edges[i]:
                r = edge_brow[edge]
                lost_r = lost[r] = lost.get(r, 0) + 1
                if lost_r < row_size[r]:
                    continue
                if lost_r > 1:
                    return None  # a kept row with two suppliers in N
                b = edge_buy[edge]
                if b in ratio:
                    return None  # a second kept row of b: two paths from j
                parent[b] = i
                qty[b] = self._row_qty[r]
                ratio[b] = ratio[i] * qty[b]
                order.append(b)
        return order, parent, qty, ratio

    def _need_of(self, c: int, children: list[tuple[int, float]]) -> list[tuple[float, float]]:
        """need_c as hinges, from its children's (already built); ``children``: (buyer, r) per edge out."""
        got = self._need.get(c)
        if got is not None:
            return got
        if self._finished[c]:
            d = self._demand[c]
            got = [(self._stock[c] / d, d)] if d > 0 else []
        else:
            g = self._g_of(c, children)
            if g is None:
                got = []
            else:
                t_c, i = g.level(self._stock[c])
                got = [(t_c, g.cum_a[i]), *zip(g.b[i + 1 :], g.a[i + 1 :], strict=True)]
        self._need[c] = got
        return got

    def _g_of(self, c: int, children: list[tuple[int, float]]) -> _Hinge | None:
        """G_c from c's children's need, one term per edge from c (r: the qty of the row it supplies)."""
        if c in self._g:
            return self._g[c]
        pairs = [(x, y * r) for b, r in children for x, y in self._need[b]]
        g = _Hinge(pairs) if pairs else None
        self._g[c] = g
        self._kept += 0 if g is None else 2 * len(g.b)
        return g

    def _visit(self, j: int) -> None:
        """Shape of the set each node below j reaches (post-order, memoised): whether it is a tree, its nodes
        (bitset) and their count, and the range of the finished products' values per unit of the node's
        output; for a tree, its need_c too.

        With every material from one supplier, the set c reaches is a tree iff each of c's buyers is reached
        by one edge, the buyers' sets are trees, and they are pairwise disjoint (a node in two of them, or a
        buyer inside another's set, has two edges from the set; conversely two edges into one node give two
        paths from c, which part at c or inside one buyer's set) — disjoint iff the sizes add up."""
        shape, out_edges, edge_buy, edge_brow = self._shape, self._out_edges, self._edge_buy, self._edge_brow
        stack = [(j, False)]
        while stack:
            c, ready = stack.pop()
            if c in shape:
                continue
            edges = out_edges[c]
            if not ready:
                stack.append((c, True))
                stack.extend((edge_buy[e], False) for e in edges if edge_buy[e] not in shape)
                continue
            if self._finished[c]:
                has = self._demand[c] > 0
                w = self._profit[c]
                shape[c] = (True, 1 << c, 1, w if has else math.inf, w if has else -math.inf)
                self._need_of(c, [])
                continue
            buyers = [edge_buy[e] for e in edges]
            bits, total, ok = 1 << c, 1, len(set(buyers)) == len(buyers)
            lo, hi = math.inf, -math.inf
            children = [(b, self._row_qty[edge_brow[e]]) for e, b in zip(edges, buyers, strict=True)]
            for b, r in children:
                ok_b, bits_b, size_b, lo_b, hi_b = shape[b]
                ok = ok and ok_b
                bits |= bits_b
                total += size_b
                if lo_b <= hi_b:
                    lo, hi = min(lo, lo_b / r), max(hi, hi_b / r)
            ok = ok and bits.bit_count() == total
            shape[c] = (ok, bits, bits.bit_count(), lo, hi)
            self._need_of(c, children)  # tree or not (see _answer_single)

    def answer(self, disrupted: tuple[int, ...], t: float) -> tuple[float, float | None] | None:
        """``(loss, tts)`` of S = ``disrupted`` (one node index) at recovery time ``t``, or None."""
        if not self.applies or len(disrupted) != 1:
            return None
        j = disrupted[0]
        if self._kept > self.MAX_BREAKPOINTS:
            if self._g:
                log.info(
                    "%s: closed-form memo past %d breakpoints, LPs from here", self.network.source, self._kept
                )
                self._need, self._g, self._shape = {}, {}, {}
            return None
        if self._single:
            return self._answer_single(j, t)
        tree = self._tree(j)
        if tree is None:
            return None
        order, parent, qty, ratio = tree
        leaves = [f for f in order if self._finished[f] and self._demand[f] > 0]
        if not leaves:
            self.answered += 1
            return 0.0, None  # no demand depends on j: nothing is lost, ever
        if self._finished[j]:  # N = {j}: its own stock is all there is
            d, s = self._demand[j], self._stock[j]
            tts = s / d
            if tts >= self.horizon * (1 - 1e-9):
                return None
            self.answered += 1
            return self._profit[j] * max(0.0, d * t - s), tts
        children: dict[int, list[int]] = {}
        for c in order[1:]:
            children.setdefault(parent[c], []).append(c)
        for c in reversed(order[1:]):  # build need_b of every node below j not yet built
            if c not in self._need:
                self._need_of(c, [(b, qty[b]) for b in children.get(c, [])])
        g = self._g_of(j, [(b, qty[b]) for b in children.get(j, [])])
        assert g is not None  # a finished product with demand lies below j
        tts, _ = g.level(self._stock[j])
        if tts >= self.horizon * (1 - 1e-9):
            return None  # the TTS model would refuse it: let it say so
        self.answered += 1
        return self._loss(j, t, leaves, parent, ratio, g), tts

    def _answer_single(self, j: int, t: float) -> tuple[float, float | None] | None:
        self._visit(j)
        ok, _, _, lo, hi = self._shape[j]
        if lo > hi:
            self.answered += 1
            return 0.0, None  # no demand depends on j: nothing is lost, ever
        stock = self._stock[j]
        if self._finished[j]:
            d = self._demand[j]
            tts = stock / d
            if tts >= self.horizon * (1 - 1e-9):
                return None
            self.answered += 1
            return self._profit[j] * max(0.0, d * t - stock), tts
        g = self._g[j]
        assert g is not None  # a finished product with demand lies below j
        tts, _ = g.level(stock)
        if tts >= self.horizon * (1 - 1e-9):
            return None
        if not ok:  # no tree: the TTS holds all the same (module docstring); the loss needs the LP unless 0
            if tts >= t:
                self.answered += 1
                return 0.0, tts
            self.survive[j] = tts
            return None
        if hi - lo <= 1e-12 * hi:
            loss = hi * max(0.0, g(t) - stock)
        else:
            tree = self._tree(j)
            assert tree is not None  # the same set, found by search
            order, parent, _, ratio = tree
            leaves = [f for f in order if self._finished[f] and self._demand[f] > 0]
            loss = self._loss(j, t, leaves, parent, ratio, g)
        self.answered += 1
        return loss, tts

    def _loss(
        self,
        j: int,
        t: float,
        leaves: list[int],
        parent: dict[int, int],
        ratio: dict[int, float],
        g: _Hinge,
    ) -> float:
        profit, demand, stock = self._profit, self._demand, self._stock
        w = [profit[f] / ratio[f] for f in leaves]
        if max(w) - min(w) <= 1e-12 * max(w):
            return w[0] * max(0.0, g(t) - stock[j])  # one value per unit of j's output: the deficit at j
        left: dict[int, float] = {}  # stock left per ancestor, in units of j's output
        loss = 0.0
        for weight, f in sorted(zip(w, leaves, strict=True), reverse=True):
            want = (demand[f] * t - stock[f]) * ratio[f]
            c = parent.get(f)
            while want > 0 and c is not None:
                have = left.get(c)
                if have is None:
                    have = stock[c] * ratio[c]
                take = min(want, have)
                left[c] = have - take
                want -= take
                c = parent.get(c)
            if want > 0:
                loss += weight * want
        return loss
