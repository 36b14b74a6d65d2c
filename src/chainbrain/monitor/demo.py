"""Demo monitor data: the bundled targets, seed 001's 2024 actuals and illustrative quarterly observations.

The 2024 actuals (NEV output 95.3万辆, 543 parts firms) are ``verified`` with their source; every other demo
observation is ``illustrative`` — plausible numbers made up so that the cockpit shows every status — and says
so in its source. Live targets get no typed-in demo values: a store snapshot measures them when the store
holds enterprises.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from typing import Any

import duckdb

from chainbrain.monitor.live import snapshot
from chainbrain.monitor.observations import add_observations
from chainbrain.monitor.registry import load_targets

#: the date the demo observations describe the world at (the snapshot date of the demo store)
DEMO_AS_OF = dt.date(2026, 10, 31)


def demo_observation_rows() -> list[dict[str, Any]]:
    """The bundled demo observations as raw rows (``data/targets/demo_observations.csv``)."""
    text = (
        resources.files("chainbrain.data")
        .joinpath("targets/demo_observations.csv")
        .read_text(encoding="utf-8")
    )
    return list(csv.DictReader(io.StringIO(text)))


def load_demo_monitor(conn: duckdb.DuckDBPyConnection, *, with_snapshot: bool = True) -> dict[str, int]:
    """Load targets and demo observations (idempotent); snapshot live targets if the store has firms.

    Returns counts: targets, observations written (0 on a second call), snapshot rows written.
    """
    n_targets = load_targets(conn)
    written = add_observations(conn, demo_observation_rows(), file="demo_observations.csv", today=DEMO_AS_OF)
    snap = 0
    row = conn.execute("SELECT count(*) FROM enterprise").fetchone()
    if with_snapshot and row and row[0] > 0:
        snap = sum(1 for r in snapshot(conn, as_of=DEMO_AS_OF) if r.written)
    return {"targets": n_targets, "observations": written, "snapshot": snap}
