"""p-center: p sites that make the farthest demand point's distance to its nearest site least."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from chainbrain.siting._base import SitingModel, as_fixed, as_matrix, as_vector, check_p
from chainbrain.siting.distance import distance_matrix_km
from chainbrain.siting.lscp import LSCP


class PCenter(SitingModel):
    """The (vertex, weighted) p-center problem (Hakimi 1965), solved exactly as a sequence of set-covering
    problems over the sorted distinct distances (Minieka 1970), with existing sites kept open.

    Hakimi, "Optimum distribution of switching centers in a communication network and some related graph
    theoretic problems", *Operations Research* 13(3):462–475, 1965. Minieka, "The m-center problem", *SIAM
    Review* 12(1):138–139, 1970.

    Sets: I demand points, J candidate sites, F ⊆ J sites that exist already.

    Parameters: w_i weight (1 by default), d_ij distance, p the number of sites (existing ones included).

    Variables: y_j ∈ {0, 1}, 1 if a site is at j; x_ij ∈ {0, 1}, 1 if i is served by j; W the radius.

    Objective: minimise W.

    Constraints: Σ_j x_ij = 1 and x_ij ≤ y_j for every i, j; W ≥ Σ_j w_i d_ij x_ij for every i; Σ_j y_j = p;
    y_j = 1 for j ∈ F.

    The optimal W is one of the values w_i d_ij. For a radius r the least number of sites covering every i
    within r (an LSCP with F kept open) is non-increasing in r, so the optimum is the least r among those
    values whose LSCP needs at most p sites, found by bisection between max_i min_j w_i d_ij and the radius
    of a greedy solution; each LSCP is solved to optimality, so the answer is proven optimal.
    """

    name = "p-中心模型"

    def __init__(
        self,
        cost: np.ndarray,
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
        self.weights = as_vector(weights, n, "需求权重", 1.0)
        self.cost = c * self.weights[:, None]
        self.fixed = as_fixed(fixed, m)
        self.p = check_p(p, m, int(self.fixed.sum()))
        self.assignment = np.full(n, -1, dtype=np.int64)

    @classmethod
    def from_cost_matrix(
        cls,
        cost: np.ndarray,
        p: int,
        *,
        weights: Sequence[float] | np.ndarray | None = None,
        fixed: Sequence[int] | np.ndarray | None = None,
        demand_ids: Sequence[str] | None = None,
        candidate_ids: Sequence[str] | None = None,
    ) -> PCenter:
        """From a demand × candidate distance matrix."""
        return cls(cost, p, weights=weights, fixed=fixed, demand_ids=demand_ids, candidate_ids=candidate_ids)

    @classmethod
    def from_points(
        cls,
        demand_lonlat: np.ndarray,
        candidate_lonlat: np.ndarray,
        p: int,
        *,
        detour_factor: float = 1.0,
        **kwargs: object,
    ) -> PCenter:
        """From lon/lat points (degrees) with great-circle km, times ``detour_factor``."""
        d = distance_matrix_km(demand_lonlat, candidate_lonlat, detour_factor=detour_factor)
        return cls(d, p, **kwargs)  # type: ignore[arg-type]

    def _greedy(self) -> np.ndarray:
        """A feasible site set: the fixed sites, then repeatedly the site that most lowers the radius."""
        open_ = self.fixed.copy()
        near = self.cost[:, open_].min(axis=1) if open_.any() else np.full(self.cost.shape[0], np.inf)
        while open_.sum() < self.p:
            radius = np.minimum(self.cost, near[:, None]).max(axis=0)
            radius[open_] = np.inf
            j = int(np.argmin(radius))
            open_[j] = True
            near = np.minimum(near, self.cost[:, j])
        return open_

    def solve(self, *, time_limit: float | None = None, check: bool = True) -> PCenter:
        """Bisect over the distinct distances with exact LSCP solves; raise unless optimal (``check``)."""
        t0 = time.perf_counter()
        c = self.cost
        open_ = self._greedy()
        best_r = float(c[:, open_].min(axis=1).max())
        best_sites = open_
        if not np.isfinite(best_r):
            self.status, self.solver_status = "infeasible", "有需求点无法由任何候选点服务"
            self._check(check)
            return self
        lower = float(c.min(axis=1).max())
        values = np.unique(c[(c >= lower) & (c <= best_r)])
        lo, hi = 0, values.size - 1  # values[hi] is feasible
        self.status, self.solver_status = "optimal", "Optimal"
        while lo < hi:
            mid = (lo + hi) // 2
            left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - t0))
            cover = LSCP(c, float(values[mid]), fixed=self.fixed).solve(time_limit=left, check=False)
            if cover.status != "optimal":
                self.status, self.solver_status = cover.status, cover.solver_status
                break
            if cover.count <= self.p:
                hi = mid
                best_sites = np.zeros(c.shape[1], dtype=bool)
                best_sites[cover.sites] = True
                # pad to exactly p sites: extra sites never lengthen a distance
                spare = np.flatnonzero(~best_sites)
                best_sites[spare[: self.p - int(best_sites.sum())]] = True
            else:
                lo = mid + 1
        self.sites = [int(j) for j in np.flatnonzero(best_sites)]
        sub = c[:, self.sites]
        self.assignment = np.asarray(self.sites)[sub.argmin(axis=1)]
        self.objective = float(sub.min(axis=1).max())
        self.bound = float(values[lo]) if self.status == "optimal" else lower
        self.seconds = time.perf_counter() - t0
        self._check(check)
        return self
