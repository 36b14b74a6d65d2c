"""Read a CSV, XLSX or JSON file into a header row and numbered data rows, without interpreting the values.

CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what Excel in China saves). XLSX is read with
openpyxl in read-only mode: the sheet named after the table (English or Chinese name), else the first.
openpyxl parses the XML inside through defusedxml (a dependency): a DTD with entities — an entity
expansion bomb ("billion laughs") or an external entity (XXE) — is refused as :class:`UnsafeFileError`.
JSON is what ``chainbrain export --format json`` writes (``{"table", "data": [...]}``) or a plain list of
objects. Row numbers are the ones a person sees: the header is row 1 (in JSON, the n-th object is row n+1).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from chainbrain.errors import InvalidInput

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
JSON_SUFFIXES = (".json",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ReadError(InvalidInput, ValueError):
    """The file cannot be read at all (missing, wrong type, undecodable)."""


class UnsafeFileError(ReadError):
    """The file is refused unread: its XML declares entities (an expansion bomb or an external entity)."""


UNSAFE_XML = (
    "Excel 文件内含 XML 实体声明（DTD/ENTITY，可能是实体膨胀“XML 炸弹”或外部实体 XXE 攻击），已拒绝读取；"
    "正常的 Excel 文件不含此类声明，请在 Excel 或 WPS 中另存为新的 .xlsx 后重新上传"
)


_BAD_LITERAL = re.compile(r": '(.*)'$")


def xml_read_error(e: BaseException) -> ReadError | None:
    """The ReadError for an XML failure while an XLSX is parsed (``e`` or any error it wraps), else None.

    openpyxl reports a bad worksheet as ValueError("Unable to read workbook …") whose cause is the parser's
    error: defusedxml's refusal, or a syntax error of the XML itself.
    """
    seen: set[int] = set()
    cur: BaseException | None = e
    syntax: BaseException | None = None
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, DefusedXmlException):
            return UnsafeFileError(UNSAFE_XML)
        if isinstance(cur, (ParseError, SyntaxError)) or "invalid XML" in str(cur):
            syntax = syntax or cur
        cur = cur.__cause__ or cur.__context__
    if syntax is not None:
        return ReadError(f"Excel 文件内部的 XML 无法解析，文件可能已损坏（{str(syntax).splitlines()[0]}）")
    return None


@dataclass
class Sheet:
    """A file's cells: ``rows`` are (row number as seen by the user, cells), blank rows left out."""

    file: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None
    #: for a worksheet of an Excel file: the file's own name and the sheet's title (``file`` names both)
    path_name: str | None = None
    title: str | None = None


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; returns (text, encoding).

    A BOM decides (UTF-8, or UTF-16 from Excel's "Unicode text"); else UTF-8, else GB18030 (⊃ GBK).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise ReadError(f"UTF-16 文件第 {e.start} 字节附近无法解码") from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise ReadError(f"无法识别文件编码（支持 UTF-8、GBK/GB18030），第 {e.start} 字节附近无法解码") from e


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v if v else None
    return v


def read_csv(path: Path) -> Sheet:
    text, encoding = decode_csv(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ReadError("文件是空的，没有表头行")
    headers = [h.strip() for h in rows[0]]
    sheet = Sheet(path.name, headers, [], encoding=encoding)
    for i, cells in enumerate(rows[1:], start=2):
        if all(_blank(c) for c in cells):
            continue
        sheet.rows.append((i, [_clean(c) for c in cells]))
    return sheet


def read_xlsx(path: Path, table: str, title_zh: str) -> Sheet:
    """The sheet named after the table (English or Chinese name), else the first."""

    def pick(sheets: list[Any]) -> list[Any]:
        by_name = {ws.title: ws for ws in sheets}
        return [by_name.get(table) or by_name.get(title_zh) or sheets[0]]

    return _guarded(path, pick)[0]


def read_xlsx_sheets(path: Path) -> list[Sheet]:
    """Every visible worksheet of a workbook (hidden ones, such as a template's lists, are left out)."""

    def pick(sheets: list[Any]) -> list[Any]:
        return [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]

    return _guarded(path, pick, allow_empty=True)


def _guarded(path: Path, pick: Any, *, allow_empty: bool = False) -> list[Sheet]:
    try:
        return _read_xlsx(path, pick, allow_empty)
    except (ValueError, SyntaxError) as e:
        if isinstance(e, ReadError):
            raise
        read_error = xml_read_error(e)
        if read_error is None:
            raise
        raise read_error from e


def _read_xlsx(path: Path, pick: Any, allow_empty: bool) -> list[Sheet]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as e:
        raise ReadError(f"无法作为 Excel（xlsx）文件打开：{e}") from e
    try:
        return [_read_ws(path, ws, allow_empty) for ws in pick(wb.worksheets)]
    finally:
        wb.close()


def _read_ws(path: Path, ws: Any, allow_empty: bool = False) -> Sheet:
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some writers (WPS, older tools) record a wrong sheet size; read all rows
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    if header_row is None:
        if allow_empty:
            return Sheet(f"{path.name}[{ws.title}]", [], [], path_name=path.name, title=ws.title)
        raise ReadError(f"工作表 {ws.title} 是空的，没有表头行")
    headers = ["" if h is None else str(h).strip() for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    sheet = Sheet(f"{path.name}[{ws.title}]", headers, [], path_name=path.name, title=ws.title)
    done = 1  # the last row read
    try:
        for row, cells in enumerate(it, start=2):
            done = row
            if all(_blank(c) for c in cells):
                continue
            sheet.rows.append((row, [_clean(c) for c in cells]))
    except ValueError as e:
        if xml_read_error(e) is not None:
            raise
        # a numeric cell whose text is no number (``<v>INF</v>``): openpyxl cannot convert it
        m = _BAD_LITERAL.search(str(e))
        value = m.group(1) if m else str(e)
        raise ReadError(
            f"工作表 {ws.title} 第 {done + 1} 行有数值单元格无法读取（{value}），应为有限数值"
        ) from e
    return sheet


def read_json(path: Path, table: str) -> Sheet:
    text, encoding = decode_csv(path.read_bytes())
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(f"JSON 格式错误：第 {e.lineno} 行第 {e.colno} 列，{e.msg}") from e
    if isinstance(doc, dict):
        if doc.get("table") not in (None, table):
            raise ReadError(f"这是 {doc['table']} 表的导出文件，不能导入 {table} 表")
        doc = doc.get("data")
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ReadError('JSON 应为对象数组，或 {"data": [对象, …]}')
    headers = list(dict.fromkeys(k for r in doc for k in r))
    sheet = Sheet(path.name, headers, [], encoding=encoding)
    for i, record in enumerate(doc, start=2):
        cells = [_clean(record.get(h)) for h in headers]
        if not all(_blank(c) for c in cells):
            sheet.rows.append((i, cells))
    return sheet


def read_file(path: Path, table: str, title_zh: str) -> Sheet:
    """Read ``path`` by its suffix; raises :class:`ReadError` naming what is wrong."""
    if not path.exists():
        raise ReadError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, table, title_zh)
    if suffix in JSON_SUFFIXES:
        return read_json(path, table)
    if suffix == ".xls":
        raise ReadError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV")
    raise ReadError(f"不支持的文件类型 {suffix or '（无扩展名）'}，请使用 .csv、.xlsx 或 .json")
