"""One error base: every library error carries its HTTP status and CLI exit code, keeps its old base,
and the app and the CLI each answer it in one place."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainbrain.api.accounts import AccountConflict, AccountError, AccountNotFound, WrongPassword
from chainbrain.api.app import create_app
from chainbrain.api.settings import ApiSettings
from chainbrain.chain.boundary import BoundaryError, parse_boundary
from chainbrain.chain.whatif import WhatIfError
from chainbrain.cli.context import CommandGroup
from chainbrain.errors import ChainbrainError, Conflict, InvalidInput, NotFound
from chainbrain.invest.leads import LeadError
from chainbrain.io import registry
from chainbrain.io.cells import CellError
from chainbrain.io.readers import ReadError
from chainbrain.match.records import MatchRecordError, MatchRecordNotFound, SiteNotOwned
from chainbrain.monitor.periods import PeriodError
from chainbrain.store.records import WriteConflict
from chainbrain.synth.generate import SynthError


@pytest.mark.parametrize(
    ("cls", "old_base", "status"),
    [
        (BoundaryError, ValueError, 422),
        (WhatIfError, ValueError, 422),
        (PeriodError, ValueError, 422),
        (LeadError, ValueError, 422),
        (MatchRecordError, ValueError, 422),
        (MatchRecordNotFound, ValueError, 404),
        (SiteNotOwned, ValueError, 403),
        (CellError, ValueError, 422),
        (ReadError, ValueError, 422),
        (SynthError, ValueError, 422),
        (AccountError, ValueError, 422),
        (AccountConflict, ValueError, 409),
        (AccountNotFound, ValueError, 404),
        (WrongPassword, ValueError, 403),
        (WriteConflict, RuntimeError, 409),
        (registry.UnknownTable, KeyError, 404),
    ],
)
def test_library_errors_share_the_base_and_keep_their_own(cls: type, old_base: type, status: int) -> None:
    assert issubclass(cls, ChainbrainError) and issubclass(cls, old_base)
    assert cls.status == status


def test_message_is_the_text_as_written_even_under_key_error() -> None:
    with pytest.raises(KeyError) as info:
        registry.get("no_such_table")
    e = info.value
    assert isinstance(e, NotFound) and e.exit_code == 2
    assert str(e).startswith("未知数据表 'no_such_table'，可选：")  # no quotes around the message


def test_api_message_names_the_parameter() -> None:
    e = InvalidInput("未知的阶段 'x'", param="stage")
    assert e.message == "未知的阶段 'x'" and e.api_message == "参数 stage 不正确：未知的阶段 'x'"
    assert Conflict("已存在").api_message == "已存在"


def _app_raising(exc: Exception) -> FastAPI:
    app = create_app(ApiSettings(db=":memory:"))

    @app.get("/api/v1/_boom")
    def boom() -> None:
        raise exc

    # ahead of the built front end mounted at "/", which would otherwise answer the path with its 404
    app.router.routes.insert(0, app.router.routes.pop())
    return app


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (WriteConflict("另一个写入正在进行，请重试"), 409, "另一个写入正在进行，请重试"),
        (LeadError("未知的阶段 'x'", param="stage"), 422, "参数 stage 不正确：未知的阶段 'x'"),
        (MatchRecordNotFound("采购需求 n1 不存在"), 404, "采购需求 n1 不存在"),
    ],
)
def test_the_app_answers_every_library_error_in_one_place(exc: Exception, status: int, detail: str) -> None:
    with TestClient(_app_raising(exc)) as client:
        r = client.get("/api/v1/_boom")
    assert r.status_code == status
    assert r.json() == {"detail": detail}
    assert r.headers["x-content-type-options"] == "nosniff"  # the security headers still apply


def test_the_cli_prints_one_red_line_and_the_error_exit_code() -> None:
    app = CommandGroup()

    @app.callback()
    def root() -> None:
        pass

    @app.command("boom")
    def boom(kind: str) -> None:
        if kind == "table":
            raise registry.UnknownTable("未知数据表 'x'")
        parse_boundary("moon")  # a BoundaryError: exit 1

    runner = CliRunner()
    r = runner.invoke(app, ["boom", "table"])
    assert r.exit_code == 2 and "错误：未知数据表 'x'" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["boom", "boundary"])
    assert r.exit_code == 1 and "错误：" in r.output and "moon" in r.output
