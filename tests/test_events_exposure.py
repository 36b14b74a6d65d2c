"""Exposure: a hand-worked four-site store, and equality with ``chainbrain resilience solve``.

The store (``fixtures.events.events_store``): OEM 安渝汽车 has plants P and Q in 渝北, each building 365
vehicles a year (1 a day) at 10万元 with margin 0.1, so 10,000 元 profit per vehicle; each vehicle needs
one battery pack. P buys packs from S1 (璧电电池, 璧山, 5 packs in stock, no capacity limit), Q from S2
(渝能电池, 渝北, 730 a year = 2 a day, nothing in stock). No plant holds finished vehicles.

S1 down for 10 days: P builds 5 vehicles from S1's stock and loses 10 − 5 = 5, i.e. 50,000 元; P runs
short from day 5 (TTS = 5 / 1). The least extra stock at S1 that lets P last 10 days is 5 packs. S2 has
2 − 1 = 1 pack a day spare: as P's backup it covers P's remaining need of 1 a day, so the loss after
switching is 0 and 50,000 元 is averted.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from chainbrain.cli import app
from chainbrain.events.exposure import event_exposure, event_sites, exposure
from chainbrain.events.ingest import EventIn, add_events
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.store import connect
from fixtures.events import events_store, fill_events_store

runner = CliRunner()
T0 = dt.datetime(2026, 7, 1)


@pytest.fixture
def conn():
    c = events_store()
    yield c
    c.close()


def test_hand_worked_supplier_fire(conn):
    [ev] = add_events(conn, [EventIn("璧电电池璧山工厂火灾，停产十天", "手工录入", T0)])
    x = event_exposure(conn, ev.event_id)
    assert (x.scope, x.sites, x.duration_days) == ("firm", ["S1"], 10.0)
    assert x.loss == pytest.approx(50_000.0)
    assert x.tts == pytest.approx(5.0)
    assert x.runs_short and x.first_short_day == pytest.approx(5.0)
    [p] = x.plants
    assert (p.plant, p.firm) == ("P", "oem")
    assert (p.demand_units, p.lost_units, p.lost_value) == pytest.approx((10.0, 5.0, 50_000.0))
    assert p.latest_short_day == pytest.approx(5.0)  # Q takes nothing from S1: P alone also lasts 5 days
    [s1] = x.site_details
    assert s1.short and s1.extra_stock == pytest.approx(5.0)
    [b] = s1.backups
    assert (b.site, b.local) == ("S2", True)
    assert b.spare_per_day == pytest.approx(1.0)
    assert (b.loss_after, b.loss_averted) == pytest.approx((0.0, 50_000.0))


def test_flooded_district_takes_every_site_in_it(conn):
    [ev] = add_events(conn, [EventIn("璧山区暴雨内涝，多家工厂停产十天", "手工录入", T0)])
    x = event_exposure(conn, ev.event_id)
    assert (x.scope, x.sites) == ("district", ["S1"])
    assert x.loss == pytest.approx(50_000.0)


def test_flood_naming_a_firm_and_a_district_keeps_the_firms_sites_there(conn):
    net = network_from_store(conn)
    assert event_sites(net, ["oem"], ["500112"], area=True) == ("firm", ["P", "Q"])
    # per firm: bat1's site in 璧山; oem has none there, so all of oem's
    assert event_sites(net, ["oem", "bat1"], ["500120"], area=True) == ("firm", ["P", "Q", "S1"])
    # a site the text names wins over the district rule
    assert event_sites(net, ["oem"], ["500112"], area=False, sites=["Q"]) == ("firm", ["Q"])
    assert event_sites(net, [], ["500112"], area=False) == ("none", [])


def test_short_event_costs_nothing_and_positive_event_is_not_costed(conn):
    net = network_from_store(conn)
    x = exposure(net, ["S1"], 4.0)  # 5 packs in stock cover 4 days
    assert (x.loss, x.runs_short, x.plants) == (0.0, False, [])
    [ev] = add_events(conn, [EventIn("璧电电池宣布扩产", "手工录入", T0)])
    y = event_exposure(conn, ev.event_id)
    assert (y.sites, y.loss) == ([], 0.0)


def test_plant_values_add_up_to_the_loss_on_the_demo(demo_db):
    [ev] = add_events(demo_db, [EventIn("宁德时代宜宾基地火灾，停产四十天", "手工录入", T0)])
    x = event_exposure(demo_db, ev.event_id)
    assert x.sites == ["catl.yibin"]  # 宜宾 names the site 四川时代宜宾基地
    assert sum(p.lost_value for p in x.plants) == pytest.approx(x.loss, rel=1e-6)
    # each plant served first runs short no earlier than the network's first shortfall
    assert all(p.latest_short_day is None or p.latest_short_day >= x.tts - 1e-6 for p in x.plants)
    net = network_from_store(demo_db)
    assert x.loss == pytest.approx(TimeToRecover(net).solve(x.sites, 40.0).loss)


def test_equal_to_resilience_solve_for_the_same_site(demo_db_file, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(demo_db_file.read_bytes())
    c = connect(path)
    try:
        [ev] = add_events(
            c, [EventIn("重庆平伟汽车科技股份有限公司覆盖件工厂火灾，停产二十天", "手工录入", T0)]
        )
        x = event_exposure(c, ev.event_id)
    finally:
        c.close()
    assert x.sites == ["pingwei.plant"]
    res = runner.invoke(
        app,
        [
            "--db",
            str(path),
            "resilience",
            "solve",
            "--from-db",
            "--node",
            "pingwei.plant",
            "--ttr",
            "20",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    assert cli["loss"] > 0
    assert x.loss == pytest.approx(cli["loss"], rel=1e-9, abs=1e-6)
    assert x.tts == (None if cli["tts"] is None else pytest.approx(cli["tts"]))
    [detail] = x.site_details
    assert detail.loss == pytest.approx(cli["loss"], rel=1e-9, abs=1e-6)


def test_hand_store_equals_resilience_solve(conn, tmp_path):
    path = tmp_path / "h.duckdb"
    c = fill_events_store(connect(path))
    c.close()
    res = runner.invoke(
        app, ["--db", str(path), "resilience", "solve", "--from-db", "--node", "S1", "--ttr", "10", "--json"]
    )
    cli = json.loads(res.stdout)
    assert cli["loss"] == pytest.approx(50_000.0) and cli["tts"] == pytest.approx(5.0)
    net = network_from_store(conn)
    assert TimeToSurvive(net).solve("S1").tts == pytest.approx(cli["tts"])
