"""What every siting model shares: ids, the solve status, the chosen sites, checks on the inputs."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from chainbrain.siting.errors import InputError, SolveError

#: costs, distances, weights and capacities must be finite and within this bound
MAX_VALUE = 1e12


class SitingModel:
    """Base of the location models: after :meth:`solve`, ``status`` is "optimal", "infeasible",
    "time_limit", … (``solver_status`` is HiGHS's own text), ``sites`` the chosen candidate indices and
    ``site_ids`` their ids, ``objective`` the objective value, ``bound`` the proven bound on it."""

    name = "选址模型"

    def __init__(self, demand_ids: Sequence[str] | None, candidate_ids: Sequence[str] | None, n: int, m: int):
        self.demand_ids = (
            [str(s) for s in demand_ids] if demand_ids is not None else [str(i) for i in range(n)]
        )
        self.candidate_ids = (
            [str(s) for s in candidate_ids] if candidate_ids is not None else [str(j) for j in range(m)]
        )
        if len(self.demand_ids) != n or len(self.candidate_ids) != m:
            raise InputError(f"编号个数与矩阵不符：需求点 {n} 个、候选点 {m} 个")
        self.status = "not_solved"
        self.solver_status = "未求解"
        self.objective = math.nan
        self.bound = math.nan
        self.sites: list[int] = []
        self.seconds = 0.0

    @property
    def site_ids(self) -> list[str]:
        return [self.candidate_ids[j] for j in self.sites]

    @property
    def gap(self) -> float:
        """Relative gap |objective − bound| / max(1, |objective|) (0 when proven optimal)."""
        if not (math.isfinite(self.objective) and math.isfinite(self.bound)):
            return math.inf
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))

    def _check(self, check: bool) -> None:
        if check and self.status != "optimal":
            raise SolveError(
                f"{self.name}未得到最优解：{self.status}（HiGHS 状态：{self.solver_status}）", self.status
            )


def as_matrix(
    values: np.ndarray | Sequence[Sequence[float]], what: str, *, allow_inf: bool = False
) -> np.ndarray:
    """A 2-D float matrix of non-negative finite values (``allow_inf``: +inf marks a pair that is not allowed)."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise InputError(f"{what}应为非空的二维矩阵，收到形状 {a.shape}")
    ok = (a >= 0) & ((a <= MAX_VALUE) | (allow_inf & np.isposinf(a)))
    if not ok.all():
        i, j = (int(v) for v in np.argwhere(~ok)[0])
        raise InputError(
            f"{what}第 {i + 1} 行第 {j + 1} 列的值 {a[i, j]!r} 无效（应为 0 到 {MAX_VALUE:g} 的数）"
        )
    return a


def as_vector(values: np.ndarray | Sequence[float] | None, n: int, what: str, default: float) -> np.ndarray:
    """A length-``n`` vector of non-negative finite values; None gives ``default`` everywhere."""
    if values is None:
        return np.full(n, float(default))
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size != n:
        raise InputError(f"{what}应有 {n} 个值，收到 {v.size} 个")
    bad = ~(np.isfinite(v) & (v >= 0) & (v <= MAX_VALUE))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(f"{what}第 {k + 1} 个值 {v[k]!r} 无效（应为 0 到 {MAX_VALUE:g} 的数）")
    return v


def as_fixed(fixed: Sequence[int] | np.ndarray | None, m: int) -> np.ndarray:
    """A boolean mask over the ``m`` candidates from indices or a mask of sites that must be open."""
    mask = np.zeros(m, dtype=bool)
    if fixed is None:
        return mask
    f = np.asarray(fixed)
    if f.dtype == bool:
        if f.size != m:
            raise InputError(f"既有站点标记应有 {m} 个值，收到 {f.size} 个")
        return f.copy()
    idx = f.astype(np.int64).reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= m):
        raise InputError(f"既有站点编号超出候选点范围 0..{m - 1}")
    mask[idx] = True
    return mask


def check_p(p: int, m: int, n_fixed: int) -> int:
    if not (isinstance(p, int | np.integer) and 1 <= int(p) <= m):
        raise InputError(f"站点数 p 应为 1 到 {m} 的整数，收到 {p!r}")
    if n_fixed > int(p):
        raise InputError(f"既有站点 {n_fixed} 个，多于 p = {p}")
    return int(p)
