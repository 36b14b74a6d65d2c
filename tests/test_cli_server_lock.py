"""The CLI while ``chainbrain serve`` holds the store: one line in Chinese saying what to do, exit 2.

DuckDB lets no second process open a file another process has open for writing, not even read-only, so
reading commands cannot work either; they fail the same clean way. The server runs as a real process on
a free port; the test waits until it answers (no fixed sleep), whatever the machine's speed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chainbrain.store import connect
from chainbrain.store.connection import StoreLocked

READY_WITHIN = 600.0  # seconds: only a server that never starts reaches it


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from chainbrain.cli import main; main()", *args]


@pytest.fixture(scope="module")
def served(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    path = tmp_path_factory.mktemp("lock") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        _cli("--db", str(path), "serve", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + READY_WITHIN
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "server exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/auth/session", timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        yield path, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=120)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "60"}  # a narrow terminal must not wrap the message
    return subprocess.run(_cli(*args), capture_output=True, text=True, env=env, timeout=READY_WITHIN)


def _one_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_a_read_command_says_the_server_holds_the_store(served: tuple[Path, int]) -> None:
    line = _one_line(_run("--db", str(served[0]), "stats"))
    assert (
        line.startswith("错误：数据库 ")
        and f"正被另一个进程（PID {served[1]}，" in line
        and "chainbrain serve" in line
    )
    assert "请在网页端查看，或先停止该服务" in line


def test_a_write_command_points_to_the_web_import(served: tuple[Path, int], tmp_path: Path) -> None:
    f = tmp_path / "企业.csv"
    f.write_text("id,name,district_code,roles,source,status\nx1,新企业甲,500112,Tier1,test,illustrative\n")
    line = _one_line(_run("--db", str(served[0]), "import", "enterprises", str(f)))
    assert "「数据导入」页面" in line and "先停止该服务" in line


def test_the_library_names_the_holder(served: tuple[Path, int]) -> None:
    with pytest.raises(StoreLocked) as e:
        connect(served[0], read_only=True)  # read-only is refused as well: DuckDB's lock is per process
    assert e.value.pid == served[1]
