"""Live indicators: targets the chain data measures, computed from the store instead of typed in.

- ``parts_firms`` — enterprises seated in Chongqing (district code 50xxxx) with a Tier1/Tier2/Tier3 role;
- ``electronics_firms`` — Chongqing enterprises labelled 汽车电子;
- ``zjtx_firms`` — Chongqing enterprises labelled 专精特新 or 小巨人 (every 专精特新“小巨人” is also 专精特新);
- ``little_giant_firms`` — Chongqing enterprises labelled 小巨人;
- ``yuxi_parts_firms`` — parts firms (as above) seated in a 渝西 district (``district.yuxi``);
- ``local_rate_city`` — the city-wide local supporting rate from :func:`chainbrain.chain.local_rate.local_rate`,
  in %. Its target is an *increase*, so a snapshot records the change in 百分点 against the reference: the
  earliest snapshot's rate (kept in ``raw``); the first snapshot is the reference and records 0.

:func:`snapshot` stores one observation per live target for the month of ``as_of`` with source
"chainbrain 数据库快照" and the weakest status of the records counted; taking the same snapshot twice writes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from chainbrain.battery.indicators import INDICATORS as BATTERY_INDICATORS
from chainbrain.battery.indicators import TABLES as BATTERY_TABLES
from chainbrain.chain.boundary import in_city_sql
from chainbrain.infra.indicators import INDICATORS as INFRA_INDICATORS
from chainbrain.infra.indicators import TABLES as INFRA_TABLES
from chainbrain.io.problems import ImportRejected
from chainbrain.monitor.observations import check_rows, observations, write_rows
from chainbrain.monitor.registry import list_targets
from chainbrain.store.records import transaction

SNAPSHOT_SOURCE = "chainbrain 数据库快照"
_PARTS = "len(list_intersect(e.roles, ['Tier1', 'Tier2', 'Tier3'])) > 0"
_CQ = in_city_sql("e.district_code")


def _count(conn: duckdb.DuckDBPyConnection, where: str, join: str = "") -> float:
    row = conn.execute(f"SELECT count(*) FROM enterprise e {join} WHERE {where}").fetchone()
    return float(row[0]) if row else 0.0


def parts_firms(conn: duckdb.DuckDBPyConnection) -> float:
    return _count(conn, f"{_CQ} AND {_PARTS}")


def electronics_firms(conn: duckdb.DuckDBPyConnection) -> float:
    return _count(conn, f"{_CQ} AND list_contains(e.labels, '汽车电子')")


def zjtx_firms(conn: duckdb.DuckDBPyConnection) -> float:
    return _count(conn, f"{_CQ} AND len(list_intersect(e.labels, ['专精特新', '小巨人'])) > 0")


def little_giant_firms(conn: duckdb.DuckDBPyConnection) -> float:
    return _count(conn, f"{_CQ} AND list_contains(e.labels, '小巨人')")


def yuxi_parts_firms(conn: duckdb.DuckDBPyConnection) -> float:
    return _count(conn, f"{_CQ} AND {_PARTS} AND d.yuxi", "JOIN district d ON d.id = e.district_code")


def store_status(conn: duckdb.DuckDBPyConnection) -> str:
    """The weakest status among the chain records a snapshot counts (synthetic < illustrative < verified)."""
    found = {
        r[0]
        for table in ("enterprise", "supply_link", *INFRA_TABLES, *BATTERY_TABLES)
        for r in conn.execute(f"SELECT DISTINCT status FROM {table}").fetchall()
    }
    for s in ("synthetic", "illustrative"):
        if s in found:
            return s
    return "verified"


def local_rate_city(conn: duckdb.DuckDBPyConnection) -> float:
    """City-wide value-weighted local supporting rate in % (0–100)."""
    from chainbrain.chain.local_rate import local_rate  # written alongside; imported lazily

    rows = local_rate(conn, by="city")
    if not rows:
        raise LookupError("本地配套率无结果：数据库中没有供应关系")
    first = rows[0]
    value = first["rate_value"] if isinstance(first, dict) else first.rate_value
    if value is None:
        raise LookupError("本地配套率无结果：供应关系没有金额")
    return float(value) * 100 if float(value) <= 1 else float(value)


INDICATORS: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection], float]]] = {
    "parts_firms": ("零部件企业数（一/二/三级供应商，重庆）", parts_firms),
    "electronics_firms": ("汽车电子企业数（标签 汽车电子）", electronics_firms),
    "zjtx_firms": ("专精特新企业数（含小巨人）", zjtx_firms),
    "little_giant_firms": ("专精特新“小巨人”企业数", little_giant_firms),
    "yuxi_parts_firms": ("渝西地区零部件企业数", yuxi_parts_firms),
    "local_rate_city": ("全市本地配套率（%，按金额）", local_rate_city),
    **INFRA_INDICATORS,
    **BATTERY_INDICATORS,
}


@dataclass
class SnapshotResult:
    target_id: str
    indicator: str
    period: str
    value: float | None
    raw: float | None
    written: bool
    skipped_reason: str | None = None


def snapshot(conn: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None) -> list[SnapshotResult]:
    """Measure every live target from the store and record it for the month of ``as_of``."""
    as_of = as_of or dt.date.today()
    period = f"{as_of.year}-{as_of.month:02d}"
    results: list[SnapshotResult] = []
    rows: list[dict[str, Any]] = []
    status = store_status(conn)
    for t in list_targets(conn):
        if not t.live:
            continue
        if t.live not in INDICATORS:
            raise KeyError(f"目标 {t.id} 的实时指标 {t.live!r} 未定义")
        label, fn = INDICATORS[t.live]
        try:
            measured = fn(conn)
        except (ImportError, LookupError) as e:
            results.append(SnapshotResult(t.id, label, period, None, None, False, str(e)))
            continue
        raw = None
        value = measured
        note = f"由数据库计算：{label}"
        if t.kind == "increase":
            refs = [o for o in observations(conn, t.id) if o.raw is not None and o.source == SNAPSHOT_SOURCE]
            raw = measured
            if refs:
                ref = min(refs, key=lambda o: (o.t, o.id))
                assert ref.raw is not None, "refs holds only observations with a raw value"
                value = measured - ref.raw
                note += f"；基准为 {ref.period} 快照 {ref.raw:.2f}"
            else:
                value = 0.0
                note += "；首个快照，作为基准"
        if as_of.year > t.year:
            results.append(SnapshotResult(t.id, label, period, value, raw, False, "目标年份已过"))
            continue
        row = {
            "target_id": t.id,
            "period": period,
            "value": value,
            "raw": raw,
            "source": SNAPSHOT_SOURCE,
            "as_of": as_of,
            "status": status,
            "correction": True,
            "note": note,
        }
        rows.append(row)
        results.append(SnapshotResult(t.id, label, period, value, raw, True))
    stored = {(o.target_id, o.period): o.value for o in observations(conn)}
    fresh = [r for r in rows if stored.get((r["target_id"], period)) != r["value"]]
    for res in results:
        if res.written and stored.get((res.target_id, period)) == res.value:
            res.written, res.skipped_reason = False, "与已有快照相同"
    ready, problems = check_rows(conn, fresh, file=SNAPSHOT_SOURCE, today=as_of)
    if problems:
        raise ImportRejected(problems)
    with transaction(conn):
        write_rows(conn, ready)
    return results
