"""Record types of the infrastructure registry: one per table, checked on import and on the demo load.

Every record carries provenance (``source``, ``as_of``, ``status``) like the chain-map records, a district
(6-digit 行政区划代码) and, where it stands somewhere, a township (9-digit 乡级代码) and a point (lon/lat,
GCJ-02 like the district map). Numbers are finite and bounded.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from chainbrain.schema.common import Record

State = Literal["planned", "building", "operating", "closed"]
DISTRICT = r"^\d{6}$"
TOWNSHIP = r"^\d{9}$"


class Placed(Record):
    """A record with a district, an optional township and a point in China."""

    district_code: str = Field(pattern=DISTRICT)
    township_code: str | None = Field(None, pattern=TOWNSHIP)
    lon: float = Field(ge=73, le=136)
    lat: float = Field(ge=3, le=54)

    @model_validator(mode="after")
    def _township_in_district(self) -> Placed:
        if self.township_code is not None and not self.township_code.startswith(self.district_code):
            raise ValueError(f"乡镇代码 {self.township_code} 不属于区县 {self.district_code}")
        return self


class Asset(Placed):
    name: str = Field(min_length=1, max_length=200)
    opened: dt.date | None = None
    state: State

    @model_validator(mode="after")
    def _opened_when_operating(self) -> Asset:
        if self.state in ("operating", "closed") and self.opened is None:
            raise ValueError("运营或已关闭的设施须填写投用日期")
        return self


class Township(Record):
    """乡镇/街道: ``id`` is its 9-digit code."""

    id: str = Field(pattern=TOWNSHIP)
    name: str = Field(min_length=1, max_length=100)
    district_code: str = Field(pattern=DISTRICT)
    lon: float = Field(ge=73, le=136)
    lat: float = Field(ge=3, le=54)

    @model_validator(mode="after")
    def _in_district(self) -> Township:
        if not self.id.startswith(self.district_code):
            raise ValueError(f"乡镇代码 {self.id} 不属于区县 {self.district_code}")
        return self


class ChargingStation(Asset):
    kind: Literal["ultra", "fast", "slow", "truck_ultra"]
    piles: int = Field(ge=1, le=10_000)
    guns: int = Field(ge=1, le=20_000)
    max_power_kw: float = Field(gt=0, le=2_000, description="highest rated power of one gun, kW")
    operator: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _guns(self) -> ChargingStation:
        if self.guns < self.piles:
            raise ValueError(f"充电枪数 {self.guns} 少于充电桩数 {self.piles}")
        return self


class SwapStation(Asset):
    bays: int = Field(ge=1, le=100)
    vehicle_class: Literal["car", "truck"] = "car"
    operator: str | None = Field(None, max_length=200)


class HydrogenStation(Asset):
    capacity_kg_day: float = Field(gt=0, le=100_000)
    pressure_mpa: float | None = Field(None, gt=0, le=100)
    operator: str | None = Field(None, max_length=200)


class SensingIntersection(Asset):
    pass


class V2xRoad(Asset):
    road_class: Literal["city", "highway"]
    km: float = Field(gt=0, le=1_000)


class V2xVehicles(Record):
    """Vehicles in use with cooperative warning (协同预警) enabled by OTA, one OEM, counted at ``period_end``."""

    oem: str = Field(min_length=1, max_length=200)
    period_end: dt.date
    vehicles: int = Field(ge=0, le=100_000_000)
    district_code: str | None = Field(None, pattern=DISTRICT)
    township_code: str | None = Field(None, pattern=TOWNSHIP)
    lon: float | None = Field(None, ge=73, le=136)
    lat: float | None = Field(None, ge=3, le=54)


class NevFleet(Record):
    """New-energy vehicles in use (保有量) in one district at ``period_end``: the vehicles of 车桩比."""

    district_code: str = Field(pattern=DISTRICT)
    period_end: dt.date
    vehicles: int = Field(ge=0, le=100_000_000)
