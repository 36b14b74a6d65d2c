"""The CLI's fast option coercion answers exactly as Typer's own pydantic adapter does, error or value."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
from typer import _coercion
from typer.testing import CliRunner

from chainbrain.cli import fastparams


def _params(cmd: Any) -> dict[str, Any]:
    """The click parameters typer builds for ``cmd``'s annotated options."""
    app = typer.Typer(add_completion=False)
    app.command()(cmd)
    command = typer.main.get_command(app)
    return {p.name: p for p in command.params}


def _outcome(runtime: Any, param: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", runtime._coerce_value(value, param=param, ctx=None)
    except typer.BadParameter as e:
        return "error", e.format_message()


def _plain(
    s: Annotated[str, typer.Option()] = "x",
    i: Annotated[int, typer.Option()] = 0,
    ranged: Annotated[int, typer.Option(min=1, max=4)] = 1,
    low: Annotated[int, typer.Option(min=10)] = 10,
    f: Annotated[float, typer.Option()] = 0.0,
    days: Annotated[float, typer.Option(min=0, max=365)] = 0.0,
    b: Annotated[bool, typer.Option()] = False,
    p: Annotated[Path, typer.Option()] = Path("x"),
) -> None:
    pass


def _checked(
    must: Annotated[Path, typer.Option(exists=True)] = Path("x"),
    files: Annotated[list[str] | None, typer.Option()] = None,
    clamped: Annotated[int, typer.Option(min=1, max=3, clamp=True)] = 1,
) -> None:
    pass


PARAMS = _params(_plain)

VALUES: dict[str, list[Any]] = {
    "s": ["", "oem", " 重庆 ", "1", b"bytes", 3],
    "i": ["0", "7", "-7", "007", "+3", " 4", "1_0", "1.0", "1e3", "x", "", "9" * 20, "-0", 5, True, 2.0],
    "ranged": ["0", "1", "4", "5", "-1", 3, 9],
    "low": ["9", "10", "11", 10],
    "f": [
        "0",
        "1.5",
        "-2.25",
        "3",
        "-0.0",
        "1e3",
        ".5",
        "5.",
        "inf",
        "nan",
        "x",
        "",
        1,
        1.5,
        "0.1000000000000001",
    ],
    "days": ["-0.5", "0", "365", "365.5", "12.25", 366.0],
    "b": [True, False, "true", "0", "yes", ""],
    "p": ["", "a/", "~", "a//b", ".", "/nonexistent/x.duckdb", Path("z"), "-"],
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_fast_coercion_matches_the_adapter(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    param = PARAMS[name]
    convert = fastparams.fast_convert(param.type_descriptor)
    assert convert is not None, f"{name} has no fast coercion"
    adapter = _coercion.build_runtime_param(param.type_descriptor)
    assert isinstance(adapter, _coercion.AdapterRuntimeParam)
    fast = param.get_runtime_param()
    assert type(fast).__name__ == "FastRuntimeParam"
    for value in VALUES[name]:
        want = _outcome(adapter, param, value)
        got = _outcome(fast, param, value)
        assert repr(got) == repr(want) and type(got[1]) is type(want[1]), (name, value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_path_is_refused_in_the_adapters_words(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x")
    secret.chmod(0)
    param = PARAMS["p"]
    want = _outcome(_coercion.build_runtime_param(param.type_descriptor), param, str(secret))
    assert want[0] == "error"
    assert _outcome(param.get_runtime_param(), param, str(secret)) == want


def test_options_with_checks_of_their_own_keep_the_adapter():
    for p in _params(_checked).values():
        assert fastparams.fast_convert(p.type_descriptor) is None
        assert isinstance(p.get_runtime_param(), _coercion.AdapterRuntimeParam)


CASES = [
    ["chain", "local-rate", "--by", "oem", "--json"],
    ["chain", "local-rate", "--by", "segment", "--boundary", "radius:80", "--json"],
    ["chain", "local-rate", "--by", "nope"],
    ["chain", "gaps", "--top", "2", "--json"],
    ["chain", "gaps", "--top", "0"],
    ["chain", "gaps", "--top", "zero"],
    ["chain", "gaps", "--top", "007", "--json"],
    ["chain", "whatif", "--segment", "battery", "--capacity", "1e309", "--district", "500106"],
    ["chain", "whatif", "--segment", "battery", "--capacity", "70000.5", "--district", "500106", "--json"],
    ["stats", "--json"],
]


def _rounded(v: Any) -> Any:
    if isinstance(v, float):
        return float(f"{v:.12g}")
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    return v


def _same_numbers(output: str) -> Any:
    """JSON output with its floats to 12 significant digits (DuckDB's parallel sums may differ in the last
    bits from one run to the next, with or without the fast path); any other output as it is."""
    try:
        return _rounded(json.loads(output))
    except ValueError:
        return output


def test_the_cli_answers_the_same_with_and_without_the_fast_path(tmp_path):
    from chainbrain.cli import app

    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init", "--demo"]).exit_code == 0

    def answers() -> list[tuple[int, str]]:
        # fresh parameters each time: a command's coercion is kept on its click parameter once built
        import chainbrain.cli as cli

        cli._built.clear()
        out = []
        for argv in CASES:
            r = runner.invoke(app, ["--db", db, *argv])
            out.append((r.exit_code, _same_numbers(r.output)))
        return out

    assert fastparams.install() is True
    fast = answers()
    try:
        fastparams.uninstall()
        assert isinstance(_params(_plain)["s"].get_runtime_param(), _coercion.AdapterRuntimeParam)
        own = answers()
    finally:
        assert fastparams.install() is True
    assert [code for code, _ in fast] == [0, 0, 1, 0, 2, 2, 0, 2, 0, 0]
    assert fast == own
