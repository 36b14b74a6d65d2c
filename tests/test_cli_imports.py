"""The CLI starts light: command modules and heavy libraries load only when a command needs them.

Each check runs in a fresh interpreter, so what an earlier test imported cannot hide what this one pulls in.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: libraries that cost a noticeable share of a second to import, or initialise state when they do
HEAVY = (
    "jieba",
    "bm25s",
    "openpyxl",
    "pyarrow",
    "matplotlib",
    "highspy",
    "fastapi",
    "uvicorn",
    "numpy",
    "pandas",
    "docx",
    "scipy",
    "polars",
    "pydantic_settings",
    "pydantic",
    "rich",
)


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter (fixed terminal width) and return the JSON it prints last."""
    env = {"COLUMNS": "200", "LINES": "50", "TERM": "dumb", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _command_modules(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if re.fullmatch(r"chainbrain\.cli\.\w+_cmds|chainbrain\.cli\.core", m))


def _packages(modules: list[str]) -> list[str]:
    """The chainbrain packages and top-level modules among ``modules`` (``chainbrain.store``, ``chainbrain.battery`` …)."""
    return sorted({m.split(".")[1] for m in modules if m.startswith("chainbrain.")})


#: what the start-up path may load of chainbrain itself: not resilience (idle capacities, forests, the
#: sweep), battery (trees), match, io, report, schema, synth, api or any other domain package
START = ["cli", "envsettings", "errors", "store"]


def test_importing_the_cli_pulls_in_no_heavy_library_and_no_command_module():
    got = _run(
        """
        import json, sys
        import chainbrain.cli
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert [m for m in HEAVY if m in got] == []
    assert _command_modules(got) == []
    assert _packages(got) == START


def test_help_lists_every_command_with_its_own_help_line_without_importing_one():
    got = _run(
        """
        import json, sys
        from typer.testing import CliRunner
        from chainbrain.cli import app, load_all
        runner = CliRunner()
        lazy = runner.invoke(app, ["--help"]).output
        loaded_by_help = sorted(m for m in sys.modules if m.startswith("chainbrain.cli."))
        load_all()
        eager = runner.invoke(app, ["--help"]).output
        print(json.dumps({"lazy": lazy, "eager": eager, "loaded": loaded_by_help}))
        """
    )
    assert got["loaded"] == ["chainbrain.cli.context", "chainbrain.cli.fastparams"], (
        "--help imported a command module"
    )
    # with every module loaded the help page is built from the commands themselves: it must read the same
    assert got["lazy"] == got["eager"]
    # every top-level command of the reference (docs/cli.md, generated from the full tree) is listed
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    top = set(re.findall(r"^## `chainbrain (\S+)`$", doc, flags=re.M))
    assert len(top) > 15
    listed = set(re.findall(r"^│ (\S+) ", got["lazy"], flags=re.M)) - {"--db", "--help"}
    assert listed == top


def test_registered_help_lines_are_the_commands_own_first_lines():
    got = _run(
        """
        import json, typer.main
        from chainbrain.cli import COMMANDS, app, load_all
        load_all()
        root = typer.main.get_command(app)
        print(json.dumps({name: [line, (root.commands[name].help or "").strip().splitlines()[0]]
                          for name, _, line in COMMANDS}))
        """
    )
    wrong = {name: pair for name, pair in got.items() if pair[0] != pair[1]}
    assert wrong == {}


def test_every_group_help_lists_its_commands():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    paths = [p.split() for p in re.findall(r"^## `chainbrain ([^`]+)`$", doc, flags=re.M)]
    groups = {tuple(p[:-1]) for p in paths if len(p) > 1}
    assert ("chain",) in groups and ("invest", "leads") in groups
    got = _run(
        f"""
        import json
        from typer.testing import CliRunner
        from chainbrain.cli import app
        runner = CliRunner()
        print(json.dumps({{" ".join(g): runner.invoke(app, [*g, "--help"]).output for g in {sorted(groups)!r}}}))
        """
    )
    for group in groups:
        want = {p[-1] for p in paths if tuple(p[:-1]) == group}
        listed = set(re.findall(r"^│ (\S+) ", got[" ".join(group)], flags=re.M))
        assert want <= listed, f"chainbrain {' '.join(group)} --help misses {want - listed}"


def test_a_command_imports_only_its_own_module(tmp_path):
    db = tmp_path / "s.duckdb"
    invoke = """
        import json, sys
        from typer.testing import CliRunner
        from chainbrain.cli import app
        r = CliRunner().invoke(app, ["--db", {db!r}, "{command}"])
        assert r.exit_code == 0, r.output
        print(json.dumps(sorted(sys.modules)))
        """
    _run(invoke.format(db=str(db), command="init"))
    got = _run(invoke.format(db=str(db), command="stats"))
    assert _command_modules(got) == ["chainbrain.cli.core"]
    assert [m for m in HEAVY if m in got] == ["rich"]  # stats prints a Rich table
    assert "chainbrain.chain" not in got
    assert _packages(got) == START
    got = _run(
        f"""
        import json, sys
        from typer.testing import CliRunner
        from chainbrain.cli import app
        r = CliRunner().invoke(app, ["--db", {str(db)!r}, "chain", "local-rate", "--by", "oem", "--json"])
        assert r.exit_code == 0, r.output
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert _command_modules(got) == ["chainbrain.cli.chain_cmds"]
    assert _packages(got) == sorted([*START, "chain"])
    # the default --boundary is read without pydantic-settings, the options coerced without pydantic, and
    # JSON written without Rich
    assert [m for m in HEAVY if m in got] == []
