"""``siting``: where to put stations — set covering, maximal covering, p-median and p-center on HiGHS.

Heavy libraries (numpy, scipy, HiGHS) are imported inside the commands, so the CLI starts fast."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from chainbrain.cli.context import JsonOpt, console, fail, print_json, print_table

if TYPE_CHECKING:
    import numpy as np

    from chainbrain.siting._base import SitingModel
    from chainbrain.siting.points import Points

group = typer.Typer(
    help="站点选址：集合覆盖（LSCP）、最大覆盖（MCLP）、p-中位、p-中心（HiGHS 求解）。", no_args_is_help=True
)

DemandOpt = Annotated[Path, typer.Option("--demand", help="需求点 CSV：id,lon,lat,weight", exists=False)]
CandOpt = Annotated[
    Path,
    typer.Option("--candidates", help="候选站点 CSV：id,lon,lat（可选 capacity 容量、fixed 既有站点 1/0）"),
]
RadiusOpt = Annotated[float, typer.Option("--radius-km", help="覆盖半径（公里）：距离 ≤ 半径即算覆盖")]
POpt = Annotated[int, typer.Option("--p", help="站点数（含既有站点）")]
RoadOpt = Annotated[
    Path | None,
    typer.Option("--road-matrix", help="道路距离 CSV：from,to,km（需求点 id → 候选点 id），代替球面距离"),
]
DetourOpt = Annotated[
    float, typer.Option("--detour-factor", help="绕行系数：球面距离乘以此值（1 为直线；常用 1.3）")
]
TimeOpt = Annotated[float | None, typer.Option("--time-limit", help="求解时间上限（秒）")]

_STATUS_ZH = {
    "optimal": "最优",
    "infeasible": "无可行解",
    "time_limit": "达到时间上限，未证明最优",
    "gap_met": "达到给定间隙",
}


def _inputs(
    demand: Path, candidates: Path, road: Path | None, detour: float
) -> tuple[Points, Points, np.ndarray]:
    from chainbrain.siting.distance import distance_matrix_km, read_road_matrix
    from chainbrain.siting.points import read_candidates, read_demand

    d, c = read_demand(demand), read_candidates(candidates)
    if road is not None:
        return d, c, read_road_matrix(road, d.ids, c.ids)
    return d, c, distance_matrix_km(d.lonlat, c.lonlat, detour_factor=detour)


def _run(build: Any) -> Any:
    """Build and solve a model; bad input fails with exit 1 and the library's Chinese message."""
    from chainbrain.siting.errors import InputError

    try:
        return build()
    except InputError as e:
        fail(escape(str(e)), code=1)


def _done(model: SitingModel, as_json: bool, payload: dict[str, Any], title: str, rows: list[dict]) -> None:
    """Print the answer; a problem not solved to optimality says so and exits 2."""
    if as_json:
        print_json(payload)
    else:
        console.print(
            f"{escape(title)}　状态：{_STATUS_ZH.get(model.status, model.status)}"
            f"（HiGHS：{escape(model.solver_status)}）　用时 {model.seconds:.2f} 秒"
        )
        if rows:
            print_table(title, [(k, h) for k, h in rows[0]["_cols"]], rows)
    if model.status != "optimal":
        raise typer.Exit(2)


def _site_rows(
    model: SitingModel, points: Points, extra: dict[int, dict[str, Any]] | None = None
) -> list[dict]:
    cols = [("id", "站点"), ("lon", "经度"), ("lat", "纬度"), ("kind", "类型")]
    rows = []
    for j in model.sites:
        row = {
            "_cols": cols + ([(k, h) for k, h in (extra or {}).get(-1, {}).items()] if extra else []),
            "id": points.ids[j],
            "lon": f"{points.lonlat[j, 0]:.5f}",
            "lat": f"{points.lonlat[j, 1]:.5f}",
            "kind": "既有" if points.fixed.size and points.fixed[j] else "新建",
        }
        row.update((extra or {}).get(j, {}))
        rows.append(row)
    return rows


