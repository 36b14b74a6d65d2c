"""选址建议与建设计划: where the next 超充站 should go, and a year-by-year plan to the 2,000-station target.

This connects the registry (:mod:`chainbrain.infra.coverage`) to the siting models (:mod:`chainbrain.siting`).

**Demand points** are the townships in the store. Each weighs an *illustrative demand proxy*: its district's
NEVs in use (the latest ``nev_fleet`` count) spread evenly over the district's townships. A district without
a fleet count gives its townships the median per-township weight of the others; with no fleet data at all
every township weighs 1 (the model then counts townships). The proxy is a planning stand-in, not a measured
charging demand.

**Candidates** are the township points (at most one new station per township). **Existing stations** are the
operating 超充站 that count for coverage (:func:`chainbrain.infra.coverage.counting_stations`); they stay open.

**Proposals** solve an MCLP (Church & ReVelle 1974, :class:`chainbrain.siting.MCLP`) with p = N at radius R
maximising the demand weight *newly* covered. Exact reduction: with every existing station fixed open, a
township already within R of one is covered whatever is chosen, so the MCLP is solved over the uncovered
townships only and its optimum equals the full MCLP's with the existing sites fixed. A second stage
(an LSCP, Toregas et al. 1971) then takes the fewest sites that cover the same townships, so that sites adding
nothing (once N exceeds what coverage needs) are not proposed; the answer says how many were needed. Each
newly covered township is attributed to its nearest proposed site.

**The build plan** runs :func:`chainbrain.siting.plan.build_plan` from the operating 超充站 today to the target,
one step per year from the year after ``as_of`` to the target year (a single step when ``as_of`` is in the
target year), the count rising linearly. Exact
reduction again: the existing network enters as one fixed candidate whose distance to each township is the
distance to its nearest existing station (all of them are open, so the nearest one is what every model sees).

**Sizing** (illustrative) per proposed station: guns by Erlang C (:func:`chainbrain.siting.sizing.
chargers_needed`) at a peak-hour arrival rate of ``arrivals_per_vehicle`` × the demand weight newly covered by
the site, sessions of ``session_minutes``, P(wait) ≤ ``max_p_wait``. The defaults (0.01 arrivals per vehicle in
the peak hour, 20-minute sessions, P(wait) ≤ 20 %) are assumptions for illustration, not measurements.

Every solve has a HiGHS time limit; ``status`` is the solver's ("optimal", "time_limit", …) and a
not-optimal answer says so in ``note``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import numpy as np

from chainbrain.infra.coverage import counting_stations
from chainbrain.infra.townships import Township, list_townships
from chainbrain.infra.vocab import ULTRA_KINDS
from chainbrain.settings import get_settings, infra_today
from chainbrain.siting.distance import distance_matrix_km
from chainbrain.siting.errors import InputError
from chainbrain.siting.lscp import COVER_TOL, LSCP
from chainbrain.siting.mclp import MCLP
from chainbrain.siting.plan import build_plan
from chainbrain.siting.sizing import chargers_needed
from chainbrain.store.records import fetch_dicts

#: proposals asked at most in one go, and the radius bound (km)
MAX_COUNT = 500
MAX_RADIUS_KM = 50.0
#: HiGHS time limit per solve (seconds)
TIME_LIMIT_S = 30.0
#: illustrative sizing assumptions (see the module docstring)
ARRIVALS_PER_VEHICLE = 0.01
SESSION_MINUTES = 20.0
MAX_P_WAIT = 0.2
#: candidate id of the existing network in the plan's reduced problem
_EXISTING = "__existing__"

STATUS_ZH = {
    "optimal": "最优",
    "time_limit": "达到求解时间上限，结果为可行解、未证明最优",
    "infeasible": "无可行解",
    "gap_met": "达到设定间隙，未证明最优",
}


def status_note(status: str) -> str | None:
    """None when optimal; else why the answer is not proven optimal (zh-CN)."""
    if status == "optimal":
        return None
    return f"求解未得到最优解：{STATUS_ZH.get(status, status)}"


@dataclass(frozen=True)
class DemandPoint:
    code: str
    name: str
    district_code: str
    district_name: str | None
    lon: float
    lat: float
    weight: float  # illustrative demand proxy (NEVs in use, spread over the district's townships)


def demand_points(conn: duckdb.DuckDBPyConnection) -> tuple[list[DemandPoint], str]:
    """The townships with their demand weights, and the basis of the weights (zh-CN, for display)."""
    towns = list_townships(conn)
    fleet = {
        r["district_code"]: float(r["vehicles"])
        for r in fetch_dicts(
            conn,
            "SELECT district_code, arg_max(vehicles, period_end) AS vehicles FROM nev_fleet GROUP BY district_code",
        )
    }
    per_district: dict[str, int] = {}
    for t in towns:
        per_district[t.district_code] = per_district.get(t.district_code, 0) + 1
    if not fleet:
        return [_point(t, 1.0) for t in towns], "每个乡镇街道权重为 1（数据库中没有新能源汽车保有量）"
    shares = {d: fleet[d] / n for d, n in per_district.items() if d in fleet}
    fallback = float(np.median(list(shares.values()))) if shares else 1.0
    basis = "示意需求：所在区县新能源汽车保有量（最新一期）平均分到其乡镇街道（辆）"
    if any(d not in shares for d in per_district):
        basis += "；无保有量数据的区县取其他乡镇的中位数"
    return [_point(t, shares.get(t.district_code, fallback)) for t in towns], basis


def _point(t: Township, w: float) -> DemandPoint:
    return DemandPoint(t.code, t.name, t.district_code, t.district_name, t.lon, t.lat, w)


@dataclass(frozen=True)
class Sizing:
    guns: int
    arrivals_per_hour: float
    offered_erlangs: float
    p_wait: float
    mean_wait_minutes: float
    utilisation: float


@dataclass(frozen=True)
class ProposedSite:
    rank: int  # by newly covered weight, largest first
    township_code: str
    township_name: str
    district_code: str
    district_name: str | None
    lon: float
    lat: float
    new_townships: int
    new_weight: float
    newly_covered: list[str]  # township codes newly covered, attributed to this site
    sizing: Sizing


@dataclass
class Proposal:
    count: int  # sites asked for
    radius_km: float
    as_of: dt.date
    existing_stations: int
    townships: int
    covered_before: int  # by the operating 超充站 (the coverage indicator)
    covered_after: int  # … plus the pipeline when included, plus the proposed sites
    weight_total: float
    weight_before: float
    weight_after: float
    include_pipeline: bool  # building / planned 超充站 of the registry taken as sited
    pipeline_stations: int
    covered_pipeline: int  # by the operating stations and the pipeline (= covered_before when not included)
    weight_pipeline: float
    needed: int  # sites that add coverage (≤ count)
    status: str
    note: str | None
    seconds: float
    weight_basis: str
    arrivals_per_vehicle: float
    session_minutes: float
    max_p_wait: float
    sites: list[ProposedSite] = field(default_factory=list)

    @property
    def percent_before(self) -> float | None:
        return None if self.townships == 0 else 100.0 * self.covered_before / self.townships

    @property
    def percent_after(self) -> float | None:
        return None if self.townships == 0 else 100.0 * self.covered_after / self.townships

    @property
    def illustrative(self) -> bool:
        """Whether the answer rests on illustrative inputs: always — the demand weights and the sizing
        assumptions (arrivals per vehicle, session length) are 示意."""
        return True


def _check(value: float, what: str, lo: float, hi: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and lo < v <= hi):
        raise InputError(f"{what}应大于 {lo:g} 且不超过 {hi:g}，收到 {value!r}")
    return v


def _existing_km(
    conn: duckdb.DuckDBPyConnection, pts: np.ndarray, day: dt.date, *, pipeline: bool = False
) -> tuple[np.ndarray, int]:
    """Distance of each township to its nearest counting station (inf with none), and the station count;
    ``pipeline``: to the registry's building / planned 超充站 instead."""
    threshold = get_settings().ultra_gun_kw
    if pipeline:
        stations = fetch_dicts(
            conn,
            "SELECT lon, lat FROM charging_station WHERE list_contains(['building', 'planned'], state)"
            " AND list_contains(?, kind) AND max_power_kw >= ? ORDER BY id",
            [list(ULTRA_KINDS), threshold],
        )
    else:
        stations = counting_stations(conn, as_of=day, threshold_kw=threshold)
    if not stations or len(pts) == 0:
        return np.full(len(pts), np.inf), len(stations)
    sites = np.array([(s["lon"], s["lat"]) for s in stations], dtype=float)
    return distance_matrix_km(pts, sites).min(axis=1), len(stations)


