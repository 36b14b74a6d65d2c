"""The sites' integer keys: kept by the store's writers, hidden from records, and answers never depend on them.

The keyed SQL (links meet sites on ``site.k`` / ``buyer_k`` / ``supplier_k``) is checked against the
string-keyed SQL on the demo store, and against hand-worked figures when rows arrive past the store.
"""

from __future__ import annotations

import duckdb
import pytest

from chainbrain.chain import gaps, local_rate
from chainbrain.chain.boundary import parse_boundary
from chainbrain.chain.gaps import gaps_sql
from chainbrain.chain.local_rate import BY, rollup_sql, scoped_links_sql
from chainbrain.store import keys, memory
from chainbrain.store.connection import _migrations
from chainbrain.store.records import dump_table, fetch_dicts, insert_rows, table_columns, transaction

P = dict(source="test", status="synthetic")

WRONG_KEYS = """
    SELECT (SELECT count(*) FROM site s LEFT JOIN site_key r ON r.id = s.id WHERE r.k IS DISTINCT FROM s.k),
           (SELECT count(*) FROM supply_link l LEFT JOIN site_key r ON r.id = l.buyer_site_id
            WHERE r.k IS DISTINCT FROM l.buyer_k),
           (SELECT count(*) FROM supply_link l LEFT JOIN site_key r ON r.id = l.supplier_site_id
            WHERE r.k IS DISTINCT FROM l.supplier_k),
           (SELECT count(*) - count(DISTINCT k) FROM site_key)
"""


def test_the_demo_store_carries_every_key_and_each_is_its_ids(demo_db):
    assert keys.complete(demo_db)
    assert demo_db.execute(WRONG_KEYS).fetchone() == (0, 0, 0, 0)
    n_sites, n_links = demo_db.execute(
        "SELECT (SELECT count(*) FROM site), (SELECT count(*) FROM supply_link)"
    ).fetchone()
    assert n_sites > 600 and n_links > 1000


@pytest.mark.parametrize("boundary", ["city", "chengyu"])
@pytest.mark.parametrize("buyers", ["oem", "all"])
def test_keyed_and_string_sql_give_the_same_rows(demo_db, boundary, buyers):
    b = parse_boundary(boundary)
    for by in BY:
        # by key: sums may differ in their last bits (summation order), which may reorder equal totals
        keyed = {r[0]: r for r in demo_db.execute(rollup_sql(by, b, buyers, keyed=True)).fetchall()}
        plain = {r[0]: r for r in demo_db.execute(rollup_sql(by, b, buyers, keyed=False)).fetchall()}
        assert len(plain) > 0
        assert keyed.keys() == plain.keys(), by
        for key, p in plain.items():
            assert keyed[key][1] == p[1], by
            assert keyed[key][2:] == pytest.approx(p[2:], rel=1e-12), (by, key)
    cols = "segment_id, value, buyer_site, buyer_ent, buyer_district, supplier_ent, is_local, in_area"
    for area in (False, True):
        order = f"ORDER BY {cols}"
        kq = f"SELECT {cols} FROM ({scoped_links_sql(b, buyers, in_area_only=area, keyed=True)}) {order}"
        pq = f"SELECT {cols} FROM ({scoped_links_sql(b, buyers, in_area_only=area)}) {order}"
        assert demo_db.execute(kq).fetchall() == demo_db.execute(pq).fetchall()
    keyed_g = fetch_dicts(demo_db, gaps_sql(b, buyers, keyed=True) + " ORDER BY 1")
    plain_g = fetch_dicts(demo_db, gaps_sql(b, buyers, keyed=False) + " ORDER BY 1")
    assert [g["segment_id"] for g in keyed_g] == [g["segment_id"] for g in plain_g]
    for k, p in zip(keyed_g, plain_g, strict=True):
        for c, v in p.items():
            assert k[c] == (pytest.approx(v, rel=1e-12) if isinstance(v, float) else v), (k["segment_id"], c)


