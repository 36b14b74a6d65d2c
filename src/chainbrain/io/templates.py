"""Fill-in Excel templates: Chinese headers with a note on each, drop-downs for closed vocabularies and
district codes, an example row and a 说明 sheet. A filled template imports as it is.

Sheets: the data sheet (named after the table, in Chinese; the importer reads it by that name), ``示例``
(the same headers and one example row), ``说明`` (one line per column) and a hidden ``_lists`` sheet with the
district codes the drop-down offers.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from chainbrain.io.cells import choices_text
from chainbrain.io.fields import (
    BOOL,
    COLUMNS,
    ENUM,
    LIST,
    TEXT,
    TITLE_ZH,
    Column,
    display_choices,
    required_fields,
)
from chainbrain.io.safe import append

#: drop-downs and checks cover this many data rows
TEMPLATE_ROWS = 5000
LISTS_SHEET = "_lists"
DISTRICT_FIELDS = ("district_code",)

_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)


def header_note(col: Column, required: bool) -> str:
    lines = [f"{col.zh}（{col.field}）{'必填' if required else '选填'}", col.note]
    if col.vocab:
        lines.append(f"可选：{choices_text(col.vocab)}")
    if col.kind == LIST:
        lines.append("多个值用 ; 分隔")
    lines.append(f"示例：{col.example}" if col.example else "示例：（可留空）")
    return "\n".join(line for line in lines if line)


def _headers(ws: Worksheet, table: str) -> None:
    required = required_fields(table)
    for j, col in enumerate(COLUMNS[table], start=1):
        cell = ws.cell(row=1, column=j, value=col.zh)
        is_required = col.field in required
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if is_required else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center")
        note = Comment(header_note(col, is_required), "chainbrain")
        note.width, note.height = 320, 160
        cell.comment = note
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = max(12, min(40, 2 * len(col.zh) + 4))
        if col.kind == TEXT:
            # text format keeps codes as typed: Excel would turn 18 digits into 9.15E+17 and drop digits
            dim.number_format = "@"
    ws.freeze_panes = "A2"


def _drop_downs(ws: Worksheet, table: str, n_districts: int) -> None:
    last = TEMPLATE_ROWS + 1
    for j, col in enumerate(COLUMNS[table], start=1):
        letter = get_column_letter(j)
        formula = None
        strict = True
        if col.kind in (ENUM, LIST) and col.vocab:
            formula = '"' + ",".join(display_choices(col.vocab)) + '"'
            strict = col.kind == ENUM  # a list cell holds several choices joined by ;
        elif col.kind == BOOL:
            formula = '"是,否"'
        elif col.field in DISTRICT_FIELDS and n_districts:
            formula = f"'{LISTS_SHEET}'!$A$2:$A${n_districts + 1}"
        if formula is None:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict)
        dv.error = f"请从下拉列表中选择{col.zh}"
        dv.errorTitle = "取值无效"
        dv.prompt = col.note
        dv.promptTitle = col.zh
        dv.showInputMessage = True
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)


def _example(wb: Workbook, table: str) -> None:
    ws = wb.create_sheet("示例")
    _headers(ws, table)
    for j, col in enumerate(COLUMNS[table], start=1):
        ws.cell(row=2, column=j, value=col.example or None)


def _guide(wb: Workbook, table: str) -> None:
    ws = wb.create_sheet("说明")
    required = required_fields(table)
    ws.append([f"{TITLE_ZH[table]}（{table}）导入模板说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["在第一个工作表中从第2行起每行填一条记录；表头不要改动（中文或英文列名均可导入）。"])
    ws.append(["编号已存在的记录会被更新（整行替换）；任何一处有问题则整个文件都不写入，并列出所有问题。"])
    ws.append(["枚举值可填中文或英文；多个值（角色、标签）用 ; 分隔；日期写成 2024-12-31。"])
    ws.append([])
    ws.append(["中文列名", "英文列名", "必填", "说明", "可选值", "示例"])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
    for col in COLUMNS[table]:
        choices = choices_text(col.vocab) if col.vocab else ("是、否" if col.kind == BOOL else "")
        ws.append(
            [col.zh, col.field, "是" if col.field in required else "否", col.note, choices, col.example]
        )
    for letter, width in zip("ABCDEF", (18, 18, 6, 48, 40, 28), strict=True):
        ws.column_dimensions[letter].width = width


def write_template(table: str, path: Path, districts: list[tuple[str, str]] | None = None) -> None:
    """Write the template for ``table`` to ``path``; ``districts`` = (code, name) pairs for the drop-down."""
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE_ZH[table]
    _headers(ws, table)
    districts = districts or []
    if districts:
        lists = wb.create_sheet(LISTS_SHEET)
        lists.append(["行政区划代码", "名称"])
        for code, name in districts:  # names come from the store: never a formula
            append(lists, [code, name])
        lists.sheet_state = "hidden"
    _drop_downs(ws, table, len(districts))
    _example(wb, table)
    _guide(wb, table)
    wb.save(Path(path))
