"""The ``observations`` table for ``chainbrain import|export|template``: Excel/CSV in, checked, appended.

Columns (Chinese header as in the template, or the English key): 目标 target (the target's name as in the
plan, as the template's drop-down lists it) or 目标编号 target_id, 期间 period (``2025``,
``2025Q3`` or ``2025-09``), 数值 value (in the target's unit), 单位 unit (optional; must be the target's),
来源 source, 截至日期 as_of (YYYY-MM-DD), 数据状态 status (verified / illustrative / synthetic; default
verified), 更正 correction (是/否), 备注 note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from chainbrain.io.fields import display_choices, vocab_lookup
from chainbrain.io.problems import Problem
from chainbrain.io.registry import TableIO, register
from chainbrain.monitor.observations import HEADERS_ZH, check_rows, observations, write_rows
from chainbrain.monitor.periods import PERIOD_FORMATS_ZH
from chainbrain.monitor.registry import KIND_ZH, bundled_targets

_KEYS = {v: k for k, v in HEADERS_ZH.items()} | {k: k for k in HEADERS_ZH}
_NOTES = {
    "target": "目标名称（从下拉列表选，见“目标清单”工作表）",
    "target_id": "目标编号，可代替目标名称",
    "period": f"期间：{PERIOD_FORMATS_ZH}",
    "value": "数值，用目标的单位；累计目标填自计划起累计数，增量目标填相对基期的变化，年度流量填最近12个月",
    "unit": "可不填；填写时须与目标单位一致",
    "source": "来源：文件名、文号或网址（必填）",
    "as_of": "截至日期 YYYY-MM-DD（数据发布或取得的日期）",
    "status": "已核实 / 示意 / 合成（也可填 verified / illustrative / synthetic），不填为已核实",
    "correction": "更正已有数值时填 是，旧记录保留",
    "note": "备注",
}


#: the template's example row (on its 示例 sheet): a monthly figure for a target the demo data has no
#: month of, marked as the illustrative value it is
EXAMPLE: dict[str, Any] = {
    "target": "智能新能源汽车产量达到100万辆以上",
    "period": "2025-06",
    "value": 102.0,
    "unit": "万辆",
    "source": "示例：导入模板示例行",
    "as_of": "2025-07-15",
    "status": "示意",
    "correction": "否",
    "note": None,
}
_STATUS = vocab_lookup("status")


def _read(path: Path) -> tuple[list[str], list[list[Any]]]:
    if path.suffix.lower() == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb["观测数据"] if "观测数据" in wb.sheetnames else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        raise ValueError(f"{path.name}: 只支持 .xlsx 或 .csv 文件")
    if not rows:
        return [], []
    return [str(h).strip() if h is not None else "" for h in rows[0]], rows[1:]


def validate(
    conn: duckdb.DuckDBPyConnection, path: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read and check an observations file; nothing is written."""
    path = Path(path)
    header, body = _read(path)
    problems: list[Problem] = []
    keys = [_KEYS.get(h) for h in header]
    if "target_id" not in keys and "target" not in keys:
        problems.append(Problem(path.name, 1, HEADERS_ZH["target"], None, "缺少列“目标”（或“目标编号”）"))
    for need in ("period", "value", "source"):
        if need not in keys:
            problems.append(Problem(path.name, 1, HEADERS_ZH[need], None, f"缺少列“{HEADERS_ZH[need]}”"))
    if problems:
        return [], problems
    raw_rows, rownums = [], []
    for i, cells in enumerate(body, start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        raw = {k: c for k, c in zip(keys, cells, strict=False) if k}
        if isinstance(raw.get("status"), str):  # 已核实 / 示意 / 合成 as the template's drop-down offers them
            raw["status"] = _STATUS.get(raw["status"].strip().lower(), raw["status"])
        raw_rows.append(raw)
        rownums.append(i)
        if progress:
            progress(i - 1, len(body))
    ready, problems = check_rows(conn, raw_rows, file=path.name, first_row=2)
    # check_rows numbers rows consecutively; map them back to the file's row numbers (blank rows skipped)
    fixed = [
        Problem(p.file, rownums[p.row - 2] if p.row is not None else None, p.column, p.value, p.reason)
        for p in problems
    ]
    return ready, fixed


def write(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
    return write_rows(conn, rows)


def template(path: Path) -> None:
    """An Excel template: 观测数据 (headers, notes, drop-downs), 目标清单 and 说明."""
    wb = Workbook()
    ws = wb.active
    ws.title = "观测数据"
    keys = [k for k in HEADERS_ZH if k != "target_id"]  # the name is filled; the id is still accepted
    ws.append([HEADERS_ZH[k] for k in keys])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for col, k in enumerate(keys, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = 16 if k != "source" else 36
    targets = bundled_targets()
    ref = wb.create_sheet("目标清单")
    ref.append(["目标（计划原文）", "目标编号", "单位", "目标值", "上限", "目标年份", "类型", "出处", "条款"])
    for t in targets:
        ref.append(
            [t.name, t.id, t.unit, t.value, t.max_value, t.year, KIND_ZH[t.kind], t.document, t.clause]
        )
    for cell in ref[1]:
        cell.font, cell.fill = bold, fill
    ref.column_dimensions["A"].width = 60
    ref.column_dimensions["B"].width = 36
    n = len(targets) + 1
    dv_target = DataValidation(type="list", formula1=f"=目标清单!$A$2:$A${n}", allow_blank=False)
    dv_status = DataValidation(
        type="list", formula1=f'"{",".join(display_choices("status"))}"', allow_blank=True
    )
    dv_corr = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    letter_of = {k: ws.cell(row=1, column=i).column_letter for i, k in enumerate(keys, start=1)}
    for dv, key in ((dv_target, "target"), (dv_status, "status"), (dv_corr, "correction")):
        letter = letter_of[key]
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}1000")
    example = wb.create_sheet("示例")
    example.append([HEADERS_ZH[k] for k in keys])
    example.append([EXAMPLE.get(k) for k in keys])
    notes = wb.create_sheet("说明")
    notes.append(["列", "填写说明"])
    for k in keys:
        notes.append([HEADERS_ZH[k], _NOTES[k]])
    notes.append([HEADERS_ZH["target_id"], _NOTES["target_id"] + "（可加一列“目标编号”，见“目标清单”工作表）"])
    notes.append(["", "导入：chainbrain import observations 本文件.xlsx（任何一行有错则整批不写入）"])
    notes.column_dimensions["B"].width = 90
    wb.save(path)


def export(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every observation, superseded ones included (``superseded`` says which count)."""
    out = []
    for o in observations(conn, include_superseded=True):
        out.append(
            {
                "id": o.id,
                "target_id": o.target_id,
                "period": o.period,
                "value": o.value,
                "unit": o.unit,
                "raw": o.raw,
                "correction": o.correction,
                "superseded": o.superseded,
                "note": o.note,
                "source": o.source,
                "as_of": o.as_of,
                "status": o.status,
            }
        )
    return out


register(
    TableIO(
        name="observations",
        title_zh="目标观测数据",
        validate=validate,
        write=write,
        template=template,
        export=export,
        aliases=("observation", "观测"),
    )
)
