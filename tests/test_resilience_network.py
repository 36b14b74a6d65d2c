"""Network validation, the store-built network, sweeps and the user-facing answers (on ``fixtures.resilience``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

from chainbrain.resilience import actions
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import NetworkError, from_dict, load_network, to_dict
from chainbrain.resilience.sweep import RayUnavailable, sweep
from fixtures.resilience import NET1, small_store


def edit(**changes: object) -> dict:
    doc = json.loads(json.dumps(NET1))
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        (edit(supply=[*NET1["supply"], {"supplier": "Z", "node": "C", "material": "b"}]), ["'Z'", "不存在"]),
        (edit(supply=[*NET1["supply"], {"supplier": "A", "node": "C", "material": "x"}]), ["'x'", "BOM"]),
        (edit(nodes=[*NET1["nodes"][:3], {"id": "C", "demand": -5}]), ["'C'", "demand", "非负"]),
        (edit(bom=[*NET1["bom"], {"node": "C", "material": "q", "qty": 0}]), ["qty", "大于 0"]),
        (edit(bom=[*NET1["bom"], {"node": "C", "material": "q", "qty": 1}]), ["'q'", "没有任何供应商"]),
        (
            edit(
                bom=[*NET1["bom"], {"node": "A", "material": "c", "qty": 1}],
                supply=[*NET1["supply"], {"supplier": "C", "node": "A", "material": "c"}],
            ),
            ["'C'", "成品"],
        ),
    ],
)
def test_invalid_networks_name_the_fault(doc: dict, words: list[str]) -> None:
    with pytest.raises(NetworkError) as info:
        from_dict(doc)
    for w in words:
        assert w in str(info.value)


def test_cycle_is_reported_with_its_path() -> None:
    doc = edit(
        bom=[*NET1["bom"], {"node": "A", "material": "b", "qty": 1}],
        supply=[*NET1["supply"], {"supplier": "B", "node": "A", "material": "b"}],
    )
    with pytest.raises(NetworkError, match="环路") as info:
        from_dict(doc)
    assert "A → B → A" in str(info.value) or "B → A → B" in str(info.value)


def test_load_network_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nodes: 1", encoding="utf-8")
    with pytest.raises(NetworkError, match="bad.json"):
        load_network(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(NET1), encoding="utf-8")
    assert to_dict(load_network(good))["supply"] == NET1["supply"]


def test_sweep_ranks_by_rei_and_groups() -> None:
    net = from_dict(NET1)
    rows = {r["node"]: r for r in sweep(net, groups=net.groups())}
    # B down 10 days → 60 (see the serial chain); C down 3 days → (15 − 10) × 2 = 10; A down 5 days: B
    # still ships its 20 b = 10 C, C stock 10, demand 25 → 5 × 2 = 10; B2 is not used → 0.
    # district 500112 (B and C) down 10 days: C has only its 10 → 40 × 2 = 80, the largest → REI 1.
    assert rows["district:500112"]["loss"] == pytest.approx(80.0, abs=1e-6)
    assert rows["district:500112"]["rei"] == pytest.approx(1.0)
    assert rows["B"]["rei"] == pytest.approx(60 / 80)
    assert rows["C"]["loss"] == pytest.approx(10.0, abs=1e-6)
    assert rows["A"]["loss"] == pytest.approx(10.0, abs=1e-6)
    assert rows["B2"]["tts"] is None and rows["B2"]["loss"] == pytest.approx(0.0, abs=1e-9)
    # TTS < TTR: B (4 < 10), C (2 < 3), A (4 < 5).
    assert {r["node"] for r in actions.at_risk(list(rows.values())) if r["node"] in net.index} == {
        "A",
        "B",
        "C",
    }


def test_parallel_sweep_equals_serial() -> None:
    net = from_dict(NET1)
    serial = sweep(net, ttr=7.0)
    parallel = sweep(net, ttr=7.0, workers=2, chunk_size=1)
    assert [(r["node"], round(r["loss"], 6)) for r in serial] == [
        (r["node"], round(r["loss"], 6)) for r in parallel
    ]


def test_ray_missing_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the ray extra (an import of ray fails), the sweep says how to install it."""
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(RayUnavailable, match="chainbrain\\[ray\\]"):
        sweep(from_dict(NET1), ray_address="127.0.0.1:6379")


