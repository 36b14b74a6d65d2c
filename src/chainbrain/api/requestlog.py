"""The server's request log: one line per request with method, path, status and milliseconds.

Logged to ``chainbrain.api.requests`` at INFO (``chainbrain serve`` prints it on stderr). The line carries
the path only: never the query string, a header, a cookie or a token, and a path's control characters
are escaped so a request cannot write lines of its own into the log.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("chainbrain.api.requests")


def printable(text: str) -> str:
    """``text`` with every non-printable character (newline, escape, …) as a ``\\x..`` escape."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class RequestLog:
    """Pure ASGI middleware, so streamed bodies and file downloads are timed to their last byte too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            ms = (time.perf_counter() - start) * 1000
            log.info("%s %s %d %.1f ms", scope["method"], printable(scope["path"]), status, ms)
