"""Persisted resilience sweeps, keyed by the version of the supply network they were computed from.

The node sweep of the demo network takes seconds; a restarted server should not redo it while the data
is unchanged. :func:`network_version` hashes every table :func:`chainbrain.resilience.dbnet.network_from_store`
reads (their full rows, in a canonical order) together with :data:`SWEEP_FORMAT`, so any write to those
tables — an import, a stock figure — gives a new version and the stored sweep is simply not found.
:func:`cached_sweep` returns the stored rows for the current version or computes, stores and returns them;
:func:`refresh_in_background` does the same on a thread after a write, so the next page load is fast.
Only the latest few versions of each kind are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import duckdb

#: tables the network is read from (dbnet.network_from_store)
NETWORK_TABLES = (
    "site",
    "segment",
    "site_resilience",
    "vehicle_model",
    "model_margin",
    "bom_line",
    "supply_link",
)
#: bump when the sweep's rows or method change, so rows stored by older code are not reused
SWEEP_FORMAT = "node-sweep/1"
KEEP = 3
log = logging.getLogger(__name__)

SweepRows = list[dict[str, Any]]


def network_version(conn: duckdb.DuckDBPyConnection) -> str:
    """A hash of every row of the network's tables and the sweep format (changes with any write to them)."""
    h = hashlib.sha256(SWEEP_FORMAT.encode())
    for table in NETWORK_TABLES:
        row = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10)"
            f" ORDER BY CAST(t AS VARCHAR)), '')) FROM {table} t"
        ).fetchone()
        assert row is not None
        h.update(f"{table}:{row[0]}:{row[1]};".encode())
    return h.hexdigest()[:32]


def _check(rows: SweepRows) -> SweepRows:
    """Every number in the rows is finite (None is allowed: an unbounded TTS, a stock that cannot help)."""

    def walk(v: Any, where: str) -> None:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return
        if isinstance(v, int | float):
            if not math.isfinite(v):
                raise ValueError(f"sweep row {where}: {v!r} is not a finite number")
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{where}.{k}")
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x, where)
        else:
            raise ValueError(f"sweep row {where}: {type(v).__name__} cannot be stored")

    for r in rows:
        walk(r, str(r.get("node", r.get("segment", "?"))))
    return rows


def load(conn: duckdb.DuckDBPyConnection, version: str) -> SweepRows | None:
    """The stored sweep rows for ``version``, or None."""
    row = conn.execute("SELECT rows FROM sweep_result WHERE version = ?", [version]).fetchone()
    return _check(json.loads(row[0])) if row else None


def save(conn: duckdb.DuckDBPyConnection, version: str, rows: SweepRows, seconds: float) -> None:
    """Store the rows for ``version`` and drop all but the :data:`KEEP` most recent versions."""
    text = json.dumps(_check(rows), ensure_ascii=False, allow_nan=False)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(
        "INSERT INTO sweep_result VALUES (?, ?, ?, ?) ON CONFLICT (version) DO UPDATE"
        " SET computed_at = excluded.computed_at, seconds = excluded.seconds, rows = excluded.rows",
        [version, now, float(seconds), text],
    )
    kind = version.split(":", 1)[0] + ":"
    conn.execute(
        "DELETE FROM sweep_result WHERE starts_with(version, ?) AND version NOT IN"
        " (SELECT version FROM sweep_result WHERE starts_with(version, ?)"
        "  ORDER BY computed_at DESC, version LIMIT ?)",
        [kind, kind, KEEP],
    )


def cached_sweep(
    conn: duckdb.DuckDBPyConnection, compute: Callable[[], SweepRows], *, kind: str = "nodes"
) -> SweepRows:
    """The result ``kind`` (node sweep, choke points, emergency stock) of the store's current network:
    stored rows when the version matches, else computed and stored."""
    version = f"{kind}:{network_version(conn)}"
    rows = load(conn, version)
    if rows is not None:
        return rows
    t0 = time.perf_counter()
    rows = compute()
    # the network may have changed while computing: store under the version it was computed from only
    # when it is still current
    if f"{kind}:{network_version(conn)}" == version:
        save(conn, version, rows, time.perf_counter() - t0)
    return rows


def refresh_in_background(
    open_conn: Callable[[], duckdb.DuckDBPyConnection],
    compute: Callable[[duckdb.DuckDBPyConnection], SweepRows],
) -> threading.Thread:
    """Recompute and store the sweep on a daemon thread (call after a write); returns the thread.

    ``open_conn`` gives the thread its own connection (a cursor of the server's connection); ``compute``
    sweeps the network read from it.
    """

    def run() -> None:
        conn = open_conn()
        try:
            cached_sweep(conn, lambda: compute(conn))
        except Exception:  # a failed warm-up only means the next request computes the sweep itself
            log.warning("background sweep refresh failed", exc_info=True)
        finally:
            conn.close()

    t = threading.Thread(target=run, name="sweep-refresh", daemon=True)
    t.start()
    return t
