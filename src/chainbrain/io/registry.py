"""Importable / exportable tables: one :class:`TableIO` per table, registered by name.

The chain-map tables register themselves in :mod:`chainbrain.io`; other packages (targets'
``observations``, …) register theirs the same way, so ``chainbrain import|export|template TABLE``
serve them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.errors import NotFound
from chainbrain.io.problems import Problem


@dataclass
class TableIO:
    """How one table is read from files, checked, written and exported.

    - ``validate(conn, path, progress)`` reads a CSV/XLSX file and returns (rows ready to write,
      problems); it must not write anything.
    - ``write(conn, rows)`` writes validated rows; it is called inside one transaction.
    - ``template(path)`` writes a fill-in Excel template with Chinese headers, notes and drop-downs.
    - ``export(conn)`` returns the table's rows as plain dicts (lists joined by the exporter).
    - ``count_existing(conn, rows)`` (optional) counts the rows that will replace rows already stored,
      so an import can report 新增 / 更新 separately.
    - ``template_from_store(path, conn)`` (optional) writes the template with choices taken from the
      store (district codes, …); ``template(path)`` is used when there is no store.
    """

    name: str
    title_zh: str
    validate: Callable[
        [duckdb.DuckDBPyConnection, Path, Callable[[int, int], None] | None],
        tuple[list[dict[str, Any]], list[Problem]],
    ]
    write: Callable[[duckdb.DuckDBPyConnection, list[dict[str, Any]]], int]
    template: Callable[[Path], None]
    export: Callable[[duckdb.DuckDBPyConnection], list[dict[str, Any]]]
    aliases: tuple[str, ...] = field(default_factory=tuple)
    count_existing: Callable[[duckdb.DuckDBPyConnection, list[dict[str, Any]]], int] | None = None
    template_from_store: Callable[[Path, duckdb.DuckDBPyConnection], None] | None = None


_REGISTRY: dict[str, TableIO] = {}


def register(spec: TableIO) -> None:
    _REGISTRY[spec.name] = spec
    for a in spec.aliases:
        _REGISTRY[a] = spec


class UnknownTable(NotFound, KeyError):
    """No table of that name is registered (404; the CLI exits with 2 like for any bad argument)."""

    exit_code = 2


def get(name: str) -> TableIO:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        names = "、".join(sorted({s.name for s in _REGISTRY.values()}))
        raise UnknownTable(f"未知数据表 {name!r}，可选：{names}") from None


def names() -> list[str]:
    _load_builtin()
    return sorted({s.name for s in _REGISTRY.values()})


_BUILTIN_MODULES = (
    "chainbrain.io.chain_tables",
    "chainbrain.monitor.io",
    "chainbrain.infra.io",
    "chainbrain.battery.files",
)


def _load_builtin() -> None:
    """Import the modules that register tables (each calls :func:`register` at import).

    ``chainbrain.monitor.io`` is written separately; until it exists only its own absence is tolerated
    (a missing module *inside* it still fails loudly).
    """
    import importlib

    for mod in _BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if mod in _OPTIONAL_MODULES and e.name == mod:
                continue
            raise


_OPTIONAL_MODULES = ("chainbrain.monitor.io",)
