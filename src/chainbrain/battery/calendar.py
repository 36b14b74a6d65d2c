"""China's working days (工作日): weekends, the State Council's official holidays and 调休 make-up days.

The holiday calendar comes from the registry package ``chinesecalendar`` (imported as ``chinese_calendar``),
which transcribes each year's 国务院办公厅 notice on holiday arrangements and is updated once the next
year's notice is out (usually in November). Version 1.11.0, locked in ``uv.lock``, covers **2004–2026**;
:func:`covered_years` reads the range from the installed package. A date outside it is refused with
:class:`CalendarError` rather than guessed: a deadline that runs into an uncovered year cannot be known.

"N 个工作日内" is read as: the deadline is the N-th working day *after* the event day (the event day
itself does not count), and a report on or before that day is on time.
"""

from __future__ import annotations

import datetime as dt
from functools import cache


class CalendarError(ValueError):
    """The holiday calendar does not cover a date (zh-CN message)."""


@cache
def covered_years() -> tuple[int, int]:
    """(first, last) year the installed holiday calendar covers."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return min(years), max(years)


def _require(day: dt.date) -> None:
    first, last = covered_years()
    if not first <= day.year <= last:
        raise CalendarError(
            f"节假日日历（chinesecalendar）只收录 {first}–{last} 年，{day.isoformat()} 不在其中；"
            f"{day.year}年的国务院节假日安排未收录，无法计算工作日，请升级 chinesecalendar"
        )


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is an official working day (a 调休 Saturday or Sunday counts; a holiday does not)."""
    _require(day)
    from chinese_calendar import is_workday as _is_workday

    return bool(_is_workday(day))


@cache
def _tables() -> tuple[dt.date, list[int], list[dt.date]]:
    """(first day, working days counted up to each day inclusive, the k-th working day) over the
    covered years: a deadline is one lookup, so checking millions of events stays fast."""
    from chinese_calendar import is_workday as _is_workday

    first, last = covered_years()
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    cum: list[int] = []
    nth: list[dt.date] = []
    day, count = start, 0
    while day <= end:
        if _is_workday(day):
            count += 1
            nth.append(day)
        cum.append(count)
        day += dt.timedelta(days=1)
    return start, cum, nth


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n`` in 1..366."""
    if not 1 <= n <= 366:
        raise ValueError(f"工作日数应在 1–366 之间，实际为 {n}")
    _require(start)
    first, cum, nth = _tables()
    target = cum[(start - first).days] + n
    if target > len(nth):
        last = covered_years()[1]
        raise CalendarError(
            f"自 {start.isoformat()} 起第 {n} 个工作日已超出节假日日历收录的最后一年（{last}年）；"
            f"{last + 1}年的国务院节假日安排未收录，无法计算，请升级 chinesecalendar"
        )
    return nth[target - 1]


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    _require(start)
    _require(end)
    first, cum, _ = _tables()
    return cum[(end - first).days] - cum[(start - first).days]
