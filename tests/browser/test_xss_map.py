"""Stored XSS, tried in real Chromium: an analyst imports a district whose name is HTML, an admin hovers it.

The 区县地图 tooltip is HTML built by the page's formatter. Before it escaped names, the imported
``<img onerror=…>`` ran in the admin's session (and could have created an admin account). Now the tooltip
shows the name as text, nothing runs, and the page's Content-Security-Policy reports no violation.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from fixtures.browser import hover_until, open_map, tooltip

pytestmark = pytest.mark.browser

MARK = "XSS区"
PAYLOAD = '<img src=x onerror="window.__xss=1">' + MARK
#: the columns of a districts import (the API's names are the store's)
COLUMNS = ["id", "name", "province", "city", "region", "yuxi", "lon", "lat", "source", "as_of", "status"]
# collects what the Content-Security-Policy refused, before any page script runs
WATCH_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def _import_district(server: Any, row: dict[str, Any]) -> None:
    """Import one district row through the import API, as the analyst (an id that exists is an update)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerow(["" if row[c] is None else ("是" if row[c] is True else "否" if row[c] is False else row[c])
                for c in COLUMNS])  # fmt: skip
    r = httpx.post(
        server.url + "/api/v1/imports/districts",
        files={"file": ("districts.csv", buf.getvalue().encode("utf-8"), "text/csv")},
        headers={"Authorization": f"Bearer {server.tokens['analyst']}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["updated"] == 1


def _district_point(page: Any, box: dict[str, float]) -> tuple[tuple[float, float], str]:
    """A point near the centre of the map with a district under it, and the tooltip shown there."""
    offsets = [(0, 0), (30, 0), (-30, 0), (0, 30), (0, -30), (60, 60), (-60, -60), (60, -60), (-60, 60)]
    for _ in range(3):  # the chart may still be taking its final size: look again from its current box
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for dx, dy in offsets:
            shown = hover_until(page, cx + dx, cy + dy, None, 5_000)
            if shown:
                return (cx + dx, cy + dy), shown
        box = page.locator(".echart canvas").first.bounding_box()
    raise AssertionError("no district under the centre of the map")


def test_imported_html_in_a_district_name_is_shown_as_text(login: Any, server: Any) -> None:
    page, console = login("admin")
    page.add_init_script(WATCH_CSP)
    box = open_map(page, server)

    point, shown = _district_point(page, box)
    districts = server.api("admin", "/districts")["data"]
    by_name = {d["name"]: d for d in districts}
    original = by_name[shown.splitlines()[0].strip()]

    _import_district(server, {**original, "name": PAYLOAD})
    try:
        assert server.api("admin", f"/districts/{original['id']}")["name"] == PAYLOAD
        open_map(page, server)
        text = hover_until(page, *point, MARK, 15_000)
        assert text is not None, "the tooltip did not show the imported district"
        # by network idle an injected image would have been requested and have failed
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.__xss") == "undefined"  # the imported script did not run
        assert tooltip(page).locator("img").count() == 0  # the name did not become an element
        assert text.splitlines()[0] == PAYLOAD  # it is shown as the literal text that was imported
        assert page.evaluate("window.__csp") == []
        assert console.errors == []
    finally:
        _import_district(server, original)
    assert server.api("admin", f"/districts/{original['id']}")["name"] == original["name"]
