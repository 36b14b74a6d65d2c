"""The bundled illustrative batteries (``chainbrain/data/battery/*.csv``, status ``illustrative``).

Sixteen packs with their modules and cells (144 units): eight LFP packs of 弗迪电池 in 长安 cars made
2019–2021, six of them retired in 2025–2026, collected, then cascade-used or recycled; eight ternary
packs of 宁德时代 in 赛力斯 cars made 2022–2024. Manufacturer codes (FDB, CAT), battery codes and VINs are
invented (the registry's real assignments are not public); the firms are the demo's own. A few faults are
planted so the checks have something to find: a late shipment report, two collection reports never filed,
an installed pack without its VIN, a replaced cell recycled without a retirement record, a repair not yet
due. Loaded through the importers, so every row is checked like a user's file.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from chainbrain.io import import_file

FILES = (("battery_makers", "makers.csv"), ("battery_units", "units.csv"), ("battery_events", "events.csv"))


def load_demo_battery(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Import the bundled files in order (idempotent: rows with the same code / id are replaced).

    Needs the demo enterprises and districts (``fudi_cq``, ``catl``, ``changan``, ``seres`` and the
    demo recyclers) already in the store."""
    counts = {}
    base = resources.files("chainbrain.data") / "battery"
    for table, name in FILES:
        with resources.as_file(base / name) as path:
            counts[table] = import_file(conn, table, path).rows
    return counts
