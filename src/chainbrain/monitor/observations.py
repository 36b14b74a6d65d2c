"""Observations of targets: one value per target and period, with source and as-of date.

History is append-only. A correction is a newer row flagged ``correction`` that keeps the old row; for each
(target, period) the newest row counts and the older ones are *superseded*. Every batch — a file, one CLI
call, a store snapshot — is checked in full first and written in one transaction, or not at all.

Checks per row: the target exists; the unit, when given, is the target's; the period is ``2025``, ``2025Q3``
or ``2025-09``, not before the target's baseline / the year before the plan starts, not after the target
year, and not starting after the as-of date; the value is a number (no text), within 0–100 for shares; a
second value for a period already observed needs the correction flag.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from chainbrain.io.problems import ImportRejected, Problem
from chainbrain.monitor.periods import PeriodError, parse_period, period_t
from chainbrain.io.fields import display_choices, vocab_lookup
from chainbrain.monitor.registry import Target, list_targets
from chainbrain.store.records import fetch_dicts, transaction

STATUSES = ("verified", "illustrative", "synthetic")
#: 已核实 / 示意 / 合成 (and the English keys) → the stored status
_STATUS_FORMS = vocab_lookup("status")
_TRUE = {"1", "true", "yes", "y", "是", "更正", "t"}
_FALSE = {"", "0", "false", "no", "n", "否", "f", "none"}

#: column key → header a person sees (used in problems)
HEADERS_ZH = {
    "target": "目标",
    "target_id": "目标编号",
    "period": "期间",
    "value": "数值",
    "unit": "单位",
    "source": "来源",
    "as_of": "截至日期",
    "status": "数据状态",
    "correction": "更正",
    "note": "备注",
}


@dataclass
class Observation:
    id: int
    target_id: str
    period: str
    value: float
    unit: str
    source: str
    as_of: dt.date
    status: str
    correction: bool = False
    raw: float | None = None
    note: str | None = None
    superseded: bool = False

    @property
    def t(self) -> float:
        return period_t(parse_period(self.period))


def earliest_year(t: Target) -> int:
    """First year an observation may describe: the baseline year or the year before the plan starts."""
    base = t.baseline_year if t.baseline_year is not None else t.start_year - 1
    return min(base, t.start_year - 1)


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError("布尔值不是数值")
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = str(v).strip().replace(",", "").replace("，", "")
        x = float(s)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("不是有限数值")
    return x


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v).strip())


def _flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = "" if v is None else str(v).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(s)


def current_values(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], float]:
    """(target, period) → the value that counts now (newest row)."""
    rows = conn.execute(
        "SELECT target_id, period, arg_max(value, id) FROM observation GROUP BY target_id, period"
    ).fetchall()
    return {(r[0], r[1]): float(r[2]) for r in rows}


def check_rows(
    conn: duckdb.DuckDBPyConnection,
    rows: Iterable[Mapping[str, Any]],
    *,
    file: str = "<命令行>",
    first_row: int = 2,
    today: dt.date | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check raw rows (keys as in :data:`HEADERS_ZH`); return (rows ready to write, problems).

    Rows equal to what is already stored (same target, period and value, no correction) are dropped
    silently, so re-loading a file is harmless. Nothing is written.
    """
    head = {**HEADERS_ZH, **(headers or {})}
    targets = {t.id: t for t in list_targets(conn)}
    by_name = {t.name: t for t in targets.values()}
    stored = current_values(conn)
    today = today or dt.date.today()
    seen: dict[tuple[str, str], float] = {}
    ready: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, raw in enumerate(rows):
        rownum = first_row + i
        found: list[Problem] = []

        def bad(
            key: str, value: Any, reason: str, rownum: int = rownum, found: list[Problem] = found
        ) -> None:
            found.append(Problem(file, rownum, head.get(key, key), value, reason))

        tid = str(raw.get("target_id") or "").strip()
        tname = str(raw.get("target") or "").strip()
        target = targets.get(tid) if tid else (by_name.get(tname) or targets.get(tname))  # a name, or an id
        if target is not None:
            tid = target.id
        if not tid and not tname:
            bad("target", None, "缺少目标：填目标名称（见“目标清单”工作表）或目标编号")
        elif target is None and tid:
            bad("target_id", tid, "未知目标编号（用 chainbrain targets 查看全部目标编号）")
        elif target is None:
            near = [n for n in by_name if tname in n or n in tname][:3]
            hint = f"；相近的目标：{'、'.join(near)}" if near else "；目标名称须与“目标清单”工作表中的一致"
            bad("target", tname, f"未知目标{hint}")
        value: float | None = None
        try:
            if raw.get("value") is None or str(raw.get("value")).strip() == "":
                raise ValueError("empty")
            value = _number(raw.get("value"))
        except ValueError:
            bad("value", raw.get("value"), "数值单元格应为数字，不能是文字或空白")
        as_of = today
        if raw.get("as_of") not in (None, ""):
            try:
                as_of = _date(raw.get("as_of"))
            except ValueError:
                bad("as_of", raw.get("as_of"), "截至日期应为 YYYY-MM-DD")
        period = None
        try:
            written_period = raw.get("period")
            period = parse_period(written_period if written_period is not None else "")
        except PeriodError as e:
            bad("period", raw.get("period"), str(e))
        unit = str(raw.get("unit") or "").strip()
        source = str(raw.get("source") or "").strip()
        if not source:
            bad("source", raw.get("source"), "缺少来源（文件、文件号或网址）")
        status = str(raw.get("status") or "verified").strip()
        status = _STATUS_FORMS.get(status.lower(), status)
        if status not in STATUSES:
            bad("status", status, f"数据状态应为 {' / '.join(display_choices('status'))}")
        try:
            correction = _flag(raw.get("correction"))
        except ValueError:
            correction = False
            bad("correction", raw.get("correction"), "更正应填 是 或 否")
        if target is not None:
            if unit and unit != target.unit:
                bad("unit", unit, f"单位不符：目标“{target.name}”的单位是 {target.unit}")
            if period is not None:
                lo, hi = earliest_year(target), target.year
                if period.end.year < lo or period.end.year > hi:
                    bad("period", period.text, f"期间超出范围：目标“{target.name}”接受 {lo}—{hi} 年的观测")
                elif period.start > as_of:
                    bad("period", period.text, f"期间 {period.text} 晚于截至日期 {as_of.isoformat()}")
            if value is not None and target.kind == "share" and not 0 <= value <= 100:
                bad("value", value, "比重应在 0—100（%）之间")
            if value is not None and target.kind not in ("increase",) and value < 0:
                bad("value", value, "数值不能为负")
        if not found and target is not None and period is not None and value is not None:
            key = (tid, period.text)
            before = seen.get(key, stored.get(key))
            if before is not None and not correction:
                if math.isclose(before, value, rel_tol=1e-9, abs_tol=1e-12):
                    continue
                bad(
                    "value",
                    value,
                    f"{tid} {period.text} 已有数值 {before:g}，与 {value:g} 不同；如需更正请将“更正”填为 是",
                )
        if found:
            problems.extend(found)
            continue
        assert target is not None and period is not None and value is not None
        seen[(tid, period.text)] = value
        ready.append(
            {
                "target_id": tid,
                "period": period.text,
                "value": value,
                "unit": target.unit,
                "raw": raw.get("raw"),
                "correction": correction,
                "note": (str(raw.get("note")).strip() or None) if raw.get("note") else None,
                "source": source,
                "as_of": as_of,
                "status": status,
            }
        )
    return ready, problems


