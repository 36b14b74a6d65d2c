"""Bundled default data: the Chongqing cluster."""

from __future__ import annotations

import duckdb


def load_demo(conn: duckdb.DuckDBPyConnection) -> None:
    """Load the bundled Chongqing data (being written)."""
    raise RuntimeError("bundled data not yet available")
