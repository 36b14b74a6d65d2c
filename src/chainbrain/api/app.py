"""The FastAPI application: routers under ``/api/v1``, JSON errors in Chinese, the built front end at ``/``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from chainbrain.api.cache import ResultCache, SessionCache
from chainbrain.api.requestlog import RequestLog
from chainbrain.api.security import install_security
from chainbrain.api.settings import ApiSettings
from chainbrain.errors import ChainbrainError
from chainbrain.store import connect

API_PREFIX = "/api/v1"

_FIELD_ZH = {
    "missing": "缺少",
    "int_parsing": "应为整数",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
}


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
        kind = _FIELD_ZH.get(err.get("type", ""), "")
        parts.append(f"参数 {loc or '?'} {kind or '不正确'}：{err.get('msg', '')}")
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
