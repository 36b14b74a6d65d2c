"""Location set covering (LSCP): the fewest sites so that every demand point has one within a radius."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from chainbrain.siting._base import SitingModel, as_fixed, as_matrix, as_vector
from chainbrain.siting._mip import INF, MipResult, solve_mip
from chainbrain.siting.distance import distance_matrix_km
from chainbrain.siting.errors import InputError

#: a pair counts as covered when its distance is at most the radius plus this (km; sub-millimetre)
COVER_TOL = 1e-9


def cover_matrix(cost: np.ndarray, radius: float) -> sp.csr_matrix:
    """The 0/1 coverage matrix a_ij = [cost_ij ≤ radius] as a sparse matrix (demand rows, candidate columns)."""
    return sp.csr_matrix(cost <= radius + COVER_TOL, dtype=np.float64)


def check_radius(radius: float) -> float:
    r = float(radius)
    if not (np.isfinite(r) and 0.0 <= r <= 1e7):
        raise InputError(f"覆盖半径应为 0 到 1e7 之间的数，收到 {radius!r}")
    return r


class LSCP(SitingModel):
    """Location set covering problem (Toregas, Swain, ReVelle & Bergman 1971), with sites that already exist
    kept open (expansion planning) and, optionally, capacities (Current & Storbeck 1988).

    Toregas, Swain, ReVelle, Bergman, "The location of emergency service facilities", *Operations Research*
    19(6):1363–1373, 1971. Current, Storbeck, "Capacitated covering models", *Environment and Planning B*
    15(2):153–163, 1988.

    Sets: I demand points, J candidate sites, N_i = {j ∈ J : d_ij ≤ R} the sites covering i, F ⊆ J sites
    that exist already.

    Parameters: d_ij distance, R the covering radius; capacitated variant: w_i the demand of i, Q_j the
    capacity of j.

    Variables: y_j ∈ {0, 1}, 1 if a site is at j; capacitated variant: x_ij ∈ {0, 1}, 1 if i is served by j.

    Objective: minimise Σ_j y_j (the count includes the existing sites F).

    Constraints (uncapacitated): Σ_{j ∈ N_i} y_j ≥ 1 for every i; y_j = 1 for j ∈ F.

    Constraints (capacitated): Σ_{j ∈ N_i} x_ij = 1 for every i; Σ_i w_i x_ij ≤ Q_j y_j and x_ij ≤ y_j for
    every j ∈ N_i; y_j = 1 for j ∈ F.

    A demand point that no candidate covers makes the problem infeasible, and the status says so.
    """

    name = "集合覆盖模型（LSCP）"

    def __init__(
        self,
        cost: np.ndarray,
        radius: float,
        *,
        fixed: Sequence[int] | np.ndarray | None = None,
        capacity: Sequence[float] | np.ndarray | None = None,
        demand: Sequence[float] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> None:
        c = as_matrix(cost, "距离矩阵", allow_inf=True)
        n, m = c.shape
        super().__init__(demand_ids, candidate_ids, n, m)
        self.radius = check_radius(radius)
        self.cover = cover_matrix(c, self.radius)
        self.fixed = as_fixed(fixed, m)
        self.capacity = None if capacity is None else as_vector(capacity, m, "容量", 0.0)
        self.demand = as_vector(demand, n, "需求量", 1.0)
        self.assignment: np.ndarray | None = None

    @classmethod
    def from_cost_matrix(
        cls,
        cost: np.ndarray,
        radius: float,
        *,
        fixed: Sequence[int] | np.ndarray | None = None,
        capacity: Sequence[float] | np.ndarray | None = None,
        demand: Sequence[float] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> LSCP:
        """From a demand × candidate distance matrix (km or any unit ``radius`` is in)."""
        return cls(
            cost, radius, fixed=fixed, capacity=capacity, demand=demand, demand_ids=demand_ids,
            candidate_ids=candidate_ids,
        )  # fmt: skip

    @classmethod
    def from_points(
        cls,
        demand_lonlat: np.ndarray,
        candidate_lonlat: np.ndarray,
        radius_km: float,
        *,
        detour_factor: float = 1.0,
        **kwargs: object,
    ) -> LSCP:
        """From lon/lat points (degrees) with great-circle km, times ``detour_factor``."""
        d = distance_matrix_km(demand_lonlat, candidate_lonlat, detour_factor=detour_factor)
        return cls(d, radius_km, **kwargs)  # type: ignore[arg-type]

    @property
    def count(self) -> int:
        return len(self.sites)

    def solve(self, *, time_limit: float | None = None, check: bool = True) -> LSCP:
        """Solve with HiGHS; raise :class:`~chainbrain.siting.errors.SolveError` unless optimal (``check``)."""
        if self.capacity is None:
            self._solve_uncapacitated(time_limit)
        else:
            self._solve_capacitated(time_limit)
        self._check(check)
        return self

    def _solve_uncapacitated(self, time_limit: float | None) -> None:
        n, m = self.cover.shape
        lb = self.fixed.astype(np.float64)
        res = solve_mip(
            np.ones(m), self.cover, np.ones(n), np.full(n, INF), lb, np.ones(m), np.ones(m, dtype=bool),
            time_limit=time_limit,
        )  # fmt: skip
        self._read(res, m)

    def _solve_capacitated(self, time_limit: float | None) -> None:
        assert self.capacity is not None
        n, m = self.cover.shape
        coo = self.cover.tocoo()
        ii, jj = coo.row.astype(np.int64), coo.col.astype(np.int64)
        k = ii.size  # x variables, one per covering pair, after the m y variables
        xs = m + np.arange(k)
        one = np.ones(k)
        # rows: n assignment rows, m capacity rows, k linking rows
        rows = np.concatenate([ii, n + jj, n + np.arange(m), n + m + np.arange(k), n + m + np.arange(k)])
        cols = np.concatenate([xs, xs, np.arange(m), xs, jj])
        vals = np.concatenate([one, self.demand[ii], -self.capacity, one, -one])
        a = sp.csr_matrix((vals, (rows, cols)), shape=(n + m + k, m + k))
        row_lo = np.concatenate([np.ones(n), np.full(m + k, -INF)])
        row_hi = np.concatenate([np.ones(n), np.zeros(m + k)])
        c = np.concatenate([np.ones(m), np.zeros(k)])
        lb = np.concatenate([self.fixed.astype(np.float64), np.zeros(k)])
        res = solve_mip(
            c, a, row_lo, row_hi, lb, np.ones(m + k), np.ones(m + k, dtype=bool), time_limit=time_limit
        )
        self._read(res, m)
        if res.x is not None:
            chosen = res.x[m:] > 0.5
            assign = np.full(n, -1, dtype=np.int64)
            assign[ii[chosen]] = jj[chosen]
            self.assignment = assign

    def _read(self, res: MipResult, m: int) -> None:
        self.status, self.solver_status, self.seconds = res.status, res.solver_status, res.seconds
        if res.x is not None:
            self.sites = [int(j) for j in np.flatnonzero(res.x[:m] > 0.5)]
            self.objective = float(len(self.sites))
            self.bound = float(np.ceil(res.bound - 1e-6)) if np.isfinite(res.bound) else res.bound