_WRITE_COLS = (
    "target_id",
    "period",
    "value",
    "unit",
    "raw",
    "correction",
    "note",
    "source",
    "as_of",
    "status",
)


def write_rows(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
    """Append checked rows (the caller owns the transaction)."""
    if not rows:
        return 0
    batch = pa.table(
        {
            "target_id": pa.array([r["target_id"] for r in rows], pa.string()),
            "period": pa.array([r["period"] for r in rows], pa.string()),
            "value": pa.array([float(r["value"]) for r in rows], pa.float64()),
            "unit": pa.array([r["unit"] for r in rows], pa.string()),
            "raw": pa.array([None if r.get("raw") is None else float(r["raw"]) for r in rows], pa.float64()),
            "correction": pa.array([bool(r.get("correction")) for r in rows], pa.bool_()),
            "note": pa.array([r.get("note") for r in rows], pa.string()),
            "source": pa.array([r["source"] for r in rows], pa.string()),
            "as_of": pa.array([r["as_of"] for r in rows], pa.date32()),
            "status": pa.array([r["status"] for r in rows], pa.string()),
        }
    )
    cols = ", ".join(_WRITE_COLS)
    # rows keep their order: ids (from the sequence) grow in the order the rows were given
    conn.register("observation_batch", batch)
    try:
        conn.execute(f"INSERT INTO observation ({cols}) SELECT {cols} FROM observation_batch")
    finally:
        conn.unregister("observation_batch")
    return len(rows)


def add_observations(
    conn: duckdb.DuckDBPyConnection,
    rows: Iterable[Mapping[str, Any]],
    *,
    file: str = "<命令行>",
    today: dt.date | None = None,
) -> int:
    """Check and append rows all-or-nothing; raise :class:`ImportRejected` listing every problem."""
    ready, problems = check_rows(conn, list(rows), file=file, today=today)
    if problems:
        raise ImportRejected(problems)
    with transaction(conn):
        return write_rows(conn, ready)


def observe(
    conn: duckdb.DuckDBPyConnection,
    target_id: str,
    period: str,
    value: Any,
    *,
    source: str,
    as_of: dt.date | None = None,
    unit: str | None = None,
    correction: bool = False,
    status: str = "verified",
    note: str | None = None,
) -> int:
    """Record one observation (the ``observe`` command); return 1 if written, 0 if already stored."""
    row = {
        "target_id": target_id,
        "period": period,
        "value": value,
        "unit": unit,
        "source": source,
        "as_of": as_of,
        "status": status,
        "correction": correction,
        "note": note,
    }
    return add_observations(conn, [row], today=as_of)


def observations(
    conn: duckdb.DuckDBPyConnection, target_id: str | None = None, *, include_superseded: bool = False
) -> list[Observation]:
    """Observations ordered by target, time and record; superseded rows only when asked."""
    sql = (
        "SELECT id, target_id, period, value, unit, source, as_of, status, correction, raw, note,"
        " id <> max(id) OVER (PARTITION BY target_id, period) AS superseded FROM observation"
    )
    params: list[Any] = []
    if target_id:
        sql += " WHERE target_id = ?"
        params.append(target_id)
    obs = [Observation(**r) for r in fetch_dicts(conn, sql, params)]
    if not include_superseded:
        obs = [o for o in obs if not o.superseded]
    obs.sort(key=lambda o: (o.target_id, o.t, o.id))
    return obs
