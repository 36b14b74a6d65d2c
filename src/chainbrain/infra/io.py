"""Import, export and templates for the infrastructure tables, registered with :mod:`chainbrain.io.registry`.

The same contract as every other table: a file (CSV/XLSX/JSON) is read, every cell and row checked, and
every problem reported with its file, row, column and value in Chinese; nothing is written unless the whole
file is clean. Headers may be Chinese or English (the store's column names, so an export re-imports).
Districts may be written as codes or names (渝北区, 渝北); townships as codes or names within the row's
district; kinds, states and statuses in Chinese or English. A row whose id is stored replaces that row.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from chainbrain.infra.tables import DISTRICT_FIELDS, TABLES, TOWNSHIP_FIELDS, InfraTable
from chainbrain.infra.vocab import VOCABS, choices, lookup
from chainbrain.io.cells import CellError, coerce, translate_error
from chainbrain.io.fields import ENUM, TEXT, Column, normalize_header
from chainbrain.io.problems import Problem
from chainbrain.io.readers import ReadError, Sheet, read_file
from chainbrain.io.registry import TableIO, register
from chainbrain.store.records import fetch_dicts, insert_rows

Progress = Callable[[int, int], None]
_LOOKUPS = {name: lookup(name) for name in VOCABS}
_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县", "区", "县")


def _strip(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


class _Places:
    """District and township codes by code or name, from the store."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.districts: dict[str, str] = {}
        for d in fetch_dicts(conn, "SELECT id, name FROM district"):
            self.districts[d["id"]] = d["id"]
            self.districts.setdefault(d["name"], d["id"])
            self.districts.setdefault(_strip(d["name"]), d["id"])
        self.township_codes: set[str] = set()
        self.townships: dict[tuple[str, str], str] = {}
        for t in fetch_dicts(conn, "SELECT id, name, district_code FROM township"):
            self.township_codes.add(t["id"])
            self.townships[(t["district_code"], t["name"])] = t["id"]

    def district(self, text: str) -> str:
        code = self.districts.get(text) or self.districts.get(_strip(text))
        if code is None:
            raise CellError(f"未知区县“{text}”：应为行政区划表中的6位代码或区县名称")
        return code

    def township(self, text: str, district: str | None) -> str:
        if text.isdigit() and len(text) == 9:
            if text not in self.township_codes:
                raise CellError(f"未知乡镇代码 {text}（须先导入乡镇街道表）")
            return text
        if district is None:
            raise CellError("按名称填写乡镇时须同时填写区县")
        code = self.townships.get((district, text))
        if code is None:
            raise CellError(f"区县 {district} 没有名为“{text}”的乡镇或街道")
        return code


def _map_headers(spec: InfraTable, sheet: Sheet) -> tuple[dict[int, tuple[str, Column]], list[Problem]]:
    index = {normalize_header(h): c for c in spec.columns for h in c.headers}
    by_pos: dict[int, tuple[str, Column]] = {}
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for pos, header in enumerate(sheet.headers):
        if header == "":
            continue
        col = index.get(normalize_header(header))
        if col is None:
            known = "、".join(c.zh for c in spec.columns)
            problems.append(
                Problem(sheet.file, 1, header, header, f"未知列；{spec.title_zh}表的列有：{known}")
            )
        elif col.field in seen:
            problems.append(Problem(sheet.file, 1, header, header, f"与列“{seen[col.field]}”重复"))
        else:
            seen[col.field] = header
            by_pos[pos] = (header, col)
    required = {n for n, f in spec.model.model_fields.items() if f.is_required()}
    for col in spec.columns:
        if col.field in required and col.field not in seen:
            problems.append(Problem(sheet.file, 1, col.zh, None, f"缺少必填列“{col.zh}”（{col.field}）"))
    return by_pos, problems


def _cell(col: Column, raw: Any) -> Any:
    if col.kind == ENUM and col.vocab:
        value = coerce(Column(col.field, col.zh, TEXT), raw)
        if value is None:
            return None
        canonical = _LOOKUPS[col.vocab].get(str(value).lower())
        if canonical is None:
            raise CellError(f"“{value}”不是可选值，可选：{choices(col.vocab)}")
        return canonical
    return coerce(col, raw)


