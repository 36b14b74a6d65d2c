"""Illustrative supply links: OEM plants buy their BOM from supplier sites; Tier-1 sites buy their inputs.

Links between named firms are not public (docs/data.md, "What is illustrative"), so every link here is ``illustrative`` with
confidence ``suggested``. The rules:

* Each OEM plant buys each BOM segment from 1–3 supplier sites (about a third single-sourced) among
  the sites that make the segment. Its need is Σ volume × qty × unit value over the plant's models, split
  by shares that sum to 1 per buyer × segment.
* Local or not: needs are taken largest first, and the primary supplier is a Chongqing site (district
  code 50…) while the running value-weighted local share is below ``TARGET_LOCAL`` (an illustrative
  level); further suppliers are Chongqing sites with chance ``P_LOCAL``.
* Which site: the firms the seeds name weigh ``NAMED_WEIGHT``, the buyer's own firm's sites
  ``CAPTIVE_WEIGHT``, and a site without the spare capacity for the whole volume weighs less in
  proportion; the primary supplier's weights are squared.
* Then, segment by segment down the input map ``INPUTS`` (pack ← cell ← cathode ← lithium salts, edrive ←
  motor/controller ← magnets/power chips, domain controller ← SoC/MCU …), every supplier site that sells
  buys its inputs: value = its sales × the input's value ratio × share, from 1–2 sites. ``INPUTS`` is
  acyclic, and every site makes one segment, so the supply graph is acyclic.
* Last, a site that still sells more than its capacity gets its capacity raised to what it sells at
  70–90% utilisation, so no site sells more than it can make.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from graphlib import TopologicalSorter
from typing import Any

from chainbrain.chain.boundary import in_city

LINKS_AS_OF = dt.date(2024, 12, 31)
LINK_SOURCE = "示意数据：chainbrain.data.network 按车型BOM与份额生成的供应关系（非真实采购关系）"
LINK_EVIDENCE = "示意：由车型产量×单车用量×单价×份额推算"
#: value-weighted local share the OEM plants' primary suppliers steer towards (D2 一(二) aims at “大小三电系统
#: 本地化配套率超过50%”; an illustrative level, not a measured one)
TARGET_LOCAL = 0.55
#: chance that a further supplier drawn for a Chongqing buyer is a Chongqing site (when both kinds exist)
P_LOCAL = 0.55
#: the same for a buyer outside Chongqing
P_LOCAL_OUTSIDE = 0.15
NAMED_WEIGHT = 5.0
#: weight of a buyer's own firm's site (长安's e-drive plant for 长安's car plants)
CAPTIVE_WEIGHT = 10.0

#: segment -> inputs it buys per 元 of its own sales: (input segment, value ratio)
INPUTS: dict[str, tuple[tuple[str, float], ...]] = {
    "battery.pack": (("battery.cell", 0.70), ("battery.bms", 0.05)),
    "battery.cell": (("battery.cathode", 0.35), ("battery.anode", 0.10), ("battery.separator", 0.05),
                     ("battery.electrolyte", 0.06)),
    "battery.cathode": (("battery.lithium", 0.45),),
    "battery.electrolyte": (("battery.lithium", 0.30),),
    "edrive": (("motor", 0.35), ("econtrol", 0.35)),
    "motor": (("motor.magnet", 0.30), ("motor.lamination", 0.12)),
    "econtrol": (("chip.power", 0.40), ("chip.mcu", 0.08)),
    "adas.domain": (("chip.soc", 0.40), ("chip.mcu", 0.03), ("adas.algorithm", 0.15), ("software.middleware", 0.05)),
    "cockpit.domain": (("chip.soc", 0.35), ("software.os", 0.08)),
    "cockpit.headunit": (("chip.soc", 0.25), ("chip.pmic", 0.03)),
    "control.vcu": (("chip.mcu", 0.15),),
    "control.body": (("chip.mcu", 0.12),),
    "control.zonal": (("chip.mcu", 0.15), ("chip.pmic", 0.05)),
    "v2x.tbox": (("chip.mcu", 0.10),),
    "v2x.cv2x": (("chip.soc", 0.20),),
    "v2x.gateway": (("chip.mcu", 0.15),),
    "adas.camera": (("chip.sensor", 0.30),),
    "adas.radar": (("chip.sensor", 0.30),),
    "adas.radar4d": (("chip.sensor", 0.30),),
    "adas.lidar": (("chip.sensor", 0.20),),
    "small3.ebrake": (("chip.mcu", 0.05), ("parts.castings", 0.10)),
    "small3.esteer": (("chip.mcu", 0.05), ("parts.castings", 0.10)),
    "small3.eac": (("parts.castings", 0.10),),
    "thermal": (("lightweight.mgal", 0.10),),
    "rex": (("ice.engine", 0.45), ("motor", 0.20)),
    "ice.engine": (("parts.castings", 0.20),),
    "ice.transmission": (("parts.castings", 0.20),),
    "parts.body": (("lightweight.hss", 0.35),),
    "parts.chassis": (("parts.castings", 0.30),),
    "parts.castings": (("lightweight.mgal", 0.30),),
    "lightweight.panel": (("lightweight.mgal", 0.40),),
    "chassis.xbw": (("chip.mcu", 0.05), ("motor", 0.10)),
    "fuelcell.system": (("fuelcell.stack", 0.50),),
    "fuelcell.stack": (("fuelcell.catalyst", 0.20), ("fuelcell.membrane", 0.15)),
}  # fmt: skip

#: typical unit value (元 per unit of the segment) used to turn a Tier-2 link's value into a volume
UNIT_VALUE = {
    "battery.cell": 450, "battery.bms": 900, "battery.cathode": 120_000, "battery.anode": 40_000,
    "battery.separator": 15_000, "battery.electrolyte": 30_000, "battery.lithium": 80_000, "motor": 3_000,
    "econtrol": 2_500, "motor.magnet": 300_000, "motor.lamination": 8_000, "chip.power": 30, "chip.mcu": 15,
    "chip.soc": 800, "chip.pmic": 5, "chip.sensor": 10, "adas.algorithm": 1_000, "software.middleware": 300,
    "software.os": 500, "parts.castings": 12_000, "lightweight.mgal": 25_000, "lightweight.hss": 6_000,
    "ice.engine": 8_000, "fuelcell.stack": 100_000, "fuelcell.catalyst": 200_000, "fuelcell.membrane": 5_000,
}  # fmt: skip


def _shares(rng: random.Random, k: int) -> list[float]:
    if k == 1:
        return [1.0]
    if k == 2:
        a = round(rng.uniform(0.55, 0.8), 2)
        return [a, round(1 - a, 2)]
    a = round(rng.uniform(0.45, 0.6), 2)
    b = round(rng.uniform(0.2, 1 - a - 0.1), 2)
    return [a, b, round(1 - a - b, 2)]


class _Builder:
    def __init__(self, rng: random.Random, sites: list[dict[str, Any]], named: set[str]) -> None:
        self.rng = rng
        self.by_segment: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in sorted(sites, key=lambda s: s["id"]):
            if s.get("segment_id"):
                self.by_segment[s["segment_id"]].append(s)
        self.named = named
        self.links: list[dict[str, Any]] = []
        self.sales: dict[str, float] = defaultdict(float)
        self.local_value = self.total_value = 0.0
        self.spare: dict[str, float | None] = {s["id"]: s.get("capacity") for s in sites}

    def _weight(self, buyer: dict[str, Any], site: dict[str, Any], volume: float) -> float:
        """Named firms weigh ``NAMED_WEIGHT``, the buyer's own firm ``CAPTIVE_WEIGHT``; a site whose spare
        capacity cannot take the whole volume weighs less in proportion."""
        w = NAMED_WEIGHT if site["enterprise_id"] in self.named else 1.0
        if site["enterprise_id"] == buyer["enterprise_id"]:
            w *= CAPTIVE_WEIGHT
        spare = self.spare.get(site["id"])
        if spare is None or volume <= 0:
            return w
        return w * max(0.02, min(1.0, spare / volume))

    def _choose(
        self, buyer: dict[str, Any], segment: str, volume: float, kmax: int, first_local: bool | None = None
    ) -> list[dict[str, Any]]:
        pool = [s for s in self.by_segment.get(segment, []) if s["id"] != buyer["id"]]
        if not pool:
            raise ValueError(f"no site makes segment {segment!r}, which site {buyer['id']} needs")
        k = min(
            len(pool),
            self.rng.choices((1, 2, 3), weights=(3, 4.5, 2.5))[0] if kmax == 3 else self.rng.randint(1, 2),
        )
        p_local = P_LOCAL if in_city(buyer["district_code"]) else P_LOCAL_OUTSIDE
        chosen: list[dict[str, Any]] = []
        while len(chosen) < k:
            want_local = self.rng.random() < p_local
            if not chosen and first_local is not None:
                want_local = first_local
            group = [s for s in pool if in_city(s["district_code"]) == want_local and s not in chosen]
            group = group or [s for s in pool if s not in chosen]
            weights = [self._weight(buyer, s, volume) for s in group]
            if not chosen:  # the primary supplier: the big, named, captive sites more so
                weights = [w * w for w in weights]
            chosen.append(self.rng.choices(group, weights=weights)[0])
        return chosen

    def buy(
        self,
        buyer: dict[str, Any],
        segment: str,
        value: float,
        volume: float,
        kmax: int,
        balance: bool = False,
    ) -> None:
        first_local = None
        if balance:  # steer the primary supplier so the running local share tracks TARGET_LOCAL
            first_local = self.local_value < TARGET_LOCAL * (self.total_value + value)
        suppliers = self._choose(buyer, segment, volume, kmax, first_local)
        for s, share in zip(suppliers, _shares(self.rng, len(suppliers)), strict=True):
            v = round(value * share, 2)
            if balance:
                self.total_value += v
                self.local_value += v if in_city(s["district_code"]) else 0.0
            self.links.append(
                {
                    "id": f"{buyer['id']}>{s['id']}:{segment}",
                    "buyer_site_id": buyer["id"],
                    "supplier_site_id": s["id"],
                    "segment_id": segment,
                    "annual_value": v,
                    "share": share,
                    "volume": round(volume * share, 1),
                    "since": self.rng.randint(2016, 2024),
                    "evidence": LINK_EVIDENCE,
                    "confidence": "suggested",
                    "source": LINK_SOURCE,
                    "as_of": LINKS_AS_OF,
                    "status": "illustrative",
                }
            )
            self.sales[s["id"]] += v
            spare = self.spare.get(s["id"])
            if spare is not None:
                self.spare[s["id"]] = spare - volume * share


def build_links(
    rng: random.Random,
    sites: list[dict[str, Any]],
    models: list[dict[str, Any]],
    bom_lines: list[dict[str, Any]],
    named: set[str],
) -> list[dict[str, Any]]:
    """Supply links for the demo (see the module docstring). ``named``: ids of seed-named enterprises."""
    b = _Builder(rng, sites, named)
    site_by_id = {s["id"]: s for s in sites}
    model_by_id = {m["id"]: m for m in models}
    need: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for line in bom_lines:
        m = model_by_id[line["model_id"]]
        acc = need[(m["site_id"], line["segment_id"])]
        acc[0] += m["annual_volume"] * line["qty"] * line["unit_value"]
        acc[1] += m["annual_volume"] * line["qty"]
    for (plant, segment), (value, volume) in sorted(need.items(), key=lambda kv: (-kv[1][0], kv[0])):
        plant_site = site_by_id[plant]
        b.buy(plant_site, segment, value, volume, kmax=3, balance=in_city(plant_site["district_code"]))
    # lists, not sets: the order must not depend on string hashing, or another process draws differently
    graph = {seg: [i for i, _ in ins] for seg, ins in INPUTS.items()}
    order = [seg for seg in reversed(list(TopologicalSorter(graph).static_order())) if seg in INPUTS]
    for segment in order:
        for seller in b.by_segment.get(segment, []):
            sales = b.sales.get(seller["id"], 0.0)
            if sales <= 0:
                continue
            for inp, ratio in INPUTS[segment]:
                value = sales * ratio
                b.buy(seller, inp, value, value / UNIT_VALUE[inp], kmax=2)
    _fit_capacity(rng, sites, b.links)
    return b.links


def _fit_capacity(rng: random.Random, sites: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
    """Raise the capacity of any site that sells more than it can make to sold ÷ 0.7–0.9 (utilisation).

    A verified site whose capacity is raised becomes ``illustrative`` and its source says so: the new
    figure comes from the illustrative links, not from the cited clause.
    """
    sold: dict[str, float] = defaultdict(float)
    for link in links:
        sold[link["supplier_site_id"]] += link["volume"]
    for s in sorted(sites, key=lambda s: s["id"]):
        volume = sold.get(s["id"], 0.0)
        if volume > 0 and (s.get("capacity") is None or s["capacity"] < volume):
            before = s.get("capacity")
            s["capacity"] = float(round(volume / rng.uniform(0.7, 0.9), -2 if volume > 1e4 else 0))
            if s.get("status") == "verified":
                # the raised figure rests on illustrative links: the record is no longer verified as a whole
                s["status"] = "illustrative"
                was = f"原登记 {before:g}" if before is not None else "原未登记"
                s["source"] = f"{s['source']}；产能为示意：按示意供货量上调（{was}）"
