"""``battery``: GB/T 34014 codes, traces, imports and reporting deadlines, over :mod:`chainbrain.battery`.

Heavy imports (the store, the library) happen inside the commands, so registering this group costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from chainbrain.battery.codes import ParsedCode

battery_app = typer.Typer(help="动力电池溯源：GB/T 34014 电池编码解析、追溯、导入、上报期限与断链检查。")

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
TABLES = {"units": "battery_units", "events": "battery_events", "makers": "battery_makers"}


_STATUS_ZH = {"verified": "已核实", "illustrative": "示意", "synthetic": "合成"}


def _status_zh(status: Any) -> str:
    """A record's provenance in Chinese (已核实 / 示意 / 合成); anything else shown escaped as stored."""
    return _STATUS_ZH.get(status, _esc(status)) if isinstance(status, str) else _esc(status)


def _esc(v: Any) -> str:
    from rich.markup import escape

    return "" if v is None else escape(str(v))


def _parsed_row(p: ParsedCode) -> dict[str, Any]:
    return {
        "code": p.code,
        "valid": p.valid,
        "form": p.form,
        "product_type": p.product_type,
        "manufacturer": p.manufacturer,
        "battery_type": p.battery_type,
        "spec": p.spec,
        "trace": p.trace,
        "production_date": p.production_date.isoformat() if p.production_date else None,
        "serial": p.serial,
        "errors": p.errors,
    }


