"""Open a DuckDB store and bring its schema up to date.

Migrations are the numbered ``NNN_name.sql`` files beside this module, applied in order, each in its own
transaction, and recorded in ``schema_migrations``. A store is never downgraded: a store whose recorded
version is newer than this code knows is refused.

DuckDB lets one process at a time open a file for writing, and while it does, no other process may open
it at all — not even read-only (DuckDB 2.0: the second process fails to take the file lock whatever its
``read_only`` setting). :func:`connect` then raises :class:`StoreLocked` naming the holder's PID.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_MIGRATION = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class StoreError(RuntimeError):
    """The store cannot be opened or migrated."""


class StoreLocked(StoreError):
    """Another process holds the store file (``chainbrain serve``, or another command still running)."""

    def __init__(self, path: str, pid: int | None, detail: str) -> None:
        super().__init__(f"the store {path} is held by another process (PID {pid}): {detail}")
        self.path = path
        self.pid = pid


_LOCK_HELD = re.compile(r"Conflicting lock is held in .*?\(PID (\d+)\)")


def _migration_files() -> list[tuple[int, str, Traversable]]:
    """All bundled migrations as (version, name, file), sorted by version; none of them read yet."""
    found = []
    for entry in resources.files("chainbrain.store.migrations").iterdir():
        m = _MIGRATION.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry))
    found.sort(key=lambda f: f[0])
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migrations share a version number: {versions}")
    return found


def _migrations() -> list[tuple[int, str, str]]:
    """All bundled migrations as (version, name, sql), sorted by version."""
    return [(v, name, entry.read_text(encoding="utf-8")) for v, name, entry in _migration_files()]


def up_to_date(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has recorded exactly the bundled migrations — one query, no migration file read.

    :func:`connect` skips :func:`migrate` when this holds; anything else (no ``schema_migrations`` table,
    a migration missing, one this code does not know) goes through :func:`migrate`, which applies or refuses.
    """
    try:
        # fetchall: a result not read to its end leaves the connection busy (DuckDB 2.0), e.g. for register()
        rows = conn.execute("SELECT list(version ORDER BY version) FROM schema_migrations").fetchall()
    except duckdb.CatalogException:
        return False
    return bool(rows) and rows[0][0] == [v for v, _, _ in _migration_files()]


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty store."""
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the store's version; return the versions applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    current = schema_version(conn)
    known = _migrations()
    latest = known[-1][0] if known else 0
    if current > latest:
        raise StoreError(
            f"the store is at schema version {current}, newer than this chainbrain knows ({latest}); "
            "upgrade chainbrain"
        )
    done = {int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in known:
        # every migration not yet recorded, in order: one numbered below the store's latest (written on a
        # branch that landed later) still runs
        if version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            conn.execute("COMMIT")
        except duckdb.Error as e:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {version:03d}_{name}.sql failed: {e}") from e
        applied.append(version)
    return applied


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and migrate it unless ``read_only``."""
    p = str(path)
    try:
        conn = duckdb.connect(p, read_only=read_only)
    except duckdb.IOException as e:
        held = _LOCK_HELD.search(str(e))
        if held is not None or "Could not set lock" in str(e):
            raise StoreLocked(p, int(held.group(1)) if held else None, str(e)) from e
        raise StoreError(f"cannot open the store {p}: {e}") from e
    except duckdb.Error as e:
        raise StoreError(f"cannot open the store {p}: {e}") from e
    if not read_only and not up_to_date(conn):
        migrate(conn)
    return conn


def memory() -> duckdb.DuckDBPyConnection:
    """A migrated in-memory store (tests, scratch work)."""
    conn = duckdb.connect(":memory:")
    migrate(conn)
    return conn
