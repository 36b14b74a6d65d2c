"""车型: a vehicle model built at an OEM plant."""

from __future__ import annotations

from pydantic import Field

from chainbrain.schema.common import Powertrain, Record


class VehicleModel(Record):
    oem_id: str
    site_id: str
    brand: str
    name: str
    powertrain: Powertrain
    annual_volume: float = Field(ge=0, description="辆 per year")
    price: float | None = Field(None, ge=0, description="万元")
    year: int | None = Field(None, ge=2000, le=2100)
