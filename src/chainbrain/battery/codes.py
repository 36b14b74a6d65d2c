"""Traction-battery codes (汽车动力蓄电池编码), GB/T 34014-2017 《汽车动力蓄电池编码规则》.

Source of the structure: GB/T 34014-2017 §4.2–4.3 (issued 2017-07-12, in force 2018-02-01), read here in
the public excerpts of its text and its English translation ("Coding regulation for automotive traction
battery"), and in the 2018 notice of the coding registry (中机函〔2018〕73号) that assigns manufacturer codes.
The code has two parts that may be written together — design information and production information —
24 characters in all:

=========  ======  =========================================================================
positions  length  field
=========  ======  =========================================================================
1–3        3       厂商代码 manufacturer code, assigned by the registry
4          1       产品类型代码 product type: P pack (电池包), M module (模块), C cell (单体)
5          1       电池类型代码 battery (chemistry) type, see :data:`BATTERY_TYPES`
6–7        2       规格代码 specification code, defined by the maker and registered
8–14       7       追溯信息代码 traceability information, defined by the maker and registered
15–17      3       生产日期代码 production date: year, month, day — one character each
18–24      7       序列号 serial number of the day, 0000001–9999999
=========  ======  =========================================================================

What could and could not be confirmed from the sources available here (also in ``docs/battery.md``):

- Confirmed: the field order and lengths above; P/M/C; that the code is made of digits and English
  letters; battery types B (磷酸铁锂) and E (三元); the serial's range.
- **Not confirmed here**: the other battery-type letters (A 镍氢, C 锰酸锂, D 钴酸锂, F 超级电容器,
  G 钛酸锂, Z 其他) come from widely repeated summaries of the standard's table, not from its text;
  the production-date symbol table (:data:`DATE_SYMBOLS`: 1–9 then A–Y without I, O, Q — 31 symbols, the
  same table for month and day) and its year base (symbol 1 = 2011) likewise. Uppercase is required;
  whether the registry forbids I/O/Q in the maker-defined fields is unknown, so they are accepted there.
- **Cascade use (梯次利用)**: the standard says a cascade-use product is coded again by the same rules,
  its original code is kept, and the new code carries no traceability-information field. Read literally
  that is 24 − 7 = **17 characters** (:data:`CASCADE_LENGTH`), which this module accepts as the cascade
  form. At least one public open-source scanner instead treats **19**-character codes as the recycled
  form; that length cannot be reconciled with the text here, so a 19-character code is refused with a
  message that says so rather than guessed at.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

ProductType = Literal["pack", "module", "cell"]
Form = Literal["standard", "cascade"]

LENGTH = 24
CASCADE_LENGTH = 17
#: a length some public tools use for the cascade-use form, not reconcilable with the standard's text here
DISPUTED_CASCADE_LENGTH = 19

PRODUCT_TYPES: dict[str, ProductType] = {"P": "pack", "M": "module", "C": "cell"}
PRODUCT_LETTER: dict[ProductType, str] = {v: k for k, v in PRODUCT_TYPES.items()}
PRODUCT_ZH: dict[ProductType, str] = {"pack": "电池包", "module": "模块", "cell": "单体"}

#: battery-type letter → (name zh, confirmed from a source available here)
BATTERY_TYPES: dict[str, tuple[str, bool]] = {
    "A": ("镍氢电池", False),
    "B": ("磷酸铁锂电池", True),
    "C": ("锰酸锂电池", False),
    "D": ("钴酸锂电池", False),
    "E": ("三元材料电池", True),
    "F": ("超级电容器", False),
    "G": ("钛酸锂电池", False),
    "Z": ("其他", False),
}

#: production-date symbols: value 1..31 (month uses 1..12, day 1..31; year = YEAR_BASE + value).
#: Not confirmed against the standard's own table here (see the module docstring).
DATE_SYMBOLS = "123456789ABCDEFGHJKLMNPRSTUVWXY"
YEAR_BASE = 2010
_SYMBOL_VALUE = {c: i + 1 for i, c in enumerate(DATE_SYMBOLS)}
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class Slot:
    """One field of the code: 0-based ``start`` in the standard form (None: absent from cascade form)."""

    name: str
    zh: str
    start: int
    length: int


SLOTS: tuple[Slot, ...] = (
    Slot("manufacturer", "厂商代码", 0, 3),
    Slot("product_type", "产品类型代码", 3, 1),
    Slot("battery_type", "电池类型代码", 4, 1),
    Slot("spec", "规格代码", 5, 2),
    Slot("trace", "追溯信息代码", 7, 7),
    Slot("date", "生产日期代码", 14, 3),
    Slot("serial", "序列号", 17, 7),
)


@dataclass(frozen=True)
class CodeProblem:
    """One reason a code is refused: the 1-based ``position`` (None for the whole code), the character
    found there, the field and the rule broken (zh-CN)."""

    position: int | None
    char: str | None
    field: str
    rule: str

    @property
    def message(self) -> str:
        if self.position is None:
            return f"{self.field}：{self.rule}"
        return f"第{self.position}位“{self.char}”（{self.field}）：{self.rule}"


@dataclass(frozen=True)
class ParsedCode:
    """A code read field by field; ``valid`` only when ``problems`` is empty."""

    code: str
    form: Form | None
    manufacturer: str | None = None
    product_type: ProductType | None = None
    battery_type: str | None = None
    battery_type_zh: str | None = None
    spec: str | None = None
    trace: str | None = None
    production_date: dt.date | None = None
    serial: str | None = None
    problems: tuple[CodeProblem, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        return [p.message for p in self.problems]


class CodeError(ValueError):
    """A code cannot be built from the given parts; ``problems`` say why (zh-CN)."""

    def __init__(self, problems: list[CodeProblem]) -> None:
        self.problems = problems
        super().__init__("；".join(p.message for p in problems))


def _layout(form: Form) -> list[tuple[Slot, int]]:
    """(slot, 0-based start in a code of this form)."""
    out, pos = [], 0
    for s in SLOTS:
        if form == "cascade" and s.name == "trace":
            continue
        out.append((s, pos))
        pos += s.length
    return out


def _check_chars(text: str, start: int, slot: Slot, allowed: frozenset[str], rule: str) -> list[CodeProblem]:
    return [CodeProblem(start + i + 1, ch, slot.zh, rule) for i, ch in enumerate(text) if ch not in allowed]


def _case_rule(ch: str, rule: str) -> str:
    return "应为大写字母" if ch.isascii() and ch.islower() else rule


#: the standard form with every character in its allowed set (the date still needs a calendar check)
_FAST = re.compile(
    "[0-9A-Z]{3}[PMC][" + "".join(BATTERY_TYPES) + "][0-9A-Z]{9}"
    "([" + DATE_SYMBOLS + "])([" + DATE_SYMBOLS[:12] + "])([" + DATE_SYMBOLS + "])[0-9]{7}"
)


def _fast(code: str) -> ParsedCode | None:
    """The valid standard-form code without the field-by-field pass (None: take the slow path)."""
    m = _FAST.fullmatch(code)
    if m is None or code[17:] == "0000000":
        return None
    y, mo, d = (_SYMBOL_VALUE[c] for c in m.groups())
    try:
        day = dt.date(YEAR_BASE + y, mo, d)
    except ValueError:
        return None
    b = code[4]
    return ParsedCode(code, "standard", code[:3], PRODUCT_TYPES[code[3]], b, BATTERY_TYPES[b][0], code[5:7],
                      code[7:14], day, code[17:])  # fmt: skip


def parse(text: str) -> ParsedCode:
    """Read a 24-character code (or the 17-character cascade-use form) field by field.

    Every problem is reported, not only the first: each names the position, the character, the field and
    the rule. Surrounding whitespace is ignored; nothing else is corrected.
    """
    code = text.strip()
    n = len(code)
    if n == LENGTH and (fast := _fast(code)) is not None:
        return fast
    if n == LENGTH:
        form: Form = "standard"
    elif n == CASCADE_LENGTH:
        form = "cascade"
    else:
        rule = f"应为{LENGTH}位（梯次利用产品重新编码为{CASCADE_LENGTH}位），实际为{n}位"
        if n == DISPUTED_CASCADE_LENGTH:
            rule += (
                f"；有公开工具把{DISPUTED_CASCADE_LENGTH}位视为梯次利用编码，但与 GB/T 34014-2017 条文"
                "（梯次利用产品重新编码、无追溯信息代码）不符，本系统未能核实，故不接受"
            )
        return ParsedCode(code, None, problems=(CodeProblem(None, None, "编码长度", rule),))
    parts: dict[str, str] = {}
    problems: list[CodeProblem] = []
    for slot, start in _layout(form):
        piece = code[start : start + slot.length]
        parts[slot.name] = piece
        problems.extend(_check_slot(slot, start, piece))
    produced, date_problems = _date(parts["date"], _layout_start(form, "date"))
    problems.extend(date_problems)
    ptype = PRODUCT_TYPES.get(parts["product_type"])
    btype = BATTERY_TYPES.get(parts["battery_type"])
    return ParsedCode(
        code=code,
        form=form,
        manufacturer=parts["manufacturer"],
        product_type=ptype,
        battery_type=parts["battery_type"] if btype else None,
        battery_type_zh=btype[0] if btype else None,
        spec=parts["spec"],
        trace=parts.get("trace"),
        production_date=produced,
        serial=parts["serial"],
        problems=tuple(sorted(problems, key=lambda p: p.position or 0)),
    )


def _layout_start(form: Form, name: str) -> int:
    return next(start for s, start in _layout(form) if s.name == name)


def _check_slot(slot: Slot, start: int, piece: str) -> list[CodeProblem]:
    if slot.name == "product_type":
        ch = piece
        if ch not in PRODUCT_TYPES:
            return [
                CodeProblem(start + 1, ch, slot.zh, _case_rule(ch, "应为 P（电池包）、M（模块）或 C（单体）"))
            ]
        return []
    if slot.name == "battery_type":
        ch = piece
        if ch not in BATTERY_TYPES:
            allowed = "、".join(f"{k}（{v[0]}）" for k, v in BATTERY_TYPES.items())
            return [CodeProblem(start + 1, ch, slot.zh, _case_rule(ch, f"应为 {allowed} 之一"))]
        return []
    if slot.name == "serial":
        out = _check_chars(piece, start, slot, _DIGITS, "序列号应为7位数字")
        if not out and piece == "0000000":
            out.append(CodeProblem(start + 1, piece, slot.zh, "序列号应在 0000001–9999999 之间，不能全为0"))
        return out
    if slot.name == "date":
        return []  # checked together by _date
    return [
        CodeProblem(start + i + 1, ch, slot.zh, _case_rule(ch, "应为数字或大写英文字母"))
        for i, ch in enumerate(piece)
        if ch not in _ALNUM
    ]


def _date(piece: str, start: int) -> tuple[dt.date | None, list[CodeProblem]]:
    names = ("生产年份", "生产月份", "生产日")
    limits = (len(DATE_SYMBOLS), 12, 31)
    values: list[int] = []
    problems: list[CodeProblem] = []
    for i, (ch, name, limit) in enumerate(zip(piece, names, limits, strict=True)):
        v = _SYMBOL_VALUE.get(ch)
        if v is None:
            rule = f"{name}代码应为 1–9 或 A–Y（不用 I、O、Q）"
            problems.append(CodeProblem(start + i + 1, ch, "生产日期代码", _case_rule(ch, rule)))
        elif v > limit:
            last = DATE_SYMBOLS[limit - 1]
            problems.append(
                CodeProblem(start + i + 1, ch, "生产日期代码", f"{name}代码超出范围（{name}代码为 1–{last}，"
                            f"“{ch}”表示{v}）")
            )  # fmt: skip
        else:
            values.append(v)
    if problems:
        return None, problems
    year, month, day = YEAR_BASE + values[0], values[1], values[2]
    last_day = calendar.monthrange(year, month)[1]
    if day > last_day:
        return None, [
            CodeProblem(
                start + 3, piece[2], "生产日期代码", f"{year}年{month}月只有{last_day}天，不存在{day}日"
            )
        ]
    return dt.date(year, month, day), []


def date_code(day: dt.date) -> str:
    """The three production-date characters of ``day`` (years 2011–2041)."""
    v = day.year - YEAR_BASE
    if not 1 <= v <= len(DATE_SYMBOLS):
        last = YEAR_BASE + len(DATE_SYMBOLS)
        raise CodeError(
            [
                CodeProblem(
                    None, None, "生产日期", f"生产年份应在 {YEAR_BASE + 1}–{last} 年之间，实际为{day.year}年"
                )
            ]
        )
    return DATE_SYMBOLS[v - 1] + DATE_SYMBOLS[day.month - 1] + DATE_SYMBOLS[day.day - 1]


def build(
    manufacturer: str,
    product_type: ProductType,
    battery_type: str,
    spec: str,
    trace: str | None,
    produced: dt.date,
    serial: int,
) -> str:
    """Assemble a code from its parts; ``trace=None`` builds the 17-character cascade-use form.

    Raises :class:`CodeError` naming every part that breaks a rule; the result always parses as valid.
    """
    if product_type not in PRODUCT_LETTER:
        raise CodeError(
            [CodeProblem(None, None, "产品类型", f"应为 pack、module 或 cell，实际为{product_type!r}")]
        )
    wrong = [
        CodeProblem(None, None, zh, f"应为{n}位，实际为{len(part)}位（{part!r}）")
        for part, n, zh in (
            (manufacturer, 3, "厂商代码"),
            (battery_type, 1, "电池类型代码"),
            (spec, 2, "规格代码"),
            (trace if trace is not None else "x" * 7, 7, "追溯信息代码"),
        )
        if len(part) != n
    ]
    if wrong:
        raise CodeError(wrong)
    if not 1 <= serial <= 9_999_999:
        raise CodeError([CodeProblem(None, None, "序列号", f"应在 1–9999999 之间，实际为{serial}")])
    code = (
        manufacturer
        + PRODUCT_LETTER[product_type]
        + battery_type
        + spec
        + (trace if trace is not None else "")
        + date_code(produced)
        + f"{serial:07d}"
    )
    parsed = parse(code)
    if not parsed.valid:
        raise CodeError(list(parsed.problems))
    return code
