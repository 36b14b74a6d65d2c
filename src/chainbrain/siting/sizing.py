"""Station sizing: chargers per station by Erlang C at the peak hour, and a check against the grid's hosting
capacity per district.

Queueing model: the peak hour's arrivals are Poisson with rate λ (vehicles/hour), charging sessions are
exponential with mean 1/μ (hours), and a station with c guns is an M/M/c queue (Erlang, "Solution of some
problems in the theory of probabilities of significance in automatic telephone exchanges", *Post Office
Electrical Engineers' Journal* 10:189–197, 1917; Kleinrock, *Queueing Systems* vol. 1, Wiley 1975, §3.5).
With offered load a = λ/μ (Erlangs) and c > a:

- Erlang B by the stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1));
- the chance an arriving vehicle has to wait, Erlang C: C(c, a) = c·B(c) / (c − a·(1 − B(c)));
- the mean wait W_q = C(c, a) / (c·μ − λ), and utilisation a / c.

The sizing is the least c meeting every level asked for (P(wait) ≤ α and/or W_q ≤ w). The grid check takes the
power a district's stations draw at the peak hour as each station's kW per gun times the q-quantile (95 % by
default) of its number of busy guns in the M/M/c steady state (P(n busy) = P₀·aⁿ/n! for n < c, the rest at c),
and compares the district's sum with its hosting capacity. Capacities are the planner's input (CSV
``district,capacity_kw``); chainbrain ships none, since no public per-district figure for Chongqing could be had.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chainbrain.errors import os_reason
from chainbrain.siting.errors import InputError

MAX_GUNS = 10_000


@dataclass(frozen=True)
class Queue:
    """An M/M/c station at the peak hour."""

    guns: int
    offered_erlangs: float
    p_wait: float
    mean_wait_minutes: float
    utilisation: float


def _check(value: float, what: str, lo: float, hi: float, *, open_lo: bool = False) -> float:
    v = float(value)
    if not (math.isfinite(v) and (v > lo if open_lo else v >= lo) and v <= hi):
        raise InputError(f"{what}应在 {lo:g} 到 {hi:g} 之间，收到 {value!r}")
    return v


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability of c servers offered a Erlangs."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang C: the probability of waiting in M/M/c with offered load a (needs c > a; 1.0 otherwise)."""
    if c <= a:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def queue(guns: int, arrivals_per_hour: float, service_minutes: float) -> Queue:
    """The M/M/c figures of a station with ``guns`` guns; an overloaded station (a ≥ c) waits without end."""
    lam = _check(arrivals_per_hour, "高峰小时到达车辆数", 0.0, 1e6)
    s = _check(service_minutes, "平均充电时长（分钟）", 0.0, 24 * 60, open_lo=True)
    if not (isinstance(guns, int) and 1 <= guns <= MAX_GUNS):
        raise InputError(f"枪数应为 1 到 {MAX_GUNS} 的整数，收到 {guns!r}")
    a = lam * s / 60.0
    if a >= guns:
        return Queue(guns, a, 1.0, math.inf, 1.0)
    pw = erlang_c(guns, a)
    mu = 60.0 / s  # per hour
    wq_hours = pw / (guns * mu - lam) if lam > 0 else 0.0
    return Queue(guns, a, pw, wq_hours * 60.0, a / guns)


