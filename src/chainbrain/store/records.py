"""Write and read whole records: bulk inserts inside one transaction, counts, table dumps.

Writes whose checks read the store (foreign keys, duplicates, cycles) run in :func:`write_transaction`:
one such writer at a time in the process, checks and write in one transaction. DuckDB's snapshot
isolation alone does not suffice: two transactions that each add one supply link see neither the other's
link, so each finds no cycle and both commit one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb

from chainbrain.errors import Conflict
from chainbrain.store import keys
from chainbrain.store.tables import SQL_TABLE

if TYPE_CHECKING:
    import pyarrow as pa


def table_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of a store table, in order (``table`` is the public or the SQL name).

    The store's own key columns (:data:`chainbrain.store.keys.KEY_COLUMNS`) are left out: records, exports
    and imports never carry them.
    """
    sql_name = SQL_TABLE.get(table, table)
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [sql_name],
    ).fetchall()
    if not rows:
        raise KeyError(f"no table {table!r} in the store")
    hidden = keys.KEY_COLUMNS.get(sql_name, ())
    return [r[0] for r in rows if r[0] not in hidden]


def _arrow(conn: duckdb.DuckDBPyConnection, sql_name: str, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    import pyarrow as pa

    cols = table_columns(conn, sql_name)
    types = dict(
        conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [sql_name]
        ).fetchall()
    )
    arrays = {}
    for c in cols:
        values = [r.get(c) for r in rows]
        t = types[c]
        if t.endswith("[]"):
            arrays[c] = pa.array([list(v) if v is not None else None for v in values], pa.list_(pa.string()))
        elif t == "DATE":
            arrays[c] = pa.array(values, pa.date32())
        elif t in ("DOUBLE", "FLOAT"):
            arrays[c] = pa.array([None if v is None else float(v) for v in values], pa.float64())
        elif t in ("INTEGER", "BIGINT"):
            arrays[c] = pa.array(values, pa.int64())
        elif t == "BOOLEAN":
            arrays[c] = pa.array(values, pa.bool_())
        else:
            arrays[c] = pa.array([None if v is None else str(v) for v in values], pa.string())
    return pa.table(arrays)


#: batches up to this many rows are sent as one list parameter per column; larger ones through Arrow
SMALL_BATCH = 5000
_SIMPLE_TYPE = re.compile(r"^[A-Z]+(\(\d+(, ?\d+)?\))?(\[\])?$")


def _column_types(conn: duckdb.DuckDBPyConnection, sql_name: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
            " ORDER BY ordinal_position",
            [sql_name],
        ).fetchall()
    ]


def _insert_small(
    conn: duckdb.DuckDBPyConnection, sql_name: str, rows: Sequence[Mapping[str, Any]], present: set[str]
) -> bool:
    """Insert with one typed list parameter per column (``unnest(?::T[])``); False when a column type
    does not allow it (the caller then goes through Arrow).

    The small path keeps pyarrow — whose first conversion of Python values imports pandas, seconds on a
    cold start — off a one-row write such as an import of one firm.
    """
    types = [(c, t) for c, t in _column_types(conn, sql_name) if c in present]
    if not all(_SIMPLE_TYPE.match(t) for _, t in types):
        return False
    params: list[list[Any]] = []
    for c, t in types:
        values = [r.get(c) for r in rows]
        if t.endswith("[]"):
            params.append([None if v is None else list(v) for v in values])
        elif t == "VARCHAR":
            params.append([None if v is None else str(v) for v in values])
        else:
            params.append(values)
    cols = ", ".join(c for c, _ in types)
    selects = ", ".join(f"unnest(?::{t}[])" for _, t in types)
    conn.execute(f"INSERT INTO {sql_name} ({cols}) SELECT {selects}", params)
    return True


