"""Build the whole Chongqing demo as plain rows, deterministically from one seed.

``build_demo(seed)`` returns the rows of every demo table (enterprises, sites, vehicle models, BOM lines,
supply links); :func:`chainbrain.data.load_demo` writes them. The same seed gives the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from chainbrain.chain.boundary import in_city
from chainbrain.data import fill, firms, network, vehicles
from chainbrain.data.geo import china_divisions, chongqing_codes, random_point
from chainbrain.data.reference import segment_rows, segment_units

DEFAULT_SEED = 20241231
#: 2024 count of 智能网联新能源汽车零部件企业 in Chongqing, D1 “零部件企业达到543家”
PARTS_FIRMS_2024 = 543
PARTS_ROLES = ("Tier1", "Tier2", "Tier3")


@dataclass
class Demo:
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    vehicle_models: list[dict[str, Any]] = field(default_factory=list)
    bom_lines: list[dict[str, Any]] = field(default_factory=list)
    supply_links: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Public table name -> rows, in load order."""
        return {
            "enterprises": self.enterprises,
            "sites": self.sites,
            "vehicle_models": self.vehicle_models,
            "bom_lines": self.bom_lines,
            "supply_links": self.supply_links,
        }


def is_local_parts_firm(e: dict[str, Any]) -> bool:
    """A parts firm in the sense of D1's 543: seated in Chongqing with a Tier1/Tier2/Tier3 role."""
    return in_city(e["district_code"]) and any(r in PARTS_ROLES for r in e["roles"])


def _place_sites(rng: random.Random, sites: list[dict[str, Any]]) -> None:
    cq = set(chongqing_codes())
    outside = firms.places()
    for s in sites:
        d = s["district_code"]
        if d in cq:
            s["lon"], s["lat"] = random_point(d, rng, spread=0.35)
        elif d in outside:
            lon, lat = outside[d]
            s["lon"], s["lat"] = (
                round(lon + rng.uniform(-0.03, 0.03), 6),
                round(lat + rng.uniform(-0.03, 0.03), 6),
            )
        else:
            raise ValueError(f"site {s['id']}: no coordinates known for district {d}")


def build_demo(seed: int = DEFAULT_SEED) -> Demo:
    """All demo rows for ``seed`` (see the package docs for what is real and what is illustrative)."""
    rng = random.Random(seed)
    units = segment_units()
    names = {d.code: d.name for d in china_divisions()}
    seg_names = {r["id"]: r["name_zh"] for r in segment_rows()}
    named, named_sites = firms.firm_rows(units, seg_names, names)
    n_fill = PARTS_FIRMS_2024 - sum(1 for e in named if is_local_parts_firm(e))
    filled, fill_sites = fill.generate(rng, n_fill, names, units)
    demo = Demo(enterprises=named + filled, sites=named_sites + fill_sites)
    _place_sites(rng, demo.sites)
    demo.vehicle_models = vehicles.model_rows()
    demo.bom_lines = vehicles.bom_rows()
    demo.supply_links = network.build_links(
        rng, demo.sites, demo.vehicle_models, demo.bom_lines, firms.named_firm_ids()
    )
    return demo
