"""Observation periods: ``2025`` (year), ``2025Q3`` (quarter) or ``2025-09`` (month).

A period is placed on a decimal time axis at its *end*: the end of year ``Y`` is ``t = Y``, so ``2025`` and
``2025Q4`` and ``2025-12`` all sit at ``t = 2025.0``, ``2025Q1`` at ``2024.25`` and ``2025-06`` at ``2024.5``.
Target years and baseline years use the same axis (a 2027 target is due at ``t = 2027.0``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from chainbrain.errors import InvalidInput

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")

PERIOD_FORMATS_ZH = "年度 2025、季度 2025Q3、月度 2025-09"


class PeriodError(InvalidInput, ValueError):
    """A period string that is none of the accepted formats."""


@dataclass(frozen=True)
class Period:
    text: str  # normalised: 2025 | 2025Q3 | 2025-09
    grain: str  # year | quarter | month
    start: dt.date
    end: dt.date

    @property
    def t(self) -> float:
        """Decimal time of the period's end (see the module docstring)."""
        return period_t(self)


def parse_period(text: str | int) -> Period:
    """Parse ``2025``, ``2025Q3`` or ``2025-09``; raise :class:`PeriodError` naming the accepted formats."""
    s = str(text).strip()
    if isinstance(text, float) and float(text).is_integer():
        s = str(int(text))
    if m := _YEAR.match(s):
        y = int(m.group(1))
        return Period(s, "year", dt.date(y, 1, 1), dt.date(y, 12, 31))
    if m := _QUARTER.match(s):
        y, q = int(m.group(1)), int(m.group(2))
        last = 3 * q
        return Period(
            f"{y}Q{q}",
            "quarter",
            dt.date(y, last - 2, 1),
            dt.date(y, last, calendar.monthrange(y, last)[1]),
        )
    if m := _MONTH.match(s):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise PeriodError(f"期间 {s!r} 的月份 {mo} 不在 1–12 之间")
        return Period(
            f"{y}-{mo:02d}", "month", dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
        )
    raise PeriodError(f"期间 {s!r} 格式不对，应为 {PERIOD_FORMATS_ZH}")


def period_t(p: Period) -> float:
    y = p.end.year
    if p.grain == "year":
        return float(y)
    if p.grain == "quarter":
        return y - 1 + p.end.month / 12
    return y - 1 + p.end.month / 12


def date_t(d: dt.date) -> float:
    """Decimal time of a date: the end of day ``d`` (31 Dec 2025 → 2025.0)."""
    days = 366 if calendar.isleap(d.year) else 365
    return d.year - 1 + d.timetuple().tm_yday / days


def periods_between(after_t: float, until_t: float, grain: str) -> list[Period]:
    """The periods of ``grain`` (year or quarter) whose end lies in (after_t, until_t]."""
    out: list[Period] = []
    year = int(after_t) - 1
    while year <= int(until_t) + 1:
        if grain == "year":
            cands = [parse_period(str(year))]
        else:
            cands = [parse_period(f"{year}Q{q}") for q in range(1, 5)]
        for p in cands:
            if after_t + 1e-9 < p.t <= until_t + 1e-9:
                out.append(p)
        year += 1
    return out
