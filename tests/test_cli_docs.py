"""Every command is documented: a docstring with an Example block, and docs/cli.md is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_command_has_help_with_an_example():
    gen = _gen()
    missing = []
    cmds = gen.commands()
    assert len(cmds) > 40, "the walk must reach the sub-commands of every group"
    for path, cmd in cmds:
        if gen.is_group(cmd) and len(path) > 1:
            if not cmd.help:
                missing.append(" ".join(path) + " (no help)")
            continue
        if len(path) == 1:
            continue
        if not cmd.help or "Example:" not in cmd.help:
            missing.append(" ".join(path))
    assert not missing, f"commands without help text ending in an Example: block: {missing}"


def test_cli_reference_is_current():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert doc == _gen().render(), "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"
