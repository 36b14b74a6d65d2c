"""``events``: event monitoring — link news text to firms, import events, exposure, alerts, incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from chainbrain.cli.context import (
    JsonOpt,
    err_console,
    fail,
    open_store,
    print_data,
    print_json,
    print_table,
    yi,
)
from chainbrain.errors import os_reason

group = typer.Typer(
    help="事件监测：新闻实体链接、事件录入与导入、影响测算、预警订阅、事件处置。", no_args_is_help=True
)
alias_group = typer.Typer(help="企业别名表（实体链接用）：列出、添加、删除。", no_args_is_help=True)


def _link_row(line: int, r: Any) -> dict[str, Any]:
    return {
        "line": line,
        "links": [
            {"enterprise_id": x.enterprise_id, "name": x.name, "mention": x.mention, "score": x.score}
            for x in r.links
        ],
        "districts": [
            {"code": d.code, "name": d.name, "mention": d.mention, "township": d.township}
            for d in r.districts
        ],
        "segments": [{"segment_id": s.segment_id, "name": s.name, "mention": s.mention} for s in r.segments],
    }


def link(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option("--file", help="文本文件（UTF-8），每行一条新闻或事件描述")],
    as_json: JsonOpt = False,
) -> None:
    """实体链接：每行文本提到的企业、区县/乡镇街道与产业链环节。

    Example:
        chainbrain --db cq.duckdb events link --file news.txt --json
    """
    from chainbrain.events.link import Linker

    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        fail(escape(f"无法读取文件 {file}：{os_reason(e)}"))
    linker = Linker.from_store(open_store(ctx))
    rows = [_link_row(i, linker.link(t)) for i, t in enumerate(lines, start=1)]
    if as_json:
        print_data(rows)
        return
    print_table(
        f"实体链接（{len(rows)} 行）",
        [("line", "行"), ("firms", "企业"), ("districts", "区县/乡镇"), ("segments", "环节")],
        [
            {
                "line": r["line"],
                "firms": "、".join(f"{x['name']}（{x['mention']}，{x['score']:.2f}）" for x in r["links"]),
                "districts": "、".join(
                    d["name"] + (f"·{d['township']}" if d["township"] else "") for d in r["districts"]
                ),
                "segments": "、".join(s["name"] for s in r["segments"]),
            }
            for r in rows
        ],
    )


def alias_list(
    ctx: typer.Context,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="只看这家企业（企业 id）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """列出企业别名。

    Example:
        chainbrain --db cq.duckdb events alias list --enterprise catl
    """
    from chainbrain.events.aliases import list_aliases

    rows = list_aliases(open_store(ctx), enterprise)
    if as_json:
        print_data(rows)
        return
    print_table(
        f"企业别名（{len(rows)} 条）",
        [
            ("alias", "别名"),
            ("enterprise_id", "企业"),
            ("lang", "语言"),
            ("ambiguous", "需上下文"),
            ("status", "来源类别"),
        ],
        [{**r.__dict__, "ambiguous": "是" if r.ambiguous else ""} for r in rows],
    )


def alias_add(
    ctx: typer.Context,
    alias: Annotated[str, typer.Argument(help="别名，如 CATL")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="企业 id")],
    source: Annotated[str, typer.Option("--source", help="来源（文件、网址或说明）")] = "手工录入",
    ambiguous: Annotated[
        bool, typer.Option("--ambiguous", help="别名同时是常用词：仅在有行业语境时链接")
    ] = False,
) -> None:
    """添加企业别名。

    Example:
        chainbrain --db cq.duckdb events alias add CATL --enterprise catl --source 企业官网
    """
    from chainbrain.events.aliases import AliasError, add_alias

    try:
        a = add_alias(open_store(ctx), alias, enterprise, source=source, ambiguous=ambiguous)
    except AliasError as e:
        fail(escape(str(e)))
    typer.echo(f"已添加别名 {a.alias} → {a.enterprise_id}")


def alias_remove(
    ctx: typer.Context,
    alias: Annotated[str, typer.Argument(help="别名")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="企业 id")],
) -> None:
    """删除企业别名。

    Example:
        chainbrain --db cq.duckdb events alias remove CATL --enterprise catl
    """
    from chainbrain.events.aliases import remove_alias

    if not remove_alias(open_store(ctx), alias, enterprise):
        fail(escape(f"没有别名 {alias} → {enterprise}"))
    typer.echo(f"已删除别名 {alias} → {enterprise}")


def _dispatch(conn: Any, got: list[Any]) -> int:
    from chainbrain.events.alerts import dispatch

    return sum(len(dispatch(conn, g.event_id)) for g in got if not g.merged)


def _ingested(got: list[Any], alerts: int, as_json: bool) -> None:
    if as_json:
        print_data(got, alerts=alerts)
        return
    new = sum(1 for g in got if not g.merged)
    typer.echo(f"新事件 {new} 条，合并到已有事件 {len(got) - new} 条，发出预警 {alerts} 条")


def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="事件文本（新闻原文或描述）")],
    source: Annotated[str, typer.Option("--source", help="来源")] = "手工录入",
    at: Annotated[
        str | None, typer.Option("--at", help="发生时间 YYYY-MM-DD 或 ISO 时间（缺省为现在）")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="原文链接")] = None,
    as_json: JsonOpt = False,
) -> None:
    """录入一条事件：自动分类、实体链接、与重复报道合并，并发出预警。

    Example:
        chainbrain --db cq.duckdb events add "宁德时代宜宾基地火灾，停产四十天" --at 2026-07-01
    """
    import datetime as dt

    from chainbrain.events.ingest import EventError, EventIn, add_events, parse_time

    try:
        when = parse_time(at) if at else dt.datetime.now(dt.UTC).replace(tzinfo=None)
    except ValueError:
        fail(escape(f"--at {at!r} 应为 YYYY-MM-DD 或 ISO 时间"))
    conn = open_store(ctx)
    try:
        got = add_events(conn, [EventIn(text, source, when, None, url)])
    except EventError as e:
        fail(escape(str(e)))
    _ingested(got, _dispatch(conn, got), as_json)


def import_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Option("--file", help="CSV 或 JSON 文件（列：text/文本、occurred_at/发生时间 …）")
    ],
    as_json: JsonOpt = False,
) -> None:
    """从 CSV/JSON 文件导入事件（全部成功或全部不写入，错误注明行与列）。

    Example:
        chainbrain --db cq.duckdb events import --file events.csv
    """
    from chainbrain.events.ingest import import_file
    from chainbrain.io.problems import ImportRejected

    conn = open_store(ctx)
    try:
        got = import_file(conn, file)
    except ImportRejected as e:
        for p in e.problems[:50]:
            err_console.print(escape(f"{p.file} 第{p.row}行 {p.column or ''}：{p.reason}（值：{p.value!r}）"))
        fail(escape(f"导入被拒绝：{len(e.problems)} 个问题，未写入任何数据"))
    except OSError as e:
        fail(escape(f"无法读取文件 {file}：{os_reason(e)}"))
    _ingested(got, _dispatch(conn, got), as_json)


def list_cmd(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="最多显示的条数")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """事件流（最新在前）：类型、严重程度、预计持续天数、涉及企业。

    Example:
        chainbrain --db cq.duckdb events list --top 20
    """
    from chainbrain.events import queries as eq

    conn = open_store(ctx)
    events = eq.stream(conn, min_severity=1, event_type=None, firm=None, limit=top)
    rows = [
        {**vars(e), "type_zh": e.type_zh, "severity_zh": e.severity_zh,
         "firms": "、".join(f.enterprise_id for f in eq.event_links(conn, e.id).firms) or None}
        for e in events
    ]  # fmt: skip
    if as_json:
        print_data(rows)
        return
    print_table(
        f"事件（{len(rows)} 条）",
        [("id", "编号"), ("occurred_at", "时间"), ("type_zh", "类型"), ("severity_zh", "严重程度"),
         ("duration_days", "预计天数"), ("firms", "涉及企业"), ("sources", "报道数"), ("text", "文本")],
        [{**r, "text": r["text"][:60]} for r in rows],
    )  # fmt: skip


def exposure_cmd(
    ctx: typer.Context,
    event_id: Annotated[int, typer.Argument(help="事件编号")],
    as_json: JsonOpt = False,
) -> None:
    """事件影响：按预计持续天数运行韧性模型——哪些整车厂缺货、从第几天起、损失、备份供应商与应急库存。

    Example:
        chainbrain --db cq.duckdb events exposure 1 --json
    """
    from chainbrain.events.exposure import event_exposure

    try:
        x = event_exposure(open_store(ctx), event_id)
    except KeyError:
        fail(f"事件 {event_id} 不存在")
    if as_json:
        print_json(x)
        return
    first = f"第 {x.first_short_day:.1f} 天起缺货" if x.first_short_day is not None else "持续期内不缺货"
    typer.echo(
        f"涉及场所 {len(x.sites)} 个，预计持续 {x.duration_days:g} 天，TTR 损失 {yi(x.loss)} 亿元，{first}"
    )
    print_table(
        "缺货的整车厂（按损失排序）",
        [
            ("plant", "工厂"),
            ("name", "名称"),
            ("lost_units", "缺口（辆）"),
            ("lost_value", "损失（亿元）"),
            ("latest_short_day", "优先供应时最晚第几天缺货"),
        ],
        [p.__dict__ for p in x.plants],
        fmt={"lost_units": lambda v: f"{v:,.0f}", "lost_value": yi, "latest_short_day": lambda v: f"{v:.1f}"},
    )
    print_table(
        "受影响场所：单独中断时的损失、TTS、应急库存与备份供应商",
        [
            ("site", "场所"),
            ("loss", "损失（亿元）"),
            ("tts", "TTS（天）"),
            ("extra_stock", "追加库存"),
            ("backups", "备份"),
        ],
        [{**d.__dict__, "backups": "、".join(b.name for b in d.backups)} for d in x.site_details],
        fmt={"loss": yi, "tts": lambda v: f"{v:.1f}", "extra_stock": lambda v: f"{v:,.0f}"},
    )
    for n in x.notes:
        err_console.print(escape(n))


def correct(
    ctx: typer.Context,
    event_id: Annotated[int, typer.Argument(help="事件编号")],
    event_type: Annotated[str | None, typer.Option("--type", help="事件类型：fire、flood、power …")] = None,
    severity: Annotated[int | None, typer.Option("--severity", min=1, max=4, help="严重程度 1–4")] = None,
    duration: Annotated[float | None, typer.Option("--duration", min=0, max=365, help="预计持续天数")] = None,
    by: Annotated[str, typer.Option("--by", help="更正人")] = "cli",
) -> None:
    """更正事件的类型、严重程度或预计持续天数（记录更正人）。

    Example:
        chainbrain --db cq.duckdb events correct 1 --duration 12 --by 张工
    """
    from chainbrain.events.classify import ClassifyError
    from chainbrain.events.queries import EventNotFound, correct_event

    conn = open_store(ctx)
    try:
        c = correct_event(
            conn, event_id, event_type=event_type, severity=severity, duration_days=duration, by=by
        )
    except (ClassifyError, EventNotFound) as e:
        fail(escape(str(e)))
    typer.echo(f"事件 {event_id}：{c.type_zh}，严重程度 {c.severity}，预计 {c.duration_days:g} 天")


def feed_add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="RSS/Atom 地址")],
    name: Annotated[str, typer.Option("--name", help="名称")] = "订阅源",
) -> None:
    """添加 RSS/Atom 订阅源。

    Example:
        chainbrain --db cq.duckdb events feed add https://example.org/auto.rss --name 汽车快讯
    """
    from chainbrain.events.feeds import FeedError, add_feed

    try:
        f = add_feed(open_store(ctx), name, url)
    except FeedError as e:
        fail(escape(str(e)))
    typer.echo(f"已添加订阅源 {f.id}：{f.name}")


def feed_pull(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """拉取所有启用的订阅源，写入新条目并发出预警。

    Example:
        chainbrain --db cq.duckdb events feed pull
    """
    from chainbrain.events.alerts import dispatch
    from chainbrain.events.feeds import pull_all
    from chainbrain.events.queries import unalerted

    conn = open_store(ctx)
    results = pull_all(conn)
    alerts = sum(len(dispatch(conn, e)) for e in unalerted(conn))
    if as_json:
        print_data(results, alerts=alerts)
        return
    print_table(
        f"订阅源拉取（预警 {alerts} 条）",
        [
            ("feed_id", "订阅源"),
            ("entries", "条目"),
            ("added", "新增"),
            ("merged", "合并"),
            ("skipped", "已有"),
            ("error", "错误"),
        ],
        [r.__dict__ for r in results],
    )


def token_create(ctx: typer.Context, name: Annotated[str, typer.Argument(help="推送方名称")]) -> None:
    """为 Webhook 推送方创建令牌（只显示一次）。

    Example:
        chainbrain --db cq.duckdb events token 舆情系统
    """
    from chainbrain.events.feeds import FeedError, create_token

    try:
        token = create_token(open_store(ctx), name)
    except FeedError as e:
        fail(escape(str(e)))
    typer.echo(token)


def incident_open(
    ctx: typer.Context,
    event_id: Annotated[int, typer.Argument(help="事件编号")],
    owner: Annotated[str | None, typer.Option("--owner", help="负责人")] = None,
) -> None:
    """为事件创建处置单（状态：待确认）。

    Example:
        chainbrain --db cq.duckdb events incident open 1 --owner 采购部
    """
    from chainbrain.events.incidents import IncidentError, open_incident

    try:
        i = open_incident(open_store(ctx), event_id, actor="cli", owner=owner)
    except IncidentError as e:
        fail(escape(str(e)))
    typer.echo(f"已创建处置单 #{i.id}（{i.state}）")


def incident_move(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(help="处置单编号")],
    to_state: Annotated[str, typer.Argument(help="目标状态：已确认 / 无影响 / 处置中 / 已恢复")],
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
) -> None:
    """处置单转入下一状态（非法转移会被拒绝）。

    Example:
        chainbrain --db cq.duckdb events incident move 1 已确认 --note 供应商确认
    """
    from chainbrain.events.incidents import IncidentError, move

    try:
        i = move(open_store(ctx), incident_id, to_state, actor="cli", note=note)
    except IncidentError as e:
        fail(escape(str(e)))
    extra = f"，实际恢复 {i.actual_days:.1f} 天" if i.actual_days is not None else ""
    typer.echo(f"处置单 #{i.id}：{i.state}{extra}")


def incident_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """处置单列表（最新在前）。

    Example:
        chainbrain --db cq.duckdb events incident list
    """
    from chainbrain.events.incidents import list_incidents

    rows = list_incidents(open_store(ctx))
    if as_json:
        print_data(rows)
        return
    print_table(
        f"处置单（{len(rows)} 个）",
        [("id", "编号"), ("event_id", "事件"), ("state", "状态"), ("owner", "负责人"), ("expected_days", "预计天数"),
         ("actual_days", "实际天数")],
        [i.__dict__ for i in rows],
    )  # fmt: skip


group.command("link")(link)
group.command("add")(add)
group.command("import")(import_cmd)
group.command("list")(list_cmd)
group.command("exposure")(exposure_cmd)
group.command("correct")(correct)
group.command("token")(token_create)
feed_group = typer.Typer(help="RSS/Atom 订阅源。", no_args_is_help=True)
feed_group.command("add")(feed_add)
feed_group.command("pull")(feed_pull)
group.add_typer(feed_group, name="feed")
incident_group = typer.Typer(help="事件处置单：创建、转状态、列表。", no_args_is_help=True)
incident_group.command("open")(incident_open)
incident_group.command("move")(incident_move)
incident_group.command("list")(incident_list)
group.add_typer(incident_group, name="incident")
alias_group.command("list")(alias_list)
alias_group.command("add")(alias_add)
alias_group.command("remove")(alias_remove)
group.add_typer(alias_group, name="alias")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="events")
