"""Security headers on every response, ``no-store`` on the API's answers, and ``/docs`` without a CDN."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

PASSWORD = "header-test-pass-1"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "h.duckdb"
    conn = connect(db)
    create_user(conn, "ana", PASSWORD, "analyst")
    conn.close()
    with TestClient(create_app(ApiSettings(db=db))) as c:
        yield c


@pytest.fixture
def token(client: TestClient) -> str:
    r = client.post("/api/v1/auth/login", json={"username": "ana", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # requests below authenticate with the token, or not at all
    return str(r.json()["access_token"])


def csp(value: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive → sources."""
    out: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def assert_hardened(headers: object, what: str) -> None:
    h = headers  # httpx.Headers: case-insensitive
    policy = csp(h.get("content-security-policy", ""))  # type: ignore[attr-defined]
    assert policy.get("script-src") == ["'self'"], (what, policy)  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy.get("default-src") == ["'self'"], (what, policy)
    assert policy.get("object-src") == ["'none'"], (what, policy)
    assert policy.get("frame-ancestors") == ["'none'"], (what, policy)
    assert policy.get("base-uri") == ["'self'"], (what, policy)
    # only styles may be inline (Element Plus, ECharts); nothing else may come from another origin
    for directive, sources in policy.items():
        assert all(s in ("'self'", "'none'", "data:", "'unsafe-inline'") for s in sources), (what, directive)
        assert "'unsafe-inline'" not in sources or directive == "style-src", (what, directive)
    assert h.get("x-content-type-options") == "nosniff", what  # type: ignore[attr-defined]
    assert h.get("x-frame-options") == "DENY", what  # type: ignore[attr-defined]
    assert h.get("referrer-policy") == "same-origin", what  # type: ignore[attr-defined]


def test_api_answers_are_hardened_and_never_cached(client: TestClient, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    answers = {
        "session": client.get("/api/v1/auth/session"),
        "districts": client.get("/api/v1/districts", headers=auth),
        "no login": client.get("/api/v1/districts"),
        "unknown id": client.get("/api/v1/districts/999999", headers=auth),
        "bad query": client.get("/api/v1/enterprises", params={"size": "x"}, headers=auth),
        "bad login": client.post("/api/v1/auth/login", json={"username": "ana", "password": "wrong-pass-1"}),
    }
    assert [r.status_code for r in answers.values()] == [200, 200, 401, 404, 422, 401]
    for what, r in answers.items():
        assert r.headers["content-type"].startswith("application/json"), what
        assert_hardened(r.headers, what)
        assert r.headers.get("cache-control") == "no-store", what


def test_other_paths_are_hardened(client: TestClient) -> None:
    for path in ["/openapi.json", "/docs", "/docs/init.js", "/no-such-page"]:
        assert_hardened(client.get(path).headers, path)


class _Refs(HTMLParser):
    """Every script, stylesheet, image and frame a page loads, and the text of its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key) and tag in ("script", "link", "img", "iframe"):
                self.urls.append(str(a[key]))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def test_docs_load_nothing_from_another_origin(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(r.text)
    external = [u for u in refs.urls if re.match(r"(?i)^(https?:)?//", u)]
    assert external == []
    assert refs.inline == []  # the policy forbids inline script, so Swagger UI starts from a file
    scripts = [u for u in refs.urls if u.endswith(".js")]
    assert {u.rsplit("/", 1)[-1] for u in scripts} == {"swagger-ui-bundle.js", "init.js"}
    assert any(u.endswith("swagger-ui.css") for u in refs.urls)
    for url in refs.urls:
        if url.startswith("data:"):
            continue
        got = client.get(url)
        assert got.status_code == 200, url
        assert len(got.content) > 1000 or url.endswith("init.js"), url
    init = client.get("/docs/init.js")
    assert init.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in init.text
    assert 'data-openapi-url="/openapi.json"' in r.text