def _small_store() -> duckdb.DuckDBPyConnection:
    """OEM plant P1 (渝北, 500112) buys from S1 (渝北, local, 3e9) and S2 (成都, 2e9)."""
    conn = memory()
    with transaction(conn):
        insert_rows(
            conn,
            "enterprises",
            [
                dict(id="OEM1", name="OEM1公司", district_code="500112", roles=["OEM"], labels=[], **P),
                dict(id="T1", name="T1公司", district_code="500112", roles=["Tier1"], labels=[], **P),
                dict(id="T2", name="T2公司", district_code="510104", roles=["Tier1"], labels=[], **P),
                dict(id="T4", name="T4公司", district_code="500106", roles=["Tier1"], labels=[], **P),
            ],
        )
        insert_rows(
            conn,
            "sites",
            [
                dict(id="P1", enterprise_id="OEM1", name="P1", district_code="500112", **P),
                dict(id="S1", enterprise_id="T1", name="S1", district_code="500112", segment_id=None, **P),
                dict(id="S2", enterprise_id="T2", name="S2", district_code="510104", **P),
            ],
        )
        insert_rows(conn, "supply_links", [_link("L1", "S1", 3.0e9), _link("L2", "S2", 2.0e9)])
    return conn


def _link(link_id: str, supplier: str, value: float) -> dict:
    return dict(
        id=link_id,
        buyer_site_id="P1",
        supplier_site_id=supplier,
        segment_id="bat",
        annual_value=value,
        confidence="suggested",
        **P,
    )


def _city(conn: duckdb.DuckDBPyConnection) -> tuple[float, float, int, int]:
    (r,) = local_rate(conn, "city")
    return r.local_value, r.total_value, r.local_count, r.total_count


def test_rows_written_past_the_store_are_counted_through_the_string_sql():
    conn = _small_store()
    assert keys.complete(conn) and _city(conn) == (3.0e9, 5.0e9, 1, 2)
    # a link added by plain SQL has no keys: the keyed SQL would miss it, so the string SQL answers
    conn.execute(
        "INSERT INTO supply_link (id, buyer_site_id, supplier_site_id, segment_id, annual_value, source, status) "
        "VALUES ('L3', 'P1', 'S1', 'bat', 1.0e9, 'test', 'synthetic')"
    )
    assert keys.missing(conn) == (0, 1, 1)
    assert _city(conn) == (4.0e9, 6.0e9, 2, 3)
    assert [g.local_value for g in gaps(conn)] == [4.0e9]
    # the next write through the store fills them, and the keyed SQL gives the same answer
    with transaction(conn):
        insert_rows(conn, "supply_links", [_link("L4", "S2", 0.5e9)])
    assert keys.complete(conn)
    assert conn.execute(WRONG_KEYS).fetchone() == (0, 0, 0, 0)
    assert _city(conn) == (4.0e9, 6.5e9, 2, 4)


def test_a_supplier_site_arriving_after_its_links_gets_the_key_they_carry():
    conn = _small_store()
    with transaction(conn):
        insert_rows(conn, "supply_links", [_link("L5", "S4", 0.5e9)])  # S4 is not in the store yet
    assert keys.complete(conn)
    assert _city(conn) == (3.0e9, 5.5e9, 1, 3)  # a missing supplier site is never local
    (k_link,) = conn.execute("SELECT supplier_k FROM supply_link WHERE id = 'L5'").fetchone()
    with transaction(conn):
        insert_rows(
            conn, "sites", [dict(id="S4", enterprise_id="T4", name="S4", district_code="500106", **P)]
        )
    assert conn.execute("SELECT k FROM site WHERE id = 'S4'").fetchone() == (k_link,)
    assert _city(conn) == (3.5e9, 5.5e9, 2, 3)  # now S4 (沙坪坝) is a local supplier


def test_a_replaced_site_keeps_its_key_and_a_moved_one_changes_the_answer():
    conn = _small_store()
    (k,) = conn.execute("SELECT k FROM site WHERE id = 'S2'").fetchone()
    with transaction(conn):  # 成都 → 沙坪坝: S2 becomes local
        insert_rows(
            conn,
            "sites",
            [dict(id="S2", enterprise_id="T2", name="S2", district_code="500106", **P)],
            replace=True,
        )
    assert conn.execute("SELECT k FROM site WHERE id = 'S2'").fetchone() == (k,)
    assert keys.complete(conn) and conn.execute(WRONG_KEYS).fetchone() == (0, 0, 0, 0)
    assert _city(conn) == (5.0e9, 5.0e9, 2, 2)


