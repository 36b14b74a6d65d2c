"""Register the chain-map tables (districts … supply_links) with the IO registry.

Each table is read and checked by :mod:`chainbrain.io.validate`, written by replacing rows with the same
id, exported as the store holds it, and gets a template from :mod:`chainbrain.io.templates`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from chainbrain.io.fields import TITLE_ZH
from chainbrain.io.names import Names
from chainbrain.io.problems import Problem
from chainbrain.io.registry import TableIO, register
from chainbrain.io.templates import Choices, write_template
from chainbrain.io.validate import Progress, validate_file
from chainbrain.schema import SQL_TABLE, TABLES
from chainbrain.store.records import dump_table, fetch_dicts, insert_rows

#: other names a user may type for a table
ALIASES: dict[str, tuple[str, ...]] = {
    "districts": ("district", "行政区划", "区县"),
    "segments": ("segment", "环节", "产业链环节"),
    "enterprises": ("enterprise", "企业"),
    "sites": ("site", "场所", "厂区"),
    "vehicle_models": ("vehicle_model", "车型"),
    "bom_lines": ("bom_line", "bom", "BOM"),
    "supply_links": ("supply_link", "links", "供应关系"),
}


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def existing_ids(conn: duckdb.DuckDBPyConnection, table: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` are already in the store."""
    if not ids:
        return set()
    found = fetch_dicts(
        conn, f"SELECT id FROM {SQL_TABLE[table]} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
    )
    return {d["id"] for d in found}


def replace_rows(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> int:
    """Delete the rows with these ids, then insert: an update replaces the whole row.

    ``insert_rows(replace=True)`` cannot be used: DuckDB refuses INSERT OR REPLACE on tables with a
    second UNIQUE constraint (enterprise.credit_code, bom_line (model_id, segment_id)).
    The caller owns the transaction.
    """
    if not rows:
        return 0
    conn.execute(f"DELETE FROM {SQL_TABLE[table]} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [_ids(rows)])
    return insert_rows(conn, table, rows)


def choices_from_store(conn: duckdb.DuckDBPyConnection) -> Choices:
    """The names a template's drop-downs offer: the store's districts, segments, firms, plants, models."""
    return Choices(Names(conn).choices())


def _spec(table: str) -> TableIO:
    def validate(
        conn: duckdb.DuckDBPyConnection, path: Path, progress: Progress | None
    ) -> tuple[list[dict[str, Any]], list[Problem]]:
        return validate_file(conn, table, path, progress)

    def write(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        return replace_rows(conn, table, rows)

    def template(path: Path) -> None:
        write_template(table, path)

    def template_from_store(path: Path, conn: duckdb.DuckDBPyConnection) -> None:
        write_template(table, path, choices_from_store(conn))

    def export(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        return dump_table(conn, table)

    def count_existing(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        return len(existing_ids(conn, table, _ids(rows)))

    return TableIO(
        name=table,
        title_zh=TITLE_ZH[table],
        validate=validate,
        write=write,
        template=template,
        export=export,
        aliases=ALIASES[table],
        count_existing=count_existing,
        template_from_store=template_from_store,
    )


for _table in TABLES:
    register(_spec(_table))
