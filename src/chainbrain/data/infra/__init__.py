"""Illustrative infrastructure for the Chongqing demo: stations, 车路云 assets, vehicle counts.

Nothing here is a real facility. The rows are drawn deterministically from one seed and are made
*consistent with the figures the seeds and the demo observations give*, so the registry and the cockpit tell
one story:

- seed 001: every township and street had 超快充 (ultra-fast or fast) charging by 2024 — every bundled
  township gets an operating 超充 or 快充 station within 5 km opened by 2024-12-31 (their points are
  illustrative too);
- ``data/targets/demo_observations.csv`` (illustrative): operating 超充站 at each quarter's end (820 in
  2025Q1 … 1,550 in 2026Q3), 重卡超充站 (3), 换电站, 加氢站, 感知路口 (335), covered km (1,650), vehicles
  with cooperative warning (18,400), 车桩比 about 5 — opening dates and counts follow those series;
- a few stations labelled 超充 below the power threshold (legacy 360 kW) show what the threshold does;
- a swap station in every district (生态行动计划 "区县全覆盖的换电网络").

Every row is ``status = illustrative`` with a source saying so.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np

from chainbrain.data.geo import contains, townships
from chainbrain.infra.coverage import nearest
from chainbrain.store.records import insert_rows, transaction

SEED = 20261031
AS_OF = dt.date(2026, 10, 31)
SOURCE = "示意数据（chainbrain 演示用，非真实设施或统计）"
COVER_BY = dt.date(2024, 12, 31)
COVER_KM = 5.0

#: cumulative operating counts at quarter ends (demo_observations.csv)
ULTRA_SERIES = {"2024Q4": 700, "2025Q1": 820, "2025Q2": 930, "2025Q3": 1050, "2025Q4": 1180,
                "2026Q1": 1300, "2026Q2": 1420, "2026Q3": 1550}  # fmt: skip
TRUCK_OPENED = (dt.date(2025, 5, 20), dt.date(2025, 11, 18), dt.date(2026, 4, 28))
SWAP_SERIES = {"2024Q4": 142, "2025Q1": 151, "2025Q2": 163, "2025Q3": 174, "2025Q4": 186, "2026Q3": 196}
HYDROGEN_SERIES = {"2024Q4": 4, "2025Q2": 5, "2025Q4": 6}
INTERSECTION_SERIES = {"2025Q1": 60, "2025Q2": 125, "2025Q3": 180, "2025Q4": 235, "2026Q1": 275,
                       "2026Q2": 305, "2026Q3": 335}  # fmt: skip
ROAD_KM_SERIES = {"2025Q1": 600, "2025Q2": 760, "2025Q3": 930, "2025Q4": 1100, "2026Q1": 1280,
                  "2026Q2": 1460, "2026Q3": 1650}  # fmt: skip
VEHICLE_SERIES = {"2025Q1": 3000, "2025Q2": 5200, "2025Q3": 7600, "2025Q4": 10100, "2026Q1": 12800,
                  "2026Q2": 15600, "2026Q3": 18400}  # fmt: skip
OEM_SHARES = {
    "长安汽车": 0.46,
    "赛力斯汽车": 0.24,
    "阿维塔科技": 0.14,
    "庆铃汽车": 0.06,
    "重庆公交集团（运营车辆）": 0.10,
}
FLEET_2026 = 190_000  # NEV in use: with about 38,000 public piles, 车桩比 ≈ 5 (demo series 5.2 at 2025Q4)
CENTRAL = {"500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113"}
OPERATORS = ("国网重庆电力", "特来电", "星星充电", "重庆捷充", "南方电网", "蔚来能源")


@dataclass
class InfraDemo:
    charging_station: list[dict[str, Any]] = field(default_factory=list)
    swap_station: list[dict[str, Any]] = field(default_factory=list)
    hydrogen_station: list[dict[str, Any]] = field(default_factory=list)
    sensing_intersection: list[dict[str, Any]] = field(default_factory=list)
    v2x_road: list[dict[str, Any]] = field(default_factory=list)
    v2x_vehicles: list[dict[str, Any]] = field(default_factory=list)
    nev_fleet: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _quarter_end(q: str) -> dt.date:
    y, n = int(q[:4]), int(q[5])
    return dt.date(y, 3 * n, 31 if n in (1, 4) else 30)


def _dates(series: dict[str, int], rng: random.Random, first: dt.date) -> list[dt.date]:
    """Opening dates such that exactly ``series[q]`` items are open at the end of each quarter ``q``."""
    out: list[dt.date] = []
    prev_end, prev_n = first, 0
    for q, n in series.items():
        end = _quarter_end(q)
        span = (end - prev_end).days
        out += sorted(prev_end + dt.timedelta(days=rng.randint(1, span)) for _ in range(n - prev_n))
        prev_end, prev_n = end, n
    return out


class _Places:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.towns = list(townships())
        self.weights = [4.0 if t.district_code in CENTRAL else 1.0 for t in self.towns]

    def town(self, district: str | None = None) -> Any:
        if district:
            pool = [t for t in self.towns if t.district_code == district]
            return self.rng.choice(pool)
        return self.rng.choices(self.towns, weights=self.weights)[0]

    def near(self, t: Any, km: float) -> tuple[float, float]:
        """A point within about ``km`` of township ``t``, inside its district (else the township point)."""
        for _ in range(20):
            lon = t.lon + self.rng.uniform(-km, km) / 96.5  # km per degree of longitude at 30° N ≈ 96.5
            lat = t.lat + self.rng.uniform(-km, km) / 111.2
            if (lon - t.lon) ** 2 * 96.5**2 + (lat - t.lat) ** 2 * 111.2**2 <= km**2 and contains(
                t.district_code, lon, lat
            ):
                return round(lon, 6), round(lat, 6)
        return t.lon, t.lat


def _placed(t: Any, lon: float, lat: float) -> dict[str, Any]:
    return {"district_code": t.district_code, "township_code": t.code, "lon": lon, "lat": lat,
            "source": SOURCE, "as_of": AS_OF, "status": "illustrative"}  # fmt: skip


def _charging(rng: random.Random, places: _Places) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(
        kind: str, t: Any, opened: dt.date | None, state: str, kw: float, piles: int, spread: float
    ) -> None:
        lon, lat = places.near(t, spread)
        n = len(rows) + 1
        label = {"ultra": "超充站", "truck_ultra": "重卡超充站", "fast": "快充站", "slow": "充电站"}[kind]
        rows.append({"id": f"CS{n:05d}", "name": f"{t.name}{label}{n}", "kind": kind, "piles": piles,
                     "guns": piles * rng.choice((1, 2)), "max_power_kw": kw, "operator": rng.choice(OPERATORS),
                     "opened": opened, "state": state, **_placed(t, lon, lat)})  # fmt: skip

    ultra_dates = _dates(ULTRA_SERIES, rng, dt.date(2023, 1, 1))
    for d in ultra_dates:
        add(
            "ultra", places.town(), d, "operating", float(rng.choice((480, 600, 720))), rng.randint(2, 6), 2.0
        )
    # heavy-truck 超充站 on the freight corridors (they count among the 超充站 too: replace three ultra rows)
    for j, d in enumerate(TRUCK_OPENED):
        i = next(k for k, r in enumerate(rows) if r["kind"] == "ultra" and r["opened"] >= d)
        town = places.town(("500113", "500110", "500118")[j])  # 巴南 公路物流基地, 綦江, 永川
        lon, lat = places.near(town, 2.0)
        rows[i] |= {"kind": "truck_ultra", "name": f"{town.name}重卡超充站", "max_power_kw": 1000.0,
                    "piles": 4, "guns": 8, **_placed(town, lon, lat)}  # fmt: skip
    for _ in range(30):  # labelled 超充 but below the threshold: do not count
        add("ultra", places.town(), dt.date(2022, 6, 1) + dt.timedelta(days=rng.randint(0, 700)), "operating",
            360.0, rng.randint(2, 4), 2.0)  # fmt: skip
    for state, n in (("building", 140), ("planned", 220)):
        for _ in range(n):
            add("ultra", places.town(), None, state, 600.0, 4, 2.0)
    # 快充 so that every township has 超快充 within COVER_KM by COVER_BY (seed 001)
    pts = np.array([(t.lon, t.lat) for t in places.towns])

    def covered() -> np.ndarray:
        s = [(r["lon"], r["lat"]) for r in rows
             if r["state"] == "operating" and r["opened"] <= COVER_BY and r["kind"] != "slow"
             and (r["kind"] == "fast" or r["max_power_kw"] >= 480)]  # fmt: skip
        _, km = nearest(pts, np.array(s))
        return km <= COVER_KM

    ok = covered()
    for i, t in enumerate(places.towns):
        if not ok[i]:
            add("fast", t, dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1080)), "operating",
                float(rng.choice((120, 160, 180))), rng.randint(4, 10), 1.5)  # fmt: skip
    for _ in range(2600 - sum(1 for r in rows if r["kind"] == "fast")):
        add("fast", places.town(), dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)), "operating",
            float(rng.choice((60, 120, 160, 180))), rng.randint(4, 16), 3.0)  # fmt: skip
    for _ in range(800):
        add("slow", places.town(), dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2400)), "operating",
            7.0, rng.randint(4, 12), 3.0)  # fmt: skip
    return rows


def build_infra_demo(seed: int = SEED) -> InfraDemo:
    """All illustrative infrastructure rows for ``seed`` (the same seed, the same rows)."""
    rng = random.Random(seed)
    places = _Places(rng)
    demo = InfraDemo(charging_station=_charging(rng, places))
    districts = sorted({t.district_code for t in places.towns})
    swap_dates = _dates(SWAP_SERIES, rng, dt.date(2021, 6, 1))
    for i, d in enumerate(swap_dates):
        t = places.town(districts[i] if i < len(districts) else None)  # one in every district first
        lon, lat = places.near(t, 2.0)
        demo.swap_station.append({"id": f"SW{i + 1:04d}", "name": f"{t.name}换电站", "bays": rng.choice((1, 2, 3)),
                                  "vehicle_class": "truck" if i % 25 == 24 else "car",
                                  "operator": rng.choice(("奥动新能源", "易易互联", "蔚来能源")), "opened": d,
                                  "state": "operating", **_placed(t, lon, lat)})  # fmt: skip
    h_towns = ("500112", "500107", "500112", "500113", "500151", "500107", "500112", "500118")
    h_dates = _dates(HYDROGEN_SERIES, rng, dt.date(2020, 1, 1))
    for i, code in enumerate(h_towns):
        t = places.town(code)
        lon, lat = places.near(t, 2.0)
        state = "operating" if i < len(h_dates) else "building"
        demo.hydrogen_station.append({"id": f"H{i + 1:03d}", "name": f"{t.name}加氢站",
                                      "capacity_kg_day": float(rng.choice((500, 1000, 1500))), "pressure_mpa": 35.0,
                                      "operator": rng.choice(("中石化重庆公司", "中石油重庆公司", "重燃集团")),
                                      "opened": h_dates[i] if state == "operating" else None, "state": state,
                                      **_placed(t, lon, lat)})  # fmt: skip
    v2x_districts = ("500112", "500112", "500112", "500107", "500106", "500105", "500108", "500118", "500113")
    x_dates: list[dt.date | None] = [*_dates(INTERSECTION_SERIES, rng, dt.date(2024, 12, 31)), *[None] * 45]
    for i, xd in enumerate(x_dates):
        t = places.town(rng.choice(v2x_districts))
        lon, lat = places.near(t, 1.5)
        demo.sensing_intersection.append({"id": f"X{i + 1:04d}", "name": f"{t.name}感知路口{i + 1}", "opened": xd,
                                          "state": "operating" if xd else "building", **_placed(t, lon, lat)})  # fmt: skip
    prev_end, prev_km, n = dt.date(2024, 12, 31), 0.0, 0
    for q, km_total in ROAD_KM_SERIES.items():
        end = _quarter_end(q)
        left = float(km_total - prev_km)
        while left > 1e-9:
            km = min(left, float(rng.randint(5, 30)))
            left -= km
            n += 1
            highway = rng.random() < 0.45
            t = places.town(rng.choice(v2x_districts))
            lon, lat = places.near(t, 3.0)
            day = prev_end + dt.timedelta(days=rng.randint(1, (end - prev_end).days))
            demo.v2x_road.append({"id": f"R{n:04d}", "name": f"{t.name}{'高速公路' if highway else '城区道路'}段{n}",
                                  "road_class": "highway" if highway else "city", "km": round(km, 3),
                                  "opened": day, "state": "operating", **_placed(t, lon, lat)})  # fmt: skip
        prev_end, prev_km = end, float(km_total)
    for q, total in VEHICLE_SERIES.items():
        names = list(OEM_SHARES)
        counts = [round(total * OEM_SHARES[o]) for o in names[:-1]]
        counts.append(total - sum(counts))
        for o, c in zip(names, counts, strict=True):
            demo.v2x_vehicles.append({"id": f"V{q}-{names.index(o) + 1}", "oem": o, "period_end": _quarter_end(q),
                                      "vehicles": c, "source": SOURCE, "as_of": AS_OF, "status": "illustrative"})  # fmt: skip
    weights = {d: 4.0 if d in CENTRAL else 1.0 for d in districts}
    total_w = sum(weights.values())
    for year_end, total in ((dt.date(2025, 12, 31), 168_000), (dt.date(2026, 9, 30), FLEET_2026)):
        share = [round(total * weights[d] / total_w) for d in districts]
        share[-1] += total - sum(share)
        for dc, v in zip(districts, share, strict=True):
            demo.nev_fleet.append({"id": f"F{year_end.year}-{dc}", "district_code": dc, "period_end": year_end,
                                   "vehicles": v, "source": SOURCE, "as_of": AS_OF, "status": "illustrative"})  # fmt: skip
    return demo


def load_demo_infra(conn: duckdb.DuckDBPyConnection, seed: int = SEED) -> dict[str, int]:
    """Write the bundled townships and the illustrative infrastructure (tables that are still empty)."""
    from chainbrain.infra.records import (
        ChargingStation,
        HydrogenStation,
        NevFleet,
        SensingIntersection,
        SwapStation,
        V2xRoad,
        V2xVehicles,
    )  # fmt: skip
    from chainbrain.infra.townships import load_townships
    from chainbrain.schema.common import Record

    models: dict[str, type[Record]] = {"charging_station": ChargingStation, "swap_station": SwapStation, "hydrogen_station": HydrogenStation,
              "sensing_intersection": SensingIntersection, "v2x_road": V2xRoad, "v2x_vehicles": V2xVehicles,
              "nev_fleet": NevFleet}  # fmt: skip
    demo = build_infra_demo(seed)
    counts: dict[str, int] = {}
    with transaction(conn):
        counts["townships"] = load_townships(conn)
        for table, rows in demo.tables().items():
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            if row and row[0]:
                counts[table] = 0
                continue
            for r in rows:
                models[table].model_validate(r)
            counts[table] = insert_rows(conn, table, rows)
    return counts
