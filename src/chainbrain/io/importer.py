"""Import a file all-or-nothing: validate every row first; write only when nothing is wrong.

The checks that read the store (foreign keys, duplicates, cycles) and the write run as one step
(:func:`chainbrain.store.records.write_transaction`): two imports at once are checked and written one
after the other, so two files that are each acyclic cannot together commit a supply cycle — the second is
checked against the first and refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.io import registry
from chainbrain.io.problems import ImportRejected
from chainbrain.io.readers import xml_read_error
from chainbrain.io.validate import Progress
from chainbrain.store.records import write_transaction


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
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate ``path`` as rows of ``table`` and write them in one transaction.

    Raises :class:`ImportRejected` with every problem found when anything is wrong; then nothing is
    written. Rows whose id is already stored replace the stored row. ``progress(done, total)`` is called
    while rows are checked. ``before_commit(result)`` runs inside the write's transaction (the audit
    record of the import), so the write and its record are stored together or not at all. Raises
    :class:`chainbrain.store.records.WriteConflict` when a write outside the importer's lock collided
    with this one (nothing written).
    """
    spec = registry.get(table)
    path = Path(path)
    if dry_run:
        rows, updated = _checked(conn, spec, path, progress)
        return ImportResult(spec.name, path.name, len(rows), len(rows) - updated, updated, dry_run=True)
    with write_transaction(conn, f"导入 {path.name} 到{spec.title_zh}表"):
        rows, updated = _checked(conn, spec, path, progress)
        result = ImportResult(spec.name, path.name, len(rows), len(rows) - updated, updated)
        spec.write(conn, rows)
        if before_commit is not None:
            before_commit(result)
    return result


def _checked(
    conn: duckdb.DuckDBPyConnection, spec: registry.TableIO, path: Path, progress: Progress | None
) -> tuple[list[dict[str, Any]], int]:
    """(rows ready to write, how many replace stored rows); ImportRejected when anything is wrong."""
    try:
        rows, problems = spec.validate(conn, path, progress)
    except (ValueError, SyntaxError) as e:
        # a table's own reader (not chainbrain.io.readers) met unsafe or broken XML inside an XLSX
        read_error = xml_read_error(e)
        if read_error is None:
            raise
        raise read_error from e
    if problems:
        raise ImportRejected(problems)
    updated = spec.count_existing(conn, rows) if spec.count_existing is not None else 0
    return rows, updated
