"""A year-by-year build plan: from the stations that exist today to a target count, where each year's new
stations go and what they add (coverage within the radius, demand served, mean distance)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from chainbrain.siting._base import as_fixed, as_matrix, as_vector
from chainbrain.siting.errors import InputError
from chainbrain.siting.lscp import COVER_TOL
from chainbrain.siting.mclp import MCLP
from chainbrain.siting.pmedian import PMedian


@dataclass(frozen=True)
class YearPlan:
    """One year of the plan: the station count reached, the sites added, and what the network then does."""

    year: int
    stations: int
    added: list[str]
    covered_weight: float
    coverage: float  # share of the demand weight within the radius of a station
    mean_km: float  # demand-weighted mean distance to the nearest station
    model: str  # "MCLP" while coverage can still grow, then "p-median"
    status: str


@dataclass
class BuildPlan:
    radius_km: float
    existing: list[str]
    years: list[YearPlan] = field(default_factory=list)


def build_plan(
    cost: np.ndarray,
    targets: Mapping[int, int],
    radius_km: float,
    *,
    weights: Sequence[float] | np.ndarray | None = None,
    existing: Sequence[int] | np.ndarray | None = None,
    candidate_ids: Sequence[str] | None = None,
    gap: float = 0.0,
    time_limit: float | None = None,
) -> BuildPlan:
    """Plan year by year towards ``targets`` (year → total station count, existing included).

    Each year keeps every station built before and chooses the new ones by a lexicographic rule: while some
    demand is still outside ``radius_km`` of every station, the year's sites maximise the demand covered (an
    MCLP with the earlier sites fixed); once all of it is covered, they minimise the demand-weighted distance
    (a p-median with the earlier sites fixed), which cannot uncover anything. The plan is myopic — each
    year is optimal given the years before it, not jointly over all years (a rolling plan, as a planner
    revises it each year). ``gap`` and ``time_limit`` apply to each year's p-median."""
    d = as_matrix(cost, "距离矩阵", allow_inf=True)
    n, m = d.shape
    w = as_vector(weights, n, "需求权重", 1.0)
    built = as_fixed(existing, m)
    ids = [str(s) for s in candidate_ids] if candidate_ids is not None else [str(j) for j in range(m)]
    if len(ids) != m:
        raise InputError(f"候选点编号应有 {m} 个，收到 {len(ids)} 个")
    plan = BuildPlan(float(radius_km), [ids[j] for j in np.flatnonzero(built)])
    last = int(built.sum())
    total = float(w.sum())
    for year in sorted(targets):
        target = int(targets[year])
        if target < last:
            raise InputError(f"{year} 年目标 {target} 座少于已有的 {last} 座")
        if target > m:
            raise InputError(f"{year} 年目标 {target} 座多于候选点 {m} 个")
        before = built.copy()
        model_name, status = "none", "optimal"
        if target > last:
            covered_now = _covered(d, built, radius_km)
            if w[~covered_now].sum() > 0:
                mclp = MCLP(d, radius_km, target, weights=w, fixed=np.flatnonzero(built)).solve(
                    time_limit=time_limit, check=False
                )
                model_name, status, sites = "MCLP", mclp.status, mclp.sites
            else:
                med = PMedian(d, target, weights=w, fixed=np.flatnonzero(built)).solve(
                    gap=gap, time_limit=time_limit, check=False
                )
                model_name, status, sites = "p-median", med.status, med.sites
            if not sites:
                raise InputError(f"{year} 年的选址未得到可行解：{status}")
            built = np.zeros(m, dtype=bool)
            built[sites] = True
            built |= before
        cov = _covered(d, built, radius_km)
        near = d[:, built].min(axis=1) if built.any() else np.full(n, np.inf)
        covered_w = float(w[cov].sum())
        mean = float((w * near).sum() / total) if total > 0 and np.isfinite(near).all() else float("inf")
        plan.years.append(
            YearPlan(
                year,
                int(built.sum()),
                [ids[j] for j in np.flatnonzero(built & ~before)],
                covered_w,
                covered_w / total if total > 0 else 1.0,
                mean,
                model_name,
                status,
            )  # fmt: skip
        )
        last = int(built.sum())
    return plan


def _covered(d: np.ndarray, built: np.ndarray, radius: float) -> np.ndarray:
    if not built.any():
        return np.zeros(d.shape[0], dtype=bool)
    return d[:, built].min(axis=1) <= radius + COVER_TOL
