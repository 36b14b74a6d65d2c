"""``import``, ``export`` and ``template``: files in and out of the store, checked row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from chainbrain.cli.context import HandledCommand, State, console, err_console, fail, open_store, print_json
from chainbrain.errors import os_reason
from chainbrain.io import FORMATS, ImportRejected, export_table, import_file, registry
from chainbrain.io.chain_tables import choices_from_store
from chainbrain.io.problems import Problem
from chainbrain.io.templates import write_workbook_template
from chainbrain.io.workbook import import_workbook

#: the table argument that means a combined workbook (企业 / 场所 / 供应关系 … in one file)
WORKBOOK = ("workbook", "综合", "工作簿")


def _tables_help() -> str:
    # separated by ", " so Rich can wrap the line (it does not break inside Chinese text)
    tables = ", ".join(f"{n} {registry.get(n).title_zh}" for n in registry.names())
    return f"数据表: {tables}, workbook 综合工作簿（企业+场所+供应关系）"


TABLES_HELP = _tables_help()

#: problems listed in the terminal table (all of them with --json)
MAX_SHOWN = 200


def _spec(table: str) -> registry.TableIO:
    return registry.get(table)


def _show_problems(problems: list[Problem]) -> None:
    table = Table(title=f"导入被拒绝：{len(problems)} 个问题，未写入任何数据", show_lines=True)
    table.add_column("文件", overflow="fold")
    table.add_column("工作表", overflow="fold")
    table.add_column("行", justify="right")
    table.add_column("列", overflow="fold")
    table.add_column("值", overflow="fold")
    table.add_column("原因", overflow="fold", ratio=1)
    for p in problems[:MAX_SHOWN]:
        cells = (p.file, p.sheet, p.row, p.column, p.value, p.reason)
        table.add_row(*("" if c is None else str(c) for c in cells))
    console.print(table)
    if len(problems) > MAX_SHOWN:
        console.print(f"仅显示前 {MAX_SHOWN} 个问题，共 {len(problems)} 个；加 --json 可得到全部。")


def import_cmd(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help=TABLES_HELP, show_default=False)],
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GBK）、XLSX 或 JSON 文件，中文或英文表头")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入")] = False,
) -> None:
    """导入数据表：先逐行检查，全部无误才在一个事务中写入（有任何问题则一条都不写，退出码 2）。

    编号已存在的记录会被更新（整行替换）。区县、环节、企业、场所可填中文名称或编号。
    workbook：一个工作簿同时导入企业、场所和供应关系（工作表 企业 / 场所 / 供应关系），各表一起检查、一起写入。

    Example:
        chainbrain template enterprises -o 企业.xlsx
        chainbrain import enterprises 企业.xlsx
        chainbrain import supply_links links.csv --dry-run --json
        chainbrain import workbook 综合导入.xlsx
    """
    if table in WORKBOOK:
        _import_workbook(ctx, file, as_json, dry_run)
        return
    spec = _spec(table)
    conn = open_store(ctx, must_exist=False)
    try:
        if as_json:
            result = import_file(conn, spec.name, file, dry_run=dry_run)
        else:
            with Progress(
                TextColumn("检查 {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
                transient=True,
            ) as bar:
                task = bar.add_task(file.name, total=None)
                result = import_file(
                    conn,
                    spec.name,
                    file,
                    lambda done, total: bar.update(task, completed=done, total=total),
                    dry_run=dry_run,
                )
    except ImportRejected as e:
        _rejected(e, as_json)
    except (ValueError, OSError) as e:
        # readers registered by other packages may raise instead of returning a problem
        fail(f"无法读取 {file}：{os_reason(e)}", code=2)
    finally:
        conn.close()
    if as_json:
        print_json(result.to_dict())
        return
    verb = "检查通过（未写入）：将" if dry_run else "导入完成："
    console.print(
        f"{verb}{spec.title_zh} 新增 {result.inserted} 条，更新 {result.updated} 条（{result.file}）"
    )


def _rejected(e: ImportRejected, as_json: bool) -> NoReturn:
    """Every problem of a refused import, as JSON or a table; exit 2 (nothing was written)."""
    if as_json:
        print_json({"ok": False, "problems": [p.to_dict() for p in e.problems], "count": len(e.problems)})
    else:
        _show_problems(e.problems)
    raise typer.Exit(2) from e


def _import_workbook(ctx: typer.Context, file: Path, as_json: bool, dry_run: bool) -> None:
    conn = open_store(ctx, must_exist=False)
    try:
        result = import_workbook(conn, file, dry_run=dry_run)
    except ImportRejected as e:
        _rejected(e, as_json)
    except (ValueError, OSError) as e:
        fail(f"无法读取 {file}：{os_reason(e)}", code=2)
    finally:
        conn.close()
    if as_json:
        print_json(result.to_dict())
        return
    verb = "检查通过（未写入）：将" if dry_run else "导入完成："
    parts = "，".join(
        f"{registry.get(t.table).title_zh} 新增 {t.inserted} 条、更新 {t.updated} 条" for t in result.tables
    )
    console.print(f"{verb}{parts}（{result.file}）")


def export_cmd(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help=TABLES_HELP, show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv、xlsx 或 json（默认按文件扩展名）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果摘要")] = False,
) -> None:
    """导出数据表为 CSV（UTF-8 带 BOM，Excel 可直接打开）、XLSX 或 JSON；导出的文件可原样再导入。

    Example:
        chainbrain export supply_links --format xlsx -o 供应关系.xlsx
        chainbrain export enterprises -o enterprises.csv
    """
    spec = _spec(table)
    chosen = (fmt or output.suffix.lstrip(".") or "csv").lower()
    if chosen not in FORMATS:
        fail(f"不支持的导出格式 {chosen!r}，可选：{'、'.join(FORMATS)}", code=2)
    conn = open_store(ctx)
    try:
        n = export_table(conn, spec.name, chosen, output)
    finally:
        conn.close()
    if as_json:
        print_json({"table": spec.name, "format": chosen, "path": str(output), "count": n})
        return
    console.print(f"已导出{spec.title_zh} {n} 条 → {output}")


def template_cmd(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help=TABLES_HELP, show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx 文件")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果摘要")] = False,
) -> None:
    """生成 Excel 导入模板：中文表头（每个表头有批注说明和示例）、下拉选项、示例行和“说明”页。

    数据库存在时，区县、环节、企业、场所的下拉列表取自其中的名称。
    workbook：综合模板（企业 / 场所 / 供应关系 三个工作表，一次导入）。

    Example:
        chainbrain template enterprises -o 企业导入模板.xlsx
        chainbrain template workbook -o 综合导入模板.xlsx
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"模板必须是 .xlsx 文件：{output}", code=2)
    state = ctx.obj if isinstance(ctx.obj, State) else State()
    if table in WORKBOOK:
        if state.db_path.exists():
            conn = open_store(ctx)
            try:
                write_workbook_template(output, choices_from_store(conn))
            finally:
                conn.close()
        else:
            write_workbook_template(output)
        if as_json:
            print_json({"table": "workbook", "path": str(output)})
        else:
            console.print(f"已生成综合导入模板（企业、场所、供应关系）→ {output}")
        return
    spec = _spec(table)
    if spec.template_from_store is not None and state.db_path.exists():
        conn = open_store(ctx)
        try:
            spec.template_from_store(output, conn)
        finally:
            conn.close()
    else:
        spec.template(output)
    if as_json:
        print_json({"table": spec.name, "path": str(output)})
        return
    console.print(f"已生成{spec.title_zh}导入模板 → {output}")


def register(app: typer.Typer) -> None:
    app.command("import", cls=HandledCommand)(import_cmd)
    app.command("export", cls=HandledCommand)(export_cmd)
    app.command("template", cls=HandledCommand)(template_cmd)