def propose_sites(
    conn: duckdb.DuckDBPyConnection,
    *,
    count: int,
    radius_km: float | None = None,
    as_of: dt.date | None = None,
    arrivals_per_vehicle: float = ARRIVALS_PER_VEHICLE,
    session_minutes: float = SESSION_MINUTES,
    max_p_wait: float = MAX_P_WAIT,
    include_pipeline: bool = False,
    time_limit: float = TIME_LIMIT_S,
) -> Proposal:
    """The ``count`` new 超充站 sites (township points) that newly cover the most demand within ``radius_km``;
    ``include_pipeline`` takes the registry's building and planned 超充站 as sited too (a site is then not
    proposed where one is already on its way)."""
    if not (isinstance(count, int) and 1 <= count <= MAX_COUNT):
        raise InputError(f"建议站点数应为 1 到 {MAX_COUNT} 的整数，收到 {count!r}")
    r = _check(
        get_settings().coverage_radius_km if radius_km is None else radius_km,
        "半径（公里）",
        0.0,
        MAX_RADIUS_KM,
    )
    apv = _check(arrivals_per_vehicle, "每车高峰小时到达率", 0.0, 1.0)
    svc = _check(session_minutes, "平均充电时长（分钟）", 0.0, 240.0)
    pw = _check(max_p_wait, "等待概率上限", 0.0, 1.0)
    day = as_of or infra_today()
    points, basis = demand_points(conn)
    n = len(points)
    pts = np.array([(p.lon, p.lat) for p in points], dtype=float).reshape(n, 2)
    w = np.array([p.weight for p in points], dtype=float)
    near, n_existing = _existing_km(conn, pts, day)
    before = near <= r + COVER_TOL
    n_pipe = 0
    sited = before
    if include_pipeline:
        pipe_near, n_pipe = _existing_km(conn, pts, day, pipeline=True)
        sited = before | (pipe_near <= r + COVER_TOL)
    out = Proposal(
        count, r, day, n_existing, n, int(before.sum()), int(sited.sum()), float(w.sum()), float(w[before].sum()),
        float(w[sited].sum()), include_pipeline, n_pipe, int(sited.sum()), float(w[sited].sum()), 0, "optimal",
        None, 0.0, basis, apv, svc, pw,
    )  # fmt: skip
    gaps = np.flatnonzero(~sited)
    if gaps.size == 0:
        out.note = (
            "所有乡镇街道已在半径内有超充站"
            + ("（含在建、规划）" if include_pipeline else "")
            + "，无需新增站点"
        )
        return out
    d = distance_matrix_km(pts[gaps], pts)  # uncovered townships × candidate township points
    p = min(count, n)
    model = MCLP(d, r, p, weights=w[gaps]).solve(time_limit=time_limit, check=False)
    out.status, out.seconds = model.status, model.seconds
    out.note = status_note(model.status)
    if not model.sites:
        out.note = out.note or "未得到可行解"
        return out
    chosen = np.array(model.sites)
    hit = d[:, chosen].min(axis=1) <= r + COVER_TOL
    if hit.any():
        # second stage: the fewest sites that cover the same townships (the MCLP's extra sites add nothing)
        few = LSCP(d[hit], r).solve(time_limit=time_limit, check=False)
        out.seconds += few.seconds
        if few.sites and len(few.sites) <= len(chosen):
            chosen = np.array(few.sites)
        if few.status != "optimal" and out.note is None:
            out.note = status_note(few.status)
    dc = d[:, chosen]
    owner = dc.argmin(axis=1)
    rows = []
    for k, j in enumerate(chosen):
        mine = gaps[hit & (owner == k)]
        if mine.size == 0:
            continue
        weight = float(w[mine].sum())
        q = chargers_needed(apv * weight, svc, max_p_wait=pw)
        t = points[int(j)]
        sizing = Sizing(q.guns, apv * weight, q.offered_erlangs, q.p_wait, q.mean_wait_minutes, q.utilisation)
        rows.append((t, mine, weight, sizing))
    rows.sort(key=lambda x: (-x[2], x[0].code))
    out.sites = [
        ProposedSite(i + 1, t.code, t.name, t.district_code, t.district_name, t.lon, t.lat, int(mine.size),
                     weight, [points[int(i_)].code for i_ in mine], sizing)
        for i, (t, mine, weight, sizing) in enumerate(rows)
    ]  # fmt: skip
    newly = gaps[hit]
    out.needed = len(out.sites)
    out.covered_after = out.covered_pipeline + int(newly.size)
    out.weight_after = out.weight_pipeline + float(w[newly].sum())
    if out.needed < count and out.covered_after == n:
        extra = f"只需 {out.needed} 座即可覆盖全部乡镇街道，其余 {count - out.needed} 座不增加覆盖，未列出"
        out.note = extra if out.note is None else out.note + "；" + extra
    elif out.needed < count:
        extra = f"其余 {count - out.needed} 座不增加覆盖，未列出"
        out.note = extra if out.note is None else out.note + "；" + extra
    return out


