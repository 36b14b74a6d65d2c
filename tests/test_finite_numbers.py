"""Every number that enters is finite and bounded: import cells (CSV, XLSX, JSON), API bodies, CLI options.

``inf``, ``Infinity``, ``NaN`` and ``1e309`` (which Python and JSON read as infinity) are refused with a
reason that says the value is not a finite number, naming the file, row, column and value as written.
Each test also imports, posts or runs one good value, so a check that refused everything would fail.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from typer.testing import CliRunner

from chainbrain.api import ApiSettings, create_app
from chainbrain.cli import app
from chainbrain.io import ImportRejected, import_file
from chainbrain.store import connect
from fixtures.api import PASSWORDS, build_store
from fixtures.files import write_csv
from fixtures.io_store import base_store, snapshot

NOT_FINITE = "不是有限数值"
SITE_HEADER = ["场所编号", "企业编号", "场所名称", "所在区县代码", "年产能", "数据状态", "来源"]
BAD_NUMBERS = ["inf", "Infinity", "-inf", "1e309", "NaN", "nan"]


def _only_problem(conn, path: Path) -> tuple[str, int | None, str | None, object, str]:
    with pytest.raises(ImportRejected) as e:
        import_file(conn, "sites", path)
    assert len(e.value.problems) == 1, e.value.problems
    p = e.value.problems[0]
    return p.file, p.row, p.column, p.value, p.reason


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_csv_cell_that_is_not_finite_is_refused_naming_the_cell(tmp_path: Path, text: str) -> None:
    conn = base_store()
    before = snapshot(conn)
    rows = [
        ["S8", "E2", "乙三厂", "500106", "1200", "示意", "t"],
        ["S9", "E2", "乙四厂", "500106", text, "示意", "t"],
    ]
    path = write_csv(tmp_path / "场所.csv", SITE_HEADER, rows)
    file, row, column, value, reason = _only_problem(conn, path)
    assert (file, row, column, value) == ("场所.csv", 3, "年产能", text)
    assert NOT_FINITE in reason
    assert snapshot(conn) == before


def test_nan_is_refused_as_not_finite_rather_than_as_too_small(tmp_path: Path) -> None:
    """Before the fix NaN reached the ``ge=0`` check and was told it was below 0."""
    conn = base_store()
    rows = [["S9", "E2", "乙四厂", "500106", "NaN", "示意", "t"]]
    reason = _only_problem(conn, write_csv(tmp_path / "s.csv", SITE_HEADER, rows))[4]
    assert NOT_FINITE in reason and "小于" not in reason


def test_finite_but_absurd_numbers_are_refused_too(tmp_path: Path) -> None:
    conn = base_store()
    rows = [["S9", "E2", "乙四厂", "500106", "2e15", "示意", "t"]]  # above the 1e15 bound
    assert "超出允许范围" in _only_problem(conn, write_csv(tmp_path / "s.csv", SITE_HEADER, rows))[4]
    header = ["企业编号", "企业名称", "所在区县代码", "企业角色", "从业人数", "数据状态", "来源"]
    big = write_csv(
        tmp_path / "e.csv", header, [["E9", "重庆丙有限公司", "500106", "Tier2", "3000000000", "示意", "t"]]
    )
    with pytest.raises(ImportRejected) as e:  # 3e9 does not fit the INTEGER column (2^31 − 1)
        import_file(conn, "enterprises", big)
    assert [(p.row, p.column) for p in e.value.problems] == [(2, "从业人数")]
    assert "超出整数范围" in e.value.problems[0].reason


def test_good_number_still_imports(tmp_path: Path) -> None:
    conn = base_store()
    rows = [["S9", "E2", "乙四厂", "500106", "1,200", "示意", "t"]]
    import_file(conn, "sites", write_csv(tmp_path / "s.csv", SITE_HEADER, rows))
    assert conn.execute("SELECT capacity FROM site WHERE id = 'S9'").fetchone() == (1200.0,)


def _xlsx_with_number_cell(path: Path, literal: str) -> Path:
    """A sites workbook whose 年产能 cell is a numeric cell holding ``literal`` (as another writer may)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "sites"
    ws.append(SITE_HEADER)
    ws.append(["S9", "E2", "乙四厂", "500106", 424242, "示意", "t"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>424242</v>" in data
                data = data.replace(b"<v>424242</v>", f"<v>{literal}</v>".encode())
            out.writestr(item, data)
    return path


@pytest.mark.parametrize("literal", ["1e309", "-1e400"])
def test_xlsx_numeric_cell_that_is_not_finite_is_refused(tmp_path: Path, literal: str) -> None:
    conn = base_store()
    before = snapshot(conn)
    path = _xlsx_with_number_cell(tmp_path / "场所.xlsx", literal)
    file, row, column, _value, reason = _only_problem(conn, path)
    assert (file, row, column) == ("场所.xlsx", 2, "年产能")  # the sheet is named apart (Problem.sheet)
    assert NOT_FINITE in reason
    assert snapshot(conn) == before


@pytest.mark.parametrize("literal", ["INF", "-inf", "NaN"])
def test_xlsx_numeric_cell_that_is_no_number_is_a_read_problem_not_a_crash(
    tmp_path: Path, literal: str
) -> None:
    """openpyxl cannot convert these; the file is refused naming the sheet, the row and the value."""
    conn = base_store()
    path = _xlsx_with_number_cell(tmp_path / "场所.xlsx", literal)
    file, row, column, _value, reason = _only_problem(conn, path)
    assert (file, row, column) == ("场所.xlsx", None, None)
    assert f"工作表 sites 第 2 行有数值单元格无法读取（{literal}）" in reason


def test_xlsx_good_numeric_cell_imports(tmp_path: Path) -> None:
    conn = base_store()
    import_file(conn, "sites", _xlsx_with_number_cell(tmp_path / "s.xlsx", "1.5e3"))
    assert conn.execute("SELECT capacity FROM site WHERE id = 'S9'").fetchone() == (1500.0,)


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e309"])
def test_json_number_that_is_not_finite_is_refused(tmp_path: Path, literal: str) -> None:
    conn = base_store()
    path = tmp_path / "sites.json"
    record = '{"id": "S9", "enterprise_id": "E2", "name": "乙四厂", "district_code": "500106",'
    path.write_text(f'[{record} "capacity": {literal}, "source": "t", "status": "illustrative"}}]', "utf-8")
    file, row, column, _value, reason = _only_problem(conn, path)
    assert (file, row, column) == ("sites.json", 2, "capacity")
    assert NOT_FINITE in reason


# --- API bodies -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("finite") / "s.duckdb"
    build_store(path)
    return path


@pytest.fixture
def client(api_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "w.duckdb"
    shutil.copy(api_db, path)
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


def _auth(client: TestClient, user: str = "analyst") -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORDS[user]})
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _post_raw(client: TestClient, url: str, text: str, h: dict[str, str]):
    return client.post(url, content=text.encode(), headers={**h, "Content-Type": "application/json"})


NEED = '{{"buyer_id": "changan", "segment_id": "battery", "title": "电池包", "annual_volume": {}}}'
OFFER = '{{"supplier_id": "catl", "segment_ids": ["battery"], "title": "电池包", "capacity": {}}}'
BODIES = [
    ("/api/v1/needs", NEED),
    ("/api/v1/offers", OFFER),
    ("/api/v1/analytics/whatif", '{{"segment": "battery", "capacity": {}}}'),
    ("/api/v1/observations", '{{"target_id": "t", "period": "2025", "value": {}, "source": "t"}}'),
]


@pytest.mark.parametrize("url,body", BODIES)
@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e309", '"inf"'])
def test_api_body_number_that_is_not_finite_is_422_saying_so(
    client: TestClient, url: str, body: str, literal: str
) -> None:
    h = _auth(client)
    r = _post_raw(client, url, body.format(literal), h)
    assert r.status_code == 422, r.text
    assert NOT_FINITE in r.json()["detail"]


def test_api_bodies_with_good_numbers_are_accepted(client: TestClient) -> None:
    h = _auth(client)
    need = _post_raw(client, "/api/v1/needs", NEED.format("5e4"), h)
    assert need.status_code == 201 and need.json()["annual_volume"] == 50000.0
    offer = _post_raw(client, "/api/v1/offers", OFFER.format("20"), h)
    assert offer.status_code == 201 and offer.json()["capacity"] == 20.0
    assert (
        _post_raw(client, "/api/v1/analytics/whatif", '{"segment": "battery", "capacity": 10}', h).status_code
        == 200
    )
    # no more need was stored than the good one
    assert len(client.get("/api/v1/needs", headers=h).json()["data"]) == 1


def test_resilience_routes_still_answer_after_refused_posts(client: TestClient) -> None:
    h = _auth(client)
    for literal in ("Infinity", "1e309"):
        assert _post_raw(client, "/api/v1/needs", NEED.format(literal), h).status_code == 422
    assert client.get("/api/v1/resilience/ranking", headers=h).status_code == 200


# --- CLI options ------------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    path = tmp_path / "cq.duckdb"
    conn = connect(path)
    base_store(conn)
    conn.close()
    return path


def _needs(db: Path) -> int:
    conn = connect(db)
    try:
        row = conn.execute("SELECT count(*) FROM need").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


@pytest.mark.parametrize("literal", ["inf", "Infinity", "-inf", "1e309", "nan"])
@pytest.mark.parametrize(
    "args",
    [
        ["need", "add", "--buyer", "E1", "--segment", "power.battery", "--title", "电池包", "--volume"],
        [
            "offer",
            "add",
            "--supplier",
            "E2",
            "--segments",
            "power.battery",
            "--title",
            "电池包",
            "--capacity",
        ],
        [
            "offer",
            "add",
            "--supplier",
            "E2",
            "--segments",
            "power.battery",
            "--title",
            "电池包",
            "--committed",
        ],
        ["chain", "whatif", "--segment", "power.battery", "--capacity"],
        ["resilience", "sweep", "--from-db", "--ttr"],
    ],
)
def test_cli_number_option_that_is_not_finite_exits_2_saying_so(
    cli_db: Path, args: list[str], literal: str
) -> None:
    result = runner.invoke(app, ["--db", str(cli_db), *args, literal])
    assert result.exit_code == 2, result.output
    assert NOT_FINITE in " ".join(result.output.split())
    assert _needs(cli_db) == 0


def test_cli_good_number_option_is_accepted(cli_db: Path) -> None:
    args = [
        "need",
        "add",
        "--buyer",
        "E1",
        "--segment",
        "power.battery",
        "--title",
        "电池包",
        "--volume",
        "5e4",
    ]
    result = runner.invoke(app, ["--db", str(cli_db), *args])
    assert result.exit_code == 0, result.output
    conn = connect(cli_db)
    assert conn.execute("SELECT annual_volume FROM need").fetchall() == [(50000.0,)]
    conn.close()


def test_cli_import_reports_the_non_finite_cell_and_writes_nothing(cli_db: Path, tmp_path: Path) -> None:
    """End to end through ``chainbrain import``: the JSON report names the cell and nothing is stored."""
    bad = write_csv(tmp_path / "s.csv", SITE_HEADER, [["S9", "E2", "乙四厂", "500106", "1e309", "示意", "t"]])
    result = runner.invoke(app, ["--db", str(cli_db), "import", "sites", str(bad), "--json"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    assert [(p["row"], p["column"], p["value"]) for p in report["problems"]] == [(2, "年产能", "1e309")]
    assert NOT_FINITE in report["problems"][0]["reason"]
