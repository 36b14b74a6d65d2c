"""The server logs each request (method, path, status, ms) and nothing secret: no token, cookie or query."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from chainbrain.api.app import create_app
from chainbrain.api.requestlog import printable
from chainbrain.api.settings import ApiSettings

LINE = re.compile(r"^(GET|POST|PUT|DELETE) (\S+) (\d{3}) (\d+\.\d) ms$")


def test_each_request_is_one_line_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    token = "tok-" + "x" * 40
    with TestClient(create_app(ApiSettings(db=":memory:"))) as client:
        with caplog.at_level(logging.INFO, logger="chainbrain.api.requests"):
            client.get(
                "/api/v1/auth/me?access_token=" + token,
                headers={"Authorization": f"Bearer {token}", "Cookie": f"cb_session={token}"},
            )
            client.get("/api/v1/no-such-route")
            client.get("/api/v1/users/a%0Ab%0D/x")  # a decoded newline must not start a line of its own
    lines = [r.getMessage() for r in caplog.records if r.name == "chainbrain.api.requests"]
    assert len(lines) == 3
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m.group(1), m.group(2), m.group(3)) for m in parsed if m] == [
        ("GET", "/api/v1/auth/me", "401"),
        ("GET", "/api/v1/no-such-route", "404"),
        ("GET", "/api/v1/users/a\\x0ab\\x0d/x", "404"),
    ]
    assert all(token not in line and "cb_session" not in line for line in lines)


def test_printable_escapes_control_characters_only() -> None:
    assert printable("/api/v1/企业/a b") == "/api/v1/企业/a b"
    assert printable("a\nb\x1b[31m") == "a\\x0ab\\x1b[31m"
