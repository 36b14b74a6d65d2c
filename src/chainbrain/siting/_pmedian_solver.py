"""The exact p-median engine: a fast-interchange heuristic, Lagrangian bounds with reduced-cost fixing, and
a radius (Elloumi) MIP over what the fixing leaves. Tuning constants live here, not on the model."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from chainbrain.siting._mip import INF, solve_mip

# subgradient schedule (Held, Wolfe & Crowder 1974 step; Beasley 1993 halving)
_MAX_ITER = 3000
_PATIENCE = 25
_F_START = 2.0
_F_MIN = 1e-4
_HEURISTIC_EVERY = 10
# dense n×m arrays are used below this many entries (faster than the sparse kernels)
_DENSE_MAX = 30_000_000
_INTERCHANGE_ROUNDS = 10_000
_DIRECT_MAX_NNZ = 1_500_000  # above this the radius MIP carries partial sums in extra variables
_SPARSE_SEARCH_SHARE = 0.4  # share of the time limit the sparse interchange may take
_POLISH_SPARSE = 3  # the same on sparse models, where each interchange costs far more
_POLISH = 30  # relaxation site sets polished by interchange after the first subgradient pass


@dataclass
class Outcome:
    status: str
    solver_status: str
    open_: np.ndarray
    objective: float
    bound: float
    iterations: int
    fixed_closed: int
    fixed_open: int
    mip_seconds: float


class Engine:
    """State for one p-median solve over cost ``c`` (CSR: demand rows, allowed candidate columns)."""

    def __init__(self, c: sp.csr_matrix, p: int, fixed: np.ndarray, dense: np.ndarray | None) -> None:
        self.c = c
        self.n, self.m = c.shape
        self.p = p
        self.fixed = fixed.copy()
        self.closed = np.zeros(self.m, dtype=bool)
        self.free_p = p - int(fixed.sum())
        self.pool: list[np.ndarray] = []  # relaxation solutions at the last bound improvements, to polish
        self.row_of = np.repeat(np.arange(self.n), np.diff(c.indptr))
        self.dense = dense
        # the heuristics price a pair that is not allowed at a large finite cost instead of +inf
        self.dense_h = None if dense is None else np.where(np.isinf(dense), self.big, dense)
        self.integral = bool(np.all(c.data == np.round(c.data)))
        # lambda_i never needs to exceed the row's largest allowed cost
        self.cap = np.maximum.reduceat(c.data, c.indptr[:-1]) if c.nnz else np.zeros(self.n)

    # --- evaluation -------------------------------------------------------------------------------
    def cost_of(self, open_: np.ndarray) -> tuple[float, np.ndarray]:
        """Total cost of an open set and each client's cost (inf where no allowed site is open)."""
        if self.dense is not None:
            d1 = self.dense[:, open_].min(axis=1)
        else:
            masked = np.where(open_[self.c.indices], self.c.data, np.inf)
            d1 = np.minimum.reduceat(masked, self.c.indptr[:-1])
        return float(d1.sum()), d1

    # --- heuristics -------------------------------------------------------------------------------
    def greedy(self) -> np.ndarray:
        assert self.dense_h is not None
        c = self.dense_h
        open_ = self.fixed.copy()
        big = np.inf
        near = c[:, open_].min(axis=1) if open_.any() else np.full(self.n, big)
        for _ in range(self.free_p):
            tot = np.minimum(c, near[:, None]).sum(axis=0)
            tot[open_] = np.inf
            j = int(np.argmin(tot))
            open_[j] = True
            near = np.minimum(near, c[:, j])
        return open_

    def interchange(self, open_: np.ndarray) -> np.ndarray:
        """Best-improvement vertex substitution (Teitz & Bart 1968) with the fast evaluation of Whitaker
        (1983): every (leave, enter) pair is priced at once from each client's nearest and second-nearest
        open site."""
        assert self.dense_h is not None
        c = self.dense_h
        open_ = open_.copy()
        n = self.n
        if self.free_p == 0 or self.free_p == self.m - int(self.fixed.sum()):
            return open_
        for _ in range(_INTERCHANGE_ROUNDS):
            sites = np.flatnonzero(open_)
            sub = c[:, sites]
            if sites.size >= 2:
                two = np.argpartition(sub, 1, axis=1)[:, :2]
                a, b = sub[np.arange(n), two[:, 0]], sub[np.arange(n), two[:, 1]]
                swap = a > b
                first = np.where(swap, two[:, 1], two[:, 0])
                d1, d2 = np.minimum(a, b), np.maximum(a, b)
            else:
                first = np.zeros(n, dtype=np.int64)
                d1 = sub[:, 0]
                d2 = np.full(n, np.inf)
            current = float(d1.sum())
            m1 = np.minimum(c, d1[:, None])
            gain_enter = m1.sum(axis=0)  # cost after adding j, nothing removed
            loss = np.minimum(c, d2[:, None]) - m1  # extra cost per client if its nearest site leaves
            onehot = sp.csr_matrix((np.ones(n), (first, np.arange(n))), shape=(sites.size, n))
            total = gain_enter[None, :] + onehot @ loss  # total[r, j]: swap sites[r] out, j in
            total[:, open_] = np.inf
            total[self.fixed[sites], :] = np.inf
            r, j = np.unravel_index(int(np.argmin(total)), total.shape)
            if not total[r, j] < current - 1e-9 * max(1.0, abs(current)):
                break
            open_[sites[r]] = False
            open_[j] = True
        return open_

    # --- sparse heuristics (rows sorted by cost; a client with no open listed site pays _BIG) ------------------
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        if not hasattr(self, "_sorted_cache"):
            order = np.lexsort((self.c.data, self.row_of))
            self._sorted_cache = (self.c.data[order], self.c.indices[order])
        return self._sorted_cache

    def _nearest_two(self, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each client's nearest open site, its cost, and the second-nearest cost (big where missing)."""
        data, idx = self._sorted()
        big = self.big
        hit = open_[idx]
        rank = np.cumsum(hit) - np.repeat(np.concatenate([[0], np.cumsum(hit)[self.c.indptr[1:-1] - 1]]),
                                          np.diff(self.c.indptr)) if hit.size else hit  # fmt: skip
        first = hit & (rank == 1)
        second = hit & (rank == 2)
        d1 = np.full(self.n, big)
        c1 = np.full(self.n, -1, dtype=np.int64)
        d2 = np.full(self.n, big)
        d1[self.row_of[first]] = data[first]
        c1[self.row_of[first]] = idx[first]
        d2[self.row_of[second]] = data[second]
        return c1, d1, d2

    @property
    def big(self) -> float:
        return 10.0 * float(self.c.data.max()) + 1.0 if self.c.nnz else 1.0

    def greedy_sparse(self) -> np.ndarray:
        open_ = self.fixed.copy()
        _, near, _ = self._nearest_two(open_)
        csc = self.c.tocsc()
        for _ in range(self.free_p):
            gain = np.bincount(
                self.c.indices, weights=np.maximum(near[self.row_of] - self.c.data, 0.0), minlength=self.m
            )
            gain[open_ | self.closed] = -np.inf
            j = int(np.argmax(gain))
            open_[j] = True
            lo, hi = csc.indptr[j], csc.indptr[j + 1]
            rows = csc.indices[lo:hi]
            near[rows] = np.minimum(near[rows], csc.data[lo:hi])
        return open_

    def interchange_sparse(self, open_: np.ndarray, deadline: float) -> np.ndarray:
        """The fast interchange on listed pairs only: a swap's change is −gain(j) + loss(r) + corr(r, j), the
        correction non-zero only where a client of r lists j."""
        open_ = open_.copy()
        data, idx = self.c.data, self.c.indices
        for _ in range(_INTERCHANGE_ROUNDS):
            if time.perf_counter() > deadline:
                break
            c1, d1, d2 = self._nearest_two(open_)
            gain = np.bincount(idx, weights=np.maximum(d1[self.row_of] - data, 0.0), minlength=self.m)
            served = c1 >= 0
            loss = np.bincount(c1[served], weights=(d2 - d1)[served], minlength=self.m)
            removable = open_ & ~self.fixed
            addable = ~open_ & ~self.closed
            if not removable.any() or not addable.any():
                break
            # pairs without a correction
            r0 = int(np.flatnonzero(removable)[np.argmin(loss[removable])])
            j0 = int(np.flatnonzero(addable)[np.argmax(gain[addable])])
            best, pair = loss[r0] - gain[j0], (r0, j0)
            # pairs with one: a client of r lists j
            rr = c1[self.row_of]
            ok = (rr >= 0) & addable[idx]
            ok &= removable[np.where(rr >= 0, rr, 0)]
            if ok.any():
                dd1, dd2 = d1[self.row_of[ok]], d2[self.row_of[ok]]
                cc = data[ok]
                corr = np.maximum(dd1 - cc, 0.0) + np.minimum(cc, dd2) - dd2
                key = rr[ok] * self.m + idx[ok]
                uk, inv = np.unique(key, return_inverse=True)
                tot = np.bincount(inv, weights=corr)
                ur, uj = uk // self.m, uk % self.m
                delta = loss[ur] - gain[uj] + tot
                k = int(np.argmin(delta))
                if delta[k] < best:
                    best, pair = float(delta[k]), (int(ur[k]), int(uj[k]))
            if not best < -1e-9 * max(1.0, float(d1.sum())):
                break
            open_[pair[0]] = False
            open_[pair[1]] = True
        return open_

    # --- Lagrangian -------------------------------------------------------------------------------
    def _rho(self, lam: np.ndarray) -> np.ndarray:
        if self.dense is not None:
            r = self.dense - lam[:, None]
            np.minimum(r, 0.0, out=r)
            return r.sum(axis=0)
        red = np.minimum(self.c.data - lam[self.row_of], 0.0)
        return np.bincount(self.c.indices, weights=red, minlength=self.m)

    def _select(self, rho: np.ndarray) -> np.ndarray:
        open_ = self.fixed.copy()
        if self.free_p:
            free = np.flatnonzero(~self.fixed & ~self.closed)
            pick = np.argpartition(rho[free], self.free_p - 1)[: self.free_p]
            open_[free[pick]] = True
        return open_

    def _served(self, lam: np.ndarray, open_: np.ndarray) -> np.ndarray:
        """How many open sites each client is assigned to in the relaxation (those with c_ij < λ_i)."""
        if self.dense is not None:
            return (self.dense[:, open_] < lam[:, None]).sum(axis=1)
        hit = (self.c.data < lam[self.row_of]) & open_[self.c.indices]
        return np.bincount(self.row_of, weights=hit, minlength=self.n)

    def margin(self, ub: float, gap: float) -> float:
        """A bound above ``ub - margin`` proves the incumbent good enough."""
        if self.integral:
            return max(1.0 - 1e-6, gap * ub)
        return max(1e-9 * max(1.0, abs(ub)), gap * ub)

    def lagrangian(
        self,
        lam: np.ndarray,
        ub: float,
        best_open: np.ndarray,
        gap: float,
        deadline: float,
        *,
        max_iter: int = _MAX_ITER,
        patience: int = _PATIENCE,
        f_start: float = _F_START,
    ) -> tuple[float, np.ndarray, float, np.ndarray, int]:
        """Subgradient ascent on the relaxation of the assignment rows; returns (bound, λ, ub, open, iters)."""
        best_l, best_lam = -math.inf, lam.copy()
        f, stall, it = f_start, 0, 0
        for it in range(1, max_iter + 1):
            rho = self._rho(lam)
            open_ = self._select(rho)
            low = float(lam.sum() + rho[open_].sum())
            if low > best_l + 1e-12 * max(1.0, abs(low)):
                best_l, best_lam, stall = low, lam.copy(), 0
                self.pool.append(open_)
            else:
                stall += 1
                if stall >= patience:
                    f, stall = f / 2.0, 0
            if it % _HEURISTIC_EVERY == 1:
                cost, _ = self.cost_of(open_)
                if cost < ub:
                    ub, best_open = cost, open_
            if best_l > ub - self.margin(ub, gap) or f < _F_MIN or time.perf_counter() > deadline:
                break
            g = 1.0 - self._served(lam, open_)
            norm = float(g @ g)
            if norm == 0.0:  # the relaxation's solution is feasible, so optimal
                cost, _ = self.cost_of(open_)
                if cost < ub:
                    ub, best_open = cost, open_
                break
            lam = np.clip(lam + f * (ub - low) / norm * g, 0.0, self.cap)
        return best_l, best_lam, ub, best_open, it

    def fix(self, lam: np.ndarray, ub: float, margin: float) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """Reduced-cost fixing (Beasley 1993): which sites must stay closed / open, and which assignments
        remain, in any solution of cost ≤ ub − margin."""
        rho = self._rho(lam)
        open_ = self._select(rho)
        low = float(lam.sum() + rho[open_].sum())
        limit = ub - margin
        closed = self.closed.copy()
        opened = self.fixed.copy()
        free = ~self.fixed & ~self.closed
        swap_in = np.zeros(self.m)
        if self.free_p:
            vals = np.sort(rho[free])
            rho_p = vals[self.free_p - 1]
            rho_next = vals[self.free_p] if vals.size > self.free_p else math.inf
            out = free & ~open_
            swap_in[out] = rho[out] - rho_p
            closed |= out & (low + swap_in > limit)
            inside = free & open_
            opened |= inside & (low - rho + rho_next > limit)
        else:
            closed |= free
        # an assignment (i, j) forces j open and pays max(0, c_ij − λ_i) more
        c = self.c
        extra = np.maximum(c.data - lam[self.row_of], 0.0) + swap_in[c.indices]
        keep = (low + extra <= limit) & ~closed[c.indices]
        kept = sp.csr_matrix(
            (c.data[keep], c.indices[keep], _indptr(self.row_of[keep], self.n)), shape=c.shape
        )
        return closed, opened, kept

    # --- the exact MIP ----------------------------------------------------------------------------
    def radius_mip(
        self, kept: sp.csr_matrix, closed: np.ndarray, opened: np.ndarray, time_limit: float | None
    ) -> tuple[str, str, np.ndarray | None, float, float, float]:
        """Elloumi's formulation over each client's sorted distinct remaining costs D_i1 < … < D_iK:
        min Σ_i (D_i1 + Σ_k≥2 (D_ik − D_i,k−1) z_ik) s.t. z_ik + Σ_{j: c_ij < D_ik} y_j ≥ 1,
        Σ_{j remaining for i} y_j ≥ 1, Σ_j y_j = p, y binary, z ≥ 0.

        The partial sums Σ_{j: c_ij < D_ik} y_j are carried by continuous variables v_ik = v_i,k−1 +
        Σ_{j: c_ij = D_i,k−1} y_j, so each y_j appears once per client instead of once per level: the same
        polyhedron projected, with a matrix about as sparse as the remaining assignments."""
        if any(kept.indptr[i] == kept.indptr[i + 1] for i in range(self.n)):
            return "infeasible", "no assignment left", None, math.nan, math.nan, 0.0
        if _direct_nnz(kept) <= _DIRECT_MAX_NNZ:
            return self._radius_direct(kept, closed, opened, time_limit)
        m = self.m
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        lo_l: list[np.ndarray] = []
        hi_l: list[np.ndarray] = []
        cost: list[np.ndarray] = []
        nr = 0  # rows so far
        nc = m  # columns so far: y first, then per client v_2..v_K, z_2..z_K
        const = 0.0
        for i in range(self.n):
            lo, hi = kept.indptr[i], kept.indptr[i + 1]
            if lo == hi:
                return "infeasible", "no assignment left", None, math.nan, math.nan, 0.0
            cs = kept.data[lo:hi]
            order = np.argsort(cs, kind="stable")
            cs, js = cs[order], kept.indices[lo:hi][order]
            levels, first, counts = np.unique(cs, return_index=True, return_counts=True)
            const += float(levels[0])
            k = levels.size - 1
            if k == 0:
                rows.append(np.full(js.size, nr))
                cols.append(js)
                vals.append(np.ones(js.size))
                lo_l.append(np.ones(1))
                hi_l.append(np.full(1, INF))
                nr += 1
                continue
            v = nc + np.arange(k)  # v for levels 2..K
            z = nc + k + np.arange(k)
            nc += 2 * k
            # equality rows t = 0..k-1: v_t − v_{t−1} − Σ_{level t} y = 0
            eq = nr + np.arange(k)
            lvl = np.repeat(np.arange(levels.size), counts)  # level of each entry
            below = lvl < k
            rows += [eq, eq[1:], eq[lvl[below]]]
            cols += [v, v[:-1], js[below]]
            vals += [np.ones(k), -np.ones(k - 1), -np.ones(int(below.sum()))]
            # cover rows: z_t + v_t ≥ 1, and "some remaining site open": v_K + Σ_{level K} y ≥ 1
            cov = nr + k + np.arange(k)
            top = nr + 2 * k
            last = ~below
            rows += [cov, cov, np.full(1, top), np.full(int(last.sum()), top)]
            cols += [z, v, v[-1:], js[last]]
            vals += [np.ones(k), np.ones(k), np.ones(1), np.ones(int(last.sum()))]
            lo_l += [np.zeros(k), np.ones(k), np.ones(1)]
            hi_l += [np.zeros(k), np.full(k, INF), np.full(1, INF)]
            cost += [np.zeros(k), np.diff(levels)]
            nr += 2 * k + 1
        rows.append(np.full(m, nr))
        cols.append(np.arange(m))
        vals.append(np.ones(m))
        lo_l.append(np.full(1, float(self.p)))
        hi_l.append(np.full(1, float(self.p)))
        nr += 1
        a = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nr, nc)
        )
        c = np.concatenate([np.zeros(m), *cost])
        n_extra = nc - m
        lb = np.concatenate([opened.astype(np.float64), np.zeros(n_extra)])
        ub = np.concatenate([(~closed).astype(np.float64), np.full(n_extra, INF)])
        integer = np.concatenate([np.ones(m, dtype=bool), np.zeros(n_extra, dtype=bool)])
        res = solve_mip(
            c, a, np.concatenate(lo_l), np.concatenate(hi_l), lb, ub, integer, time_limit=time_limit
        )
        x = None if res.x is None else res.x[:m] > 0.5
        return res.status, res.solver_status, x, res.objective + const, res.bound + const, res.seconds

    def _radius_direct(
        self, kept: sp.csr_matrix, closed: np.ndarray, opened: np.ndarray, time_limit: float | None
    ) -> tuple[str, str, np.ndarray | None, float, float, float]:
        """The same formulation with the partial sums written out (faster while the matrix stays small)."""
        m = self.m
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        cost: list[np.ndarray] = []
        n_rows = 0
        n_z = 0
        const = 0.0
        for i in range(self.n):
            lo, hi = kept.indptr[i], kept.indptr[i + 1]
            vals = kept.data[lo:hi]
            order = np.argsort(vals, kind="stable")
            cs, js = vals[order], kept.indices[lo:hi][order]
            levels, first = np.unique(cs, return_index=True)
            const += float(levels[0])
            rows.append(np.full(js.size, n_rows))
            cols.append(js)
            n_rows += 1
            k = levels.size - 1
            if k == 0:
                continue
            counts = first[1:]
            rows.append(np.repeat(np.arange(n_rows, n_rows + k), counts))
            cols.append(js[np.concatenate([np.arange(c) for c in counts])])
            rows.append(np.arange(n_rows, n_rows + k))
            cols.append(m + n_z + np.arange(k))
            cost.append(np.diff(levels))
            n_rows += k
            n_z += k
        rows.append(np.full(m, n_rows))
        cols.append(np.arange(m))
        r = np.concatenate(rows)
        a = sp.csr_matrix((np.ones(r.size), (r, np.concatenate(cols))), shape=(n_rows + 1, m + n_z))
        c = np.concatenate([np.zeros(m), *cost])
        row_lo = np.concatenate([np.ones(n_rows), [self.p]])
        row_hi = np.concatenate([np.full(n_rows, INF), [self.p]])
        lb = np.concatenate([opened.astype(np.float64), np.zeros(n_z)])
        ub = np.concatenate([(~closed).astype(np.float64), np.full(n_z, INF)])
        integer = np.concatenate([np.ones(m, dtype=bool), np.zeros(n_z, dtype=bool)])
        res = solve_mip(c, a, row_lo, row_hi, lb, ub, integer, time_limit=time_limit)
        x = None if res.x is None else res.x[:m] > 0.5
        return res.status, res.solver_status, x, res.objective + const, res.bound + const, res.seconds


