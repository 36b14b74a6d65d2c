"""The import acceptance test, in Chromium: a user downloads the combined template, fills one firm, one plant
and one supply link to 长安汽车 by names only (openpyxl), uploads it through the page, sees the progress and
the success, and finds the new firm and its link on the enterprise list and profile.

It runs on a server of its own over a fresh copy of the demo store, so the rows it adds do not reach the
other browser tests' server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from chainbrain.api.accounts import create_user
from chainbrain.api.app import static_dir
from chainbrain.store import connect

pytestmark = pytest.mark.browser

PASSWORD = "import-pass-1"
FIRM = "重庆浏览器测试热管理有限公司"
SHORT = "测试热管理"
PLANT = "测试热管理璧山工厂"


@pytest.fixture(scope="module")
def own_server(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    missing = (
        pytest.fail if os.environ.get("CI") or os.environ.get("CHAINBRAIN_REQUIRE_BROWSER") else pytest.skip
    )
    if not (static_dir() / "index.html").exists():
        missing("前端未构建：cd frontend && npm ci && npm run build")
    path = tmp_path_factory.mktemp("import-browser") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    create_user(conn, "importer", PASSWORD, "analyst")
    conn.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "chainbrain.api:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, "CHAINBRAIN_DB": str(path)})
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
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _fill(ws: Any, values: dict[str, Any]) -> None:
    """Row 2 of a sheet, by its headers."""
    col = {c.value: c.column for c in ws[1]}
    for header, v in values.items():
        ws.cell(row=2, column=col[header], value=v)


def test_a_firm_its_plant_and_its_link_imported_by_names(
    browser: Any, own_server: str, tmp_path: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    try:
        page.goto(own_server + "/")
        page.fill("input[name=username]", "importer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-test=who]")
        page.goto(own_server + "/#/imports")
        page.wait_for_selector("[data-test=workbook-card]")

        # 1. the combined template, downloaded through the page
        with page.expect_download() as dl:
            page.click("[data-test=workbook-template]")
        template = tmp_path / "综合导入模板.xlsx"
        dl.value.save_as(template)
        wb = load_workbook(template)
        assert wb.sheetnames[:3] == ["企业", "场所", "供应关系"]
        lists = list(wb["_lists"].iter_rows(min_row=2, values_only=True))
        assert "璧山区" in {r[0] for r in lists} and "长安汽车" in {r[2] for r in lists}
        assert "长安汽车两江鱼嘴工厂" in {r[3] for r in lists}

        # 2. filled by names only: no id anywhere
        _fill(wb["企业"], {"企业名称": FIRM, "简称": SHORT, "所在区县": "璧山区", "角色": "二级供应商",
                         "主营环节": "热管理系统", "来源": "浏览器验收测试", "数据状态": "示意"})  # fmt: skip
        _fill(wb["场所"], {"所属企业": SHORT, "场所名称": PLANT, "所在区县": "璧山区", "产品环节": "热管理系统",
                         "来源": "浏览器验收测试", "数据状态": "示意"})  # fmt: skip
        _fill(wb["供应关系"], {"采购方企业": "长安汽车", "采购方场所": "长安汽车两江鱼嘴工厂", "供应方企业": SHORT,
                           "供应环节": "热管理系统", "年采购额(元)": 12_000_000, "来源": "浏览器验收测试",
                           "数据状态": "示意"})  # fmt: skip
        filled = tmp_path / "填好的综合导入.xlsx"
        wb.save(filled)

        # 3. upload, check, then write — the write is held back by the test so the progress can be seen
        page.set_input_files("[data-test=workbook-file]", str(filled))
        page.click("[data-test=workbook-check]")
        page.wait_for_selector("[data-test=workbook-ok]")
        assert "企业 1 行（新增 1，更新 0）" in page.inner_text("[data-test=workbook-ok]")
        held: list[Any] = []
        page.route("**/api/v1/imports/workbook", lambda route: held.append(route))
        page.click("[data-test=workbook-commit]")
        page.wait_for_selector("[data-test=import-progress]")
        deadline = time.monotonic() + 20
        while not held and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert held, "the write request was not sent"
        assert "已用" in page.inner_text("[data-test=import-progress]")
        for button in ("workbook-commit", "workbook-check"):
            assert page.is_disabled(f"[data-test={button}]"), button
        assert held[0].request.headers.get("idempotency-key")
        held[0].continue_()
        page.wait_for_selector("[data-test=workbook-done]", timeout=30_000)
        done = page.inner_text("[data-test=workbook-done]")
        assert "企业 新增 1 条" in done and "供应关系 新增 1 条" in done
        assert page.locator("[data-test=import-progress]").count() == 0
        assert page.is_disabled("[data-test=workbook-commit]")  # nothing left to submit twice

        # 4. the new firm on the enterprise list, and its link to 长安汽车 on its profile
        page.goto(own_server + "/#/enterprises")
        page.wait_for_selector("[data-test=enterprise-table] .el-table__row")
        page.fill("input[data-test=search]", SHORT)
        page.click("[data-test=search-button]")
        page.wait_for_selector("[data-test=count]:has-text('共 1 家')")
        page.click(f"[data-test=enterprise-table] >> text={FIRM}")
        page.wait_for_selector("[data-test=profile-name]")
        assert page.inner_text("[data-test=profile-name]") == FIRM
        assert PLANT in page.inner_text("[data-test=sites-table]")
        page.wait_for_selector("[data-test=customers-table] .el-table__row")
        customers = page.inner_text("[data-test=customers-table]")
        assert "长安汽车" in customers and "热管理系统" in customers
        assert errors == []
    finally:
        ctx.close()
