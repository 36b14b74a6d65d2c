"""The infrastructure answers take their default day from ``CHAINBRAIN_INFRA_AS_OF``, and the API an
explicit ``as_of``: a plan toward 2027 made "today" stays valid whatever year the calendar shows."""

from __future__ import annotations

import datetime as dt

import pytest

from chainbrain.infra.coverage import township_coverage
from chainbrain.infra.planning import yearly_plan
from chainbrain.settings import infra_today
from chainbrain.siting.errors import InputError


def test_the_setting_fixes_the_default_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINBRAIN_INFRA_AS_OF", raising=False)
    assert infra_today() == dt.date.today()
    monkeypatch.setenv("CHAINBRAIN_INFRA_AS_OF", "2026-12-01")
    assert infra_today() == dt.date(2026, 12, 1)


def test_a_plan_toward_2027_as_of_a_fixed_day(demo_db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINBRAIN_INFRA_AS_OF", "2026-12-01")
    plan = yearly_plan(demo_db, target=2000, year=2027)
    assert plan.as_of == dt.date(2026, 12, 1) and [y.year for y in plan.years] == [2027]
    assert township_coverage(demo_db).as_of == dt.date(2026, 12, 1)
    # the same plan from a day in 2028 is refused: the target year has passed (what the fixed day prevents)
    monkeypatch.setenv("CHAINBRAIN_INFRA_AS_OF", "2028-01-02")
    with pytest.raises(InputError, match="2028"):
        yearly_plan(demo_db, target=2000, year=2027)
    # an explicit as_of wins over the setting
    assert yearly_plan(demo_db, target=2000, year=2027, as_of=dt.date(2026, 12, 1)).as_of == dt.date(
        2026, 12, 1
    )
