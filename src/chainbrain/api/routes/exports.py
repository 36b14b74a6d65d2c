"""导出: a table the dashboard shows, as Excel or CSV with Chinese column heads.

The page sends the rows it shows — what the API already gave this user's role, after the page's filters —
and gets the file back; the server adds no data, so an export can never hold more than the user could read
on screen. Every cell goes through the formula-injection guard (:mod:`chainbrain.io.table_export`), and every
export is written to the audit log (who, which table, how many rows).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, StringConstraints, model_validator
from starlette.background import BackgroundTask

from chainbrain.api.accounts import audit
from chainbrain.api.deps import ConnDep, CurrentUser, client_ip
from chainbrain.api.routes.common import ERRORS
from chainbrain.io.table_export import file_name, write_table
from chainbrain.schema.numbers import FiniteFloat

router = APIRouter(prefix="/exports", tags=["exports"], responses=ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
MAX_ROWS = 20_000
MAX_COLUMNS = 40
MAX_CELLS = 400_000

Head = Annotated[str, StringConstraints(min_length=1, max_length=60)]
#: one cell as the page shows it: text (at most 2,000 characters), a finite number, yes/no or empty
CellIn = Annotated[str, StringConstraints(max_length=2000)] | bool | int | FiniteFloat | None


class TableExportIn(BaseModel):
    """The table as shown: its title (the file's name), the Chinese column heads, and the rows."""

    title: str = Field(min_length=1, max_length=60, description="表名，也是文件名，如 企业库")
    columns: list[Head] = Field(min_length=1, max_length=MAX_COLUMNS, description="中文表头")
    rows: list[list[CellIn]] = Field(max_length=MAX_ROWS, description="页面显示的行，每行与表头等长")

    @model_validator(mode="after")
    def _fits(self) -> TableExportIn:
        if len(self.rows) * len(self.columns) > MAX_CELLS:
            raise ValueError(f"单元格过多（上限 {MAX_CELLS:,} 个），请先筛选")
        return self


@router.post("/table", response_class=FileResponse, responses={200: {"content": {XLSX: {}, "text/csv": {}}}})
def export_table(
    body: TableExportIn,
    request: Request,
    conn: ConnDep,
    user: CurrentUser,
    format: str = Query("xlsx", pattern="^(xlsx|csv)$", description="xlsx（Excel）或 csv"),
) -> FileResponse:
    """The rows a page shows as an Excel or CSV file (formula-safe cells, Chinese heads)."""
    tmp = Path(tempfile.mkdtemp(prefix="cb-export-"))
    path = tmp / file_name(body.title, format)
    try:
        n = write_table(path, format, body.title, body.columns, body.rows)
    except ValueError as e:
        _cleanup(tmp)
        raise HTTPException(422, f"无法导出“{body.title}”：{e}") from e
    audit(conn, user, "export.table", body.title, {"format": format, "rows": n}, client_ip(request))
    return FileResponse(
        path, media_type=MEDIA[format], filename=path.name, background=BackgroundTask(_cleanup, tmp)
    )


def _cleanup(tmp: Path) -> None:
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
