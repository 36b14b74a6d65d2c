"""After an import through the running server, the targets' live counts are the cockpit's counts at once.

The target assessments are cached until a write touches what they read. They read the enterprise table too
(the live 零部件企业 and 专精特新 counts beside the dated snapshots), so importing a firm must refresh them: the
cockpit said 544 零部件企业 while the targets screen still said 543 until the next day.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

PASSWORD = "live-pass-1234"


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("live") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    from chainbrain.monitor.registry import list_targets

    if not list_targets(conn):
        from chainbrain.monitor.demo import load_demo_monitor

        load_demo_monitor(conn)
    create_user(conn, "analyst", PASSWORD, "analyst")
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        r = c.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
        c.cookies.clear()
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def _live(c: TestClient) -> dict[str, float | None]:
    rows = c.get("/api/v1/targets").json()["data"]
    return {
        t["id"]: t["live_value"] for t in rows if t["id"] in ("yulian27_parts_firms", "yulian27_zjtx_firms")
    }


def test_an_imported_firm_is_counted_by_the_targets_at_once(client: TestClient) -> None:
    c = client
    ov = c.get("/api/v1/analytics/overview").json()
    before = _live(c)  # computed now and kept in the cache
    assert before == {
        "yulian27_parts_firms": ov["local_parts_firms"],
        "yulian27_zjtx_firms": ov["specialised"],
    }
    # the enterprise template's own example row: a Tier1/Tier2 firm seated in 渝北区, labelled 专精特新
    wb = load_workbook(io.BytesIO(c.get("/api/v1/imports/enterprises/template").content))
    example, sheet = wb["示例"], wb["企业"]
    assert (
        example.cell(row=2, column=5).value == "渝北区" and "专精特新" in example.cell(row=2, column=7).value
    )
    for col in range(1, sheet.max_column + 1):
        sheet.cell(row=2, column=col).value = example.cell(row=2, column=col).value
    buf = io.BytesIO()
    wb.save(buf)
    r = c.post("/api/v1/imports/enterprises", files={"file": ("企业.xlsx", buf.getvalue())})
    assert r.status_code == 200 and r.json()["inserted"] == 1, r.text
    ov_after = c.get("/api/v1/analytics/overview").json()
    assert ov_after["local_parts_firms"] == ov["local_parts_firms"] + 1
    assert ov_after["specialised"] == ov["specialised"] + 1
    assert _live(c) == {
        "yulian27_parts_firms": ov["local_parts_firms"] + 1,
        "yulian27_zjtx_firms": ov["specialised"] + 1,
    }
    # the warnings list the cockpit shows carries the same live count
    warn = {t["id"]: t for t in c.get("/api/v1/targets/warnings").json()["data"]}
    if "yulian27_parts_firms" in warn:
        assert warn["yulian27_parts_firms"]["live_value"] == ov["local_parts_firms"] + 1
