"""The briefing buttons download the files (with a spinner) and show a server failure in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_word_briefing_downloads_from_the_page(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.goto(f"{server.url}/#/targets")
    page.wait_for_selector("[data-test=targets-table] .el-table__row", timeout=20_000)
    with page.expect_download(timeout=120_000) as info:
        page.click("[data-test=briefing-docx]")
    download = info.value
    assert download.suggested_filename == "目标监测简报.docx"
    with open(download.path(), "rb") as f:
        assert f.read(2) == b"PK"  # a zip container: the .docx itself, not an error body
    assert page.query_selector("[data-test=briefing-error]") is None
    assert console.errors == []


def test_briefing_failure_is_shown_in_chinese(login: Any, server: Any) -> None:
    page, console = login("analyst")
    page.route(
        "**/api/v1/targets/briefing?format=xlsx",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"detail": "服务器缺少中文字体，无法生成图表"}',
        ),
    )
    page.goto(f"{server.url}/#/targets")
    page.wait_for_selector("[data-test=targets-table] .el-table__row", timeout=20_000)
    page.click("[data-test=briefing-xlsx]")
    page.wait_for_selector("[data-test=briefing-error]", timeout=10_000)
    assert "服务器缺少中文字体" in page.inner_text("[data-test=briefing-error]")


def test_word_briefing_shows_a_spinner_and_takes_one_click(login: Any, server: Any) -> None:
    """While the server builds the file the button spins, says so and is disabled (no second request)."""
    page, console = login("analyst")
    held: list[Any] = []
    page.route("**/api/v1/targets/briefing?format=docx", lambda route: held.append(route))
    page.goto(f"{server.url}/#/targets")
    page.wait_for_selector("[data-test=targets-table] .el-table__row", timeout=20_000)
    button = page.locator("[data-test=briefing-docx]")
    with page.expect_download(timeout=120_000) as info:
        button.click()
        page.wait_for_function(
            "() => document.querySelector('[data-test=briefing-docx]').classList.contains('is-loading')"
        )
        assert button.inner_text().strip() == "正在生成 Word 简报…"
        assert button.is_disabled()
        while not held:  # the request reaches the route in its own time
            page.wait_for_timeout(50)
        assert len(held) == 1
        held[0].continue_()
    assert info.value.suggested_filename == "目标监测简报.docx"
    page.wait_for_function(
        "() => !document.querySelector('[data-test=briefing-docx]').classList.contains('is-loading')"
    )
    assert button.inner_text().strip() == "下载 Word 简报" and button.is_enabled()
    assert console.errors == []