def _direct_nnz(kept: sp.csr_matrix) -> int:
    """Non-zeros of the written-out radius formulation: Σ_i Σ_levels (entries strictly below the level)."""
    total = 0
    for i in range(kept.shape[0]):
        cs = np.sort(kept.data[kept.indptr[i] : kept.indptr[i + 1]])
        _, first = np.unique(cs, return_index=True)
        total += int(first.sum()) + cs.size
    return total


# Lagrangian tree search: subgradient effort per node, warm-started from the parent's multipliers
_NODE_ITER = 150
_NODE_PATIENCE = 8
_NODE_F_START = 0.5
_MIP_FIRST_NNZ = 10_000  # below this many remaining assignments the MIP is tried before the tree search
_MIP_BUDGET = 15.0  # seconds it gets there
_COMPACT = 0.6  # a node with fewer open-able sites than this share of the columns gets its own copy
_BRANCH_WEAKEST = True  # branch on the chosen site with the largest ρ_j (else the smallest)
_TREE_MAX_P = 10  # branch on sites when at most this many are still to choose; else hand over to the MIP


def tree_search(
    eng: Engine, lam: np.ndarray, ub: float, best: np.ndarray, gap: float, deadline: float, depth: int = 0
) -> tuple[str, float, np.ndarray, float, int]:
    """Depth-first branch and bound on the site variables with a Lagrangian bound and reduced-cost fixing at
    every node (Beasley 1993). Returns (status, incumbent cost, incumbent open set, bound, nodes).

    A subtree whose closed sites are most of the columns is searched on a copy without them (cheaper nodes)."""
    root_fixed, root_closed = eng.fixed.copy(), eng.closed.copy()
    stack = [(root_fixed, root_closed, lam)]
    nodes = 0
    frontier_low = math.inf  # least bound among nodes left unexplored when time runs out
    while stack:
        fo, cl, lam = stack.pop()
        if time.perf_counter() > deadline:
            frontier_low = -math.inf
            break
        nodes += 1
        if eng.dense is not None and int((~cl).sum()) < _COMPACT * eng.m and depth < 30:
            keep = np.flatnonzero(~cl)
            sub_c = sp.csr_matrix(eng.c[:, keep])
            sub_c.sort_indices()
            if np.any(np.diff(sub_c.indptr) == 0):
                continue  # some client has no site left that could serve it in a better solution
            sub = Engine(sub_c, eng.p, fo[keep], eng.dense[:, keep])
            status, sub_ub, sub_best, _, more = tree_search(
                sub, np.minimum(lam, sub.cap), ub, np.zeros(keep.size, dtype=bool), gap, deadline, depth + 1
            )
            nodes += more
            if sub_ub < ub:
                ub = sub_ub
                best = np.zeros(eng.m, dtype=bool)
                best[keep[sub_best]] = True
            if status != "optimal":
                frontier_low = -math.inf
                break
            continue
        free_p = eng.p - int(fo.sum())
        avail = ~fo & ~cl
        if free_p < 0 or int(avail.sum()) < free_p:
            continue
        if free_p == 0 or int(avail.sum()) == free_p:
            leaf = fo if free_p == 0 else fo | avail
            cost, _ = eng.cost_of(leaf)
            if cost < ub:
                ub, best = cost, leaf
            continue
        eng.fixed, eng.closed, eng.free_p = fo, cl, free_p
        low, lam_node, ub_node, open_node, _ = eng.lagrangian(
            lam, ub, best, gap, deadline, max_iter=_NODE_ITER, patience=_NODE_PATIENCE, f_start=_NODE_F_START
        )
        if ub_node < ub:
            ub, best = ub_node, open_node
        margin = eng.margin(ub, gap)
        if low > ub - margin:
            continue
        closed, opened, _ = eng.fix(lam_node, ub, margin)
        rho = eng._rho(lam_node)
        sel = eng._select(rho) if int((~opened & ~closed).sum()) >= eng.p - int(opened.sum()) >= 0 else None
        if sel is None:
            continue
        cand = np.flatnonzero(sel & ~opened & ~closed)
        if cand.size == 0:  # everything chosen is forced: the node is a leaf
            cost, _ = eng.cost_of(sel)
            if cost < ub:
                ub, best = cost, sel
            continue
        j = int(cand[np.argmax(rho[cand])] if _BRANCH_WEAKEST else cand[np.argmin(rho[cand])])
        off = closed.copy()
        off[j] = True
        on = opened.copy()
        on[j] = True
        stack.append((opened, off, lam_node))
        stack.append((on, closed, lam_node))
    eng.fixed, eng.closed, eng.free_p = root_fixed, root_closed, eng.p - int(root_fixed.sum())
    if frontier_low == -math.inf:
        return "time_limit", ub, best, -math.inf, nodes
    return "optimal", ub, best, ub, nodes