def lscp(
    demand: DemandOpt,
    candidates: CandOpt,
    radius_km: RadiusOpt,
    road_matrix: RoadOpt = None,
    detour_factor: DetourOpt = 1.0,
    time_limit: TimeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """集合覆盖（LSCP）：让每个需求点在半径内都有站点的最少站点数；既有站点（fixed=1）保留。

    候选点 CSV 有 capacity 列时求有容量的版本（需求点的 weight 为需求量）。无可行解或未证明最优时退出码 2。

    Example:
        chainbrain siting lscp --demand towns.csv --candidates sites.csv --radius-km 5 --json
    """
    from chainbrain.siting.lscp import LSCP

    def build() -> LSCP:
        d, c, dist = _inputs(demand, candidates, road_matrix, detour_factor)
        model = LSCP.from_cost_matrix(
            dist, radius_km, fixed=c.fixed, capacity=c.capacity, demand=d.weight if c.capacity is not None else None,
            demand_ids=d.ids, candidate_ids=c.ids,
        )  # fmt: skip
        model._points = c  # type: ignore[attr-defined]
        return model.solve(time_limit=time_limit, check=False)

    m = _run(build)
    # exactly the keys other checks rely on
    payload = {"count": m.count if m.status == "optimal" else None, "sites": m.site_ids, "status": m.status}
    _done(
        m,
        as_json,
        payload,
        f"集合覆盖：半径 {radius_km:g} 公里，最少 {m.count} 个站点",
        _site_rows(m, m._points),
    )


def mclp(
    demand: DemandOpt,
    candidates: CandOpt,
    radius_km: RadiusOpt,
    p: POpt,
    road_matrix: RoadOpt = None,
    detour_factor: DetourOpt = 1.0,
    time_limit: TimeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """最大覆盖（MCLP）：p 个站点在半径内覆盖的需求权重最大；既有站点（fixed=1）保留并计入 p。

    未证明最优时退出码 2。

    Example:
        chainbrain siting mclp --demand towns.csv --candidates sites.csv --radius-km 5 --p 50 --json
    """
    from chainbrain.siting.mclp import MCLP

    def build() -> MCLP:
        d, c, dist = _inputs(demand, candidates, road_matrix, detour_factor)
        model = MCLP.from_cost_matrix(
            dist, radius_km, p, weights=d.weight, fixed=c.fixed, demand_ids=d.ids, candidate_ids=c.ids
        )
        model._points = c  # type: ignore[attr-defined]
        return model.solve(time_limit=time_limit, check=False)

    m = _run(build)
    total = float(m.weights.sum())
    payload = {"covered_weight": m.covered_weight, "sites": m.site_ids, "status": m.status}
    share = m.covered_weight / total if total > 0 else 0.0
    title = f"最大覆盖：{p} 个站点、半径 {radius_km:g} 公里，覆盖需求 {m.covered_weight:,.2f}（{share:.1%}）"
    _done(m, as_json, payload, title, _site_rows(m, m._points))


def pcenter(
    demand: DemandOpt,
    candidates: CandOpt,
    p: POpt,
    road_matrix: RoadOpt = None,
    detour_factor: DetourOpt = 1.0,
    time_limit: TimeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """p-中心：p 个站点使最远需求点到最近站点的距离最小（需求点 weight 不参与）；既有站点保留。

    输出每个站点服务的需求点数和其中最远的距离。未证明最优时退出码 2。

    Example:
        chainbrain siting pcenter --demand towns.csv --candidates sites.csv --p 10
    """
    import numpy as np

    from chainbrain.siting.pcenter import PCenter

    def build() -> PCenter:
        d, c, dist = _inputs(demand, candidates, road_matrix, detour_factor)
        model = PCenter.from_cost_matrix(dist, p, fixed=c.fixed, demand_ids=d.ids, candidate_ids=c.ids)
        model._points = c  # type: ignore[attr-defined]
        return model.solve(time_limit=time_limit, check=False)

    m = _run(build)
    radius = m.objective if np.isfinite(m.objective) else None
    payload = {
        "radius_km": radius,
        "sites": m.site_ids,
        "status": m.status,
        "p": p,
        "seconds": round(m.seconds, 3),
    }
    extra: dict[int, dict[str, Any]] = {-1: {"served": "服务需求点数", "farthest": "最远距离（公里）"}}
    for j in m.sites:
        mine = m.assignment == j
        far = float(m.cost[mine, j].max()) if mine.any() else 0.0
        extra[j] = {"served": int(mine.sum()), "farthest": f"{far:.3f}"}
    title = f"p-中心：{p} 个站点，最远距离 {radius:.3f} 公里" if radius is not None else f"p-中心：{p} 个站点"
    _done(m, as_json, payload, title, _site_rows(m, m._points, extra))


def pmedian(
    orlib: Annotated[
        Path | None, typer.Option("--orlib", help="OR-Library pmed 文件（图的边表，距离为最短路）")
    ] = None,
    demand: Annotated[Path | None, typer.Option("--demand", help="需求点 CSV：id,lon,lat,weight")] = None,
    candidates: Annotated[
        Path | None, typer.Option("--candidates", help="候选站点 CSV：id,lon,lat（可选 fixed）")
    ] = None,
    p: Annotated[int | None, typer.Option("--p", help="站点数（--orlib 时缺省取文件中的 p）")] = None,
    road_matrix: RoadOpt = None,
    detour_factor: DetourOpt = 1.0,
    time_limit: TimeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """p-中位：p 个站点使需求加权距离之和最小，求到证明最优（给出下界）。

    用 --orlib 读 OR-Library 实例（站点为顶点编号），或用 --demand/--candidates/--p 读 CSV（候选点有 capacity
    列时求有容量、单一来源的版本）。未证明最优时退出码 2。

    Example:
        chainbrain siting pmedian --orlib pmed1.txt --json
        chainbrain siting pmedian --demand towns.csv --candidates sites.csv --p 20
    """
    import math
    import time

    from chainbrain.siting.pmedian import PMedian

    if (orlib is None) == (demand is None or candidates is None):
        fail("请二选一：--orlib 实例文件，或 --demand 与 --candidates（并给出 --p）", code=1)

    def build() -> PMedian:
        t0 = time.perf_counter()
        if orlib is not None:
            model = PMedian.from_orlib(orlib, p)
            model._points = None  # type: ignore[attr-defined]
        else:
            assert demand is not None and candidates is not None
            if p is None:
                fail("使用 CSV 时需要 --p", code=1)
            d, c, dist = _inputs(demand, candidates, road_matrix, detour_factor)
            model = PMedian.from_cost_matrix(
                dist,
                p,
                weights=d.weight,
                fixed=c.fixed,
                capacity=c.capacity,
                demand_ids=d.ids,
                candidate_ids=c.ids,
            )
            model._points = c  # type: ignore[attr-defined]
        model.solve(time_limit=time_limit, check=False)
        model._wall = time.perf_counter() - t0  # type: ignore[attr-defined]
        return model

    m = _run(build)
    sites: list[Any] = [int(s) for s in m.site_ids] if orlib is not None else m.site_ids
    objective = m.objective if math.isfinite(m.objective) else None
    payload = {"objective": objective, "status": m.status, "sites": sites, "seconds": round(m._wall, 3)}
    title = f"p-中位：{m.p} 个站点，加权距离之和 {m.objective:,.3f}（下界 {m.bound:,.3f}）"
    rows = _site_rows(m, m._points) if m._points is not None else []
    _done(m, as_json, payload, title, rows)


def register(app: typer.Typer) -> None:
    group.command("lscp")(lscp)
    group.command("mclp")(mclp)
    group.command("pmedian")(pmedian)
    group.command("pcenter")(pcenter)
    app.add_typer(group, name="siting")
