"""Validate a chain-map file before anything is written, collecting every problem.

Order: read the file → map the headers (unknown / missing / repeated columns) → read each cell as its
column's kind → resolve the names in reference cells to ids and give blank ids one
(:mod:`chainbrain.io.names`) → validate each row as its record type → check across rows and against the
store (foreign keys, duplicates, cycles). A cell that fails an earlier step is left out of the later ones, so one
mistake is reported once; the row's other cells are still checked, so every problem shows at once.
An empty file (headers only) is valid and imports nothing, like an exported empty table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from chainbrain.io.cells import CellError, coerce, translate_error
from chainbrain.io.checks import ROW_RULES_CHECKED, CheckContext, ParsedRow, check_all
from chainbrain.io.fields import (
    AUTO_ID,
    COLUMNS,
    STAND_INS,
    TITLE_ZH,
    Column,
    header_index,
    normalize_header,
    required_columns,
)
from chainbrain.io.names import NameProblem, Names, new_id
from chainbrain.io.problems import Problem
from chainbrain.io.readers import ReadError, Sheet, UnsafeFileError, read_file
from chainbrain.schema import TABLES

Progress = Callable[[int, int], None]

#: report progress every this many rows
PROGRESS_STEP = 500


def _problem(sheet: Sheet, row: int | None, column: str | None, value: Any, reason: str) -> Problem:
    """A problem on ``sheet``: an Excel sheet is named apart from its file."""
    if sheet.title is not None and sheet.path_name is not None:
        return Problem(sheet.path_name, row, column, value, reason, sheet=sheet.title)
    return Problem(sheet.file, row, column, value, reason)


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
            problems.append(_problem(sheet, 1, header, header, f"未知列；{TITLE_ZH[table]}表的列有：{known}"))
            continue
        if col.field in seen:
            problems.append(
                _problem(sheet, 1, header, header, f"与列“{seen[col.field]}”重复（都是 {col.field}）")
            )
            continue
        seen[col.field] = header
        by_pos[pos] = (header, col)
    required = required_columns(table)
    for col in COLUMNS[table]:
        if col.field in required and col.field not in seen:
            problems.append(_problem(sheet, 1, col.zh, None, f"缺少必填列“{col.zh}”（{col.field}）"))
    return by_pos, problems


@dataclass
class _Cells:
    """One data row after its cells were read: values, the cells as written, problems, bad fields."""

    row: int
    data: dict[str, Any]
    written: dict[str, tuple[str, Any]]
    problems: list[Problem]
    bad: set[str]


def read_cells(sheet: Sheet, row: int, cells: list[Any], by_pos: dict[int, tuple[str, Column]]) -> _Cells:
    """Each cell of a row read as its column's kind (names not yet resolved)."""
    out = _Cells(row, {}, {}, [], set())
    for pos, (header, col) in by_pos.items():
        raw = cells[pos] if pos < len(cells) else None
        out.written[col.field] = (header, raw)
        try:
            value = coerce(col, raw)
        except CellError as e:
            out.problems.append(_problem(sheet, row, header, raw, str(e)))
            out.bad.add(col.field)
            continue
        if value is not None:
            out.data[col.field] = value
    for pos, raw in enumerate(cells):
        if raw is not None and (pos >= len(sheet.headers) or sheet.headers[pos] == ""):
            out.problems.append(_problem(sheet, row, f"第{pos + 1}列", raw, "该单元格有数据但没有表头"))
    return out


def record_row(table: str, sheet: Sheet, c: _Cells) -> tuple[ParsedRow, list[Problem]]:
    """Validate a row (names resolved) as its record; a row with problems keeps the values that were
    fine, so the checks across rows still see its id, its references and so on."""
    data, written, problems, bad = c.data, c.written, list(c.problems), c.bad
    for col in COLUMNS[table]:
        if col.helper:
            data.pop(col.field, None)
    try:
        record = TABLES[table].model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = err.get("loc") or ()
            field = str(loc[0]) if loc else None
            if field is None and table in ROW_RULES_CHECKED:
                continue  # a whole-record rule that the checks across rows apply to every row
            if field == "id" and table in AUTO_ID and err.get("type") == "missing":
                continue  # a blank id is given from the names; the names' own problems are reported
            stand_in = STAND_INS.get(field or "")
            if field is not None and (field in bad or (field not in written and stand_in not in written)):
                continue  # already reported, or its column is missing (reported once, on the header)
            column: str | None = None
            cell: Any = None
            if field is not None:
                column, cell = written[stand_in] if field not in written and stand_in else written[field]
            problems.append(_problem(sheet, c.row, column, cell, translate_error(err)))
            if field is not None:
                data.pop(field, None)
        return ParsedRow(c.row, data, written, valid=False), problems
    return ParsedRow(c.row, record.model_dump(), written, valid=not problems), problems


def parse_row(
    table: str, sheet: Sheet, row: int, cells: list[Any], by_pos: dict[int, tuple[str, Column]]
) -> tuple[ParsedRow, list[Problem]]:
    """One data row as a record and its problems, with references taken as ids (no name look-up)."""
    return record_row(table, sheet, read_cells(sheet, row, cells, by_pos))


