"""BOM 行: how much of a segment one vehicle of a model takes."""

from __future__ import annotations

from pydantic import Field

from chainbrain.schema.common import Record


class BomLine(Record):
    model_id: str
    segment_id: str
    qty: float = Field(gt=0, description="per vehicle, in the segment's unit")
    unit_value: float | None = Field(None, ge=0, description="元 per unit")
