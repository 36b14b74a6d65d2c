"""The synthetic generator: counts, provenance, valid credit codes, schema-valid rows, determinism."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.schema import SQL_TABLE, TABLES
from chainbrain.schema.credit_code import is_valid_credit_code
from chainbrain.store import memory
from chainbrain.store.records import counts, dump_table, fetch_dicts, insert_rows
from chainbrain.synth import SynthError, synthesize


@pytest.fixture(scope="module")
def small():
    conn = memory()
    report = synthesize(conn, 300, seed=7, links=2000)
    yield conn, report
    conn.close()


def test_counts_and_provenance(small):
    conn, report = small
    n = counts(conn)
    assert report.counts["enterprises"] == n["enterprises"] == 300
    assert report.counts["supply_links"] == n["supply_links"] == 2000
    assert n["sites"] >= 300 and n["vehicle_models"] >= 1 and n["bom_lines"] >= n["vehicle_models"]
    for table, sql in SQL_TABLE.items():
        assert report.counts[table] == n[table], table
        rows = conn.execute(f"SELECT DISTINCT status, source FROM {sql}").fetchall()
        assert rows == [("synthetic", "chainbrain synth (seed=7)")], table
    # 0.2 % of 300 rounds to 1, but there are at least two OEMs; the first one is in Chongqing
    oems = fetch_dicts(
        conn, "SELECT id, district_code FROM enterprise WHERE list_contains(roles, 'OEM') ORDER BY id"
    )
    assert len(oems) == 2 and oems[0]["district_code"].startswith("50")


def test_rows_are_schema_valid(small):
    conn, _ = small
    for table, model in TABLES.items():
        for row in dump_table(conn, table):
            model.model_validate(row)


def test_credit_codes(small):
    conn, _ = small
    rows = fetch_dicts(conn, "SELECT credit_code, district_code FROM enterprise")
    codes = [r for r in rows if r["credit_code"] is not None]
    assert 0 < len(rows) - len(codes) < 40  # about 5 % of 300 have none
    assert all(is_valid_credit_code(r["credit_code"]) for r in codes)
    assert all(r["credit_code"][2:8] == r["district_code"] for r in codes)


def test_links_are_coherent(small):
    conn, _ = small
    bad = conn.execute(
        """SELECT count(*) FROM supply_link l
           LEFT JOIN site b ON b.id = l.buyer_site_id LEFT JOIN site s ON s.id = l.supplier_site_id
           WHERE b.id IS NULL OR s.id IS NULL OR l.buyer_site_id = l.supplier_site_id
              OR s.segment_id <> l.segment_id OR l.annual_value <= 0"""
    ).fetchone()[0]
    assert bad == 0
    # links to OEM plants buy a segment of the plant's BOM
    off_bom = conn.execute(
        """SELECT count(*) FROM supply_link l JOIN vehicle_model m0 ON m0.site_id = l.buyer_site_id
           WHERE NOT EXISTS (SELECT 1 FROM vehicle_model m JOIN bom_line bl ON bl.model_id = m.id
                             WHERE m.site_id = l.buyer_site_id AND bl.segment_id = l.segment_id)"""
    ).fetchone()[0]
    assert off_bom == 0
    missing_volume = conn.execute("SELECT count(*) FROM supply_link WHERE volume IS NULL").fetchone()[0]
    assert 40 < missing_volume < 170  # 5 % of 2000 = 100


def test_same_seed_same_store_other_seed_differs():
    a, b, c = memory(), memory(), memory()
    synthesize(a, 50, seed=3, links=200)
    synthesize(b, 50, seed=3, links=200)
    synthesize(c, 50, seed=4, links=200)
    for table in ("enterprises", "sites", "supply_links"):
        assert dump_table(a, table) == dump_table(b, table)
    assert dump_table(a, "supply_links") != dump_table(c, "supply_links")


def test_uses_the_stores_districts_and_segments():
    conn = memory()
    p = dict(source="test", status="illustrative")
    insert_rows(
        conn,
        "districts",
        [
            dict(id="500112", name="渝北区", province="重庆市", yuxi=False, lon=106.63, lat=29.72, **p),
            dict(id="510104", name="锦江区", province="四川省", yuxi=False, lon=104.08, lat=30.66, **p),
        ],
    )
    seg = dict(level=1, stream="中游", kind="system", unit="套", **p)
    insert_rows(
        conn,
        "segments",
        [
            dict(
                id="vehicle",
                name_zh="整车",
                name_en="Vehicle",
                **{**seg, "kind": "vehicle", "stream": "下游"},
            ),
            dict(id="big3", name_zh="大三电", name_en="Big three", **seg),
            dict(id="motor", parent_id="big3", name_zh="驱动电机", name_en="Motor", **{**seg, "level": 2}),
            dict(id="ecu", parent_id="big3", name_zh="电控", name_en="ECU", **{**seg, "level": 2}),
        ],
    )
    report = synthesize(conn, 200, seed=1)
    assert report.counts["segments"] == 0  # the store's taxonomy is used
    # parts are the leaves motor and ecu (big3 has children); OEM plants make the vehicle segment
    segs = {r[0] for r in conn.execute("SELECT DISTINCT segment_id FROM supply_link").fetchall()}
    assert segs <= {"motor", "ecu"}
    assert {r[0] for r in conn.execute("SELECT DISTINCT segment_id FROM bom_line").fetchall()} <= {
        "motor",
        "ecu",
    }
    # Chongqing and Sichuan are covered by the store, so only the other 29 provinces get synthetic districts
    new = {r[0][:2] for r in conn.execute("SELECT id FROM district WHERE status = 'synthetic'").fetchall()}
    assert "50" not in new and "51" not in new and len(new) == 29
    # every firm sits in a district of the table
    orphans = conn.execute(
        "SELECT count(*) FROM enterprise WHERE district_code NOT IN (SELECT id FROM district)"
    ).fetchone()[0]
    assert orphans == 0


def test_refuses_a_second_run_and_tiny_sizes(small):
    conn, _ = small
    with pytest.raises(SynthError, match="300"):
        synthesize(conn, 100, seed=1)
    with pytest.raises(SynthError):
        synthesize(memory(), 5)


def test_cli(tmp_path):
    path = tmp_path / "s.duckdb"
    result = CliRunner().invoke(
        app, ["synth", "--firms", "60", "--links", "300", "--seed", "2", "--db", str(path), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["counts"]["enterprises"] == 60 and out["counts"]["supply_links"] == 300
    result = CliRunner().invoke(app, ["--db", str(path), "synth", "--firms", "60"])
    assert result.exit_code == 1 and "合成企业" in result.output
