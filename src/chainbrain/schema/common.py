"""Types shared by every record: provenance and the closed vocabularies (roles, labels, statuses) the importers accept."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """Where a record came from."""

    verified = "verified"  # from a cited public source
    illustrative = "illustrative"  # plausible demo data, not real
    synthetic = "synthetic"  # generated (scale tests)


STATUS_ZH = {Status.verified: "已核实", Status.illustrative: "示意", Status.synthetic: "合成"}


class Stream(StrEnum):
    upstream = "上游"
    midstream = "中游"
    downstream = "下游"


class SegmentKind(StrEnum):
    vehicle = "vehicle"
    system = "system"
    component = "component"
    material = "material"
    chip = "chip"
    software = "software"
    service = "service"
    infrastructure = "infrastructure"


class Role(StrEnum):
    OEM = "OEM"
    Tier1 = "Tier1"
    Tier2 = "Tier2"
    Tier3 = "Tier3"
    service = "service"
    research = "research"


ROLE_ZH = {
    Role.OEM: "整车",
    Role.Tier1: "一级供应商",
    Role.Tier2: "二级供应商",
    Role.Tier3: "三级供应商",
    Role.service: "服务",
    Role.research: "科研",
}

#: labels a firm may carry; others are refused by the importer
LABELS = ("链主", "专精特新", "小巨人", "上市", "高新技术", "单项冠军", "汽车电子", "传统零部件")


class Powertrain(StrEnum):
    BEV = "BEV"
    EREV = "EREV"
    PHEV = "PHEV"
    FCEV = "FCEV"
    HEV = "HEV"
    ICE = "ICE"


NEV_POWERTRAINS = (Powertrain.BEV, Powertrain.EREV, Powertrain.PHEV, Powertrain.FCEV)


class Confidence(StrEnum):
    """How sure we are a supply link exists."""

    verified = "verified"
    suggested = "suggested"


class Record(BaseModel):
    """Base of every stored record: an id and its provenance."""

    # allow_inf_nan: every stored number is finite (chainbrain.schema.numbers); the importer says why first
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=True, allow_inf_nan=False
    )

    id: str = Field(min_length=1, max_length=64)
    source: str = Field(min_length=1, description="document, URL or file the record comes from")
    as_of: dt.date | None = None
    status: Status
