"""产业链环节: a node of the chain taxonomy."""

from __future__ import annotations

from pydantic import Field

from chainbrain.schema.common import Record, SegmentKind, Stream


class Segment(Record):
    id: str = Field(pattern=r"^[a-z0-9_.]+$", max_length=64)
    parent_id: str | None = None
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    level: int = Field(ge=1, le=6)
    stream: Stream
    kind: SegmentKind
    unit: str | None = Field(None, description="unit of capacity and BOM quantity: 套, 辆, kWh …")
    clause: str | None = Field(None, description="the plan clause that names this segment")
