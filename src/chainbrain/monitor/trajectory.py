"""Required path and projection of one target.

**Required path.** From the origin to the target value at the end of the target year. The origin is the
plan's baseline (seed 001's 2024 actuals) when there is one; for an increase measured by store snapshots
against the first snapshot, zero at that snapshot; for cumulative and increase targets otherwise zero at the
end of the year before the plan starts; for the rest the first observation. The path is
linear, except for growth-type targets (``growth``: output, revenue, firm counts) whose path is compound —
a constant growth rate ``(target / origin) ** (1 / years)`` per year — because they grow by percentages.

**Projection.** Ordinary least squares of value on time over the observations that count (for growth-type
targets, of the logarithm of the value: constant growth), evaluated at the target year. With three or more
observations the band is the 90 % prediction interval ``ŷ ± t(0.95, n−2) · s · sqrt(1 + 1/n + (T−t̄)²/Sxx)``
from the residual standard error ``s``; with two there is no band. With one observation there is no trend
to fit: the projection assumes the required path's own pace from the latest value onwards. Why OLS: the
series are short (a handful of quarters), a straight line is the least that can be estimated honestly, and
its prediction interval states how little a short series says. Once the target year has passed, the
projection is the latest observation itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chainbrain.monitor.registry import Target

#: one-sided 95 % quantiles of Student's t (two-sided 90 % interval), by degrees of freedom
_T95 = {
    1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860, 9: 1.833, 10: 1.812,
    11: 1.796, 12: 1.782, 13: 1.771, 14: 1.761, 15: 1.753, 16: 1.746, 17: 1.740, 18: 1.734, 19: 1.729,
    20: 1.725, 21: 1.721, 22: 1.717, 23: 1.714, 24: 1.711, 25: 1.708, 26: 1.706, 27: 1.703, 28: 1.701,
    29: 1.699, 30: 1.697, 40: 1.684, 60: 1.671, 120: 1.658,
}  # fmt: skip


def t95(df: int) -> float:
    """One-sided 95 % t quantile; beyond the table, the next tabulated df below (conservative), ∞ → 1.645."""
    if df < 1:
        raise ValueError("degrees of freedom must be ≥ 1")
    if df in _T95:
        return _T95[df]
    if df > 120:
        return 1.645 if df > 1000 else _T95[120]
    return _T95[max(k for k in _T95 if k <= df)]


@dataclass(frozen=True)
class Origin:
    t: float
    value: float
    basis: str  # 基期 / 计划起点 / 首个观测


@dataclass(frozen=True)
class Projection:
    value: float
    low: float | None
    high: float | None
    method: str


def origin_of(
    target: Target, points: list[tuple[float, float]], reference_t: float | None = None
) -> Origin | None:
    """Where the required path starts (see the module docstring).

    ``reference_t`` is the time of the store snapshot an increase is measured against when the plan gives
    no baseline (:mod:`chainbrain.monitor.live`): the path then starts there, at zero.
    """
    if target.baseline_value is not None and target.baseline_year is not None:
        return Origin(float(target.baseline_year), target.baseline_value, "基期")
    if target.kind == "increase" and reference_t is not None:
        return Origin(reference_t, 0.0, "首个快照（基准）")
    if target.kind in ("cumulative", "increase"):
        return Origin(float(target.start_year - 1), 0.0, "计划起点")
    if points:
        t, v = min(points)
        return Origin(t, v, "首个观测")
    return None


def compound(target: Target, origin: Origin) -> bool:
    return target.growth and origin.value > 0 and target.value > 0


def required_at(target: Target, origin: Origin, t: float) -> float:
    """The required path's value at time ``t`` (clamped to [origin, target year])."""
    end = float(target.year)
    if end <= origin.t:
        return target.value
    f = min(max((t - origin.t) / (end - origin.t), 0.0), 1.0)
    if compound(target, origin):
        return origin.value * (target.value / origin.value) ** f
    return origin.value + (target.value - origin.value) * f


def _clamp(target: Target, v: float) -> float:
    if target.kind == "share":
        return min(max(v, 0.0), 100.0)
    if target.kind != "increase":
        return max(v, 0.0)
    return v


def fit_line(points: list[tuple[float, float]]) -> tuple[float, float, float | None, float, float]:
    """OLS of v on t: (intercept, slope, residual SE or None when n ≤ 2, mean t, Sxx)."""
    n = len(points)
    tbar = sum(t for t, _ in points) / n
    vbar = sum(v for _, v in points) / n
    sxx = sum((t - tbar) ** 2 for t, _ in points)
    if sxx == 0:
        raise ValueError("all observations are at the same time")
    slope = sum((t - tbar) * (v - vbar) for t, v in points) / sxx
    intercept = vbar - slope * tbar
    s = None
    if n > 2:
        sse = sum((v - intercept - slope * t) ** 2 for t, v in points)
        s = math.sqrt(sse / (n - 2))
    return intercept, slope, s, tbar, sxx


def project(target: Target, points: list[tuple[float, float]], origin: Origin | None) -> Projection | None:
    """Projection of the value at the end of the target year (see the module docstring)."""
    if not points:
        return None
    points = sorted(points)
    end = float(target.year)
    t_last, v_last = points[-1]
    if t_last >= end - 1e-9:
        return Projection(v_last, None, None, "目标年份已到，取最新观测")
    distinct = {t for t, _ in points}
    if len(distinct) == 1:
        if origin is None:
            return Projection(v_last, None, None, "仅一个观测，无计划路径：按持平")
        if compound(target, origin) and v_last > 0:
            ratio = required_at(target, origin, end) / required_at(target, origin, t_last)
            return Projection(_clamp(target, v_last * ratio), None, None, "仅一个观测：按计划路径增速外推")
        step = required_at(target, origin, end) - required_at(target, origin, t_last)
        return Projection(_clamp(target, v_last + step), None, None, "仅一个观测：按计划路径速度外推")
    log = target.growth and all(v > 0 for _, v in points)
    data = [(t, math.log(v)) for t, v in points] if log else points
    a, b, s, tbar, sxx = fit_line(data)
    y = a + b * end
    low = high = None
    if s is not None:
        n = len(data)
        half = t95(n - 2) * s * math.sqrt(1 + 1 / n + (end - tbar) ** 2 / sxx)
        low, high = y - half, y + half
    if log:
        y = math.exp(y)
        low = math.exp(low) if low is not None else None
        high = math.exp(high) if high is not None else None
    method = "对数线性最小二乘（恒定增速）" if log else "线性最小二乘"
    method += "，90%预测区间" if s is not None else "（两个观测，无区间）"
    return Projection(
        _clamp(target, y),
        _clamp(target, low) if low is not None else None,
        _clamp(target, high) if high is not None else None,
        method,
    )
