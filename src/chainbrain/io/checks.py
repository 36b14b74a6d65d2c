"""Checks across rows and against the store: foreign keys, duplicates, cycles.

Each check sees every row's values that passed their own cell checks, and the store as it is; the state
checked is the one the import would produce (store rows with the same id are replaced by the file's rows).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from chainbrain.io.fields import TITLE_ZH
from chainbrain.io.problems import Problem
from chainbrain.schema import SQL_TABLE
from chainbrain.store.records import fetch_dicts

#: table → (field, table it points at)
FOREIGN_KEYS: dict[str, list[tuple[str, str]]] = {
    "segments": [("parent_id", "segments")],
    "enterprises": [("district_code", "districts"), ("main_segment_id", "segments")],
    "sites": [("enterprise_id", "enterprises"), ("district_code", "districts"), ("segment_id", "segments")],
    "vehicle_models": [("oem_id", "enterprises"), ("site_id", "sites")],
    "bom_lines": [("model_id", "vehicle_models"), ("segment_id", "segments")],
    "supply_links": [("buyer_site_id", "sites"), ("supplier_site_id", "sites"), ("segment_id", "segments")],
}

#: tables whose whole-record rules (pydantic model validators) are applied here, to every row: pydantic
#: skips them when a field already failed, and every problem must be reported at once
ROW_RULES_CHECKED = frozenset({"supply_links"})

#: paths shown in a cycle's reason are searched for at most this many rows (the rest name no path)
_MAX_PATHS = 50


@dataclass
class ParsedRow:
    """A row after its cell checks: the record's values (only the good ones if it has problems) and the
    cells as written."""

    row: int
    data: dict[str, Any]
    cells: dict[str, tuple[str, Any]]  # field → (header as written, value as written)
    valid: bool = True  # False: the row has problems of its own; ``data`` holds only its good values


@dataclass
class CheckContext:
    conn: duckdb.DuckDBPyConnection
    table: str
    file: str
    rows: list[ParsedRow]
    #: ids of rows that earlier sheets of the same workbook will write, by table
    pending: dict[str, set[str]] = field(default_factory=dict)
    sheet: str | None = None

    def problem(self, r: ParsedRow, field: str, reason: str) -> Problem:
        header, value = r.cells.get(field, (field, r.data.get(field)))
        return Problem(self.file, r.row, header, value, reason, sheet=self.sheet)

    def store(self, table: str, columns: str = "id") -> list[dict[str, Any]]:
        return fetch_dicts(self.conn, f"SELECT {columns} FROM {SQL_TABLE[table]}")

    def file_ids(self) -> set[str]:
        return {r.data["id"] for r in self.rows if r.data.get("id") is not None}


def check_all(ctx: CheckContext) -> list[Problem]:
    problems = duplicate_ids(ctx)
    problems += foreign_keys(ctx)
    if ctx.table == "enterprises":
        problems += unique_together(ctx, ("credit_code",), "统一社会信用代码已被企业 {other}使用")
    if ctx.table == "bom_lines":
        problems += unique_together(ctx, ("model_id", "segment_id"), "该车型的这个环节已有 BOM 行 {other}")
    if ctx.table == "segments":
        problems += segment_cycles(ctx)
    if ctx.table == "supply_links":
        problems += self_links(ctx)
        problems += supply_cycles(ctx)
    return problems


def duplicate_ids(ctx: CheckContext) -> list[Problem]:
    first: dict[str, int] = {}
    out = []
    for r in ctx.rows:
        key = r.data.get("id")
        if key is None:
            continue
        if key in first:
            out.append(ctx.problem(r, "id", f"编号重复：与第 {first[key]} 行相同"))
        else:
            first[key] = r.row
    return out


def foreign_keys(ctx: CheckContext) -> list[Problem]:
    out = []
    for fk, target in FOREIGN_KEYS.get(ctx.table, []):
        known = {d["id"] for d in ctx.store(target)} | ctx.pending.get(target, set())
        if target == ctx.table:
            known |= ctx.file_ids()
        for r in ctx.rows:
            v = r.data.get(fk)
            if v is None or v in known:
                continue
            if target == "districts":
                reason = f"行政区划代码 {v} 不在行政区划表中"
            else:
                reason = f"{TITLE_ZH[target]}表中没有编号 {v}（数据库和本文件中都没有）"
            out.append(ctx.problem(r, fk, reason))
    return out


def unique_together(ctx: CheckContext, fields: tuple[str, ...], template: str) -> list[Problem]:
    """Values of ``fields`` must be unique over (store rows not in the file) ∪ file rows."""
    in_file = ctx.file_ids()
    owner: dict[tuple[Any, ...], str] = {}
    for d in ctx.store(ctx.table, ", ".join(("id", *fields))):
        key = tuple(d[f] for f in fields)
        if d["id"] not in in_file and None not in key:
            owner[key] = f"{d['id']}（数据库中）"
    out = []
    for r in ctx.rows:
        key = tuple(r.data.get(f) for f in fields)
        if None in key:
            continue
        if key in owner:
            out.append(ctx.problem(r, fields[-1], template.format(other=owner[key])))
        else:
            owner[key] = f"{r.data.get('id')}（第 {r.row} 行）"
    return out


def segment_cycles(ctx: CheckContext) -> list[Problem]:
    parent = {d["id"]: d["parent_id"] for d in ctx.store("segments", "id, parent_id")}
    parent.update({r.data["id"]: r.data.get("parent_id") for r in ctx.rows if r.data.get("id")})
    out = []
    for r in ctx.rows:
        start = r.data.get("id")
        if start is None or r.data.get("parent_id") is None:
            continue
        path = [start]
        seen = {start}
        node = parent.get(start)
        while node is not None and node not in seen:
            path.append(node)
            seen.add(node)
            node = parent.get(node)
        if node == start:
            chain = " → ".join([*path, node])
            out.append(ctx.problem(r, "parent_id", f"上级环节形成循环：{chain}"))
    return out


def _components(nodes: Iterable[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components (iterative Tarjan): node → component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = succ.get(node, [])
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = index[node]
                    if w == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


def _path(succ: dict[str, list[str]], start: str, goal: str) -> list[str]:
    prev: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in succ.get(node, []):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    path: list[str] = []
    cur: str | None = goal
    while cur is not None:
        path.append(cur)
        cur = prev.get(cur)
    return path[::-1]


def self_links(ctx: CheckContext) -> list[Problem]:
    """A site cannot supply itself (SupplyLink's own rule, applied to every row)."""
    return [
        ctx.problem(r, "supplier_site_id", "供应方与采购方不能是同一场所")
        for r in ctx.rows
        if r.data.get("supplier_site_id") is not None
        and r.data.get("supplier_site_id") == r.data.get("buyer_site_id")
    ]


def supply_cycles(ctx: CheckContext) -> list[Problem]:
    """Goods flow supplier → buyer; a cycle through any link of the file is refused."""
    in_file = ctx.file_ids()
    edges = [
        (d["supplier_site_id"], d["buyer_site_id"])
        for d in ctx.store("supply_links", "id, supplier_site_id, buyer_site_id")
        if d["id"] not in in_file
    ]
    linked = [r for r in ctx.rows if r.data.get("supplier_site_id") and r.data.get("buyer_site_id")]
    edges += [(r.data["supplier_site_id"], r.data["buyer_site_id"]) for r in linked]
    succ: dict[str, list[str]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    comp = _components(list(succ), succ)
    out: list[Problem] = []
    for r in linked:
        s, b = r.data["supplier_site_id"], r.data["buyer_site_id"]
        if s == b or comp.get(s) is None or comp.get(s) != comp.get(b):
            continue
        if len(out) < _MAX_PATHS:
            chain = " → ".join([s, *_path(succ, b, s)])
            reason = f"供应关系形成循环（→ 表示供货方向）：{chain}"
        else:
            reason = f"供应关系形成循环：{b} 又直接或间接向 {s} 供货"
        out.append(ctx.problem(r, "supplier_site_id", reason))
    return out
