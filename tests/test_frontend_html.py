"""The front end never renders store or user text as HTML (read from ``frontend/src``, no build needed).

Vue's ``{{ }}`` and ECharts' canvas labels are text; the HTML sinks are ``v-html``, ``innerHTML`` and
friends, Element Plus' HTML options, and ECharts tooltip formatters — a function formatter's return value
becomes the tooltip's HTML. Every value such a formatter interpolates must visibly pass through ``esc(...)``
(``frontend/src/format.ts``). ECharts escapes its default tooltips and string templates (``'{b}: {c}'``) itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "frontend" / "src"

#: constructs that put a string into the page as HTML or code, and why each is refused
FORBIDDEN = {
    r"\bv-html\b": "v-html 把字符串当作 HTML 渲染",
    r"\binnerHTML\b": "innerHTML 把字符串当作 HTML 渲染",
    r"\bouterHTML\b": "outerHTML 把字符串当作 HTML 渲染",
    r"\binsertAdjacentHTML\b": "insertAdjacentHTML 把字符串当作 HTML 渲染",
    r"\bdocument\.write(ln)?\b": "document.write 把字符串当作 HTML 渲染",
    r"\bdangerouslyUseHTMLString\b": "Element Plus 的 dangerouslyUseHTMLString 把消息当作 HTML 渲染",
    r"\braw-?content\b|\brawContent\b": "Element Plus 的 raw-content 把提示当作 HTML 渲染",
    r"\bsrcdoc\b": "srcdoc 把字符串当作 HTML 渲染",
    r"javascript:": "javascript: 链接是内联脚本（内容安全策略禁止）",
    r"\bnew Function\b|\beval\s*\(": "动态执行代码（内容安全策略禁止）",
}

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z]")
_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def _string_end(src: str, i: int) -> int:
    """Index just past the string or template literal that starts at ``src[i]``."""
    quote = src[i]
    i += 1
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if quote == "`" and src.startswith("${", i):
            i = _balanced_end(src, i + 1)
            continue
        i += 1
    return i


def _comment_end(src: str, i: int) -> int | None:
    if src.startswith("//", i):
        j = src.find("\n", i)
        return len(src) if j < 0 else j
    if src.startswith("/*", i):
        j = src.find("*/", i + 2)
        return len(src) if j < 0 else j + 2
    return None


def _balanced_end(src: str, i: int) -> int:
    """Index just past the bracket group opened at ``src[i]``."""
    depth = 0
    while i < len(src):
        c = src[i]
        if c in "'\"`":
            i = _string_end(src, i)
            continue
        end = _comment_end(src, i)
        if end is not None:
            i = end
            continue
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _expression_end(src: str, i: int, stops: str = ",)]}") -> int:
    """Index of the first of ``stops`` at bracket depth 0 from ``i`` (the end of one object value)."""
    while i < len(src):
        c = src[i]
        if c in "'\"`":
            i = _string_end(src, i)
        elif (end := _comment_end(src, i)) is not None:
            i = end
        elif c in _OPEN:
            i = _balanced_end(src, i)
        elif c in stops:
            return i
        else:
            i += 1
    return i


def _formatters(src: str) -> list[tuple[int, list[str], str]]:
    """Every ``formatter:`` value in ``src``: (offset, keys of the objects around it, the value's text)."""
    found: list[tuple[int, list[str], str]] = []
    stack: list[str | None] = []
    last_key: str | None = None  # the key just before the next opening bracket, if that bracket is its value
    i = 0
    while i < len(src):
        c = src[i]
        if c in "'\"`":
            i = _string_end(src, i)
            last_key = None
            continue
        if (end := _comment_end(src, i)) is not None:
            i = end
            continue
        m = _IDENT.match(src, i)
        if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] in "_$.")):
            after = re.compile(r"\s*:(?!:)").match(src, m.end())
            if after:
                if m.group() == "formatter":
                    start = after.end()
                    end = _expression_end(src, start)
                    found.append((i, [k for k in stack if k], src[start:end].strip()))
                last_key = m.group()
                i = after.end()
                continue
            last_key = None
            i = m.end()
            continue
        if c in _OPEN:
            stack.append(last_key)
        elif c in _CLOSE and stack:
            stack.pop()
        if not c.isspace():
            last_key = None
        i += 1
    return found


def _results(fn: str) -> list[str]:
    """What a formatter function returns: its arrow body, or each ``return`` expression of a block body."""
    arrow = fn.find("=>")
    if arrow < 0 and not fn.startswith("function"):
        return [fn]  # not a function literal: a name or call whose value is used as it is
    body = fn[arrow + 2 :].strip() if arrow >= 0 else fn[fn.index("{") :]
    if not body.startswith("{"):
        return [body]
    out = []
    for m in re.finditer(r"\breturn\b", body):
        start = m.end()
        out.append(body[start : _expression_end(body, start, ";}")].strip())
    return out


