"""Hostile uploads: an XLSX whose XML declares entities (billion laughs, XXE) and very long file names.

The workbooks are built here: a real workbook written by openpyxl, with one of its XML parts replaced by a
crafted one. Each must be refused with a clear answer (400 on import, a listed problem on check), audited,
and nothing written; the server must never answer 500.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.routes.imports import MAX_NAME_BYTES, upload_name
from chainbrain.io.readers import ReadError, UnsafeFileError, read_xlsx
from fixtures.api import PASSWORDS, build_store

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: ten levels of ten: 10^9 copies of "lol" if expanded (about 3 GB)
LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _sheet(doctype: str, cell: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{doctype}<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>x1</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{cell}</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def _shared_strings(doctype: str, text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{doctype}<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    ).encode()


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
#: the sheet with its B2 cell taken from shared string 0 (openpyxl itself writes inline strings)
SHEET_USING_SHARED = _sheet("", "").replace(
    b'<c r="B2" t="inlineStr"><is><t></t></is></c>', b'<c r="B2" t="s"><v>0</v></c>'
)


def crafted_xlsx(part: str, xml: bytes) -> bytes:
    """A workbook (sheet ``enterprises``: id, name / x1, 甲企业) whose ``part`` is replaced by ``xml``.

    For ``xl/sharedStrings.xml`` the part is added, registered in the content types and the workbook's
    relationships, and the sheet's B2 cell points at it.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "enterprises"
    ws.append(["id", "name"])
    ws.append(["x1", "甲企业"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    parts = {name: src.read(name) for name in src.namelist()}
    if part == "xl/sharedStrings.xml":
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode(),
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdSS" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>".encode(),
        )
        parts["xl/worksheets/sheet1.xml"] = SHEET_USING_SHARED
    parts[part] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


HOSTILE = {
    "billion_laughs_in_sheet": ("xl/worksheets/sheet1.xml", _sheet(LAUGHS, "&lol9;")),
    "xxe_in_sheet": ("xl/worksheets/sheet1.xml", _sheet(XXE, "&xxe;")),
    "billion_laughs_in_shared_strings": ("xl/sharedStrings.xml", _shared_strings(LAUGHS, "&lol9;")),
    "xxe_in_shared_strings": ("xl/sharedStrings.xml", _shared_strings(XXE, "&xxe;")),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_reader_refuses_entity_declarations_unread(tmp_path: Path, case: str) -> None:
    part, xml = HOSTILE[case]
    path = tmp_path / "企业.xlsx"
    path.write_bytes(crafted_xlsx(part, xml))
    with pytest.raises(UnsafeFileError, match="XML 实体声明"):
        read_xlsx(path, "enterprises", "企业")


@pytest.mark.parametrize(
    "part,xml",
    [
        ("xl/worksheets/sheet1.xml", _sheet("", "甲企业")),
        ("xl/sharedStrings.xml", _shared_strings("", "甲企业")),
    ],
)
def test_reader_still_reads_the_same_parts_without_entities(tmp_path: Path, part: str, xml: bytes) -> None:
    """The crafted workbooks differ from readable ones only by the DOCTYPE."""
    path = tmp_path / "企业.xlsx"
    path.write_bytes(crafted_xlsx(part, xml))
    sheet = read_xlsx(path, "enterprises", "企业")
    assert (sheet.headers, sheet.rows) == (["id", "name"], [(2, ["x1", "甲企业"])])


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "s.duckdb"
    build_store(path)
    return path


@pytest.fixture
def client(api_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "w.duckdb"
    shutil.copy(api_db, path)
    with TestClient(create_app(ApiSettings(db=path)), raise_server_exceptions=False) as c:
        yield c


def _auth(client: TestClient, user: str = "analyst") -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORDS[user]})
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_xlsx_upload_is_400_listed_audited_and_writes_nothing(client: TestClient, case: str) -> None:
    part, xml = HOSTILE[case]
    h = _auth(client)
    files = {"file": ("企业.xlsx", crafted_xlsx(part, xml), XLSX)}
    check = client.post("/api/v1/imports/enterprises/check", files=files, headers=h)
    assert check.status_code == 200 and check.json()["ok"] is False
    assert "XML 实体声明" in check.json()["problems"][0]["reason"]
    r = client.post("/api/v1/imports/enterprises", files=files, headers=h)
    assert r.status_code == 400, r.text
    body = r.json()
    assert "导入被拒绝" in body["detail"] and "XML 实体声明" in body["detail"]
    assert [p["file"] for p in body["problems"]] == ["企业.xlsx"]
    assert client.get("/api/v1/enterprises", params={"q": "x1"}, headers=h).json()["count"] == 0
    log = client.get("/api/v1/users/audit", headers=_auth(client, "admin")).json()["data"]
    assert [e["action"] for e in log if e["action"].startswith("import.")] == ["import.refused_unsafe"]


def test_long_cjk_file_name_is_cut_and_the_upload_works(client: TestClient) -> None:
    name = "重庆市企业名录" * 17 + ".csv"  # 119 CJK characters + ".csv": 361 bytes of UTF-8
    assert len(name.encode("utf-8")) > 255
    text = "id,name,district_code,roles,source,status\nx1,新企业甲,500112,Tier1,test,illustrative\n"
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    h = _auth(client)
    check = client.post("/api/v1/imports/enterprises/check", files=files, headers=h)
    assert check.status_code == 200 and check.json()["ok"] is True, check.text
    r = client.post("/api/v1/imports/enterprises", files=files, headers=h)
    assert r.status_code == 200, r.text
    shown = r.json()["file"]
    assert shown == upload_name(name) and shown.endswith("….csv") and shown.startswith("重庆市企业名录")
    assert len(shown.encode("utf-8")) <= MAX_NAME_BYTES


def test_long_file_name_with_bad_rows_is_reported_under_the_cut_name(client: TestClient) -> None:
    name = "企" * 200 + ".csv"
    text = "id,name,district_code,roles,source,status\nx1,新企业甲,999999,Tier1,test,illustrative\n"
    r = client.post(
        "/api/v1/imports/enterprises",
        files={"file": (name, text.encode(), "text/csv")},
        headers=_auth(client),
    )
    assert r.status_code == 422
    assert [(p["file"], p["row"], p["column"]) for p in r.json()["problems"]] == [
        (upload_name(name), 2, "district_code")
    ]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("企业.csv", "企业.csv"),
        ("../../etc/passwd", "passwd"),
        ("a b;c.csv", "a_b_c.csv"),
        (None, "upload.csv"),
        ("企" * 60 + ".xlsx", "企" * 47 + "….xlsx"),  # 47 × 3 + 3 + 5 = 149 bytes ≤ 150
    ],
)
def test_upload_name_by_hand(name: str | None, expected: str) -> None:
    assert upload_name(name) == expected


def test_broken_xml_is_a_plain_read_problem(tmp_path: Path, client: TestClient) -> None:
    """Malformed (not hostile) XML: the file cannot be read — 422 with the reason, never 500."""
    broken = crafted_xlsx(
        "xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><worksheet><sheetData><row r="1">'
    )
    path = tmp_path / "坏.xlsx"
    path.write_bytes(broken)
    with pytest.raises(ReadError, match="XML 无法解析") as e:
        read_xlsx(path, "enterprises", "企业")
    assert not isinstance(e.value, UnsafeFileError)
    r = client.post(
        "/api/v1/imports/enterprises", files={"file": ("坏.xlsx", broken, XLSX)}, headers=_auth(client)
    )
    assert r.status_code == 422, r.text
    assert "XML 无法解析" in r.json()["problems"][0]["reason"]
