"""One Excel workbook that holds several chain-map tables — a firm (企业), its plants (场所), its supply
links (供应关系), … — imported all-or-nothing across its sheets.

Each sheet is named after its table (Chinese or English, or an alias: 企业, 场所, 供应关系, 车型, …) and read
like a file of that table. Sheets are checked in the order a row can refer back (districts → segments →
firms → plants → car models → BOM lines → links), so a plant on 场所 may name a firm of 企业 and a link a
plant of 场所 (:class:`chainbrain.io.names.Names`). Every problem of every sheet is reported, each with its
sheet, row, column and value; only a workbook without any is written, in one transaction
(:func:`chainbrain.store.records.write_transaction`) together with the caller's audit record.

Sheets whose names start with ``示例`` or ``说明`` (a template's examples and guide) and hidden sheets (its
drop-down lists) are not imported; any other sheet must be a table's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.io import registry
from chainbrain.io.chain_tables import ALIASES
from chainbrain.io.fields import TITLE_ZH, normalize_header
from chainbrain.io.importer import ImportResult
from chainbrain.io.names import Names
from chainbrain.io.problems import ImportRejected, Problem
from chainbrain.io.readers import XLSX_SUFFIXES, ReadError, Sheet, UnsafeFileError, read_xlsx_sheets
from chainbrain.io.templates import EXAMPLE_PREFIX, GUIDE_SHEET
from chainbrain.io.validate import Progress, validate_sheet
from chainbrain.store.records import write_transaction

#: the tables a workbook may hold, in the order their sheets are checked and written
ORDER = ("districts", "segments", "enterprises", "sites", "vehicle_models", "bom_lines", "supply_links")


def sheet_table(title: str) -> str | None:
    """The table a sheet of that title holds, or None."""
    key = normalize_header(title)
    for table in ORDER:
        if key in {normalize_header(n) for n in (table, TITLE_ZH[table], *ALIASES[table])}:
            return table
    return None


@dataclass
class WorkbookResult:
    """What a workbook import wrote (or, with ``dry_run``, would write), table by table."""

    file: str
    tables: list[ImportResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables)

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "file": self.file,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "dry_run": self.dry_run,
            "tables": [asdict(t) for t in self.tables],
        }


def _sheets(path: Path) -> tuple[list[tuple[str, Sheet]], list[Problem]]:
    """(table, sheet) in import order, and the problems with the workbook's sheets themselves."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        raise ReadError(f"综合导入只接受 Excel 工作簿（.xlsx），不接受 {path.suffix or '无扩展名的文件'}")
    problems: list[Problem] = []
    found: dict[str, Sheet] = {}
    for sheet in read_xlsx_sheets(path):
        title = sheet.title or ""
        if title.startswith((EXAMPLE_PREFIX, GUIDE_SHEET)):
            continue
        table = sheet_table(title)
        if table is None:
            if sheet.headers or sheet.rows:
                known = "、".join(TITLE_ZH[t] for t in ORDER)
                problems.append(
                    Problem(
                        path.name,
                        None,
                        None,
                        title,
                        f"未知工作表“{title}”：可导入的工作表有 {known}",
                        sheet=title,
                    )
                )
            continue
        if table in found:
            other = found[table].title
            reason = f"工作表“{title}”与“{other}”都是{TITLE_ZH[table]}表，请合并为一个"
            problems.append(Problem(path.name, None, None, title, reason, sheet=title))
            continue
        found[table] = sheet
    ordered = [(t, found[t]) for t in ORDER if t in found]
    if not problems and not any(s.rows for _, s in ordered):
        names = "、".join(TITLE_ZH[t] for t in ORDER)
        problems.append(
            Problem(path.name, None, None, None, f"工作簿中没有要导入的数据（可导入的工作表：{names}）")
        )
    return ordered, problems


def validate_workbook(
    conn: duckdb.DuckDBPyConnection, path: Path, progress: Progress | None = None
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[Problem]]:
    """(table, rows ready to write) in write order, and every problem of every sheet; writes nothing."""
    path = Path(path)
    try:
        sheets, problems = _sheets(path)
    except UnsafeFileError:
        raise  # refused unread, answered apart from a file that is merely wrong
    except ReadError as e:
        return [], [Problem(path.name, None, None, None, str(e))]
    names = Names(conn)
    pending: dict[str, set[str]] = {}
    out: list[tuple[str, list[dict[str, Any]]]] = []
    total = sum(len(s.rows) for _, s in sheets)
    done = 0
    for table, sheet in sheets:
        base = done

        def step(n: int, _total: int, base: int = base) -> None:
            if progress is not None:
                progress(base + n, total)

        rows, sheet_problems = validate_sheet(conn, table, sheet, step, names=names, pending=pending)
        done += len(sheet.rows)
        problems += sheet_problems
        pending[table] = {r["id"] for r in rows}
        out.append((table, rows))
    return out, problems


def import_workbook(
    conn: duckdb.DuckDBPyConnection,
    path: str | Path,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    before_commit: Callable[[WorkbookResult], None] | None = None,
) -> WorkbookResult:
    """Check every sheet of the workbook at ``path`` and write them all in one transaction, or none.

    Raises :class:`ImportRejected` with every problem of every sheet (nothing written). ``before_commit``
    runs inside the transaction (the audit record). Raises
    :class:`chainbrain.store.records.WriteConflict` when another write collided (nothing written).
    """
    path = Path(path)
    if dry_run:
        return _checked(conn, path, progress, dry_run=True)[0]
    with write_transaction(conn, f"导入工作簿 {path.name}"):
        result, tables = _checked(conn, path, progress, dry_run=False)
        for table, rows in tables:
            registry.get(table).write(conn, rows)
        if before_commit is not None:
            before_commit(result)
    return result


def _checked(
    conn: duckdb.DuckDBPyConnection, path: Path, progress: Progress | None, *, dry_run: bool
) -> tuple[WorkbookResult, list[tuple[str, list[dict[str, Any]]]]]:
    tables, problems = validate_workbook(conn, path, progress)
    if problems:
        raise ImportRejected(problems)
    result = WorkbookResult(path.name, dry_run=dry_run)
    for table, rows in tables:
        spec = registry.get(table)
        updated = spec.count_existing(conn, rows) if spec.count_existing is not None else 0
        result.tables.append(ImportResult(table, path.name, len(rows), len(rows) - updated, updated, dry_run))
    return result, tables