def chargers_needed(
    arrivals_per_hour: float,
    service_minutes: float,
    *,
    max_p_wait: float | None = None,
    max_mean_wait_minutes: float | None = None,
) -> Queue:
    """The least number of guns so that P(wait) ≤ ``max_p_wait`` and/or the mean wait ≤
    ``max_mean_wait_minutes`` at the peak hour (at least one level must be given)."""
    if max_p_wait is None and max_mean_wait_minutes is None:
        raise InputError("请给出等待概率上限或平均等待时间上限")
    alpha = None if max_p_wait is None else _check(max_p_wait, "等待概率上限", 0.0, 1.0, open_lo=True)
    w = (
        None
        if max_mean_wait_minutes is None
        else _check(max_mean_wait_minutes, "平均等待上限（分钟）", 0.0, 1e4)
    )
    q = queue(1, arrivals_per_hour, service_minutes)
    c = max(1, math.floor(q.offered_erlangs) + 1)
    while c <= MAX_GUNS:
        q = queue(c, arrivals_per_hour, service_minutes)
        if (alpha is None or q.p_wait <= alpha + 1e-12) and (w is None or q.mean_wait_minutes <= w + 1e-12):
            return q
        c += 1
    raise InputError(f"需要超过 {MAX_GUNS} 把枪，请检查到达率与充电时长")


def busy_guns_quantile(guns: int, offered_erlangs: float, q: float = 0.95) -> int:
    """The q-quantile of the number of busy guns in the M/M/c steady state (c when a ≥ c)."""
    _check(q, "分位数", 0.0, 1.0, open_lo=True)
    a = offered_erlangs
    if a >= guns:
        return guns
    # P(n) ∝ aⁿ/n! for n < c and the rest (n ≥ c, all guns busy) ∝ a^c/c! · c/(c − a)
    terms = [1.0]
    for n in range(1, guns):
        terms.append(terms[-1] * a / n)
    tail = terms[-1] * a / guns * guns / (guns - a)
    total = sum(terms) + tail
    cum = 0.0
    for n, t in enumerate(terms):
        cum += t / total
        if cum >= q - 1e-12:
            return n
    return guns


@dataclass(frozen=True)
class StationLoad:
    district: str
    guns: int
    kw_per_gun: float
    offered_erlangs: float


@dataclass(frozen=True)
class DistrictGrid:
    """Peak draw of a district's stations against its hosting capacity."""

    district: str
    peak_kw: float
    capacity_kw: float | None
    headroom_kw: float | None
    ok: bool | None  # None: no capacity known for the district


def grid_check(
    stations: Iterable[StationLoad], capacity_kw: dict[str, float], *, quantile: float = 0.95
) -> list[DistrictGrid]:
    """Each district's peak draw (Σ kW per gun × busy-gun quantile) against its hosting capacity."""
    peak: dict[str, float] = {}
    for s in stations:
        _check(s.kw_per_gun, "单枪功率（kW）", 0.0, 10_000.0)
        busy = busy_guns_quantile(s.guns, s.offered_erlangs, quantile)
        peak[s.district] = peak.get(s.district, 0.0) + busy * s.kw_per_gun
    out = []
    for district in sorted(peak):
        cap = capacity_kw.get(district)
        head = None if cap is None else cap - peak[district]
        out.append(DistrictGrid(district, peak[district], cap, head, None if head is None else head >= 0))
    return out


def read_hosting_capacity(path: Path) -> dict[str, float]:
    """District hosting capacities (kW) from a CSV ``district,capacity_kw``; bad cells name row and column."""
    out: dict[str, float] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            cols = [(c or "").strip() for c in (reader.fieldnames or [])]
            if "district" not in cols or "capacity_kw" not in cols:
                raise InputError(f"{path.name}：应有列 district,capacity_kw")
            for rowno, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                name, text = row["district"], row["capacity_kw"]
                if not name:
                    raise InputError(f"{path.name} 第 {rowno} 行 district 列：不能为空")
                try:
                    v = float(text)
                except ValueError as e:
                    raise InputError(f"{path.name} 第 {rowno} 行 capacity_kw 列：{text!r} 不是数字") from e
                if not (math.isfinite(v) and 0 <= v <= 1e9):
                    raise InputError(f"{path.name} 第 {rowno} 行 capacity_kw 列：{text!r} 应在 0 到 1e9 之间")
                if name in out:
                    raise InputError(f"{path.name} 第 {rowno} 行 district 列：{name!r} 重复")
                out[name] = v
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"无法读取 {path}：{os_reason(e)}") from e
    return out
