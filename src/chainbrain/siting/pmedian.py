"""p-median: p sites that make the total demand-weighted distance to the nearest site least."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from chainbrain.errors import os_reason
from chainbrain.siting._base import SitingModel, as_fixed, as_matrix, as_vector, check_p
from chainbrain.siting._mip import INF, solve_mip
from chainbrain.siting._pmedian_solver import solve_pmedian
from chainbrain.siting.distance import check_lonlat, great_circle_km
from chainbrain.siting.errors import InputError


class PMedian(SitingModel):
    """The p-median problem (Hakimi 1964; ReVelle & Swain 1970), with existing sites kept open and, with
    ``capacity``, its capacitated single-source variant.

    Hakimi, "Optimum locations of switching centers and the absolute centers and medians of a graph",
    *Operations Research* 12(3):450–459, 1964. ReVelle, Swain, "Central facilities location", *Geographical
    Analysis* 2(1):30–42, 1970.

    Sets: I demand points, J candidate sites, A ⊆ I × J the allowed assignments (all pairs for a full
    matrix, the listed ones for a sparse one), F ⊆ J sites that exist already.

    Parameters: w_i demand weight (1 by default), d_ij distance, p the number of sites (F included);
    capacitated variant: Q_j the capacity of j.

    Variables: y_j ∈ {0, 1}, 1 if a site is at j; x_ij ≥ 0 for (i, j) ∈ A, the share of i served by j
    (binary in the capacitated variant).

    Objective: minimise Σ_(i,j)∈A w_i d_ij x_ij.

    Constraints: Σ_j x_ij = 1 for every i; x_ij ≤ y_j; Σ_j y_j = p; y_j = 1 for j ∈ F; capacitated
    variant: Σ_i w_i x_ij ≤ Q_j y_j.

    The uncapacitated model is solved exactly without ever building the n·m assignment variables: a
    greedy-plus-interchange incumbent, the Lagrangian relaxation of the assignment rows (subgradient
    ascent) for a lower bound, reduced-cost fixing of sites and assignments that cannot appear in a better
    solution (Beasley, "Lagrangean heuristics for location problems", *EJOR* 65(3):383–399, 1993), and, if
    the bound has not yet met the incumbent, Elloumi's formulation over each client's sorted distinct
    remaining distances (Elloumi, "A tighter formulation of the p-median problem", 2010; the radius view of
    García, Labbé & Marín, "Solving large p-median problems with a radius formulation", *INFORMS Journal on
    Computing* 23(4):546–556, 2011) solved by HiGHS on what the fixing left — or, when only a few sites
    remain to be chosen, a Lagrangian tree search on the site variables. ``bound`` is the proven lower bound.
    """

    name = "p-中位模型"

    def __init__(
        self,
        cost: np.ndarray | sp.spmatrix | sp.sparray,
        p: int,
        *,
        weights: Sequence[float] | np.ndarray | None = None,
        fixed: Sequence[int] | np.ndarray | None = None,
        capacity: Sequence[float] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> None:
        if sp.issparse(cost):
            csr = sp.csr_matrix(cost)
            n, m = csr.shape
            as_vector(csr.data, csr.nnz, "距离矩阵的值", 0.0)
        else:
            dense = as_matrix(cost, "距离矩阵", allow_inf=True)
            n, m = dense.shape
            ok = np.isfinite(dense)
            ii, jj = np.nonzero(ok)
            csr = sp.csr_matrix((dense[ok], (ii, jj)), shape=(n, m))
        super().__init__(demand_ids, candidate_ids, n, m)
        csr.sort_indices()
        self.weights = as_vector(weights, n, "需求权重", 1.0)
        self.distance = csr
        self.fixed = as_fixed(fixed, m)
        self.p = check_p(p, m, int(self.fixed.sum()))
        self.capacity = None if capacity is None else as_vector(capacity, m, "容量", 0.0)
        self.assignment = np.full(n, -1, dtype=np.int64)
        self.iterations = 0

    @classmethod
    def from_cost_matrix(
        cls,
        cost: np.ndarray | sp.spmatrix | sp.sparray,
        p: int,
        *,
        weights: Sequence[float] | np.ndarray | None = None,
        fixed: Sequence[int] | np.ndarray | None = None,
        capacity: Sequence[float] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> PMedian:
        """From a demand × candidate distance matrix: dense (+inf: not allowed) or sparse (listed pairs)."""
        return cls(
            cost, p, weights=weights, fixed=fixed, capacity=capacity, demand_ids=demand_ids,
            candidate_ids=candidate_ids,
        )  # fmt: skip

    @classmethod
    def from_points(
        cls,
        demand_lonlat: np.ndarray,
        candidate_lonlat: np.ndarray,
        p: int,
        *,
        k_nearest: int | None = None,
        detour_factor: float = 1.0,
        **kwargs: object,
    ) -> PMedian:
        """From lon/lat points (degrees) with great-circle km × ``detour_factor``; with ``k_nearest`` only each
        demand point's k nearest candidates are allowed (a sparse model for large instances)."""
        a = np.asarray(demand_lonlat, dtype=np.float64).reshape(-1, 2)
        b = np.asarray(candidate_lonlat, dtype=np.float64).reshape(-1, 2)
        check_lonlat(a)
        check_lonlat(b)
        if k_nearest is None:
            d = great_circle_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1]) * detour_factor
            return cls(d, p, **kwargs)  # type: ignore[arg-type]
        return cls(k_nearest_matrix(a, b, k_nearest) * detour_factor, p, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_orlib(cls, path: Path, p: int | None = None) -> PMedian:
        """An OR-Library pmed instance (Beasley 1985): every vertex a demand point and a candidate, distances
        the all-pairs shortest paths over the file's graph (an edge listed twice: the last one holds)."""
        dist, p_file = read_orlib(path)
        return cls(dist, p if p is not None else p_file, demand_ids=[str(i + 1) for i in range(dist.shape[0])],
                   candidate_ids=[str(i + 1) for i in range(dist.shape[0])])  # fmt: skip

    def solve(self, *, time_limit: float | None = None, gap: float = 0.0, check: bool = True) -> PMedian:
        """Solve to proven optimality (or to a relative ``gap``; then ``status`` is "optimal" only if the
        bound closes); raise :class:`~chainbrain.siting.errors.SolveError` unless optimal (``check``)."""
        if not (math.isfinite(gap) and 0.0 <= gap < 1.0):
            raise InputError(f"相对间隙应在 [0, 1) 内，收到 {gap!r}")
        if self.capacity is not None:
            self._solve_capacitated(time_limit)
            self._check(check)
            return self
        cost = sp.csr_matrix(self.distance.multiply(self.weights[:, None]))
        cost.sort_indices()
        if np.any(np.diff(cost.indptr) == 0):
            self.status, self.solver_status = "infeasible", "有需求点没有可用的候选点"
            self._check(check)
            return self
        import time

        t0 = time.perf_counter()
        out = solve_pmedian(cost, self.p, self.fixed, gap=gap, time_limit=time_limit)
        self.seconds = time.perf_counter() - t0
        self.iterations = out.iterations
        self._outcome = out
        self.solver_status = out.solver_status
        self.status = out.status
        if gap > 0:
            # under a gap "optimal" means only that the gap is certified, unless the bound met the objective
            tol = (
                (1.0 - 1e-6)
                if np.all(cost.data == np.round(cost.data))
                else 1e-9 * max(1.0, abs(out.objective))
            )
            closed_gap = out.objective - out.bound <= tol
            if (self.status == "optimal" and not closed_gap) or (
                self.status != "optimal" and out.objective - out.bound <= gap * out.objective
            ):
                self.status = "gap_met"
        self._set_sites(np.flatnonzero(out.open_), cost)
        self.objective, self.bound = out.objective, out.bound
        self._check(check)
        return self

    def _set_sites(self, sites: np.ndarray, cost: sp.csr_matrix) -> None:
        self.sites = [int(j) for j in sites]
        open_ = np.zeros(cost.shape[1], dtype=bool)
        open_[sites] = True
        masked = np.where(open_[cost.indices], cost.data, np.inf)
        for i in range(cost.shape[0]):
            lo, hi = cost.indptr[i], cost.indptr[i + 1]
            k = int(np.argmin(masked[lo:hi]))
            self.assignment[i] = cost.indices[lo + k] if np.isfinite(masked[lo + k]) else -1

    def _solve_capacitated(self, time_limit: float | None) -> None:
        assert self.capacity is not None
        d = self.distance.tocoo()
        n, m = d.shape
        ii, jj = d.row.astype(np.int64), d.col.astype(np.int64)
        k = ii.size
        xs = m + np.arange(k)
        one = np.ones(k)
        w = self.weights
        rows = np.concatenate([ii, n + jj, n + np.arange(m), n + m + np.arange(k), n + m + np.arange(k),
                               np.full(m, n + m + k)])  # fmt: skip
        cols = np.concatenate([xs, xs, np.arange(m), xs, jj, np.arange(m)])
        vals = np.concatenate([one, w[ii], -self.capacity, one, -one, np.ones(m)])
        a = sp.csr_matrix((vals, (rows, cols)), shape=(n + m + k + 1, m + k))
        row_lo = np.concatenate([np.ones(n), np.full(m + k, -INF), [self.p]])
        row_hi = np.concatenate([np.ones(n), np.zeros(m + k), [self.p]])
        c = np.concatenate([np.zeros(m), w[ii] * d.data])
        lb = np.concatenate([self.fixed.astype(np.float64), np.zeros(k)])
        res = solve_mip(
            c, a, row_lo, row_hi, lb, np.ones(m + k), np.ones(m + k, dtype=bool), time_limit=time_limit
        )
        self.status, self.solver_status, self.seconds = res.status, res.solver_status, res.seconds
        if res.x is not None:
            self.sites = [int(j) for j in np.flatnonzero(res.x[:m] > 0.5)]
            chosen = res.x[m:] > 0.5
            self.assignment[ii[chosen]] = jj[chosen]
            self.objective, self.bound = res.objective, res.bound


def k_nearest_matrix(demand_lonlat: np.ndarray, candidate_lonlat: np.ndarray, k: int) -> sp.csr_matrix:
    """Sparse great-circle km from each demand point to its ``k`` nearest candidates (a k-d tree on the unit
    sphere's chords, which order exactly as great-circle distances do)."""
    from scipy.spatial import cKDTree

    if not (isinstance(k, int) and 1 <= k <= len(candidate_lonlat)):
        raise InputError(f"近邻数 k 应为 1 到 {len(candidate_lonlat)} 的整数，收到 {k!r}")

    def unit(p: np.ndarray) -> np.ndarray:
        lam, phi = np.radians(p[:, 0]), np.radians(p[:, 1])
        return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])

    _, idx = cKDTree(unit(candidate_lonlat)).query(unit(demand_lonlat), k=k)
    idx = np.asarray(idx).reshape(len(demand_lonlat), k)
    a, b = demand_lonlat, candidate_lonlat
    d = great_circle_km(a[:, None, 0], a[:, None, 1], b[idx, 0], b[idx, 1])
    n = len(demand_lonlat)
    return sp.csr_matrix(
        (d.ravel(), idx.ravel(), np.arange(0, n * k + 1, k)), shape=(n, len(candidate_lonlat))
    )


