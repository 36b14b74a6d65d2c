"""Import a file all-or-nothing: validate every row first; write only when nothing is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.io import registry
from chainbrain.io.problems import ImportRejected
from chainbrain.io.validate import Progress
from chainbrain.store.records import transaction


@dataclass
class ImportResult:
    """What an import wrote (or, with ``dry_run``, would write)."""

    table: str
    file: str
    rows: int
    inserted: int
    updated: int
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, **asdict(self)}


def import_file(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    path: str | Path,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Validate ``path`` as rows of ``table`` and write them in one transaction.

    Raises :class:`ImportRejected` with every problem found when anything is wrong; then nothing is
    written. Rows whose id is already stored replace the stored row. ``progress(done, total)`` is called
    while rows are checked.
    """
    spec = registry.get(table)
    path = Path(path)
    rows, problems = spec.validate(conn, path, progress)
    if problems:
        raise ImportRejected(problems)
    updated = spec.count_existing(conn, rows) if spec.count_existing is not None else 0
    result = ImportResult(spec.name, path.name, len(rows), len(rows) - updated, updated, dry_run)
    if dry_run:
        return result
    with transaction(conn):
        spec.write(conn, rows)
    return result
