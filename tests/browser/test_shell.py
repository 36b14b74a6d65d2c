"""The shell's header at the two screen sizes users have: every menu item readable, nothing drawn over another.

With seventeen pages in the admin's menu the header once ran past the right edge at 1920 px (the signed-in name
drawn over 数据导入 and 大屏) and, at 1366 px, wrapped onto a second row that the header's fixed height did
not hold, so the last items lay over the page's heading.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _overlap(a: dict, b: dict) -> bool:
    """Two boxes share more than a pixel's sliver."""
    return (
        min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]) > 1
        and min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]) > 1
    )


@pytest.mark.parametrize("user", ["admin", "analyst"])
@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768)])
def test_menu_items_name_and_page_never_overlap(
    login: Any, server: Any, user: str, width: int, height: int
) -> None:
    page, console = login(user)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/#/targets")
    page.wait_for_selector("h2")
    page.wait_for_load_state("networkidle")
    header = page.locator("header.topbar").bounding_box()
    heading = page.locator("main.content h2").first.bounding_box()
    who = page.locator("header .who").bounding_box()
    lang = page.locator("header .lang").bounding_box()
    items = page.locator("header .el-menu-item")
    n = items.count()
    assert n == (17 if user == "admin" else 15)
    boxes = [items.nth(i).bounding_box() for i in range(n)]
    assert header and heading and who and lang and all(boxes)
    labels = [items.nth(i).inner_text() for i in range(n)]
    for label, box in zip(labels, boxes, strict=True):
        # inside the header and the window, clear of the name, the switch and every other item
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (label, box)
        assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"] + 1, (
            label
        )
        assert not _overlap(box, who) and not _overlap(box, lang), (label, box, who, lang)
        assert not any(_overlap(box, o) for o in boxes if o is not box), label
    assert header["y"] + header["height"] <= heading["y"], (header, heading)
    assert not _overlap(who, lang)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert console.errors == []