def test_backups_and_extra_stock() -> None:
    net = from_dict(NET1)
    # B down 10 days loses 60. With B2 (capacity 10/day = 100 b over 10 days) also supplying C, C can make
    # 50 ≥ 50 − 10 needed → loss 0, averted 60; and 10 b/day = 5 C/day = demand → TTS unbounded.
    (best,) = actions.backups(net, "B")
    assert best["backup"] == "B2" and best["local"] is True
    assert best["loss_averted"] == pytest.approx(60.0, abs=1e-6)
    assert best["tts_after"] is None
    # 60 more b in stock at B makes TTS = 10 = TTR (serial chain working).
    assert actions.extra_stock(net, "B") == pytest.approx(60.0, abs=1e-6)


def test_choke_points_and_district_scenario() -> None:
    net = from_dict(NET1)
    # C (local, 500112) buys b only from B → one choke point; its loss is B down for B's 10 days = 60.
    (choke,) = actions.choke_points(net)
    assert (choke["segment"], choke["supplier"], choke["oems"]) == ("b", "B", ["C"])
    assert choke["loss"] == pytest.approx(60.0, abs=1e-6)
    out = actions.district_scenario(net, "500112", ttr=10)
    assert out["nodes"] == ["B", "C"]
    assert out["loss"] == pytest.approx(80.0, abs=1e-6)
    assert out["lost_units"] == {"C": pytest.approx(40.0, abs=1e-6)}
    with pytest.raises(NetworkError, match="500999"):
        actions.district_scenario(net, "500999")


def test_network_from_store(fresh_db: duckdb.DuckDBPyConnection) -> None:
    small_store(fresh_db)
    net = network_from_store(fresh_db)
    p, chip, cell, bat = (net.node(i) for i in ("P", "CHIP", "CELL", "BAT"))
    # demand (18250 + 18250) / 365 = 100/day; capacity 36500 / 365 = 100/day.
    assert p.demand == pytest.approx(100.0) and p.capacity == pytest.approx(100.0)
    # profit: (20 万 × 0.1 + 10 万 × 0.1) / 2 = 15,000 元 per vehicle (equal volumes, default margin 10%).
    assert p.profit == pytest.approx(15_000.0)
    # battery: 1 per vehicle in both models; chip: 2 per vehicle, only V1 has the line → 2.
    # cell per battery: BAT's incoming 36,500 / its outgoing 18,250 = 2.
    assert net.bom["P"] == {"battery": pytest.approx(1.0), "chip": pytest.approx(2.0)}
    assert net.bom["BAT"] == {"cell": pytest.approx(2.0)}
    # defaults: chip ttr 120, 20 days × 200 chips/day = 4000; cell 7 days × 200/day = 1400, ttr 30;
    # the vehicle plant 3 days × 100 = 300; BAT from site_resilience.
    assert (chip.ttr, chip.stock) == (120.0, pytest.approx(4000.0))
    assert (cell.ttr, cell.stock) == (30.0, pytest.approx(1400.0))
    assert p.stock == pytest.approx(300.0)
    assert (bat.ttr, bat.stock) == (20.0, 500.0)
    assert bat.meta["district"] == "500113" and bat.meta["name"] == "BAT 厂"
    assert any("整车厂 P 不向下游供货" in note for note in net.notes)
    # BAT down 20 days: 500 batteries + 300 vehicles in stock vs 2000 demand → 1200 × 15,000 = 18,000,000;
    # TTS (500 + 300) / 100 = 8 days.
    assert TimeToRecover(net).solve("BAT").loss == pytest.approx(18_000_000.0, rel=1e-9)
    assert TimeToSurvive(net).solve("BAT").tts == pytest.approx(8.0, abs=1e-6)


def test_demo_store_smoke(request: pytest.FixtureRequest) -> None:
    try:
        conn = request.getfixturevalue("demo_db")
    except RuntimeError as e:
        pytest.skip(f"demo data not available yet: {e}")
    net = network_from_store(conn)
    rows = sweep(net)
    assert len(rows) == len(net.nodes)
    assert all(r["loss"] >= 0 and 0 <= r["rei"] <= 1 for r in rows)