@dataclass(frozen=True)
class PlanYear:
    year: int
    stations: int  # 超充站 at the year's end: operating today plus those the plan adds
    added: int
    added_sites: list[str]  # township codes of the year's new stations
    covered_townships: int
    coverage_pct: float  # townships covered / all × 100
    demand_coverage: float  # share of the demand weight covered, 0..1
    mean_km: float | None  # demand-weighted mean distance to the nearest station
    model: str
    status: str


@dataclass
class BuildPlanResult:
    target: int
    year: int
    radius_km: float
    as_of: dt.date
    existing_stations: int  # operating 超充站 now (the registry)
    building: int  # 超充站 under construction in the registry
    planned: int  # 超充站 planned in the registry
    townships: int
    covered_now: int
    coverage_pct_now: float | None
    weight_basis: str
    status: str
    note: str | None
    years: list[PlanYear] = field(default_factory=list)


def _pipeline(conn: duckdb.DuckDBPyConnection, state: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM charging_station WHERE state = ? AND list_contains(?, kind) AND max_power_kw >= ?",
        [state, ["ultra", "truck_ultra"], get_settings().ultra_gun_kw],
    ).fetchone()
    return int(row[0]) if row else 0


def yearly_plan(
    conn: duckdb.DuckDBPyConnection,
    *,
    target: int = 2000,
    year: int = 2027,
    radius_km: float | None = None,
    as_of: dt.date | None = None,
    time_limit: float = TIME_LIMIT_S,
) -> BuildPlanResult:
    """A year-by-year plan from the operating 超充站 of ``as_of`` to ``target`` stations by ``year``."""
    if not (isinstance(target, int) and 1 <= target <= 100_000):
        raise InputError(f"目标站点数应为 1 到 100000 的整数，收到 {target!r}")
    day = as_of or infra_today()
    if not (isinstance(year, int) and day.year <= year <= day.year + 30):
        raise InputError(f"目标年份应在 {day.year} 到 {day.year + 30} 之间，收到 {year!r}")
    r = _check(
        get_settings().coverage_radius_km if radius_km is None else radius_km,
        "半径（公里）",
        0.0,
        MAX_RADIUS_KM,
    )
    points, basis = demand_points(conn)
    n = len(points)
    if n == 0:
        raise InputError("数据库中没有乡镇街道，无法制定建设计划")
    pts = np.array([(p.lon, p.lat) for p in points], dtype=float)
    w = np.array([p.weight for p in points], dtype=float)
    near, n_existing = _existing_km(conn, pts, day)
    covered_now = int((near <= r + COVER_TOL).sum())
    res = BuildPlanResult(
        target, year, r, day, n_existing, _pipeline(conn, "building"), _pipeline(conn, "planned"), n, covered_now,
        100.0 * covered_now / n, basis, "optimal", None,
    )  # fmt: skip
    if target <= n_existing:
        res.note = f"运营超充站 {n_existing} 座已达到目标 {target} 座"
        return res
    if target - n_existing > n:
        raise InputError(
            f"目标 {target} 座比现有 {n_existing} 座多 {target - n_existing} 座，超过候选点（每个乡镇街道一处）{n} 个"
        )
    # the reduced problem: column 0 is the existing network (fixed), then one column per township point
    d = distance_matrix_km(pts, pts)
    cost = np.hstack([near[:, None], d]) if n_existing else np.hstack([np.full((n, 1), np.inf), d])
    years = list(range(day.year + 1, year + 1)) or [year]  # in the target year itself: one step
    base = 1 if n_existing else 0  # the fixed column counts as one site
    steps = {y: base + round((target - n_existing) * (k + 1) / len(years)) for k, y in enumerate(years)}
    ids = [_EXISTING] + [p.code for p in points]
    col = {p.code: j for j, p in enumerate(points)}  # column of d
    plan = build_plan(
        cost,
        steps,
        r,
        weights=w,
        existing=[0] if n_existing else None,
        candidate_ids=ids,
        time_limit=time_limit,
    )
    last = n_existing
    for y in plan.years:
        stations = y.stations - base + n_existing
        built = set(plan.existing) | {s for prior in res.years for s in prior.added_sites} | set(y.added)
        cols = [col[s] for s in built if s != _EXISTING]
        dmin = np.minimum(near, d[:, cols].min(axis=1)) if cols else near
        covered = int((dmin <= r + COVER_TOL).sum())
        res.years.append(
            PlanYear(
                y.year, stations, stations - last, list(y.added), covered, 100.0 * covered / n, y.coverage,
                None if not math.isfinite(y.mean_km) else y.mean_km, y.model, y.status,
            )
        )  # fmt: skip
        last = stations
    bad = [y for y in res.years if y.status != "optimal"]
    if bad:
        res.status = bad[0].status
        res.note = "、".join(f"{y.year} 年" for y in bad) + status_note(bad[0].status).removeprefix("求解")  # type: ignore[union-attr]
    return res