def validate_sheet(
    conn: duckdb.DuckDBPyConnection, spec: InfraTable, sheet: Sheet, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """(rows ready to write, every problem) for a sheet of ``spec``'s table; writes nothing."""
    by_pos, problems = _map_headers(spec, sheet)
    if any(p.row == 1 and p.reason.startswith("缺少") for p in problems):
        return [], problems
    places = _Places(conn)
    ready: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    total = len(sheet.rows)
    for i, (row, cells) in enumerate(sheet.rows, start=1):
        data: dict[str, Any] = {}
        written: dict[str, tuple[str, Any]] = {}
        bad: set[str] = set()
        row_problems: list[Problem] = []
        for pos, (header, col) in sorted(by_pos.items(), key=lambda kv: kv[1][1].field in TOWNSHIP_FIELDS):
            raw = cells[pos] if pos < len(cells) else None
            written[col.field] = (header, raw)
            try:
                value = _cell(col, raw)
                if value is not None and col.field in DISTRICT_FIELDS:
                    value = places.district(str(value))
                if value is not None and col.field in TOWNSHIP_FIELDS:
                    value = places.township(str(value), data.get("district_code"))
            except CellError as e:
                row_problems.append(Problem(sheet.file, row, header, raw, str(e)))
                bad.add(col.field)
                continue
            if value is not None:
                data[col.field] = value
        for pos, raw in enumerate(cells):
            if raw is not None and (pos >= len(sheet.headers) or sheet.headers[pos] == ""):
                row_problems.append(
                    Problem(sheet.file, row, f"第{pos + 1}列", raw, "该单元格有数据但没有表头")
                )
        try:
            record = spec.model.model_validate(data)
        except ValidationError as e:
            for err in e.errors():
                loc = err.get("loc") or ()
                field = str(loc[0]) if loc else None
                if field is not None and field in bad:
                    continue
                if field is not None and field not in written and err.get("type") == "missing":
                    continue  # the missing column is reported once, on the header
                column, cell = written.get(field, (None, None)) if field else (None, None)
                row_problems.append(Problem(sheet.file, row, column, cell, translate_error(err)))
        else:
            if not row_problems:
                ready.append(record.model_dump())
        key = str(data.get("id", ""))
        if key:
            if key in first_row:
                header = written.get("id", ("编号", None))[0]
                row_problems.append(Problem(sheet.file, row, header, key, f"编号与第{first_row[key]}行重复"))
            else:
                first_row[key] = row
        problems += row_problems
        if progress is not None and (i % 500 == 0 or i == total):
            progress(i, total)
    problems.sort(key=lambda p: p.row if p.row is not None else 0)
    return ready, problems


def _spec(spec: InfraTable) -> TableIO:
    def validate(
        conn: duckdb.DuckDBPyConnection, path: Path, progress: Progress | None
    ) -> tuple[list[dict[str, Any]], list[Problem]]:
        path = Path(path)
        try:
            sheet = read_file(path, spec.name, spec.title_zh)
        except ReadError as e:
            return [], [Problem(path.name, None, None, None, str(e))]
        return validate_sheet(conn, spec, sheet, progress)

    def write(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        return replace_rows(conn, spec, rows)

    def export(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        return fetch_dicts(conn, f"SELECT * FROM {spec.sql} ORDER BY id")

    def count_existing(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        ids = [r["id"] for r in rows]
        found = conn.execute(
            f"SELECT count(*) FROM {spec.sql} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchone()
        return int(found[0]) if found else 0

    def template(path: Path) -> None:
        write_template(spec, path)

    return TableIO(
        name=spec.name,
        title_zh=spec.title_zh,
        validate=validate,
        write=write,
        template=template,
        export=export,
        aliases=spec.aliases,
        count_existing=count_existing,
    )


def replace_rows(conn: duckdb.DuckDBPyConnection, spec: InfraTable, rows: list[dict[str, Any]]) -> int:
    """Delete the rows with these ids, then insert them; the caller owns the transaction."""
    if not rows:
        return 0
    ids = [r["id"] for r in rows]
    conn.execute(f"DELETE FROM {spec.sql} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    return insert_rows(conn, spec.sql, rows)


def write_template(spec: InfraTable, path: Path) -> None:
    """A fill-in workbook: the data sheet (Chinese headers, drop-downs), ``示例`` and ``说明``."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title_zh
    required = {n for n, f in spec.model.model_fields.items() if f.is_required()}
    bold = Font(bold=True)
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=j, value=col.zh)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="FCE4D6" if col.field in required else "DDEBF7")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(36, 2 * len(col.zh) + 4))
        if col.kind == TEXT:
            ws.column_dimensions[letter].number_format = "@"
        if col.kind == ENUM and col.vocab:
            forms = ",".join(f[0] for f in VOCABS[col.vocab].values())
            dv = DataValidation(type="list", formula1=f'"{forms}"', allow_blank=True)
            dv.add(f"{letter}2:{letter}5001")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    example = wb.create_sheet("示例")
    example.append([c.zh for c in spec.columns])
    example.append([c.example or None for c in spec.columns])
    guide = wb.create_sheet("说明")
    guide.append([f"{spec.title_zh}（{spec.name}）导入模板说明"])
    guide.append(
        ["从第2行起每行一条记录；中文或英文列名均可；任何一处有问题则整个文件都不写入，并列出所有问题。"]
    )
    guide.append(["中文列名", "英文列名", "必填", "说明", "示例"])
    for c in spec.columns:
        guide.append([c.zh, c.field, "是" if c.field in required else "否", c.note, c.example])
    guide.column_dimensions["D"].width = 60
    wb.save(Path(path))


for _t in TABLES.values():
    register(_spec(_t))
