"""行政区划: Chongqing's 38 districts and the other places firms sit in."""

from __future__ import annotations

from pydantic import Field

from chainbrain.schema.common import Record


class District(Record):
    """A county-level division, keyed by its 6-digit GB/T 2260 code."""

    id: str = Field(pattern=r"^\d{6}$", description="6-digit 行政区划代码")
    name: str
    province: str
    city: str | None = None
    region: str | None = Field(None, description="中心城区 / 主城新区 / 渝东北 / 渝东南")
    yuxi: bool = False
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
