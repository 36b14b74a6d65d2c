"""Export a table as CSV (UTF-8 with BOM, so Excel opens it), XLSX or JSON.

Columns are the store's own column names, so an exported file imports again unchanged. Lists (roles,
labels) are joined with ``;`` in CSV and XLSX and stay arrays in JSON; dates are ISO ``2024-12-31``.
Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@`` …) is written with a leading
quote in CSV and XLSX (:mod:`chainbrain.io.safe`); JSON keeps it as stored. Such a text comes back unchanged
only through a reader that drops the quote again (:func:`chainbrain.io.safe.restore_text`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook

from chainbrain.io import registry
from chainbrain.io.safe import append, safe_cell
from chainbrain.schema import SQL_TABLE
from chainbrain.store.records import table_columns

FORMATS = ("csv", "xlsx", "json")


def _flat(v: Any) -> Any:
    """A value for a CSV/XLSX cell."""
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def _text(v: Any) -> str:
    """A value for a CSV field: text that would start a formula is quoted, numbers stay plain numbers."""
    v = safe_cell(_flat(v))
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, tuple):
        return list(v)
    return v


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([_text(c) for c in columns])
        for r in rows:
            w.writerow([_text(r.get(c)) for c in columns])


def write_xlsx(path: Path, sheet: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    append(ws, columns)
    for r in rows:
        append(ws, [_flat(r.get(c)) for c in columns])
    wb.save(Path(path))


def write_json(path: Path, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    data = [{c: _json_value(r.get(c)) for c in columns} for r in rows]
    doc = {"table": table, "columns": list(columns), "count": len(data), "data": data}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _columns(conn: duckdb.DuckDBPyConnection, name: str, rows: Sequence[dict[str, Any]]) -> list[str]:
    """The store's columns for a chain-map table; for tables registered elsewhere, the keys their
    ``export`` gives (none when they have no rows)."""
    if name in SQL_TABLE:
        return table_columns(conn, name)
    return list(rows[0]) if rows else []


def export_table(conn: duckdb.DuckDBPyConnection, table: str, fmt: str, path: Path) -> int:
    """Write every row of ``table`` to ``path`` in ``fmt``; returns the number of rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt!r}，可选：{'、'.join(FORMATS)}")
    spec = registry.get(table)
    rows = spec.export(conn)
    columns = _columns(conn, spec.name, rows)
    if fmt == "csv":
        write_csv(path, columns, rows)
    elif fmt == "xlsx":
        write_xlsx(path, spec.name, columns, rows)
    else:
        write_json(path, spec.name, columns, rows)
    return len(rows)
