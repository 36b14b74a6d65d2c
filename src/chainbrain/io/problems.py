"""Validation problems, each naming the file, row, column and value, and why it is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row) of an input file.

    ``row`` is the row number a person sees in the file: the header is row 1, the first data row 2.
    ``column`` is the header as written in the file (Chinese or English); ``reason`` is zh-CN. ``sheet`` is
    the worksheet of an Excel workbook the row is on (None for CSV and JSON, or when ``file`` names it).
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    reason: str
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, bool, str)):
            d["value"] = str(d["value"])
        return d


class ImportRejected(Exception):
    """Raised when an input has problems: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        sheet = f" 工作表“{first.sheet}”" if first and first.sheet else ""
        where = f"{first.file}{sheet} 第{first.row}行 {first.column}: {first.reason}" if first else ""
        super().__init__(f"导入被拒绝：{len(problems)} 个问题，未写入任何数据。{where}")
