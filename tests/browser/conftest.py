"""Browser tests: the real server on a free port over a copy of the demo store, driven by Chromium.

Needs the built front end (``cd frontend && npm ci && npm run build``) and Chromium (Debian package,
``/usr/bin/chromium``, or ``CHAINBRAIN_CHROMIUM``); skipped with the reason when either is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chainbrain.store import connect
from fixtures.browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, Server, add_users, require_browser, serving


@pytest.fixture(scope="session")
def server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    add_users(conn)
    conn.close()
    with serving(path) as srv:
        yield srv


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
