"""HTTP hardening: security headers on every response, and the API reference at ``/docs`` without a CDN.

The headers (one ASGI middleware, so file downloads and streamed bodies get them too):

- ``Content-Security-Policy``: scripts, connections, fonts and frames only from this origin — no inline
  script, no ``eval``, no ``javascript:`` URL, no plug-ins, no framing; inline *styles* stay allowed
  (Element Plus and ECharts set them), images may also be ``data:`` URLs (icons).
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin`` (the Referer reaches this origin only, where the CSRF check reads it when Origin is absent).
- ``Cache-Control: no-store`` on everything under the API prefix: the answers carry confidential figures
  (revenue, supply links) that no shared or browser cache may keep after a logout.

Deployments have no internet, so ``/docs`` is Swagger UI served from the files bundled in the
``fastapi-offline`` package, started by a script file rather than an inline one (which the policy forbids).
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

DOCS_URL = "/docs"
DOCS_ASSETS = DOCS_URL + "/assets"


class SecurityHeaders:
    """Add :data:`HEADERS` to every HTTP response, and ``Cache-Control: no-store`` under ``no_store_prefix``."""

    def __init__(self, app: ASGIApp, no_store_prefix: str) -> None:
        self.app = app
        self.no_store_prefix = no_store_prefix.rstrip("/")

    def _no_store(self, path: str) -> bool:
        return path == self.no_store_prefix or path.startswith(self.no_store_prefix + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = self._no_store(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if no_store:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def swagger_assets() -> Path:
    """The Swagger UI files (``swagger-ui-bundle.js``, ``swagger-ui.css``) shipped in ``fastapi-offline``."""
    return Path(str(resources.files("fastapi_offline"))) / "static"


# Starts Swagger UI on the element that names the OpenAPI document (a file: the policy forbids inline script).
_DOCS_INIT_JS = """\
(function () {
  var el = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: el.getAttribute('data-openapi-url'),
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
"""


def _docs_html(title: str, root: str, openapi_url: str) -> str:
    t, assets, spec = html.escape(title), html.escape(root + DOCS_ASSETS), html.escape(root + openapi_url)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{t} — 接口文档</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{spec}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{html.escape(root + DOCS_URL)}/init.js"></script>
</body>
</html>
"""


def install_security(app: FastAPI, *, api_prefix: str) -> None:
    """Add the security headers to ``app`` and serve ``/docs`` from local files (create the app with
    ``docs_url=None``). Call it before mounting anything at ``/``, which would shadow ``/docs``."""
    app.add_middleware(SecurityHeaders, no_store_prefix=api_prefix)
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    def read_docs(request: Request) -> HTMLResponse:
        return HTMLResponse(_docs_html(app.title, request.scope.get("root_path", ""), openapi_url))

    @app.get(DOCS_URL + "/init.js", include_in_schema=False)
    def read_docs_init() -> Response:
        return Response(_DOCS_INIT_JS, media_type="text/javascript")

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_assets()), name="docs-assets")
