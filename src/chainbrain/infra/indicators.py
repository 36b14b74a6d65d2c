"""Live indicators of the infrastructure targets, measured from the registry.

Each takes a connection and returns one number in its target's unit; the monitor's snapshot
(:mod:`chainbrain.monitor.live`) records them like the chain indicators. "Operating" means ``state =
'operating'`` in the registry now.

- ``supercharging_stations`` (座) — operating stations of kind 超充 or 重卡超充 whose highest gun power
  reaches ``Settings.ultra_gun_kw``: 渝链智擎 二(十一) "建成投用超充站2000座" (heavy-truck ones are 超充站 too);
- ``heavy_truck_stations`` (座) — the same, kind 重卡超充 only: 二(十一) "电动重型货车超充站10座";
- ``township_coverage_pct`` (%) — townships with such a station within ``Settings.coverage_radius_km``
  (:mod:`chainbrain.infra.coverage`);
- ``township_fast_coverage_pct`` (%) — the same, 快充 stations counting too (seed 001's 超快充 全覆盖);
- ``swap_stations``, ``hydrogen_stations`` (座) — operating 换电站 / 加氢站: 生态行动计划 一(三);
- ``public_vehicle_charger_ratio`` (辆/桩) — 车桩比: new-energy vehicles in use (each district's latest
  ``nev_fleet`` count) / piles of the operating public charging stations in the registry;
- ``sensing_intersections`` (个), ``connected_road_km`` (公里) — operating 感知路口 and the km of operating
  covered roads, city roads and highways together: 渝链智擎 二(十三);
- ``ota_cooperative_vehicles`` (辆) — vehicles with cooperative warning, each OEM's latest count, summed.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from chainbrain.infra.vocab import ULTRA_KINDS
from chainbrain.settings import get_settings


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> float:
    row = conn.execute(sql, params or []).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def _ultra(conn: duckdb.DuckDBPyConnection, kinds: tuple[str, ...]) -> float:
    return _one(
        conn,
        "SELECT count(*) FROM charging_station WHERE state = 'operating' AND list_contains(?, kind)"
        " AND max_power_kw >= ?",
        [list(kinds), get_settings().ultra_gun_kw],
    )


def supercharging_stations(conn: duckdb.DuckDBPyConnection) -> float:
    return _ultra(conn, ULTRA_KINDS)


def heavy_truck_stations(conn: duckdb.DuckDBPyConnection) -> float:
    return _ultra(conn, ("truck_ultra",))


def _coverage(conn: duckdb.DuckDBPyConnection, include_fast: bool) -> float:
    from chainbrain.infra.coverage import township_coverage

    cov = township_coverage(conn, include_fast=include_fast)
    if cov.percent is None:
        raise LookupError("乡镇覆盖率无结果：数据库中没有乡镇街道")
    return cov.percent


def township_coverage_pct(conn: duckdb.DuckDBPyConnection) -> float:
    return _coverage(conn, False)


def township_fast_coverage_pct(conn: duckdb.DuckDBPyConnection) -> float:
    return _coverage(conn, True)


def swap_stations(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(conn, "SELECT count(*) FROM swap_station WHERE state = 'operating'")


def hydrogen_stations(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(conn, "SELECT count(*) FROM hydrogen_station WHERE state = 'operating'")


def fleet_vehicles(conn: duckdb.DuckDBPyConnection) -> float:
    """New-energy vehicles in use: the latest count of each district, summed."""
    return _one(
        conn,
        "SELECT sum(vehicles) FROM (SELECT district_code, arg_max(vehicles, period_end) AS vehicles"
        " FROM nev_fleet GROUP BY district_code)",
    )


def public_piles(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(conn, "SELECT sum(piles) FROM charging_station WHERE state = 'operating'")


def public_vehicle_charger_ratio(conn: duckdb.DuckDBPyConnection) -> float:
    vehicles, piles = fleet_vehicles(conn), public_piles(conn)
    if vehicles <= 0:
        raise LookupError("车桩比无结果：数据库中没有新能源汽车保有量（nev_fleet）")
    if piles <= 0:
        raise LookupError("车桩比无结果：数据库中没有运营中的充电桩")
    return vehicles / piles


def sensing_intersections(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(conn, "SELECT count(*) FROM sensing_intersection WHERE state = 'operating'")


def connected_road_km(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(conn, "SELECT sum(km) FROM v2x_road WHERE state = 'operating'")


def ota_cooperative_vehicles(conn: duckdb.DuckDBPyConnection) -> float:
    return _one(
        conn,
        "SELECT sum(vehicles) FROM (SELECT oem, arg_max(vehicles, period_end) AS vehicles"
        " FROM v2x_vehicles GROUP BY oem)",
    )


#: indicator key → (label, unit, function); the monitor's snapshot reads this
INDICATORS: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection], float]]] = {
    "supercharging_stations": ("运营超充站数（含重卡超充，单枪功率达超充门槛）", supercharging_stations),
    "heavy_truck_stations": ("运营电动重型货车超充站数", heavy_truck_stations),
    "township_coverage_pct": ("乡镇街道超充覆盖率（%）", township_coverage_pct),
    "township_fast_coverage_pct": ("乡镇街道超快充覆盖率（%，含快充）", township_fast_coverage_pct),
    "swap_stations": ("运营换电站数", swap_stations),
    "hydrogen_stations": ("运营加氢站数", hydrogen_stations),
    "public_vehicle_charger_ratio": ("公共充电车桩比（辆/桩）", public_vehicle_charger_ratio),
    "sensing_intersections": ("运营感知路口数", sensing_intersections),
    "connected_road_km": ("车路协同覆盖道路里程（公里）", connected_road_km),
    "ota_cooperative_vehicles": ("具备协同预警功能的在用车辆（辆）", ota_cooperative_vehicles),
}
UNITS = {
    "supercharging_stations": "座",
    "heavy_truck_stations": "座",
    "township_coverage_pct": "%",
    "township_fast_coverage_pct": "%",
    "swap_stations": "座",
    "hydrogen_stations": "座",
    "public_vehicle_charger_ratio": "辆/桩",
    "sensing_intersections": "个",
    "connected_road_km": "公里",
    "ota_cooperative_vehicles": "辆",
}
#: the registry tables the indicators read (the snapshot's status is the weakest among them)
TABLES = ("charging_station", "swap_station", "hydrogen_station", "sensing_intersection", "v2x_road",
          "v2x_vehicles", "nev_fleet", "township")  # fmt: skip
