"""Browser tests: the real server on a free port over a copy of the demo store, driven by Chromium.

Needs the built front end (``cd frontend && npm ci && npm run build``) and Chromium (Debian package,
``/usr/bin/chromium``, or ``CHAINBRAIN_CHROMIUM``); skipped with the reason when either is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from chainbrain.api.accounts import create_user
from chainbrain.api.app import static_dir
from chainbrain.store import connect

CHROMIUM = os.environ.get("CHAINBRAIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-pass-1"
#: the server's infrastructure answers (coverage, proposals, the build plan toward 2027) are computed as of
#: this day, not the calendar's, so that the pages' plans and the tests' expectations hold in any year
INFRA_AS_OF = "2026-12-01"
#: user name → (role, enterprise)
USERS = {
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "viewer": ("viewer", None),
    "changan-buyer": ("enterprise", "changan"),
}


@dataclass
class Server:
    url: str
    db: Path
    tokens: dict[str, str] = field(default_factory=dict)
    infra_as_of: str = INFRA_AS_OF

    def api(self, user: str, path: str, **params: object) -> dict:
        """What the API itself answers, to compare with what a page shows."""
        r = httpx.get(
            self.url + "/api/v1" + path,
            params=params,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
        )
        r.raise_for_status()
        return r.json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # on CI (and under `make test`) a missing browser or build is a failure, not a reason to skip
    missing = (
        pytest.fail if os.environ.get("CI") or os.environ.get("CHAINBRAIN_REQUIRE_BROWSER") else pytest.skip
    )
    if not (static_dir() / "index.html").exists():
        missing("前端未构建：cd frontend && npm ci && npm run build")
    if not Path(CHROMIUM).exists():
        missing(f"没有 Chromium（{CHROMIUM}）：apt-get install chromium")
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    port = _free_port()
    env = {**os.environ, "CHAINBRAIN_DB": str(path), "CHAINBRAIN_INFRA_AS_OF": INFRA_AS_OF}
    cmd = [sys.executable, "-m", "uvicorn", "chainbrain.api:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/v1/auth/session", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start (exit code {proc.poll()})")
            time.sleep(0.3)
        srv = Server(url, path)
        for name in USERS:
            r = httpx.post(url + "/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            srv.tokens[name] = r.json()["access_token"]
        yield srv
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"没有 Chromium（{CHROMIUM}）")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Console:
    """Console errors and failed requests of one page."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))  # type: ignore[attr-defined]
        page.on(  # type: ignore[attr-defined]
            "response", lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None
        )


@pytest.fixture
def login(browser: object, server: Server) -> Iterator[Callable[[str], tuple[object, Console]]]:
    """``login(user)``: a fresh browser context logged in through the login page → (page, console)."""
    contexts: list[object] = []

    def go(user: str) -> tuple[object, Console]:
        page, console = _login(browser, server, user)
        contexts.append(page.context)  # type: ignore[attr-defined]
        return page, console

    yield go
    for ctx in contexts:
        ctx.close()  # type: ignore[attr-defined]


def _login(browser: object, server: Server, user: str) -> tuple[object, Console]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    console = Console(page)
    page.goto(server.url + "/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=who]")
    return page, console
