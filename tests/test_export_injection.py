"""No export turns store text into a spreadsheet formula (OWASP CSV injection), on every CLI and API path.

Export paths (all of them write through :mod:`chainbrain.io.safe`):

* ``chainbrain export TABLE -o F.csv|F.xlsx`` and ``GET /imports/{table}/export?format=csv|xlsx``
  (:func:`chainbrain.io.export.export_table`)
* ``chainbrain invest export F.xlsx`` and ``GET /invest/recommendations.xlsx`` (the 招商清单,
  :func:`chainbrain.invest.export.write_xlsx`)
* ``chainbrain report --format xlsx`` and ``GET /targets/briefing?format=xlsx`` (the briefing workbook,
  :func:`chainbrain.report.workbook.write_xlsx`)
* ``chainbrain template TABLE`` and ``GET /imports/{table}/template`` (the district list is store text,
  :func:`chainbrain.io.templates.write_template`)

Firm names, short names, district names and observation sources and notes in the store carry the payloads.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.cli import app
from chainbrain.io.export import write_csv, write_xlsx
from chainbrain.io.safe import TRIGGERS, append, restore_text, safe_cell
from chainbrain.store import connect

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2", "\t=1+1", "\r=1+1", "＝1+1"]
#: outside firms that are 招商 candidates in the demo, so their names reach the 招商清单 too
FIRMS = ["catl", "fill0573", "huawei", "fill0583", "fill0593", "sedrive", "fill0601"]
DISTRICT = ("500112", "=1+1渝北区")  # 渝北区: the 招商 list suggests it, the templates list it
V1 = "/api/v1"
PASSWORD = "demo-pass-123"


@pytest.fixture(scope="module")
def store(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inject") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for eid, text in zip(FIRMS, PAYLOADS, strict=True):
        conn.execute("UPDATE enterprise SET name = ?, short_name = ? WHERE id = ?", [text, text, eid])
    obs = [
        r[0]
        for r in conn.execute("SELECT id FROM observation ORDER BY id LIMIT ?", [len(PAYLOADS)]).fetchall()
    ]
    assert len(obs) == len(PAYLOADS)
    for oid, text in zip(obs, PAYLOADS, strict=True):
        conn.execute("UPDATE observation SET source = ?, note = ? WHERE id = ?", [text, "备注" + text, oid])
    conn.execute("UPDATE district SET name = ? WHERE id = ?", [DISTRICT[1], DISTRICT[0]])
    create_user(conn, "analyst", PASSWORD, "analyst")
    conn.close()
    return path


@pytest.fixture
def cli_db(store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    shutil.copy(store, path)
    return path


@pytest.fixture(scope="module")
def api(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    path = tmp_path_factory.mktemp("inject-api") / "demo.duckdb"
    shutil.copy(store, path)
    with TestClient(create_app(ApiSettings(db=path))) as c:
        r = c.post(f"{V1}/auth/login", json={"username": "analyst", "password": PASSWORD})
        c.cookies.clear()
        yield c, {"Authorization": f"Bearer {r.json()['access_token']}"}


def _xlsx_texts(data: bytes) -> list[str]:
    """Every text cell of every sheet, after checking that no cell is a formula."""
    wb = load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_texts(data: bytes) -> list[str]:
    return [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for f in row]


def _check(texts: list[str], expected: list[str], xlsx: bool) -> None:
    """No text starts a formula, and each expected text is there whole behind one quote."""
    assert texts
    for t in texts:
        assert not t.lstrip(" \u3000").startswith(TRIGGERS), repr(t)
    # an XML parser reads a bare carriage return as a line feed: the workbook keeps the text, newline-normalised
    norm = [t.replace("\r", "\n") for t in texts] if xlsx else texts
    for e in expected:
        want = "'" + (e.replace("\r", "\n") if xlsx else e)
        assert any(t.startswith(want) for t in norm), (repr(e), norm[:20])


def _run(db: Path, *args: str) -> None:
    r = CliRunner().invoke(app, ["--db", str(db), *args])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_table_exports(cli_db: Path, tmp_path: Path, fmt: str) -> None:
    for table, expected in (
        ("enterprises", PAYLOADS),
        ("observations", PAYLOADS),
        ("districts", [DISTRICT[1]]),
    ):
        out = tmp_path / f"{table}.{fmt}"
        _run(cli_db, "export", table, "-o", str(out))
        data = out.read_bytes()
        texts = _xlsx_texts(data) if fmt == "xlsx" else _csv_texts(data)
        _check(texts, expected, fmt == "xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_table_exports(api: tuple[TestClient, dict], fmt: str) -> None:
    client, h = api
    for table, expected in (
        ("enterprises", PAYLOADS),
        ("observations", PAYLOADS),
        ("districts", [DISTRICT[1]]),
    ):
        r = client.get(f"{V1}/imports/{table}/export", params={"format": fmt}, headers=h)
        assert r.status_code == 200, r.text
        texts = _xlsx_texts(r.content) if fmt == "xlsx" else _csv_texts(r.content)
        _check(texts, expected, fmt == "xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_quoted_export_imports_back_as_the_same_text(cli_db: Path, tmp_path: Path, fmt: str) -> None:
    """The quote an export adds is taken off again on import: export → import leaves every name as it was."""
    conn = connect(cli_db)
    before = dict(conn.execute("SELECT id, name FROM enterprise").fetchall())
    conn.close()
    out = tmp_path / f"enterprises.{fmt}"
    _run(cli_db, "export", "enterprises", "-o", str(out))
    _run(cli_db, "import", "enterprises", str(out))
    conn = connect(cli_db)
    after = dict(conn.execute("SELECT id, name FROM enterprise").fetchall())
    conn.close()
    # the importer trims surrounding white space from every cell (the tab and CR payloads lose theirs)
    assert after == {k: v.strip() for k, v in before.items()}
    assert after["catl"] == PAYLOADS[0]


def test_numbers_stay_numbers_in_table_exports(cli_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _run(cli_db, "export", "enterprises", "-o", str(out))
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = header.index("revenue")
    revs = [row[col] for row in ws.iter_rows(min_row=2, values_only=True) if row[col] is not None]
    assert revs and all(isinstance(v, (int, float)) for v in revs)


def test_attraction_list_cli_and_api(cli_db: Path, tmp_path: Path, api: tuple[TestClient, dict]) -> None:
    out = tmp_path / "招商清单.xlsx"
    _run(cli_db, "invest", "export", str(out))
    expected = PAYLOADS + [DISTRICT[1]]
    _check(_xlsx_texts(out.read_bytes()), expected, True)
    client, h = api
    r = client.get(f"{V1}/invest/recommendations.xlsx", headers=h)
    assert r.status_code == 200
    _check(_xlsx_texts(r.content), expected, True)


def test_briefing_workbook_cli_and_api(cli_db: Path, tmp_path: Path, api: tuple[TestClient, dict]) -> None:
    out = tmp_path / "简报.xlsx"
    _run(cli_db, "report", "--format", "xlsx", "-o", str(out))
    _check(_xlsx_texts(out.read_bytes()), PAYLOADS, True)
    client, h = api
    r = client.get(f"{V1}/targets/briefing", params={"format": "xlsx"}, headers=h)
    assert r.status_code == 200
    _check(_xlsx_texts(r.content), PAYLOADS, True)


def test_templates_list_store_districts_as_text(
    cli_db: Path, tmp_path: Path, api: tuple[TestClient, dict]
) -> None:
    out = tmp_path / "t.xlsx"
    _run(cli_db, "template", "sites", "-o", str(out))
    # the template's header notes and drop-downs are chainbrain's own; the district list is store text
    _check(_xlsx_texts(out.read_bytes()), [DISTRICT[1]], True)
    client, h = api
    r = client.get(f"{V1}/imports/sites/template", headers=h)
    assert r.status_code == 200
    _check(_xlsx_texts(r.content), [DISTRICT[1]], True)


def test_safe_cell_quotes_text_only() -> None:
    for p in PAYLOADS:
        assert safe_cell(p) == "'" + p and restore_text(safe_cell(p)) == p
    for v in (-1, -2.5, 0, None, True):
        assert safe_cell(v) == v
    assert safe_cell(" =1") == "' =1" and safe_cell("\u3000@x") == "'\u3000@x"
    for text in ("长安汽车", "a=b", "", "1-2", "'quoted", " 1"):
        assert safe_cell(text) == text and restore_text(text) == text
    # a text that already begins with a quote is written as it is: it is no formula
    assert safe_cell("'=x") == "'=x"


def test_writers_keep_numbers_and_quote_text(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"name": p, "value": -3.5, "labels": [p, "x"]} for p in PAYLOADS]
    write_csv(tmp_path / "a.csv", ["name", "value", "labels"], rows)
    got = list(csv.reader((tmp_path / "a.csv").open(encoding="utf-8-sig", newline="")))
    assert got[0] == ["name", "value", "labels"]
    assert got[1:] == [["'" + p, "-3.5", "'" + p + ";x"] for p in PAYLOADS]
    write_xlsx(tmp_path / "a.xlsx", "t", ["name", "value"], rows)
    ws = load_workbook(tmp_path / "a.xlsx")["t"]
    cells = list(ws.iter_rows(min_row=2))
    assert [(c[0].data_type, c[1].data_type, c[1].value) for c in cells] == [("s", "n", -3.5)] * len(PAYLOADS)
    # an openpyxl worksheet that is not write-only: "#N/A" stays text, not an error cell
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    append(sheet, ["#N/A", "=1+1", 7])
    assert [c.data_type for c in sheet[1]] == ["s", "s", "n"] and sheet["B1"].value == "'=1+1"
