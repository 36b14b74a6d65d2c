from __future__ import annotations

import duckdb
import pytest

from chainbrain.store import connect, memory, migrate, schema_version
from chainbrain.store.connection import StoreError
from chainbrain.store.records import counts, insert_rows, transaction


def test_migrate_is_idempotent(tmp_path):
    path = tmp_path / "x.duckdb"
    conn = connect(path)
    v = schema_version(conn)
    assert v >= 1
    assert migrate(conn) == []
    conn.close()
    conn = connect(path)
    assert schema_version(conn) == v


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "x.duckdb"
    conn = connect(path)
    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        connect(path)


def test_transaction_rolls_back_everything():
    conn = memory()
    row = dict(
        id="E1", name="测试企业", district_code="500112", roles=["Tier1"], source="t", status="illustrative"
    )
    with pytest.raises(duckdb.ConstraintException):
        with transaction(conn):
            insert_rows(conn, "enterprises", [row])
            insert_rows(conn, "enterprises", [row])  # duplicate id
    assert counts(conn)["enterprises"] == 0


def test_replace_overwrites_by_id_and_keeps_defaults():
    conn = memory()
    base = dict(name="测试企业", district_code="500112", roles=["Tier1"], source="t", status="illustrative")
    with transaction(conn):
        insert_rows(conn, "enterprises", [dict(id="E1", credit_code="91500112MA5U00003P", **base)])
    # enterprise has a second UNIQUE (credit_code): replace must still work
    with transaction(conn):
        insert_rows(
            conn,
            "enterprises",
            [dict(id="E1", credit_code="91500112MA5U00003P", **{**base, "name": "新名"})],
            replace=True,
        )
    rows = conn.execute("SELECT id, name, labels FROM enterprise").fetchall()
    assert rows == [("E1", "新名", [])]
    from chainbrain.store.records import existing_ids

    assert existing_ids(conn, "enterprises", ["E1", "E2"]) == {"E1"}


def test_a_missing_lower_migration_still_runs(tmp_path):
    path = tmp_path / "x.duckdb"
    conn = connect(path)
    (first,) = conn.execute("SELECT min(version) FROM schema_migrations").fetchone()
    # pretend the store never ran its first migration's bookkeeping but has later ones
    conn.execute("DELETE FROM schema_migrations WHERE version = ?", [first])
    conn.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
    conn.close()
    conn = duckdb.connect(str(path))
    with pytest.raises(StoreError):  # 001 re-runs and fails on tables that exist: proves it was attempted
        migrate(conn)


def test_up_to_date_holds_only_for_exactly_the_bundled_migrations(tmp_path):
    from chainbrain.store.connection import _migrations, up_to_date

    assert up_to_date(duckdb.connect(":memory:")) is False  # no schema_migrations table at all
    conn = memory()
    assert up_to_date(conn) is True
    versions = [v for v, _, _ in _migrations()]
    assert [
        r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    ] == versions
    conn.execute("DELETE FROM schema_migrations WHERE version = ?", [versions[-1]])
    assert up_to_date(conn) is False  # one missing: connect must migrate
    conn.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (?, 'x'), (999, 'future')", [versions[-1]]
    )
    assert up_to_date(conn) is False  # one unknown: connect must refuse (test_newer_store_is_refused)


def test_connect_skips_the_migration_pass_on_an_up_to_date_store(tmp_path, monkeypatch):
    from chainbrain.store import connection

    path = tmp_path / "x.duckdb"
    connect(path).close()
    calls = []
    monkeypatch.setattr(connection, "migrate", lambda conn: calls.append(conn) or [])
    connect(path).close()
    assert calls == []
    conn = duckdb.connect(str(path))
    conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    conn.close()
    connect(path).close()
    assert len(calls) == 1


def test_connect_and_the_key_check_leave_the_connection_free(tmp_path):
    # DuckDB 2.0 refuses register() while a result is not read to its end; the checks on the hot path
    # (schema version, keys, counts) must read theirs fully
    import pyarrow as pa

    from chainbrain.store import keys

    path = tmp_path / "x.duckdb"
    connect(path).close()
    conn = connect(path)
    conn.register("t1", pa.table({"x": [1]}))
    assert keys.complete(conn)
    conn.register("t2", pa.table({"x": [2]}))
    counts(conn, ["sites", "supply_links"])
    conn.register("t3", pa.table({"x": [3]}))
    assert conn.execute("SELECT (SELECT x FROM t1) + (SELECT x FROM t2) + (SELECT x FROM t3)").fetchall() == [
        (6,)
    ]
