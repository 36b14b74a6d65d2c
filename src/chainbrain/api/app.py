"""The FastAPI application: routers under ``/api/v1``, JSON errors in Chinese, the built front end at ``/``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from chainbrain.api.cache import ResultCache, SessionCache
from chainbrain.api.fastpath import FastCacheHits
from chainbrain.api.requestlog import RequestLog
from chainbrain.api.security import install_security
from chainbrain.api.settings import ApiSettings
from chainbrain.errors import ChainbrainError
from chainbrain.store import connect

API_PREFIX = "/api/v1"

# pydantic's error types in Chinese; ``{…}`` fields come from the error's ``ctx``
_ERROR_ZH = {
    "missing": "缺少",
    "extra_forbidden": "不是可用的参数",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不带时刻",
    "date_type": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "datetime_from_date_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "datetime_type": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "uuid_parsing": "应为 UUID",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON",
    "none_required": "应为空",
    "value_error": "不正确",
    "assertion_error": "不正确",
}


def _error_zh(err: Mapping[str, Any]) -> str:
    """One pydantic error in Chinese: what is wrong and, for a plain value, the value received."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    text = _ERROR_ZH.get(kind)
    if text is None:
        return "不正确"
    if kind in ("literal_error", "enum"):
        ctx = {
            **ctx,
            "expected": str(ctx.get("expected", "")).replace("' or '", "'、'").replace("', '", "'、'"),
        }
    try:
        text = text.format(**ctx)
    except (KeyError, IndexError, ValueError):
        text = text.split("{", 1)[0].rstrip("：").rstrip() or "不正确"
    if kind in ("value_error", "assertion_error"):
        own = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if any("\u4e00" <= ch <= "\u9fff" for ch in own):  # the project's own validators speak Chinese
            text = own
    value = err.get("input")
    if kind != "missing" and isinstance(value, str | int | float | bool) and not isinstance(value, Mapping):
        shown = str(value)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        text += f"（收到“{shown}”）"
    return text


def _operation_id(route: APIRoute) -> str:
    """Stable ids ``{tag}-{handler}`` (e.g. ``enterprises-read_enterprises``) for generated clients."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def static_dir() -> Path:
    return Path(str(resources.files("chainbrain.api"))) / "static"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
        parts.append(f"参数 {loc or '?'} {_error_zh(err)}")
    return "；".join(parts) or "请求参数不正确"


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the app over the store ``settings.db`` (opened, and migrated, when the app starts)."""
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a test client may run the lifespan inside another run: restore the outer connection after it
        outer = getattr(app.state, "conn", None)
        conn = connect(settings.db)
        app.state.conn = conn
        try:
            yield
        finally:
            conn.close()
            if outer is not None:
                app.state.conn = outer
            else:
                del app.state.conn  # no DuckDB object outlives the app's run

    app = FastAPI(
        title="chainbrain 产业大脑 API",
        version="1",
        description="重庆智能网联新能源汽车产业链：图谱、本地配套率、目标监测、数据导入。",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        openapi_url="/openapi.json",
        docs_url=None,  # served by install_security, from local files
        redoc_url=None,
    )
    app.add_middleware(FastCacheHits, api_prefix=API_PREFIX)  # innermost: inside the headers and the log
    install_security(app, api_prefix=API_PREFIX)
    app.add_middleware(RequestLog)  # outermost: times the whole answer, headers included
    app.state.settings = settings
    app.state.cache = ResultCache()
    app.state.sessions = SessionCache()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_message(exc)})

    @app.exception_handler(ChainbrainError)
    async def _refused(request: Request, exc: ChainbrainError) -> JSONResponse:
        # the library's own errors: its Chinese message and its status, the one place routes answer them
        return JSONResponse(status_code=exc.status, content={"detail": exc.api_message})

    from chainbrain.api.routes import ROUTERS, imports, invest, match, resilience

    app.add_exception_handler(imports.REJECTED, imports.rejected_handler)

    for router in [*ROUTERS, invest.router, invest.cultivate_router, match.router, resilience.router]:
        app.include_router(router, prefix=API_PREFIX)
    from chainbrain.api.routes import events

    app.include_router(events.router, prefix=API_PREFIX)
    from chainbrain.api.routes import infra as infra_routes

    app.include_router(infra_routes.router, prefix=API_PREFIX)
    from chainbrain.api.routes import battery

    app.include_router(battery.router, prefix=API_PREFIX)
    from chainbrain.api import warm

    app.include_router(warm.router)  # last: its lifespan runs after the others have opened and cleared

    static = static_dir()
    if (static / "index.html").exists():
        app.mount("/", StaticFiles(directory=static, html=True), name="static")
    return app
