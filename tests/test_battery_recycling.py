"""Recycling picture and passport export on the hand-made battery world (capacities 60 / 10 / 0.5 kWh)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from chainbrain.battery.passport import PassportError, battery_status, passport
from chainbrain.battery.recycling import FlowRow, picture
from fixtures.battery import CELL, CELL2, MODULE, PACK, VIN, add_events, seed


@pytest.fixture
def world(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    seed(fresh_db, tmp_path)
    add_events(fresh_db, tmp_path, [
        ["r", PACK, "retired", "dis1", "dismantler", "500120", "2025-03-03", ""],
        ["c", PACK, "collected_in", "cp1", "collection_point", "500112", "2025-03-10", ""],
        ["cm", MODULE, "collected_in", "cp1", "collection_point", "500112", "2025-03-10", ""],  # inside the pack
        ["k", MODULE, "cascade_made", "cas1", "cascade_user", "500120", "2025-04-01", ""],
        ["y1", CELL, "recycled", "rec1", "recycler", "500120", "2025-05-01", ""],
        ["y2", CELL2, "recycled", "rec1", "recycler", "500112", "2026-02-02", ""],
    ])  # fmt: skip
    fresh_db.execute("UPDATE battery_event SET site = '网点A' WHERE id IN ('c', 'cm')")
    return fresh_db


def test_flows_per_year_and_district(world: duckdb.DuckDBPyConnection) -> None:
    p = picture(world)
    assert p.flows == [
        # the module's collection is inside the pack's (same event on an ancestor): counted once, 60 kWh
        FlowRow(2025, "500112", "渝北区", 0.0, 6e-05, 0.0, 0.0),
        FlowRow(2025, "500120", "璧山区", 6e-05, 0.0, 1e-05, 5e-07),
        FlowRow(2026, "500112", "渝北区", 0.0, 0.0, 0.0, 5e-07),
    ]
    assert p.cascade_share == pytest.approx(10 / 11)
    assert [(r.enterprise_id, r.recycled_gwh, r.share) for r in p.recyclers] == [("rec1", 1e-06, 1.0)]
    assert p.top2_share == 1.0
    assert [(n.district_code, n.sites) for n in p.network] == [("500112", 1)]
    assert (p.districts_covered, p.districts_total) == (1, 2)


def test_empty_store_picture(fresh_db: duckdb.DuckDBPyConnection) -> None:
    p = picture(fresh_db)
    assert p.flows == [] and p.cascade_share is None and p.top2_share is None
    assert p.status is None  # nothing counted, nothing to mark


def test_picture_carries_the_weakest_status_it_counts(world: duckdb.DuckDBPyConnection) -> None:
    # every record of the hand world is 示意
    assert picture(world).status == "illustrative"
    world.execute("UPDATE battery_event SET status = 'verified'")
    world.execute("UPDATE battery_unit SET status = 'verified'")
    assert picture(world).status == "verified"
    # one synthetic event in 2026 marks the whole picture, not the 2025 one
    world.execute("UPDATE battery_event SET status = 'synthetic' WHERE id = 'y2'")
    assert (picture(world).status, picture(world, year=2025).status) == ("synthetic", "verified")
    # a counted unit's own status counts too: CELL was recycled in 2025
    world.execute(f"UPDATE battery_unit SET status = 'illustrative' WHERE code = '{CELL}'")
    assert picture(world, year=2025).status == "illustrative"
    # the collection network alone (no flow that year) still carries its events' status
    world.execute("UPDATE battery_event SET status = 'synthetic', event = 'collected_out' WHERE id = 'c'")
    world.execute("DELETE FROM battery_event WHERE id <> 'c'")
    p = picture(world, year=2025)
    assert p.flows == [] and [(n.district_code, n.sites) for n in p.network] == [("500112", 1)]
    assert p.status == "synthetic"


def test_passport_access_groups(world: duckdb.DuckDBPyConnection) -> None:
    pub = passport(world, PACK, "public").to_dict()
    assert pub["batteryPassportIdentifier"] == "urn:gbt34014:" + PACK.lower()
    gpi = pub["static"]["generalProductInformation"]
    assert gpi["productIdentifier"] == PACK and gpi["manufacturingDate"] == "2024-10-01"
    assert gpi["manufacturerInformation"]["manufacturerCode"] == "ABC"
    assert pub["static"]["performanceAndDurability"]["ratedEnergy"] == {"value": 60.0, "unit": "kWh"}
    assert pub["dynamic"]["generalProductInformation"]["batteryStatus"] == "Waste"
    assert "vehicle" not in pub["dynamic"] and "composition" not in pub["static"]
    assert "dynamic.vehicle.vin" in pub["withheld"]
    auth = passport(world, PACK, "authorised").to_dict()
    assert [c["code"] for c in auth["static"]["composition"]["children"]] == [MODULE, CELL, CELL2]
    assert "dynamic.vehicle.vin" in auth["withheld"]
    gov = passport(world, PACK, "authority").to_dict()
    assert gov["dynamic"]["vehicle"]["vin"] == VIN and gov["withheld"] == []
    assert gov["accessGroups"]["dynamic.vehicle.vin"] == "authority"
    assert (
        passport(world, MODULE, "public").dynamic["generalProductInformation"]["batteryStatus"]
        == "Repurposed"
    )
    with pytest.raises(PassportError):
        passport(world, "ABCPE01T000001EA10000999")


def test_status_follows_the_latest_event() -> None:
    assert battery_status([]) == "Original"


def test_leading_recyclers_share_threshold(world: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from chainbrain.battery.indicators import INDICATORS
    from chainbrain.battery.recycling import LEADING_SHARE

    assert LEADING_SHARE == 0.20
    # rec1 recycled both cells (0.5 + 0.5 kWh): the only recycler, 100 % ≥ 20 % → one 头部企业
    assert picture(world).leading_recyclers == 1
    assert INDICATORS["battery_leading_recyclers"][1](world) == 1.0
    # hand the second cell to another recycler: 50 % / 50 %, both ≥ 20 % → two
    world.execute(
        "INSERT INTO enterprise (id, name, district_code, roles, source, status) "
        "VALUES ('rec2', '测试企业rec2', '500112', ['service'], 't', 'illustrative')"
    )
    world.execute("UPDATE battery_event SET actor_id = 'rec2' WHERE id = 'y2'")
    p = picture(world)
    assert [(r.enterprise_id, r.share) for r in p.recyclers] == [("rec1", 0.5), ("rec2", 0.5)]
    assert p.leading_recyclers == 2
    # one year only: 2026 holds rec2's cell alone (and no collection site that year)
    y = picture(world, year=2026)
    assert [(r.enterprise_id, r.share) for r in y.recyclers] == [("rec2", 1.0)]
    assert y.flows == [FlowRow(2026, "500112", "渝北区", 0.0, 0.0, 0.0, 5e-07)]
    assert (y.year, y.leading_recyclers, y.network) == (2026, 1, [])
    with pytest.raises(ValueError, match="年份"):
        picture(world, year=1900)


def test_leading_recyclers_live_target_is_snapshotted_illustrative(world: duckdb.DuckDBPyConnection) -> None:
    import datetime as dt

    from chainbrain.monitor.live import snapshot
    from chainbrain.monitor.registry import load_targets

    load_targets(world)
    res = {r.target_id: r for r in snapshot(world, as_of=dt.date(2026, 10, 31))}
    r = res["yulian27_battery_recycling_leaders"]
    assert (r.value, r.written) == (1.0, True)
    status = world.execute(
        "SELECT status FROM observation WHERE target_id = 'yulian27_battery_recycling_leaders'"
    ).fetchall()
    assert status == [("illustrative",)]  # rests on the illustrative ledger
