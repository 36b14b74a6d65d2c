"""数据导入: templates, a row-by-row check of an uploaded file, then an all-or-nothing write.

The same :func:`chainbrain.io.import_file` as ``chainbrain import``: ``/check`` is its dry run (nothing is
written, every problem is listed with its row, column and value); ``POST /imports/{table}`` writes the
file only when it has no problem at all, in one transaction together with its audit record.
``/imports/workbook`` does the same for a workbook of several tables (企业 / 场所 / 供应关系, filled by names:
:mod:`chainbrain.io.workbook`), all sheets in one transaction; a repeated submit with the same
``Idempotency-Key`` header gets the first answer and is not applied twice. Refused
uploads are audited too: a file with problems (422), an XLSX whose XML declares entities — an expansion
bomb or an external entity — (400, unread), and an import that collided with another write (409).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from chainbrain.api.accounts import audit
from chainbrain.api.cache import import_writes
from chainbrain.api.deps import AnalystUser, CacheDep, ConnDep, CurrentUser, SettingsDep, client_ip
from chainbrain.api.routes.common import ERRORS, ErrorOut, Page
from chainbrain.io import ImportRejected, Problem, export_table, import_file, registry
from chainbrain.io.chain_tables import choices_from_store
from chainbrain.io.importer import ImportResult
from chainbrain.io.readers import ReadError, UnsafeFileError
from chainbrain.io.templates import write_workbook_template
from chainbrain.io.workbook import WorkbookResult, import_workbook
from chainbrain.store.records import WriteConflict

router = APIRouter(prefix="/imports", tags=["imports"], responses=ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
#: UTF-8 bytes of the saved upload's name (file systems allow 255; 40 CJK characters need 120)
MAX_NAME_BYTES = 150


class TableOut(BaseModel):
    name: str
    title_zh: str


class ProblemOut(BaseModel):
    file: str
    #: the worksheet of an Excel workbook (None for CSV / JSON)
    sheet: str | None = None
    row: int | None
    column: str | None
    #: the value as read (a cell that is not text, a number or a yes/no is shown as its text)
    value: bool | int | float | str | None = None
    reason: str


class CheckOut(BaseModel):
    """The validation report: ok is true only when every row passed; nothing was written."""

    ok: bool
    table: str
    file: str
    rows: int
    inserted: int
    updated: int
    problems: list[ProblemOut]


class ImportOut(BaseModel):
    table: str
    file: str
    rows: int
    inserted: int
    updated: int
    #: this answers a repeated submit (same Idempotency-Key), which was not applied again
    replayed: bool = False


class RejectedOut(ErrorOut):
    problems: list[ProblemOut]


class SheetCountOut(BaseModel):
    """What one sheet of a workbook adds or replaces."""

    table: str
    title_zh: str
    rows: int
    inserted: int
    updated: int


class WorkbookCheckOut(BaseModel):
    """The check of a workbook, every sheet together: ok only when no sheet has a problem; nothing written."""

    ok: bool
    file: str
    rows: int
    inserted: int
    updated: int
    tables: list[SheetCountOut]
    problems: list[ProblemOut]


class WorkbookOut(BaseModel):
    """A workbook written (all sheets in one transaction). ``replayed``: this answers a repeated submit
    (same Idempotency-Key) that was not applied again."""

    file: str
    rows: int
    inserted: int
    updated: int
    tables: list[SheetCountOut]
    replayed: bool = False


def _spec(table: str) -> registry.TableIO:
    return registry.get(table)


def upload_name(filename: str | None) -> str:
    """The name an upload is saved and reported under: unsafe characters replaced, at most
    :data:`MAX_NAME_BYTES` bytes of UTF-8 (the stem is cut, the suffix kept, ``…`` marks the cut)."""
    name = _UNSAFE.sub("_", Path(filename or "upload.csv").name) or "upload.csv"
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode("utf-8")) > 10:
        stem, suffix = name, ""
    tail = f"…{'.' + suffix if suffix else ''}"
    room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return cut + tail


@contextmanager
def _saved(upload: UploadFile, limit: int) -> Iterator[Path]:
    """The upload in a private temporary file that keeps the user's file name (problems name the file)."""
    name = upload_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="cb-upload-") as tmp:
        path = Path(tmp) / name
        size = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE,
                        f"文件超过 {limit // (1024 * 1024)} MB，请拆分后分批导入",
                    )
                out.write(chunk)
        yield path


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class Submissions:
    """Recent imports by (user, table, Idempotency-Key): a second request with a key already seen — a
    double click, a retry after a timeout — gets the first one's answer and is not applied again. One
    that arrives while the first still runs waits for it. The last :attr:`KEEP` keys are remembered.
    """

    KEEP = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[str, ...], tuple[str, int, dict[str, Any]]] = OrderedDict()
        self._running: dict[tuple[str, ...], threading.Event] = {}

    def run(
        self, key: tuple[str, ...], digest: str, apply: Callable[[], tuple[int, dict[str, Any]]]
    ) -> tuple[int, dict[str, Any], bool]:
        """(status, body, replayed): ``apply()``'s answer, or the stored answer of the same key."""
        while True:
            with self._lock:
                done = self._done.get(key)
                if done is not None:
                    if done[0] != digest:
                        raise HTTPException(
                            status.HTTP_409_CONFLICT, "该提交编号已用于另一个文件：请重新选择文件后再上传"
                        )
                    return done[1], done[2], True
                waiting = self._running.get(key)
                if waiting is None:
                    mine = self._running[key] = threading.Event()
                    break
            waiting.wait()
        try:
            code, body = apply()
            with self._lock:
                self._done[key] = (digest, code, body)
                while len(self._done) > self.KEEP:
                    self._done.popitem(last=False)
            return code, body, False
        finally:
            with self._lock:
                del self._running[key]
            mine.set()


