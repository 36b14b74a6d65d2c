"""Cells that stay data: the one guard against formula injection in every CSV and Excel file chainbrain writes.

Firm names, park names, observation sources, notes and every other text in the store may come from a user or
an imported file. A spreadsheet program reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a tab or a carriage return before one) as a formula, so a firm named
``=HYPERLINK("http://x","点我")`` would become a live link, or worse a DDE command, in the analyst's workbook.
Following the OWASP guidance on CSV injection, :func:`safe_cell` prefixes such text with a single quote
(``'``), which spreadsheet programs show as text (also when spaces come first); the full-width forms (＝ ＋ － ＠) are treated alike, since
Chinese input methods type them and some programs convert them. Numbers, dates, booleans and None pass
unchanged: a number is never a formula, and quoting it would turn it into text.

:func:`append` writes a row to an openpyxl worksheet through :func:`safe_cell` and stores every text as a
string cell (data type ``s``), never as a formula, so a cell is data whatever openpyxl would have guessed.
:func:`restore_text` undoes the quote, for a reader that takes a chainbrain export back in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: characters that make a spreadsheet program read the rest of the cell as a formula
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
QUOTE = "'"
_BLANKS = " \u3000"  # spaces before a trigger: some programs skip them when they read a formula


def _starts_formula(text: str) -> bool:
    return text.lstrip(_BLANKS).startswith(TRIGGERS)


def safe_text(text: str) -> str:
    """``text`` with a leading quote when it would start a formula (after any spaces), else unchanged."""
    return QUOTE + text if _starts_formula(text) else text


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text is neutralised (:func:`safe_text`), anything else passes."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def restore_text(text: str) -> str:
    """The text :func:`safe_text` was given: drops a leading quote that precedes a formula character."""
    if text.startswith(QUOTE) and _starts_formula(text[1:]):
        return text[1:]
    return text


def append(ws: Any, values: Iterable[Any]) -> None:
    """Append one row to an openpyxl worksheet (write-only or not); every text cell is a string cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    row = safe_row(values)
    if isinstance(ws, WriteOnlyWorksheet):
        cells: list[Any] = []
        for v in row:
            if isinstance(v, str):
                c = WriteOnlyCell(ws, v)
                c.data_type = "s"
                cells.append(c)
            else:
                cells.append(v)
        ws.append(cells)
        return
    ws.append(row)
    if row:
        # the row just appended, without ws[ws.max_row]: that scans every cell, once per row
        r = ws._current_row
        for cell in next(ws.iter_rows(min_row=r, max_row=r, min_col=1, max_col=len(row))):
            if isinstance(cell.value, str):
                cell.data_type = "s"
