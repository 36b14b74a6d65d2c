"""Fill-in Excel templates: Chinese headers with a note on each, drop-downs for closed vocabularies and for
the names a row refers to (districts, segments, firms, plants, car models), an example row and a 说明 sheet.
A filled template imports as it is.

Sheets: the data sheet (named after the table, in Chinese; the importer reads it by that name), ``示例``
(the same headers and one example row), ``说明`` (one line per column) and a hidden ``_lists`` sheet with the
names the drop-downs offer (taken from the store; see :class:`Choices`). Name drop-downs warn nothing when
another value is typed: a firm of the same workbook, or an id, is as good as a listed name.

The combined template (:func:`write_workbook_template`) holds a firm, its plants and its supply links on the
sheets 企业 / 场所 / 供应关系, each with its example on a ``示例-…`` sheet; it imports in one transaction
(:mod:`chainbrain.io.workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    required_columns,
)
from chainbrain.io.safe import append

#: drop-downs and checks cover this many data rows
TEMPLATE_ROWS = 5000
LISTS_SHEET = "_lists"
#: the reference kinds offered as lists, in their column order on the lists sheet, with their headers
LIST_KINDS = {"district": "区县", "segment": "产业链环节", "firm": "企业", "site": "场所", "model": "车型"}
#: the sheets of the combined workbook, in import order
WORKBOOK_SHEETS = {"enterprises": "企业", "sites": "场所", "supply_links": "供应关系"}
EXAMPLE_PREFIX = "示例"
GUIDE_SHEET = "说明"


@dataclass
class Choices:
    """The names the drop-downs offer, by reference kind (``district``, ``segment``, ``firm``, …)."""

    names: dict[str, list[str]] = field(default_factory=dict)


_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)


def header_note(col: Column, required: bool) -> str:
    lines = [f"{col.zh}（{col.field}）{'必填' if required else '选填'}", col.note]
    if col.ref is not None:
        lines.append(f"可从下拉列表选{LIST_KINDS[col.ref]}名称，也可填编号")
    if col.vocab:
        lines.append(f"可选：{choices_text(col.vocab)}")
    if col.kind == LIST:
        lines.append("多个值用 ; 分隔")
    lines.append(f"示例：{col.example}" if col.example else "示例：（可留空）")
    return "\n".join(line for line in lines if line)


def _headers(ws: Worksheet, table: str) -> None:
    required = required_columns(table)
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


def _drop_downs(ws: Worksheet, table: str, choices: Choices) -> None:
    last = TEMPLATE_ROWS + 1
    kinds = list(LIST_KINDS)
    for j, col in enumerate(COLUMNS[table], start=1):
        letter = get_column_letter(j)
        formula = None
        strict = True
        if col.kind in (ENUM, LIST) and col.vocab:
            formula = '"' + ",".join(display_choices(col.vocab)) + '"'
            strict = col.kind == ENUM  # a list cell holds several choices joined by ;
        elif col.kind == BOOL:
            formula = '"是,否"'
        elif col.ref is not None and choices.names.get(col.ref):
            n = len(choices.names[col.ref])
            list_col = get_column_letter(kinds.index(col.ref) + 1)
            formula = f"'{LISTS_SHEET}'!${list_col}$2:${list_col}${n + 1}"
            strict = False  # a name from the same workbook, or an id, is fine too
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


def _example(wb: Workbook, table: str, title: str = EXAMPLE_PREFIX) -> None:
    ws = wb.create_sheet(title)
    _headers(ws, table)
    for j, col in enumerate(COLUMNS[table], start=1):
        ws.cell(row=2, column=j, value=col.example or None)


def _guide_rows(ws: Worksheet, table: str) -> None:
    required = required_columns(table)
    ws.append(["中文列名", "英文列名", "必填", "说明", "可选值", "示例"])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
    for col in COLUMNS[table]:
        choices = choices_text(col.vocab) if col.vocab else ("是、否" if col.kind == BOOL else "")
        if col.ref is not None:
            choices = f"下拉列表中的{LIST_KINDS[col.ref]}名称，或编号"
        ws.append(
            [col.zh, col.field, "是" if col.field in required else "否", col.note, choices, col.example]
        )
    for letter, width in zip("ABCDEF", (18, 18, 6, 48, 40, 28), strict=True):
        ws.column_dimensions[letter].width = width


_NAMES_LINE = "所在区县、环节、企业、场所可填中文名称（下拉列表中有数据库里已有的名称）或编号；名称不唯一时会列出候选，请改填全称或编号。"


def _guide(wb: Workbook, table: str) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.append([f"{TITLE_ZH[table]}（{table}）导入模板说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["在第一个工作表中从第2行起每行填一条记录；表头不要改动（中文或英文列名均可导入）。"])
    ws.append(["编号已存在的记录会被更新（整行替换）；任何一处有问题则整个文件都不写入，并列出所有问题。"])
    ws.append(["枚举值可填中文或英文；多个值（角色、标签）用 ; 分隔；日期写成 2024-12-31。"])
    ws.append([_NAMES_LINE])
    ws.append([])
    _guide_rows(ws, table)


def _lists(wb: Workbook, choices: Choices) -> None:
    if not any(choices.names.values()):
        return
    lists = wb.create_sheet(LISTS_SHEET)
    kinds = list(LIST_KINDS)
    lists.append([LIST_KINDS[k] for k in kinds])
    longest = max(len(choices.names.get(k, [])) for k in kinds)
    for i in range(longest):  # names come from the store: never a formula
        append(lists, [(choices.names.get(k) or [])[i] if i < len(choices.names.get(k) or []) else None
                       for k in kinds])  # fmt: skip
    lists.sheet_state = "hidden"


def write_template(table: str, path: Path, choices: Choices | None = None) -> None:
    """Write the template for ``table`` to ``path``; ``choices`` = the names its drop-downs offer."""
    choices = choices or Choices()
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE_ZH[table]
    _headers(ws, table)
    _lists(wb, choices)
    _drop_downs(ws, table, choices)
    _example(wb, table)
    _guide(wb, table)
    wb.save(Path(path))


def write_workbook_template(path: Path, choices: Choices | None = None) -> None:
    """The combined template: a firm, its plants and its supply links on the sheets 企业 / 场所 / 供应关系."""
    choices = choices or Choices()
    wb = Workbook()
    first = True
    for table, title in WORKBOOK_SHEETS.items():
        ws = wb.active if first else wb.create_sheet(title)
        first = False
        ws.title = title
        _headers(ws, table)
        _drop_downs(ws, table, choices)
    _lists(wb, choices)
    for table, title in WORKBOOK_SHEETS.items():
        _example(wb, table, f"{EXAMPLE_PREFIX}-{title}")
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.append(["综合导入模板说明：一个工作簿导入企业、它的场所（工厂）和供应关系"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in (
        "在“企业”“场所”“供应关系”三个工作表中从第2行起每行填一条记录，不需要的工作表留空即可；表头不要改动。",
        "三个工作表一起检查、一起写入：任何一处有问题则整个工作簿都不写入，并列出所有问题（工作表、行、列、值、原因）。",
        "编号都可以留空：系统按名称匹配已有记录（更新），没有的新建。场所可以引用本工作簿“企业”表中的企业，"
        "供应关系可以引用本工作簿“场所”表中的场所。",
        _NAMES_LINE,
        "“示例-…”工作表各有一行示例（不会被导入），可照着填写。",
    ):
        ws.append([line])
    for table, title in WORKBOOK_SHEETS.items():
        ws.append([])
        ws.append([f"工作表“{title}”（{TITLE_ZH[table]}，{table}）"])
        ws[ws.max_row][0].font = _BOLD
        _guide_rows(ws, table)
    wb.save(Path(path))
