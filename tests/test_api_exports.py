"""POST /exports/table: the rows a page shows, as Excel or CSV, formula-safe, Chinese heads, audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

V1 = "/api/v1"
TABLE = {
    "title": "企业库/筛选",
    "columns": ["企业", "区县", "营业收入（万元）", "专精特新"],
    "rows": [['=HYPERLINK("http://x","y")', "璧山区", 8000.5, True], ["长安汽车", None, 12, False]],
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    db = tmp_path / "x.duckdb"
    conn = connect(db)
    create_user(conn, "viewer1", "viewer-pass-123", "viewer")
    conn.close()
    with TestClient(create_app(ApiSettings(db=db))) as c:
        r = c.post(f"{V1}/auth/login", json={"username": "viewer1", "password": "viewer-pass-123"})
        c.cookies.clear()
        yield c, {"Authorization": f"Bearer {r.json()['access_token']}"}


def _name(r) -> str:
    cd = r.headers["content-disposition"]
    return unquote(cd.split("filename*=utf-8''", 1)[1]) if "filename*=" in cd else cd


def test_xlsx_has_the_rows_under_chinese_heads_and_no_formula(client):
    c, auth = client
    r = c.post(f"{V1}/exports/table?format=xlsx", json=TABLE, headers=auth)
    assert r.status_code == 200, r.text
    assert _name(r) == "企业库_筛选.xlsx"  # the slash cannot make a path
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.title == "企业库_筛选"
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert rows[0] == ["企业", "区县", "营业收入（万元）", "专精特新"]
    # the firm name that would be a formula is text behind one quote; numbers stay numbers
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")' and ws["A2"].data_type == "s"
    assert rows[1][1:3] == ["璧山区", 8000.5]
    assert rows[2][:3] == ["长安汽车", None, 12]


def test_csv_opens_in_excel_with_a_bom(client):
    c, auth = client
    r = c.post(f"{V1}/exports/table?format=csv", json=TABLE, headers=auth)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows == [["企业", "区县", "营业收入（万元）", "专精特新"],
                    ["'=HYPERLINK(\"http://x\",\"y\")", "璧山区", "8000.5", "true"],
                    ["长安汽车", "", "12", "false"]]  # fmt: skip


def test_every_export_is_audited(client, tmp_path: Path):
    c, auth = client
    c.post(f"{V1}/exports/table?format=csv", json=TABLE, headers=auth)
    c.post(f"{V1}/exports/table?format=xlsx", json=TABLE, headers=auth)
    conn = c.app.state.conn.cursor()
    rows = conn.execute(
        "SELECT username, action, target, detail FROM audit_log WHERE action = 'export.table' ORDER BY id"
    ).fetchall()
    assert [(u, a, t) for u, a, t, _ in rows] == [("viewer1", "export.table", "企业库/筛选")] * 2
    assert '"rows": 2' in rows[0][3] or '"rows":2' in rows[0][3]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"rows": [["a", "b"]]}, "第 1 行有 2 个单元格，表头有 4 列"),
        ({"columns": ["企业", "企业", "x", "y"]}, "列名 '企业' 重复"),
        ({"rows": [["a", "b", "NaN", 1]]}, None),  # a string "NaN" is text, not a number: allowed
    ],
)
def test_malformed_tables_are_refused_in_chinese(client, change, says):
    c, auth = client
    r = c.post(f"{V1}/exports/table", json={**TABLE, **change}, headers=auth)
    if says is None:
        assert r.status_code == 200
    else:
        assert r.status_code == 422 and says in r.json()["detail"], r.text


def test_non_finite_numbers_and_unknown_formats_are_refused(client):
    c, auth = client
    body = '{"title":"t","columns":["a"],"rows":[[Infinity]]}'
    r = c.post(f"{V1}/exports/table", content=body, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert c.post(f"{V1}/exports/table?format=pdf", json=TABLE, headers=auth).status_code == 422


def test_needs_a_login(client):
    c, _ = client
    assert c.post(f"{V1}/exports/table", json=TABLE).status_code == 401
