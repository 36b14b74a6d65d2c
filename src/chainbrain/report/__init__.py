"""Briefings for leadership: a Word briefing and an Excel workbook of the plan targets.

The writers are imported on first use, so that importing :mod:`chainbrain.report.data` (number formats)
does not load python-docx and matplotlib.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FontMissing", "cjk_font", "write_docx", "write_xlsx"]

_WHERE = {
    "write_docx": "chainbrain.report.briefing",
    "FontMissing": "chainbrain.report.charts",
    "cjk_font": "chainbrain.report.charts",
    "write_xlsx": "chainbrain.report.workbook",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'chainbrain.report' has no attribute {name!r}")