def read_orlib(path: Path) -> tuple[np.ndarray, int]:
    """(all-pairs shortest-path matrix, p) of an OR-Library pmed file; malformed input names the line."""
    try:
        lines = path.read_text(encoding="ascii").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"无法读取 {path}：{os_reason(e)}") from e
    rows = [(k + 1, ln.split()) for k, ln in enumerate(lines) if ln.strip()]
    if not rows or len(rows[0][1]) != 3:
        raise InputError(f"{path.name} 第 1 行应为“顶点数 边数 p”")
    try:
        n, n_edges, p = (int(v) for v in rows[0][1])
    except ValueError as err:
        raise InputError(f"{path.name} 第 1 行应为三个整数，收到 {' '.join(rows[0][1])!r}") from err
    if not (1 <= n <= 20000 and 0 <= n_edges and 1 <= p <= n):
        raise InputError(f"{path.name} 第 1 行的顶点数 {n}、边数 {n_edges} 或 p = {p} 超出范围")
    if len(rows) - 1 != n_edges:
        raise InputError(f"{path.name}：首行说有 {n_edges} 条边，文件中有 {len(rows) - 1} 行")
    edges: dict[tuple[int, int], float] = {}
    for lineno, parts in rows[1:]:
        try:
            i, j, cost = int(parts[0]), int(parts[1]), float(parts[2])
            if len(parts) != 3:
                raise ValueError
        except (ValueError, IndexError) as err:
            raise InputError(f"{path.name} 第 {lineno} 行应为“i j 费用”，收到 {' '.join(parts)!r}") from err
        if not (1 <= i <= n and 1 <= j <= n) or not (math.isfinite(cost) and 0 <= cost <= 1e9):
            raise InputError(f"{path.name} 第 {lineno} 行的顶点或费用超出范围：{' '.join(parts)!r}")
        edges[(min(i, j) - 1, max(i, j) - 1)] = cost  # the last occurrence holds
    ij = np.array(list(edges.keys()), dtype=np.int64).reshape(-1, 2)
    w = np.array(list(edges.values()), dtype=np.float64)
    g = sp.csr_matrix((w, (ij[:, 0], ij[:, 1])), shape=(n, n))
    dist = shortest_path(g, method="D", directed=False)
    if not np.isfinite(dist).all():
        raise InputError(f"{path.name}：图不连通，有顶点之间没有路径")
    return dist, p
