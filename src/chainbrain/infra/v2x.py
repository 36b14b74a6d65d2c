"""车路云一体化 rollout: operating 感知路口 and covered road km by district, and vehicles with
cooperative warning by OEM (each OEM's latest count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from chainbrain.store.records import fetch_dicts


@dataclass(frozen=True)
class DistrictRollout:
    district_code: str
    district_name: str | None
    intersections: int
    km_city: float
    km_highway: float

    @property
    def km(self) -> float:
        return self.km_city + self.km_highway


@dataclass(frozen=True)
class OemVehicles:
    oem: str
    period_end: dt.date
    vehicles: int
    status: str


@dataclass
class Rollout:
    intersections: int
    km_city: float
    km_highway: float
    vehicles: int
    districts: list[DistrictRollout] = field(default_factory=list)
    oems: list[OemVehicles] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # provenance statuses of the records counted

    @property
    def km(self) -> float:
        return self.km_city + self.km_highway


def rollout(conn: duckdb.DuckDBPyConnection) -> Rollout:
    """The operating 车路云 assets now, by district, and the vehicles by OEM."""
    rows = fetch_dicts(
        conn,
        "WITH x AS (SELECT district_code, count(*) AS n FROM sensing_intersection WHERE state = 'operating'"
        " GROUP BY district_code),"
        " r AS (SELECT district_code, sum(km) FILTER (road_class = 'city') AS city,"
        " sum(km) FILTER (road_class = 'highway') AS hw FROM v2x_road WHERE state = 'operating'"
        " GROUP BY district_code)"
        " SELECT coalesce(x.district_code, r.district_code) AS code, d.name, coalesce(x.n, 0) AS n,"
        " coalesce(r.city, 0) AS city, coalesce(r.hw, 0) AS hw FROM x FULL JOIN r USING (district_code)"
        " LEFT JOIN district d ON d.id = coalesce(x.district_code, r.district_code) ORDER BY code",
    )
    districts = [
        DistrictRollout(
            r["code"], r["name"], int(r["n"]), round(float(r["city"]), 3), round(float(r["hw"]), 3)
        )
        for r in rows
    ]
    oems = [
        OemVehicles(**r)
        for r in fetch_dicts(
            conn,
            "SELECT oem, max(period_end) AS period_end, arg_max(vehicles, period_end) AS vehicles,"
            " arg_max(status, period_end) AS status FROM v2x_vehicles GROUP BY oem ORDER BY vehicles DESC, oem",
        )
    ]
    statuses = sorted(
        {
            r[0]
            for t in ("sensing_intersection", "v2x_road", "v2x_vehicles")
            for r in conn.execute(f"SELECT DISTINCT status FROM {t}").fetchall()
        }
    )
    return Rollout(
        intersections=sum(d.intersections for d in districts),
        km_city=round(sum(d.km_city for d in districts), 3),
        km_highway=round(sum(d.km_highway for d in districts), 3),
        vehicles=sum(o.vehicles for o in oems),
        districts=districts,
        oems=oems,
        statuses=statuses,
    )
