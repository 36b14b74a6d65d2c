"""What the routers share: the list envelope, paging parameters, error responses, the 404 helper, and the
response models derived from the library's result dataclasses."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, cast

import pydantic.dataclasses
from fastapi import HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, TypeAdapter

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


def derived(cls: type[T]) -> type[T]:
    """A response model with the fields of the library result dataclass it subclasses, written once there.

    ``cls`` is declared as a subclass of the result type (``class StationOut(Station): ...``) and adds only
    what the answer has beyond it — nested response models in place of nested result types, computed fields
    over the result's properties, descriptions; it becomes a pydantic dataclass (frozen when its base is)
    whose OpenAPI schema is named after ``cls``, so the generated front-end types keep their names. Build
    its answers with :func:`answer`.
    """
    base = next(b for b in cls.__mro__[1:] if dataclasses.is_dataclass(b))
    frozen = base.__dataclass_params__.frozen  # type: ignore[attr-defined]
    # every field of an answer is present, defaults included: say so in the (response) schema
    config = ConfigDict(json_schema_serialization_defaults_required=True)
    return cast(type[T], pydantic.dataclasses.dataclass(frozen=frozen, config=config)(cls))


@cache
def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def answer(cls: type[T], result: Any, **extra: Any) -> T:
    """The library result ``result`` (a dataclass) as the :func:`derived` response model ``cls``; ``extra``
    gives the fields the answer has beyond the result (or replaces some)."""
    adapter = _adapter(cast(Any, cls))
    return cast(T, adapter.validate_python({**dataclasses.asdict(result), **extra}))


def answers(cls: type[T], results: Any) -> list[T]:
    """:func:`answer` for each of ``results``."""
    return [answer(cls, r) for r in results]
