"""``resilience``: time-to-recover / time-to-survive stress tests (Simchi-Levi et al. 2015)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainbrain.cli.context import err_console, fail, open_store, print_data, print_json, print_table
from chainbrain.cli.options import finite
from chainbrain.resilience import actions, ranking
from chainbrain.resilience.model import SolveError
from chainbrain.resilience.network import Network, NetworkError, load_network
from chainbrain.resilience.results import RankedSite
from chainbrain.resilience.sweep import RayUnavailable
from chainbrain.store import directory
from chainbrain.units import count

group = typer.Typer(
    help="供应链韧性：恢复时间（TTR）损失与生存时间（TTS）、备份供应商、应急库存。", no_args_is_help=True
)

NetworkOpt = Annotated[Path | None, typer.Option("--network", help="网络 JSON 文件（nodes / bom / supply）")]
FromDbOpt = Annotated[bool, typer.Option("--from-db", help="使用数据库（--db）中的场所与供应关系构建网络")]
TtrOpt = Annotated[
    float | None, typer.Option("--ttr", help="统一的恢复时间（天）；缺省用各节点自己的 ttr", callback=finite)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _network(ctx: typer.Context, network: Path | None, from_db: bool) -> Network:
    if (network is None) == (not from_db):
        fail("请二选一：--network 网络文件，或 --from-db 使用数据库", code=2)
    try:
        if network is not None:
            return load_network(network)
        from chainbrain.resilience.dbnet import network_from_store

        return network_from_store(open_store(ctx))
    except NetworkError as e:
        fail(escape(f"网络无效：{e}"), code=2)
        raise  # unreachable: fail() exits


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except NetworkError as e:
        fail(escape(str(e)), code=2)
    except (SolveError, RayUnavailable) as e:
        fail(escape(str(e)), code=1)


def _num(v: float | None, digits: int = 2) -> str:
    return "无限（不受影响）" if v is None else f"{v:,.{digits}f}"


class _Names:
    """Names a reader knows for the ids of a network: a node's site name (its metadata), and — when the network
    comes from the store — segment and district names (places outside the city with their city: 无锡市新吴区)."""

    def __init__(self, ctx: typer.Context, net: Network, from_db: bool) -> None:
        self.net = net
        self.segments: dict[str, str] = {}
        self.places: dict[str, str] = {}
        if from_db:
            conn = open_store(ctx)
            self.segments = {r["id"]: r["name_zh"] for r in directory.segments(conn)}
            codes = sorted({str(n.meta["district"]) for n in net.nodes if n.meta.get("district")})
            self.places = directory.place_names(conn, codes)

    def node(self, node: str) -> str:
        return str(self.net.node(node).meta.get("name") or node) if node in self.net.index else node

    def segment(self, seg: str | None) -> str:
        return self.segments.get(seg or "", seg or "—")

    def place(self, code: str | None) -> str:
        return self.places.get(code or "", code or "—")


def solve(
    ctx: typer.Context,
    node: Annotated[str, typer.Option("--node", help="中断的节点 id")],
    network: NetworkOpt = None,
    from_db: FromDbOpt = False,
    ttr: TtrOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """单个节点中断：恢复期内的最小损失（TTR 损失）与生存时间 TTS。

    Example:
        chainbrain resilience solve --network net.json --node cell_plant --ttr 30 --json
    """
    net = _network(ctx, network, from_db)
    with _errors():
        out = ranking.node_outcome(net, node, ttr=ttr)
    if as_json:
        print_json(out)
        return
    print_table(
        f"节点 {node} 中断",
        [
            ("node", "节点"),
            ("ttr", "恢复时间（天）"),
            ("loss", "TTR 损失（元）"),
            ("tts", "生存时间 TTS（天）"),
        ],
        [{**asdict(out), "tts": _num(out.tts)}],
        fmt={"loss": _num, "ttr": _num},
    )
    if out.tts is None:
        err_console.print("TTS 无上限：该节点中断不影响任何成品的需求满足。")


def _run_sweep(
    net: Network, ttr: float | None, workers: int, ray: str | None, groups: bool
) -> list[RankedSite]:
    named = net.groups() if groups else None
    total = len(net.nodes) + (len(named) if named else 0)
    columns = (TextColumn("扫描情景"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar, _errors():
        task = bar.add_task("sweep", total=total)
        return ranking.ranking(
            net,
            ttr=ttr,
            groups=named,
            workers=workers,
            ray_address=ray,
            progress=lambda k: bar.advance(task, k),
        )


def sweep_cmd(
    ctx: typer.Context,
    network: NetworkOpt = None,
    from_db: FromDbOpt = False,
    ttr: TtrOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="并行进程数")] = 1,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            "--ray",
            help="在已有 Ray 集群上运行（地址 HOST:PORT，如 127.0.0.1:6379），需 chainbrain[ray]",
        ),
    ] = None,
    groups: Annotated[bool, typer.Option("--groups", help="同时扫描命名节点集：区县、企业、环节")] = False,
    top: Annotated[int, typer.Option("--top", help="表格显示前 N 行")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """逐个节点（及节点集）中断：TTR 损失、TTS 与风险暴露指数 REI 排名。

    Example:
        chainbrain resilience sweep --network net.json --workers 2 --json
        chainbrain --db cq.duckdb resilience sweep --from-db --groups
        chainbrain resilience sweep --network net.json --ray-address 127.0.0.1:6379
    """
    net = _network(ctx, network, from_db)
    names = _Names(ctx, net, from_db)
    rows = _run_sweep(net, ttr, workers, ray, groups)
    if as_json:
        print_data(ranking.sweep_rows(rows))
        return
    shown = [
        {
            **asdict(r),
            "node": names.node(r.node),
            "risk": "是" if r.at_risk else "",
            "tts": _num(r.tts),
        }
        for r in rows[:top]
    ]
    print_table(
        f"韧性排名（共 {len(rows)} 个情景，TTS < TTR 的 {sum(r.at_risk for r in rows)} 个）",
        [
            ("node", "节点/节点集"),
            ("ttr", "TTR（天）"),
            ("tts", "TTS（天）"),
            ("loss", "损失（元）"),
            ("rei", "REI"),
            ("risk", "TTS<TTR"),
        ],
        shown,
        fmt={"ttr": _num, "loss": _num, "rei": lambda v: f"{v:.3f}"},
    )


def backups_cmd(
    ctx: typer.Context,
    network: NetworkOpt = None,
    from_db: FromDbOpt = False,
    node: Annotated[
        str | None, typer.Option("--node", help="只看这个节点；缺省为所有 TTS < TTR 的节点")
    ] = None,
    ttr: TtrOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="并行进程数")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """TTS < TTR 的节点：使 TTS ≥ TTR 的最少追加库存，以及可替代的备份供应商（本地优先）。

    Example:
        chainbrain --db cq.duckdb resilience backups --from-db
        chainbrain resilience backups --network net.json --node chip_fab --json
    """
    net = _network(ctx, network, from_db)
    with _errors():
        if node is not None:
            recs = ranking.node_recommendations(net, node, ttr=ttr)
        else:
            recs = ranking.sweep_recommendations(net, _run_sweep(net, ttr, workers, None, False))
    if as_json:
        print_data(recs)
        return
    if not recs:
        err_console.print("没有 TTS < TTR 的节点：现有库存足以覆盖恢复期。")
        return
    print_table(
        "需要备份或应急库存的节点",
        [
            ("node", "节点"),
            ("name", "名称"),
            ("ttr", "TTR（天）"),
            ("tts", "TTS（天）"),
            ("loss", "损失（元）"),
            ("extra_stock", "最少追加库存"),
        ],
        [
            {**asdict(r), "extra_stock": "库存无法弥补" if r.extra_stock is None else _num(r.extra_stock)}
            for r in recs
        ],
        fmt={"ttr": _num, "tts": _num, "loss": _num},
    )
    for r in recs:
        if r.backups:
            print_table(
                f"{r.name} 的备份供应商",
                [
                    ("backup", "场所"),
                    ("name", "名称"),
                    ("district", "区县"),
                    ("local", "本地"),
                    ("loss_averted", "可避免损失"),
                    ("tts_after", "启用后 TTS（天）"),
                ],
                [
                    {**asdict(b), "local": "是" if b.local else "否", "tts_after": _num(b.tts_after)}
                    for b in r.backups
                ],
                fmt={"loss_averted": _num},
            )


def choke_cmd(
    ctx: typer.Context, network: NetworkOpt = None, from_db: FromDbOpt = False, as_json: JsonOpt = False
) -> None:
    """卡脖子环节：本地整车厂只有唯一供应商的环节，及该供应商中断的损失。

    Example:
        chainbrain --db cq.duckdb resilience choke --from-db --json
    """
    net = _network(ctx, network, from_db)
    names = _Names(ctx, net, from_db)
    with _errors():
        rows = actions.find_choke_points(net)
    if as_json:
        print_data(rows)
        return
    print_table(
        f"单一来源环节（{len(rows)} 处）",
        [
            ("segment", "环节"),
            ("supplier_name", "唯一供应商"),
            ("district", "区县"),
            ("oems", "依赖的整车厂"),
            ("loss", "中断损失（元）"),
        ],
        [
            {
                **asdict(r),
                "segment": names.segment(r.segment),
                "district": names.place(r.district),
                "oems": "、".join(names.node(o) for o in r.oems),
            }
            for r in rows
        ],  # fmt: skip
        fmt={"loss": _num},
    )


def district_cmd(
    ctx: typer.Context,
    district: Annotated[str, typer.Option("--district", help="区县行政区划代码，如 500112（渝北区）")],
    network: NetworkOpt = None,
    from_db: FromDbOpt = False,
    ttr: TtrOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """整个区县停产（洪水、疫情）的情景：损失、TTS 与各成品的缺口。

    Example:
        chainbrain --db cq.duckdb resilience district --from-db --district 500112 --ttr 14
    """
    net = _network(ctx, network, from_db)
    names = _Names(ctx, net, from_db)
    with _errors():
        out = actions.district_outage(net, district, ttr=ttr)
    if as_json:
        print_json(out)
        return
    print_table(
        f"{names.places.get(district) or '区县 ' + district} 停产 {out.ttr:g} 天（{len(out.nodes)} 个场所）",
        [("loss", "TTR 损失（元）"), ("tts", "TTS（天）")],
        [{**asdict(out), "tts": _num(out.tts)}],
        fmt={"loss": _num},
    )
    print_table(
        "各成品的需求缺口",
        [("node", "成品节点"), ("units", "缺口（件/辆）")],
        [
            {"node": names.node(k), "units": v}
            for k, v in sorted(out.lost_units.items(), key=lambda kv: -kv[1])
        ],
        fmt={"units": count},
    )


def register(app: typer.Typer) -> None:
    group.command("solve")(solve)
    group.command("sweep")(sweep_cmd)
    group.command("backups")(backups_cmd)
    group.command("choke")(choke_cmd)
    group.command("district")(district_cmd)
    app.add_typer(group, name="resilience")
