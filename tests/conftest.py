"""Shared fixtures: a fresh in-memory store per test, and the demo store built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from chainbrain.store import connect, memory

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def fresh_db() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty, migrated in-memory store."""
    conn = memory()
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the bundled Chongqing data, built once per session. Do not modify it."""
    from chainbrain.data import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    conn = connect(path)
    load_demo(conn)
    conn.close()
    return path


@pytest.fixture
def demo_db(demo_db_file: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private, writable copy of the demo store."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    yield conn
    conn.close()


@pytest.fixture
def demo_db_copy(demo_db_file: Path, tmp_path: Path) -> Path:
    """Path to a private copy of the demo store (for CLI tests)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    return path
