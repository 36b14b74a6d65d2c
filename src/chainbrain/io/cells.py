"""Turn one cell as written (text from CSV, typed values from Excel) into the value a record expects,
and translate pydantic's errors into Chinese reasons a person can act on."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic_core import ErrorDetails

from chainbrain.errors import InvalidInput
from chainbrain.io.fields import (
    BOOL,
    DATE,
    ENUM,
    FLOAT,
    INT,
    LIST,
    LIST_SEPARATORS,
    TEXT,
    VOCAB,
    Column,
    vocab_lookup,
)
from chainbrain.io.safe import restore_text
from chainbrain.schema.numbers import MAX_INT, number_problem

_TRUE = {"是", "true", "yes", "y", "1", "t", "对"}
_FALSE = {"否", "false", "no", "n", "0", "f", "不是"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_SPLIT = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")
_LOOKUPS = {name: vocab_lookup(name) for name in VOCAB}


class CellError(InvalidInput, ValueError):
    """A cell's value cannot be read as its column's kind; the message is zh-CN."""


def choices_text(vocab: str) -> str:
    """``已核实（verified）、示意（illustrative）…`` for error messages and notes."""
    parts = []
    for canonical, forms in VOCAB[vocab].items():
        parts.append(f"{forms[0]}（{canonical}）" if forms and canonical.isascii() else canonical)
    return "、".join(parts)


def _number_text(s: str) -> str:
    return s.replace(",", "").replace("，", "").replace(" ", "")


def _to_float(v: Any) -> float:
    """A number cell as a float: finite and within the bound every number obeys, else CellError."""
    if isinstance(v, bool):
        raise CellError("应为数字，实际为是/否")
    if isinstance(v, (dt.date, dt.datetime)):
        raise CellError("应为数字，实际为日期")
    f: float | int
    if isinstance(v, (int, float)):
        f = v  # an int stays exact until checked: float() of a huge int overflows
    else:
        s = _number_text(str(v))
        scale = 1.0
        if s.endswith("%"):
            s, scale = s[:-1], 0.01
        try:
            f = float(s) * scale
        except ValueError:
            raise CellError(f"应为数字，实际为文本“{v}”") from None
    reason = number_problem(f)
    if reason is not None:
        raise CellError(f"“{v}”{reason}")
    return float(f)


def _to_int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        n = v
    else:
        try:
            f = _to_float(v)
        except CellError as e:
            raise CellError(str(e).replace("应为数字", "应为整数")) from None
        if not f.is_integer():
            raise CellError(f"应为整数，实际为 {v}")
        n = int(f)
    if abs(n) > MAX_INT:
        raise CellError(f"“{v}”超出整数范围：绝对值不能超过 {MAX_INT}")
    return n


def _to_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as e:
                raise CellError(f"不是有效日期：{s}") from e
    s10 = s[:10]
    if len(s) > 10 and s[10] in "T " and _DATE_PATTERNS[0].match(s10):
        return _to_date(s10)
    raise CellError(f"应为日期（如 2024-12-31），实际为“{v}”")


def _to_text(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    # an export quoted text that would start a formula ('=…): read it back as the text it was
    return restore_text(str(v).strip())


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = _to_text(v).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError(f"应为 是 或 否，实际为“{v}”")


def _to_enum(v: Any, vocab: str) -> str:
    s = _to_text(v)
    canonical = _LOOKUPS[vocab].get(s.lower())
    if canonical is None:
        raise CellError(f"“{s}”不是可选值，可选：{choices_text(vocab)}")
    return canonical


def _to_list(v: Any, vocab: str | None) -> list[str]:
    parts = [_to_text(x) for x in v] if isinstance(v, list) else _SPLIT.split(_to_text(v))
    items = [x.strip() for x in parts if x.strip()]
    if vocab is None:
        return list(dict.fromkeys(items))
    out: list[str] = []
    bad: list[str] = []
    for item in items:
        canonical = _LOOKUPS[vocab].get(item.lower())
        (out if canonical is not None else bad).append(canonical if canonical is not None else item)
    if bad:
        raise CellError(f"“{'；'.join(bad)}”不是可选值，可选：{choices_text(vocab)}")
    return list(dict.fromkeys(out))


def coerce(col: Column, v: Any) -> Any:
    """The record value for cell ``v`` of column ``col``; None for an empty cell. Raises CellError."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if col.kind == TEXT:
        return _to_text(v)
    if col.kind == FLOAT:
        return _to_float(v)
    if col.kind == INT:
        return _to_int(v)
    if col.kind == DATE:
        return _to_date(v)
    if col.kind == BOOL:
        return _to_bool(v)
    if col.kind == ENUM:
        return _to_enum(v, col.vocab or "")
    if col.kind == LIST:
        return _to_list(v, col.vocab)
    raise ValueError(f"unknown column kind {col.kind!r}")


def _pattern_reason(field: str, pattern: str) -> str:
    if "\\d{6}" in pattern:
        return "应为6位数字的行政区划代码"
    if field == "id" and "a-z0-9_." in pattern:
        return "只能包含小写字母、数字、下划线和点"
    return f"格式不符合要求（{pattern}）"


def _num(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def translate_error(err: ErrorDetails) -> str:
    """A pydantic v2 error (one item of ``ValidationError.errors()``) as a zh-CN reason."""
    kind = err.get("type", "")
    ctx = {k: _num(v) for k, v in (err.get("ctx") or {}).items()}
    loc = err.get("loc") or ()
    field = str(loc[0]) if loc else ""
    if kind == "missing":
        return "必填，不能为空"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return _pattern_reason(field, str(ctx.get("pattern", "")))
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "too_short":
        return f"至少填写 {ctx.get('min_length')} 项"
    if kind in ("finite_number", "float_parsing") and "finite" in str(err.get("msg", "")):
        return "不是有限数值（不接受 inf、Infinity、NaN 或溢出的数如 1e309）"
    if kind == "extra_forbidden":
        return "不是该表的字段"
    if kind in ("enum", "literal_error"):
        return f"不是可选值（{ctx.get('expected', '')}）"
    if kind == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return f"取值无效（{err.get('msg', kind)}）"
