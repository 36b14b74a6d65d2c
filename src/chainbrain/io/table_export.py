"""A table as the dashboard shows it, written to Excel or CSV under Chinese column heads.

The dashboard's 导出 buttons send the rows a page shows: they are what the API gave the logged-in role
(so nothing that role may not read) after the page's own filters, already rendered with names and the
plans' units. This module only writes them, every cell through the formula-injection guard
(:mod:`chainbrain.io.safe`): a firm name such as ``=HYPERLINK(...)`` stays text. The CSV is UTF-8 with a
BOM so that Excel opens it with the Chinese heads intact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from chainbrain.io.export import write_csv, write_xlsx

Cell = str | int | float | bool | None
FORMATS = ("xlsx", "csv")
#: characters Excel refuses in a sheet title, and its length limit
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def sheet_title(title: str) -> str:
    """``title`` as an Excel sheet name: without the characters Excel refuses, at most 31 characters."""
    return _SHEET_BAD.sub("_", title).strip()[:31] or "导出"


def file_name(title: str, fmt: str) -> str:
    """A download name from the page's title: path separators and control characters replaced."""
    stem = _FILE_BAD.sub("_", title).strip(" .")[:80] or "导出"
    return f"{stem}.{fmt}"


def write_table(
    path: Path, fmt: str, title: str, heads: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> int:
    """Write ``rows`` under ``heads`` to ``path`` as ``fmt`` (xlsx | csv); returns the number of rows.

    Raises ``ValueError`` (zh-CN, naming the row) when a row's length differs from the heads' or a head
    repeats, ``OSError`` when the file cannot be written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt!r}，可选：{'、'.join(FORMATS)}")
    if len(set(heads)) != len(heads):
        dup = next(h for h in heads if list(heads).count(h) > 1)
        raise ValueError(f"列名 {dup!r} 重复")
    for i, r in enumerate(rows, 1):
        if len(r) != len(heads):
            raise ValueError(f"第 {i} 行有 {len(r)} 个单元格，表头有 {len(heads)} 列")
    records = [dict(zip(heads, r, strict=True)) for r in rows]
    if fmt == "csv":
        write_csv(path, heads, records)
    else:
        write_xlsx(path, sheet_title(title), heads, records)
    return len(records)
