"""The dashboard's two locales (``frontend/src/locales/zh-CN.ts`` and ``en.ts``) have the same keys.

Read from the sources (no build, no node): the files are nested object literals of single-quoted strings.
Every ``t('a.b')`` / ``$t('a.b')`` with a literal key in the front end must name a message of both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "frontend" / "src"
LOCALES = SRC / "locales"

_TOKEN = re.compile(
    r"(?P<key>[A-Za-z_$][\w$]*|'(?:[^'\\]|\\.)*')\s*:\s*(?:(?P<open>\{)|'(?P<value>(?:[^'\\]|\\.)*)')"
    r"|(?P<close>\})"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def messages(src: str) -> dict[str, str]:
    """The leaf messages of the first object literal after ``= {`` in ``src``: dotted key → text."""
    src = re.sub(r"//[^\n]*", "", src)
    start = src.index("= {") + 3
    out: dict[str, str] = {}
    path: list[str] = []
    depth = 1
    for m in _TOKEN.finditer(src, start):
        if m.group("close"):
            depth -= 1
            if depth == 0:
                return out
            path.pop()
            continue
        key = m.group("key").strip("'")
        if m.group("open"):
            path.append(key)
            depth += 1
        else:
            dotted = ".".join([*path, key])
            assert dotted not in out, f"键重复：{dotted}"
            out[dotted] = _unquote(m.group("value"))
    raise AssertionError("消息对象没有结束的 }")


@pytest.fixture(scope="module")
def zh() -> dict[str, str]:
    return messages((LOCALES / "zh-CN.ts").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def en() -> dict[str, str]:
    return messages((LOCALES / "en.ts").read_text(encoding="utf-8"))


def test_the_parser_reads_nesting_and_escapes() -> None:
    src = "const m = {\n  a: { b: 'x\\'y', c: { d: '{n} 家' } }, // note: 'e'\n  'f': '',\n}\nconst z = { q: 'r' }"
    assert messages(src) == {"a.b": "x'y", "a.c.d": "{n} 家", "f": ""}


def test_both_locales_have_exactly_the_same_keys(zh: dict[str, str], en: dict[str, str]) -> None:
    assert len(zh) > 100  # the files were read (a wrong path or format would pass vacuously)
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


def test_no_message_is_empty(zh: dict[str, str], en: dict[str, str]) -> None:
    assert [k for k, v in zh.items() if not v.strip()] == []
    assert [k for k, v in en.items() if not v.strip()] == []


def test_placeholders_agree_and_the_syntax_is_plain(zh: dict[str, str], en: dict[str, str]) -> None:
    """``{name}`` slots are the same in both; no ``@`` (linked message) or ``|`` (plural) by accident."""
    for k in zh:
        assert set(re.findall(r"\{(\w+)\}", zh[k])) == set(re.findall(r"\{(\w+)\}", en[k])), k
        for text in (zh[k], en[k]):
            assert not re.search(r"[@|$]", text), (k, text)
            assert re.sub(r"\{\w+\}", "", text).count("{") == 0, (k, text)
            assert re.sub(r"\{\w+\}", "", text).count("}") == 0, (k, text)


def test_english_messages_have_no_chinese(en: dict[str, str]) -> None:
    assert [(k, v) for k, v in en.items() if _CJK.search(v)] == []


def test_every_literal_key_in_the_front_end_exists(zh: dict[str, str]) -> None:
    used: dict[str, str] = {}
    for p in sorted(SRC.rglob("*")):
        if p.suffix in (".vue", ".ts") and p.parent != LOCALES:
            for m in re.finditer(r"(?<![\w.])\$?t\(\s*'([\w.]+)'\s*[,)]", p.read_text(encoding="utf-8")):
                used.setdefault(m.group(1), p.name)
    assert len(used) > 100
    assert sorted(f"{f}: {k}" for k, f in used.items() if k not in zh) == []
