"""While a page waits for the API it says 加载中… (or …), never a count of zero it has not been told.

The API's answers are held back (the browser's requests wait until the test lets them go), so what the page
shows before its data arrives is seen deterministically, on any machine; then they are released and the page
must show the API's own figures.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: a count of nothing: 共 0 家, （0 个, （共 0 项）, 预警（0）
ZERO = re.compile(r"共\s*0\s*[家个条项]|（0\s*个|（共\s*0\s*项）|预警（0）")


class _Held:
    """Holds every API request but the session's until :meth:`release`; later ones then pass straight on."""

    def __init__(self, page: Any) -> None:
        self.routes: list[Any] = []
        self.released = False
        page.route("**/api/v1/**", self._on)

    def _on(self, route: Any) -> None:
        if self.released or "/api/v1/auth/" in route.request.url:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


#: page → (user, the element that carries the count, its text while loading, its text once loaded from the API)
CASES = {
    "enterprises": ("analyst", "[data-test=count]", "加载中…", lambda s: f"共 {s.api('analyst', '/enterprises')['count']} 家"),
    "admin/users": ("admin", "[data-test=users-count]", "加载中…", lambda s: f"共 {len(s.api('admin', '/users')['data'])} 个在用账号"),
    "admin/audit": ("admin", "[data-test=audit-count]", "加载中…", lambda s: f"共 {s.api('admin', '/users/audit')['count']} 条"),
    "resilience": ("analyst", "[data-test=at-risk-count]", "共 … 个", lambda s: f"共 {len(s.api('analyst', '/resilience/at-risk')['data'])} 个"),
    "infra": ("analyst", "[data-test=uncovered-heading]", "（… 个", lambda s: f"（{s.api('analyst', '/infra/coverage', radius_km=5)['uncovered']} 个"),
    "screen": ("viewer", "[data-test=screen-states-title]", "（共 … 项）", lambda s: f"（共 {len(s.api('viewer', '/targets')['data'])} 项）"),
}  # fmt: skip


@pytest.mark.parametrize("path", list(CASES))
def test_no_false_zero_while_loading(login: Any, server: Any, path: str) -> None:
    user, sel, loading, loaded = CASES[path]
    page, console = login(user)
    page.goto(f"{server.url}/#/battery")  # away from the page under test, so that it mounts afresh
    page.wait_for_selector("main h2")
    page.wait_for_load_state("networkidle")
    held = _Held(page)
    page.goto(f"{server.url}/#/{path}")
    page.wait_for_selector(sel)
    assert loading in page.inner_text(sel), page.inner_text(sel)
    body = page.inner_text("body")
    assert not ZERO.search(body), ZERO.search(body)
    if path == "screen":
        assert "预警（…）" in page.inner_text("[data-test=screen-ticker]")
    held.release()
    want = loaded(server)
    page.wait_for_function(
        "([s, w]) => document.querySelector(s).innerText.includes(w)", arg=[sel, want], timeout=60_000
    )
    assert console.errors == []
