"""What the routers share: the list envelope, paging parameters, error responses, the 404 helper."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from fastapi import HTTPException, Query, status
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class ErrorOut(BaseModel):
    """Every error: one message, in Chinese, saying what was wrong and what to do."""

    detail: str


#: error responses each router documents
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "未登录或登录已过期"},
    403: {"model": ErrorOut, "description": "当前角色无权查看或操作"},
    404: {"model": ErrorOut, "description": "记录不存在"},
    422: {"model": ErrorOut, "description": "参数不正确"},
}


class Page(BaseModel, Generic[T]):
    """A page of a list and the number of matching records in all."""

    data: list[T]
    count: int


class Provenance(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source: str
    as_of: dt.date | None = None
    status: str


PageNo = Annotated[int, Query(ge=1, le=100_000, description="页码，从 1 开始")]
PageSize = Annotated[int, Query(ge=1, le=500, description="每页条数")]


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} {key} 不存在，请检查编号")


def forbidden(message: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, message)
