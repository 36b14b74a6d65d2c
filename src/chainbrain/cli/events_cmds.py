"""``events``: event monitoring — link news text to firms, import events, exposure, alerts, incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from chainbrain.cli.context import JsonOpt, fail, open_store, print_data, print_table

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
        fail(escape(f"无法读取文件 {file}：{e}"))
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


group.command("link")(link)
alias_group.command("list")(alias_list)
alias_group.command("add")(alias_add)
alias_group.command("remove")(alias_remove)
group.add_typer(alias_group, name="alias")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="events")
