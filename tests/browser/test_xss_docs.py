"""``/docs`` in real Chromium under the Content-Security-Policy: Swagger UI from local files, nothing blocked."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_docs_render_from_this_origin_only(browser: Any, server: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = ctx.new_page()
        page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.url + "/docs")
        # the operations of the API, rendered by Swagger UI (so its script ran)
        page.wait_for_selector(".opblock-tag", timeout=60_000)
        page.wait_for_load_state("networkidle")
        assert page.locator(".opblock").count() > 20
        assert "chainbrain" in page.inner_text(".info .title")
        assert page.evaluate("window.__csp") == []
        assert errors == []
        assert requests and all(u.startswith(server.url + "/") or u.startswith("data:") for u in requests)
    finally:
        ctx.close()
