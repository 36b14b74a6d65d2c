"""How figures are shown: in the plans' own units, counts as whole numbers, ranges as ranges.

The rules of ``frontend/src/format.ts`` for the CLI and the reports (tests/test_format.py checks both against
the same hand-worked cases): 元 → 亿元; 辆 and 套 of 10,000 or more → 万辆 / 万套; kWh of 1亿瓦时 (100,000 kWh)
or more → 亿瓦时 with GWh beside it (1 GWh = 10 亿瓦时); a fraction (unit ``比例``) → per cent; figures whose
unit counts whole things (家, 个, 辆 …) → integers, half away from zero. Decimals are cut to at most two (one
for per cent and days), half away from zero, trailing zeros dropped, thousands separated by commas.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from chainbrain.chain.boundary import CITY_PREFIX

#: units whose figures count whole things
COUNT_UNITS = frozenset("家 个 座 辆 套 件 颗 台 片 项 人 条 桩 次 处".split())
DASH = "—"


def _known(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def fixed(v: float | None, max_digits: int = 2) -> str:
    """``v`` with at most ``max_digits`` decimals, commas between thousands; — when unknown."""
    if v is None or not math.isfinite(v):
        return DASH
    q = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-max_digits), rounding=ROUND_HALF_UP)
    text = f"{q:,.{max_digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def count(v: float | None) -> str:
    """A whole-number count: 14,279.75 → ``14,280``."""
    return fixed(v, 0) if _known(v) else DASH


def share(v: float | None) -> str:
    """A fraction as per cent without needless zeros: 0.03 → ``3%``, 0.0323 → ``3.2%``."""
    return f"{fixed(v * 100, 1)}%" if v is not None and _known(v) else DASH


def days(v: float | None) -> str:
    """Days, one decimal: 74.73 → ``74.7 天``."""
    return f"{fixed(v, 1)} 天" if _known(v) else DASH


def qty(v: float | None, unit: str | None) -> str:
    """A figure and its unit as the plans write it (see the module docstring)."""
    if v is None or not math.isfinite(v):
        return DASH
    u = unit or ""
    if u == "kWh":
        if abs(v) >= 1e5:
            return f"{fixed(v / 1e5)} 亿瓦时（{fixed(v / 1e6)} GWh）"
        return f"{count(v)} kWh"
    if u in ("辆", "套") and abs(v) >= 1e4:
        return f"{fixed(v / 1e4)} 万{u}"
    if u == "元":
        return f"{fixed(v / 1e8)} 亿元"
    if u == "比例":
        return share(v)
    if u == "%":
        return f"{fixed(v, 1)}%"
    if u in COUNT_UNITS:
        return f"{count(v)} {u}"
    return f"{fixed(v)} {u}" if u else fixed(v)


def value_range(lo: float | None, hi: float | None, unit: str | None) -> str:
    """A range of the plans: 3, 5, 家 → ``3–5 家``; without a top (or top = floor) the floor alone."""
    if lo is None or hi is None or hi == lo:
        return qty(lo if lo is not None else hi, unit)
    one = count if unit in COUNT_UNITS else fixed
    if unit == "%":
        return f"{one(lo)}–{one(hi)}%"
    return f"{one(lo)}–{one(hi)}" + (f" {unit}" if unit else "")


def place_name(code: str, name: str, province: str | None, city: str | None) -> str:
    """A county-level division by name: the city's own by their name, others with their city (or province)
    first — 320214 新吴区 of 无锡市 → ``无锡市新吴区``, 310114 嘉定区 of 上海市 → ``上海市嘉定区``."""
    if code.startswith(CITY_PREFIX):
        return name
    head = city or province or ""
    return name if name.startswith(head) else head + name