_SUBMISSIONS_LOCK = threading.Lock()


def _submissions(request: Request) -> Submissions:
    with _SUBMISSIONS_LOCK:
        subs = getattr(request.app.state, "import_submissions", None)
        if subs is None:
            subs = request.app.state.import_submissions = Submissions()
        return subs


def _problems(problems: list[Problem]) -> list[ProblemOut]:
    return [ProblemOut(**p.to_dict()) for p in problems]


def _rejection(file: str, e: ImportRejected | ReadError | WriteConflict) -> list[ProblemOut]:
    """The problems that stopped an import: each bad row, or the one reason the file was not written."""
    if isinstance(e, ImportRejected):
        return _problems(e.problems)
    return [ProblemOut(file=file, row=None, column=None, value=None, reason=str(e))]


@router.get("")
def read_tables(user: CurrentUser) -> Page[TableOut]:
    """The tables that can be imported and exported."""
    rows = [TableOut(name=n, title_zh=registry.get(n).title_zh) for n in registry.names()]
    return Page(data=rows, count=len(rows))


WORKBOOK = "workbook"
#: the Idempotency-Key a client sends with a workbook import (any text of 8–100 characters)
IdempotencyKey = Annotated[
    str | None, Header(min_length=8, max_length=100, description="重复提交时不重复写入")
]


@router.get(f"/{WORKBOOK}/template", response_class=FileResponse, responses={200: {"content": {XLSX: {}}}})
def read_workbook_template(conn: ConnDep, user: CurrentUser) -> FileResponse:
    """The combined template: a firm, its plants and its supply links (企业 / 场所 / 供应关系), filled by names."""
    tmp = Path(tempfile.mkdtemp(prefix="cb-template-"))
    path = tmp / "综合导入模板（企业-场所-供应关系）.xlsx"
    write_workbook_template(path, choices_from_store(conn))
    return FileResponse(path, media_type=XLSX, filename=path.name, background=BackgroundTask(_cleanup, tmp))


def _sheet_counts(r: WorkbookResult) -> list[SheetCountOut]:
    return [
        SheetCountOut(
            table=t.table,
            title_zh=registry.get(t.table).title_zh,
            rows=t.rows,
            inserted=t.inserted,
            updated=t.updated,
        )
        for t in r.tables
    ]


