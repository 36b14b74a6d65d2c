"""Reporting duties on hand-made life histories, one per rule, with deadlines worked by hand.

From Tue 2024-10-08 (after the National Day holiday; Sat 2024-10-12 is a 调休 working day):
15 working days → Oct 9, 10, 11, 12 (Sat), 14–18, 21–25, 28 → **2024-10-28**;
30 working days → … 28 Oct–1 Nov (15–19), 4–8 Nov (20–24), 11–15 Nov (25–29), 18 Nov → **2024-11-18**.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from chainbrain.battery.duties import DUTIES, broken_chains, by_actor, check_reports, duty_for
from chainbrain.io import import_file
from fixtures.battery import CELL, CELL2, MODULE, PACK, add_events, seed
from fixtures.files import write_csv

D = dt.date
EVENT_DAY = "2024-10-08"
DEADLINE = {15: D(2024, 10, 28), 30: D(2024, 11, 18)}

# (event, role, actor, expected rule, working days, reporter, checked against the final text here)
RULES = [
    ("shipped", "battery_maker", "maker1", "maker_shipped", 15, "maker1", False),
    ("installed", "oem", "oem1", "oem_installed", 15, "oem1", False),
    ("sold", "dealer", "oem1", "oem_sold", 30, "oem1", False),
    ("repaired", "repairer", "cp1", "oem_repaired", 30, "oem1", True),
    ("replaced", "repairer", "cp1", "oem_replaced", 30, "oem1", True),
    ("collected_in", "collection_point", "cp1", "oem_collected_in", 30, "oem1", True),
    ("collected_out", "collection_point", "cp1", "oem_collected_out", 30, "oem1", True),
    ("retired", "dismantler", "dis1", "dismantler_received", 15, "dis1", True),
    ("dismantled", "dismantler", "dis1", "dismantler_dismantled", 15, "dis1", True),
    ("cascade_made", "cascade_user", "cas1", "cascade_product_out", 15, "cas1", True),
    ("collected_in", "cascade_user", "cas1", "cascade_waste_in", 15, "cas1", True),
    ("collected_out", "cascade_user", "cas1", "cascade_waste_out", 15, "cas1", True),
    ("recycler_in", "recycler", "rec1", "recycler_received", 30, "rec1", True),
    ("recycled", "recycler", "rec1", "recycler_done", 30, "rec1", True),
]


@pytest.fixture
def world(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    seed(fresh_db, tmp_path)
    return fresh_db


def test_every_rule_in_the_table_is_exercised() -> None:
    assert sorted(r[3] for r in RULES) == sorted(d.id for d in DUTIES)
    assert duty_for("produced", "battery_maker") is None  # production itself carries no upload duty


@pytest.mark.parametrize(("event", "role", "actor", "rule", "days", "reporter", "checked"), RULES)
def test_rule_on_a_life_history(
    world: duckdb.DuckDBPyConnection, tmp_path: Path,
    event: str, role: str, actor: str, rule: str, days: int, reporter: str, checked: bool,
) -> None:  # fmt: skip
    deadline = DEADLINE[days]
    late_day = deadline + dt.timedelta(days=1)  # the next calendar day is a working day in both cases
    add_events(
        world,
        tmp_path,
        [
            ["on_time", CELL, event, actor, role, "500112", EVENT_DAY, deadline.isoformat()],
            ["late", CELL2, event, actor, role, "500112", EVENT_DAY, late_day.isoformat()],
            ["missing", MODULE, event, actor, role, "500112", EVENT_DAY, ""],
        ],
    )
    checks = {c.event_id: c for c in check_reports(world, as_of=late_day)}
    assert {c.duty_id for c in checks.values()} == {rule}
    assert all(c.deadline == deadline and c.reporter_id == reporter for c in checks.values())
    assert all(c.checked_rule is checked for c in checks.values())
    assert (checks["on_time"].state, checks["on_time"].working_days_late) == ("on_time", 0)
    assert (checks["late"].state, checks["late"].working_days_late) == ("late", 1)
    assert (checks["missing"].state, checks["missing"].working_days_late) == ("missing", 1)
    # the day of the deadline itself: not yet missing
    assert {c.event_id: c.state for c in check_reports(world, as_of=deadline)}["missing"] == "pending"


def test_spring_festival_deadline_and_per_actor_board(
    world: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # shipped Thu 2024-02-01: 15 working days across the Spring Festival and two 调休 Sundays → 2024-02-27.
    # The hand world's codes read 2024-10-01 and the importer refuses events before a unit was made, so
    # this history's batteries are recorded as made in January.
    world.execute("UPDATE battery_unit SET produced = DATE '2024-01-02'")
    add_events(
        world,
        tmp_path,
        [
            ["s1", PACK, "shipped", "maker1", "battery_maker", "500120", "2024-02-01", "2024-02-27"],
            ["s2", MODULE, "shipped", "maker1", "battery_maker", "500120", "2024-02-01", "2024-02-28"],
            ["r1", CELL, "recycler_in", "rec1", "recycler", "500120", "2024-02-01", ""],
        ],
    )
    checks = {c.event_id: c for c in check_reports(world, as_of=D(2024, 6, 30))}
    assert checks["s1"].deadline == D(2024, 2, 27) and checks["s1"].state == "on_time"
    assert checks["s2"].state == "late"
    board = {(a.reporter_id, a.reporter_role): a for a in by_actor(list(checks.values()))}
    assert (board["maker1", "battery_maker"].on_time, board["maker1", "battery_maker"].late) == (1, 1)
    assert board["rec1", "recycler"].missing == 1
    assert by_actor(list(checks.values()))[0].reporter_id == "rec1"  # worst first


def test_deadline_beyond_the_calendar_is_unknown_not_guessed(
    world: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    add_events(world, tmp_path, [["x", PACK, "shipped", "maker1", "battery_maker", "", "2026-12-28", ""]])
    (c,) = check_reports(world, as_of=D(2026, 12, 31))
    assert c.state == "unknown" and "2027" in c.note


def test_oem_duty_without_an_oem_is_flagged(world: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_file(world, "battery_units", write_csv(tmp_path / "u.csv", ["电池编码", "来源", "数据状态"],
                                                  [["ABCPE01T000001EA10000077", "t", "示意"]]))  # fmt: skip
    add_events(
        world, tmp_path, [["x", "ABCPE01T000001EA10000077", "repaired", "cp1", "repairer", "", EVENT_DAY, ""]]
    )
    (c,) = check_reports(world, as_of=D(2024, 12, 31))
    assert c.state == "no_reporter" and c.reporter_id is None


def test_broken_chains(world: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    assert broken_chains(world) == []
    lone_module, lone_pack = "ABCME01T000001EA10000050", "ABCPE01T000001EA10000050"
    import_file(world, "battery_units", write_csv(tmp_path / "u.csv", ["电池编码", "来源", "数据状态"],
                                                  [[lone_module, "t", "示意"], [lone_pack, "t", "示意"]]))  # fmt: skip
    add_events(
        world,
        tmp_path,
        [
            ["i1", lone_pack, "installed", "oem1", "oem", "", "2024-10-08", "2024-10-09"],
            ["r1", CELL, "recycled", "rec1", "recycler", "", "2024-11-08", "2024-11-09"],
        ],
    )
    got = {(b.code, b.problem) for b in broken_chains(world)}
    assert got == {
        (lone_module, "module_without_cells"),
        (lone_pack, "installed_pack_without_vin"),
        (CELL, "recycled_never_retired"),
    }
    # retiring the pack above the cell mends the last one
    add_events(
        world, tmp_path, [["t1", PACK, "retired", "dis1", "dismantler", "", "2024-11-01", ""]], name="t.csv"
    )
    assert (CELL, "recycled_never_retired") not in {(b.code, b.problem) for b in broken_chains(world)}
