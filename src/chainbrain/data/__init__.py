"""Bundled default data: the Chongqing cluster.

``load_reference(conn)`` writes what every store needs (the county-level divisions of China, Chongqing's
38 with region and a point; the chain taxonomy). ``load_demo(conn)`` adds the Chongqing cluster: the firms
the plans name (verified, cited) and an illustrative fill, sites, vehicle models, BOM lines and supply
links. See docs/data.md for what is real and what is illustrative.
"""

from __future__ import annotations

import duckdb

from chainbrain.data.demo import DEFAULT_SEED, Demo, build_demo
from chainbrain.data.geo import district_geojson
from chainbrain.data.invest import load_demo_invest
from chainbrain.data.reference import insert_reference
from chainbrain.schema import SQL_TABLE, TABLES
from chainbrain.store.records import insert_rows, transaction

__all__ = ["DEFAULT_SEED", "Demo", "build_demo", "district_geojson", "load_demo", "load_reference"]


def load_reference(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Insert or refresh the districts, the chain taxonomy and the plans' targets; returns row counts."""
    from chainbrain.infra.townships import load_townships
    from chainbrain.monitor.registry import load_targets

    with transaction(conn):
        counts = insert_reference(conn)
        counts["townships"] = load_townships(conn)
    counts["targets"] = load_targets(conn)
    return counts


def _validate(table: str, rows: list[dict]) -> None:
    model = TABLES[table]
    for row in rows:
        try:
            model.model_validate(row)
        except ValueError as e:
            raise ValueError(f"demo {table} row {row.get('id')!r} is invalid: {e}") from e


def _clashes(conn: duckdb.DuckDBPyConnection, demo: Demo) -> None:
    for table, rows in demo.tables().items():
        sql_name = SQL_TABLE[table]
        row = conn.execute(
            f"SELECT count(*), min(id) FROM {sql_name} WHERE list_contains(?, id)", [[r["id"] for r in rows]]
        ).fetchone()
        if row and row[0]:
            raise ValueError(
                f"数据库的 {sql_name} 表已有 {row[0]} 条与示例数据同编号的记录（如 {row[1]}）；请在新的数据库中载入示例数据"
            )


def load_demo(conn: duckdb.DuckDBPyConnection, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Load the reference data and the Chongqing demo in one transaction; returns row counts per table.

    The reference tables are refreshed; the demo rows must not be there yet (a ``ValueError`` names the
    first clash).
    """
    demo = build_demo(seed)
    for table, rows in demo.tables().items():
        _validate(table, rows)
    _clashes(conn, demo)
    with transaction(conn):
        counts = insert_reference(conn)
        for table, rows in demo.tables().items():
            counts[table] = insert_rows(conn, table, rows)
        counts.update(load_demo_invest(conn, own_transaction=False))
    _load_extras(conn, counts)
    return counts


def _load_extras(conn: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
    """Demo data of the other capabilities, which sits on the chain map just loaded (each idempotent)."""
    from chainbrain.battery.demo import load_demo_battery
    from chainbrain.data.infra import load_demo_infra
    from chainbrain.events.aliases import load_bundled_aliases
    from chainbrain.monitor.demo import load_demo_monitor

    counts.update(load_demo_infra(conn))  # before the monitor: its snapshot measures the registry
    counts.update(load_demo_battery(conn))  # likewise the battery ledger (头部企业 indicator)
    monitor = load_demo_monitor(conn)
    counts["targets"] = monitor["targets"]
    counts["observations"] = monitor["observations"] + monitor["snapshot"]
    counts["entity_alias"] = load_bundled_aliases(conn)