@router.post(f"/{WORKBOOK}/check")
def check_workbook(
    file: UploadFile, conn: ConnDep, user: AnalystUser, settings: SettingsDep
) -> WorkbookCheckOut:
    """Check every sheet of an uploaded workbook and report every problem (sheet, row, column); nothing is written."""
    with _saved(file, settings.max_upload_bytes) as path:
        try:
            r = import_workbook(conn, path, dry_run=True)
        except (ImportRejected, ReadError) as e:
            return WorkbookCheckOut(
                ok=False,
                file=path.name,
                rows=0,
                inserted=0,
                updated=0,
                tables=[],
                problems=_rejection(path.name, e),
            )
    return WorkbookCheckOut(
        ok=True,
        file=r.file,
        rows=r.rows,
        inserted=r.inserted,
        updated=r.updated,
        tables=_sheet_counts(r),
        problems=[],
    )


@router.post(
    f"/{WORKBOOK}",
    responses={
        400: {"model": RejectedOut, "description": "文件不安全（XML 实体声明），未读取、未写入"},
        409: {"model": RejectedOut, "description": "与同时进行的另一次写入冲突，未写入任何数据"},
        422: {"model": RejectedOut, "description": "工作簿有问题，未写入任何数据"},
    },
)
def create_workbook_import(
    file: UploadFile,
    request: Request,
    conn: ConnDep,
    cache: CacheDep,
    user: AnalystUser,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> WorkbookOut:
    """Import a workbook of firms, plants and links: every sheet in one transaction, or — if any row is wrong — none.

    A repeated request with the same ``Idempotency-Key`` header is answered as the first and not applied again.
    """
    ip = client_ip(request)
    with _saved(file, settings.max_upload_bytes) as path:

        def apply() -> tuple[int, dict[str, Any]]:
            def record(r: WorkbookResult) -> None:
                detail = {"file": r.file, "rows": r.rows, "inserted": r.inserted, "updated": r.updated,
                          "tables": {t.table: t.rows for t in r.tables}}  # fmt: skip
                audit(conn, user, "import.commit", WORKBOOK, detail, ip)

            try:
                r = import_workbook(conn, path, before_commit=record)
            except (ImportRejected, ReadError, WriteConflict) as e:
                problems = _rejection(path.name, e)
                code, action, detail = _refusal(e, len(problems))
                audit(conn, user, action, WORKBOOK, {"file": path.name, "problems": len(problems)}, ip)
                return code, RejectedOut(detail=detail, problems=problems).model_dump(mode="json")
            for t in r.tables:
                cache.invalidate(*import_writes(t.table))
            out = WorkbookOut(
                file=r.file, rows=r.rows, inserted=r.inserted, updated=r.updated, tables=_sheet_counts(r)
            )
            return 200, out.model_dump(mode="json")

        code, body, replayed = _once(request, (user.username, WORKBOOK), idempotency_key, path, apply)
    if code != 200:
        raise _Rejected(RejectedOut.model_validate(body), code)
    return WorkbookOut.model_validate({**body, "replayed": replayed})


@router.get("/{table}/template", response_class=FileResponse, responses={200: {"content": {XLSX: {}}}})
def read_template(table: str, conn: ConnDep, user: CurrentUser) -> FileResponse:
    """The fill-in Excel template of a table (Chinese headers, notes, drop-downs)."""
    spec = _spec(table)
    tmp = Path(tempfile.mkdtemp(prefix="cb-template-"))
    path = tmp / f"{spec.title_zh}导入模板.xlsx"
    if spec.template_from_store is not None:
        spec.template_from_store(path, conn)
    else:
        spec.template(path)
    return FileResponse(path, media_type=XLSX, filename=path.name, background=BackgroundTask(_cleanup, tmp))


def _cleanup(tmp: Path) -> None:
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()


@router.post("/{table}/check")
def check_import(
    table: str, file: UploadFile, conn: ConnDep, user: AnalystUser, settings: SettingsDep
) -> CheckOut:
    """Check an uploaded CSV / XLSX row by row and report every problem; nothing is written."""
    spec = _spec(table)
    with _saved(file, settings.max_upload_bytes) as path:
        try:
            r = import_file(conn, spec.name, path, dry_run=True)
        except (ImportRejected, ReadError) as e:
            return CheckOut(
                ok=False,
                table=spec.name,
                file=path.name,
                rows=0,
                inserted=0,
                updated=0,
                problems=_rejection(path.name, e),
            )
    return CheckOut(
        ok=True, table=r.table, file=r.file, rows=r.rows, inserted=r.inserted, updated=r.updated, problems=[]
    )


@router.post(
    "/{table}",
    responses={
        400: {"model": RejectedOut, "description": "文件不安全（XML 实体声明），未读取、未写入"},
        409: {"model": RejectedOut, "description": "与同时进行的另一次写入冲突，未写入任何数据"},
        422: {"model": RejectedOut, "description": "文件有问题，未写入任何数据"},
    },
)
def create_import(
    table: str,
    file: UploadFile,
    request: Request,
    conn: ConnDep,
    cache: CacheDep,
    user: AnalystUser,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> ImportOut:
    """Import an uploaded file: all rows in one transaction, or — if any row is wrong — none (422).

    A repeated request with the same ``Idempotency-Key`` header is answered as the first and not applied again.
    """
    spec = _spec(table)
    ip = client_ip(request)

    def record(r: ImportResult) -> None:
        detail = {"file": r.file, "rows": r.rows, "inserted": r.inserted, "updated": r.updated}
        audit(conn, user, "import.commit", spec.name, detail, ip)

    with _saved(file, settings.max_upload_bytes) as path:

        def apply() -> tuple[int, dict[str, Any]]:
            try:
                r = import_file(conn, spec.name, path, before_commit=record)
            except (ImportRejected, ReadError, WriteConflict) as e:
                problems = _rejection(path.name, e)
                code, action, detail = _refusal(e, len(problems))
                audit(conn, user, action, spec.name, {"file": path.name, "problems": len(problems)}, ip)
                return code, RejectedOut(detail=detail, problems=problems).model_dump(mode="json")
            cache.invalidate(*import_writes(spec.name))
            out = ImportOut(table=r.table, file=r.file, rows=r.rows, inserted=r.inserted, updated=r.updated)
            return 200, out.model_dump(mode="json")

        code, body, replayed = _once(request, (user.username, spec.name), idempotency_key, path, apply)
    if code != 200:
        raise _Rejected(RejectedOut.model_validate(body), code)
    return ImportOut.model_validate({**body, "replayed": replayed})


def _once(
    request: Request,
    scope: tuple[str, str],
    key: str | None,
    path: Path,
    apply: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """``apply()`` once per (user, table, Idempotency-Key): (status, body, replayed)."""
    if key is None:
        code, body = apply()
        return code, body, False
    return _submissions(request).run((*scope, key), _digest(path), apply)


def _refusal(e: ImportRejected | ReadError | WriteConflict, problems: int) -> tuple[int, str, str]:
    """(status, audit action, message) of a refused import."""
    if isinstance(e, UnsafeFileError):
        return status.HTTP_400_BAD_REQUEST, "import.refused_unsafe", f"导入被拒绝：{e}"
    if isinstance(e, WriteConflict):
        return status.HTTP_409_CONFLICT, "import.conflict", str(e)
    return (
        422,
        "import.rejected",
        f"导入被拒绝：{problems} 个问题，未写入任何数据。请按问题清单修改后重新上传。",
    )


class _Rejected(HTTPException):
    def __init__(self, body: RejectedOut, code: int = 422) -> None:
        super().__init__(code, body.detail)
        self.body = body


def rejected_handler(request: Request, exc: Exception) -> JSONResponse:
    """Send the full problem list with a refused import (registered by the app)."""
    assert isinstance(exc, _Rejected)
    return JSONResponse(status_code=exc.status_code, content=exc.body.model_dump(mode="json"))


REJECTED = _Rejected


@router.get(
    "/{table}/export",
    response_class=FileResponse,
    responses={
        200: {"description": "导出的文件", "content": {"text/csv": {}, XLSX: {}, "application/json": {}}}
    },
)
def export_data(
    table: str,
    conn: ConnDep,
    user: AnalystUser,
    format: Literal["csv", "xlsx", "json"] = Query("xlsx", description="导出格式"),
) -> FileResponse:
    """Every row of a table as CSV (UTF-8 with BOM), XLSX or JSON (analysts and admins)."""
    spec = _spec(table)
    tmp = Path(tempfile.mkdtemp(prefix="cb-export-"))
    path = tmp / f"{spec.title_zh}.{format}"
    export_table(conn, spec.name, format, path)
    media = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "json": "application/json"}[format]
    return FileResponse(path, media_type=media, filename=path.name, background=BackgroundTask(_cleanup, tmp))
