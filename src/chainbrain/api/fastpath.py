"""Fresh cache hits of the cockpit's read routes, answered before FastAPI resolves a dependency.

On a cache hit the routes' work is a dictionary lookup; the request's cost was FastAPI's routing and its
dependency tree (cursor, settings, cache, token, CSRF check, user). This pure ASGI layer sits inside the
security-header and request-log middlewares (so its answers get the same headers and are logged) and, for
a ``GET`` of a route listed in :data:`ROUTES`:

1. takes the session token as the dependencies do (``Authorization: Bearer …`` first, else the cookie,
   :func:`chainbrain.api.deps.token_from`) and finds its user in the in-memory session cache only;
2. parses the query with the route's own FastAPI parameter fields (same defaults, same validation);
3. builds the cache key and role view with the function the route itself calls (``*_key`` in the route
   modules), which also refuses what the role may not read;
4. answers the encoded bytes if that entry is fresh (:meth:`ResultCache.fresh_json`).

Anything else — no token, a session not in the session cache, an invalid or repeated parameter, a refusal,
a missing or stale entry — falls through to the normal route unchanged, which authenticates, refuses or
computes as before. Writes invalidate the result cache, so a stale entry is never answered here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from fastapi import HTTPException
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param
from starlette._utils import get_route_path
from starlette.datastructures import QueryParams
from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from chainbrain.api.deps import SESSION_COOKIE, token_from

#: the key function of a route: (user, settings, **query) → (cache key, role view); raises to refuse
KeyFn = Callable[..., tuple[Hashable, Hashable]]


def routes() -> list[tuple[APIRoute, KeyFn]]:
    """The listed GET routes (taken from their routers, by handler) and the key function each handler uses."""
    from chainbrain.api.routes import analytics, targets

    keys: dict[Callable[..., Any], KeyFn] = {
        analytics.read_overview: analytics.overview_key,
        analytics.read_local_rate: analytics.local_rate_key,
        analytics.read_gaps: analytics.gaps_key,
        targets.read_targets: targets.targets_key,
        targets.read_warnings: targets.warnings_key,
        targets.read_summary: targets.summary_key,
    }
    out = []
    for router in (analytics.router, targets.router):
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint in keys and "GET" in (route.methods or ()):
                out.append((route, keys[route.endpoint]))
    assert len(out) == len(keys), "a fast-path handler is no longer a GET route of its router"
    return out


class FastCacheHits:
    """Pure ASGI middleware answering fresh cache hits of :func:`routes` (see the module docstring)."""

    def __init__(self, app: ASGIApp, api_prefix: str) -> None:
        self.app = app
        self.prefix = api_prefix.rstrip("/")
        self._routes: dict[str, tuple[list[Any], KeyFn]] | None = None

    def _resolve(self) -> dict[str, tuple[list[Any], KeyFn]]:
        """Full path → the route's query fields and key function."""
        return {self.prefix + r.path: (list(r.dependant.query_params), fn) for r, fn in routes()}

    def _answer(self, scope: Scope) -> bytes | None:
        app = scope.get("app")
        state = getattr(app, "state", None)
        if state is None:
            return None
        if self._routes is None:
            self._routes = self._resolve()
        hit = self._routes.get(get_route_path(scope))
        if hit is None:
            return None
        fields, key_fn = hit
        authorization = cookie = None
        for name, value in scope["headers"]:  # the first of each, as ``request.headers.get`` reads them
            if name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
            elif name == b"cookie" and cookie is None:
                cookie = value.decode("latin-1")
        scheme, credentials = get_authorization_scheme_param(authorization)
        bearer = credentials if authorization and scheme.lower() == "bearer" and credentials else None
        session = cookie_parser(cookie).get(SESSION_COOKIE) if cookie else None
        token = token_from(bearer, session)
        if not token:
            return None
        user = state.sessions.get(token)
        if user is None:
            return None  # the normal path looks the session up in the store
        query = QueryParams(scope.get("query_string", b""))
        if len(query.keys()) != len(query.multi_items()):
            return None  # a repeated parameter: let FastAPI decide which value counts
        values, errors = request_params_to_args(fields, query)
        if errors:
            return None
        try:
            key, view = key_fn(user, state.settings, **values)
        except HTTPException:
            return None  # refused: the normal path answers the refusal
        cached: bytes | None = state.cache.fresh_json(key, view)
        return cached

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            body = self._answer(scope)
            if body is not None:
                await Response(body, media_type="application/json")(scope, receive, send)
                return
        await self.app(scope, receive, send)
