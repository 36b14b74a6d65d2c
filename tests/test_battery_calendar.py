"""Working days with China's holidays and 调休, worked by hand from the State Council notices.

国务院办公厅关于2024年部分节假日安排的通知: 春节 2月10日至17日放假调休，共8天；2月4日（星期日）、2月18日（星期日）上班。
国庆节 10月1日至7日放假调休，共7天；9月29日（星期日）、10月12日（星期六）上班。
"""

from __future__ import annotations

import datetime as dt

import pytest

from chainbrain.battery.calendar import (
    CalendarError,
    add_working_days,
    covered_years,
    is_workday,
    working_days_between,
)

D = dt.date


def test_make_up_sunday_is_a_working_day_and_holiday_is_not() -> None:
    assert is_workday(D(2024, 2, 4))  # Sunday, 调休 working day
    assert not is_workday(D(2024, 2, 12))  # Monday inside the Spring Festival holiday
    assert not is_workday(D(2024, 2, 3))  # an ordinary Saturday
    assert is_workday(D(2024, 2, 9))  # 除夕 2024 was a working day in the notice


def test_across_the_tiaoxiu_weekend() -> None:
    # Friday 2024-02-02 → the next working day is Sunday 2024-02-04 (Saturday 3rd off)
    assert add_working_days(D(2024, 2, 2), 1) == D(2024, 2, 4)
    # Friday 2024-09-27 → Sun 29 (调休), Mon 30, then 1–7 Oct off → Tue 8 Oct
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_working_days(D(2024, 9, 27), 3) == D(2024, 10, 8)


def test_across_the_spring_festival() -> None:
    # Thu 2024-02-08: Fri 9 (1), 10–17 off, Sun 18 调休 (2)
    assert add_working_days(D(2024, 2, 8), 2) == D(2024, 2, 18)
    # 15 working days from Thu 2024-02-01: Feb 2 (1), 4 (2), 5–9 (3–7), 18 (8), 19–23 (9–13), 26 (14), 27 (15)
    assert add_working_days(D(2024, 2, 1), 15) == D(2024, 2, 27)
    assert working_days_between(D(2024, 2, 1), D(2024, 2, 27)) == 15
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 17)) == 0


def test_years_outside_the_calendar_are_refused() -> None:
    first, last = covered_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(CalendarError, match="2004–2026"):
        is_workday(D(2027, 1, 4))
    # a deadline that runs into an uncovered year is refused, not guessed
    with pytest.raises(CalendarError, match="2027"):
        add_working_days(D(2026, 12, 25), 15)
    with pytest.raises(CalendarError):
        add_working_days(D(2003, 12, 30), 1)