@battery_app.command("parse")
def parse_cmd(
    code: Annotated[str | None, typer.Argument(help="一个24位电池编码（或17位梯次利用编码）")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="文本文件，每行一个编码（空行跳过）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """解析并校验 GB/T 34014-2017 电池编码；每处错误指明位置、字符和规则。不需要数据库。

    有任何无效编码时退出码为 2。

    Example:
        chainbrain battery parse ABCPB01A1B2C3DE2W0000001
        chainbrain battery parse --file codes.txt --json
    """
    from chainbrain.battery.codes import parse
    from chainbrain.cli.context import console, fail, print_data

    if (code is None) == (file is None):
        fail("请给出一个编码，或用 --file 给出编码文件（二者选一）", code=2)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            fail(f"无法读取 {file}：{e}", code=2)
        lines = [ln for ln in text.splitlines() if ln.strip()]
    else:
        lines = [str(code)]
    rows = [_parsed_row(parse(ln)) for ln in lines]
    if as_json:
        print_data(rows)
    else:
        for r in rows:
            if r["valid"]:
                console.print(
                    f"[green]有效[/] {_esc(r['code'])}  厂商 {_esc(r['manufacturer'])}  类型 {r['product_type']}"
                    f"  电池 {_esc(r['battery_type'])}  生产日期 {r['production_date']}  序列号 {r['serial']}"
                )
            else:
                console.print(f"[red]无效[/] {_esc(r['code'])}")
                for err in r["errors"]:
                    console.print(f"    {_esc(err)}")
    if not all(r["valid"] for r in rows):
        raise typer.Exit(2)


@battery_app.command("trace")
def trace_cmd(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="电池编码")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="判断上报期限的日期 YYYY-MM-DD（默认今天）")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """追溯一个电池编码：上级（模块、电池包）、下级（模块、单体）、所在车辆、生命周期事件和上报情况。

    Example:
        chainbrain --db cq.duckdb battery trace ABCPE01T000001EA10000001
        chainbrain --db cq.duckdb battery trace ABCPE01T000001EA10000001 --json
    """
    from chainbrain.battery.ledger import district_names
    from chainbrain.battery.trace import NotTraced, trace
    from chainbrain.cli.context import console, fail, open_store, parse_day, print_json, print_table

    conn = open_store(ctx)
    try:
        t = trace(conn, code, parse_day(as_of))
    except NotTraced as e:
        fail(str(e))
    finally:
        conn.close()
    if as_json:
        print_json(t.to_dict())
        return
    u = t.unit
    conn = open_store(ctx)
    try:
        names = _names(conn, [u.maker_id, t.oem_id, *(e.actor_id for e in t.events)])
        places = district_names(conn)
    finally:
        conn.close()
    who = lambda i: _esc(names.get(i or "", i))  # noqa: E731
    console.print(
        f"[bold]{_esc(u.code)}[/]  {_kind(u.kind)}  生产企业 {who(u.maker_id)}  数据状态 {_status_zh(u.status)}"
    )
    console.print(f"车辆识别代号 {_esc(t.vin) or '（无）'}  汽车生产企业 {who(t.oem_id) or '（无）'}")
    units = [{"rel": "上级", **p.to_dict(), "kind": _kind(p.kind)} for p in t.parents] + [
        {"rel": "下级", **c.to_dict(), "kind": _kind(c.kind)} for c in t.children
    ]
    print_table("上下级", [("rel", "关系"), ("code", "编码"), ("kind", "类型"), ("capacity_kwh", "能量(kWh)")],
                [{k: _esc(v) for k, v in r.items()} for r in units])  # fmt: skip
    print_table(
        "生命周期事件",
        [
            ("date", "日期"),
            ("event_zh", "事件"),
            ("who", "主体"),
            ("district_code", "区县"),
            ("reported_at", "上报"),
        ],
        [
            {
                **{k: _esc(v) for k, v in e.to_dict().items()},
                "who": who(e.actor_id),
                "district_code": _esc(places.get(e.district_code or "", e.district_code)),
            }
            for e in t.events
        ],
    )
    due = [r for r in t.reports if r.state in ("late", "missing", "unknown", "no_reporter")]
    if due:
        print_table("上报问题", [("code", "编码"), ("event_zh", "事件"), ("state_zh", "状态"), ("deadline", "期限"),
                                ("article", "条款")], [{k: _esc(v) for k, v in r.to_dict().items()} for r in due])  # fmt: skip


def _kind(kind: str) -> str:
    from chainbrain.battery.ledger import KIND_ZH

    return KIND_ZH.get(kind, kind)


@battery_app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV、XLSX、JSON 或 Parquet 文件，中文或英文表头")],
    table: Annotated[
        str, typer.Option("--table", help="units 动力电池 | events 溯源事件 | makers 厂商代码")
    ] = "units",
    as_json: JsonOpt = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入")] = False,
) -> None:
    """导入电池、溯源事件或厂商代码：逐行检查编码、VIN、企业和上级编码，全部无误才写入（否则退出码 2）。

    Example:
        chainbrain --db cq.duckdb battery import 电池.xlsx
        chainbrain --db cq.duckdb battery import events.parquet --table events --json
    """
    from chainbrain.cli import io_cmds
    from chainbrain.cli.context import fail

    if table not in TABLES:
        fail(f"--table 应为 {' | '.join(TABLES)}，实际为 {table!r}", code=2)
    io_cmds.import_cmd(ctx, TABLES[table], file, as_json=as_json, dry_run=dry_run)


@battery_app.command("overdue")
def overdue_cmd(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD（默认今天）")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="只看这个上报主体（企业编号）")] = None,
    by_actor: Annotated[bool, typer.Option("--by-actor", help="按上报主体汇总")] = False,
    as_json: JsonOpt = False,
) -> None:
    """逾期上报与逾期未报：按《新能源汽车动力蓄电池回收利用溯源管理暂行规定》以工作日（含调休）计算期限。

    逐条列出时在 Python 中逐条检查（适合一般规模）；--by-actor 的汇总在 DuckDB 内计算，千万级事件也可用。

    Example:
        chainbrain --db cq.duckdb battery overdue --as-of 2026-06-30
        chainbrain --db cq.duckdb battery overdue --by-actor --json
    """
    import datetime as dt

    from chainbrain.battery import duties
    from chainbrain.battery.ledger import ROLES
    from chainbrain.cli.context import open_store, parse_day, print_data, print_table

    day = parse_day(as_of) or dt.date.today()
    conn = open_store(ctx)
    try:
        if by_actor:  # the same board as by_actor(check_reports(...)), computed in DuckDB (tested equal)
            rows = [a for a in duties.board_sql(conn, day) if actor is None or a.reporter_id == actor]
            names = _names(conn, {a.reporter_id for a in rows})
        else:
            checks = [c for c in duties.check_reports(conn, day) if actor is None or c.reporter_id == actor]
            names = _names(conn, {c.reporter_id for c in checks})
    finally:
        conn.close()
    who = lambda i: _esc(names.get(i or "", i) or "（未记录汽车生产企业）")  # noqa: E731
    if by_actor:
        board = [a.to_dict() for a in rows]
        if as_json:
            print_data(board, as_of=day.isoformat())
            return
        print_table(f"上报情况（截至 {day.isoformat()}）",
                    [("who", "上报主体"), ("reporter_role", "类型"), ("total", "应报"), ("on_time", "按时"),
                     ("late", "逾期上报"), ("missing", "逾期未报"), ("pending", "未到期"), ("unknown", "无法判定")],
                    [{**{k: _esc(v) for k, v in r.items()}, "who": who(r["reporter_id"]),
                      "reporter_role": ROLES.get(r["reporter_role"], _esc(r["reporter_role"]))} for r in board])  # fmt: skip
        return
    bad = [c.to_dict() for c in checks if c.state in ("late", "missing", "unknown", "no_reporter")]
    if as_json:
        print_data(bad, as_of=day.isoformat())
        return
    print_table(f"逾期与异常（截至 {day.isoformat()}，共 {len(bad)} 条）",
                [("code", "编码"), ("event_zh", "事件"), ("who", "上报主体"), ("state_zh", "状态"),
                 ("deadline", "期限"), ("working_days_late", "逾期工作日"), ("article", "条款")],
                [{**{k: _esc(v) for k, v in r.items()}, "who": who(r["reporter_id"])} for r in bad])  # fmt: skip


@battery_app.command("chains")
def chains_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """断链检查：无单体的模块、已装车却无 VIN 的电池包、未退役就进入再生利用的电池、上级编码缺失。

    Example:
        chainbrain --db cq.duckdb battery chains --json
    """
    from chainbrain.battery.duties import broken_chains
    from chainbrain.cli.context import open_store, print_data, print_table

    conn = open_store(ctx)
    try:
        rows = [b.to_dict() for b in broken_chains(conn)]
    finally:
        conn.close()
    if as_json:
        print_data(rows)
        return
    print_table(f"断链（{len(rows)} 处）", [("code", "编码"), ("kind", "类型"), ("detail_zh", "问题")],
                [{k: _esc(v) for k, v in r.items()} for r in rows])  # fmt: skip


def _names(conn: Any, ids: Any) -> dict[str, str]:
    from chainbrain.battery.ledger import enterprise_names

    return enterprise_names(conn, list(ids))


@battery_app.command("compliance")
def compliance_cmd(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD（默认今天）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """上报合规看板：按上报主体汇总应报、按时、逾期上报、逾期未报、未到期和无法判定的件数（库内计算，适合千万级事件）。

    与 ``battery overdue --by-actor`` 结果相同（有测试核对），但在 DuckDB 内一次算完；逾期最多的主体排在前面。

    Example:
        chainbrain --db cq.duckdb battery compliance --as-of 2026-11-30
        chainbrain --db cq.duckdb battery compliance --json
    """
    import datetime as dt

    from chainbrain.battery.duties import board_sql
    from chainbrain.battery.ledger import ROLES
    from chainbrain.cli.context import open_store, parse_day, print_data, print_table

    day = parse_day(as_of) or dt.date.today()
    conn = open_store(ctx)
    try:
        board = board_sql(conn, day)
        names = _names(conn, (a.reporter_id for a in board))
    finally:
        conn.close()
    rows = [{**a.to_dict(), "reporter_name": names.get(a.reporter_id or "")} for a in board]
    if as_json:
        print_data(rows, as_of=day.isoformat())
        return
    print_table(f"上报合规看板（截至 {day.isoformat()}，{len(rows)} 个上报主体）",
                [("who", "上报主体"), ("role_zh", "类型"), ("total", "应报"), ("on_time", "按时"),
                 ("late", "逾期上报"), ("missing", "逾期未报"), ("pending", "未到期"), ("unknown", "无法判定")],
                [{**{k: _esc(v) for k, v in r.items()},
                  "who": _esc(r["reporter_name"] or r["reporter_id"] or "（未记录汽车生产企业）"),
                  "role_zh": ROLES.get(r["reporter_role"], _esc(r["reporter_role"]))} for r in rows])  # fmt: skip


_GROUP_ZH = {
    "generalProductInformation": "基本信息",
    "materialComposition": "材料组成",
    "performanceAndDurability": "性能与耐久",
    "composition": "组成（上下级）",
    "circularity": "循环利用",
    "vehicle": "车辆",
    "compliance": "合规",
}
_ACCESS_ZH = {"public": "公开", "authorised": "授权方", "authority": "主管部门"}
_KEY_ZH = {
    "productIdentifier": "产品编码", "batteryCategory": "电池类别", "productType": "产品类型",
    "manufacturerInformation": "生产企业", "manufacturingDate": "生产日期", "manufacturingPlace": "生产地点",
    "batteryChemistry": "电池化学体系", "ratedEnergy": "额定能量", "parents": "上级", "children": "下级",
    "batteryStatus": "电池状态", "puttingIntoService": "投入使用", "lifecycleEvents": "生命周期事件",
    "vin": "车辆识别代号", "eventSites": "事件地点", "reportChecks": "上报检查",
}  # fmt: skip


def _brief(v: Any) -> str:
    """One cell of the passport table: scalars as they are, a mapping as k=v, a list by its length."""
    if isinstance(v, dict):
        return "，".join(f"{k}={'—' if x is None else x}" for k, x in v.items())
    if isinstance(v, list):
        return f"{len(v)} 条"
    return "—" if v is None else str(v)


@battery_app.command("passport")
def passport_cmd(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="电池编码")],
    access: Annotated[
        str, typer.Option("--access", help="访问级别：public 公开 | authorised 授权方 | authority 主管部门")
    ] = "public",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="上报检查的日期 YYYY-MM-DD（默认今天）")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """电池护照（DIN DKE SPEC 99100 / BatteryPass 数据模型的结构）：按访问级别给出静态与动态数据，未授权的项列为“已隐去”。

    只是结构相同，并非经过认证的电池护照；库中没有的属性（质量、碳足迹、再生料含量等）不给出。

    Example:
        chainbrain --db cq.duckdb battery passport FDBPBL5CQBS0019340000001
        chainbrain --db cq.duckdb battery passport FDBPBL5CQBS0019340000001 --access authority --json
    """
    from chainbrain.battery.passport import AUDIENCES, PassportError, passport
    from chainbrain.cli.context import console, fail, open_store, parse_day, print_json, print_table

    if access not in AUDIENCES:
        fail(f"--access 应为 {' | '.join(AUDIENCES)}，实际为 {access!r}", code=2)
    conn = open_store(ctx)
    try:
        p = passport(conn, code.strip(), access, parse_day(as_of))
    except PassportError as e:
        fail(str(e))
    finally:
        conn.close()
    if as_json:
        print_json(p.to_dict())
        return
    console.print(
        f"[bold]{_esc(p.identifier)}[/]  访问级别 {_ACCESS_ZH[p.audience]}  数据状态 {_status_zh(p.provenance.get('status'))}"
    )
    rows = [
        {"part": "静态" if part == "static" else "动态", "group": _GROUP_ZH.get(g, g), "key": f"{_KEY_ZH.get(k, k)}（{k}）", "value": _esc(_brief(v)),
         "access": _ACCESS_ZH[p.access[f"{part}.{g}.{k}"]]}
        for part, groups in (("static", p.static), ("dynamic", p.dynamic))
        for g, attrs in groups.items() for k, v in attrs.items()
    ]  # fmt: skip
    print_table(
        "电池护照",
        [("part", "数据"), ("group", "属性组"), ("key", "属性"), ("value", "值"), ("access", "级别")],
        rows,
    )
    if p.withheld:
        console.print("已隐去（需更高访问级别）：" + "、".join(_esc(w) for w in p.withheld))
    console.print("[yellow]结构参照 DIN DKE SPEC 99100 / BatteryPass，并非经过认证的电池护照。[/]")


@battery_app.command("recycling")
def recycling_cmd(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", min=2000, max=2100, help="只看这一年的事件")] = None,
    as_json: JsonOpt = False,
) -> None:
    """回收利用全景：各区县退役、回收入网点、梯次利用、再生利用的电量（GWh），回收服务网点覆盖，再生利用企业与头部企业数。

    头部企业：再生利用量占库内再生利用总量 20% 及以上的再生利用企业（chainbrain 口径，规划未定义），
    对应“渝链智擎”行动计划 二(十四)“到2027年累计培育动力电池回收利用行业头部企业2家”。

    Example:
        chainbrain --db cq.duckdb battery recycling
        chainbrain --db cq.duckdb battery recycling --year 2025 --json
    """
    from chainbrain.battery.recycling import picture
    from chainbrain.cli.context import console, open_store, print_json, print_table

    conn = open_store(ctx)
    try:
        pic = picture(conn, year=year)
    finally:
        conn.close()
    if as_json:
        print_json(pic.to_dict())
        return
    scope = f"{year}年" if year is not None else "全部年份"
    g = lambda x: f"{x:,.6f}"  # noqa: E731  GWh with kWh resolution
    print_table(f"回收利用流向（{scope}，GWh）",
                [("year", "年份"), ("district", "区县"), ("retired", "退役"), ("collected", "回收入网点"),
                 ("cascade", "梯次利用"), ("recycled", "再生利用")],
                [{"year": f.year, "district": _esc(f.district_name or f.district_code or "（未记录）"),
                  "retired": g(f.retired_gwh), "collected": g(f.collected_gwh), "cascade": g(f.cascade_gwh),
                  "recycled": g(f.recycled_gwh)} for f in pic.flows])  # fmt: skip
    print_table(f"回收服务网点（覆盖 {pic.districts_covered} / {pic.districts_total} 个区县）",
                [("district", "区县"), ("sites", "网点数")],
                [{"district": _esc(n.district_name or n.district_code), "sites": n.sites} for n in pic.network])  # fmt: skip
    print_table("再生利用企业", [("name", "企业"), ("gwh", "再生利用量(GWh)"), ("share", "占比")],
                [{"name": _esc(r.name or r.enterprise_id), "gwh": g(r.recycled_gwh),
                  "share": "—" if r.share is None else f"{r.share:.1%}"} for r in pic.recyclers])  # fmt: skip
    share = lambda x: "—" if x is None else f"{x:.1%}"  # noqa: E731
    console.print(f"梯次利用占比 {share(pic.cascade_share)} · 前两家再生利用企业占比 {share(pic.top2_share)} · "
                  f"头部企业（占比 ≥{pic.leading_share:.0%}）{pic.leading_recyclers} 家，目标 2027年 2 家"
                  "（头部企业口径为 chainbrain 所定，规划未定义）")  # fmt: skip
    if pic.status is not None:
        console.print(f"数据状态：{_status_zh(pic.status)}（所计事件与电池中最弱的一级）")
    for n in pic.notes:
        console.print(f"[yellow]{_esc(n)}[/]")


@battery_app.command("vin")
def vin_cmd(vin: Annotated[str, typer.Argument(help="17位车辆识别代号")], as_json: JsonOpt = False) -> None:
    """校验车辆识别代号（GB 16735 第9位校验位）。无效时退出码为 2。

    Example:
        chainbrain battery vin LFV3A23C6H3012345
    """
    from chainbrain.battery.vin import check_vin
    from chainbrain.cli.context import console, print_json

    r = check_vin(vin)
    if as_json:
        print_json(
            {"vin": r.vin, "valid": r.valid, "check_digit": r.expected_check, "errors": list(r.errors)}
        )
    elif r.valid:
        console.print(f"[green]有效[/] {_esc(r.vin)}（校验位 {r.expected_check}）")
    else:
        console.print(f"[red]无效[/] {_esc(r.vin)}：" + "；".join(_esc(e) for e in r.errors))
    if not r.valid:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.add_typer(battery_app, name="battery")