def validate_sheet(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    sheet: Sheet,
    progress: Progress | None = None,
    names: Names | None = None,
    pending: dict[str, set[str]] | None = None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """(rows ready to write, every problem) for a sheet already read.

    References may be names (:mod:`chainbrain.io.names`): ``names`` knows the store and the rows of the
    workbook's earlier sheets, whose ids ``pending`` lists by table (for the foreign-key checks). The
    sheet's good rows are added to ``names``.
    """
    names = names if names is not None else Names(conn)
    by_pos, problems = map_headers(table, sheet)
    read = [read_cells(sheet, row, cells, by_pos) for row, cells in sheet.rows]
    if table == "segments":  # a segment's parent may be another row of the same sheet
        names.add_rows(table, [c.data for c in read if c.data.get("id")])
    parsed: list[ParsedRow] = []
    total = len(read)
    for i, c in enumerate(read, start=1):
        resolve_row(table, sheet, c, names)
        parsed_row, row_problems = record_row(table, sheet, c)
        problems += row_problems
        parsed.append(parsed_row)
        if progress is not None and (i % PROGRESS_STEP == 0 or i == total):
            progress(i, total)
    good = [p.data for p in parsed if p.valid]
    names.add_rows(table, good)
    ctx = CheckContext(conn, table, sheet.file, parsed, pending=pending or {}, sheet=sheet.title)
    if sheet.path_name is not None and sheet.title is not None:
        ctx.file = sheet.path_name
    problems += check_all(ctx)
    problems.sort(key=lambda p: p.row if p.row is not None else 0)
    return good, problems


def resolve_row(table: str, sheet: Sheet, c: _Cells, names: Names) -> None:
    """Replace the names in a row's reference cells by ids, and give a blank id one (in place)."""
    data = c.data

    def resolve(field: str, find: Any) -> None:
        value = data.get(field)
        header = c.written.get(field, (field, value))[0]
        if field in c.bad:
            return
        try:
            found = find(value)
        except NameProblem as e:
            c.problems.append(_problem(sheet, c.row, header, value, str(e)))
            c.bad.add(field)
            data.pop(field, None)
            return
        if found is not None:
            data[field] = found

    def text(v: Any) -> str | None:
        return None if v is None else str(v)

    for col in COLUMNS[table]:
        if col.ref in ("district", "segment") and data.get(col.field) is not None:
            finder = names.district if col.ref == "district" else names.segment
            resolve(col.field, finder)
    if table == "sites" and data.get("enterprise_id") is not None:
        resolve("enterprise_id", names.firm)
    if table == "vehicle_models":
        if data.get("oem_id") is not None:
            resolve("oem_id", names.firm)
        if data.get("site_id") is not None and "oem_id" not in c.bad:
            resolve("site_id", lambda v: names.site(text(v), None))
    if table == "bom_lines" and data.get("model_id") is not None:
        resolve("model_id", lambda v: names.model(str(v), None))
    if table == "supply_links":
        for side in ("buyer", "supplier"):
            firm_field, site_field = f"{side}_enterprise", f"{side}_site_id"
            if data.get(firm_field) is not None:
                resolve(firm_field, names.firm)
            if firm_field in c.bad or site_field in c.bad:
                c.bad.add(site_field)  # the firm's problem stands for its site too
                continue
            firm = data.get(firm_field)
            if data.get(site_field) is None and firm is None:
                continue  # reported as a missing field
            if site_field not in data:
                # the firm stands in for its one site: a problem is reported on the firm's cell
                header, value = c.written[firm_field]
                try:
                    data[site_field] = names.site(None, firm)
                except NameProblem as e:
                    c.problems.append(_problem(sheet, c.row, header, value, str(e)))
                    c.bad.add(site_field)
                continue
            resolve(site_field, lambda v, f=firm: names.site(text(v), f))
    if table in AUTO_ID and data.get("id") is None:
        given = _given_id(table, data, names)
        if given is not None:
            data["id"] = given


def _given_id(table: str, data: dict[str, Any], names: Names) -> str | None:
    """The id of the stored record a row with a blank id means, else a new one from its names."""
    if table == "enterprises" and data.get("name"):
        return names.stored_firm_by_name(data["name"]) or new_id("e", data["name"])
    if table == "sites" and data.get("enterprise_id") and data.get("name"):
        firm, name = data["enterprise_id"], data["name"]
        return names.stored_site(firm, name) or new_id("s", firm, name)
    if table == "vehicle_models" and data.get("oem_id") and data.get("name"):
        oem, name = data["oem_id"], data["name"]
        return names.stored_model(oem, name) or new_id("m", oem, name)
    if table == "bom_lines" and data.get("model_id") and data.get("segment_id"):
        bom = (data["model_id"], data["segment_id"])
        return names.keys.get(("bom_lines", bom)) or new_id("b", *bom)
    if table == "supply_links" and all(
        data.get(f) for f in ("buyer_site_id", "supplier_site_id", "segment_id")
    ):
        key = (data["buyer_site_id"], data["supplier_site_id"], data["segment_id"])
        stored = names.keys.get(("supply_links", key))
        if stored:
            return stored
        natural = f"{key[0]}>{key[1]}:{key[2]}"  # the demo data's own form
        return natural if len(natural) <= 64 else new_id("l", *key)
    return None  # a required name is missing: reported by the record's own check


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
