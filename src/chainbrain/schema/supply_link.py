"""供应关系: a buyer site buys a segment from a supplier site."""

from __future__ import annotations

from pydantic import Field, model_validator

from chainbrain.schema.common import Confidence, Record


class SupplyLink(Record):
    buyer_site_id: str
    supplier_site_id: str
    segment_id: str
    annual_value: float = Field(ge=0, description="元 per year")
    share: float | None = Field(None, ge=0, le=1)
    volume: float | None = Field(None, ge=0)
    since: int | None = Field(None, ge=1950, le=2100)
    evidence: str | None = None
    confidence: Confidence = Confidence.suggested

    @model_validator(mode="after")
    def _not_self(self) -> SupplyLink:
        if self.buyer_site_id == self.supplier_site_id:
            raise ValueError("供应方与采购方不能是同一场所")
        return self
