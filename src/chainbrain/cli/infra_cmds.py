"""``infra``: the charging / swap / hydrogen registry, township coverage and the 车路云 rollout."""

from __future__ import annotations

from typing import Annotated

import typer

from chainbrain.cli.context import (
    CommandGroup,
    DistrictOpt,
    JsonOpt,
    fail,
    open_store,
    parse_day,
    print_data,
    print_table,
)

infra_app = CommandGroup(help="充换电与车路云：站点清单、乡镇街道超充覆盖、车路云建设进度与目标。")

KindOpt = Annotated[
    str | None,
    typer.Option("--kind", help="充电站类型：超充、快充、慢充、重卡超充（或 ultra/fast/slow/truck_ultra）"),
]


def _num(v: float | None, digits: int = 1) -> str:
    if v is None:
        return "—"
    text = f"{v:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@infra_app.command("stations")
def stations_cmd(
    ctx: typer.Context,
    category: Annotated[
        str | None,
        typer.Option("--category", help="站点类别：charging 充电站 / swap 换电站 / hydrogen 加氢站"),
    ] = None,
    kind: KindOpt = None,
    district: DistrictOpt = None,
    top: Annotated[int, typer.Option("--top", help="表格最多显示的站点数（--json 时给出全部）")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """站点清单与按类型统计：充电站（超充/快充/慢充/重卡超充）、换电站、加氢站。

    Example:
        chainbrain --db cq.duckdb infra stations
        chainbrain --db cq.duckdb infra stations --kind 重卡超充 --json
    """
    from chainbrain.infra.stations import kind_counts, list_stations
    from chainbrain.infra.vocab import zh
    from chainbrain.settings import get_settings

    conn = open_store(ctx)
    rows = list_stations(conn, category=category, kind=kind, district=district)
    if as_json:
        print_data(rows, threshold_kw=get_settings().ultra_gun_kw)
        return
    print_table(
        f"站点按类型（超充门槛：单枪 {get_settings().ultra_gun_kw:g} kW）",
        [
            ("kind_zh", "类型"),
            ("stations", "站点（座）"),
            ("operating", "运营（座）"),
            ("piles", "运营桩数（个）"),
        ],
        [vars(k) for k in kind_counts(conn)],
    )
    print_table(
        f"站点清单（{len(rows)} 座，显示前 {min(top, len(rows))} 座）",
        [("id", "编号"), ("name", "名称"), ("kind_zh", "类型"), ("kw", "单枪最大功率（kW）"), ("state_zh", "状态"),
         ("district_name", "区县"), ("township_name", "乡镇街道"), ("status", "数据状态")],
        [vars(s) | {"kw": _num(s.max_power_kw, 0), "status": zh("status", s.status)} for s in rows[:top]],
    )  # fmt: skip


@infra_app.command("coverage")
def coverage_cmd(
    ctx: typer.Context,
    radius_km: Annotated[
        float | None,
        typer.Option("--radius-km", help="覆盖半径（公里，默认 Settings.coverage_radius_km = 5）"),
    ] = None,
    include_fast: Annotated[
        bool, typer.Option("--include-fast", help="快充站也计入（种子001“超快充”口径）")
    ] = False,
    district: DistrictOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按此日期已投用的站点计算 YYYY-MM-DD")] = None,
    top: Annotated[int, typer.Option("--top", help="未覆盖乡镇最多显示的条数")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """乡镇街道超充覆盖：半径 R 公里内有运营超充站的乡镇为已覆盖，列出未覆盖的乡镇街道。

    Example:
        chainbrain --db cq.duckdb infra coverage --radius-km 5
        chainbrain --db cq.duckdb infra coverage --radius-km 5 --include-fast --json
    """
    from chainbrain.infra.coverage import township_coverage

    conn = open_store(ctx)
    try:
        cov = township_coverage(
            conn, radius_km=radius_km, as_of=parse_day(as_of), include_fast=include_fast, district=district
        )
    except ValueError as e:
        fail(str(e), code=2)
    summary = {
        "radius_km": cov.radius_km,
        "as_of": cov.as_of,
        "include_fast": cov.include_fast,
        "threshold_kw": cov.threshold_kw,
        "stations": cov.stations,
        "townships": cov.townships,
        "covered": cov.covered,
        "uncovered": cov.uncovered,
        "percent": cov.percent,
    }
    if as_json:
        print_data(cov.rows, **summary)
        return
    what = "超充或快充站" if include_fast else "超充站"
    print_table(
        f"乡镇街道覆盖（半径 {cov.radius_km:g} 公里，{cov.as_of.isoformat()} 运营的{what} {cov.stations} 座）",
        [("townships", "乡镇街道（个）"), ("covered", "已覆盖（个）"), ("uncovered", "未覆盖（个）"), ("pct", "覆盖率（%）")],
        [summary | {"pct": _num(cov.percent, 1)}],
    )  # fmt: skip
    gaps = [r for r in cov.rows if not r.covered]
    gaps.sort(key=lambda r: -(r.nearest_km or float("inf")))
    print_table(
        f"未覆盖的乡镇街道（{len(gaps)} 个，按距最近站点由远到近，显示前 {min(top, len(gaps))} 个；乡镇点位为示意）",
        [("code", "乡镇代码"), ("name", "名称"), ("district_name", "区县"), ("km", "最近站点距离（公里）")],
        [vars(r) | {"km": _num(r.nearest_km, 2)} for r in gaps[:top]],
    )  # fmt: skip


@infra_app.command("v2x")
def v2x_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """车路云一体化建设进度：感知路口、覆盖道路里程（按区县）、协同预警车辆，及充换电目标的进度。

    Example:
        chainbrain --db cq.duckdb infra v2x
        chainbrain --db cq.duckdb infra v2x --json
    """
    from chainbrain.infra.progress import infra_targets
    from chainbrain.infra.v2x import rollout

    conn = open_store(ctx)
    r = rollout(conn)
    targets = infra_targets(conn)
    if as_json:
        print_data(
            targets,
            intersections=r.intersections,
            km_city=r.km_city,
            km_highway=r.km_highway,
            vehicles=r.vehicles,
            districts=[vars(d) | {"km": d.km} for d in r.districts],
            oems=r.oems,
            statuses=r.statuses,
        )
        return
    note = "（示意数据）" if "illustrative" in r.statuses else ""
    print_table(
        f"车路云一体化{note}：感知路口 {r.intersections} 个，覆盖道路 {_num(r.km, 1)} 公里，协同预警车辆 {r.vehicles:,} 辆",
        [("district_name", "区县"), ("intersections", "感知路口（个）"), ("city", "城区道路（公里）"),
         ("hw", "高速公路（公里）")],
        [vars(d) | {"city": _num(d.km_city), "hw": _num(d.km_highway)} for d in r.districts],
    )  # fmt: skip
    print_table(
        "充换电与车路云目标",
        [("name", "目标"), ("target", "目标值"), ("live", "登记数（实时）"), ("progress", "进度（%）"),
         ("status", "状态"), ("projected", "预测"), ("citation", "出处")],
        [
            vars(t) | {
                "target": f"{'≤' if t.direction == 'at_most' else ''}{_num(t.target)}{t.unit}（{t.year}年）",
                "live": _num(t.live_value, 2) if t.live_value is not None else (t.live_note or "—"),
                "progress": _num(None if t.progress is None else 100 * t.progress, 1),
                "projected": _num(t.projected, 1),
            }
            for t in targets
        ],
    )  # fmt: skip


@infra_app.command("propose")
def propose_cmd(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--count", help="新增超充站数（1–500）")] = 50,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="覆盖半径（公里，默认 5，至多 50）")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按此日期已投用的站点计算 YYYY-MM-DD")] = None,
    include_pipeline: Annotated[
        bool,
        typer.Option("--include-pipeline", help="登记的在建、规划超充站视为已选址（不在其附近重复建议）"),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """选址建议：新增 N 座超充站，使半径内新覆盖的乡镇需求最多（MCLP，既有运营超充站保留），附示意的枪数测算。

    Example:
        chainbrain --db cq.duckdb infra propose --count 50 --radius-km 5
        chainbrain --db cq.duckdb infra propose --count 50 --json
    """
    from chainbrain.infra.planning import propose_sites
    from chainbrain.siting.errors import InputError

    conn = open_store(ctx)
    try:
        p = propose_sites(
            conn, count=count, radius_km=radius_km, as_of=parse_day(as_of), include_pipeline=include_pipeline
        )
    except InputError as e:
        fail(str(e), code=2)
    if as_json:
        fields = {k: v for k, v in vars(p).items() if k != "sites"}
        print_data(p.sites, **fields, percent_before=p.percent_before, percent_after=p.percent_after,
                   illustrative=p.illustrative)  # fmt: skip
    else:
        print_table(
            f"选址建议（半径 {p.radius_km:g} 公里，既有运营超充站 {p.existing_stations} 座；求解状态：{p.status}）",
            [("townships", "乡镇街道（个）"), ("covered_before", "现覆盖（个）"), ("covered_after", "建议后覆盖（个）"),
             ("pipe", "含在建规划（个）"), ("before", "现覆盖率（%）"), ("after", "建议后覆盖率（%）"),
             ("needed", "建议站点（座）")],
            [vars(p) | {"before": _num(p.percent_before), "after": _num(p.percent_after),
                        "pipe": f"{p.covered_pipeline}（{p.pipeline_stations} 座）" if p.include_pipeline else "未计入"}],
        )  # fmt: skip
        print_table(
            f"建议新增超充站（{len(p.sites)} 座；示意：{p.weight_basis}；枪数按 Erlang C，假设每车高峰小时到站"
            f" {p.arrivals_per_vehicle:g} 次、充电 {p.session_minutes:g} 分钟、等待概率 ≤ {p.max_p_wait:g}）",
            [("rank", "序号"), ("township_code", "乡镇代码"), ("township_name", "乡镇街道"), ("district_name", "区县"),
             ("new_townships", "新覆盖乡镇（个）"), ("weight", "新覆盖需求（辆）"), ("guns", "充电枪（把）")],
            [vars(s) | {"weight": _num(s.new_weight, 0), "guns": s.sizing.guns} for s in p.sites],
        )  # fmt: skip
    if p.note:
        typer.echo(p.note, err=True)
    if p.status != "optimal":
        raise typer.Exit(2)


@infra_app.command("plan")
def plan_cmd(
    ctx: typer.Context,
    target: Annotated[int, typer.Option("--target", help="目标超充站数（座）")] = 2000,
    year: Annotated[int, typer.Option("--year", help="目标年份")] = 2027,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="覆盖半径（公里，默认 5，至多 50）")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="现状日期 YYYY-MM-DD（默认今天）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """建设计划：从登记的运营超充站起逐年建到目标（默认 2027 年 2000 座），每年新增站点数与乡镇覆盖率。

    Example:
        chainbrain --db cq.duckdb infra plan
        chainbrain --db cq.duckdb infra plan --target 2000 --year 2027 --json
    """
    from chainbrain.infra.planning import yearly_plan
    from chainbrain.siting.errors import InputError

    conn = open_store(ctx)
    try:
        plan = yearly_plan(conn, target=target, year=year, radius_km=radius_km, as_of=parse_day(as_of))
    except InputError as e:
        fail(str(e), code=2)
    if as_json:
        print_data(plan.years, **{k: v for k, v in vars(plan).items() if k != "years"})
    else:
        now = {"label": f"现状（{plan.as_of.isoformat()}）", "stations": plan.existing_stations, "added": "—",
               "covered": plan.covered_now, "pct": _num(plan.coverage_pct_now), "model": "—"}  # fmt: skip
        print_table(
            f"超充站建设计划：{plan.year} 年 {plan.target:,} 座（半径 {plan.radius_km:g} 公里；在建 {plan.building} 座、"
            f"规划 {plan.planned} 座未计入现状；{plan.weight_basis}）",
            [("label", "年份"), ("stations", "超充站（座）"), ("added", "当年新增（座）"), ("covered", "覆盖乡镇（个）"),
             ("pct", "乡镇覆盖率（%）"), ("model", "模型")],
            [now] + [{"label": f"{y.year} 年", "stations": y.stations, "added": y.added,
                      "covered": y.covered_townships, "pct": _num(y.coverage_pct), "model": y.model}
                     for y in plan.years],
        )  # fmt: skip
    if plan.note:
        typer.echo(plan.note, err=True)
    if plan.status != "optimal":
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.add_typer(infra_app, name="infra")
