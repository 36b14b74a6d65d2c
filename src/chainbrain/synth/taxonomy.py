"""The segments synthetic firms make and vehicles carry: the store's taxonomy, or a small one of our own.

When the store has segments, parts are its leaf segments (no children) of kind system, component, chip,
software or material, and the vehicle segment is its level-1 ``vehicle`` segment. Otherwise a small
taxonomy (``syn.*`` ids, status ``synthetic``) is created from the plans' own words.

Each part gets a per-vehicle quantity and a base unit value from its unit (kWh, 吨, or pieces), drawn once
from the seeded generator: plausible orders of magnitude, not prices.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

PART_KINDS = ("system", "component", "chip", "software", "material")

#: (id, name_zh, name_en, kind, unit)
SYNTHETIC_SEGMENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("syn.vehicle", "整车", "Vehicle", "vehicle", "辆"),
    ("syn.battery", "动力电池", "Traction battery", "system", "kWh"),
    ("syn.motor", "驱动电机", "Traction motor", "system", "套"),
    ("syn.inverter", "电控", "Motor controller", "system", "套"),
    ("syn.ebrake", "电制动", "Electric brake", "system", "套"),
    ("syn.esteer", "电转向", "Electric steering", "system", "套"),
    ("syn.eac", "电空调", "Electric air conditioning", "system", "套"),
    ("syn.thermal", "热管理", "Thermal management", "system", "套"),
    ("syn.rex", "增程器", "Range extender", "system", "套"),
    ("syn.lidar", "激光雷达", "Lidar", "component", "个"),
    ("syn.radar", "4D毫米波雷达", "4D mmWave radar", "component", "个"),
    ("syn.camera", "摄像头", "Camera", "component", "个"),
    ("syn.adcu", "域控制器", "Domain controller", "component", "套"),
    ("syn.cockpit", "智能座舱", "Smart cockpit", "system", "套"),
    ("syn.tbox", "T-BOX", "Telematics box", "component", "个"),
    ("syn.power_semi", "功率半导体", "Power semiconductor", "chip", "个"),
    ("syn.mcu", "MCU", "Microcontroller", "chip", "个"),
    ("syn.soc", "高算力SoC", "High-performance SoC", "chip", "个"),
    ("syn.os", "操作系统", "Operating system", "software", "套"),
    ("syn.alloy", "轻量化材料", "Lightweight materials", "material", "吨"),
)

#: unit → ((qty low, high), (unit value low, high) 元); anything else is counted in pieces
_PROFILE = {
    "kWh": ((40.0, 90.0), (500.0, 900.0)),
    "吨": ((0.02, 0.2), (20_000.0, 80_000.0)),
}
_PIECES = ((1.0, 4.0), (200.0, 20_000.0))


@dataclass
class Taxonomy:
    vehicle: str
    parts: list[str]
    names: list[str]
    units: list[str | None]
    qty: np.ndarray  # per vehicle, by part
    unit_value: np.ndarray  # 元 per unit, by part
    new_rows: list[dict]


def taxonomy(conn: duckdb.DuckDBPyConnection, rng: np.random.Generator, source: str) -> Taxonomy:
    """The store's segments when it has part leaves, else the synthetic taxonomy (see the module)."""
    kinds = ", ".join(f"'{k}'" for k in PART_KINDS)
    leaves = conn.execute(
        f"""SELECT id, name_zh, unit FROM segment s
            WHERE kind IN ({kinds}) AND NOT EXISTS (SELECT 1 FROM segment c WHERE c.parent_id = s.id)
            ORDER BY id"""
    ).fetchall()
    vehicle = conn.execute(
        "SELECT id FROM segment WHERE kind = 'vehicle' ORDER BY level, id LIMIT 1"
    ).fetchone()
    rows: list[dict] = []
    if leaves and vehicle:
        parts = [(i, n, u) for i, n, u in leaves]
        vehicle_id = vehicle[0]
    else:
        rows = [
            dict(
                id=i,
                name_zh=n,
                name_en=e,
                level=1,
                stream="下游" if k == "vehicle" else "中游",
                kind=k,
                unit=u,
                source=source,
                status="synthetic",
            )
            for i, n, e, k, u in SYNTHETIC_SEGMENTS
        ]
        vehicle_id = SYNTHETIC_SEGMENTS[0][0]
        parts = [(i, n, u) for i, n, _, k, u in SYNTHETIC_SEGMENTS if k != "vehicle"]
    qty, uv = [], []
    for _, _, unit in parts:
        (ql, qh), (vl, vh) = _PROFILE.get(unit or "", _PIECES)
        q = rng.uniform(ql, qh)
        qty.append(round(q) if (ql, qh) == _PIECES[0] else round(q, 2))
        uv.append(float(np.exp(rng.uniform(np.log(vl), np.log(vh)))))
    return Taxonomy(
        vehicle=vehicle_id,
        parts=[p[0] for p in parts],
        names=[p[1] for p in parts],
        units=[p[2] for p in parts],
        qty=np.array(qty, dtype=np.float64),
        unit_value=np.array(uv, dtype=np.float64),
        new_rows=rows,
    )
