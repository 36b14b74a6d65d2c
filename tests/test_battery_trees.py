"""Stored battery trees (migration 018): traces read from them equal the hand-built ledger, the table walk
and a polars computation; imports and the generator keep them equal to a rebuild from scratch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from chainbrain.battery import trees
from chainbrain.battery.scale import synthesize_batteries
from chainbrain.battery.trace import trace
from chainbrain.io import import_file
from chainbrain.store import connect
from chainbrain.store.connection import _migrations, migrate
from fixtures.battery import CELL, CELL2, MODULE, PACK, add_events, seed
from fixtures.files import write_csv

M2 = "ABCME01T000001EA10000002"
C3 = "ABCCE01T000001EA10000003"  # in M2
C4 = "ABCCE01T000001EA10000004"  # directly in the pack (cell-to-pack)
C5 = "ABCCE01T000001EA10000005"
PACK2 = "ABCPE01T000001EA10000002"
DAY = dt.date(2024, 12, 31)
UNIT_HEADER = [
    "电池编码",
    "上级编码",
    "车辆识别代号",
    "汽车生产企业编号",
    "额定能量(kWh)",
    "来源",
    "数据状态",
]


def _units(conn: duckdb.DuckDBPyConnection, tmp: Path, rows: list[list[str]], name: str) -> None:
    import_file(
        conn, "battery_units", write_csv(tmp / name, UNIT_HEADER, [[*r, "测试", "示意"] for r in rows])
    )


def _world(conn: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    seed(conn, tmp)  # PACK → MODULE → CELL, CELL2
    _units(conn, tmp, [[M2, PACK, "", "", "10"], [C3, M2, "", "", "0.5"], [C4, PACK, "", "", "0.5"],
                       [PACK2, "", "", "oem1", "50"]], "more.csv")  # fmt: skip
    add_events(conn, tmp, [
        ["p1", PACK, "installed", "oem1", "oem", "500112", "2024-10-08", ""],
        ["p0", PACK, "shipped", "maker1", "battery_maker", "500120", "2024-10-03", "2024-10-04"],
        ["c2", CELL2, "recycler_in", "rec1", "recycler", "500120", "2024-10-08", "2024-10-10"],
        ["c1", CELL, "recycler_in", "rec1", "recycler", "500120", "2024-10-08", "2024-10-09"],
        ["c0", CELL, "shipped", "maker1", "battery_maker", "500120", "2024-10-08", ""],
        ["m1", M2, "shipped", "maker1", "battery_maker", "500120", "2024-10-02", "2024-10-03"],
    ])  # fmt: skip


def _snapshot(conn: duckdb.DuckDBPyConnection) -> tuple[list[tuple[str, str]], list[tuple[str, bool, str]]]:
    return (
        conn.execute("SELECT code, root FROM battery_tree_member ORDER BY ALL").fetchall(),
        conn.execute("SELECT root, is_event, body FROM battery_tree_row ORDER BY ALL").fetchall(),
    )


def _same_as_rebuild(conn: duckdb.DuckDBPyConnection) -> None:
    kept = _snapshot(conn)
    trees.rebuild_all(conn)
    assert _snapshot(conn) == kept


def _same_as_walk(conn: duckdb.DuckDBPyConnection, codes: list[str], day: dt.date = DAY) -> None:
    for c in codes:
        assert trace(conn, c, day).to_dict() == trace(conn, c, day, stored_trees=False).to_dict(), c


def test_traces_from_the_stored_tree_match_the_hand_built_ledger(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _world(fresh_db, tmp_path)
    everyone = [PACK, MODULE, M2, CELL, CELL2, C3, C4]
    assert dict(fresh_db.execute("SELECT code, root FROM battery_tree_member").fetchall()) == {
        **{c: PACK for c in everyone},
        PACK2: PACK2,
    }
    assert all(trees.read(fresh_db, c) is not None for c in [*everyone, PACK2])
    t = trace(fresh_db, PACK, DAY)
    # level 1 (C4 < MODULE < M2 as strings), then level 2 below the modules
    assert [u.code for u in t.children] == [C4, MODULE, M2, CELL, CELL2, C3]
    assert [e.id for e in t.events] == ["p0", "p1"]
    # duties of the whole tree: events by date, then code, then id
    assert [r.event_id for r in t.reports] == ["m1", "p0", "c0", "c1", "c2", "p1"]
    t = trace(fresh_db, C3, DAY)
    assert [u.code for u in t.parents] == [M2, PACK] and t.children == []
    assert (t.vin, t.oem_id) == ("LFV3A23C6H3012345", "oem1")
    t = trace(fresh_db, CELL, DAY)
    assert [e.id for e in t.events] == ["c0", "c1"]  # same day: by id
    assert [u.code for u in trace(fresh_db, M2, DAY).children] == [C3]
    assert trace(fresh_db, PACK2, DAY).children == []
    _same_as_walk(fresh_db, [*everyone, PACK2])


def test_imports_refresh_the_trees_they_touch(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _world(fresh_db, tmp_path)
    _units(fresh_db, tmp_path, [[C5, M2, "", "", "0.5"]], "c5.csv")  # a new cell under a stored module
    assert [u.code for u in trace(fresh_db, M2, DAY).children] == [C3, C5]
    _units(fresh_db, tmp_path, [[C3, MODULE, "", "", "0.5"]], "move.csv")  # C3 moves to the other module
    assert [u.code for u in trace(fresh_db, MODULE, DAY).children] == [CELL, CELL2, C3]
    assert [u.code for u in trace(fresh_db, M2, DAY).children] == [C5]
    _units(fresh_db, tmp_path, [[M2, PACK2, "", "", "10"]], "m2.csv")  # M2 and its cell to the other pack
    assert fresh_db.execute("SELECT root FROM battery_tree_member WHERE code = ?", [C5]).fetchall() == [
        (PACK2,)
    ]
    assert [u.code for u in trace(fresh_db, PACK2, DAY).children] == [M2, C5]
    # an event replaced under its id moves from CELL to C4
    add_events(fresh_db, tmp_path, [["c1", C4, "recycler_in", "rec1", "recycler", "500120", "2024-10-08", ""]],
               "move_ev.csv")  # fmt: skip
    assert [e.id for e in trace(fresh_db, CELL, DAY).events] == ["c0"]
    assert [e.id for e in trace(fresh_db, C4, DAY).events] == ["c1"]
    _same_as_walk(fresh_db, [PACK, MODULE, M2, CELL, CELL2, C3, C4, C5, PACK2])
    _same_as_rebuild(fresh_db)


def test_shapes_the_importer_refuses_fall_back_to_the_table_walk(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _world(fresh_db, tmp_path)
    # written past the importer: a module under a module under a module in PACK2, and two cells in a cycle
    x1, x2, x3 = "ABCME01T000001EA10000011", "ABCME01T000001EA10000012", "ABCME01T000001EA10000013"
    y1, y2 = "ABCCE01T000001EA10000021", "ABCCE01T000001EA10000022"
    for code, kind, parent in ((x3, "module", PACK2), (x2, "module", x3), (x1, "module", x2),
                               (y1, "cell", y2), (y2, "cell", y1)):  # fmt: skip
        fresh_db.execute(
            "INSERT INTO battery_unit (code, kind, parent_code, source, status) VALUES (?, ?, ?, 't', 'illustrative')",
            [code, kind, parent],
        )
    fresh_db.execute("INSERT INTO battery_event (id, code, event, date, source, status) "
                     "VALUES ('x', ?, 'produced', DATE '2024-10-01', 't', 'illustrative')", [x1])  # fmt: skip
    trees.rebuild_all(fresh_db)
    for c in (x1, x2, x3, y1, y2, PACK2):
        assert trees.read(fresh_db, c) is None, c
    assert trees.read(fresh_db, PACK) is not None  # the untouched tree stays stored
    assert [u.code for u in trace(fresh_db, PACK2, DAY).children] == [x3, x2, x1]
    assert [u.code for u in trace(fresh_db, y1, DAY).parents] == [y2]
    _same_as_walk(fresh_db, [x1, x2, x3, y1, y2, PACK2, PACK, CELL])


def test_migration_018_builds_the_trees_of_a_store_that_holds_batteries() -> None:
    conn = duckdb.connect(":memory:")
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                 " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")  # fmt: skip
    for version, name, sql in _migrations():
        if version < 18:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    rows = [(PACK, "pack", None), (MODULE, "module", PACK), (CELL, "cell", MODULE), (C4, "cell", PACK)]
    for code, kind, parent in rows:
        conn.execute("INSERT INTO battery_unit (code, kind, parent_code, capacity_kwh, source, status) "
                     "VALUES (?, ?, ?, 1.25, 't', 'illustrative')", [code, kind, parent])  # fmt: skip
    conn.execute("INSERT INTO battery_event (id, code, event, date, source, status) "
                 "VALUES ('e', ?, 'produced', DATE '2024-10-01', 't', 'illustrative')", [CELL])  # fmt: skip
    assert migrate(conn) == [v for v, _, _ in _migrations() if v >= 18]
    members, body = _snapshot(conn)
    assert members == sorted((c, PACK) for c, _, _ in rows)
    assert len(body) == 5 and sum(e for _, e, _ in body) == 1
    _same_as_rebuild(conn)
    _same_as_walk(conn, [c for c, _, _ in rows], dt.date(2024, 12, 31))


def test_generated_chunks_keep_their_trees(fresh_db: duckdb.DuckDBPyConnection) -> None:
    synthesize_batteries(fresh_db, 30, seed=5, chunk_packs=4)  # several chunks per maker block
    assert fresh_db.execute("SELECT count(DISTINCT root) FROM battery_tree_row").fetchall() == [(30,)]
    _same_as_rebuild(fresh_db)
    codes = [r[0] for r in fresh_db.execute("SELECT code FROM battery_unit ORDER BY code").fetchall()]
    _same_as_walk(fresh_db, codes, dt.date(2026, 11, 30))


@pytest.mark.parametrize("seed_", [1, 2])
def test_traces_equal_a_polars_computation_of_the_same_ledger(
    fresh_db: duckdb.DuckDBPyConnection, seed_: int
) -> None:
    """Parents, children (two levels) and events of every code, by filters on polars frames."""
    synthesize_batteries(fresh_db, 25, seed=seed_)
    units = pl.from_arrow(fresh_db.sql("SELECT code, parent_code FROM battery_unit").to_arrow_table())
    events = pl.from_arrow(fresh_db.sql("SELECT id, code, date FROM battery_event").to_arrow_table())
    assert isinstance(units, pl.DataFrame) and isinstance(events, pl.DataFrame)
    parent = dict(zip(units["code"].to_list(), units["parent_code"].to_list(), strict=True))
    for c in units["code"].to_list():
        t = trace(fresh_db, c, dt.date(2026, 11, 30))
        up, cur = [], parent[c]
        while cur is not None:
            up.append(cur)
            cur = parent[cur]
        kids = sorted(units.filter(pl.col("parent_code") == c)["code"].to_list())
        kids += sorted(units.filter(pl.col("parent_code").is_in(kids))["code"].to_list())
        evs = events.filter(pl.col("code") == c).sort("date", "code", "id")["id"].to_list()
        assert ([u.code for u in t.parents], [u.code for u in t.children], [e.id for e in t.events]) == (
            up,
            kids,
            evs,
        )


def test_the_bundled_batteries_trace_from_their_trees(demo_db_file: Path) -> None:
    """The 144 demo units (with their planted faults) all sit in regular trees, and every trace from them
    equals the table walk."""
    conn = connect(demo_db_file, read_only=True)
    codes = [r[0] for r in conn.execute("SELECT code FROM battery_unit ORDER BY code").fetchall()]
    assert len(codes) == 144
    assert all(trees.read(conn, c) is not None for c in codes)
    _same_as_walk(conn, codes, dt.date(2026, 11, 30))
    _same_as_walk(conn, codes, dt.date(2025, 6, 30))
    conn.close()


def test_migration_018_runs_the_statements_of_rebuild_all() -> None:
    sql = next(s for v, _, s in _migrations() if v == 18)
    statements = trees.rebuild_statements()
    assert len(statements) == 1 + trees.PARTS
    for st in statements:
        assert st + ";" in sql
