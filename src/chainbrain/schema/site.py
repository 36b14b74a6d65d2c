"""厂区/场所: a plant or office of a firm."""

from __future__ import annotations

from pydantic import Field

from chainbrain.schema.common import Record


class Site(Record):
    enterprise_id: str
    name: str
    district_code: str = Field(pattern=r"^\d{6}$")
    park: str | None = Field(None, description="industrial park, e.g. 两江新区")
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    segment_id: str | None = Field(None, description="what it makes")
    capacity: float | None = Field(None, ge=0, description="per year, in capacity_unit")
    capacity_unit: str | None = None
