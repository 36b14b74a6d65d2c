"""What an event costs: its sites run through the resilience engine for the event's expected duration.

**Which sites.** A firm the event names contributes its sites that are nodes of the store's network
(:func:`chainbrain.resilience.dbnet.network_from_store`): only the sites the text names (by a site name or
a distinctive word of it, :class:`chainbrain.events.link.SiteLink`: 宜宾 → 四川时代宜宾基地) when it names
any, else — when the event names districts where the firm has sites — those sites, else all of them. An
*area* event (flood/weather, power rationing) that names districts but no firm takes every network site in
them (every site in a flooded district). A
positive event (capacity expansion) or one whose duration is 0 (a price change) interrupts nothing.

**What is computed** — exactly what ``chainbrain resilience`` computes for those sites:

- the sites down together for the duration t: TTR loss (least profit lost, Simchi-Levi et al. 2015),
  TTS (the longest time every plant's demand is still met) and the lost units of each finished-product
  plant (:func:`chainbrain.resilience.actions.scenario`); a plant *runs short* when it loses units over
  t, and the first shortfall is at day TTS (TTS < t). Lost value of a plant = lost units × its profit per
  vehicle, so the plants' lost values add up to the TTR loss. For each short plant, ``latest_short_day``
  is the TTS of the same disruption with every other plant's demand set to 0: the day it runs short even
  if it were served first; its shortfall starts between the network's TTS and that day;
- for each site alone, its TTR loss and TTS for the same t (``resilience solve --node SITE --ttr t``); for
  a site with TTS < t, the least extra stock of its output that makes TTS ≥ t
  (:func:`~chainbrain.resilience.actions.extra_stock`) and the best backup suppliers, local first
  (:func:`~chainbrain.resilience.actions.backups`).

Plants are ranked by lost value, sites by their own loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from chainbrain.resilience import actions
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import Network, Node
from chainbrain.store.records import fetch_dicts

MAX_BACKUPS = 3


@dataclass(frozen=True)
class PlantShortfall:
    plant: str  # site id of the finished-product plant
    name: str
    firm: str
    demand_units: float  # demand over the duration
    lost_units: float
    lost_value: float  # 元: lost units × profit per vehicle
    latest_short_day: float | None  # runs short by this day even if it had every part first (None: never)


@dataclass(frozen=True)
class BackupOption:
    site: str
    name: str
    district: str | None
    local: bool
    spare_per_day: float | None  # None: not limited
    loss_after: float
    loss_averted: float


@dataclass(frozen=True)
class SiteExposure:
    site: str
    name: str
    firm: str
    district: str | None
    loss: float  # TTR loss of this site alone for the duration
    tts: float | None  # None: its loss never stops any plant
    short: bool  # TTS < duration
    extra_stock: float | None  # units of its output that make TTS ≥ duration (short sites only)
    backups: list[BackupOption] = field(default_factory=list)


@dataclass
class Exposure:
    duration_days: float
    scope: str  # firm / district / none
    sites: list[str]
    loss: float = 0.0
    tts: float | None = None
    runs_short: bool = False
    first_short_day: float | None = None  # = TTS when TTS < duration
    plants: list[PlantShortfall] = field(default_factory=list)
    site_details: list[SiteExposure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def event_sites(
    net: Network, firms: list[str], districts: list[str], *, area: bool, sites: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """The scope and the network sites an event hits (see the module docstring)."""
    if firms:
        out: list[str] = []
        for f in firms:
            mine = [nd.id for nd in net.nodes if nd.meta.get("firm") == f]
            named = [s for s in mine if s in sites]
            inside = [s for s in mine if net.node(s).meta.get("district") in districts]
            out += named or inside or mine
        return "firm", sorted(set(out))
    if area and districts:
        return "district", sorted(nd.id for nd in net.nodes if nd.meta.get("district") in districts)
    return "none", []


def exposure(net: Network, sites: list[str], duration: float, *, scope: str = "firm") -> Exposure:
    """The cost of ``sites`` down together for ``duration`` days, and of each alone."""
    out = Exposure(duration, scope, sorted(sites))
    if not sites:
        out.notes.append("事件未涉及供应网络中的任何场所")
        return out
    if duration <= 0:
        out.notes.append("预计持续 0 天：不中断供应")
        return out
    sc = actions.scenario(net, sites, ttr=duration)
    out.loss, out.tts = float(sc["loss"] or 0.0), sc["tts"]
    out.runs_short = out.tts is not None and out.tts < duration - 1e-9
    out.first_short_day = out.tts if out.runs_short else None
    for plant, lost in sc["lost_units"].items():
        nd = net.node(plant)
        out.plants.append(
            PlantShortfall(
                plant,
                nd.meta.get("name", plant),
                nd.meta.get("firm", ""),
                float(nd.demand or 0.0) * duration,
                lost,
                lost * nd.profit,
                TimeToSurvive(_alone(net, plant)).solve(sites).tts,
            )
        )
    out.plants.sort(key=lambda p: (-p.lost_value, p.plant))
    ttr_model, tts_model = TimeToRecover(net), TimeToSurvive(net)
    for s in sorted(sites):
        nd = net.node(s)
        loss = float(ttr_model.solve(s, duration).loss or 0.0)
        tts = tts_model.solve(s).tts
        short = tts is not None and tts < duration - 1e-9
        detail = SiteExposure(
            s,
            nd.meta.get("name", s),
            nd.meta.get("firm", ""),
            nd.meta.get("district"),
            loss,
            tts,
            short,
            actions.extra_stock(net, s, ttr=duration) if short and not nd.finished else None,
            [
                BackupOption(
                    b["backup"],
                    b["name"],
                    b["district"],
                    b["local"],
                    b["spare_per_day"],
                    b["loss_after"],
                    b["loss_averted"],
                )
                for b in (actions.backups(net, s, ttr=duration, limit=MAX_BACKUPS) if short else [])
            ],
        )
        out.site_details.append(detail)
    out.site_details.sort(key=lambda d: (-d.loss, d.site))
    out.notes.extend(net.notes)
    return out


def _alone(net: Network, plant: str) -> Network:
    """The network with every finished product but ``plant`` demanding nothing."""
    nodes = [
        n
        if not n.finished or n.id == plant
        else Node(n.id, n.capacity, n.stock, 0.0, n.profit, n.ttr, n.meta)
        for n in net.nodes
    ]
    return Network(nodes, {k: dict(v) for k, v in net.bom.items()}, list(net.supply))


def event_exposure(conn: duckdb.DuckDBPyConnection, event_id: int, *, net: Network | None = None) -> Exposure:
    """The exposure of a stored event (its links, type and duration) on the store's network."""
    from chainbrain.events.classify import event_types

    row = conn.execute("SELECT event_type, duration_days FROM event WHERE id = ?", [event_id]).fetchone()
    if row is None:
        raise KeyError(f"事件 {event_id} 不存在")
    etype = event_types().get(str(row[0]), event_types()["other"])
    links = fetch_dicts(
        conn, "SELECT kind, target_id FROM event_link WHERE event_id = ? ORDER BY start_pos", [event_id]
    )
    firms = [r["target_id"] for r in links if r["kind"] == "firm"]
    districts = [r["target_id"] for r in links if r["kind"] == "district"]
    named_sites = [r["target_id"] for r in links if r["kind"] == "site"]
    net = net if net is not None else network_from_store(conn)
    if etype.positive:
        out = Exposure(0.0, "none", [])
        out.notes.append("利好事件（如扩产）：不中断供应")
        return out
    scope, sites = event_sites(net, firms, districts, area=etype.area, sites=named_sites)
    return exposure(net, sites, float(row[1]), scope=scope)
