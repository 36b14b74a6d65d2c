"""Status of every target and the early-warning list.

Status rule, applied in order to the latest observation that counts (``g`` is the pace gap: latest value
minus the required path at the latest observation's time, divided by the whole distance from the path's
origin to the target, signed so that negative means behind):

1. **无数据** — no observation yet.
2. **达标** — the latest value already meets the target (≥ the value; ≤ for ``at_most`` targets such as
   车桩比; ≥ the minimum for a range — a value above the maximum is still 达标, with a note).
3. **滞后** — the target year has ended without meeting it; or even the favourable end of the projection's
   90 % band misses the target; or ``g < −20 %``.
4. **预警** — the central projection misses the target, or ``g < −5 %``.
5. **数据不足** — what would otherwise read 正常 rests on a single observation time: with one point the
   projection only rides the plan's own path, so "on course" would be the plan's claim, not the data's.
6. **正常** — otherwise: the projection meets the target and the value keeps pace with the path.

Every assessment also says what its figure rests on: ``basis`` is the data status of the latest
observation (``verified`` / ``illustrative`` / ``synthetic``); anything but ``verified`` is shown with a
示意 mark and the reason says so. When a verified observation exists, ``verified_latest`` /
``verified_period`` carry the newest one, so a screen can show the verified figure beside an illustrative
one (e.g. the 2024 actual 95.3万辆 beside an illustrative 2025Q4 value). For live targets,
``live_value`` is the store's value now (the snapshots the status rests on are dated; an import since the
last snapshot shows here first).

The warning list holds 滞后 then 预警 targets, each group by ``g`` (furthest behind first). For each it
gives the level every remaining quarter (or year, for annual series) must reach to end on target: a straight
line — compound for growth-type targets — from the latest value to the target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
from typing_extensions import TypedDict

from chainbrain.monitor.observations import Observation, observations
from chainbrain.monitor.periods import date_t, parse_period, periods_between
from chainbrain.monitor.registry import Target, list_targets
from chainbrain.monitor.trajectory import Origin, compound, origin_of, project, required_at

STATUS_ORDER = ("滞后", "预警", "数据不足", "正常", "无数据", "达标")
BASIS_ZH = {"verified": "已核实", "illustrative": "示意", "synthetic": "合成"}
LAG_PACE = -0.20
WARN_PACE = -0.05


class OriginPoint(TypedDict):
    """Where the required path starts: decimal time, value, and what it is (baseline or first observation)."""

    t: int | float
    value: int | float
    basis: str


class CatchUpPoint(TypedDict):
    """The level a remaining period must reach to arrive at the target on time."""

    period: str
    level: float


@dataclass
class Assessment:
    id: str
    name: str
    unit: str
    kind: str
    value: float
    max: float | None
    year: int
    direction: str
    document: str
    clause: str
    status: str
    latest: float | None = None
    latest_period: str | None = None
    latest_status: str | None = None
    n_obs: int = 0
    basis: str | None = None
    verified_latest: float | None = None
    verified_period: str | None = None
    live_value: float | None = None
    origin: OriginPoint | None = None
    required_now: float | None = None
    required_at_latest: float | None = None
    pace_gap: float | None = None
    gap: float | None = None
    projected: float | None = None
    projected_low: float | None = None
    projected_high: float | None = None
    method: str | None = None
    reason: str = ""
    catch_up: list[CatchUpPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def meets(target: Target, v: float, tol: float = 1e-9) -> bool:
    if target.direction == "at_most":
        return v <= target.value + tol
    return v >= target.value - tol


def _sign(target: Target) -> float:
    return -1.0 if target.direction == "at_most" else 1.0


def catch_up_path(target: Target, t_last: float, v_last: float, grain: str) -> list[CatchUpPoint]:
    """Level each remaining period must reach, from the latest value straight to the target."""
    end = float(target.year)
    if t_last >= end:
        return []
    out: list[CatchUpPoint] = []
    geo = target.growth and v_last > 0 and target.value > 0
    for p in periods_between(t_last, end, "year" if grain == "year" else "quarter"):
        f = (p.t - t_last) / (end - t_last)
        level = v_last * (target.value / v_last) ** f if geo else v_last + (target.value - v_last) * f
        out.append({"period": p.text, "level": level})
    return out


def assess(target: Target, obs: list[Observation], *, as_of: dt.date | None = None) -> Assessment:
    """The status of one target from its observations that count (see the module docstring)."""
    now_t = date_t(as_of or dt.date.today())
    points = [(o.t, o.value) for o in obs]
    refs = [o.t for o in obs if o.raw is not None]
    origin = origin_of(target, points, min(refs) if refs else None)
    a = Assessment(
        id=target.id,
        name=target.name,
        unit=target.unit,
        kind=target.kind,
        value=target.value,
        max=target.max_value,
        year=target.year,
        direction=target.direction,
        document=target.document,
        clause=target.clause,
        status="无数据",
        n_obs=len(obs),
    )
    if origin is not None:
        a.origin = {"t": origin.t, "value": origin.value, "basis": origin.basis}
        a.required_now = required_at(target, origin, now_t)
    if not obs:
        a.reason = "尚无观测数据"
        return a
    last = max(obs, key=lambda o: (o.t, o.id))
    a.latest, a.latest_period, a.latest_status = last.value, last.period, last.status
    a.basis = last.status
    verified = [o for o in obs if o.status == "verified"]
    if verified:
        v_last = max(verified, key=lambda o: (o.t, o.id))
        a.verified_latest, a.verified_period = v_last.value, v_last.period
    _assess_status(a, target, points, origin, last)
    if a.basis != "verified":
        a.reason += f"（依据{BASIS_ZH.get(a.basis or '', a.basis)}数据，非正式统计）"
    return a


def _assess_status(
    a: Assessment,
    target: Target,
    points: list[tuple[float, float]],
    origin: Origin | None,
    last: Observation,
) -> None:
    a.gap = _sign(target) * (target.value - last.value)
    proj = project(target, points, origin)
    assert proj is not None and origin is not None
    a.projected, a.projected_low, a.projected_high, a.method = proj.value, proj.low, proj.high, proj.method
    a.required_at_latest = required_at(target, origin, last.t)
    span = abs(target.value - origin.value)
    a.pace_gap = _sign(target) * (last.value - a.required_at_latest) / span if span > 0 else 0.0
    best = proj.low if target.direction == "at_most" else proj.high
    if meets(target, last.value):
        a.status = "达标"
        a.reason = "最新值已达到目标"
        if target.max_value is not None and last.value > target.max_value:
            a.reason += f"（高于区间上限 {target.max_value:g}）"
        return
    grain = parse_period(last.period).grain
    a.catch_up = catch_up_path(target, last.t, last.value, grain)
    if last.t >= target.year:
        a.status, a.reason = "滞后", f"{target.year}年已结束，未达到目标"
    elif best is not None and not meets(target, best):
        a.status, a.reason = "滞后", "预测区间的有利端仍达不到目标"
    elif a.pace_gap < LAG_PACE:
        a.status, a.reason = "滞后", f"落后计划路径 {-a.pace_gap:.0%}（超过20%）"
    elif not meets(target, proj.value):
        a.status, a.reason = "预警", "按当前趋势，目标年份达不到目标"
    elif a.pace_gap < WARN_PACE:
        a.status, a.reason = "预警", f"落后计划路径 {-a.pace_gap:.0%}（超过5%）"
    elif len({t for t, _ in points}) < 2:
        a.status, a.reason = "数据不足", "仅一个时点的观测，无法判断趋势（预测仅沿计划路径外推）"
    else:
        a.status, a.reason = "正常", "趋势可达到目标，进度不落后于计划路径"
    if compound(target, origin):
        a.reason += "（复合增长路径）"


def assess_all(conn: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None) -> list[Assessment]:
    """Assessments of every target in the store, in registry order."""
    by_target: dict[str, list[Observation]] = {}
    for o in observations(conn):
        by_target.setdefault(o.target_id, []).append(o)
    out = [assess(t, by_target.get(t.id, []), as_of=as_of) for t in list_targets(conn)]
    _add_live_values(conn, list_targets(conn), out)
    return out


def _add_live_values(conn: duckdb.DuckDBPyConnection, targets: list[Target], out: list[Assessment]) -> None:
    """The store's value now for every live level target, beside its last dated snapshot.

    The status rests on the snapshots (dated observations); ``live_value`` lets a screen show the same
    count the cockpit shows (e.g. 544 parts firms right after an import, while the last snapshot says 543).
    Increase-type targets are left out: their value is a difference against a reference snapshot.
    """
    from chainbrain.monitor.live import INDICATORS

    by_id = {a.id: a for a in out}
    for t in targets:
        if not t.live or t.kind == "increase" or t.live not in INDICATORS:
            continue
        try:
            by_id[t.id].live_value = float(INDICATORS[t.live][1](conn))
        except (ImportError, LookupError):
            continue


def warnings(assessments: list[Assessment]) -> list[Assessment]:
    """滞后 then 预警 targets, each group furthest-behind first."""
    bad = [a for a in assessments if a.status in ("滞后", "预警")]
    return sorted(bad, key=lambda a: (STATUS_ORDER.index(a.status), a.pace_gap or 0.0, a.id))


def summary(assessments: list[Assessment]) -> dict[str, int]:
    """Count of targets per status, in severity order."""
    return {s: sum(1 for a in assessments if a.status == s) for s in STATUS_ORDER}
