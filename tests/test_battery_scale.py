"""The synthetic battery ledger and the in-database compliance board, checked by independent code paths."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from chainbrain.battery.codes import parse
from chainbrain.battery.duties import board_sql, by_actor, check_reports
from chainbrain.battery.ledger import children
from chainbrain.battery.scale import ScaleError, synthesize_batteries
from chainbrain.battery.vin import check_vin
from chainbrain.cli import app
from fixtures.battery import CELL, MODULE, PACK, add_events, seed


def test_synthetic_ledger_is_valid_and_deterministic(fresh_db: duckdb.DuckDBPyConnection) -> None:
    r = synthesize_batteries(fresh_db, 300, seed=7)
    assert r.units == 300 * 11  # 1 pack + 2 modules + 8 cells
    units = fresh_db.execute("SELECT code, kind, vin FROM battery_unit").fetchall()
    assert all(parse(c).valid and parse(c).product_type == k for c, k, _ in units)
    assert all(check_vin(v).valid for _, k, v in units if k == "pack")
    first = units[0][0] if units[0][1] == "pack" else next(c for c, k, _ in units if k == "pack")
    assert [u.kind for u in children(fresh_db, first)].count("cell") == 8
    again = duckdb.connect(":memory:")
    from chainbrain.store import migrate

    migrate(again)
    assert synthesize_batteries(again, 300, seed=7).events == r.events
    assert again.execute("SELECT sum(hash(id, date, reported_at)) FROM battery_event").fetchall() == (
        fresh_db.execute("SELECT sum(hash(id, date, reported_at)) FROM battery_event").fetchall()
    )
    with pytest.raises(ScaleError, match="已有"):
        synthesize_batteries(fresh_db, 10)


@pytest.mark.parametrize("day", [dt.date(2026, 11, 30), dt.date(2023, 3, 1)])
def test_board_in_duckdb_equals_the_row_by_row_checks(
    fresh_db: duckdb.DuckDBPyConnection, day: dt.date
) -> None:
    synthesize_batteries(fresh_db, 400, seed=3)
    assert board_sql(fresh_db, day) == by_actor(check_reports(fresh_db, day))


def test_board_sql_on_the_hand_world(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    seed(fresh_db, tmp_path)
    add_events(fresh_db, tmp_path, [
        ["a", CELL, "collected_in", "cp1", "collection_point", "", "2024-10-08", "2024-11-19"],  # late (OEM via pack)
        ["b", MODULE, "shipped", "maker1", "battery_maker", "", "2024-10-08", ""],  # missing
        ["c", PACK, "shipped", "maker1", "battery_maker", "", "2026-12-28", ""],  # unknown (2027)
    ])  # fmt: skip
    board = {
        (a.reporter_id, a.reporter_role): (a.late, a.missing, a.unknown)
        for a in board_sql(fresh_db, dt.date(2026, 12, 31))
    }
    assert board == {("oem1", "oem"): (1, 0, 0), ("maker1", "battery_maker"): (0, 1, 1)}


def test_synth_cli_battery_option(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    r = CliRunner().invoke(
        app, ["synth", "--firms", "20", "--links", "20", "--batteries", "50", "--db", str(db), "--json"]
    )
    assert r.exit_code == 0, r.output
    counts = json.loads(r.stdout)["counts"]
    assert counts["battery_units"] == 550 and counts["battery_events"] > 550


def test_chunks_cover_every_pack_once_in_maker_blocks() -> None:
    from chainbrain.battery.scale import plan_chunks

    # 45 packs over 20 makers: 3 per maker (the last makers get none), at most 2 per chunk
    chunks = plan_chunks(45, 2)
    assert chunks[:3] == [(0, 0, 2), (0, 2, 3), (1, 3, 5)]
    covered = [i for _, a, b in chunks for i in range(a, b)]
    assert covered == list(range(45))
    assert {m for m, _, _ in chunks} == set(range(15))  # 15 makers × 3 packs


def test_chunk_size_does_not_change_the_ledger_and_rows_are_in_code_order(
    fresh_db: duckdb.DuckDBPyConnection,
) -> None:
    from chainbrain.store import migrate

    r = synthesize_batteries(fresh_db, 60, seed=5)  # one chunk per maker
    assert r.chunks == 20
    small = duckdb.connect(":memory:")
    migrate(small)
    assert synthesize_batteries(small, 60, seed=5, chunk_packs=2).chunks == 40
    q = "SELECT count(*), sum(hash(id, code, event, date, reported_at)) FROM battery_event"
    assert small.execute(q).fetchall() == fresh_db.execute(q).fetchall()
    # stored in code order (what lets the zone maps skip row groups), units and events alike
    units = [c for (c,) in fresh_db.execute("SELECT code FROM battery_unit ORDER BY rowid").fetchall()]
    assert units == sorted(units)
    evs = [c for (c,) in fresh_db.execute("SELECT code FROM battery_event ORDER BY rowid").fetchall()]
    assert evs == sorted(evs)
    with pytest.raises(ScaleError, match="每批"):
        synthesize_batteries(small, 10, chunk_packs=0)


def test_lives_reach_about_fifty_events_per_pack(fresh_db: duckdb.DuckDBPyConnection) -> None:
    r = synthesize_batteries(fresh_db, 400, seed=42)
    assert 47 <= r.events / r.packs <= 54  # 1,000,000 packs → about 50 M events
    # every retired pack's life is closed: each of its units is recycled or (modules) cascade-used
    open_ = fresh_db.execute(
        """
        SELECT count(*) FROM battery_unit u
        WHERE EXISTS (SELECT 1 FROM battery_event e JOIN battery_unit p ON p.code = e.code
                      WHERE e.event = 'recycled' AND p.code = coalesce(
                          (SELECT g.parent_code FROM battery_unit g WHERE g.code = u.parent_code), u.parent_code, u.code))
          AND NOT EXISTS (SELECT 1 FROM battery_event e WHERE e.code = u.code AND e.event = 'recycled')
        """
    ).fetchall()[0][0]
    assert open_ == 0
    assert fresh_db.execute("SELECT max(date) FROM battery_event").fetchall()[0][0] <= dt.date(2026, 11, 30)