def insert_rows(
    conn: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]], *, replace: bool = False
) -> int:
    """Insert plain dict rows (keys = column names) into ``table``; ``replace`` overwrites rows by id.

    The caller owns the transaction: wrap several calls in :func:`transaction` to make them all-or-nothing.
    """
    if not rows:
        return 0
    sql_name = SQL_TABLE.get(table, table)
    present = set().union(*(r.keys() for r in rows))
    if replace:
        # DuckDB refuses INSERT OR REPLACE on tables with a second UNIQUE constraint: delete, then insert
        ids = [str(r["id"]) for r in rows]
        conn.execute(f"DELETE FROM {sql_name} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    # columns no row mentions keep their DEFAULT (e.g. labels = [])
    if len(rows) > SMALL_BATCH or not _insert_small(conn, sql_name, rows, present):
        batch = _arrow(conn, sql_name, rows)
        cols = ", ".join(c for c in batch.column_names if c in present)
        conn.execute(f"INSERT INTO {sql_name} ({cols}) SELECT {cols} FROM batch")
    if sql_name in keys.KEY_COLUMNS:
        keys.refresh(conn)  # the sites' integer keys, in the caller's transaction
    return len(rows)


def existing_ids(conn: duckdb.DuckDBPyConnection, table: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are already in ``table``."""
    sql_name = SQL_TABLE.get(table, table)
    rows = conn.execute(
        f"SELECT id FROM {sql_name} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
    ).fetchall()
    return {r[0] for r in rows}


class transaction:
    """``with transaction(conn): ...`` commits on success and rolls back on any error."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.conn.execute("BEGIN TRANSACTION")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


class WriteConflict(Conflict, RuntimeError):
    """A write collided with another write of the same records; nothing of it was stored (zh-CN message)."""


#: one checked writer at a time in this process (a DuckDB store file has one writing process)
_WRITE_LOCK = threading.RLock()
_DUPLICATE_KEY = re.compile(r'Duplicate key "([^"]+)"')


def conflict_subject(e: Exception) -> str:
    """The record a DuckDB conflict names (``id: x1`` → ``编号 x1``), or an empty string."""
    m = _DUPLICATE_KEY.search(str(e))
    if not m:
        return ""
    key = m.group(1)
    return "编号 " + key.removeprefix("id: ") if key.startswith("id: ") else key


@contextmanager
def write_transaction(conn: duckdb.DuckDBPyConnection, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run checks that read the store and the write they allow as one step.

    Holds the process-wide write lock and one transaction: the checks see every write committed before,
    and no checked write commits in between. Any error rolls back. A DuckDB conflict (another connection
    changed the same rows, or added the same key, without this lock) becomes :class:`WriteConflict`
    naming ``what`` and the record, so callers answer 409 rather than fail.
    """
    with _WRITE_LOCK:
        conn.execute("BEGIN TRANSACTION")
        try:
            yield conn
        except (duckdb.TransactionException, duckdb.ConstraintException) as e:
            _rollback(conn)
            raise _conflict(what, e) from e
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except (duckdb.TransactionException, duckdb.ConstraintException) as e:
            _rollback(conn)
            raise _conflict(what, e) from e


def _conflict(what: str, e: Exception) -> WriteConflict:
    subject = conflict_subject(e)
    where = f"（{subject}）" if subject else ""
    return WriteConflict(f"{what}{where}与同时进行的另一次写入冲突，未写入任何数据；请刷新后重试")


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    try:
        conn.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass  # DuckDB already ended the failed transaction


def counts(conn: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Row counts per public table name (one query for all of them)."""
    names = list(tables) if tables is not None else list(SQL_TABLE)
    if not names:
        return {}
    sql = ", ".join(f"(SELECT count(*) FROM {SQL_TABLE.get(name, name)})" for name in names)
    (row,) = conn.execute(f"SELECT {sql}").fetchall()  # read to its end: the connection is free after
    return {name: int(n) for name, n in zip(names, row, strict=True)}


def fetch_dicts(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cur = conn.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def dump_table(conn: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    """Every row of a table (its :func:`table_columns`), ordered by id."""
    sql_name = SQL_TABLE.get(table, table)
    cols = ", ".join(f'"{c}"' for c in table_columns(conn, sql_name))
    return fetch_dicts(conn, f"SELECT {cols} FROM {sql_name} ORDER BY id")


def delete_all(conn: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    for name in tables:
        conn.execute(f"DELETE FROM {SQL_TABLE.get(name, name)}")
