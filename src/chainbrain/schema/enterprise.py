"""企业: a firm on the chain."""

from __future__ import annotations

from pydantic import Field, field_validator

from chainbrain.schema.common import LABELS, Record, Role
from chainbrain.schema.credit_code import credit_code_problem


class Enterprise(Record):
    credit_code: str | None = Field(None, description="统一社会信用代码, GB 32100-2015")
    name: str = Field(min_length=2)
    short_name: str | None = None
    district_code: str = Field(pattern=r"^\d{6}$")
    roles: list[Role] = Field(min_length=1)
    labels: list[str] = Field(default_factory=list)
    main_segment_id: str | None = None
    revenue: float | None = Field(None, ge=0, description="营业收入, 万元")
    employees: int | None = Field(None, ge=0)
    founded: int | None = Field(None, ge=1800, le=2100)
    note: str | None = None

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        problem = credit_code_problem(v)
        if problem:
            raise ValueError(problem)
        return v.upper()

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        unknown = [x for x in v if x not in LABELS]
        if unknown:
            raise ValueError(f"未知标签 {unknown}，可选：{'、'.join(LABELS)}")
        return v
