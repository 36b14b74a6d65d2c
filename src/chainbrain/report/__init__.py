"""Briefings for leadership: a Word briefing and an Excel workbook of the plan targets."""

from chainbrain.report.briefing import write_docx
from chainbrain.report.charts import FontMissing, cjk_font
from chainbrain.report.workbook import write_xlsx

__all__ = ["FontMissing", "cjk_font", "write_docx", "write_xlsx"]