def _indptr(rows: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])


def solve_pmedian(
    c: sp.csr_matrix, p: int, fixed: np.ndarray, *, gap: float = 0.0, time_limit: float | None = None
) -> Outcome:
    """Heuristic incumbent → Lagrangian bound → if not yet proven, fixing and the radius MIP."""
    t0 = time.perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else math.inf)
    dense = None
    if c.shape[0] * c.shape[1] <= _DENSE_MAX:
        dense = np.full(c.shape, np.inf)
        dense[np.repeat(np.arange(c.shape[0]), np.diff(c.indptr)), c.indices] = c.data
    eng = Engine(c, p, fixed, dense)
    if dense is not None:
        open_ = eng.interchange(eng.greedy())
    else:
        open_ = eng.interchange_sparse(eng.greedy_sparse(), t0 + _SPARSE_SEARCH_SHARE * (deadline - t0))
    ub, d1 = eng.cost_of(open_)
    lam0 = np.where(np.isfinite(d1), d1, eng.cap)
    low, lam, ub2, open2, iters = eng.lagrangian(lam0, ub, open_, gap, deadline)
    if ub2 < ub:
        open_, ub = open2, ub2
    if low <= ub - eng.margin(ub, gap) and time.perf_counter() < deadline:
        # polish the relaxation's last few site sets by interchange, then tighten the bound with the new ub
        tried: set[bytes] = set()
        limit = _POLISH if dense is not None else _POLISH_SPARSE
        for cand in [open2, *eng.pool[::-1]]:
            key = np.packbits(cand).tobytes()
            if key in tried or len(tried) >= limit or int(cand.sum()) != p:
                continue
            tried.add(key)
            better = eng.interchange(cand) if dense is not None else eng.interchange_sparse(cand, deadline)
            cost, _ = eng.cost_of(better)
            if cost < ub:
                open_, ub = better, cost
        if low <= ub - eng.margin(ub, gap):
            low2, lam2, ub3, open3, it2 = eng.lagrangian(
                lam, ub, open_, gap, deadline, f_start=_NODE_F_START, patience=_PATIENCE
            )
            iters += it2
            if ub3 < ub:
                open_, ub = open3, ub3
            if low2 > low:
                low, lam = low2, lam2
    margin = eng.margin(ub, gap)
    bound = float(math.ceil(low - 1e-6)) if eng.integral else low

    def proven(ub: float, margin: float) -> float:
        """The bound an exhausted search certifies: the incumbent itself, or ub − margin under a gap."""
        return ub if gap == 0 else max(min(bound, ub), ub - margin)

    if low > ub - margin:
        return Outcome("optimal", "Optimal", open_, ub, min(bound, ub), iters, 0, 0, 0.0)
    if time.perf_counter() > deadline:
        return Outcome("time_limit", "Time limit reached", open_, ub, bound, iters, 0, 0, 0.0)
    closed, opened, kept = eng.fix(lam, ub, margin)
    to_choose = eng.free_p - int((opened & ~fixed).sum())
    n_closed, n_open = int(closed.sum()), int((opened & ~fixed).sum())
    mip_secs = 0.0
    tree = dense is not None and to_choose <= _TREE_MAX_P
    if not tree or kept.nnz <= _MIP_FIRST_NNZ:
        # the radius MIP; where the tree search could take over, it gets a short budget first (small models)
        short = tree
        left = None if time_limit is None else max(1.0, deadline - time.perf_counter())
        if short:
            left = _MIP_BUDGET if left is None else min(left, _MIP_BUDGET)
        status, solver_status, x, obj, mip_bound, mip_secs = eng.radius_mip(kept, closed, opened, left)
        if status == "infeasible":  # nothing strictly better than the incumbent exists
            return Outcome(
                "optimal", solver_status, open_, ub, proven(ub, margin), iters, n_closed, n_open, mip_secs
            )
        if x is not None:
            cost_x, _ = eng.cost_of(x)
            if cost_x < ub:
                open_, ub = x, cost_x
        if status == "optimal":
            return Outcome(
                "optimal", solver_status, open_, ub, proven(ub, margin), iters, n_closed, n_open, mip_secs
            )
        bound = max(bound, min(mip_bound, ub))
        if not short or time.perf_counter() > deadline:
            return Outcome(status, solver_status, open_, ub, bound, iters, n_closed, n_open, mip_secs)
        margin = eng.margin(ub, gap)
        closed, opened, kept = eng.fix(lam, ub, margin)
    if dense is not None:
        avail = np.flatnonzero(~closed)
        sub_c = sp.csr_matrix(kept[:, avail])
        sub_c.sort_indices()
        if np.any(np.diff(sub_c.indptr) == 0):
            return Outcome(
                "optimal",
                "no better solution",
                open_,
                ub,
                proven(ub, margin),
                iters,
                n_closed,
                n_open,
                mip_secs,
            )
        sub_dense = np.full(sub_c.shape, np.inf)
        sub_dense[np.repeat(np.arange(sub_c.shape[0]), np.diff(sub_c.indptr)), sub_c.indices] = sub_c.data
        sub = Engine(sub_c, p, opened[avail], sub_dense)
        t1 = time.perf_counter()
        status, sub_ub, sub_best, sub_bound, nodes = tree_search(
            sub, np.minimum(lam, sub.cap), ub, np.zeros(avail.size, dtype=bool), gap, deadline
        )
        secs = time.perf_counter() - t1
        if sub_ub < ub:
            x = np.zeros(eng.m, dtype=bool)
            x[avail[sub_best]] = True
            assert int(x.sum()) == p
            cost_x, _ = eng.cost_of(x)
            if cost_x < ub:
                open_, ub = x, cost_x
        bound = proven(ub, margin) if status == "optimal" else bound
        return Outcome(status, f"tree search, {nodes} nodes", open_, ub, bound, iters, n_closed, n_open,
                       mip_secs + secs)  # fmt: skip
    raise AssertionError("unreachable")
