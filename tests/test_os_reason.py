"""A file that cannot be read is explained in Chinese, not with the system's English text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chainbrain.errors import os_reason


def _raised(fn) -> BaseException:  # type: ignore[no-untyped-def]
    try:
        fn()
    except BaseException as e:
        return e
    raise AssertionError("no error raised")


def test_reasons_name_what_is_wrong(tmp_path: Path) -> None:
    assert os_reason(_raised(lambda: (tmp_path / "nope.csv").read_text())) == "文件不存在"
    assert os_reason(_raised(lambda: tmp_path.read_text())) == "这是一个文件夹，不是文件"
    f = tmp_path / "f.txt"
    f.write_bytes(b"ab\xff")
    assert (
        os_reason(_raised(lambda: f.read_text(encoding="utf-8")))
        == "不是 UTF-8 编码的文本（第 3 个字节无法解码）"
    )
    assert os_reason(_raised(lambda: (f / "x").read_text())) == "路径中有一段不是文件夹"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_permission(tmp_path: Path) -> None:
    f = tmp_path / "locked.csv"
    f.write_text("x")
    f.chmod(0)
    assert os_reason(_raised(f.read_text)) == "没有读写权限"


def test_cli_names_the_file_and_says_why_in_chinese(tmp_path: Path) -> None:
    missing = tmp_path / "无此文件.txt"
    exe = Path(sys.executable).with_name("chainbrain")
    r = subprocess.run([str(exe), "battery", "parse", "--file", str(missing)], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip() == f"错误：无法读取 {missing}：文件不存在"