def test_records_exports_and_imports_never_see_the_key_columns():
    conn = _small_store()
    assert "k" not in table_columns(conn, "sites")
    assert not {"buyer_k", "supplier_k"} & set(table_columns(conn, "supply_links"))
    assert "supplier_site_id" in table_columns(conn, "supply_links")
    assert set(dump_table(conn, "sites")[0]) == set(table_columns(conn, "sites"))


def _store_before_017() -> duckdb.DuckDBPyConnection:
    """A store at the schema before migration 017, with P1 (渝北) buying from S1 (渝北, 1 元) and 'gone' (2 元)."""
    conn = duckdb.connect(":memory:")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for version, name, sql in _migrations():
        if version < 17:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    conn.execute(
        "INSERT INTO enterprise (id, name, district_code, roles, source, status) VALUES "
        "('OEM1', 'OEM1公司', '500112', ['OEM'], 't', 'synthetic')"
    )
    conn.execute(
        "INSERT INTO site (id, enterprise_id, name, district_code, source, status) VALUES "
        "('P1', 'OEM1', 'P1', '500112', 't', 'synthetic'), ('S1', 'T1', 'S1', '500112', 't', 'synthetic')"
    )
    conn.execute(
        "INSERT INTO supply_link (id, buyer_site_id, supplier_site_id, segment_id, annual_value, source, status) "
        "VALUES ('L1', 'P1', 'S1', 'bat', 1.0, 't', 'synthetic'), ('L2', 'P1', 'gone', 'bat', 2.0, 't', 'synthetic')"
    )
    return conn


def test_a_store_without_the_key_columns_is_answered_by_the_string_sql():
    conn = _store_before_017()  # as a store opened read-only before 017 is
    assert keys.complete(conn) is False
    assert _city(conn) == (1.0, 3.0, 1, 2)


def test_migration_017_keys_an_existing_store():
    conn = _store_before_017()
    from chainbrain.store import migrate

    assert migrate(conn) == [v for v, _, _ in _migrations() if v >= 17]
    assert keys.complete(conn)
    assert conn.execute(WRONG_KEYS).fetchone() == (0, 0, 0, 0)
    # 'gone' has a key too (a site that may arrive later), three ids in all
    assert conn.execute("SELECT id FROM site_key ORDER BY k").fetchall() == [("P1",), ("S1",), ("gone",)]
    assert _city(conn) == (1.0, 3.0, 1, 2)


def test_synth_writes_its_rows_with_their_keys():
    from chainbrain.synth import synthesize

    conn = memory()
    synthesize(conn, 60, seed=3, links=400)
    assert keys.complete(conn)
    assert conn.execute(WRONG_KEYS).fetchone() == (0, 0, 0, 0)
    plain = {r[0]: r for r in conn.execute(rollup_sql("oem", parse_boundary("city"), "oem")).fetchall()}
    keyed = {
        r[0]: r for r in conn.execute(rollup_sql("oem", parse_boundary("city"), "oem", keyed=True)).fetchall()
    }
    assert len(plain) > 0 and keyed.keys() == plain.keys()
    for key, p in plain.items():
        assert keyed[key][2:] == pytest.approx(p[2:], rel=1e-12)


def test_register_range_refuses_ids_that_have_keys():
    conn = _small_store()  # P1, S1, S2 are keyed 1..3
    assert keys.register_range(conn, "S%d", 3) is None  # S1 and S2 are known: nothing registered
    assert conn.execute("SELECT count(*) FROM site_key").fetchone() == (3,)
    assert keys.register_range(conn, "N%d", 2) == 4
    assert conn.execute("SELECT id, k FROM site_key WHERE id LIKE 'N%' ORDER BY k").fetchall() == [
        ("N0", 4),
        ("N1", 5),
    ]
