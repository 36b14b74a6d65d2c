"""Validate a chain-map file before anything is written, collecting every problem.

Order: read the file → map the headers (unknown / missing / repeated columns) → read each cell as its
column's kind → validate each row as its record type → check across rows and against the store
(foreign keys, duplicates, cycles). A cell that fails an earlier step is left out of the later ones, so one
mistake is reported once; the row's other cells are still checked, so every problem shows at once.
An empty file (headers only) is valid and imports nothing, like an exported empty table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from chainbrain.io.cells import CellError, coerce, translate_error
from chainbrain.io.checks import ROW_RULES_CHECKED, CheckContext, ParsedRow, check_all
from chainbrain.io.fields import COLUMNS, TITLE_ZH, Column, header_index, normalize_header, required_fields
from chainbrain.io.problems import Problem
from chainbrain.io.readers import ReadError, Sheet, UnsafeFileError, read_file
from chainbrain.schema import TABLES

Progress = Callable[[int, int], None]

#: report progress every this many rows
PROGRESS_STEP = 500


def map_headers(table: str, sheet: Sheet) -> tuple[dict[int, tuple[str, Column]], list[Problem]]:
    """Column position → (header as written, column); problems for unknown, repeated, missing headers."""
    index = header_index(table)
    by_pos: dict[int, tuple[str, Column]] = {}
    seen: dict[str, str] = {}
    problems = []
    for pos, header in enumerate(sheet.headers):
        if header == "":
            continue  # cells under a blank header are reported row by row
        col = index.get(normalize_header(header))
        if col is None:
            known = "、".join(c.zh for c in COLUMNS[table])
            problems.append(
                Problem(sheet.file, 1, header, header, f"未知列；{TITLE_ZH[table]}表的列有：{known}")
            )
            continue
        if col.field in seen:
            problems.append(
                Problem(sheet.file, 1, header, header, f"与列“{seen[col.field]}”重复（都是 {col.field}）")
            )
            continue
        seen[col.field] = header
        by_pos[pos] = (header, col)
    required = required_fields(table)
    for col in COLUMNS[table]:
        if col.field in required and col.field not in seen:
            problems.append(Problem(sheet.file, 1, col.zh, None, f"缺少必填列“{col.zh}”（{col.field}）"))
    return by_pos, problems


def parse_row(
    table: str, sheet: Sheet, row: int, cells: list[Any], by_pos: dict[int, tuple[str, Column]]
) -> tuple[ParsedRow, list[Problem]]:
    """One data row as a record and its problems; a row with problems keeps the values that were fine,
    so the checks across rows still see its id, its references and so on."""
    file = sheet.file
    written: dict[str, tuple[str, Any]] = {}
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    bad: set[str] = set()
    for pos, (header, col) in by_pos.items():
        raw = cells[pos] if pos < len(cells) else None
        written[col.field] = (header, raw)
        try:
            value = coerce(col, raw)
        except CellError as e:
            problems.append(Problem(file, row, header, raw, str(e)))
            bad.add(col.field)
            continue
        if value is not None:
            data[col.field] = value
    for pos, raw in enumerate(cells):
        if raw is not None and (pos >= len(sheet.headers) or sheet.headers[pos] == ""):
            problems.append(Problem(file, row, f"第{pos + 1}列", raw, "该单元格有数据但没有表头"))
    try:
        record = TABLES[table].model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = err.get("loc") or ()
            field = str(loc[0]) if loc else None
            if field is None and table in ROW_RULES_CHECKED:
                continue  # a whole-record rule that the checks across rows apply to every row
            if field is not None and (field in bad or field not in written):
                continue  # already reported, or its column is missing (reported once, on the header)
            column, cell = written[field] if field is not None else (None, None)
            problems.append(Problem(file, row, column, cell, translate_error(err)))
            if field is not None:
                data.pop(field, None)
        return ParsedRow(row, data, written, valid=False), problems
    return ParsedRow(row, record.model_dump(), written, valid=not problems), problems


def validate_sheet(
    conn: duckdb.DuckDBPyConnection, table: str, sheet: Sheet, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """(rows ready to write, every problem) for a sheet already read."""
    by_pos, problems = map_headers(table, sheet)
    parsed: list[ParsedRow] = []
    total = len(sheet.rows)
    for i, (row, cells) in enumerate(sheet.rows, start=1):
        parsed_row, row_problems = parse_row(table, sheet, row, cells, by_pos)
        problems += row_problems
        parsed.append(parsed_row)
        if progress is not None and (i % PROGRESS_STEP == 0 or i == total):
            progress(i, total)
    problems += check_all(CheckContext(conn, table, sheet.file, parsed))
    problems.sort(key=lambda p: p.row if p.row is not None else 0)
    return [p.data for p in parsed if p.valid], problems


def validate_file(
    conn: duckdb.DuckDBPyConnection, table: str, path: Path, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read and validate ``path`` as rows of ``table``; writes nothing.

    A file that cannot be read is one problem; an unsafe one raises :class:`UnsafeFileError`.
    """
    path = Path(path)
    try:
        sheet = read_file(path, table, TITLE_ZH[table])
    except UnsafeFileError:
        raise  # refused unread: the caller answers differently from a file that is merely wrong
    except ReadError as e:
        return [], [Problem(path.name, None, None, None, str(e))]
    return validate_sheet(conn, table, sheet, progress)
