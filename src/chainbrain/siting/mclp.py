"""Maximal covering location (MCLP): p sites that cover the most demand weight within a radius."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from chainbrain.siting._base import SitingModel, as_fixed, as_matrix, as_vector, check_p
from chainbrain.siting._mip import INF, solve_mip
from chainbrain.siting.distance import distance_matrix_km
from chainbrain.siting.lscp import check_radius, cover_matrix


class MCLP(SitingModel):
    """Maximal covering location problem (Church & ReVelle 1974), with existing sites kept open.

    Church, ReVelle, "The maximal covering location problem", *Papers of the Regional Science Association*
    32(1):101–118, 1974.

    Sets: I demand points, J candidate sites, N_i = {j ∈ J : d_ij ≤ R}, F ⊆ J sites that exist already.

    Parameters: w_i the demand weight of i, d_ij distance, R the covering radius, p the number of sites
    (existing ones included).

    Variables: y_j ∈ {0, 1}, 1 if a site is at j; z_i ∈ [0, 1], 1 if i is covered (integral at the optimum
    once y is).

    Objective: maximise Σ_i w_i z_i.

    Constraints: z_i ≤ Σ_{j ∈ N_i} y_j for every i; Σ_j y_j = p; y_j = 1 for j ∈ F.
    """

    name = "最大覆盖模型（MCLP）"

    def __init__(
        self,
        cost: np.ndarray,
        radius: float,
        p: int,
        *,
        weights: Sequence[float] | np.ndarray | None = None,
        fixed: Sequence[int] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> None:
        c = as_matrix(cost, "距离矩阵", allow_inf=True)
        n, m = c.shape
        super().__init__(demand_ids, candidate_ids, n, m)
        self.radius = check_radius(radius)
        self.cover = cover_matrix(c, self.radius)
        self.weights = as_vector(weights, n, "需求权重", 1.0)
        self.fixed = as_fixed(fixed, m)
        self.p = check_p(p, m, int(self.fixed.sum()))
        self.covered = np.zeros(n, dtype=bool)

    @classmethod
    def from_cost_matrix(
        cls,
        cost: np.ndarray,
        radius: float,
        p: int,
        *,
        weights: Sequence[float] | np.ndarray | None = None,
        fixed: Sequence[int] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> MCLP:
        """From a demand × candidate distance matrix."""
        return cls(
            cost, radius, p, weights=weights, fixed=fixed, demand_ids=demand_ids, candidate_ids=candidate_ids
        )

    @classmethod
    def from_points(
        cls,
        demand_lonlat: np.ndarray,
        candidate_lonlat: np.ndarray,
        radius_km: float,
        p: int,
        *,
        detour_factor: float = 1.0,
        **kwargs: object,
    ) -> MCLP:
        """From lon/lat points (degrees) with great-circle km, times ``detour_factor``."""
        d = distance_matrix_km(demand_lonlat, candidate_lonlat, detour_factor=detour_factor)
        return cls(d, radius_km, p, **kwargs)  # type: ignore[arg-type]

    @property
    def covered_weight(self) -> float:
        return float(self.weights[self.covered].sum())

    def solve(self, *, time_limit: float | None = None, check: bool = True) -> MCLP:
        """Solve with HiGHS; raise :class:`~chainbrain.siting.errors.SolveError` unless optimal (``check``)."""
        n, m = self.cover.shape
        # columns: y (m), z (n); rows: z_i − Σ a_ij y_j ≤ 0 (n), Σ y = p
        a = sp.vstack(
            [
                sp.hstack([-self.cover, sp.identity(n, format="csr")]),
                sp.hstack([sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, n))]),
            ]
        )
        row_lo = np.concatenate([np.full(n, -INF), [self.p]])
        row_hi = np.concatenate([np.zeros(n), [self.p]])
        c = np.concatenate([np.zeros(m), self.weights])
        lb = np.concatenate([self.fixed.astype(np.float64), np.zeros(n)])
        integer = np.concatenate([np.ones(m, dtype=bool), np.zeros(n, dtype=bool)])
        res = solve_mip(
            c, a, row_lo, row_hi, lb, np.ones(m + n), integer, maximize=True, time_limit=time_limit
        )
        self.status, self.solver_status, self.seconds = res.status, res.solver_status, res.seconds
        if res.x is not None:
            y = res.x[:m] > 0.5
            self.sites = [int(j) for j in np.flatnonzero(y)]
            self.covered = np.asarray(self.cover @ y.astype(np.float64)).reshape(-1) > 0.5
            self.objective = self.covered_weight
            self.bound = res.bound
        self._check(check)
        return self
