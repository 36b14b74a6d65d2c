"""POST /imports/workbook: a firm, its plant and its link by names, all sheets in one transaction, audited
with it; a repeated submit with the same Idempotency-Key is not applied twice."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from chainbrain.api import ApiSettings, create_app
from fixtures.api import build_store, token

FIRM = ["企业名称", "简称", "所在区县", "角色", "来源", "数据状态"]
PLANT = ["所属企业", "场所名称", "所在区县", "产品环节", "来源", "数据状态"]
LINK = ["采购方企业", "供应方企业", "供应环节", "年采购额(元)", "来源", "数据状态"]
WB = "/api/v1/imports/workbook"


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb-api") / "small.duckdb"
    build_store(path)
    return path


@pytest.fixture
def app_client(small_store: Path, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "w.duckdb"
    shutil.copy(small_store, path)
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


def _xlsx(link_value: Any = 2.0e7, firm: str = "重庆戊电子有限公司") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, row in (
        ("企业", FIRM, [firm, "戊电子", "巴南区", "一级供应商", "t", "示意"]),
        ("场所", PLANT, ["戊电子", "戊电子巴南工厂", "巴南区", "电芯", "t", "示意"]),
        # 长安汽车 has one plant (长安渝北工厂), 戊电子 the one above: the firms stand in for their plants
        ("供应关系", LINK, ["长安汽车", "戊电子", "电芯", link_value, "t", "示意"]),
    ):
        ws = wb.create_sheet(title)
        ws.append(header)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _files(data: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("综合.xlsx", data, "application/octet-stream")}


def _firms(c: TestClient, h: dict[str, str], q: str) -> int:
    return c.get("/api/v1/enterprises", params={"q": q}, headers=h).json()["count"]


def _commits(c: TestClient) -> list[dict[str, Any]]:
    log = c.get("/api/v1/users/audit", headers=token(c, "admin")).json()["data"]
    return [e for e in log if e["action"] == "import.commit" and e["target"] == "workbook"]


def test_the_combined_template_is_served_with_names(app_client: TestClient) -> None:
    r = app_client.get(f"{WB}/template", headers=token(app_client, "view"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["企业", "场所", "供应关系"]
    firms = [row[2] for row in wb["_lists"].iter_rows(min_row=2, values_only=True) if row[2]]
    assert firms == ["成都电芯", "时代电池", "长安汽车"]  # short names, sorted


def test_check_then_commit_a_firm_its_plant_and_its_link(app_client: TestClient) -> None:
    h = token(app_client, "analyst")
    check = app_client.post(f"{WB}/check", files=_files(_xlsx()), headers=h).json()
    assert (check["ok"], check["rows"], check["inserted"], check["problems"]) == (True, 3, 3, [])
    assert [t["title_zh"] for t in check["tables"]] == ["企业", "厂区场所", "供应关系"]
    assert _firms(app_client, h, "戊电子") == 0
    r = app_client.post(WB, files=_files(_xlsx()), headers={**h, "Idempotency-Key": "first-upload-1"})
    assert r.status_code == 200, r.text
    assert (r.json()["inserted"], r.json()["replayed"]) == (3, False)
    assert _firms(app_client, h, "戊电子") == 1
    (commit,) = _commits(app_client)
    assert '"enterprises": 1' in commit["detail"] and '"supply_links": 1' in commit["detail"]


def test_a_bad_link_row_writes_nothing_and_lists_the_sheet(app_client: TestClient) -> None:
    h = token(app_client, "analyst")
    r = app_client.post(WB, files=_files(_xlsx(link_value="两千万")), headers=h)
    assert r.status_code == 422
    (p,) = r.json()["problems"]
    assert (p["file"], p["sheet"], p["row"], p["column"], p["value"]) == (
        "综合.xlsx",
        "供应关系",
        2,
        "年采购额(元)",
        "两千万",
    )
    assert _firms(app_client, h, "戊电子") == 0
    assert _commits(app_client) == []


def test_a_double_submit_is_applied_once(app_client: TestClient) -> None:
    h = {**token(app_client, "analyst"), "Idempotency-Key": "double-click-7"}
    data = _xlsx()  # the same bytes each time, as a browser sends the same file
    answers: list[dict[str, Any]] = []

    def submit() -> None:
        answers.append(app_client.post(WB, files=_files(data), headers=h).json())

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.get("replayed") for a in answers) == [False, True], answers
    assert [a["inserted"] for a in answers] == [3, 3]  # the repeat answers as the first did
    assert len(_commits(app_client)) == 1
    # a third, later, too; and the key cannot be reused for another file
    again = app_client.post(WB, files=_files(data), headers=h)
    assert again.json()["replayed"] is True and len(_commits(app_client)) == 1
    other = app_client.post(WB, files=_files(_xlsx(firm="重庆己电子有限公司")), headers=h)
    assert other.status_code == 409 and "另一个文件" in other.json()["detail"]
    # without the key the same workbook is imported again: the rows are found by their names (updates)
    plain = app_client.post(WB, files=_files(data), headers=token(app_client, "analyst")).json()
    assert (plain["inserted"], plain["updated"]) == (0, 3)


def test_viewers_cannot_import_a_workbook(app_client: TestClient) -> None:
    r = app_client.post(WB, files=_files(_xlsx()), headers=token(app_client, "view"))
    assert r.status_code == 403


def test_a_single_table_import_is_idempotent_by_its_key_too(app_client: TestClient) -> None:
    h = {**token(app_client, "analyst"), "Idempotency-Key": "one-table-upload-3"}
    csv = "企业名称,所在区县,角色,来源,数据状态\n重庆庚电子有限公司,渝北区,一级供应商,t,示意\n".encode()
    files = {"file": ("企业.csv", csv, "text/csv")}
    first = app_client.post("/api/v1/imports/enterprises", files=files, headers=h).json()
    second = app_client.post("/api/v1/imports/enterprises", files=files, headers=h).json()
    assert (first["inserted"], first["replayed"]) == (1, False)
    assert (second["inserted"], second["replayed"]) == (1, True)
    log = app_client.get("/api/v1/users/audit", headers=token(app_client, "admin")).json()["data"]
    assert len([e for e in log if e["action"] == "import.commit" and e["target"] == "enterprises"]) == 1
