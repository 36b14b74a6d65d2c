"""观测数据: the values recorded for each target, append-only (a correction keeps the old value)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from chainbrain.api.accounts import audit
from chainbrain.api.deps import AnalystUser, CacheDep, ConnDep, CurrentUser, client_ip
from chainbrain.api.routes.common import ERRORS, Page
from chainbrain.io import ImportRejected
from chainbrain.monitor.observations import Observation, observations, observe
from chainbrain.schema.numbers import FiniteFloat

router = APIRouter(prefix="/observations", tags=["observations"], responses=ERRORS)


class ObservationIn(BaseModel):
    target_id: str = Field(min_length=1, max_length=64)
    period: str = Field(
        pattern=r"^(19|20|21)\d{2}(Q[1-4]|-(0[1-9]|1[0-2]))?$",
        description="2025（年）、2025Q3（季度）或 2025-09（月）",
    )
    value: FiniteFloat = Field(description="数值（目标的单位），有限数值")
    source: str = Field(min_length=1, max_length=500, description="来源：文件、文号或网址")
    as_of: dt.date | None = None
    unit: str | None = Field(None, max_length=20)
    correction: bool = False
    status: str = Field("verified", pattern="^(verified|illustrative|synthetic)$")
    note: str | None = Field(None, max_length=500)


class ObservationWritten(BaseModel):
    written: int
    message: str


@router.get("")
def read_observations(
    conn: ConnDep,
    user: CurrentUser,
    target: str | None = Query(None, description="目标编号"),
    include_superseded: bool = Query(False, description="包括已被更正的旧记录"),
) -> Page[Observation]:
    """Observations by target and time."""
    rows = observations(conn, target, include_superseded=include_superseded)
    return Page(data=rows, count=len(rows))


@router.post("", status_code=201)
def create_observation(
    body: ObservationIn, request: Request, conn: ConnDep, cache: CacheDep, user: AnalystUser
) -> ObservationWritten:
    """Record one observation (analysts and admins); a changed value needs ``correction``."""
    try:
        n = observe(
            conn,
            body.target_id,
            body.period,
            body.value,
            source=body.source,
            as_of=body.as_of,
            unit=body.unit,
            correction=body.correction,
            status=body.status,
            note=body.note,
        )
    except ImportRejected as e:
        reasons = "；".join(f"{p.column}（{p.value}）：{p.reason}" for p in e.problems)
        raise HTTPException(422, f"未记录：{reasons}") from e
    cache.invalidate("observation")
    audit(
        conn,
        user,
        "observation.create",
        f"target:{body.target_id}",
        body.model_dump(mode="json") | {"written": n},
        client_ip(request),
    )
    return ObservationWritten(written=n, message="已记录" if n else "与已有数值相同，未重复记录")
