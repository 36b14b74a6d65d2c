"""Vehicle models built in Chongqing and their bills of materials (BOM).

``models.csv`` lists the models. For new-energy models its ``weight`` column is a relative share: the
shares are scaled so that the NEV models' annual volumes add up to the city's 2024 NEV output, 95.3万辆
(D1: “2024年新能源汽车产量…达到95.3万辆”); the split between models is illustrative. For ICE models
``weight`` is the annual volume in 辆 (illustrative), so that the fuel-vehicle base exists.

The BOM gives, per model, what an OEM plant buys per vehicle: segment, quantity in the segment's unit and
a unit value in 元. Values follow simple public rules of thumb (battery packs 650–750 元/kWh, a 7,000 元
electric drive unit for a 15万元 car, …) scaled by the vehicle's price; they are illustrative.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from chainbrain.data.fill import apportion
from chainbrain.data.sources import cite

NEV_OUTPUT_2024 = 953_000  # 辆, D1 “2024年新能源汽车产量迈上新台阶，达到95.3万辆”
NEV_SOURCE = cite("D1", "一是产品向上，2024年新能源汽车产量…达到95.3万辆")
NEV = ("BEV", "EREV", "PHEV", "FCEV")
MODELS_AS_OF = dt.date(2024, 12, 31)
BOM_SOURCE = "示意数据：chainbrain.data.vehicles 按车型价格、动力类型与智能化等级生成的单车BOM"


@dataclass(frozen=True)
class Model:
    id: str
    oem_id: str
    site_id: str
    brand: str
    name: str
    powertrain: str
    vclass: str  # car / suv / lcv (light commercial) / ldt (light truck) / hdt (heavy truck) / bus
    weight: float
    price: float  # 万元
    battery_kwh: float
    smart: int  # 0 basic driver assistance, 1 highway NOA, 2 urban NOA with lidar


@cache
def models() -> tuple[Model, ...]:
    text = (resources.files(__package__) / "models.csv").read_text(encoding="utf-8")
    out = []
    for n, r in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            out.append(
                Model(
                    r["id"],
                    r["oem_id"],
                    r["site_id"],
                    r["brand"],
                    r["name"],
                    r["powertrain"],
                    r["class"],
                    float(r["weight"]),
                    float(r["price"]),
                    float(r["battery_kwh"] or 0),
                    int(r["smart"]),
                )  # fmt: skip
            )
        except ValueError as e:
            raise ValueError(f"models.csv line {n}: {e}") from e
    return tuple(out)


def volumes() -> dict[str, int]:
    """Annual volume (辆) per model: NEV shares apportioned to exactly 953,000; ICE as listed."""
    nev = {m.id: m.weight for m in models() if m.powertrain in NEV}
    out = apportion(NEV_OUTPUT_2024, nev)
    out.update({m.id: int(m.weight) for m in models() if m.powertrain not in NEV})
    return out


def model_rows() -> list[dict[str, Any]]:
    vol = volumes()
    rows = []
    for m in models():
        nev = m.powertrain in NEV
        rows.append(
            {
                "id": m.id,
                "oem_id": m.oem_id,
                "site_id": m.site_id,
                "brand": m.brand,
                "name": m.name,
                "powertrain": m.powertrain,
                "annual_volume": float(vol[m.id]),
                "price": m.price,
                "year": 2024,
                "source": (
                    f"示意：车型年产量按份额分配，新能源车型合计=95.3万辆（{NEV_SOURCE}）"
                    if nev
                    else "示意：燃油车型年产量为示意值"
                ),
                "as_of": MODELS_AS_OF,
                "status": "illustrative",
            }
        )
    return rows


def bom(m: Model) -> list[tuple[str, float, float]]:
    """(segment, qty per vehicle, unit value 元) lines for one model."""
    p = m.price * 10_000  # 元
    f = min(2.0, max(0.5, p / 150_000)) ** 0.5  # value scale of price-sensitive systems
    nev = m.powertrain in NEV
    heavy = m.vclass in ("hdt", "bus")
    commercial = m.vclass in ("lcv", "ldt", "hdt", "bus")
    k = 3.0 if heavy else 1.0
    lines: list[tuple[str, float, float]] = [
        ("parts.body", 1, 0.06 * p + 3000 * k),
        ("parts.interior", 1, (0.03 if commercial else 0.06) * p + 2000),
        ("parts.chassis", 1, 0.03 * p + 2000 * k),
        ("parts.electrical", 1, 0.015 * p + 1000 * k),
        ("control.body", 1, 600 * f),
        ("v2x.tbox", 1, 700),
        ("small3.ebrake", 1, 1800 * f * k),
        ("small3.esteer", 1, 1500 * f * k),
        ("thermal", 1, (3500 if nev else 1500) * f * k),
        ("adas.camera", (1, 7, 11)[m.smart], 250),
        ("adas.radar", (1, 3, 3)[m.smart], 350),
        ("software.os", 1, (300, 800, 1500)[m.smart]),
    ]
    if m.smart >= 1:
        lines += [
            ("adas.domain", 1, (0, 3000, 12000)[m.smart]),
            ("cockpit.hud", 1, 1200),
            ("v2x.cv2x", 1, 900),
        ]
    if m.smart == 2:
        lines += [("adas.lidar", 1, 3500), ("adas.radar4d", 1, 1500), ("control.zonal", 2, 1500)]
        lines += [("chassis.xbw", 1, 3000), ("cockpit.domain", 1, 5000), ("cockpit.display", 3, 1200)]
    else:
        lines += [
            ("cockpit.headunit", 1, (1500, 3000)[m.smart] * f),
            ("cockpit.display", 1 + m.smart, 1200 * f),
        ]
    if not commercial:
        lines.append(("v2x.gateway", 1, 400 * f))
    if m.price >= 20 and not commercial:
        lines.append(("lightweight.panel", 1, 2500))
    if m.price >= 30 and not commercial:
        lines.append(("chassis.suspension", 1, 8000))
    if nev:
        per_kwh = 650 if m.powertrain == "BEV" else 750
        lines += [
            ("battery.pack", m.battery_kwh, per_kwh),
            ("edrive", 2 if (m.smart == 2 and m.price > 25) or m.vclass == "hdt" else 1, 7000 * f * k),
            ("control.vcu", 1, 1200),
            ("small3.eac", 1, 2000 * f),
        ]
    if m.powertrain == "EREV":
        lines.append(("rex", 1, 14000))
    if m.powertrain in ("PHEV", "ICE"):
        lines += [("ice.engine", 1, (9000 if m.powertrain == "PHEV" else 8000 * k) + 0.02 * p)]
        lines += [("ice.transmission", 1, (7000 if m.powertrain == "PHEV" else 5000 * k) + 0.01 * p)]
    if m.powertrain == "FCEV":
        lines += [("fuelcell.system", 1, 200_000), ("fuelcell.h2tank", 1, 40_000)]
    return [(s, float(q), round(float(v), 0)) for s, q, v in lines]


def bom_rows() -> list[dict[str, Any]]:
    rows = []
    for m in models():
        for segment, qty, value in bom(m):
            rows.append(
                {
                    "id": f"{m.id}.{segment}",
                    "model_id": m.id,
                    "segment_id": segment,
                    "qty": qty,
                    "unit_value": value,
                    "source": BOM_SOURCE,
                    "as_of": MODELS_AS_OF,
                    "status": "illustrative",
                }
            )
    return rows