def _escaped(expr: str) -> bool:
    """True when ``expr`` is a literal, ``esc(...)``, or a template literal whose every ``${}`` is ``esc(...)``."""
    expr = expr.strip()
    if re.fullmatch(r"'[^'\\]*'|\"[^\"\\]*\"", expr):
        return True
    if expr.startswith("esc(") and _balanced_end(expr, 3) == len(expr):
        return True
    if expr.startswith("`") and _string_end(expr, 0) == len(expr):
        parts = re.split(r"\$\{", expr)[1:]
        return all(p.lstrip().startswith("esc(") for p in parts)
    return False


def _script_formatters(name: str, src: str) -> list[tuple[int, list[str], str]]:
    """The formatters of a script file, or of the ``<script>`` blocks of a Vue file (offsets into ``src``)."""
    if not name.endswith(".vue"):
        return _formatters(src)
    out = []
    for m in re.finditer(r"<script\b[^>]*>(.*?)</script>", src, re.S):
        out += [(m.start(1) + pos, keys, value) for pos, keys, value in _formatters(m.group(1))]
    return out


def check(name: str, src: str) -> list[Finding]:
    """What in the file ``name`` (text ``src``) renders a string as HTML without escaping it."""

    def line(pos: int) -> int:
        return src.count("\n", 0, pos) + 1

    out = [
        Finding(name, line(m.start()), why) for pat, why in FORBIDDEN.items() for m in re.finditer(pat, src)
    ]
    for pos, keys, value in _script_formatters(name, src):
        is_string = re.fullmatch(r"'[^']*'|\"[^\"]*\"|`[^`$]*`", value) is not None
        if "tooltip" in keys:
            if is_string:
                continue  # an ECharts string template: ECharts escapes what it fills in
            for r in _results(value):
                if not _escaped(r):
                    out.append(Finding(name, line(pos), f"提示框 formatter 未用 esc(...) 转义：{r[:80]}"))
        elif _TAG.search(value):
            out.append(Finding(name, line(pos), "画布上的 formatter 含 HTML 标签（标签文本不解析 HTML）"))
    return sorted(out, key=lambda f: f.line)


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*") if p.suffix in (".vue", ".ts", ".js", ".tsx") and p.is_file())


def test_frontend_renders_no_string_as_html() -> None:
    files = _sources()
    assert len(files) >= 15  # the pages are there (a wrong path would pass vacuously)
    findings = [f for p in files for f in check(str(p.relative_to(SRC)), p.read_text(encoding="utf-8"))]
    assert findings == [], "\n".join(map(str, findings))


def test_the_page_shell_has_no_inline_script() -> None:
    """The Content-Security-Policy (``script-src 'self'``) would block it: scripts come from files."""
    shell = (SRC.parent / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", shell, re.S | re.I)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", shell, re.I)  # no inline event handler either


def test_the_map_tooltip_escapes_the_district_name() -> None:
    src = (SRC / "pages" / "MapPage.vue").read_text(encoding="utf-8")
    tooltips = [(k, v) for _, k, v in _script_formatters("MapPage.vue", src) if "tooltip" in k]
    assert len(tooltips) == 1
    assert "esc(names.get(q.name) ?? q.name)" in tooltips[0][1]


# The checker itself, on the code it must refuse (the map tooltip as it was) and the code it must let pass.
BAD = [
    "tooltip: { formatter: (p) => `${names.get(p.name) ?? p.name}<br/>${v}` }",
    "tooltip: { formatter: (p) => { const q = p; return `${esc(q.name)}<br/>${q.value}` } }",
    "tooltip: { formatter: (p) => p.name + '<br/>' + p.value }",
    "tooltip: { formatter: (p) => p.name }",
    "tooltip: { trigger: 'item', formatter: function (p) { return '<b>' + p.name + '</b>' } }",
    "series: [{ tooltip: { formatter: fmt } }]",
    "label: { formatter: (p) => `<b>${p.name}</b>` }",
    '<div v-html="row.name" />',
    "el.innerHTML = name",
    "ElMessage({ message: m, dangerouslyUseHTMLString: true })",
    '<el-tooltip raw-content :content="row.name" />',
    '<a href="javascript:void(0)">x</a>',
]
GOOD = [
    "tooltip: { formatter: (p) => `${esc(names.get(p.name) ?? p.name)}<br/>${esc(v)}` }",
    "tooltip: { formatter: (p) => { const q = p; return `${esc(q.name)}<br/>${esc(q.value)}` } }",
    "tooltip: { formatter: (p) => esc(p.name) }",
    "tooltip: { formatter: '{b}<br/>{c}' }",
    "tooltip: { trigger: 'axis', valueFormatter: (v) => v.toFixed(1) + '%' }",
    "axisLabel: { formatter: (v) => (Number.isInteger(v) ? v + '年' : '') }",
    "emphasis: { label: { show: true, formatter: (p) => names.get(p.name) ?? p.name } }",
    "xAxis: { axisLabel: { formatter: '{value}%' } }, tooltip: { trigger: 'axis' }",
    "<router-link :to=\"'/enterprises/' + row.id\">{{ row.name }}</router-link>",
]


@pytest.mark.parametrize("code", BAD)
def test_the_checker_refuses(code: str) -> None:
    assert check("x.ts", code) != []


@pytest.mark.parametrize("code", GOOD)
def test_the_checker_lets_pass(code: str) -> None:
    assert check("x.ts", code) == []
